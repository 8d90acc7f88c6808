"""The `tamis` command that `pip install` puts on the PATH: the Rust CLI,
run in the Python process by the native module."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import tamis
from conftest import BIN, EXAMPLE_WARC


def _tamis(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "tamis"), *args], capture_output=True, text=True, cwd=cwd)


def test_the_command_is_installed_and_versioned() -> None:
    done = _tamis("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"tamis {tamis.__version__}")
    assert "run" in _tamis("--help").stdout


def test_the_command_runs_a_pipeline_and_gives_the_cli_exit_codes(tmp_path: Path) -> None:
    pipeline = tmp_path / "pipeline.yaml"
    pipeline.write_text(
        f"input: {{ paths: [{str(EXAMPLE_WARC)!r}], format: warc }}\n"
        "output: { path: out, format: jsonl }\nsteps:\n  - extract: {}\n"
    )
    done = _tamis("run", str(pipeline), "--quiet", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    stats = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert stats["kept"] == 36

    pipeline.write_text("input: { paths: [nothing-here], format: warc }\noutput: { path: out }\n")
    bad = _tamis("run", str(pipeline), cwd=tmp_path)
    assert bad.returncode == 2
    assert "pipeline.yaml:1:" in bad.stderr and "nothing-here" in bad.stderr
    assert _tamis("no-such-command").returncode == 2


def test_stdout_is_flushed_before_the_interpreter_exits(tmp_path: Path) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text("Bonjour à tous\nHello everyone\n" * 50)
    done = _tamis("predict", str(lines))
    assert done.returncode == 0
    predictions = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(predictions) == 100 and predictions[0]["labels"] == ["__label__fr"]


def test_python_dash_m_tamis_is_the_command_too() -> None:
    done = subprocess.run([sys.executable, "-m", "tamis", "--version"], capture_output=True, text=True)
    assert done.stdout.strip() == f"tamis {tamis.__version__}"
