"""Pipelines from Python: a path, YAML text or a dict, checked and run in
this process exactly as ``tamis run`` runs them."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping
from typing import Any, Union

from tamis import _tamis
from tamis.errors import ConfigError, RunError

__all__ = ["PipelineSource", "check", "parse_size", "pipeline_text", "run"]

PipelineSource = Union[str, "os.PathLike[str]", Mapping[str, Any]]
"""A pipeline file's path, YAML text (a str holding a newline, or starting
with ``{``), or a dict of the same shape (``{"input": …, "output": …, "steps": […]}``)."""


def _json_default(value: Any) -> Any:
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def pipeline_text(pipeline: PipelineSource) -> tuple[str, str]:
    """The YAML text of `pipeline` and the name errors give it: the file's
    path, ``<string>`` or ``<dict>`` (a dict goes through
    ``json.dumps(indent=2)``, JSON being YAML, so its lines are those of that
    JSON)."""
    if isinstance(pipeline, Mapping):
        try:
            return json.dumps(pipeline, indent=2, default=_json_default), "<dict>"
        except (TypeError, ValueError) as err:
            raise ConfigError(f"<dict>: the pipeline is not JSON: {err}") from None
    if isinstance(pipeline, str) and ("\n" in pipeline or pipeline.lstrip().startswith("{")):
        return pipeline, "<string>"
    if isinstance(pipeline, (str, os.PathLike)):
        path = os.fspath(pipeline)
        with open(path, encoding="utf-8") as file:
            return file.read(), path
    raise TypeError(f"a pipeline is a path, YAML text or a dict, not {type(pipeline).__name__}")


def check(pipeline: PipelineSource) -> dict[str, Any]:
    """Parses and checks `pipeline` without running it.

    Returns ``{"phases", "steps", "inputs", "output", "removed"}``: the phases a
    run goes through (``["run"]``, or ``["record", …, "filter"]`` with a
    corpus-wide step), the step names (presets expanded), the number of input
    files, and the output and removed locations.

    Raises:
        PipelineError: with the file, line, column and key at fault.
    """
    text, name = pipeline_text(pipeline)
    result: dict[str, Any] = _tamis.check_pipeline(text, name)
    return result


_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_size(size: int | str) -> int:
    """Bytes in `size`: an int, or ``"512M"``, ``"4G"``, ``"1024k"``."""
    if isinstance(size, int):
        return size
    text = size.strip().lower().rstrip("ib")
    digits = text.rstrip("kmgt")
    unit = text[len(digits) :]
    if not digits.isdigit() or unit not in _UNITS:
        raise ConfigError(f"mem_budget: {size!r} is not a size such as 512M", "mem_budget")
    return int(digits) * _UNITS[unit]


def _incomplete(report: dict[str, Any]) -> str | None:
    """Why the tasks asked for are not all complete, if they are not."""
    if report["failed"]:
        failures = "; ".join(failure["error"] for failure in report["failed"])
        return f"{len(report['failed'])} task(s) failed (running again redoes them): {failures}"
    if report["busy"]:
        held = "; ".join(f"task {busy['task']}: {busy['holder']}" for busy in report["busy"])
        return f"task(s) being run by another process: {held}"
    if report["waiting"]:
        waiting = report["waiting"]
        return (
            f"phase {waiting['phase']} waits for phase {waiting['waits_for']} of task(s) "
            f"{waiting['tasks']}: run them, then run this again"
        )
    return None


def run(
    pipeline: PipelineSource,
    tasks: int = 1,
    task_index: int | None = None,
    workers: int | None = None,
    phase: str | None = None,
    *,
    mem_budget: int | str | None = None,
    keep_global: bool = False,
) -> dict[str, Any]:
    """Runs `pipeline` in this process, as ``tamis run`` does, and returns the
    merged stats (what ``OUTPUT/stats.json`` holds).

    Args:
        pipeline: a path, YAML text or a dict (see `PipelineSource`).
        tasks: how many tasks the inputs are split into.
        task_index: run only this task (0-based); all of them when None.
        workers: worker threads (all cores when None).
        phase: run only this phase of a pipeline with a corpus-wide step
            (``record``, the step's phases, ``filter``).
        mem_budget: memory per task for a corpus-wide step before it spills,
            in bytes or as ``"512M"``.
        keep_global: keep ``OUTPUT/.global/`` once the run completed.

    Completed tasks are skipped (their completion markers), as on the command
    line. Steps that dropped every document they saw give a `UserWarning`.
    Ctrl-C is seen once the run returns: the work happens outside Python.

    Raises:
        PipelineError: the pipeline does not parse or check (file, line, key).
        RunError: a task failed, runs elsewhere, or waits for other tasks;
            ``err.report`` has the details and the stats of what completed.
    """
    text, name = pipeline_text(pipeline)
    indexes = None if task_index is None else [task_index]
    budget = None if mem_budget is None else parse_size(mem_budget)
    report: dict[str, Any] = _tamis.run_job(text, name, tasks, indexes, workers, None, phase, budget, keep_global)
    for warning in report["warnings"]:
        warnings.warn(warning, UserWarning, stacklevel=2)
    problem = _incomplete(report)
    if problem is not None:
        raise RunError(problem, report)
    stats: dict[str, Any] = report["stats"] or {}
    return stats
