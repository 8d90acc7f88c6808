"""Records datatrove 0.10.1's SentenceDedup decisions on generated documents: the sentence_dedup parity fixture.

    bench/.venv/bin/python bench/sentence_dedup_fixture.py crates/dedup/tests/fixtures/sentence_dedup_parity.jsonl

The documents are generated here from word lists written for this script (no external data): sentences with
abbreviations, ellipses, quotes, CJK and other full stops, digits, accents, emoji, odd whitespace, sentences
without a final mark, punctuation-only ones; documents draw sentences from a shared pool and copy runs of
earlier documents, joined by spaces, newlines, CRLF and blank lines. Each configuration runs datatrove's three
stages (one task) over the documents in order. Each line holds one document of one configuration: its text
and the text datatrove kept, or null when it dropped it. `crates/dedup/tests/sentence_parity.rs` runs tamis
over the same documents and checks every line.
"""

import json
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dt_import  # noqa: E402,F401  (tokenizers stub, xxhash 3)
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.dedup.sentence_dedup import (  # noqa: E402
    SentDedupConfig,
    SentenceDedupFilter,
    SentenceDedupSignature,
    SentenceFindDedups,
)
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402
from datatrove.utils.hashing import HashConfig  # noqa: E402
from loguru import logger  # noqa: E402

logger.remove()
logger.add(sys.stderr, level="WARNING")

CONFIGS = {
    "default": SentDedupConfig(),
    "lines": SentDedupConfig(split_sentences=False),
    "lenient": SentDedupConfig(n_sentences=2, min_doc_words=0, min_num_sentences=0,
                               hash_config=HashConfig(precision=64, hash_fc="sha1")),
    "strict": SentDedupConfig(n_sentences=1, min_doc_words=30, min_num_sentences=2,
                              hash_config=HashConfig(precision=32, hash_fc="xxhash")),
}

WORDS = (
    "the a river town market morning people children teacher library bridge garden winter summer walked opened "
    "closed carried painted quietly slowly again never always because while after before under report council "
    "budget museum harbour station festival weather storm shadow valley village street window kitchen letter"
).split()
ODD = [
    "U.S.", "e.g.", "Dr.", "Mr.", "a.m.", "No.", "3.14", "1,234", "٣٤٥", "élève", "Straße", "ΑΘΗΝΑ", "Москва",
    "東京", "😀", "«ok»", "„Zitat“", "'quoted'", "\"said\"", "(aside)", "[1]", "—", "–", "&", "50%", "$9.99",
    "don't", "it's", "x86_64", "e-mail", "www.example.org", "#tag", "@user", "a\u0301", "\u00a0", "\u200b",
]
ENDS = [".", ".", ".", "!", "?", "...", "?!", "。", "！", "", " .", ".\"", ".)", ";", " :)"]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n", "\n\n", "\r\n", " \n\t", "\n \n"]


def sentence(rng):
    if rng.random() < 0.03:
        return rng.choice(["...", "!!", "?", "—", "* * *"])
    pool = WORDS * 5 + ODD
    words = [rng.choice(pool) for _ in range(rng.randint(2, 14))]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(ENDS)


def documents(rng, count):
    pool = [sentence(rng) for _ in range(150)]
    docs = []
    for i in range(count):
        parts = []
        for _ in range(rng.randint(1, 14)):
            r = rng.random()
            if r < 0.5:
                parts.append(sentence(rng))
            elif r < 0.8 or not docs:
                parts.append(rng.choice(pool))
            else:  # a run copied from an earlier document
                earlier = rng.choice(docs)
                parts.extend(earlier[: rng.randint(1, 6)])
        docs.append(parts)
    texts = []
    for parts in docs:
        text = ""
        for k, part in enumerate(parts):
            text += (rng.choice(SEPARATORS) if k else rng.choice(["", "", " ", "\n"])) + part
        text += rng.choice(["", "", " ", "\n", "  \n"])
        texts.append(text)
    return texts


def run(config, folder, work):
    def execute(name, pipeline):
        LocalPipelineExecutor(pipeline=pipeline, tasks=1, workers=1,
                              logging_dir=os.path.join(work, "logs", name)).run()

    execute("signatures", [JsonlReader(folder),
                           SentenceDedupSignature(output_folder=os.path.join(work, "sigs"), config=config)])
    execute("find", [SentenceFindDedups(data_folder=os.path.join(work, "sigs"),
                                        output_folder=os.path.join(work, "dups"), config=config)])
    execute("filter", [JsonlReader(folder),
                       SentenceDedupFilter(data_folder=os.path.join(work, "dups"), config=config),
                       JsonlWriter(os.path.join(work, "out"), output_filename="kept.jsonl", compression=None)])
    kept = {}
    for line in open(os.path.join(work, "out", "kept.jsonl"), encoding="utf-8"):
        d = json.loads(line)
        kept[d["id"]] = d["text"]
    return kept


def main():
    out_path = sys.argv[1]
    rng = random.Random(20261202)
    with open(out_path, "w", encoding="utf-8") as out:
        for name, config in CONFIGS.items():
            texts = [t for t in documents(rng, 70) if t.strip()]
            with tempfile.TemporaryDirectory() as work:
                folder = os.path.join(work, "in")
                os.makedirs(folder)
                with open(os.path.join(folder, "docs.jsonl"), "w", encoding="utf-8") as f:
                    for i, t in enumerate(texts):
                        f.write(json.dumps({"id": f"{name}-{i}", "text": t}, ensure_ascii=False) + "\n")
                kept = run(config, folder, work)
            for i, t in enumerate(texts):
                doc_id = f"{name}-{i}"
                out.write(json.dumps({"config": name, "id": doc_id, "text": t, "kept": kept.get(doc_id)},
                                     ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
