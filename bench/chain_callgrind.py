#!/usr/bin/env python3
"""Instructions per step of tamis's `fineweb` chain, counted by callgrind.

Wall time on a shared 2-core machine moves with the load; instruction counts do not, so every change to
the chain's speed is judged by these too (issue 18). Runs `tamis run` of the `fineweb` preset on
bench/work/chain-PAGES.warc.gz (default 300 pages; bench/chain_bench.py builds it) under
`valgrind --tool=callgrind`, one worker, and reads each step's inclusive instruction count (its
`Step::process`) with `callgrind_annotate --inclusive=yes`. The whole run's count covers reading,
decoding and writing too.

Give several binaries to compare them (same pages, same table):

    bench/.venv/bin/python bench/chain_callgrind.py --tamis before=../before/target/release/tamis \
        --tamis after=target/release/tamis
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import chain_bench  # noqa: E402

WORK = os.path.join(HERE, "work", "chain_callgrind")
# `1,234 (12.3%)  file:<tamis_steps::module::Type as tamis_api::step::Step>::process [binary]`
STEP = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*:<tamis_steps::(\w+)::\w+ as tamis_api::step::Step>::process")
TOTAL = re.compile(r"^\s*([\d,]+) \([\d.]+%\)\s+PROGRAM TOTALS")


def count(name: str, tamis: str, warc: str) -> dict[str, int]:
    """Inclusive instructions per step, and the run's total under "total"."""
    out = os.path.join(WORK, name)
    config = chain_bench.fineweb_config(os.path.join(WORK, f"{name}.yaml"), warc, os.path.join(out, "out"))
    subprocess.run(["rm", "-rf", out], check=True)
    os.makedirs(out)
    profile = os.path.join(out, "callgrind.out")
    subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}", tamis, "run", config,
         "--workers", "1", "--quiet"],
        check=True, capture_output=True,
    )
    annotated = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", "--threshold=100", profile], check=True, capture_output=True, text=True
    ).stdout
    counts: dict[str, int] = {}
    for line in annotated.splitlines():
        if match := TOTAL.match(line):
            counts["total"] = int(match[1].replace(",", ""))
        # The first line per step is its inclusive count; later ones are its callers' view.
        elif (match := STEP.match(line)) and match[2] not in counts:
            counts[match[2]] = int(match[1].replace(",", ""))
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--tamis", action="append", help="NAME=PATH of a tamis binary (repeatable)")
    args = parser.parse_args()
    binaries = [b.split("=", 1) for b in args.tamis or [f"tamis={os.path.join(ROOT, 'target', 'release', 'tamis')}"]]
    os.makedirs(WORK, exist_ok=True)
    warc = chain_bench.chain_warc(args.pages)
    results = {name: count(name, path, warc) for name, path in binaries}
    steps = [s for s in next(iter(results.values())) if s != "total"] + ["total"]
    print(f"{args.pages} pages of {warc}; instructions (millions) and share of the run\n")
    print("| step | " + " | ".join(name for name, _ in binaries) + " |")
    print("|---|" + "---|" * len(binaries))
    for step in steps:
        cells = []
        for name, _ in binaries:
            n = results[name].get(step, 0)
            cells.append(f"{n / 1e6:,.0f} ({100 * n / results[name]['total']:.1f} %)")
        print(f"| {step} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
