"""The in-process API: extract, extract_batch, predict_language, Steps, run,
check — and bad input as Python exceptions, never a crash."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import tamis
from conftest import EXAMPLE_WARC, LID_176

PAGE = (
    "<!DOCTYPE html><html lang='fr'><head><title>Le titre</title></head><body>"
    "<nav><a href='/'>Accueil</a> <a href='/a'>Politique</a></nav>"
    "<article><h1>Un titre</h1><p>{}</p></article><footer>© 2024</footer></body></html>"
)
PARAGRAPH = "Au cours de la conversation téléphonique, les deux parties ont également discuté de la situation."
ENGLISH = "The committee met on Tuesday to discuss the new budget for the city's public libraries."


def test_extract_gives_text_and_metadata() -> None:
    result = tamis.extract(PAGE.format(PARAGRAPH), url="https://example.org/a")
    assert result == {"text": f"Un titre\n{PARAGRAPH}", "title": "Le titre", "html_lang": "fr"}


def test_extract_decodes_bytes_and_gives_none_without_content() -> None:
    page = PAGE.format(PARAGRAPH).replace("<head>", "<head><meta charset='windows-1252'>")
    assert tamis.extract(page.encode("windows-1252")) == tamis.extract(page)
    assert tamis.extract("<html><body><nav><a href='/'>Accueil</a></nav></body></html>") is None
    assert tamis.extract("plain text, not a page") is None
    assert tamis.extract("<div>" * 5000) is None  # deeper than max_depth


def test_extract_options_are_the_steps() -> None:
    page = PAGE.format(PARAGRAPH)
    assert tamis.extract(page, max_bytes=10) is None
    with pytest.raises(tamis.ConfigError) as refused:
        tamis.extract(page, maxbytes=10)
    assert refused.value.key == "extract.maxbytes"
    with pytest.raises(tamis.ConfigError, match="max_depth") as out_of_range:
        tamis.extract(page, max_depth=3)
    assert out_of_range.value.key == "extract.max_depth"
    assert isinstance(out_of_range.value, ValueError)


def test_extract_strategy_union_names_the_strategies_that_found_text() -> None:
    result = tamis.extract(PAGE.format(PARAGRAPH), strategy="union")
    assert result is not None and PARAGRAPH in result["text"]
    assert result["extract_strategies"] == ["default", "precision", "recall"]
    with pytest.raises(tamis.ConfigError, match="strategy"):
        tamis.extract(PAGE.format(PARAGRAPH), strategy="best")


def test_extract_batch_keeps_the_order() -> None:
    pages = [PAGE.format(f"{PARAGRAPH} Numéro {i}.") for i in range(40)] + ["nothing"]
    results = tamis.extract_batch(pages, workers=2)
    assert [result["text"].endswith(f"Numéro {i}.") for i, result in enumerate(results[:40])] == [True] * 40
    assert results[40] is None
    assert tamis.extract_batch(pages, workers=1) == results
    with pytest.raises(tamis.ConfigError, match="urls"):
        tamis.extract_batch(pages, urls=["https://example.org"])
    with pytest.raises(TypeError, match=r"pages\[1\]"):
        tamis.extract_batch([PAGE, 3])


def test_predict_language_gives_labels_and_scores() -> None:
    (best,) = tamis.predict_language(PARAGRAPH)
    assert best[0] == "fr" and best[1] > 0.9
    three = tamis.predict_language(PARAGRAPH, k=3)
    assert len(three) == 3 and three[0] == best
    assert three == tamis.predict_language(PARAGRAPH, k=3, model=LID_176)
    every = tamis.predict_language(ENGLISH, k=-1)  # what fastText's k=-1 gives: not all 176
    assert len(every) > 100 and [score for _, score in every] == sorted((s for _, s in every), reverse=True)
    assert tamis.predict_language(f"{ENGLISH}\n{ENGLISH}") == tamis.predict_language(f"{ENGLISH} {ENGLISH}")
    with pytest.raises(tamis.ConfigError, match="k=0"):
        tamis.predict_language(ENGLISH, k=0)
    with pytest.raises(tamis.ConfigError, match="no-such-model.bin"):
        tamis.predict_language(ENGLISH, model="no-such-model.bin")
    with pytest.raises(TypeError):
        tamis.predict_language(b"bytes")  # type: ignore[arg-type]


def test_steps_give_each_document_its_verdict() -> None:
    steps = tamis.Steps(
        [{"language": {"languages": ["fr"]}}, {"gopher_quality": {"min_doc_words": 6, "min_stop_words": None}}]
    )
    assert steps.names == ["language", "gopher_quality"]
    results = steps.process(
        [
            {"id": "fr", "text": f"{PARAGRAPH} {PARAGRAPH}", "url": "https://example.org", "dump": "CC-2024"},
            ENGLISH,
            {"text": "Les deux parties ont discuté."},
        ]
    )
    (fr, en, short) = results
    assert fr.kept and fr.step is None and fr.reason is None
    assert fr.document["id"] == "fr" and fr.document["url"] == "https://example.org"
    assert fr.document["metadata"]["language"] == "fr"
    assert fr.document["metadata"]["dump"] == "CC-2024"
    assert (en.kept, en.step, en.reason) == (False, "language", "wrong_language")
    assert en.document["id"] == "1"
    assert (short.step, short.reason) == ("gopher_quality", "gopher_short_doc")
    language, quality = steps.stats
    assert (language.input, language.kept, language.dropped) == (3, 2, {"wrong_language": 1})
    assert (quality.input, quality.kept, quality.dropped) == (2, 1, {"gopher_short_doc": 1})
    assert short.document["metadata"]["language"] == "fr"


def test_steps_run_presets_and_shard_steps_over_the_batch() -> None:
    steps = tamis.Steps([{"line_dedup": {"min_docs": 2}}, {"preset": {"name": "fineweb2", "language": "fr"}}])
    assert steps.names[0] == "line_dedup" and "gopher_quality" in steps.names
    footer = "Mis à jour le 3 mars 2024 à 10 h 12"
    batch = steps.run_batch([f"{PARAGRAPH}\n{footer}", f"{PARAGRAPH} Encore.\n{footer}", "Seul."])
    first = batch.results[0].document["text"]
    assert footer not in first and PARAGRAPH in first
    line_dedup = batch.tallies[0]
    assert line_dedup.counters["lines_removed"] >= 2


def test_steps_refuse_corpus_wide_steps_and_bad_settings() -> None:
    with pytest.raises(tamis.ConfigError, match="tamis.run") as corpus_wide:
        tamis.Steps([{"minhash_dedup": {}}])
    assert corpus_wide.value.key == "minhash_dedup"
    with pytest.raises(tamis.ConfigError) as unknown:
        tamis.Steps([{"languag": {}}])
    assert unknown.value.key == "languag"
    with pytest.raises(tamis.ConfigError) as bad_label:
        tamis.Steps([{"language": {"languages": ["zz"]}}])
    assert bad_label.value.key == "language.languages"
    with pytest.raises(tamis.ConfigError, match="one key"):
        tamis.Steps([{"language": {}, "extract": {}}])
    with pytest.raises(tamis.ConfigError, match="workers"):
        tamis.Steps([], workers=0)


@pytest.mark.parametrize(
    "document",
    [3, {"id": "a"}, {"text": 3}, {"text": "x", "metadata": {"when": object()}}, {"text": "x", "metadata": [1]}],
    ids=["not-a-document", "no-text", "text-not-str", "metadata-not-json", "metadata-not-a-dict"],
)
def test_bad_documents_are_exceptions(document: Any) -> None:
    steps = tamis.Steps([{"gopher_quality": {}}])
    with pytest.raises((TypeError, ValueError), match=r"documents\[1\]"):
        steps.process(["fine", document])


def test_bad_input_never_reaches_the_interpreter_as_a_panic() -> None:
    """Odd text, huge numbers, NaN and odd types all come back as results or
    ordinary exceptions."""
    steps = tamis.Steps([{"extract": {}}, {"language": {}}, {"c4_quality": {}}, {"gopher_repetition": {}}])
    odd = ["", "\x00\x01", "\ud7ff" * 100, "<" * 10000, "<p>" + "a " * 50000, "\n" * 1000, "{" * 500]
    assert len(steps.process(odd)) == len(odd)
    with pytest.raises(ValueError, match="64 bits"):
        steps.process([{"text": "x", "metadata": {"n": 2**70}}])
    with pytest.raises(ValueError, match="JSON number"):
        steps.process([{"text": "x", "metadata": {"n": float("nan")}}])
    looped: dict[str, Any] = {}
    looped["self"] = looped
    with pytest.raises(ValueError, match="holds itself"):
        steps.process([{"text": "x", "metadata": looped}])
    with pytest.raises(ValueError, match="nested deeper"):
        tamis.Steps([{"gopher_quality": _deep(200)}])
    with pytest.raises(tamis.PipelineError):
        tamis.run({"input": {}, "output": {}, **_deep(100)})
    with pytest.raises(TypeError):
        tamis.Steps("language")  # type: ignore[arg-type]
    with pytest.raises(tamis.ConfigError):
        tamis.Steps([{"gopher_quality": {"min_doc_words": -1}}])


def _deep(levels: int) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for _ in range(levels):
        nested = {"n": nested}
    return {"deep": nested}


def test_calls_release_the_gil() -> None:
    """Another Python thread runs while tamis works."""
    ticks = 0
    done = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.monotonic()
    pages = [PAGE.format(PARAGRAPH * 40)] * 400
    while time.monotonic() - started < 0.3:
        tamis.extract_batch(pages, workers=1)
    done.set()
    ticker.join()
    assert ticks > 20


def _pipeline(tmp_path: Path, steps: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "input": {"paths": [EXAMPLE_WARC], "format": "warc"},
        "output": {"path": tmp_path / "out", "format": "jsonl", "removed": tmp_path / "out" / "removed"},
        "steps": steps if steps is not None else [{"extract": {}}, {"language": {"languages": ["fr"]}}],
    }


def test_run_takes_a_dict_yaml_text_or_a_path(tmp_path: Path) -> None:
    stats = tamis.run(_pipeline(tmp_path))
    assert (stats["read"]["records"], stats["kept"]) == (36, 30)
    assert stats == json.loads((tmp_path / "out" / "stats.json").read_text())

    yaml = tmp_path / "pipeline.yaml"
    yaml.write_text(
        f"input: {{ paths: [{str(EXAMPLE_WARC)!r}], format: warc }}\n"
        f"output: {{ path: {str(tmp_path / 'yaml')!r}, format: jsonl }}\n"
        "steps:\n  - extract: {}\n  - language: { languages: [fr] }\n"
    )
    from_path = tamis.run(yaml, workers=1)
    from_text = tamis.run(yaml.read_text())  # every task complete: skipped
    assert from_path["kept"] == from_text["kept"] == 30
    assert tamis.check(yaml)["phases"] == ["run"]


def test_run_errors_carry_file_line_and_key(tmp_path: Path) -> None:
    yaml = tmp_path / "bad.yaml"
    yaml.write_text(
        f"input: {{ paths: [{str(EXAMPLE_WARC)!r}], format: warc }}\noutput: {{ path: out }}\n"
        "steps:\n  - line_dedup: { min_docs: many }\n"
    )
    with pytest.raises(tamis.PipelineError) as bad:
        tamis.run(yaml)
    assert (bad.value.file, bad.value.line, bad.value.key) == (str(yaml), 4, "min_docs")
    assert str(bad.value).startswith(f"{yaml}:4:")

    with pytest.raises(tamis.PipelineError) as missing:
        tamis.run({"input": {"paths": ["/no/such.warc.gz"], "format": "warc"}, "output": {"path": "o"}})
    assert (missing.value.file, missing.value.key) == ("<dict>", "input.paths")
    with pytest.raises(tamis.PipelineError) as unknown:
        tamis.run("input: { paths: [x], format: warc }\noutput: { path: o, formt: jsonl }\n")
    assert (unknown.value.file, unknown.value.line, unknown.value.key) == ("<string>", 2, "formt")
    with pytest.raises(FileNotFoundError):
        tamis.run(tmp_path / "absent.yaml")
    with pytest.raises(TypeError):
        tamis.run(42)  # type: ignore[arg-type]
    with pytest.raises(tamis.ConfigError, match="phase"):
        tamis.run(_pipeline(tmp_path), phase="buckets")
    with pytest.raises(tamis.ConfigError, match="out of range"):
        tamis.run(_pipeline(tmp_path), tasks=2, task_index=2)


def test_run_raises_when_a_task_waits_or_another_job_owns_the_output(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path, [{"extract": {}}, {"exact_dedup": {}}])
    assert tamis.check(pipeline)["phases"] == ["record", "keepers", "filter"]
    with pytest.raises(tamis.RunError, match="waits for phase record") as waiting:
        tamis.run(pipeline, tasks=2, task_index=0)
    assert waiting.value.report is not None and waiting.value.report["waiting"]["tasks"] == [1]

    tamis.run(_pipeline(tmp_path / "a"))
    other = _pipeline(tmp_path / "a", [{"extract": {}}])
    with pytest.raises(tamis.RunError, match="different job") as owned:
        tamis.run(other)
    assert owned.value.report["failed"][0]["configuration"] is True


def test_run_warns_about_steps_that_drop_everything(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="step language dropped every document"):
        tamis.run(_pipeline(tmp_path, [{"extract": {}}, {"language": {"languages": ["ja"]}}]))
