#!/usr/bin/env python3
"""datatrove's FineWeb pipeline with tamis's drop-in blocks, against the same pipeline unchanged and
against `tamis run` with the `fineweb` preset: same pages, one core each.

Pipeline (datatrove's examples/fineweb.py, first stage, without the URL filter whose block lists are
downloaded at run time; the `fineweb` preset without `url_filter` is the same chain):
  WarcReader -> Trafilatura(favour_precision=True) -> LanguageFilter(languages=["en"])
  -> GopherRepetitionFilter -> GopherQualityFilter -> C4QualityFilter(filter_no_terminal_punct=False)
  -> FineWebQualityFilter -> JsonlWriter
  - datatrove: datatrove 0.10.1's blocks (trafilatura as installed in bench/.venv; LanguageFilter on the
    built-in lid.176.ftz instead of downloading lid.176.bin, as bench/langid_speed.py does);
  - datatrove+tamis: the same pipeline with `from tamis.datatrove import ...` for the six blocks
    (reader and writer stay datatrove's);
  - tamis: `tamis run` of the `fineweb` preset on the same WARC, --workers 1.
Each runs in a child pinned to core 0 (`taskset -c 0`); datatrove runs are timed inside the child around
`executor.run()` (imports, spaCy and model loading excluded), tamis around the whole process.

Reports seconds and pages/s, kept documents, and the agreement of the kept documents (by WARC-Record-ID,
and their texts) of datatrove+tamis with `tamis run` and with datatrove.

Usage: bench/.venv/bin/python bench/datatrove_blocks.py [--warc bench/work/bench.warc.gz] [--runs 1]
       (needs `pip install target/wheels/tamis-*.whl` in bench/.venv, and the tamis command on PATH or --tamis)
"""

from __future__ import annotations

import argparse
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work", "datatrove_blocks")
LID = os.path.join(ROOT, "crates", "steps", "models", "lid.176.ftz")
PIN = ["taskset", "-c", "0"]
TOOLS = ["datatrove", "datatrove+tamis", "tamis"]


def set_work(folder: str) -> None:
    """Outputs and logs go under `folder` (bench/chain_bench.py uses its own)."""
    global WORK
    WORK = folder


def worker(tool: str, warc: str) -> None:
    """Runs the pipeline with datatrove's blocks or tamis's, one task, one worker."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    if tool == "datatrove":
        from datatrove.pipeline.extractors import Trafilatura
        from datatrove.pipeline.filters import (
            C4QualityFilter,
            FineWebQualityFilter,
            GopherQualityFilter,
            GopherRepetitionFilter,
            LanguageFilter,
        )
    else:
        from tamis.datatrove import (  # type: ignore[no-redef]
            C4QualityFilter,
            FineWebQualityFilter,
            GopherQualityFilter,
            GopherRepetitionFilter,
            LanguageFilter,
            Trafilatura,
        )
    if tool == "datatrove":
        import datatrove.utils.lid

        # The built-in lid.176.ftz instead of downloading lid.176.bin.
        datatrove.utils.lid.cached_asset_path_or_download = lambda *args, **kwargs: LID
        from datatrove.utils.word_tokenizers import load_word_tokenizer

        load_word_tokenizer("en").word_tokenize("warm up spaCy.")
    out = os.path.join(WORK, f"out-{tool}")
    executor = LocalPipelineExecutor(
        pipeline=[
            WarcReader(os.path.dirname(warc), glob_pattern=os.path.basename(warc), recursive=False),
            Trafilatura(favour_precision=True),
            LanguageFilter(languages=["en"]),
            GopherRepetitionFilter(),
            GopherQualityFilter(),
            C4QualityFilter(filter_no_terminal_punct=False),
            FineWebQualityFilter(),
            JsonlWriter(out, compression=None),
        ],
        tasks=1,
        workers=1,
        logging_dir=os.path.join(WORK, f"logs-{tool}"),
        skip_completed=False,
    )
    started = time.perf_counter()
    executor.run()
    print(json.dumps({"seconds": time.perf_counter() - started}))


def kept(tool: str) -> dict[str, str]:
    """Kept documents: WARC-Record-ID -> text."""
    found = {}
    for path in glob.glob(os.path.join(WORK, f"out-{tool}", "**", "*.jsonl*"), recursive=True):
        if "/removed/" in path or "/completions/" in path:
            continue
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                doc = json.loads(line)
                found[doc["id"]] = doc["text"]
    return found


def run_once(tool: str, warc: str, tamis: str) -> float:
    shutil.rmtree(os.path.join(WORK, f"out-{tool}"), ignore_errors=True)
    shutil.rmtree(os.path.join(WORK, f"logs-{tool}"), ignore_errors=True)
    if tool == "tamis":
        cmd = PIN + [tamis, "run", os.path.join(WORK, "fineweb.yaml"), "--workers", "1", "--quiet"]
    else:
        cmd = PIN + [sys.executable, __file__, "--worker", tool, "--warc", warc]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-3000:]}")
    return wall if tool == "tamis" else json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def agreement(a: dict[str, str], b: dict[str, str]) -> str:
    both = a.keys() & b.keys()
    same_text = sum(a[i] == b[i] for i in both)
    union = len(a.keys() | b.keys())
    return (
        f"{len(both)} kept by both, {len(a.keys() - b.keys())} only by the first, {len(b.keys() - a.keys())} only "
        f"by the second (Jaccard {len(both) / max(union, 1):.3f}); identical text for {same_text} of the {len(both)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warc", default=os.path.join(HERE, "work", "bench.warc.gz"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--tamis", default=shutil.which("tamis") or os.path.join(ROOT, "target", "release", "tamis"))
    parser.add_argument("--worker")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--work", default=WORK, help="the folder for outputs and logs")
    args = parser.parse_args()
    set_work(args.work)
    warc = os.path.abspath(args.warc)
    if args.worker:
        return worker(args.worker, warc)
    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(WORK, "fineweb.yaml"), "w") as pipeline:
        pipeline.write(
            f"input: {{ paths: [{warc!r}], format: warc }}\n"
            f"output: {{ path: {os.path.join(WORK, 'out-tamis')!r}, format: jsonl }}\n"
            "steps:\n  - preset: { name: fineweb }\n"
        )
    print(f"machine: {os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[:3]} (shared machine)")
    print(f"input: {warc} ({os.path.getsize(warc) / 1e6:.1f} MB)\n")
    results = {}
    for tool in args.tools.split(","):
        times = [run_once(tool, warc, args.tamis) for _ in range(args.runs)]
        results[tool] = {"seconds": min(times), "runs": times, "kept": len(kept(tool))}
        print(
            f"  {tool:16} best {min(times):.2f} s of {[round(t, 2) for t in times]}, kept {results[tool]['kept']}",
            flush=True,
        )
    pages = 2500
    print("\n| pipeline (one core) | seconds | pages/s | kept |")
    print("|---|---|---|---|")
    for tool, result in results.items():
        print(f"| {tool} | {result['seconds']:.1f} | {pages / result['seconds']:.1f} | {result['kept']} |")
    if "datatrove" in results and "datatrove+tamis" in results:
        print(
            f"\ndatatrove+tamis / datatrove: {results['datatrove']['seconds'] / results['datatrove+tamis']['seconds']:.1f}x"
        )
    outputs = {tool: kept(tool) for tool in results}
    if "datatrove+tamis" in outputs and "tamis" in outputs:
        print(f"datatrove+tamis vs tamis run: {agreement(outputs['datatrove+tamis'], outputs['tamis'])}")
    if "datatrove+tamis" in outputs and "datatrove" in outputs:
        print(f"datatrove+tamis vs datatrove: {agreement(outputs['datatrove+tamis'], outputs['datatrove'])}")
    with open(os.path.join(WORK, "results.json"), "w") as out:
        json.dump(results, out, indent=1)


if __name__ == "__main__":
    main()
