"""`Steps`: documents through a list of steps in this process, each coming
back with its verdict — for notebooks and for tests of a pipeline.

    >>> steps = tamis.Steps([{"language": {"languages": ["fr"]}}])
    >>> for doc, kept, step, reason in steps.process(["Bonjour à tous, voici le texte.", "Hello world"]):
    ...     print(kept, step, reason, doc["metadata"]["language"])
    True None None fr
    False language wrong_language en
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from tamis import _tamis

__all__ = ["Batch", "Document", "Processed", "StepTally", "Steps"]

Document = str | Mapping[str, Any]
"""A document: its text, or a dict with ``text`` and optionally ``id``,
``url`` and ``metadata`` (other keys go into the metadata, as in the JSONL reader)."""


class Processed(NamedTuple):
    """One document after the steps."""

    document: dict[str, Any]
    """``{"id", "text", "url", "metadata"}`` as the steps left it (text
    extracted or edited, metadata annotated); a dropped document as the step
    that dropped it left it."""
    kept: bool
    """Whether every step kept it."""
    step: str | None
    """The step that dropped it, or None."""
    reason: str | None
    """Why (``wrong_language``, ``gopher_short_doc``…), or None."""


class StepTally(NamedTuple):
    """What one step did, over one batch or added up over all of them."""

    name: str
    input: int
    """Documents the step saw."""
    kept: int
    dropped: dict[str, int]
    """Dropped documents, by reason."""
    counters: dict[str, int]
    """The step's own counters (``line-total``, ``lines_removed``…)."""


class Batch(NamedTuple):
    """The result of `Steps.run_batch`."""

    results: list[Processed]
    """One per document, in input order."""
    tallies: list[StepTally]
    """One per step, for this batch."""


def _added(total: StepTally, more: StepTally) -> StepTally:
    dropped = dict(total.dropped)
    for reason, n in more.dropped.items():
        dropped[reason] = dropped.get(reason, 0) + n
    counters = dict(total.counters)
    for counter, n in more.counters.items():
        counters[counter] = counters.get(counter, 0) + n
    return StepTally(total.name, total.input + more.input, total.kept + more.kept, dropped, counters)


class Steps:
    """Steps built once, then run on batches of documents.

    Args:
        steps: entries as a pipeline file's ``steps:`` list has them, e.g.
            ``[{"extract": {}}, {"language": {"languages": ["fr"]}}, {"preset": {"name": "fineweb"}}]``.
        workers: threads per batch (all cores when None; 1 runs on one thread).

    Each batch is processed as the runner processes a shard: per-document
    steps in parallel, in order; a shard step (``line_dedup``) sees the whole
    batch before it decides. Corpus-wide steps (``exact_dedup``,
    ``minhash_dedup``, ``sentence_dedup``) are refused: they exchange files between phases, so
    run them with `tamis.run`.

    Raises:
        TypeError: `steps` is not a list.
        ConfigError: an unknown step or setting, a setting out of range, a
            model that does not load, or a corpus-wide step (``err.key`` names it).
    """

    def __init__(self, steps: Sequence[Mapping[str, Any]], workers: int | None = None) -> None:
        if isinstance(steps, (str, bytes, Mapping)):
            raise TypeError(f"steps is a list of {{name: settings}} entries, not a {type(steps).__name__}")
        self._native = _tamis._Steps(list(steps), workers)
        self._totals = [StepTally(name, 0, 0, {}, {}) for name in self._native.names()]

    @property
    def names(self) -> list[str]:
        """The step names, in order, presets expanded."""
        return [tally.name for tally in self._totals]

    @property
    def stats(self) -> list[StepTally]:
        """What each step did, added up over every batch so far."""
        return list(self._totals)

    def run_batch(self, documents: Iterable[Document]) -> Batch:
        """Runs the steps on `documents` (one batch); returns each document's
        result and what each step did to this batch.

        Raises:
            TypeError, ValueError: a document that is neither a str nor a dict
                with a str ``text``, or metadata that is not JSON.
        """
        results, tallies = self._native.process(documents)
        batch = Batch(
            [Processed(*result) for result in results],
            [StepTally(**tally) for tally in tallies],
        )
        self._totals = [_added(total, tally) for total, tally in zip(self._totals, batch.tallies)]
        return batch

    def process(self, documents: Iterable[Document]) -> list[Processed]:
        """Runs the steps on `documents` (one batch): ``[(document, kept, step, reason), …]``."""
        return self.run_batch(documents).results

    def __repr__(self) -> str:
        return f"Steps({self.names})"
