"""``python -m tamis.ray PIPELINE --tasks N``: a pipeline on a Ray cluster.

Exit codes as ``tamis run``: 0 every task complete, 1 some task failed after its
retries (run again to resume), 2 a bad pipeline or argument.
"""

from __future__ import annotations

import argparse
import sys

from tamis.errors import ConfigError, RunError
from tamis.ray.driver import run


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tamis.ray",
        description="Run a tamis pipeline on a Ray cluster: one Ray task per tamis task, phases in order.",
    )
    parser.add_argument("pipeline", help="the pipeline file (YAML); its output must be on shared storage")
    parser.add_argument("--tasks", type=int, required=True, help="split the inputs into this many tasks")
    parser.add_argument("--address", help='the Ray cluster: "auto", "host:port" (default: ray.init()\'s)')
    parser.add_argument("--cpus-per-task", type=float, default=1, help="CPUs Ray reserves per task (default 1)")
    parser.add_argument("--memory-per-task", help="memory Ray reserves per task, e.g. 4G")
    parser.add_argument("--workers", type=int, help="tamis threads per task (default: the task's CPUs)")
    parser.add_argument("--mem-budget", help="memory per task for a dedup step before it spills, e.g. 2G")
    parser.add_argument("--max-retries", type=int, default=3, help="retries of a task whose worker or node dies")
    parser.add_argument("--keep-global", action="store_true", help="keep OUTPUT/.global/ once complete")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress lines and no summary")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Runs the command line `argv` (default: ``sys.argv[1:]``); returns the exit code."""
    args = _arguments(argv)
    try:
        run(
            args.pipeline,
            args.tasks,
            address=args.address,
            cpus_per_task=args.cpus_per_task,
            memory_per_task=args.memory_per_task,
            workers=args.workers,
            mem_budget=args.mem_budget,
            max_retries=args.max_retries,
            keep_global=args.keep_global,
            progress=None if args.quiet else sys.stderr,
        )
    except (ConfigError, OSError) as err:
        print(f"tamis.ray: error: {err}", file=sys.stderr)
        return 2
    except RunError as err:
        print(f"tamis.ray: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tamis.ray: interrupted; running tasks cancelled (run again to resume)", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
