"""The whole MinHash dedup on one core: tamis vs datatrove 0.10.1's four stages, same documents, same run.

    /work/main/bench/.venv/bin/python bench/dedup_bench.py [--source bench/work/bench.jsonl.zst] N [N ...]

For each N, the first N documents of the source (bench/make_inputs.py's bench.jsonl.zst, FineWeb-shaped rows of
real text) are written to bench/work/dedup/in_N/docs.jsonl. Then, pinned to core 0:

- tamis: `tamis dedup minhash` (record, buckets, clusters, filter) with --workers 1, under /usr/bin/time -v
  (wall time and max RSS), --mem-budget as given; the median of --repeat runs (default 3);
- datatrove: MinhashDedupSignature, MinhashDedupBuckets (one task per bucket), MinhashDedupCluster and
  MinhashDedupFilter, each through LocalPipelineExecutor with one worker, in this process (time per stage;
  max RSS of the process). Both use the default configuration (5-grams, 14 x 8, xxhash64, English words) and
  write uncompressed JSONL, kept and removed.

The documents each removes are counted: the signatures are the same, so the number removed must be the same
(the kept document of a cluster may differ: datatrove keeps the union-find root, tamis the first in input order).
Results go to bench/work/dedup_bench.json.
"""

import argparse
import glob
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dt_import  # noqa: E402,F401
from make_inputs import first_documents  # noqa: E402
from dt_import import (  # noqa: E402
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work", "dedup")


def subset(source, n):
    return first_documents(source, n, os.path.join(WORK, f"in_{n}"))


def lines(folder):
    return sum(sum(1 for _ in open(f)) for f in glob.glob(os.path.join(folder, "**", "*.jsonl"), recursive=True))


def run_tamis(binary, path, n, budget):
    out = os.path.join(WORK, f"tamis_{n}")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out + "-removed", ignore_errors=True)
    cmd = ["/usr/bin/time", "-v", "taskset", "-c", "0", binary, "dedup", "minhash", path, "-o", out,
           "--removed", out + "-removed", "--format", "jsonl", "--workers", "1", "--mem-budget", budget, "-q"]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"tamis failed: {done.stderr}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    stats = json.load(open(os.path.join(out, "stats.json")))
    removed = stats["steps"][0]["dropped"].get("minhash_duplicate", 0)
    return {"seconds": seconds, "max_rss_mb": rss_kb / 1024, "removed": removed}


def run_datatrove(path, n):
    base = os.path.join(WORK, f"datatrove_{n}")
    shutil.rmtree(base, ignore_errors=True)
    config = MinhashConfig()
    folder = os.path.dirname(path)

    def execute(name, pipeline, tasks=1):
        executor = LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1,
                                         logging_dir=os.path.join(base, "logs", name))
        start = time.perf_counter()
        executor.run()
        return time.perf_counter() - start

    stages = {}
    stages["signatures"] = execute("signatures", [
        JsonlReader(folder),
        MinhashDedupSignature(output_folder=os.path.join(base, "signatures"), config=config),
    ])
    stages["buckets"] = execute("buckets", [
        MinhashDedupBuckets(input_folder=os.path.join(base, "signatures"),
                            output_folder=os.path.join(base, "buckets"), config=config),
    ], tasks=config.num_buckets)
    stages["cluster"] = execute("cluster", [
        MinhashDedupCluster(input_folder=os.path.join(base, "buckets"),
                            output_folder=os.path.join(base, "remove_ids"), config=config),
    ])
    stages["filter"] = execute("filter", [
        JsonlReader(folder),
        MinhashDedupFilter(input_folder=os.path.join(base, "remove_ids"),
                           exclusion_writer=JsonlWriter(os.path.join(base, "removed"), compression=None)),
        JsonlWriter(os.path.join(base, "out"), compression=None),
    ])
    return {
        "seconds": sum(stages.values()),
        "stages": stages,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "removed": lines(os.path.join(base, "removed")),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--source", default=os.path.join(ROOT, "bench", "work", "bench.jsonl.zst"))
    parser.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    parser.add_argument("--mem-budget", default="512M")
    parser.add_argument("--skip-datatrove", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.sched_setaffinity(0, {0})
    results = []
    for n in args.sizes:
        path = subset(args.source, n)
        mb = os.path.getsize(path) / 1e6
        # tamis runs are short next to the machine's load swings: the median of --repeat runs.
        runs = sorted((run_tamis(args.tamis, path, n, args.mem_budget) for _ in range(args.repeat)),
                      key=lambda r: r["seconds"])
        tamis = dict(runs[len(runs) // 2])
        tamis["all_seconds"] = [r["seconds"] for r in runs]
        row = {"docs": n, "mb": mb, "tamis": tamis}
        if not args.skip_datatrove:
            row["datatrove"] = run_datatrove(path, n)
        results.append(row)
        print(json.dumps(row), flush=True)
    with open(os.path.join(ROOT, "bench", "work", "dedup_bench.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("\n| docs | MB | tamis s | tamis max RSS MB | datatrove s (sig / buckets / cluster / filter) | speed-up | removed tamis / datatrove |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        t = r["tamis"]
        d = r.get("datatrove")
        if d:
            s = d["stages"]
            dt = f"{d['seconds']:.1f} ({s['signatures']:.1f} / {s['buckets']:.1f} / {s['cluster']:.1f} / {s['filter']:.1f})"
            ratio = f"{d['seconds'] / t['seconds']:.1f}x"
            removed = f"{t['removed']} / {d['removed']}"
        else:
            dt, ratio, removed = "-", "-", f"{t['removed']} / -"
        print(f"| {r['docs']:,} | {r['mb']:.0f} | {t['seconds']:.2f} | {t['max_rss_mb']:.0f} | {dt} | {ratio} | {removed} |")


if __name__ == "__main__":
    main()
