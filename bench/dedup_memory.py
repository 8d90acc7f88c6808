"""Peak memory of `tamis run` with `minhash_dedup` against corpus size, under a fixed --mem-budget.

    python3 bench/dedup_memory.py [--budget 64M] [--workers 1] N [N ...]

For each N, the first N documents of bench/work/bench.jsonl.zst (bench/make_inputs.py; subsets shared with
bench/dedup_bench.py under bench/work/dedup/in_N/) go through a pipeline with only `- minhash_dedup: {}`, run by
`/usr/bin/time -v tamis run`. Prints max RSS, wall time, documents removed and the clusters phase's counters
(clustered documents, union-find bytes), and whether OUTPUT/.global/ is gone after the run.
Results go to bench/work/dedup_memory.json.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import time

from make_inputs import first_documents

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work", "dedup")


def subset(source, n):
    return os.path.dirname(first_documents(source, n, os.path.join(WORK, f"in_{n}")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--source", default=os.path.join(ROOT, "bench", "work", "bench.jsonl.zst"))
    parser.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    parser.add_argument("--budget", default="64M")
    parser.add_argument("--workers", default="1")
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        folder = subset(args.source, n)
        out = os.path.join(WORK, f"memory_{n}")
        shutil.rmtree(out, ignore_errors=True)
        yaml = os.path.join(WORK, f"memory_{n}.yaml")
        with open(yaml, "w") as f:
            f.write(f"input: {{ paths: [{json.dumps(folder)}], format: jsonl }}\n"
                    f"output: {{ path: {json.dumps(out)}, format: jsonl.zst }}\n"
                    "steps:\n  - minhash_dedup: {}\n")
        cmd = ["/usr/bin/time", "-v", args.tamis, "run", yaml, "-q", "--workers", args.workers,
               "--mem-budget", args.budget]
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"tamis failed: {done.stderr}")
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
        stats = json.load(open(os.path.join(out, "stats.json")))
        step = stats["steps"][0]
        row = {
            "docs": n,
            "mb": os.path.getsize(os.path.join(folder, "docs.jsonl")) / 1e6,
            "budget": args.budget,
            "workers": args.workers,
            "max_rss_mb": rss,
            "seconds": seconds,
            "removed": step["dropped"].get("minhash_duplicate", 0),
            "clustered_documents": step["counters"].get("clustered_documents", 0),
            "union_find_bytes": step["counters"].get("union_find_bytes", 0),
            "global_left": os.path.exists(os.path.join(out, ".global")),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    with open(os.path.join(ROOT, "bench", "work", "dedup_memory.json"), "w") as f:
        json.dump(rows, f, indent=1)
    print("\n| docs | MB | --mem-budget | max RSS MB | seconds | removed | clustered docs | union-find MB | .global left |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['docs']:,} | {r['mb']:.0f} | {r['budget']} | {r['max_rss_mb']:.0f} | {r['seconds']:.1f} | "
              f"{r['removed']:,} | {r['clustered_documents']:,} | {r['union_find_bytes'] / 1e6:.1f} | "
              f"{'yes' if r['global_left'] else 'no'} |")


if __name__ == "__main__":
    main()
