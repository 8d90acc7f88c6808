"""tamis: turn raw web crawls into clean, deduplicated text for training
language models — from Python.

Three ways to use it:

- in this process: `extract`, `extract_batch`, `predict_language`, `Steps`
  (documents through steps, with each one's verdict) and `run` (a whole
  pipeline file, as ``tamis run`` runs it);
- inside a datatrove pipeline: the blocks of `tamis.datatrove`;
- on a Ray cluster: `tamis.ray` (``python -m tamis.ray PIPELINE --tasks N``).

The ``tamis`` command is installed too (``tamis run pipeline.yaml``).
Every call releases the GIL while tamis works.
"""

from __future__ import annotations

from tamis._tamis import __version__, extract, extract_batch, predict_language
from tamis.errors import ConfigError, PipelineError, RunError, TamisError
from tamis.pipelines import check, run
from tamis.steps import Batch, Processed, Steps, StepTally

__all__ = [
    "Batch",
    "ConfigError",
    "PipelineError",
    "Processed",
    "RunError",
    "StepTally",
    "Steps",
    "TamisError",
    "__version__",
    "check",
    "extract",
    "extract_batch",
    "predict_language",
    "run",
]
