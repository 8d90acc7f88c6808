"""What one Ray task runs: one tamis task of one phase, in the Ray worker's
own process, through the native module (no subprocess).

The task is tamis's own: it takes the task's lock, skips itself if its
completion marker (or phase marker) says it is done, writes its outputs under
their final names and commits with its marker, exactly as ``tamis run
--task-index`` does. A worker killed in the middle leaves no marker; Ray runs
the task again, and the redo writes the same files.
"""

from __future__ import annotations

import os
from typing import Any

from tamis import _tamis


class TaskFailed(Exception):
    """A tamis task failed in a way a new attempt can fix (I/O, a lost
    lease…): raised so that Ray retries it (``retry_exceptions``)."""


def run_task(
    text: str,
    name: str,
    tasks: int,
    index: int,
    phase: str,
    workers: int,
    mem_budget: int | None,
    keep_global: bool,
    cwd: str,
) -> dict[str, Any]:
    """Runs task `index` of `tasks` through `phase` and returns the job report.

    Relative paths in the pipeline resolve against the driver's directory
    `cwd` when this machine has it (one machine, or a shared filesystem
    mounted at the same place), as they would for ``tamis run``.
    """
    if os.path.isdir(cwd):
        os.chdir(cwd)
    report: dict[str, Any] = _tamis.run_job(text, name, tasks, [index], workers, 1, phase, mem_budget, keep_global)
    retriable = [failure for failure in report["failed"] if not failure["configuration"]]
    if retriable:
        raise TaskFailed("; ".join(failure["error"] for failure in retriable))
    return report
