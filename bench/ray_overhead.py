#!/usr/bin/env python3
"""What running a job through Ray costs over `tamis run`: the same pipeline (MinHash dedup of a
synthetic JSONL corpus with near-duplicates, python/tests/corpus.py), the same tasks, the same two
cores, timed end to end.

  - tamis run:  `tamis run PIPELINE --tasks T` (tasks two at a time, sharing two worker threads);
  - tamis.ray:  `python -m tamis.ray PIPELINE --tasks T` against a local Ray cluster of 2 CPUs already
                running (one CPU and one tamis thread per Ray task, so two at a time), driver start
                and connection included, cluster start excluded.

Ray binds the machine's address whatever it is told, so this runs inside a network namespace with
only loopback (the script checks); as root, from the repository root:

  ip netns add tamis-bench && ip netns exec tamis-bench ip link set lo up
  ip netns exec tamis-bench bench/.venv/bin/python bench/ray_overhead.py [--files 8 --docs 4000 --tasks 4]
  ip netns del tamis-bench

Needs tamis (the release wheel) and ray==2.60.0 in the Python that runs it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python" / "tests"))
from corpus import write_corpus

WORK = ROOT / "bench" / "work" / "ray_overhead"
BIN = Path(sys.executable).parent


def session_pids(session: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[3]) == session and fields[0] != "Z":
                pids.append(int(entry))
    return pids


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=WORK, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if [name for _, name in socket.if_nameindex()] != ["lo"]:
        sys.exit("run this inside a network namespace with only loopback (see the docstring)")
    shutil.rmtree(WORK, ignore_errors=True)
    write_corpus(WORK / "in", files=args.files, documents=args.docs)
    size = sum(path.stat().st_size for path in (WORK / "in").iterdir())
    print(f"corpus: {args.files} files x {args.docs} documents, {size / 1e6:.1f} MB; {args.tasks} tasks; 2 cores")

    temp = tempfile.mkdtemp(prefix="tamis-ray-", dir="/tmp")
    # No usage stats; no token authentication (loopback only; a token in ~/.ray would turn it on).
    os.environ.update(RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")
    env = dict(os.environ)
    head = subprocess.Popen(
        [
            str(BIN / "ray"),
            "start",
            "--head",
            "--block",
            "--node-ip-address=127.0.0.1",
            "--port=26399",
            "--num-cpus=2",
            "--include-dashboard=false",
            "--disable-usage-stats",
            f"--temp-dir={temp}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    )
    try:
        time.sleep(12)
        results: dict[str, list[float]] = {"tamis run": [], "tamis.ray": []}
        for run in range(args.runs):
            for tool in results:
                output = WORK / f"out-{run}-{tool.replace(' ', '-').replace('.', '-')}"
                pipeline = WORK / f"{output.name}.yaml"
                pipeline.write_text(
                    f"input: {{ paths: [in/], format: jsonl }}\noutput: {{ path: {output.name}, format: jsonl.zst }}\n"
                    "steps:\n  - minhash_dedup: {}\n"
                )
                if tool == "tamis run":
                    command = [str(BIN / "tamis"), "run", str(pipeline), "--tasks", str(args.tasks), "--quiet"]
                else:
                    command = [
                        sys.executable,
                        "-m",
                        "tamis.ray",
                        str(pipeline),
                        "--tasks",
                        str(args.tasks),
                        "--address",
                        "127.0.0.1:26399",
                        "--quiet",
                    ]
                results[tool].append(timed(command))
        # Submitted again: every task is complete, so this is the driver's and Ray's own cost.
        again = [
            sys.executable,
            "-m",
            "tamis.ray",
            str(WORK / "out-0-tamis-ray.yaml"),
            "--tasks",
            str(args.tasks),
            "--address",
            "127.0.0.1:26399",
            "--quiet",
        ]
        results["tamis.ray, job complete"] = [timed(again) for _ in range(args.runs)]
        for tool, times in results.items():
            print(f"  {tool:24} best {min(times):.2f} s of {[round(t, 2) for t in times]}")
        overhead = min(results["tamis.ray"]) - min(results["tamis run"])
        print(f"Ray overhead: {overhead:+.2f} s ({min(results['tamis.ray']) / min(results['tamis run']):.2f}x)")
    finally:
        deadline = time.monotonic() + 30
        while (pids := session_pids(head.pid)) and time.monotonic() < deadline:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.2)
        head.wait()
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
