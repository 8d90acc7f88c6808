#!/usr/bin/env python3
"""Extraction strategies side by side: word F1, yield (GPT-2 tokens of output) and time of each strategy of
`extract` (default, precision, recall, union; all from one parse) on every evaluation set.

Runs `tamis eval extraction SET --strategy S --json` for each set under ../shared/data that has pages and a
truth, and prints Markdown tables for docs/extraction.md: F1 (mean per page, or the set's own metric), GPT-2
tokens of output, and the union's time over the default's.

Usage: python3 bench/extract_strategies.py [--tamis target/release/tamis] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
STRATEGIES = ["default", "precision", "recall", "union"]


def evaluate(tamis: str, dataset: str, strategy: str) -> dict:
    done = subprocess.run(
        [tamis, "eval", "extraction", dataset, "--strategy", strategy, "--json"],
        check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout)


def headline(report: dict) -> float:
    """The set's main F1: words per page where there is a truth, else its own metric."""
    metrics = report["metrics"]
    key = "words (mean per page)" if "words (mean per page)" in metrics else next(iter(metrics))
    return metrics[key]["f1"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"))
    args = parser.parse_args()
    sets = sorted(
        name for name in os.listdir(args.data)
        if os.path.isdir(os.path.join(args.data, name, "html"))
    )
    reports = {
        (name, strategy): evaluate(args.tamis, os.path.join(args.data, name), strategy)
        for name in sets for strategy in STRATEGIES
    }
    print("| set | " + " | ".join(f"{s} F1" for s in STRATEGIES) + " | " +
          " | ".join(f"{s} tokens" for s in STRATEGIES) + " | union time / default |")
    print("|---|" + "---|" * (2 * len(STRATEGIES) + 1))
    for name in sets:
        f1s = [f"{headline(reports[name, s]):.4f}" for s in STRATEGIES]
        words = [f"{reports[name, s]['tokens_out']:,}" for s in STRATEGIES]
        cost = reports[name, "union"]["seconds"] / reports[name, "default"]["seconds"]
        print(f"| {name} | " + " | ".join(f1s) + " | " + " | ".join(words) + f" | {cost:.2f} |")
    for name in sets:
        types = [k for k in reports[name, "default"]["metrics"] if k.startswith("words: ")]
        if not types:
            continue
        print(f"\n{name}, per page type (word F1):\n")
        print("| page type | " + " | ".join(STRATEGIES) + " |")
        print("|---|" + "---|" * len(STRATEGIES))
        for key in types:
            print(f"| {key[len('words: '):]} | " +
                  " | ".join(f"{reports[name, s]['metrics'][key]['f1']:.3f}" for s in STRATEGIES) + " |")


if __name__ == "__main__":
    main()
