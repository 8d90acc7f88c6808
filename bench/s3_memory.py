#!/usr/bin/env python3
"""Peak memory while streaming a 1 GB WARC object from S3: tamis against datatrove, one run, side by side.

Input: bench/work/big.warc.gz, bench/work/bench.warc.gz (bench/make_inputs.py) repeated until it holds
at least --size bytes (default 1 GiB): gzip members concatenate into a valid WARC. It is uploaded to
SeaweedFS on 127.0.0.1 (weed from .venv or bench/.venv, stopped by its pid), then read to the end by:
  - tamis:     `tamis count --format warc s3://bench/big.warc.gz` (records framed, inflated and decoded to
               text), and the same file from local disk;
  - datatrove: `WarcReader` over `s3://bench` through fsspec/s3fs, every document iterated (warcio
               parsing, text decoded), the way a datatrove user reads a dump from S3.
Each process runs under `taskset -c 1`; its peak RSS is the kernel's (os.wait4's ru_maxrss), its wall time
is around the process. Prints a markdown table and writes bench/work/s3_memory.json.
Why: a Common Crawl WARC is 1 GB; reading it from object storage must stream, not hold the object.
"""
import argparse
import json
import os
import subprocess
import sys
import time

from parquet_bench import ROOT, WORK, seaweed, upload

PIN = ["taskset", "-c", "1"]

DATATROVE = r"""
import sys
from datatrove.data import DocumentsPipeline
from datatrove.io import DataFolder
from datatrove.pipeline.readers import WarcReader
endpoint, key = sys.argv[1], sys.argv[2]
folder = DataFolder("s3://bench", client_kwargs={"endpoint_url": endpoint}, key="bench", secret="bench-secret")
docs = 0
for doc in WarcReader(folder, glob_pattern=key, shuffle_files=False).run():
    docs += 1
print(docs)
"""


def peak(cmd, env=None):
    """Runs cmd under /usr/bin/time; returns (seconds, peak RSS MiB, stdout)."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    rss_kib = int(proc.stderr.strip().splitlines()[-1])
    return seconds, rss_kib / 1024, proc.stdout


def build_input(size):
    small = os.path.join(WORK, "bench.warc.gz")
    big = os.path.join(WORK, "big.warc.gz")
    if not os.path.exists(small):
        sys.exit("no bench/work/bench.warc.gz: run bench/make_inputs.py first")
    if os.path.exists(big) and os.path.getsize(big) >= size:
        return big
    with open(small, "rb") as f:
        chunk = f.read()
    with open(big, "wb") as out:
        written = 0
        while written < size:
            out.write(chunk)
            written += len(chunk)
    return big


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1 << 30)
    ap.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    args = ap.parse_args()
    big = build_input(args.size)
    stored_mb = os.path.getsize(big) / 1e6
    python = os.path.join(ROOT, "bench", ".venv", "bin", "python")
    rows = []
    with seaweed() as (env, filer, s3_url):
        upload(filer, big, "big.warc.gz")
        for name, cmd, cmd_env in [
            ("tamis count, local disk", [args.tamis, "count", "--format", "warc", big], None),
            ("tamis count, S3", [args.tamis, "count", "--format", "warc", "s3://bench/big.warc.gz"], env),
            ("datatrove WarcReader, S3 (s3fs)", [python, "-c", DATATROVE, s3_url, "big.warc.gz"], env),
        ]:
            seconds, rss, out = peak(PIN + cmd, cmd_env)
            rows.append({"tool": name, "seconds": round(seconds, 2), "peak_rss_mib": round(rss, 1),
                         "mb_per_s": round(stored_mb / seconds, 1), "stdout": out.strip()[-200:]})
            print(f"{name}: {seconds:.1f} s, {rss:.0f} MiB", file=sys.stderr)
    print(f"Input: {stored_mb:,.0f} MB stored ({os.path.basename(big)})\n")
    print("| reading a 1 GB WARC | seconds | MB/s (stored) | peak RSS (MiB) |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['tool']} | {r['seconds']:.1f} | {r['mb_per_s']:.1f} | {r['peak_rss_mib']:.0f} |")
    with open(os.path.join(WORK, "s3_memory.json"), "w") as f:
        json.dump({"stored_mb": stored_mb, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
