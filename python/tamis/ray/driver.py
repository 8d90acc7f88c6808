"""The Ray driver: a pipeline's phases in order, each phase's tasks as Ray
tasks, one Ray task per tamis task.

Phases come from the pipeline (``["run"]``, or ``["record", <the dedup
step's phases>, "filter"]``); a phase starts when every task completed the one
before. Retries are Ray's (``max_retries``: a task whose worker or node died,
or that raised `TaskFailed`, runs again); whether a task is already done is
tamis's (its completion and phase markers on the output), so re-submitting a
job skips what completed, and a task another process holds is tried again
later. Output must be on storage every node sees: ``s3://…`` or a shared
filesystem.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

import ray

from tamis import _tamis
from tamis.errors import RunError
from tamis.pipelines import PipelineSource, parse_size, pipeline_text
from tamis.ray.task import TaskFailed, run_task

__all__ = ["run"]


@dataclass
class _Phase:
    """The tasks of one phase, as they complete."""

    name: str
    tasks: int
    done: set[int] = field(default_factory=set)
    skipped: set[int] = field(default_factory=set)
    failed: dict[int, str] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)


def _say(out: TextIO | None, message: str) -> None:
    if out is not None:
        print(f"tamis.ray: {message}", file=out, flush=True)


def _held(report: dict[str, Any]) -> str | None:
    """Why the task could not run now (another process holds it, or it
    waits for a phase that storage does not show complete yet), if so."""
    if report["busy"]:
        return "; ".join(busy["holder"] for busy in report["busy"])
    if report["waiting"]:
        return f"waits for phase {report['waiting']['waits_for']} of tasks {report['waiting']['tasks']}"
    return None


def run(
    pipeline: PipelineSource,
    tasks: int,
    *,
    address: str | None = None,
    cpus_per_task: float = 1,
    memory_per_task: int | str | None = None,
    workers: int | None = None,
    mem_budget: int | str | None = None,
    max_retries: int = 3,
    keep_global: bool = False,
    busy_retry_seconds: float = 5.0,
    busy_timeout: float | None = 3600.0,
    progress: TextIO | None = sys.stderr,
) -> dict[str, Any]:
    """Runs `pipeline` as `tasks` tamis tasks on a Ray cluster and returns the
    merged stats (``OUTPUT/stats.json``).

    Args:
        pipeline: a path, YAML text or a dict (see `tamis.pipelines.PipelineSource`).
            Its output must be on storage every node sees.
        tasks: how many tasks the inputs are split into (task i takes input files i, i+N…).
        address: the Ray cluster (``"auto"``, ``"host:port"``); None: ``ray.init()``'s
            default. Unused when Ray is already initialised.
        cpus_per_task: CPUs Ray reserves per task.
        memory_per_task: memory Ray reserves per task, in bytes or as ``"4G"``.
        workers: tamis worker threads per task (default: `cpus_per_task`, at least 1).
        mem_budget: memory a dedup step may hold per task before it spills (default:
            three quarters of `memory_per_task` when given, else tamis's 512M).
        max_retries: attempts after the first for a task whose worker or node dies or
            whose I/O fails.
        keep_global: keep ``OUTPUT/.global/`` once the run completed.
        busy_retry_seconds: wait before trying again a task another process holds.
        busy_timeout: give up on such a task after this long (None: never).
        progress: where progress lines go (None: nowhere).

    Raises:
        PipelineError: the pipeline does not parse or check (on the driver, before any task).
        RunError: tasks failed after their retries (their errors listed); submitting
            the job again resumes it.
    """
    text, name = pipeline_text(pipeline)
    shape: dict[str, Any] = _tamis.check_pipeline(text, name)
    memory = None if memory_per_task is None else parse_size(memory_per_task)
    budget = parse_size(mem_budget) if mem_budget is not None else (memory * 3 // 4 if memory else None)
    threads = workers if workers is not None else max(1, int(cpus_per_task))
    started_ray = False
    if not ray.is_initialized():
        ray.init(address=address)
        started_ray = True
    try:
        remote = ray.remote(run_task).options(
            num_cpus=cpus_per_task,
            memory=memory,
            max_retries=max_retries,
            retry_exceptions=[TaskFailed],
        )
        cwd = os.getcwd()
        began = time.monotonic()
        for number, phase_name in enumerate(shape["phases"], start=1):
            phase = _Phase(phase_name, tasks)
            _say(progress, f"phase {phase_name} ({number}/{len(shape['phases'])}): {tasks} tasks")

            def submit(index: int, phase_name: str = phase_name) -> Any:
                return remote.remote(text, name, tasks, index, phase_name, threads, budget, keep_global, cwd)

            _run_phase(phase, submit, busy_retry_seconds, busy_timeout, progress)
            if phase.failed:
                errors = "; ".join(f"task {task}: {error}" for task, error in sorted(phase.failed.items()))
                raise RunError(
                    f"phase {phase_name}: {len(phase.failed)} of {tasks} task(s) failed after their retries "
                    f"(submit the job again to resume; completed tasks are skipped): {errors}"
                )
        stats: dict[str, Any] = _tamis.merge_stats(shape["output"])
        _say(
            progress,
            f"{tasks} tasks complete in {time.monotonic() - began:.1f} s; stats in {shape['output']}/stats.json",
        )
        if progress is not None:
            print(_tamis.summary(stats), file=progress, flush=True)
        return stats
    finally:
        if started_ray:
            ray.shutdown()


def _run_phase(
    phase: _Phase,
    submit: Any,
    busy_retry_seconds: float,
    busy_timeout: float | None,
    progress: TextIO | None,
) -> None:
    """Runs every task of `phase`, trying held tasks again later. Interrupted
    (Ctrl-C), it cancels the tasks still running: killed mid-task, a task
    leaves nothing that a later run does not redo."""
    running = {submit(index): index for index in range(phase.tasks)}
    try:
        _follow(phase, running, submit, busy_retry_seconds, busy_timeout, progress)
    except KeyboardInterrupt:
        for ref in running:
            ray.cancel(ref, force=True)
        raise


def _follow(
    phase: _Phase,
    running: dict[Any, int],
    submit: Any,
    busy_retry_seconds: float,
    busy_timeout: float | None,
    progress: TextIO | None,
) -> None:
    """Waits for the tasks of `phase` as they complete, submitting held ones again."""
    held_since: dict[int, float] = {}
    retry_at: dict[int, float] = {}
    while running or retry_at:
        now = time.monotonic()
        for index, when in list(retry_at.items()):
            if when <= now:
                del retry_at[index]
                running[submit(index)] = index
        if not running:
            time.sleep(max(0.0, min(retry_at.values()) - now))
            continue
        ready, _ = ray.wait(list(running), num_returns=1, timeout=busy_retry_seconds)
        for ref in ready:
            index = running.pop(ref)
            try:
                report = ray.get(ref)
            except ray.exceptions.RayError as err:
                phase.failed[index] = str(err).strip().splitlines()[-1] if str(err).strip() else repr(err)
                _say(progress, f"phase {phase.name}: task {index} failed: {phase.failed[index]}")
                continue
            configuration = [failure["error"] for failure in report["failed"]]
            if configuration:
                phase.failed[index] = "; ".join(configuration)
                continue
            holder = _held(report)
            if holder is not None:
                first = held_since.setdefault(index, time.monotonic())
                if busy_timeout is not None and time.monotonic() - first > busy_timeout:
                    phase.failed[index] = f"still held after {busy_timeout:.0f} s: {holder}"
                    continue
                _say(progress, f"phase {phase.name}: task {index} is held ({holder}); trying again")
                retry_at[index] = time.monotonic() + busy_retry_seconds
                continue
            phase.done.add(index)
            if index in report["skipped"]:
                phase.skipped.add(index)
            elapsed = time.monotonic() - phase.started
            skipped = f" ({len(phase.skipped)} already complete)" if phase.skipped else ""
            _say(progress, f"phase {phase.name}: {len(phase.done)}/{phase.tasks} tasks done{skipped}, {elapsed:.1f} s")
