#!/usr/bin/env python3
"""`pii` against datatrove's PIIFormatter: the same text out for every document, and the speed, one run.

Documents: the main text of web pages, as `pii` sees it in FineWeb (after extraction): the truth texts
of the extraction sets under DATA (default ../shared/data), --max-docs of them (default: 10,000, which is
all) spread over the sets by the sha1 of their path, one JSONL document each, written to
bench/work/pii_docs.jsonl. (Raw HTML is no fair input: datatrove's email pattern backtracks for minutes
on some pages' long runs of address characters, e.g. inline base64 images.)

- datatrove 0.10.1: `PIIFormatter().format(text)` with a new formatter for each document, so that its
  replacement cycle restarts per document as tamis's does (datatrove's own cycle runs on across every
  document of a process; the number of documents that choice changes is reported too). Timed inside the
  process around the loop over one formatter, as datatrove runs it.
- tamis: `tamis run` with `steps: [pii: {}]` over the same JSONL (`--workers 1`), timed around the process.
Both under `taskset -c 1`. Prints the agreement, every difference with its context, and docs/s.
Why: FineWeb's last step; a switch to tamis must redact exactly what datatrove redacts.
"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
PIN = ["taskset", "-c", "1"]


def read_text(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


def documents(data, limit):
    """Up to `limit` files, spread over the sets (ordered by the sha1 of their path)."""
    paths = [p for p in glob.glob(os.path.join(data, "*", "truth", "*")) if os.path.isfile(p)]
    paths.sort(key=lambda p: hashlib.sha1(os.path.relpath(p, data).encode()).hexdigest())
    return [{"id": os.path.relpath(p, data), "text": read_text(p)} for p in paths[:limit]]


def datatrove_texts(docs):
    from datatrove.pipeline.formatters.pii import PIIFormatter
    per_doc = [PIIFormatter().format(d["text"]) for d in docs]
    shared = PIIFormatter()
    started = time.perf_counter()
    running = [shared.format(d["text"]) for d in docs]
    seconds = time.perf_counter() - started
    return per_doc, running, seconds


def tamis_texts(tamis, docs_path, out):
    pipeline = os.path.join(out, "pipeline.yaml")
    with open(pipeline, "w") as f:
        f.write(f"input: {{ paths: [{docs_path!r}], format: jsonl }}\n"
                f"output: {{ path: {os.path.join(out, 'out')!r} }}\nsteps:\n  - pii: {{}}\n")
    started = time.perf_counter()
    subprocess.run(PIN + [tamis, "run", pipeline, "--workers", "1", "--quiet"], check=True)
    seconds = time.perf_counter() - started
    texts = {}
    for path in glob.glob(os.path.join(out, "out", "**", "*.jsonl*"), recursive=True):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                texts[doc["id"]] = doc["text"]
    return texts, seconds


def first_difference(a, b):
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return a[max(0, i - 40):i + 40], b[max(0, i - 40):i + 40]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    ap.add_argument("--max-docs", type=int, default=10_000)
    args = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    docs = documents(args.data, args.max_docs)
    docs_path = os.path.join(WORK, "pii_docs.jsonl")
    with open(docs_path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    mb = sum(len(d["text"].encode()) for d in docs) / 1e6
    expected, running, dt_seconds = datatrove_texts(docs)
    with tempfile.TemporaryDirectory(prefix="tamis-pii-") as out:
        ours, tamis_seconds = tamis_texts(args.tamis, docs_path, out)
    changed = sum(1 for d, e in zip(docs, expected) if e != d["text"])
    differ = [(d, e) for d, e in zip(docs, expected) if ours.get(d["id"]) != e]
    cycle = sum(1 for e, r in zip(expected, running) if e != r)
    print(f"{len(docs)} documents, {mb:.1f} MB; datatrove redacts something in {changed}")
    print(f"tamis == datatrove (cycle per document): {len(docs) - len(differ)}/{len(docs)} "
          f"({100 * (len(docs) - len(differ)) / len(docs):.2f} %)")
    print(f"datatrove's cycle running across documents changes {cycle} more documents' replacements")
    for d, e in differ[:20]:
        theirs, mine = first_difference(e, ours.get(d["id"], "<missing>"))
        print(f"- {d['id']}\n  datatrove: {theirs!r}\n  tamis:     {mine!r}")
    print("\n| tool (one core) | seconds | docs/s | MB/s |\n|---|---:|---:|---:|")
    for name, seconds in [("tamis `pii` (whole process)", tamis_seconds), ("datatrove PIIFormatter (loop only)", dt_seconds)]:
        print(f"| {name} | {seconds:.2f} | {len(docs) / seconds:,.0f} | {mb / seconds:.1f} |")
    print(f"\ntamis is {dt_seconds / tamis_seconds:.1f}× datatrove")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
