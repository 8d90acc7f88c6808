#!/usr/bin/env python3
"""JSONL.zst pass-through throughput: read every document of bench/work/bench.jsonl.zst and write it
back as JSONL.zst, single core (`taskset -c 0`), best of --runs runs.

  - tamis:         `TAMIS run bench/work/passthrough.yaml --workers 1` (steps: [], output jsonl.zst)
  - datatrove:     LocalPipelineExecutor(tasks=1, workers=1): JsonlReader -> JsonlWriter(compression="zstd").
                   datatrove writes zstd through fsspec, which (with `zstandard`, Python < 3.14) uses level 10.
  - datatrove-l3:  the same with fsspec's zstd writer patched to level 3 (the level tamis and the baselines use),
                   to separate the cost of the framework from the cost of the compression level.
  - python-json:   zstandard stream reader + json.loads + json.dumps + zstandard writer (level 3).
  - python-orjson: the same loop with orjson (what datatrove uses internally).
Python tools are timed inside their process around the work (imports excluded); tamis with perf_counter
around subprocess.run. The output directory is removed before each run (tamis and datatrove skip
completed tasks). After the last run the output is read back to count documents (untimed).
Why: reading and writing documents is the floor under every pipeline; the framework must add little to it.
Writes a markdown table to stdout and bench/work/jsonl_passthrough.json.
"""
import argparse
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # the tamis repo: tamis resolves the YAML's relative paths from here
WORK = os.path.join(HERE, "work")
INPUT = "bench/work/bench.jsonl.zst"
PIN = ["taskset", "-c", "0"]
TOOLS = ["tamis", "datatrove", "datatrove-l3", "python-json", "python-orjson"]
PIPELINE = """input:  { paths: ["bench/work/bench.jsonl.zst"], format: jsonl }
output: { path: bench/work/out-tamis/, format: jsonl.zst }
steps: []
"""


def out_dir(tool):
    return os.path.join(WORK, f"out-{tool}")


def worker(tool):
    """Runs inside the pinned child process (cwd = repo root); prints the timed seconds as JSON."""
    out = out_dir(tool)
    os.makedirs(out, exist_ok=True)
    if tool.startswith("datatrove"):
        from datatrove.executor import LocalPipelineExecutor
        from datatrove.pipeline.readers import JsonlReader
        from datatrove.pipeline.writers import JsonlWriter
        if tool == "datatrove-l3":
            import fsspec.compression, zstandard
            fsspec.compression.compr["zstd"] = lambda f, mode="rb": (
                zstandard.ZstdDecompressor().stream_reader(f) if "r" in mode
                else zstandard.ZstdCompressor(level=3).stream_writer(f))
        ex = LocalPipelineExecutor(
            pipeline=[JsonlReader("bench/work", glob_pattern="bench.jsonl.zst", recursive=False),
                      JsonlWriter(out, compression="zstd")],
            tasks=1, workers=1, logging_dir=os.path.join(WORK, f"logs-{tool}"), skip_completed=False)
        t = time.perf_counter()
        ex.run()
    else:
        import zstandard
        if tool == "python-orjson":
            import orjson
            loads, dumps = orjson.loads, lambda d: orjson.dumps(d, option=orjson.OPT_APPEND_NEWLINE)
        else:
            loads, dumps = json.loads, lambda d: (json.dumps(d, ensure_ascii=False) + "\n").encode()
        t = time.perf_counter()
        with open(INPUT, "rb") as fi, open(os.path.join(out, "00000.jsonl.zst"), "wb") as fo:
            reader = io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(fi), 1 << 20)
            with zstandard.ZstdCompressor(level=3).stream_writer(fo) as w:
                for line in reader:
                    w.write(dumps(loads(line)))
    print(json.dumps({"seconds": time.perf_counter() - t}))


def run_once(tool, tamis):
    shutil.rmtree(out_dir(tool), ignore_errors=True)
    shutil.rmtree(os.path.join(WORK, f"logs-{tool}"), ignore_errors=True)
    if tool == "tamis":
        cmd = PIN + [tamis, "run", os.path.join("bench/work", "passthrough.yaml"), "--workers", "1"]
    else:
        cmd = PIN + [sys.executable, __file__, "--worker", tool]
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-3000:]}")
    return wall if tool == "tamis" else json.loads(p.stdout.strip().splitlines()[-1])["seconds"]


def check_output(tool):
    """Untimed: count documents and bytes in the tool's output directory."""
    import zstandard
    files = sorted(glob.glob(os.path.join(out_dir(tool), "**", "*.jsonl.zst"), recursive=True))
    docs = raw = comp = 0
    for f in files:
        comp += os.path.getsize(f)
        with open(f, "rb") as fh:
            for line in io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(fh), 1 << 20):
                docs += 1
                raw += len(line)
    return {"files": [os.path.relpath(f, ROOT) for f in files], "docs_out": docs, "out_jsonl_bytes": raw,
            "out_compressed_bytes": comp}


def main():
    ap = argparse.ArgumentParser(description="JSONL.zst pass-through throughput, single core")
    ap.add_argument("--worker", metavar="TOOL", help=argparse.SUPPRESS)
    ap.add_argument("--tamis", default=os.environ.get("TAMIS", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "tamis")))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default=",".join(TOOLS))
    a = ap.parse_args()
    if a.worker:
        os.chdir(ROOT)
        return worker(a.worker)

    inputs = json.load(open(os.path.join(WORK, "inputs.json")))["jsonl"]
    with open(os.path.join(WORK, "passthrough.yaml"), "w") as f:
        f.write(PIPELINE)
    tools = a.tools.split(",")
    if "tamis" in tools and not os.access(a.tamis, os.X_OK):
        print(f"NOTE: no tamis binary at {a.tamis}; measuring the others only\n")
        tools.remove("tamis")
    results = []
    for tool in tools:
        secs = [run_once(tool, a.tamis) for _ in range(a.runs)]
        s = min(secs)
        r = {"tool": tool, "seconds": s, "all_seconds": secs, "docs_per_s": inputs["docs"] / s,
             "mb_per_s": inputs["jsonl_bytes"] / s / 1e6, **check_output(tool)}
        results.append(r)
        print(f"  {tool:13} best {s:.2f}s of {[round(x, 2) for x in secs]}; {r['docs_out']} docs out", flush=True)

    base = {r["tool"]: r["seconds"] for r in results}
    for r in results:
        r["speedup"] = {t: base[t] / r["seconds"] for t in base}
    print(f"\nInput: {inputs['docs']:,} docs, {inputs['jsonl_bytes'] / 1e6:.1f} MB JSONL "
          f"({inputs['jsonl_zst_bytes'] / 1e6:.1f} MB .zst). MB/s = uncompressed input MB (1e6 B) per second. "
          f"Single core (taskset -c 0), best of {a.runs}.\n")
    ref = [t for t in ["datatrove", "python-json"] if t in base]
    print("| tool | docs out | seconds | docs/s | MB/s | output .zst MB | "
          + " | ".join(f"× {t}" for t in ref) + " |")
    print("|---|---:|---:|---:|---:|---:|" + "---:|" * len(ref))
    for r in results:
        print(f"| {r['tool']} | {r['docs_out']:,} | {r['seconds']:.2f} | {r['docs_per_s']:,.0f} | {r['mb_per_s']:.1f} | "
              f"{r['out_compressed_bytes'] / 1e6:.1f} | " + " | ".join(f"{r['speedup'][t]:.2f}" for t in ref) + " |")
        if r["docs_out"] != inputs["docs"]:
            print(f"WARNING: {r['tool']} wrote {r['docs_out']} docs, expected {inputs['docs']}")
    print("\n(× = speed relative to that tool, >1 is faster.) datatrove rewrites each row as "
          "{text, id, media, metadata:{...}}, so its output JSONL differs in shape and size.")
    json.dump({"inputs": inputs, "runs": a.runs, "results": results},
              open(os.path.join(WORK, "jsonl_passthrough.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
