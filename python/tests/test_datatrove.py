"""The blocks of tamis.datatrove against datatrove 0.10.1's own blocks on the
same documents: same documents kept, same text and metadata, same stats, same
documents (with the same ``filter_reason``) written by the exclusion writer."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tamis
from conftest import EXAMPLE_WARC, LID_176

datatrove = pytest.importorskip("datatrove")
import tamis.datatrove as ours
from datatrove.data import Document
from datatrove.pipeline import filters as theirs
from datatrove.pipeline.writers import JsonlWriter

SENTENCES = [
    "The committee met on Tuesday to discuss the new budget for the city's public libraries.",
    "Several members argued that the reading rooms should stay open later in the evening.",
    "A survey of residents showed strong support for longer hours and more children's programmes.",
    "The mayor said she would review the proposal before the next council meeting in March.",
    "Local businesses have also offered to sponsor a series of summer workshops for teenagers.",
    "Critics warned that the plan could cost more than the council had set aside this year.",
    "In the end the committee voted to ask the library staff for a detailed estimate.",
    "Volunteers will help with the workshops, and the schools have promised to share the news.",
]


def _english(count: int, start: int = 0, separator: str = " ") -> str:
    return separator.join(SENTENCES[(start + i) % len(SENTENCES)] for i in range(count))


def _documents(scratch: Path) -> list[Document]:
    """English documents that reach every branch of the filters, and the
    example crawl's pages (French, and six in other languages) as extracted."""
    texts = {
        "prose": "\n".join(_english(3, i) for i in range(6)),
        "long-prose": "\n\n".join(_english(4, i) for i in range(12)),
        "short": "Too short to keep.",
        "bullets": "\n".join(f"• {sentence}" for sentence in SENTENCES * 2),
        "ellipsis": "\n".join(f"{sentence[:40]}..." for sentence in SENTENCES * 2),
        "repeated-lines": "\n".join([SENTENCES[0]] * 12 + SENTENCES),
        "lorem": _english(8) + "\nLorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.",
        "curly": _english(8) + "\nThe function returns { a: 1 } when it is called with no argument at all.",
        "javascript": "\n".join(SENTENCES) + "\nPlease enable JavaScript in your browser to see this page.",
        "policy": "\n".join(SENTENCES) + "\nBy using this site you agree to our cookie policy and terms of use.",
        "citations": "\n".join(f"{sentence} [1]" for sentence in SENTENCES),
        "no-punctuation": "\n".join(sentence.rstrip(".") for sentence in SENTENCES * 2),
        "hashes": " ".join(f"#{word}" for word in _english(6).split()),
        "short-lines": "\n".join(word for word in _english(4).split()),
        "long-word": _english(8) + " " + "x" * 1200,
        "empty": "",
    }
    documents = [Document(text=text, id=name) for name, text in texts.items()]
    for page in _example_pages(scratch):
        documents.append(Document(text=page["text"], id=page["id"]))
    return documents


def _example_pages(output: Path) -> list[dict[str, Any]]:
    """The example crawl's pages after tamis's extraction (written to `output`)."""
    pipeline = {
        "input": {"paths": [str(EXAMPLE_WARC)], "format": "warc"},
        "output": {"path": str(output), "format": "jsonl"},
        "steps": [{"extract": {}}],
    }
    tamis.run(pipeline)
    pages = []
    for path in sorted(output.glob("*.jsonl")):
        pages.extend(json.loads(line) for line in path.read_text().splitlines())
    return pages


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[Document]:
    return _documents(tmp_path_factory.mktemp("extracted"))


def _run(block: Any, documents: list[Document]) -> tuple[list[Document], dict[str, Any]]:
    kept = list(block.run(iter(copy.deepcopy(documents))))
    return kept, block.stats.stats.to_dict()


def _excluded(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for path in sorted(directory.rglob("*.jsonl")) for line in path.read_text().splitlines()]


def _their_language_filter(**kwargs: Any) -> Any:
    """datatrove's LanguageFilter on the built-in lid.176.ftz (it would
    download lid.176.bin)."""
    pytest.importorskip("fasttext")
    from fasttext.FastText import _FastText

    block = theirs.LanguageFilter(**kwargs)
    block.model._model = _FastText(str(LID_176))
    return block


PAIRS: list[tuple[str, Callable[..., Any], Callable[..., Any], dict[str, Any]]] = [
    ("gopher_repetition", theirs.GopherRepetitionFilter, ours.GopherRepetitionFilter, {}),
    ("gopher_quality", theirs.GopherQualityFilter, ours.GopherQualityFilter, {}),
    ("c4_quality", theirs.C4QualityFilter, ours.C4QualityFilter, {}),
    ("c4_quality_fineweb", theirs.C4QualityFilter, ours.C4QualityFilter, {"filter_no_terminal_punct": False}),
    ("fineweb_quality", theirs.FineWebQualityFilter, ours.FineWebQualityFilter, {}),
    ("language_en", _their_language_filter, ours.LanguageFilter, {"languages": ["en"]}),
    ("language_any", _their_language_filter, ours.LanguageFilter, {"keep_top_pairs_threshold": 0.1}),
]


@pytest.mark.parametrize(("name", "make_theirs", "make_ours", "kwargs"), PAIRS, ids=[pair[0] for pair in PAIRS])
def test_block_decides_and_counts_as_datatrove(
    name: str,
    make_theirs: Callable[..., Any],
    make_ours: Callable[..., Any],
    kwargs: dict[str, Any],
    documents: list[Document],
    tmp_path: Path,
) -> None:
    their_block = make_theirs(exclusion_writer=JsonlWriter(str(tmp_path / "theirs"), compression=None), **kwargs)
    our_block = make_ours(
        exclusion_writer=JsonlWriter(str(tmp_path / "ours"), compression=None), batch_size=7, **kwargs
    )
    their_kept, their_stats = _run(their_block, documents)
    our_kept, our_stats = _run(our_block, documents)
    assert [doc.id for doc in our_kept] == [doc.id for doc in their_kept]
    assert [doc.text for doc in our_kept] == [doc.text for doc in their_kept]
    assert [doc.metadata for doc in our_kept] == [doc.metadata for doc in their_kept]
    assert our_stats == their_stats
    assert _excluded(tmp_path / "ours") == _excluded(tmp_path / "theirs")


def test_blocks_pickle_and_build_their_steps_where_they_run(documents: list[Document]) -> None:
    block = ours.GopherQualityFilter(batch_size=4)
    first, _ = _run(block, documents)
    copied = pickle.loads(pickle.dumps(block))
    assert copied._tamis_steps is None
    again, _ = _run(copied, documents)
    assert [doc.id for doc in again] == [doc.id for doc in first]


def test_filter_decides_one_document_too() -> None:
    block = ours.GopherQualityFilter()
    assert block.filter(Document(text="Too short to keep.", id="a")) == (False, "gopher_short_doc")
    assert block.filter(Document(text=_english(16), id="b")) is True


def test_trafilatura_block_extracts_and_counts_as_datatrove_extractor() -> None:
    page = "<html><head><title>T</title></head><body><nav>Menu</nav><article><p>{}</p></article></body></html>"
    documents = [
        Document(text=page.format(_english(3)), id="article"),
        Document(text="<html><body><nav><a href='/'>Home</a></nav></body></html>", id="no-content"),
        Document(text="<div>" * 2000, id="too-deep"),
    ]
    block = ours.Trafilatura(timeout=1, batch_size=2)
    kept, stats = _run(block, documents)
    assert [doc.id for doc in kept] == ["article"]
    assert kept[0].text == _english(3)
    assert kept[0].metadata == {}
    assert stats["total"] == 3
    assert stats["extracted"] == 2
    assert stats["forwarded"] == 1
    assert stats["dropped"] == 1
    assert stats["clean_error"] == 1
    assert block.extract(page.format(_english(2))) == _english(2)

    with_metadata = ours.Trafilatura(add_metadata=True)
    kept, _ = _run(with_metadata, documents[:1])
    assert kept[0].metadata["title"] == "T"


def test_trafilatura_block_extracts_pages_that_do_not_start_like_html() -> None:
    """datatrove's readers pass on HTML pages only, without a content type, and
    its extractors extract whatever they get: so does the block."""
    fragment = f"\n\r\n&nbsp;\r\n<table><tr><td><p>{_english(3)}</p></td></tr></table>"
    assert tamis.extract(fragment) is None  # undeclared, and not HTML by its first bytes
    kept, stats = _run(ours.Trafilatura(), [Document(text=fragment, id="fragment")])
    assert [doc.text for doc in kept] == [_english(3)]
    assert stats["forwarded"] == 1


def test_trafilatura_block_refuses_options_it_cannot_honour() -> None:
    with pytest.raises(TypeError, match="include_tables"):
        ours.Trafilatura(include_tables=True)
    with pytest.raises(NotImplementedError):
        ours.Trafilatura(include_images=True)


def test_bad_settings_fail_when_the_block_first_runs() -> None:
    block = ours.LanguageFilter(languages=["not-a-language"])
    with pytest.raises(tamis.ConfigError, match="not a label of the model"):
        list(block.run(iter([Document(text="hello", id="a")])))
