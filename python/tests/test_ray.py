"""tamis.ray on a real local Ray cluster (loopback only): the same kept and
removed documents as ``tamis run --tasks 4``, also when a Ray worker is killed
in the middle of a task."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import BIN, listening_beyond_loopback, output_files

TASKS = 4


def _pipeline(directory: Path, corpus: Path, name: str) -> Path:
    output = directory / name
    path = directory / f"{name}.yaml"
    path.write_text(
        f"input: {{ paths: [{str(corpus)!r}], format: jsonl }}\n"
        f"output: {{ path: {str(output)!r}, format: jsonl, removed: {str(output / 'removed')!r} }}\n"
        "steps:\n"
        "  - minhash_dedup: {}\n"
    )
    return path


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The outputs of ``tamis run --tasks 4`` (the installed command)."""
    directory = tmp_path_factory.mktemp("reference")
    pipeline = _pipeline(directory, corpus, "out")
    subprocess.run([str(BIN / "tamis"), "run", str(pipeline), "--tasks", str(TASKS), "--quiet"], check=True)
    files = output_files(directory / "out")
    assert any(name.startswith("removed/") for name in files), "the corpus has near-duplicates to remove"
    return files


def test_ray_run_gives_the_output_of_tamis_run(
    ray_cluster: str, corpus: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    import tamis.ray

    pipeline = _pipeline(tmp_path, corpus, "out")
    stats = tamis.ray.run(pipeline, TASKS, address=ray_cluster, progress=None)
    assert stats["tasks"] == TASKS
    assert output_files(tmp_path / "out") == reference
    assert listening_beyond_loopback() == []

    # Submitted again, the job finds every task complete.
    again = tamis.ray.run(pipeline, TASKS, address=ray_cluster, progress=None)
    assert again["kept"] == stats["kept"]
    assert output_files(tmp_path / "out") == reference


class _Killer(threading.Thread):
    """Watches the output for a task in the middle of its `record` phase
    (its scratch directory exists, its phase marker does not) and SIGKILLs
    the Ray worker running it: the pid its lock names."""

    def __init__(self, output: Path) -> None:
        super().__init__(daemon=True)
        self.output = output
        self.killed: tuple[int, int] | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set() and self.killed is None:
            for task in range(TASKS):
                name = f"{task:05d}"
                if not (self.output / f".staging-{name}").is_dir():
                    continue
                if (self.output / ".global" / "done" / "record" / name).exists():
                    continue
                holder = re.search(r"pid (\d+)", (self.output / ".locks" / name).read_text())
                if holder is None:
                    continue
                pid = int(holder.group(1))
                os.kill(pid, signal.SIGKILL)
                self.killed = (task, pid)
                return
            time.sleep(0.002)


def test_ray_run_survives_a_killed_worker(
    ray_cluster: str, corpus: Path, reference: dict[str, bytes], tmp_path: Path
) -> None:
    import tamis.ray

    pipeline = _pipeline(tmp_path, corpus, "out")
    killer = _Killer(tmp_path / "out")
    killer.start()
    try:
        stats = tamis.ray.run(pipeline, TASKS, address=ray_cluster, progress=None)
    finally:
        killer.stop.set()
        killer.join()
    assert killer.killed is not None, "no task was caught in the middle of its record phase"
    print(f"killed the Ray worker of task {killer.killed[0]} (pid {killer.killed[1]}) in its record phase")
    # Ray ran the task again in another worker, which redid it from scratch.
    assert stats["tasks"] == TASKS
    assert output_files(tmp_path / "out") == reference
