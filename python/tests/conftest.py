"""Fixtures of the Python tests: the repository's paths, a synthetic corpus
with near-duplicates, and a local Ray cluster on loopback."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from corpus import write_corpus

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_WARC = ROOT / "examples" / "news.warc.gz"
LID_176 = ROOT / "crates" / "steps" / "models" / "lid.176.ftz"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 JSONL files of 200 documents, a quarter of them near-copies."""
    directory = tmp_path_factory.mktemp("corpus")
    write_corpus(directory)
    return directory


def only_loopback() -> bool:
    """Whether this process sees no network interface but loopback (inside
    the namespace scripts/test makes for these tests)."""
    return [name for _, name in socket.if_nameindex()] == ["lo"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _session_pids(session: int) -> list[int]:
    """The live processes of session `session` (Ray's daemons and workers
    keep the session of the `ray start` that launched them)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp session …; comm may hold spaces. A zombie
        # (Z) is dead already, waiting for its parent to reap it.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == session and fields[0] != "Z":
            pids.append(int(entry))
    return pids


def _stop_session(session: int) -> None:
    """SIGKILLs every process of `session` — all started by this fixture —
    and waits until they are gone."""
    deadline = time.monotonic() + 30
    while (pids := _session_pids(session)) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.2)


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[str]:
    """A one-node Ray cluster with 2 CPUs, its address.

    Ray binds the machine's interface address whatever it is told, so the
    cluster runs only where no other interface exists: scripts/test runs
    pytest in a network namespace that has only loopback. Every process the
    cluster starts is in the session of its `ray start`, and is killed at the
    end by pid.
    """
    if not only_loopback():
        pytest.skip("the Ray tests run in a network namespace with only loopback (scripts/test makes one)")
    pytest.importorskip("ray")
    temp = tempfile.mkdtemp(prefix="tamis-ray-", dir="/tmp")
    port = _free_port()
    # A token left in ~/.ray by another cluster would turn token authentication
    # on for this one; on loopback it has nothing to guard. Same for the driver.
    quiet = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    saved = {name: os.environ.get(name) for name in quiet}
    os.environ.update(quiet)
    env = dict(os.environ)
    log = open(Path(temp) / "ray-start.log", "w")  # noqa: SIM115 - closed at teardown
    head = subprocess.Popen(
        [
            str(BIN / "ray"),
            "start",
            "--head",
            "--block",
            "--node-ip-address=127.0.0.1",
            f"--port={port}",
            "--num-cpus=2",
            "--include-dashboard=false",
            "--disable-usage-stats",
            f"--temp-dir={temp}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env=env,
    )
    address = f"127.0.0.1:{port}"
    try:
        _wait_for_cluster(address, head)
        yield address
    finally:
        _stop_session(head.pid)
        head.wait(timeout=30)
        log.close()
        shutil.rmtree(temp, ignore_errors=True)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _wait_for_cluster(address: str, head: subprocess.Popen[bytes]) -> None:
    import ray

    deadline = time.monotonic() + 120
    while True:
        if head.poll() is not None:
            raise RuntimeError(f"ray start exited with code {head.returncode}")
        try:
            ray.init(address=address, log_to_driver=False)
            ray.shutdown()
            return
        except (ConnectionError, RuntimeError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def listening_beyond_loopback() -> list[str]:
    """Listening TCP sockets not on a loopback address (``ss -tln``)."""
    lines = subprocess.run(["ss", "-Htln"], capture_output=True, text=True, check=True).stdout.splitlines()
    local = [line.split()[3] for line in lines if line.strip()]
    loopback = ("127.", "[::1]", "[::ffff:127.")
    return [address for address in local if not address.startswith(loopback)]


def output_files(directory: Path) -> dict[str, bytes]:
    """Every kept and removed output file under `directory`, by relative
    path (stats, markers, locks and dedup exchange files left out)."""
    found = {}
    for path in sorted(directory.rglob("*.jsonl*")):
        relative = path.relative_to(directory)
        if relative.parts[0] in {".global", ".locks", "completions", "stats"}:
            continue
        found[str(relative)] = path.read_bytes()
    return found
