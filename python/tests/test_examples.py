"""The Slurm example (examples/slurm) submits one job array per phase, each
depending on the one before, and its jobs, run as Slurm would run them, give
the output of `tamis run`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import BIN, ROOT, output_files

SLURM = ROOT / "examples" / "slurm"

# Records each submission (one JSON line) and prints a job id, as `sbatch --parsable` does.
FAKE_SBATCH = """#!/bin/sh
python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@" >> "$SBATCH_LOG"
wc -l < "$SBATCH_LOG" | tr -d ' '
"""


def _pipeline(directory: Path, corpus: Path, output: str) -> Path:
    path = directory / f"{output}.yaml"
    path.write_text(
        f"input: {{ paths: [{str(corpus)!r}], format: jsonl }}\n"
        f"output: {{ path: {str(directory / output)!r}, format: jsonl }}\n"
        "steps:\n  - minhash_dedup: {}\n"
    )
    return path


def test_slurm_example_chains_one_array_per_phase(corpus: Path, tmp_path: Path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "sbatch").write_text(FAKE_SBATCH)
    (fake / "sbatch").chmod(0o755)
    env = dict(os.environ, PATH=f"{fake}:{BIN}:{os.environ['PATH']}", SBATCH_LOG=str(tmp_path / "sbatch.log"))
    pipeline = _pipeline(tmp_path, corpus, "slurm")
    submitted = subprocess.run(
        [str(SLURM / "submit.sh"), str(pipeline), "3", "--partition=cpu"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    jobs = [json.loads(line) for line in (tmp_path / "sbatch.log").read_text().splitlines()]
    phases = [job[-1] for job in jobs]
    assert phases == ["record", "buckets", "clusters", "filter"], submitted.stdout
    assert all("--array=0-2" in job and "--partition=cpu" in job for job in jobs)
    assert not any(arg.startswith("--dependency") for arg in jobs[0])
    for number, job in enumerate(jobs[1:], start=1):
        assert f"--dependency=afterok:{number}" in job

    # Each array, in order, as Slurm runs it: every task exits 0.
    for phase in phases:
        for index in range(3):
            task_env = dict(
                env,
                SLURM_ARRAY_TASK_COUNT="3",
                SLURM_ARRAY_TASK_ID=str(index),
                SLURM_ARRAY_TASK_MIN="0",
                SLURM_CPUS_PER_TASK="1",
                TAMIS_MEM_BUDGET="64M",
            )
            done = subprocess.run(
                ["bash", str(SLURM / "tamis-phase.sbatch"), str(pipeline), phase],
                env=task_env,
                capture_output=True,
                text=True,
            )
            assert done.returncode == 0, f"{phase} task {index}: {done.stderr}"

    reference = _pipeline(tmp_path, corpus, "reference")
    subprocess.run([str(BIN / "tamis"), "run", str(reference), "--tasks", "3", "--quiet"], check=True)
    assert output_files(tmp_path / "slurm") == output_files(tmp_path / "reference")
