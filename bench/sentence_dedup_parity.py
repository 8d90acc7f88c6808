"""sentence_dedup against datatrove 0.10.1's SentenceDedup: the same documents, decisions and texts compared
document by document, and the time of each on one core.

    bench/.venv/bin/python bench/sentence_dedup_parity.py [--docs 5000] [--mode sentences|lines] \
        [--tamis target/release/tamis]

The corpus is bench/make_inputs.py's JSONL generator (seed 7, --docs documents): FineWeb-shaped rows whose
text is a 2-5 KB window of lines from the plain-text files under ../shared/data (extraction truth files,
lingua sentences), so windows of the same file overlap and share sentences, as boilerplate and quoted text do
on the web. It is written to bench/work/sentdedup/in_N/docs.jsonl (never committed).

Both run the default `SentDedupConfig` (3-sentence spans, xxhash64, min_doc_words 50, min_num_sentences 3,
English spaCy tokenizer), or with `--mode lines` `split_sentences=False`. Pinned to core 0:

- datatrove: SentenceDedupSignature (one task, so that its first occurrence is the first in input order, as
  tamis's always is), SentenceFindDedups, SentenceDedupFilter with an exclusion writer, each through
  LocalPipelineExecutor with one worker, in this process;
- tamis: `tamis run` of a pipeline with the one step `sentence_dedup`, `--workers 1`.

Wall time and CPU time (user + system) of each: on a shared machine the CPU time is the steadier figure.

A document agrees when both drop it, or both keep it with the same text. Results go to
bench/work/sentence_dedup_parity.json; the differences (up to 20) are printed with both texts' first change.
"""

import argparse
import glob
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dt_import  # noqa: E402,F401  (tokenizers stub, xxhash 3)
import make_inputs  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.dedup.sentence_dedup import (  # noqa: E402
    SentDedupConfig,
    SentenceDedupFilter,
    SentenceDedupSignature,
    SentenceFindDedups,
)
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402
from loguru import logger  # noqa: E402

logger.remove()
logger.add(sys.stderr, level="WARNING")

def cpu_seconds(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "bench", "work", "sentdedup")


def corpus(n):
    folder = os.path.join(WORK, f"in_{n}")
    path = os.path.join(folder, "docs.jsonl")
    if not os.path.exists(path):
        os.makedirs(folder, exist_ok=True)
        source = os.path.join(WORK, f"source_{n}.jsonl.zst")
        make_inputs.RNG = random.Random(7)
        make_inputs.make_jsonl(n, source)
        make_inputs.first_documents(source, n, folder)
    return path


def read_docs(folder):
    docs = {}
    for f in sorted(glob.glob(os.path.join(folder, "**", "*.jsonl"), recursive=True)):
        for line in open(f, encoding="utf-8"):
            d = json.loads(line)
            docs[d["id"]] = d
    return docs


def run_datatrove(path, n, mode):
    base = os.path.join(WORK, f"datatrove_{mode}_{n}")
    shutil.rmtree(base, ignore_errors=True)
    config = SentDedupConfig(split_sentences=(mode == "sentences"))
    folder = os.path.dirname(path)

    def execute(name, pipeline):
        executor = LocalPipelineExecutor(pipeline=pipeline, tasks=1, workers=1,
                                         logging_dir=os.path.join(base, "logs", name))
        start, cpu = time.perf_counter(), cpu_seconds(resource.RUSAGE_SELF)
        executor.run()
        return time.perf_counter() - start, cpu_seconds(resource.RUSAGE_SELF) - cpu

    stages = {
        "signatures": execute("signatures", [
            JsonlReader(folder),
            SentenceDedupSignature(output_folder=os.path.join(base, "sigs"), config=config, finder_workers=1),
        ]),
        "find": execute("find", [
            SentenceFindDedups(data_folder=os.path.join(base, "sigs"), output_folder=os.path.join(base, "dups"),
                               config=config),
        ]),
        "filter": execute("filter", [
            JsonlReader(folder),
            SentenceDedupFilter(data_folder=os.path.join(base, "dups"), config=config,
                                exclusion_writer=JsonlWriter(os.path.join(base, "removed"), compression=None)),
            JsonlWriter(os.path.join(base, "out"), compression=None),
        ]),
    }
    return {
        "seconds": sum(wall for wall, _ in stages.values()),
        "cpu_seconds": sum(cpu for _, cpu in stages.values()),
        "stages": stages,
    }, read_docs(os.path.join(base, "out"))


def run_tamis(binary, path, n, mode):
    base = os.path.join(WORK, f"tamis_{mode}_{n}")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    step = "{}" if mode == "sentences" else "{ split_sentences: false }"
    pipeline = os.path.join(base, "pipeline.yaml")
    with open(pipeline, "w") as f:
        f.write(f"input: {{ paths: [{path}], format: jsonl }}\n"
                f"output: {{ path: {base}/out, format: jsonl, removed: {base}/removed }}\n"
                f"steps:\n  - sentence_dedup: {step}\n")
    cmd = ["taskset", "-c", "0", binary, "run", pipeline, "--workers", "1", "-q"]
    start, cpu = time.perf_counter(), cpu_seconds(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, cpu_seconds(resource.RUSAGE_CHILDREN) - cpu
    if done.returncode != 0:
        raise SystemExit(f"tamis failed: {done.stderr}")
    stats = json.load(open(os.path.join(base, "out", "stats.json")))
    return {"seconds": seconds, "cpu_seconds": cpu, "step": stats["steps"][0]}, read_docs(os.path.join(base, "out"))


def first_change(a, b):
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return i, a[max(0, i - 60):i + 60], b[max(0, i - 60):i + 60]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--mode", choices=["sentences", "lines"], default="sentences")
    parser.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    args = parser.parse_args()
    os.sched_setaffinity(0, {0})
    path = corpus(args.docs)
    ids = [json.loads(line)["id"] for line in open(path, encoding="utf-8")]
    tamis, tamis_kept = run_tamis(args.tamis, path, args.docs, args.mode)
    datatrove, dt_kept = run_datatrove(path, args.docs, args.mode)
    agree, differences = 0, []
    for doc_id in ids:
        a, b = dt_kept.get(doc_id), tamis_kept.get(doc_id)
        if (a is None and b is None) or (a is not None and b is not None and a["text"] == b["text"]):
            agree += 1
        else:
            differences.append((doc_id, a, b))
    edited = sum(1 for d in tamis_kept.values() if "sentence_dedup_removed" in d.get("metadata", {}))
    result = {
        "docs": len(ids),
        "mb": os.path.getsize(path) / 1e6,
        "mode": args.mode,
        "kept": {"datatrove": len(dt_kept), "tamis": len(tamis_kept)},
        "tamis_edited": edited,
        "tamis_dropped": tamis["step"]["dropped"],
        "agree": agree,
        "parity": agree / len(ids),
        "differences": len(differences),
        "datatrove": datatrove,
        "tamis": {"seconds": tamis["seconds"], "cpu_seconds": tamis["cpu_seconds"]},
        "speedup": datatrove["seconds"] / tamis["seconds"],
        "cpu_speedup": datatrove["cpu_seconds"] / tamis["cpu_seconds"],
    }
    print(json.dumps(result, indent=1))
    for doc_id, a, b in differences[:20]:
        if a is None or b is None:
            print(f"{doc_id}: kept only by {'tamis' if a is None else 'datatrove'}")
            continue
        i, x, y = first_change(a["text"], b["text"])
        print(f"{doc_id}: texts differ at {i} (lengths {len(a['text'])} / {len(b['text'])})\n"
              f"  datatrove: {x!r}\n  tamis:     {y!r}")
    with open(os.path.join(ROOT, "bench", "work", f"sentence_dedup_parity_{args.mode}.json"), "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
