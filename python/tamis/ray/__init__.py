"""tamis on a Ray cluster: a pipeline's tasks as Ray tasks, its phases in order.

    import tamis.ray
    stats = tamis.ray.run("pipeline.yaml", tasks=64, address="auto", cpus_per_task=2)

or ``python -m tamis.ray pipeline.yaml --tasks 64 --address auto``.

Design: one Ray task per tamis task, running the engine inside the Ray
worker's process through the native module. The task is exactly the one
``tamis run --task-index`` runs: same lock, same completion markers, same
commit, so a job re-submitted after a failure skips what completed, and Slurm,
Kubernetes and Ray runs of a pipeline are interchangeable. See ``driver.run``.
"""

from tamis.ray.driver import run

__all__ = ["run"]
