#!/usr/bin/env python3
"""The whole FineWeb chain, tamis against datatrove, one core each, on the same real pages.

  datatrove 0.10.1: WarcReader -> Trafilatura(favour_precision=True) -> LanguageFilter(["en"])
    -> GopherRepetitionFilter -> GopherQualityFilter -> C4QualityFilter(filter_no_terminal_punct=False)
    -> FineWebQualityFilter -> JsonlWriter   (bench/datatrove_blocks.py's worker, datatrove's own blocks)
  tamis: `tamis run` of the `fineweb` preset on the same WARC, --workers 1.

The input is bench/work/chain-PAGES.warc.gz: --pages real pages (default 5,000) from the evaluation sets under
../shared/data, built by bench/make_inputs.py's make_warc. Each run is a child pinned to core 0 and timed
as a whole process (interpreter start, imports and model loading included: that is what a core-hour
pays for). The tools alternate, run after run, and the load average is recorded before each run.

Reports, as a Markdown table for docs/benchmarks.md: seconds and pages/s per run, the ratio of the
medians, pages kept by each, each tool's per-step shares (datatrove's per-block time stats; tamis's
stats.json), and the core-hours for a 3-billion-page dump at each tool's rate.

Usage: bench/.venv/bin/python bench/chain_bench.py [--pages 5000] [--runs 3] [--tamis target/release/tamis]
       bench/.venv/bin/python bench/chain_bench.py --training-warc   # the pages after the 5,000, for
                                                                       # scripts/build-pgo
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work", "chain")
PIN = ["taskset", "-c", "0"]
DUMP_PAGES = 3e9

sys.path.insert(0, HERE)
import datatrove_blocks  # noqa: E402  (its worker runs datatrove's pipeline)
import make_inputs  # noqa: E402

datatrove_blocks.set_work(WORK)


def chain_warc(pages: int) -> str:
    """bench/work/chain-PAGES.warc.gz with `pages` pages, built once per page count."""
    return built_warc(f"chain-{pages}.warc.gz", pages, skip=0)


def training_warc(pages: int) -> str:
    """bench/work/training-after-PAGES.warc.gz: the evaluation pages after the chain's first `pages`,
    none of which the chain reads, to train a profile-guided build on (scripts/build-pgo)."""
    return built_warc(f"training-after-{pages}.warc.gz", 10**9, skip=pages)


def built_warc(name: str, pages: int, skip: int) -> str:
    path = os.path.join(HERE, "work", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if not os.path.exists(path):
        make_inputs.RNG = random.Random(20240601)
        plain = path[: -len(".gz")]
        info = make_inputs.make_warc(pages, path + ".tmp", plain, skip)
        os.remove(plain)
        os.rename(path + ".tmp", path)
        print(f"built {path}: {info}", flush=True)
    return path


def load() -> float:
    return float(open("/proc/loadavg").read().split()[0])


def fineweb_config(config: str, warc: str, out: str) -> str:
    """Writes the `fineweb` preset's pipeline from `warc` to `out` into `config`, and returns `config`."""
    with open(config, "w") as pipeline:
        pipeline.write(
            f"input: {{ paths: [{warc!r}], format: warc }}\n"
            f"output: {{ path: {out!r}, format: jsonl }}\n"
            "steps:\n  - preset: { name: fineweb }\n"
        )
    return config


def run_tamis(tamis: str, warc: str) -> float:
    out = os.path.join(WORK, "out-tamis")
    shutil.rmtree(out, ignore_errors=True)
    config = fineweb_config(os.path.join(WORK, "fineweb.yaml"), warc, out)
    return timed(PIN + [tamis, "run", config, "--workers", "1", "--quiet"])


def run_datatrove(warc: str) -> float:
    for folder in ("out-datatrove", "logs-datatrove"):
        shutil.rmtree(os.path.join(WORK, folder), ignore_errors=True)
    return timed(PIN + [sys.executable, os.path.join(HERE, "datatrove_blocks.py"), "--worker", "datatrove",
                        "--warc", warc, "--work", WORK])


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr[-3000:]}")
    return time.perf_counter() - started


def tamis_stats() -> dict:
    return json.load(open(os.path.join(WORK, "out-tamis", "stats.json")))


def language_rate(stats: dict) -> float:
    """The `language` step's MB/s of text inside the chain."""
    step = next(step for step in stats["steps"] if step["name"] == "language")
    return step["bytes_in"] / step["seconds"] / 1e6


def tamis_shares(stats: dict) -> tuple[dict[str, float], int]:
    """Seconds per step (read and write included) from tamis's stats.json, and the kept count."""
    seconds = {"read": stats["read"]["seconds"]}
    for step in stats["steps"]:
        seconds[step["name"]] = seconds.get(step["name"], 0.0) + step["seconds"]
    seconds["write"] = stats["write"]["seconds"]
    return seconds, stats["kept"]


def datatrove_shares() -> dict[str, float]:
    """Seconds per block from datatrove's merged stats."""
    blocks = json.load(open(os.path.join(WORK, "logs-datatrove", "stats.json")))
    return {block["name"]: (block["time_stats"] or {}).get("total", 0.0) for block in blocks}


def share_lines(seconds: dict[str, float]) -> list[str]:
    total = sum(seconds.values())
    return [f"{name} {s:.1f} s ({100 * s / total:.0f} %)" for name, s in sorted(seconds.items(), key=lambda x: -x[1])]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    parser.add_argument("--training-warc", action="store_true",
                        help="only build the WARC of the pages the chain does not read, and print its path")
    args = parser.parse_args()
    if args.training_warc:
        print(training_warc(args.pages))
        return
    os.makedirs(WORK, exist_ok=True)
    warc = chain_warc(args.pages)
    print(f"input: {warc} ({os.path.getsize(warc) / 1e6:.1f} MB, {args.pages} pages); {os.cpu_count()} cores")
    times: dict[str, list[float]] = {"tamis": [], "datatrove": []}
    loads: list[float] = []
    for run in range(args.runs):
        # Alternate which goes first, so that a drift in the load hits both alike.
        order = ["tamis", "datatrove"] if run % 2 == 0 else ["datatrove", "tamis"]
        for tool in order:
            loads.append(load())
            seconds = run_tamis(args.tamis, warc) if tool == "tamis" else run_datatrove(warc)
            times[tool].append(seconds)
            print(f"  run {run + 1} {tool:9} {seconds:7.2f} s (load {loads[-1]:.2f})", flush=True)
    stats = tamis_stats()
    tamis_steps, tamis_kept = tamis_shares(stats)
    datatrove_kept = len(datatrove_blocks.kept("datatrove"))
    median = {tool: statistics.median(t) for tool, t in times.items()}
    print(f"\nload average before the runs: {min(loads):.2f}-{max(loads):.2f}")
    print("\n| tool (one core) | seconds per run | median | pages/s | kept | core-hours for 3 B pages |")
    print("|---|---|---|---|---|---|")
    for tool, kept in (("datatrove 0.10.1", datatrove_kept), ("tamis `fineweb`", tamis_kept)):
        key = tool.split()[0]
        rate = args.pages / median[key]
        print(
            f"| {tool} | {', '.join(f'{t:.1f}' for t in times[key])} | {median[key]:.1f} | {rate:.1f} | {kept:,} "
            f"| {DUMP_PAGES / rate / 3600:,.0f} |"
        )
    print(f"\n**tamis / datatrove: {median['datatrove'] / median['tamis']:.1f}x** (medians); "
          f"per run pair: {', '.join(f'{d / t:.1f}x' for d, t in zip(times['datatrove'], times['tamis']))}")
    print("\ntamis, per step (last run):", "; ".join(share_lines(tamis_steps)))
    print(f"tamis's `language` step: {language_rate(stats):.1f} MB/s of text")
    print("datatrove, per block (last run):", "; ".join(share_lines(datatrove_shares())))


if __name__ == "__main__":
    main()
