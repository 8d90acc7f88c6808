#!/usr/bin/env python3
"""WARC read throughput: tamis vs FastWARC vs warcio, single core, same files, same run.

Each tool reads every response record of bench/work/bench.warc.gz (one gzip member per record, like
Common Crawl) and of bench/work/bench.warc, with its HTTP headers and full body:
  - fastwarc: ArchiveIterator(path, parse_http=True, record_types=response); http_headers + reader.read()
              (FastWARC 2.x has a Rust core; given a path it opens the file natively, its fastest mode)
  - fastwarc+text: the same, then the body decoded to text as a text pipeline must (the HTTP charset
              if Python knows it, else UTF-8, invalid bytes replaced; no detection): the work tamis does
  - warcio:   ArchiveIterator(stream); for responses http_headers + content_stream().read()
  - tamis:    `TAMIS count --format warc FILE` (prints one JSON object with documents, skipped, errors, ...)
Every run is pinned to core 0 (`taskset -c 0`); best of --runs runs. The Python tools are timed inside
their process around the read loop (interpreter start and imports excluded, which favours them); tamis is
timed with perf_counter around subprocess.run (process start included). Files are read from the page cache.
Why: reading WARC is the first stage of every crawl pipeline; it must not be slower than FastWARC.
Writes a markdown table to stdout and bench/work/warc_read.json.
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
PIN = ["taskset", "-c", "0"]


def worker(tool, path):
    """Runs inside the pinned child process: read everything, print counts and the loop's time."""
    responses = body = 0
    if tool.startswith("fastwarc"):
        from fastwarc.warc import ArchiveIterator, WarcRecordType
        decode = tool == "fastwarc+text"
        t = time.perf_counter()
        for rec in ArchiveIterator(path, parse_http=True, record_types=WarcRecordType.response):
            rec.http_headers.status_code
            content_type = rec.http_headers.get("Content-Type") or ""
            payload = rec.reader.read()
            if decode:
                charset = content_type.partition("charset=")[2].strip(' "\'') or "utf-8"
                try:
                    payload = payload.decode(charset, errors="replace")
                except LookupError:
                    payload = payload.decode("utf-8", errors="replace")
            body += len(payload)
            responses += 1
    else:
        from warcio.archiveiterator import ArchiveIterator
        t = time.perf_counter()
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type == "response":
                    rec.http_headers.get_statuscode(), rec.http_headers.get_header("Content-Type")
                    body += len(rec.content_stream().read())
                    responses += 1
    print(json.dumps({"responses": responses, "body_bytes": body, "seconds": time.perf_counter() - t}))


def run_once(tool, path, tamis):
    if tool == "tamis":
        cmd = PIN + [tamis, "count", "--format", "warc", path]
    else:
        cmd = PIN + [sys.executable, __file__, "--worker", tool, path]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}")
    out = json.loads(p.stdout.strip().splitlines()[-1])
    if tool == "tamis":
        out.update(responses=out.get("documents"), tool_seconds=out.get("seconds"), seconds=wall)
    out["wall"] = wall
    return out


def main():
    ap = argparse.ArgumentParser(description="WARC read throughput, single core")
    ap.add_argument("--worker", nargs=2, metavar=("TOOL", "FILE"), help=argparse.SUPPRESS)
    ap.add_argument("--tamis", default=os.environ.get("TAMIS", os.path.join(HERE, "..", "target", "release", "tamis")))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    if a.worker:
        return worker(*a.worker)

    inputs = json.load(open(os.path.join(WORK, "inputs.json")))["warc"]
    tools = ["fastwarc", "fastwarc+text", "warcio"] + (["tamis"] if os.access(a.tamis, os.X_OK) else [])
    if "tamis" not in tools:
        print(f"NOTE: no tamis binary at {a.tamis}; measuring peers only\n")
    results = []
    for name in ["bench.warc.gz", "bench.warc"]:
        path = os.path.join(WORK, name)
        size = os.path.getsize(path)
        for tool in tools:
            runs = [run_once(tool, path, a.tamis) for _ in range(a.runs)]
            best = min(runs, key=lambda r: r["seconds"])
            s = best["seconds"]
            results.append({"file": name, "tool": tool, "seconds": s, "all_seconds": [r["seconds"] for r in runs],
                            "responses": best.get("responses"), "records_per_s": inputs["records"] / s,
                            "responses_per_s": inputs["responses"] / s, "file_mb_per_s": size / s / 1e6,
                            "uncompressed_mb_per_s": inputs["warc_bytes"] / s / 1e6, "raw": best})
            print(f"  {name:14} {tool:13} best {s:.3f}s of {[round(r['seconds'], 3) for r in runs]}", flush=True)

    by = {(r["file"], r["tool"]): r for r in results}
    for r in results:
        for peer in ["fastwarc", "fastwarc+text", "warcio"]:
            r[f"speedup_vs_{peer}"] = by[(r["file"], peer)]["seconds"] / r["seconds"]

    print(f"\nInput: {inputs['responses']} responses, {inputs['records']} records; "
          f"bench.warc.gz {inputs['warc_gz_bytes'] / 1e6:.1f} MB, bench.warc {inputs['warc_bytes'] / 1e6:.1f} MB "
          f"(MB = 1e6 bytes). Single core (taskset -c 0), best of {a.runs}.\n")
    print("| file | tool | responses seen | seconds | records/s | file MB/s | uncompressed MB/s "
          "| × fastwarc | × fastwarc+text | × warcio |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['file']} | {r['tool']} | {r['responses']} | {r['seconds']:.3f} | {r['records_per_s']:,.0f} | "
              f"{r['file_mb_per_s']:.1f} | {r['uncompressed_mb_per_s']:.1f} | {r['speedup_vs_fastwarc']:.2f} | "
              f"{r['speedup_vs_fastwarc+text']:.2f} | {r['speedup_vs_warcio']:.2f} |")
    print("\n(× = speed relative to that tool, >1 is faster.) What each tool reported for its best run:")
    for r in results:
        print(f"  {r['file']:14} {r['tool']:13} {json.dumps(r['raw'])}")
        if r["responses"] != inputs["responses"]:
            print(f"  WARNING: {r['tool']} saw {r['responses']} responses, expected {inputs['responses']}")
    json.dump({"inputs": inputs, "runs": a.runs, "results": results}, open(os.path.join(WORK, "warc_read.json"), "w"),
              indent=1)


if __name__ == "__main__":
    main()
