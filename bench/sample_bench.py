#!/usr/bin/env python3
"""`sample` against datatrove's SamplerFilter: the share kept and the speed, one run.

Documents: --docs synthetic documents (default 200,000; id `doc-<i>`, a short text), written to
bench/work/sample/docs.jsonl. datatrove 0.10.1 `SamplerFilter(rate=0.5, seed=0).filter(doc)` per
document, timed around the loop (CPU time); tamis `tamis run` with `sample: { rate: 0.5, seed: 0 }`,
`--workers 1`, `taskset -c 1`: the step's own seconds from stats.json and the whole process's CPU time.
The two keep about the same share, not the same documents (datatrove draws from numpy's generator in
document order; tamis hashes the id).
"""
import argparse
import json
import os
import resource
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work", "sample")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    ap.add_argument("--docs", type=int, default=200_000)
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    docs_path = os.path.join(WORK, "docs.jsonl")
    with open(docs_path, "w") as f:
        for i in range(args.docs):
            f.write(json.dumps({"id": f"doc-{i}", "text": f"Document number {i} of the sample benchmark."}) + "\n")

    from datatrove.data import Document
    from datatrove.pipeline.filters.sampler_filter import SamplerFilter
    docs = [Document(text=f"Document number {i} of the sample benchmark.", id=f"doc-{i}") for i in range(args.docs)]
    sampler = SamplerFilter(rate=0.5, seed=0)
    cpu = time.process_time()
    kept_dt = sum(1 for d in docs if sampler.filter(d))
    dt_cpu = time.process_time() - cpu

    with tempfile.TemporaryDirectory(prefix="tamis-sample-") as out:
        pipeline = os.path.join(out, "pipeline.yaml")
        with open(pipeline, "w") as f:
            f.write(f"input: {{ paths: [{docs_path!r}], format: jsonl }}\noutput: {{ path: {os.path.join(out, 'out')!r} }}\n"
                    "steps:\n  - sample: { rate: 0.5, seed: 0 }\n")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(["taskset", "-c", "1", args.tamis, "run", pipeline, "--workers", "1", "--quiet"], check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        process_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        with open(os.path.join(out, "out", "stats.json")) as f:
            step = next(s for s in json.load(f)["steps"] if s["name"] == "sample")
    n = args.docs
    print(f"{n} documents; kept: datatrove {kept_dt / n:.4f}, tamis {step['kept'] / n:.4f}")
    print("\n| tool (one core) | seconds (CPU; the step: its time in stats.json) | docs/s | × datatrove |\n|---|---:|---:|---:|")
    for name, seconds in [("datatrove `SamplerFilter.filter`, loop only", dt_cpu),
                          ("tamis `sample` step (stats.json)", step["seconds"]),
                          ("tamis whole process (read JSONL, sample, write)", process_cpu)]:
        print(f"| {name} | {seconds:.3f} | {n / seconds:,.0f} | {dt_cpu / seconds:.1f} |")


if __name__ == "__main__":
    main()
