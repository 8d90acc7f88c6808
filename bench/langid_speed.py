#!/usr/bin/env python3
"""Language-identification speed: tamis's fastText engine against fastText's C++ engine, one core
(`taskset -c 0`), same model (the built-in lid.176.ftz), same inputs, same run; best of --runs.

Sentences (every line of the lingua test data in ../shared/data/lingua-testdata, 178k short texts):
  - tamis:            `tamis predict -k 1 FILE` (one process; model load and JSON output included)
  - fasttext-python:  fastText's C++ engine through Python (`fasttext-numpy2-wheel` 0.9.2, the package datatrove
                      asks for), `model.predict(line)` per line, the way datatrove calls it; timed around the loop
                      (load excluded)
  - fasttext-cli:     with --fasttext-cli PATH, fastText's own `fasttext predict-prob MODEL FILE 1`
                      (a binary you built yourself from facebookresearch/fastText; nothing of it is in this repo)
Documents inside a pipeline (the first --docs documents of bench/work/bench.jsonl.zst, 2-5 KB of real text
each, many languages; make it with bench/make_inputs.py):
  - tamis:     `tamis run` with `- language: {}` (--workers 1); the step's own seconds from stats.json
  - datatrove: `LanguageFilter()` (0.10.1) with its model swapped for the same lid.176.ftz, `filter(doc)`
               timed per document in-process
  and, untimed, how many documents get the same language and score from both.
Writes a markdown table to stdout and bench/work/langid_speed.json.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
MODEL = ROOT / "crates/steps/models/lid.176.ftz"
PIN = ["taskset", "-c", "0"]
DATA = pathlib.Path(os.environ.get("TAMIS_DATA", ROOT.parent / "shared" / "data"))


def sentences_file():
    out = WORK / "langid_sentences.txt"
    if not out.exists():
        lines = []
        for f in sorted((DATA / "lingua-testdata").glob("*/*.txt")):
            lines += [l for l in f.read_bytes().decode().split("\n") if l]
        out.write_text("".join(l + "\n" for l in lines), encoding="utf-8")
    return out


def docs_file(n):
    out = WORK / f"langid_docs_{n}.jsonl"
    if not out.exists():
        import zstandard
        src = WORK / "bench.jsonl.zst"
        if not src.exists():
            sys.exit("bench/work/bench.jsonl.zst is missing: run bench/make_inputs.py first")
        with open(src, "rb") as f, open(out, "w", encoding="utf-8") as w:
            reader = zstandard.ZstdDecompressor().stream_reader(f)
            import io
            for i, line in enumerate(io.TextIOWrapper(reader, encoding="utf-8")):
                if i == n:
                    break
                doc = json.loads(line)
                w.write(json.dumps({"id": doc["id"], "text": doc["text"]}, ensure_ascii=False) + "\n")
    return out


def child(kind, path):
    """Runs pinned, in a fresh process; prints the timed seconds (and results) as JSON."""
    if kind == "fasttext-python":
        import fasttext
        model = fasttext.load_model(str(MODEL))
        lines = [l for l in pathlib.Path(path).read_bytes().decode().split("\n") if l]
        start = time.perf_counter()
        for line in lines:
            model.predict(line)
        print(json.dumps({"seconds": time.perf_counter() - start}))
    elif kind == "datatrove":
        from datatrove.data import Document
        from datatrove.pipeline.filters import LanguageFilter
        from fasttext.FastText import _FastText
        block = LanguageFilter()
        block.model._model = _FastText(str(MODEL))  # instead of downloading lid.176.bin
        docs = [json.loads(l) for l in open(path, encoding="utf-8")]
        results = {}
        start = time.perf_counter()
        for d in docs:
            doc = Document(text=d["text"], id=d["id"])
            block.filter(doc)
            results[d["id"]] = (doc.metadata["language"], doc.metadata["language_score"])
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "results": results}))


def run_child(kind, path):
    out = subprocess.run(PIN + [sys.executable, __file__, "--child", kind, str(path)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def best(fn, runs):
    return min((fn() for _ in range(runs)), key=lambda r: r["seconds"])


def tamis_predict(tamis, path):
    start = time.perf_counter()
    subprocess.run(PIN + [tamis, "predict", "-k", "1", str(path)], check=True, stdout=subprocess.DEVNULL)
    return {"seconds": time.perf_counter() - start}


def fasttext_cli(binary, path):
    start = time.perf_counter()
    subprocess.run(PIN + [binary, "predict-prob", str(MODEL), str(path), "1"], check=True, stdout=subprocess.DEVNULL)
    return {"seconds": time.perf_counter() - start}


def tamis_pipeline(tamis, path):
    out = WORK / "out-langid"
    shutil.rmtree(out, ignore_errors=True)
    pipeline = WORK / "langid.yaml"
    pipeline.write_text(f"input: {{ paths: [{json.dumps(str(path))}], format: jsonl }}\n"
                        f"output: {{ path: {json.dumps(str(out))}, format: jsonl, removed: {json.dumps(str(out / 'removed'))} }}\n"
                        "steps:\n  - language: {}\n")
    subprocess.run(PIN + [tamis, "run", str(pipeline), "--workers", "1", "--quiet"], check=True)
    stats = json.loads((out / "stats.json").read_text())
    results = {}
    for f in list(out.glob("*.jsonl")) + list((out / "removed").glob("*.jsonl")):
        for line in open(f, encoding="utf-8"):
            d = json.loads(line)
            results[d["id"]] = (d["metadata"]["language"], d["metadata"]["language_score"])
    return {"seconds": stats["steps"][0]["seconds"], "results": results}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--tamis", default=os.environ.get("TAMIS", str(ROOT / "target/release/tamis")))
    ap.add_argument("--fasttext-cli", help="a fastText binary built from facebookresearch/fastText")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(*args.child)

    WORK.mkdir(exist_ok=True)
    sentences = sentences_file()
    n_sent = sum(1 for _ in open(sentences, encoding="utf-8"))
    mb_sent = sentences.stat().st_size / 1e6
    rows = []
    timings = {
        "tamis": best(lambda: tamis_predict(args.tamis, sentences), args.runs),
        "fasttext-python": best(lambda: run_child("fasttext-python", sentences), args.runs),
    }
    if args.fasttext_cli:
        timings["fasttext-cli"] = best(lambda: fasttext_cli(args.fasttext_cli, sentences), args.runs)
    for tool, t in timings.items():
        rows.append(("sentences", tool, n_sent, mb_sent, t["seconds"]))

    docs = docs_file(args.docs)
    mb_docs = sum(len(json.loads(l)["text"].encode()) for l in open(docs, encoding="utf-8")) / 1e6
    ours = best(lambda: tamis_pipeline(args.tamis, docs), args.runs)
    theirs = best(lambda: run_child("datatrove", docs), args.runs)
    rows.append(("documents", "tamis language step", args.docs, mb_docs, ours["seconds"]))
    rows.append(("documents", "datatrove LanguageFilter", args.docs, mb_docs, theirs["seconds"]))
    same_language = sum(ours["results"][k][0] == v[0] for k, v in theirs["results"].items())
    same_score = sum(abs(ours["results"][k][1] - v[1]) <= 1e-4 for k, v in theirs["results"].items())

    print(f"| input | tool | items | MB | seconds | items/s | MB/s | µs/item |")
    print(f"|---|---|---:|---:|---:|---:|---:|---:|")
    report = []
    for kind, tool, n, mb, s in rows:
        print(f"| {kind} | {tool} | {n} | {mb:.1f} | {s:.3f} | {n / s:,.0f} | {mb / s:.1f} | {1e6 * s / n:.1f} |")
        report.append({"input": kind, "tool": tool, "items": n, "mb": mb, "seconds": s})
    ratio_sent = timings["fasttext-python"]["seconds"] / timings["tamis"]["seconds"]
    ratio_docs = theirs["seconds"] / ours["seconds"]
    print(f"\nsentences: tamis {ratio_sent:.2f}x fastText through Python", end="")
    if "fasttext-cli" in timings:
        print(f", {timings['fasttext-cli']['seconds'] / timings['tamis']['seconds']:.2f}x the fastText CLI", end="")
    print(f"\ndocuments: tamis language step {ratio_docs:.2f}x datatrove's LanguageFilter")
    print(f"documents with the same language: {same_language}/{args.docs}; same score (±1e-4): {same_score}/{args.docs}")
    (WORK / "langid_speed.json").write_text(json.dumps(
        {"rows": report, "same_language": same_language, "same_score": same_score, "docs": args.docs}, indent=1))


if __name__ == "__main__":
    sys.exit(main())
