#!/usr/bin/env python3
"""Parity of tamis's fastText inference with the reference C++ through Python: the `fasttext` module of
fasttext-numpy2-wheel 0.9.2 (what datatrove installs) or of fasttext-predict 0.9.2.4 (same engine, same results).

Runs both on every line of the given text files (default: every file of the lingua test data: sentences,
single words and word pairs of 75 languages) with the same model, and compares the top-k labels and their
probabilities. The issue's bar: 100 % identical top-1 labels, probabilities within 1e-4. Prints a summary and
every disagreement (at most 20), and exits 1 if the bar is not met.

    bench/.venv/bin/python bench/langid_parity.py --model crates/steps/models/lid.176.ftz \
        --tamis target/release/tamis ../shared/data/lingua-testdata

Also writes the reference outputs for a list of lines with --record (used once to make the CI fixture).
"""
import argparse
import json
import pathlib
import subprocess
import sys
import time

import fasttext  # fasttext-numpy2-wheel or fasttext-predict


def read_lines(paths):
    lines = []
    for path in paths:
        p = pathlib.Path(path)
        files = sorted(p.rglob("*.txt")) if p.is_dir() else [p]
        for f in files:
            if "published-accuracy" in f.parts:
                continue
            for line in f.read_bytes().decode("utf-8").split("\n"):
                # fastText's Python predict refuses '\n'; the files are one text per line.
                if line:
                    lines.append(line)
    return lines


def reference(model_path, lines, k):
    model = fasttext.load_model(str(model_path))
    out = []
    start = time.perf_counter()
    for line in lines:
        labels, probs = model.predict(line, k=k)
        out.append((list(labels), [float(p) for p in probs]))
    return out, time.perf_counter() - start


def tamis(binary, model_path, lines, k):
    text = "".join(line + "\n" for line in lines).encode()
    cmd = [binary, "predict", "-k", str(k)] + (["--model", str(model_path)] if model_path else [])
    start = time.perf_counter()
    result = subprocess.run(cmd, input=text, capture_output=True, check=True)
    elapsed = time.perf_counter() - start
    out = []
    for row in result.stdout.decode().splitlines():
        obj = json.loads(row)
        out.append((obj["labels"], obj["probabilities"]))
    return out, elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", help="text files or folders of .txt files, one text per line")
    ap.add_argument("--model", required=True, help="fastText model (.ftz or .bin)")
    ap.add_argument("--tamis", default="target/release/tamis")
    ap.add_argument("-k", type=int, default=3, help="labels compared per line (-1: all)")
    ap.add_argument("--record", help="write the reference predictions as JSONL here instead of comparing")
    args = ap.parse_args()

    lines = read_lines(args.inputs)
    # A carriage return is a separator for both, but keep lines as the files give them.
    ref, ref_seconds = reference(args.model, lines, args.k)
    if args.record:
        with open(args.record, "w", encoding="utf-8") as f:
            for line, (labels, probs) in zip(lines, ref):
                f.write(json.dumps({"text": line, "labels": labels, "probabilities": probs}, ensure_ascii=False) + "\n")
        print(f"recorded {len(lines)} reference predictions in {args.record}")
        return 0

    ours, our_seconds = tamis(args.tamis, args.model, lines, args.k)
    assert len(ours) == len(ref), (len(ours), len(ref))
    top1_same = same_labels = exact = 0
    max_diff = 0.0
    problems = []
    for line, (rl, rp), (tl, tp) in zip(lines, ref, ours):
        if rl[:1] == tl[:1]:
            top1_same += 1
        if rl == tl:
            same_labels += 1
        diff = max((abs(a - b) for a, b in zip(rp, tp)), default=0.0)
        if len(rp) != len(tp):
            diff = float("inf")
        max_diff = max(max_diff, diff)
        if rl == tl and rp == tp:
            exact += 1
        elif len(problems) < 20:
            problems.append({"text": line[:80], "reference": list(zip(rl, rp)), "tamis": list(zip(tl, tp))})
    n = len(lines)
    print(f"lines: {n}  model: {args.model}  k: {args.k}")
    print(f"top-1 identical: {top1_same}/{n} ({100 * top1_same / n:.4f} %)")
    print(f"top-{args.k} labels identical: {same_labels}/{n}")
    print(f"bit-identical (labels and probabilities): {exact}/{n}")
    print(f"max |probability difference|: {max_diff:.3g}")
    print(f"time: fastText through Python (per-line predict) {ref_seconds:.2f} s, tamis predict (process, incl. load) {our_seconds:.2f} s")
    for p in problems:
        print(json.dumps(p, ensure_ascii=False))
    ok = top1_same == n and max_diff <= 1e-4
    print("PARITY OK" if ok else "PARITY FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
