"""A small synthetic corpus with near-duplicates, for the pipeline and Ray tests."""

from __future__ import annotations

import json
import random
from pathlib import Path

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "fi", "gu", "ha", "je"]


def _words(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(count)]


def write_corpus(directory: Path, files: int = 8, documents: int = 200, seed: int = 7) -> list[Path]:
    """Writes `files` JSONL files of `documents` documents each under
    `directory`; about a quarter of the documents are near-copies (a few
    words changed) of an earlier one, in the same file or another."""
    rng = random.Random(seed)
    vocabulary = _words(rng, 3000)
    originals: list[list[str]] = []
    paths = []
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(files):
        path = directory / f"part-{number:02d}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for index in range(documents):
                if originals and rng.random() < 0.25:
                    words = list(rng.choice(originals))
                    for _ in range(rng.randint(0, 3)):
                        words[rng.randrange(len(words))] = rng.choice(vocabulary)
                else:
                    words = [rng.choice(vocabulary) for _ in range(rng.randint(80, 200))]
                    originals.append(words)
                lines = [" ".join(words[i : i + 20]) + "." for i in range(0, len(words), 20)]
                doc = {
                    "id": f"{number}-{index}",
                    "text": "\n".join(lines),
                    "url": f"https://example.org/{number}/{index}",
                }
                out.write(json.dumps(doc) + "\n")
        paths.append(path)
    return paths
