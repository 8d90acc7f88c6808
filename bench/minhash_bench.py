"""MinHash signatures on one core: tamis vs rensa, datasketch and datatrove's signature stage.

    bench/.venv/bin/python bench/minhash_bench.py DATA_DIR [N]

DATA_DIR holds `*/truth/*` text files (../shared/data); the first N texts (default 5000, repeated if
fewer) are written to bench/work/minhash_texts.jsonl and hashed by every tool in this run, pinned to
core 0. rensa and datasketch hash the same shingles datatrove builds (normalised text, spaCy words,
5-grams joined by spaces) with 112 permutations; their tokenisation time is counted, as it must be paid.
"""

import glob
import json
import os
import subprocess
import sys
import time

import dt_import  # noqa: F401
from dt_import import MinhashDedupSignature, simplify_text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def texts(data_dir, n):
    files = sorted(glob.glob(os.path.join(data_dir, "*", "truth", "*")))
    out = []
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as fh:
            t = fh.read()
        if t.strip():
            out.append(t)
    base = list(out)
    while len(out) < n:
        out.extend(base)
    return out[:n]


def main():
    data_dir = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    os.sched_setaffinity(0, {0})
    docs = texts(data_dir, n)
    mb = sum(len(t.encode()) for t in docs) / 1e6
    path = os.path.join(ROOT, "bench", "work", "minhash_texts.jsonl")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for t in docs:
            f.write(json.dumps({"text": t}) + "\n")
    results = {}
    binary = os.path.join(ROOT, "target", "release", "examples", "signatures")
    out = subprocess.run(["taskset", "-c", "0", binary, path], capture_output=True, text=True, check=True)
    results["tamis"] = json.loads(out.stdout)["seconds"]

    stage = MinhashDedupSignature(output_folder="/tmp/unused-minhash-bench")
    tok = stage.word_tokenizer
    start = time.perf_counter()
    for t in docs:
        sh = stage.get_shingles(t)
        if sh.size:
            stage.get_signature(sh)
    results["datatrove signature stage"] = time.perf_counter() - start

    def shingles(t):
        words = tok.word_tokenize(simplify_text(t))
        return [" ".join(words[i : i + 5]) for i in range(len(words) - 4)]

    import rensa

    start = time.perf_counter()
    for t in docs:
        m = rensa.RMinHash(num_perm=112, seed=1)
        m.update(shingles(t))
        m.digest()
    results["rensa (RMinHash)"] = time.perf_counter() - start

    # rensa without the tokenizer's cost: the same shingles made beforehand (untimed), then
    # only hashing timed; and rensa on its own cheap shingles (str.split 5-grams), as rensa's
    # users often do. tamis's figure above includes its spaCy-compatible tokenizer.
    prepared = [shingles(t) for t in docs]
    start = time.perf_counter()
    for sh in prepared:
        m = rensa.RMinHash(num_perm=112, seed=1)
        m.update(sh)
        m.digest()
    results["rensa, hashing only (datatrove shingles made untimed)"] = time.perf_counter() - start
    del prepared

    start = time.perf_counter()
    for t in docs:
        words = t.lower().split()
        m = rensa.RMinHash(num_perm=112, seed=1)
        m.update([" ".join(words[i : i + 5]) for i in range(len(words) - 4)])
        m.digest()
    results["rensa, str.split 5-grams (cheap tokenisation, timed)"] = time.perf_counter() - start

    import datasketch

    start = time.perf_counter()
    for t in docs:
        m = datasketch.MinHash(num_perm=112, seed=1)
        m.update_batch([s.encode() for s in shingles(t)])
    results["datasketch"] = time.perf_counter() - start

    print(f"{len(docs)} documents, {mb:.1f} MB, one core (taskset -c 0)")
    print("| tool | seconds | docs/s | MB/s | tamis speed-up |")
    print("|---|---|---|---|---|")
    for name, s in results.items():
        print(f"| {name} | {s:.2f} | {len(docs)/s:,.0f} | {mb/s:.2f} | {s/results['tamis']:.1f}× |")


if __name__ == "__main__":
    main()
