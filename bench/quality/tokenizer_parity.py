"""Compare tamis-text's word tokens and sentence counts with datatrove 0.10.1 (spaCy) on a corpus.

Usage: python bench/quality/tokenizer_parity.py CORPUS.jsonl TAMIS_OUTPUT.jsonl [--show N]
where TAMIS_OUTPUT comes from `cargo run --release -p tamis-text --example tokenize_jsonl < CORPUS.jsonl`.
Reports, per language: documents whose token stream is identical, token-level difference rate
(difflib opcodes), sentence-count agreement, and the first differences.
"""

import difflib
import json
import sys
from collections import defaultdict

from datatrove.utils.text import split_into_sentences
from datatrove.utils.word_tokenizers import load_word_tokenizer


def main() -> None:
    corpus, tamis_out = sys.argv[1], sys.argv[2]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 20
    ours = {}
    for line in open(tamis_out):
        r = json.loads(line)
        ours[r["id"]] = r
    stats = defaultdict(lambda: [0, 0, 0, 0, 0])  # docs, docs_equal, tokens, tokens_diff, sentence_equal
    examples = []
    skipped = defaultdict(int)
    for line in open(corpus):
        doc = json.loads(line)
        lang = doc["lang"]
        try:
            tok = load_word_tokenizer(lang)
            ref = tok.word_tokenize(doc["text"])
            ref_sents = len(split_into_sentences(doc["text"], lang))
        except Exception as e:  # a segmenter datatrove needs is not installed (jieba, SudachiPy)
            skipped[lang] += 1
            continue
        mine = ours[doc["id"]]
        s = stats[lang]
        s[0] += 1
        s[2] += len(ref)
        s[4] += ref_sents == mine["sentences"]
        if ref == mine["words"]:
            s[1] += 1
            continue
        sm = difflib.SequenceMatcher(a=ref, b=mine["words"], autojunk=False)
        for op, a0, a1, b0, b1 in sm.get_opcodes():
            if op != "equal":
                s[3] += max(a1 - a0, b1 - b0)
                if len(examples) < show:
                    examples.append((doc["id"], ref[max(0, a0 - 2) : a1 + 2], mine["words"][max(0, b0 - 2) : b1 + 2]))
    print(f"{'lang':6} {'docs':>6} {'identical':>10} {'tokens':>9} {'tok diff':>9} {'sent count eq':>13}")
    for lang, (d, de, t, td, se) in sorted(stats.items()):
        print(f"{lang:6} {d:6} {de / d:10.2%} {t:9} {td / max(t, 1):9.4%} {se / d:13.2%}")
    print('skipped (reference segmenter not installed):', dict(skipped))
    for ex in examples:
        print(ex)


if __name__ == "__main__":
    main()
