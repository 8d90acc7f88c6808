#!/usr/bin/env python3
"""`bloom_dedup` against Dolma's `dolma dedupe`: the same duplicates, and the speed, one run.

Setup (Dolma in its own venv):  python3 -m venv bench/.venv-dolma && bench/.venv-dolma/bin/pip install dolma
Run:                            python3 bench/bloom_dedup_bench.py [--data ../shared/data]

Documents: the main text of web pages, the truth texts of the extraction sets under DATA (default
../shared/data), ordered by the sha1 of their path, then a copy (new id) of every fourth one, so that
whole documents repeat; paragraphs (lines) repeat across pages of a site by themselves. One gzipped
JSONL file, bench/work/bloom/documents/docs.jsonl.gz.

- Dolma (`dolma dedupe`, one process): paragraph level (`dedupe.paragraphs`, `skip_empty`) and document
  level (`dedupe.documents.key: $.text`), `bloom_filter.estimated_doc_count` = the number of items,
  `desired_false_positive_rate` 1e-6; its attributes give the duplicate spans.
- tamis (`tamis run`, `--workers 1`): `bloom_dedup` with the same settings and `annotate: true`, so that
  the spans land in the metadata to compare (the default cuts them); then with 3 tasks, which must give
  the same spans.
Compared: the set of (document, paragraph start) Dolma marks against tamis's; for documents, the ids.
Both under `taskset -c 1`; wall and CPU time of each process.
"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work", "bloom")
PIN = ["taskset", "-c", "1"]
RATE = 1e-6


def read_text(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


def documents(data):
    paths = [p for p in glob.glob(os.path.join(data, "*", "truth", "*")) if os.path.isfile(p)]
    paths.sort(key=lambda p: hashlib.sha1(os.path.relpath(p, data).encode()).hexdigest())
    docs = [{"id": os.path.relpath(p, data), "text": read_text(p), "source": "bench"} for p in paths]
    return docs + [{**d, "id": "copy/" + d["id"]} for d in docs[::4]]


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command, **kwargs):
    started, cpu = time.perf_counter(), children_cpu()
    subprocess.run(PIN + command, check=True, **kwargs)
    return time.perf_counter() - started, children_cpu() - cpu


def dolma(dolma_bin, docs_path, level, items):
    attributes = os.path.join(WORK, "attributes")
    shutil.rmtree(attributes, ignore_errors=True)
    bloom = os.path.join(WORK, f"bloom-{level}.bin")
    if os.path.exists(bloom):
        os.remove(bloom)
    dedupe = {"name": "dd", "skip_empty": True}
    if level == "paragraph":
        dedupe["paragraphs"] = {"attribute_name": "spans"}
    else:
        dedupe["documents"] = {"attribute_name": "spans", "key": "$.text"}
    config = {
        "documents": [docs_path],
        "dedupe": dedupe,
        "bloom_filter": {"file": bloom, "read_only": False, "estimated_doc_count": items,
                         "desired_false_positive_rate": RATE},
        "processes": 1,
    }
    config_path = os.path.join(WORK, f"dolma-{level}.json")
    with open(config_path, "w") as f:
        json.dump(config, f)
    seconds, cpu = timed([dolma_bin, "-c", config_path, "dedupe"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marked = set()
    for path in glob.glob(os.path.join(attributes, "dd", "*")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                for span in row["attributes"].get("spans", []):
                    marked.add((row["id"], span[0]) if level == "paragraph" else row["id"])
    return marked, seconds, cpu, os.path.getsize(bloom)


def tamis(tamis_bin, docs_path, level, items, tasks):
    out = os.path.join(WORK, f"tamis-{level}-{tasks}")
    shutil.rmtree(out, ignore_errors=True)
    pipeline = os.path.join(WORK, f"tamis-{level}-{tasks}.yaml")
    key = "level: paragraph" if level == "paragraph" else "level: document, key: text"
    with open(pipeline, "w") as f:
        f.write(f"input: {{ paths: [{docs_path!r}], format: jsonl }}\noutput: {{ path: {out!r} }}\nsteps:\n"
                f"  - bloom_dedup: {{ {key}, skip_empty: true, annotate: true, bloom_filter: "
                f"{{ estimated_doc_count: {items}, desired_false_positive_rate: {RATE} }} }}\n")
    seconds, cpu = timed([tamis_bin, "run", pipeline, "--workers", "1", "--quiet", "--tasks", str(tasks)])
    marked = set()
    for path in glob.glob(os.path.join(out, "**", "*.jsonl*"), recursive=True):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                for span in doc.get("metadata", {}).get("bff_duplicate_spans", []):
                    marked.add((doc["id"], span[0]) if level == "paragraph" else doc["id"])
    with open(os.path.join(out, "stats.json")) as f:
        stats = json.load(f)
    step = next(s for s in stats["steps"] if s["name"] == "bloom_dedup")
    return marked, seconds, cpu, step.get("counters", {})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    ap.add_argument("--dolma", default=os.path.join(HERE, ".venv-dolma", "bin", "dolma"))
    args = ap.parse_args()
    os.makedirs(os.path.join(WORK, "documents"), exist_ok=True)
    docs = documents(args.data)
    docs_path = os.path.join(WORK, "documents", "docs.jsonl.gz")
    with gzip.open(docs_path, "wt", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    mb = sum(len(d["text"].encode()) for d in docs) / 1e6
    paragraphs = sum(1 for d in docs for p in d["text"].split("\n") if p.strip())
    print(f"{len(docs)} documents, {mb:.1f} MB, {paragraphs} non-empty paragraphs")
    rows, status = [], 0
    for level, items in [("paragraph", paragraphs), ("document", len(docs))]:
        theirs, d_seconds, d_cpu, d_bytes = dolma(args.dolma, docs_path, level, items)
        ours, t_seconds, t_cpu, counters = tamis(args.tamis, docs_path, level, items, 1)
        ours3, _, _, _ = tamis(args.tamis, docs_path, level, items, 3)
        agree = len(theirs & ours)
        print(f"\n{level}: Dolma marks {len(theirs)}, tamis {len(ours)}, both {agree}; "
              f"only Dolma {len(theirs - ours)}, only tamis {len(ours - theirs)}; "
              f"tamis with 3 tasks {'identical' if ours3 == ours else 'DIFFERENT'}")
        print(f"  Dolma's filter file {d_bytes:,} bytes; tamis counters {counters}")
        for item in sorted(theirs ^ ours)[:10]:
            print(f"  - {'Dolma only' if item in theirs else 'tamis only'}: {item}")
        status |= int(theirs != ours or ours3 != ours)
        rows.append((f"{level}: Dolma `dedupe`", d_seconds, d_cpu))
        rows.append((f"{level}: tamis `bloom_dedup`", t_seconds, t_cpu))
    print("\n| run (one core, whole process) | wall s | CPU s | MB/s (CPU) |\n|---|---:|---:|---:|")
    for name, seconds, cpu in rows:
        print(f"| {name} | {seconds:.2f} | {cpu:.2f} | {mb / cpu:.1f} |")
    return status


if __name__ == "__main__":
    sys.exit(main())
