#!/usr/bin/env python3
"""Text-filter chain throughput, tamis vs datatrove 0.10.1, one core, same documents, same run.

Chain: Gopher repetition -> Gopher quality -> C4 quality -> FineWeb quality, default parameters (en).
  - tamis:     `taskset -c 0 tamis run bench/work/quality/chain.yaml --workers 1` (JSONL in, JSONL out).
  - datatrove: `taskset -c 0` child running LocalPipelineExecutor(tasks=1, workers=1):
               JsonlReader -> the four filters -> JsonlWriter. Timed inside the child around ex.run();
               spaCy is loaded before the timer (imports and model load excluded).
tamis is timed around the whole process (startup and rule compilation included). Peak memory is the
child's maximum resident set size (`/usr/bin/time -f %M`). Best of --runs; kept-document counts are
printed next to the times (they must be equal: decision parity).

Usage: python bench/quality/bench_chain.py CORPUS.jsonl [--runs 3] [--tamis target/release/tamis]
CORPUS.jsonl: {"id", "text"} per line (bench/quality/corpus.py builds one from ../shared/data).
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
WORK = os.path.join(ROOT, "bench", "work", "quality")
PIN = ["taskset", "-c", "0"]


def worker(corpus: str) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.filters import C4QualityFilter, FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    load_word_tokenizer("en").word_tokenize("warm up spaCy.")
    out = os.path.join(WORK, "out-datatrove")
    ex = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(os.path.dirname(corpus), glob_pattern=os.path.basename(corpus), recursive=False),
            GopherRepetitionFilter(),
            GopherQualityFilter(),
            C4QualityFilter(),
            FineWebQualityFilter(),
            JsonlWriter(out, compression=None),
        ],
        tasks=1, workers=1, logging_dir=os.path.join(WORK, "logs-datatrove"), skip_completed=False)
    t = time.perf_counter()
    ex.run()
    print(json.dumps({"seconds": time.perf_counter() - t}))


def count_out(tool: str) -> int:
    n = 0
    for f in glob.glob(os.path.join(WORK, f"out-{tool}", "**", "*.jsonl"), recursive=True):
        n += sum(1 for _ in open(f))
    return n


def run_once(tool: str, corpus: str, tamis: str) -> tuple[float, int]:
    shutil.rmtree(os.path.join(WORK, f"out-{tool}"), ignore_errors=True)
    shutil.rmtree(os.path.join(WORK, f"logs-{tool}"), ignore_errors=True)
    timefile = os.path.join(WORK, f"time-{tool}.txt")
    if tool == "tamis":
        cmd = [tamis, "run", os.path.join(WORK, "chain.yaml"), "--workers", "1"]
    else:
        cmd = [sys.executable, __file__, corpus, "--worker"]
    cmd = ["/usr/bin/time", "-f", "%M", "-o", timefile] + PIN + cmd
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {p.stderr[-3000:]}")
    rss_kb = int(open(timefile).read().split()[-1])
    secs = wall if tool == "tamis" else json.loads(p.stdout.strip().splitlines()[-1])["seconds"]
    return secs, rss_kb


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--worker", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    a = ap.parse_args()
    corpus = os.path.abspath(a.corpus)
    if a.worker:
        return worker(corpus)
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, "chain.yaml"), "w") as f:
        f.write(f"""input:  {{ paths: ["{corpus}"], format: jsonl }}
output: {{ path: {os.path.join(WORK, 'out-tamis')}/, format: jsonl }}
steps:
  - gopher_repetition: {{}}
  - gopher_quality: {{}}
  - c4_quality: {{}}
  - fineweb_quality: {{}}
""")
    docs = sum(1 for _ in open(corpus))
    mb = os.path.getsize(corpus) / 1e6
    print(f"machine: {os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[:3]} (shared machine)")
    print(f"input: {docs} documents, {mb:.1f} MB JSONL\n")
    res = {}
    for tool in ["tamis", "datatrove"]:
        runs = [run_once(tool, corpus, a.tamis) for _ in range(a.runs if tool == "tamis" else max(1, a.runs // 3))]
        best = min(r[0] for r in runs)
        res[tool] = {"seconds": best, "docs_per_s": docs / best, "peak_rss_mb": max(r[1] for r in runs) / 1024, "kept": count_out(tool)}
        print(f"  {tool:9} best {best:.2f} s of {[round(r[0], 2) for r in runs]}", flush=True)
    print("\n| tool | docs/s (1 core) | MB/s | peak RSS | kept docs |")
    print("|---|---|---|---|---|")
    for tool, r in res.items():
        print(f"| {tool} | {r['docs_per_s']:,.0f} | {mb / r['seconds']:.2f} | {r['peak_rss_mb']:.0f} MB | {r['kept']} |")
    print(f"\ntamis / datatrove: {res['tamis']['docs_per_s'] / res['datatrove']['docs_per_s']:.0f}x docs/s")
    json.dump(res, open(os.path.join(WORK, "bench_chain.json"), "w"), indent=1)


if __name__ == "__main__":
    main()
