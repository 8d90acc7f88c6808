#!/usr/bin/env python3
"""`decontaminate` against datatrove's NGramsDecontIndexer + NGramsDecontFilter: the same decisions, and the speed.

Documents: the main text of web pages, the truth texts of the extraction sets under DATA (default
../shared/data), one JSONL document each, written to bench/work/decont/docs.jsonl.

Benchmarks: made from those texts, so that some documents are contaminated. The documents are ordered
by the sha1 of their path; three tasks (`task_a`, `task_b`, `task_c`) take --items each (default 100)
from the first documents of at least 80 words: the query is 30 words from the middle of the text and
the label the 30 words after it (whitespace-separated, punctuation kept). The label of every fourth
item is rewritten to upper case with its commas doubled, so that normalisation has work to do.

- datatrove 0.10.1: the index is `NGramsDecontIndexer.compute_hashes(label, query)` per item (its
  `run` needs lighteval to fetch tasks; the hashes come from the same method), written as
  `<task>.index.hashes` the way `run` writes them; then `NGramsDecontFilter(index).filter(doc)` per
  document with the default config (12-grams, overlap n-grams on, query n-grams off), timed around
  the loop after the index is loaded. With xxhash 4 datatrove's default hash raises on `str`
  ("Strings must be encoded before hashing"): the script hashes the UTF-8 bytes, as xxhash 3 did.
- tamis: `tamis run` with `decontaminate` over the same JSONL, benchmarks as JSONL (`text`, `query`),
  `--workers 1`, timed around the process; then again with datatrove's `.index.hashes` files
  (`format: hashes`). The tasks are listed in reverse order: datatrove names an n-gram held by several
  tasks after the last index file it loads, tamis after the first benchmark listed.
tamis under `taskset -c 1`. Wall and CPU time both reported: the machine may be shared. Compared per
document: kept or removed, `contaminated_task`, `contaminated_ngram`. Then `mode: remove_spans` followed
by `mode: drop` over the same documents: the second must find nothing left.
"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work", "decont")
PIN = ["taskset", "-c", "1"]
TASKS = ["task_a", "task_b", "task_c"]


def read_text(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


def documents(data):
    paths = [p for p in glob.glob(os.path.join(data, "*", "truth", "*")) if os.path.isfile(p)]
    paths.sort(key=lambda p: hashlib.sha1(os.path.relpath(p, data).encode()).hexdigest())
    return [{"id": os.path.relpath(p, data), "text": read_text(p)} for p in paths]


def benchmarks(docs, items):
    out = {task: [] for task in TASKS}
    sources = (d for d in docs if len(d["text"].split()) >= 80)
    for task in TASKS:
        for k in range(items):
            words = next(sources)["text"].split()
            middle = len(words) // 2 - 30
            query, label = " ".join(words[middle:middle + 30]), " ".join(words[middle + 30:middle + 60])
            if k % 4 == 3:
                label = label.upper().replace(",", ",,")
            out[task].append({"query": query, "text": label})
    return out


def datatrove_decisions(docs, tasks, index_dir):
    from datatrove.data import Document
    from datatrove.pipeline.decont.n_grams import NGramsDecontFilter, NGramsDecontIndexer
    import numpy as np

    import xxhash

    # xxhash 4 refuses `str` ("Strings must be encoded before hashing"), which datatrove 0.10.1's
    # default hash passes it: hash the UTF-8 bytes, as xxhash 3 did with a `str`.
    def xxhash64(text):
        return xxhash.xxh64_intdigest(text.encode("utf-8"))

    NGramsDecontIndexer._requires_dependencies = []  # lighteval only serves `run`'s task download
    indexer = NGramsDecontIndexer(index_dir)
    indexer.hash_func = xxhash64
    for task, items in tasks.items():
        hashes = set()
        for item in items:
            hashes.update(indexer.compute_hashes(item["text"], item["query"]))
        np.array(sorted(hashes), dtype="<u8").tofile(os.path.join(index_dir, f"{task}.index.hashes"))
    decont = NGramsDecontFilter(index_dir)
    decont.hash_func = xxhash64
    decont.load_index_hashes()
    decisions = {}
    started, cpu = time.perf_counter(), time.process_time()
    for d in docs:
        doc = Document(text=d["text"], id=d["id"])
        kept = decont.filter(doc)
        kept = kept if isinstance(kept, bool) else kept[0]
        decisions[d["id"]] = (kept, doc.metadata.get("contaminated_task"), doc.metadata.get("contaminated_ngram"))
    return decisions, time.perf_counter() - started, time.process_time() - cpu


def tamis_decisions(tamis, docs_path, benchmarks_yaml, out):
    pipeline = os.path.join(out, "pipeline.yaml")
    with open(pipeline, "w") as f:
        f.write(f"input: {{ paths: [{docs_path!r}], format: jsonl }}\n"
                f"output: {{ path: {os.path.join(out, 'out')!r}, removed: {os.path.join(out, 'out', 'removed')!r} }}\n"
                f"steps:\n  - decontaminate: {{ benchmarks: {benchmarks_yaml} }}\n")
    started, cpu = time.perf_counter(), children_cpu()
    subprocess.run(PIN + [tamis, "run", pipeline, "--workers", "1", "--quiet"], check=True)
    seconds, cpu = time.perf_counter() - started, children_cpu() - cpu
    decisions = {}
    for path in glob.glob(os.path.join(out, "out", "**", "*.jsonl*"), recursive=True):
        removed = os.sep + "removed" + os.sep in path
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                meta = doc.get("metadata", {})
                decisions[doc["id"]] = (not removed, meta.get("contaminated_task"), meta.get("contaminated_ngram"))
    with open(os.path.join(out, "out", "stats.json")) as f:
        stats = json.load(f)
    step = next(s for s in stats["steps"] if s["name"] == "decontaminate")
    return decisions, seconds, cpu, step["seconds"], step.get("counters", {})


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    ap.add_argument("--items", type=int, default=100)
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    docs = documents(args.data)
    docs_path = os.path.join(WORK, "docs.jsonl")
    with open(docs_path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    tasks = benchmarks(docs, args.items)
    for task, items in tasks.items():
        with open(os.path.join(WORK, f"{task}.jsonl"), "w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item, ensure_ascii=False) + "\n")
    mb = sum(len(d["text"].encode()) for d in docs) / 1e6
    index_dir = os.path.join(WORK, "index")
    os.makedirs(index_dir, exist_ok=True)
    expected, dt_seconds, dt_cpu = datatrove_decisions(docs, tasks, index_dir)
    contaminated = sum(1 for kept, _, _ in expected.values() if not kept)
    print(f"{len(docs)} documents, {mb:.1f} MB; {len(TASKS)} tasks of {args.items} items; "
          f"datatrove removes {contaminated}")
    jsonl = ", ".join(f"{{ path: {os.path.join(WORK, t + '.jsonl')!r}, query_field: query }}" for t in reversed(TASKS))
    hashes = ", ".join(f"{{ path: {os.path.join(index_dir, t + '.index.hashes')!r} }}" for t in reversed(TASKS))
    rows = [("datatrove NGramsDecontFilter.filter (loop only)", dt_seconds, dt_cpu)]
    status = 0
    for label, benchmarks_yaml in [("benchmarks as JSONL", jsonl), ("datatrove's index files", hashes)]:
        with tempfile.TemporaryDirectory(prefix="tamis-decont-") as out:
            ours, seconds, cpu, step_seconds, counters = tamis_decisions(args.tamis, docs_path, f"[{benchmarks_yaml}]", out)
        differ = [i for i, e in expected.items() if ours.get(i) != e]
        same = len(docs) - len(differ)
        print(f"tamis ({label}) == datatrove: {same}/{len(docs)} ({100 * same / len(docs):.2f} %); counters {counters}")
        for i in differ[:20]:
            print(f"- {i}\n  datatrove: {expected[i]}\n  tamis:     {ours.get(i)}")
        status |= 1 if differ else 0
        rows.append((f"tamis `decontaminate`, {label}: whole process", seconds, cpu))
        rows.append((f"tamis `decontaminate`, {label}: the step (stats.json)", step_seconds, None))
    # remove_spans, then drop: the cut must leave no benchmark n-gram behind.
    with tempfile.TemporaryDirectory(prefix="tamis-decont-cut-") as out:
        pipeline = os.path.join(out, "pipeline.yaml")
        with open(pipeline, "w") as f:
            f.write(f"input: {{ paths: [{docs_path!r}], format: jsonl }}\noutput: {{ path: {os.path.join(out, 'out')!r} }}\n"
                    f"steps:\n  - decontaminate: {{ benchmarks: [{jsonl}], mode: remove_spans }}\n"
                    f"  - decontaminate: {{ benchmarks: [{jsonl}] }}\n")
        subprocess.run([args.tamis, "run", pipeline, "--quiet"], check=True)
        with open(os.path.join(out, "out", "stats.json")) as f:
            cut, check = [st for st in json.load(f)["steps"] if st["name"] == "decontaminate"]
    left = sum(check["dropped"].values())
    print(f"remove_spans: {cut.get('counters', {})}, dropped {cut['dropped']}; "
          f"documents still contaminated after the cut: {left}")
    status |= 1 if left else 0
    print("\n| tool (one core) | wall s | CPU s | docs/s (wall) | MB/s (wall) | × datatrove (wall) | × datatrove (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, seconds, cpu in rows:
        cpu_text, ratio = ("", "") if cpu is None else (f"{cpu:.3f}", f"{dt_cpu / cpu:.1f}")
        print(f"| {name} | {seconds:.3f} | {cpu_text} | {len(docs) / seconds:,.0f} | {mb / seconds:.1f} | "
              f"{dt_seconds / seconds:.1f} | {ratio} |")
    return status


if __name__ == "__main__":
    sys.exit(main())
