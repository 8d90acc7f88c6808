"""Drop-in blocks for datatrove pipelines, run by tamis.

Change one import and an existing datatrove pipeline runs its extraction,
language identification and quality filters in tamis::

    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from tamis.datatrove import (Trafilatura, LanguageFilter, GopherRepetitionFilter,
                                 GopherQualityFilter, C4QualityFilter, FineWebQualityFilter)

Each block takes the constructor arguments of the datatrove block it stands
for (datatrove 0.10.1), fills the same metadata, counts the same stats
(``total``, ``forwarded``, ``dropped``, ``dropped_<reason>``, ``doc_len``, the
C4 filter's ``line-*`` counters; ``extracted``, ``timeout``, ``clean_error``
for the extractor) and writes dropped documents to ``exclusion_writer`` with
the same ``filter_reason``. The filters make datatrove 0.10.1's decisions
(docs/quality.md); the extractor is tamis's, not trafilatura's.

Two arguments are added to every block: ``batch_size``, documents handed to
tamis at once (default 256), and ``workers``, threads per batch (default 1:
datatrove already runs one process per task; raise it to use more cores in one
task). Documents are sent with their text, id and the metadata the steps read,
and come back with the text and metadata the steps set.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.extractors.base import BaseExtractor
    from datatrove.pipeline.filters.base_filter import BaseFilter
    from datatrove.pipeline.writers.disk_base import DiskWriter
    from datatrove.utils.stats import MetricStats
    from datatrove.utils.typeshelper import StatHints
except ImportError as err:  # pragma: no cover - depends on the environment
    raise ImportError(
        f"tamis.datatrove needs datatrove and what its filters import ({err}): pip install 'tamis[datatrove]'"
    ) from err

from tamis.steps import Processed, Steps

__all__ = [
    "C4QualityFilter",
    "FineWebQualityFilter",
    "GopherQualityFilter",
    "GopherRepetitionFilter",
    "LanguageFilter",
    "Trafilatura",
]

DEFAULT_BATCH_SIZE = 256

# Metadata the steps read (the extractor's content type; a language for
# language-dependent steps). The rest of a document's metadata stays in Python.
_READ_METADATA = ("content_type", "language")


def _batches(data: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for doc in data:
        batch.append(doc)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _TamisBlock:
    """The tamis side of a block: one step, built on first use in the process
    that runs the block (datatrove pickles blocks to send them to workers;
    built steps stay where they were built)."""

    _step_name: ClassVar[str]

    def _init_tamis(self, settings: dict[str, Any], batch_size: int, workers: int) -> None:
        if batch_size < 1 or workers < 1:
            raise ValueError("batch_size and workers must be at least 1")
        self.tamis_settings = settings
        self.tamis_batch_size = batch_size
        self.tamis_workers = workers
        self._tamis_steps: Steps | None = None

    def _steps(self) -> Steps:
        if self._tamis_steps is None:
            self._tamis_steps = Steps([{self._step_name: self.tamis_settings}], workers=self.tamis_workers)
        return self._tamis_steps

    def _sent(self, doc: Document) -> dict[str, Any]:
        """What tamis needs of a datatrove document."""
        metadata = {key: doc.metadata[key] for key in _READ_METADATA if key in doc.metadata}
        return {"id": str(doc.id), "text": doc.text, "metadata": metadata}

    def _process(self, batch: list[Document]) -> list[Processed]:
        """Runs the step on `batch`, and counts its counters as datatrove's
        block counts them (one ``stat_update`` per line, so: n and total)."""
        result = self._steps().run_batch([self._sent(doc) for doc in batch])
        for tally in result.tallies:
            for counter, n in tally.counters.items():
                if counter in self._datatrove_counters:
                    self.stats[counter] += MetricStats(total=n, n=n, mean=1.0, min=1, max=1)  # type: ignore[attr-defined]
        return result.results

    # The step's counters that datatrove's block counts too (none by default).
    _datatrove_counters: ClassVar[frozenset[str]] = frozenset()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_tamis_steps"] = None
        return state


class _Filter(_TamisBlock, BaseFilter):
    """A datatrove filter run by one tamis step, in batches."""

    # Whether datatrove's block gives a reason when it drops (LanguageFilter does not).
    _gives_reasons: ClassVar[bool] = True

    def __init__(
        self,
        settings: dict[str, Any],
        exclusion_writer: DiskWriter | None,
        batch_size: int,
        workers: int,
    ) -> None:
        BaseFilter.__init__(self, exclusion_writer)
        self._init_tamis(settings, batch_size, workers)

    @staticmethod
    def _apply(doc: Document, result: Processed) -> None:
        """Copies back what the step set: metadata always (a dropped document
        keeps its annotations, as in datatrove), text when kept."""
        doc.metadata.update(result.document["metadata"])
        if result.kept:
            doc.text = result.document["text"]

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        """Decides about one document (``run`` decides in batches)."""
        (result,) = self._process([doc])
        self._apply(doc, result)
        return self._verdict(result)

    def _verdict(self, result: Processed) -> bool | tuple[bool, str]:
        if result.kept:
            return True
        if self._gives_reasons and result.reason is not None:
            return False, result.reason
        return False

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """datatrove's ``BaseFilter.run``, with the documents decided in batches by tamis."""
        writer = self.exclusion_writer
        with writer if writer else contextlib.nullcontext():
            for batch in _batches(data or (), self.tamis_batch_size):
                with self.track_time("batch"):
                    results = self._process(batch)
                for doc, result in zip(batch, results):
                    self._apply(doc, result)
                    self.stat_update(StatHints.total)
                    verdict = self._verdict(result)
                    if verdict is True:
                        self.stat_update(StatHints.forwarded)
                        self.update_doc_stats(doc)
                        yield doc
                        continue
                    self.stat_update(StatHints.dropped)
                    reason = verdict[1] if isinstance(verdict, tuple) else None
                    if reason:
                        self.stat_update(f"dropped_{reason}")
                    if writer:
                        if reason:
                            doc.metadata["filter_reason"] = reason
                        writer.write(doc, rank)


class LanguageFilter(_Filter):
    """datatrove's ``LanguageFilter``, by tamis's ``language`` step.

    Sets ``language`` and ``language_score`` (and ``language_script`` with
    GlotLID, ``top_language_<label>_score`` with ``keep_top_pairs_threshold``);
    keeps a document when one of `languages` scores above
    `language_threshold`, or, without `languages`, when the best one does.
    Like datatrove's, it gives no drop reason.

    The model is the built-in ``lid.176.ftz`` unless `model` names a file:
    datatrove downloads ``lid.176.bin``, whose scores differ slightly; give its
    path to reproduce them exactly. ``backend="glotlid"`` needs `model`.
    """

    name = "🌍 Language ID (tamis)"
    _step_name = "language"
    _gives_reasons = False

    def __init__(
        self,
        languages: list[str] | str | None = None,
        language_threshold: float = 0.65,
        exclusion_writer: DiskWriter | None = None,
        backend: str = "ft176",
        label_only: bool = False,
        keep_top_pairs_threshold: float = -1,
        *,
        model: str | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        workers: int = 1,
    ) -> None:
        settings: dict[str, Any] = {
            "languages": [languages] if isinstance(languages, str) else languages,
            "language_threshold": language_threshold,
            "backend": backend,
            "label_only": label_only,
            "keep_top_pairs_threshold": keep_top_pairs_threshold,
            "model": model,
        }
        super().__init__(settings, exclusion_writer, batch_size, workers)
        self.languages = settings["languages"]
        self.language_threshold = language_threshold


class GopherRepetitionFilter(_Filter):
    """datatrove's ``GopherRepetitionFilter``, by tamis's ``gopher_repetition`` step."""

    name = "👯 Gopher Repetition (tamis)"
    _step_name = "gopher_repetition"

    def __init__(
        self,
        dup_line_frac: float | None = 0.3,
        dup_para_frac: float | None = 0.3,
        dup_line_char_frac: float | None = 0.2,
        dup_para_char_frac: float | None = 0.2,
        top_n_grams: tuple[tuple[int, float], ...] = ((2, 0.2), (3, 0.18), (4, 0.16)),
        dup_n_grams: tuple[tuple[int, float], ...] = (
            (5, 0.15),
            (6, 0.14),
            (7, 0.13),
            (8, 0.12),
            (9, 0.11),
            (10, 0.10),
        ),
        exclusion_writer: DiskWriter | None = None,
        language: str = "en",
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        workers: int = 1,
    ) -> None:
        settings = {
            "dup_line_frac": dup_line_frac,
            "dup_para_frac": dup_para_frac,
            "dup_line_char_frac": dup_line_char_frac,
            "dup_para_char_frac": dup_para_char_frac,
            "top_n_grams": [list(pair) for pair in top_n_grams],
            "dup_n_grams": [list(pair) for pair in dup_n_grams],
            "language": language,
        }
        super().__init__(settings, exclusion_writer, batch_size, workers)


class GopherQualityFilter(_Filter):
    """datatrove's ``GopherQualityFilter``, by tamis's ``gopher_quality`` step."""

    name = "🥇 Gopher Quality (tamis)"
    _step_name = "gopher_quality"

    def __init__(
        self,
        min_doc_words: int | None = 50,
        max_doc_words: int | None = 100000,
        min_avg_word_length: int | None = 3,
        max_avg_word_length: int | None = 10,
        max_symbol_word_ratio: float | None = 0.1,
        max_bullet_lines_ratio: float | None = 0.9,
        max_ellipsis_lines_ratio: float | None = 0.3,
        max_non_alpha_words_ratio: float | None = 0.8,
        min_stop_words: int | None = 2,
        stop_words: list[str] | None = None,
        exclusion_writer: DiskWriter | None = None,
        language: str = "en",
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        workers: int = 1,
    ) -> None:
        settings = {
            "min_doc_words": min_doc_words,
            "max_doc_words": max_doc_words,
            "min_avg_word_length": min_avg_word_length,
            "max_avg_word_length": max_avg_word_length,
            "max_symbol_word_ratio": max_symbol_word_ratio,
            "max_bullet_lines_ratio": max_bullet_lines_ratio,
            "max_ellipsis_lines_ratio": max_ellipsis_lines_ratio,
            "max_non_alpha_words_ratio": max_non_alpha_words_ratio,
            "min_stop_words": min_stop_words,
            "stop_words": None if stop_words is None else list(stop_words),
            "language": language,
        }
        super().__init__(settings, exclusion_writer, batch_size, workers)


class C4QualityFilter(_Filter):
    """datatrove's ``C4QualityFilter``, by tamis's ``c4_quality`` step: drops
    lines (counted as ``line-filter-*``) and rewrites the kept text."""

    name = "⛰ C4 Quality (tamis)"
    _step_name = "c4_quality"
    _datatrove_counters = frozenset(
        {
            "line-total",
            "line-kept",
            "line-filter-too_long_word",
            "line-filter-no_terminal_punc",
            "line-filter-too_few_words",
            "line-filter-javascript",
            "line-filter-policy",
        }
    )

    def __init__(
        self,
        exclusion_writer: DiskWriter | None = None,
        split_paragraph: bool = True,
        remove_citations: bool = True,
        filter_no_terminal_punct: bool = True,
        min_num_sentences: int = 5,
        min_words_per_line: int = 3,
        max_word_length: int = 1000,
        filter_lorem_ipsum: bool = True,
        filter_javascript: bool = True,
        filter_curly_bracket: bool = True,
        filter_policy: bool = True,
        language: str = "en",
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        workers: int = 1,
    ) -> None:
        settings = {
            "split_paragraph": split_paragraph,
            "remove_citations": remove_citations,
            "filter_no_terminal_punct": filter_no_terminal_punct,
            "min_num_sentences": min_num_sentences,
            "min_words_per_line": min_words_per_line,
            "max_word_length": max_word_length,
            "filter_lorem_ipsum": filter_lorem_ipsum,
            "filter_javascript": filter_javascript,
            "filter_curly_bracket": filter_curly_bracket,
            "filter_policy": filter_policy,
            "language": language,
        }
        super().__init__(settings, exclusion_writer, batch_size, workers)


class FineWebQualityFilter(_Filter):
    """datatrove's ``FineWebQualityFilter``, by tamis's ``fineweb_quality`` step."""

    name = "🍷 FineWeb Quality (tamis)"
    _step_name = "fineweb_quality"

    def __init__(
        self,
        exclusion_writer: DiskWriter | None = None,
        line_punct_thr: float = 0.12,
        line_punct_exclude_zero: bool = False,
        stop_chars: tuple[str, ...] | None = None,
        short_line_thr: float = 0.67,
        short_line_length: int = 30,
        char_duplicates_ratio: float = 0.01,
        new_line_ratio: float = 0.3,
        language: str = "en",
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        workers: int = 1,
    ) -> None:
        settings = {
            "line_punct_thr": line_punct_thr,
            "line_punct_exclude_zero": line_punct_exclude_zero,
            "stop_chars": None if stop_chars is None else list(stop_chars),
            "short_line_thr": short_line_thr,
            "short_line_length": short_line_length,
            "char_duplicates_ratio": char_duplicates_ratio,
            "new_line_ratio": new_line_ratio,
            "language": language,
        }
        super().__init__(settings, exclusion_writer, batch_size, workers)


# What tamis's `extract` step finds about a page.
_PAGE_METADATA = ("title", "date", "html_lang", "canonical_url", "site_name", "description")

# What datatrove's extractor counts for each way tamis's `extract` step ends:
# extracted (then forwarded or dropped), timed out, or failed.
_EXTRACT_OUTCOME = {
    None: "extracted",
    "empty": "extracted",
    "not_html": "extracted",
    "timeout": "timeout",
}


class Trafilatura(_TamisBlock, BaseExtractor):
    """Stands where datatrove's ``Trafilatura`` extractor stands, extracting
    with tamis's ``extract`` step (docs/extraction.md) instead.

    `timeout` (seconds) becomes the step's time budget; `favour_precision` and
    `deduplicate` are accepted and have no effect (tamis has one mode;
    ``line_dedup`` removes lines repeated across pages); other trafilatura
    options are refused. Stats as datatrove's extractor: ``extracted`` then
    ``forwarded`` or ``dropped`` (no main content), ``timeout``, and
    ``clean_error`` for a page too large or too deep. With `add_metadata`, the
    page's ``title``, ``date``, ``html_lang``, ``canonical_url``,
    ``site_name`` and ``description`` go into the metadata (datatrove's
    extractor adds none, so the default is off).
    """

    name = "⛏ Trafilatura (tamis)"
    _step_name = "extract"

    def __init__(
        self,
        favour_precision: bool = True,
        include_images: bool = False,
        timeout: float = 1,
        deduplicate: bool = True,
        *,
        add_metadata: bool = False,
        batch_size: int = DEFAULT_BATCH_SIZE,
        workers: int = 1,
        **kwargs: Any,
    ) -> None:
        if include_images:
            raise NotImplementedError("include_images")
        if kwargs:
            raise TypeError(f"tamis's extractor has no trafilatura options {sorted(kwargs)}")
        BaseExtractor.__init__(self, timeout)
        self.favour_precision = favour_precision
        self.deduplicate = deduplicate
        self.add_metadata = add_metadata
        self._init_tamis({"time_budget_ms": max(1, round(timeout * 1000))}, batch_size, workers)

    def _sent(self, doc: Document) -> dict[str, Any]:
        """The page, declared HTML unless its metadata says otherwise: datatrove's
        readers pass on HTML pages only, and its extractors extract whatever
        they are given, where tamis's step would first sniff an undeclared page."""
        sent = super()._sent(doc)
        sent["metadata"].setdefault("content_type", "text/html")
        return sent

    def extract(self, text: str) -> str:
        """The main content of one page, or ``""``."""
        (result,) = self._process([Document(text=text, id="")])
        return result.document["text"] if result.kept else ""

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """datatrove's ``BaseExtractor.run``, with the pages extracted in batches by tamis."""
        for batch in _batches(data or (), self.tamis_batch_size):
            with self.track_time("batch"):
                results = self._process(batch)
            for doc, result in zip(batch, results):
                self.stat_update(StatHints.total)
                outcome = _EXTRACT_OUTCOME.get(result.reason, "clean_error")
                self.stat_update(outcome)
                if outcome != "extracted":
                    continue
                if result.kept:
                    doc.text = result.document["text"]
                    if self.add_metadata:
                        found = result.document["metadata"]
                        doc.metadata.update({key: found[key] for key in _PAGE_METADATA if key in found})
                    self.stat_update(StatHints.forwarded)
                    self.update_doc_stats(doc)
                    yield doc
                else:
                    self.stat_update(StatHints.dropped)
