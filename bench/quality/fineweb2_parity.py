"""FineWeb-2 presets: check the bundled thresholds against huggingface/fineweb-2's configs/*.yml and the
`fineweb2` preset's decisions against datatrove 0.10.1 configured as fineweb-2-pipeline.py (step 5) does.

Usage: python bench/quality/fineweb2_parity.py CORPUS.jsonl CONFIGS_DIR QUALITY_DECISIONS_BIN
  CONFIGS_DIR: the repository's configs/ (fra_Latn.yml, ...); CORPUS.jsonl from corpus.py (its fr, de, es,
  it, pt, nl, ru, pl documents are used, each with its language's preset).
"""

import json
import os
import subprocess
import sys

import yaml
from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter

ISO = {"fr": "fra_Latn", "de": "deu_Latn", "es": "spa_Latn", "it": "ita_Latn", "pt": "por_Latn", "nl": "nld_Latn",
       "pl": "pol_Latn", "ru": "rus_Cyrl"}


def main() -> None:
    corpus, configs, exe = sys.argv[1:4]
    table = {r["key"]: r for r in map(json.loads, subprocess.run([exe, "fineweb2-table"], capture_output=True, text=True, check=True).stdout.splitlines())}
    bad = 0
    for key, ours in table.items():
        cfg = yaml.safe_load(open(os.path.join(configs, f"{key}.yml")))
        want = {
            "language_score": cfg["language_score"], "dup_line_frac": cfg["dup_line_frac"],
            "top_n_grams": [v for _, v in cfg["top_n_grams"]], "dup_n_grams": [v for _, v in cfg["dup_n_grams"]],
            "line_punct_thr": cfg["line_punct_thr"], "new_line_ratio": cfg["new_line_ratio"],
            "min_avg_word_length": cfg["min_avg_word_length"], "max_avg_word_length": cfg["max_avg_word_length"],
            "max_non_alpha_words_ratio": cfg["max_non_alpha_words_ratio"], "stopwords": cfg["stopwords"],
        }
        assert [n for n, _ in cfg["top_n_grams"]] == [2, 3, 4] and [n for n, _ in cfg["dup_n_grams"]] == [5, 6, 7, 8, 9, 10]
        for k, v in want.items():
            if ours[k] != v:
                bad += 1
                print(f"MISMATCH {key}.{k}: tamis {ours[k]} config {v}")
    print(f"thresholds: {len(table)} languages checked against configs/, {bad} mismatches")

    docs = [d for d in map(json.loads, open(corpus)) if d["lang"] in ISO]
    agree = total = 0
    for lang, key in ISO.items():
        sub = [d for d in docs if d["lang"] == lang]
        if not sub:
            continue
        cfg = yaml.safe_load(open(os.path.join(configs, f"{key}.yml")))
        filters = {
            "gopher_repetition": GopherRepetitionFilter(language=key, dup_para_frac=0, dup_line_char_frac=0, dup_para_char_frac=0,
                                                        dup_line_frac=cfg["dup_line_frac"], top_n_grams=cfg["top_n_grams"], dup_n_grams=cfg["dup_n_grams"]),
            "fineweb_quality": FineWebQualityFilter(language=key, short_line_thr=999, char_duplicates_ratio=0.1,
                                                    line_punct_thr=cfg["line_punct_thr"], new_line_ratio=cfg["new_line_ratio"]),
            "gopher_quality": GopherQualityFilter(language=key, max_avg_word_length=cfg["max_avg_word_length"],
                                                  min_avg_word_length=cfg["min_avg_word_length"], stop_words=cfg["stopwords"],
                                                  max_non_alpha_words_ratio=cfg["max_non_alpha_words_ratio"], min_stop_words=2),
        }
        inp = "".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in sub)
        ours = [json.loads(line) for line in subprocess.run([exe, "fineweb2", key], input=inp, capture_output=True, text=True, check=True).stdout.splitlines()]
        drops = 0
        for d, o in zip(sub, ours):
            for name, flt in filters.items():
                res = flt.filter(Document(text=d["text"], id=d["id"]))
                ref = "keep" if res is True else res[1]
                drops += ref != "keep"
                total += 1
                if ref == o[name]:
                    agree += 1
                else:
                    print(f"- {key} {d['id']} {name}: datatrove={ref} tamis={o[name]}")
        print(f"{key}: {len(sub)} documents, {drops} reference drops")
    print(f"decisions: {agree}/{total} = {agree / total:.4%} agreement")


if __name__ == "__main__":
    main()
