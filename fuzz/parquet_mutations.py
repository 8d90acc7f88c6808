#!/usr/bin/env python3
"""Damaged Parquet files through `tamis run`: no crash, every loss counted.

Parquet is structured (a Thrift footer, pages with their own headers and codecs), so random bytes stop at
the footer; this campaign damages valid files instead. It writes three seeds with pyarrow (snappy with
dictionaries, zstd without, uncompressed with small pages), then for each case takes a seed and flips
bytes anywhere, flips bytes in the footer's last 2 KB, or cuts a run of bytes out, and runs
`tamis run` on the result (Parquet in, JSONL out, one worker). A case fails if tamis exits non-zero, or
if a panic (the parquet crate panics on some damaged metadata) is not counted as a `bad_parquet` read
error that says so; the damaged file is kept for a test. Prints the documents read, the read errors by
kind, and the panics caught.

    .venv/bin/python fuzz/parquet_mutations.py --cases 20000 --seed 3   # .venv has pyarrow (scripts/test)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import tempfile

import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))


def seeds(folder: str) -> list[bytes]:
    rng = random.Random(1)
    words = ["alpha", "beta", "gamma", "delta", "words", "text", "été", "東京"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 200))) for _ in range(300)]
    table = pa.table({
        "id": [f"d{i}" for i in range(300)],
        "text": texts,
        "url": [f"https://e.example/{i}" for i in range(300)],
        "score": [rng.random() for _ in range(300)],
    })
    layouts = [
        {"compression": "snappy", "row_group_size": 100},
        {"compression": "zstd", "row_group_size": 50, "use_dictionary": False},
        {"compression": "none", "row_group_size": 300, "data_page_size": 1024},
    ]
    out = []
    for n, layout in enumerate(layouts):
        path = os.path.join(folder, f"seed{n}.parquet")
        pq.write_table(table, path, **layout)
        out.append(open(path, "rb").read())
    return out


def damage(seed: bytes, rng: random.Random) -> bytes:
    data = bytearray(seed)
    kind = rng.random()
    if kind < 0.6:
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind < 0.8:
        for _ in range(rng.randint(1, 4)):
            data[len(data) - 1 - rng.randrange(min(len(data), 2000))] = rng.randrange(256)
    else:
        cut = rng.randrange(len(data))
        del data[cut:cut + rng.randint(1, 64)]
    return bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tamis", default=os.path.join(HERE, "..", "target", "release", "tamis"))
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--crashes", default=os.path.join(HERE, "parquet-crashes"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures, documents, errors, caught = 0, 0, {}, 0
    with tempfile.TemporaryDirectory() as work:
        originals = seeds(work)
        out = os.path.join(work, "out")
        with open(os.path.join(work, "p.yaml"), "w") as f:
            f.write(f"input: {{ paths: [{work}/in.parquet], format: parquet }}\n"
                    f"output: {{ path: {out}/, format: jsonl }}\n")
        for case in range(args.cases):
            data = damage(rng.choice(originals), rng)
            shutil.rmtree(out, ignore_errors=True)
            with open(os.path.join(work, "in.parquet"), "wb") as f:
                f.write(data)
            run = subprocess.run([args.tamis, "run", os.path.join(work, "p.yaml"), "--quiet", "--workers", "1"],
                                 capture_output=True, text=True, timeout=120)
            stats = os.path.join(out, "stats.json")
            read = json.load(open(stats))["read"] if run.returncode == 0 else {}
            counted = "decoding panicked" in json.dumps(read.get("errors", {}))
            if run.returncode != 0 or ("panicked" in run.stderr and not counted):
                failures += 1
                os.makedirs(args.crashes, exist_ok=True)
                with open(os.path.join(args.crashes, f"seed{args.seed}-case{case}.parquet"), "wb") as f:
                    f.write(data)
                print(f"case {case}: exit {run.returncode}: {run.stderr[-300:]!r}", flush=True)
                continue
            caught += counted
            documents += read["documents"]
            for kind, count in read["errors"].items():
                errors[kind] = errors.get(kind, 0) + (count["count"] if isinstance(count, dict) else count)
    print(f"{args.cases} damaged files, {failures} failed runs; {documents:,} documents read; read errors {errors}; "
          f"{caught} runs with a panic caught and counted")
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
