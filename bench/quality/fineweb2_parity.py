"""FineWeb-2 presets: check the bundled table against huggingface/fineweb-2's configs/*.yml (every language) and
datatrove 0.10.1's tokenizer assignment, then the `fineweb2` preset's decisions against datatrove 0.10.1
configured as fineweb-2-pipeline.py (step 5) does, on real text in many languages and scripts.

Usage: python bench/quality/fineweb2_parity.py DATA_DIR CONFIGS_DIR QUALITY_DECISIONS_BIN [CORPUS.jsonl]
  DATA_DIR: ../shared/data (lingua-testdata sentences, whatlang-examples, daniel-multilingual truth texts);
  CONFIGS_DIR: the fineweb-2 repository's configs/ at the commit the table records;
  CORPUS.jsonl (optional): corpus.py's output, whose fr, de, es, it, pt, nl, pl, ru documents are added.
Each document is run through each of the three filters independently, with its language's configuration and
tokenizer, in datatrove and in tamis (target/release/examples/quality_decisions fineweb2 KEY).

Documents: lingua-testdata sentences of every language whose FineWeb-2 tokenizer tamis implements, grouped into
documents of 1 to 30 consecutive sentences (seeded), joined by newlines, spaces or blank lines, some with a
sentence repeated (to reach the repetition rules); each whatlang example sentence as one document; each
daniel-multilingual reference text (pl, el, ru). Languages whose tokenizer tamis lacks are listed and skipped.
"""

import collections
import json
import os
import random
import subprocess
import sys

import yaml
from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.utils.word_tokenizers import load_tokenizer_assignments

DOCS_PER_LANGUAGE = 150
# lingua's Tagalog: FineWeb-2 has Filipino (fil_Latn), which datatrove's csv gives no ISO 639-1 code.
ALIASES = {"tl": "fil_Latn"}


def check_table(table: dict, configs: str) -> None:
    files = sorted(f[: -len(".yml")] for f in os.listdir(configs) if f.endswith(".yml"))
    assert sorted(table) == files, f"table {len(table)} keys, configs/ {len(files)} files"
    assignments = load_tokenizer_assignments()
    bad = 0
    for key, ours in table.items():
        cfg = yaml.safe_load(open(os.path.join(configs, f"{key}.yml")))
        want = {
            "language_score": cfg["language_score"], "dup_line_frac": cfg["dup_line_frac"],
            "top_n_grams": [v for _, v in cfg["top_n_grams"]], "dup_n_grams": [v for _, v in cfg["dup_n_grams"]],
            "line_punct_thr": cfg["line_punct_thr"], "new_line_ratio": cfg["new_line_ratio"],
            "min_avg_word_length": cfg["min_avg_word_length"], "max_avg_word_length": cfg["max_avg_word_length"],
            "max_non_alpha_words_ratio": cfg["max_non_alpha_words_ratio"], "stopwords": cfg["stopwords"],
            "tokenizer": list(assignments[key].args),
        }
        assert [n for n, _ in cfg["top_n_grams"]] == [2, 3, 4] and [n for n, _ in cfg["dup_n_grams"]] == [5, 6, 7, 8, 9, 10]
        for k, v in want.items():
            if ours[k] != v:
                bad += 1
                print(f"MISMATCH {key}.{k}: tamis {ours[k]} config {v}")
    missing = collections.Counter(tuple(t["tokenizer"]) for t in table.values() if t["missing_tokenizer"])
    n_missing = sum(missing.values())
    print(f"thresholds: {len(table)} languages (every configs/*.yml) checked against the YAML files and datatrove's "
          f"tokenizer assignment, {bad} mismatches")
    print(f"tokenizers: {len(table) - n_missing} languages fully supported, {n_missing} not (config error naming the "
          f"tokenizer): " + ", ".join(f"{c}({a}) {n}" for (c, a), n in missing.most_common()))


def key_for(table: dict, code: str) -> str | None:
    """The preset's lookup: exact key, else the one key (or the default-script key) with that ISO 639-3/639-1 code."""
    code = ALIASES.get(code, code)
    if code in table:
        return code
    cands = [k for k, t in table.items() if k[:3] == code or t["iso639_1"] == code]
    if len(cands) == 1:
        return cands[0]
    defaults = [k for k in cands if table[k]["default_script"]]
    return defaults[0] if len(defaults) == 1 else None


def lingua_docs(path: str, lang: str) -> list[dict]:
    lines = [s.strip() for s in open(path, encoding="utf-8") if s.strip()]
    rng = random.Random(f"fineweb2-parity-{lang}")
    docs, i = [], 0
    for n in range(DOCS_PER_LANGUAGE):
        k = rng.randint(1, 30)
        sents = [lines[(i + j) % len(lines)] for j in range(k)]
        i += k
        if rng.random() < 0.2:  # a repeated sentence: the repetition rules
            s = rng.choice(sents)
            sents += [s] * rng.randint(1, 6)
            rng.shuffle(sents)
        text = sents[0]
        for s in sents[1:]:
            text += rng.choices(["\n", " ", "\n\n"], [0.6, 0.3, 0.1])[0] + s
        docs.append({"id": f"lingua-{lang}-{n}", "text": text})
    return docs


def main() -> None:
    data, configs, exe = sys.argv[1:4]
    corpus = sys.argv[4] if len(sys.argv) > 4 else None
    out = subprocess.run([exe, "fineweb2-table"], capture_output=True, text=True, check=True).stdout
    table = {r["key"]: r for r in map(json.loads, out.splitlines())}
    tsv = os.path.join(os.path.dirname(__file__), "../../crates/steps/data/fineweb2.tsv")
    for line in open(tsv, encoding="utf-8"):
        if not line.startswith("#"):
            f = line.split("\t")
            table[f[0]]["iso639_1"], table[f[0]]["default_script"] = f[1], f[2] == "1"
    check_table(table, configs)

    by_key: dict[str, list[dict]] = collections.defaultdict(list)
    skipped = {}
    lingua = os.path.join(data, "lingua-testdata", "sentences")
    for name in sorted(os.listdir(lingua)):
        lang = name[: -len(".txt")]
        key = key_for(table, lang)
        if key is None:
            skipped[lang] = "no FineWeb-2 configuration"
        elif table[key]["missing_tokenizer"]:
            skipped[f"{lang} ({key})"] = "{}({})".format(*table[key]["tokenizer"])
        else:
            by_key[key] += lingua_docs(os.path.join(lingua, name), lang)
    whatlang = os.path.join(data, "whatlang-examples")
    for name in sorted(os.listdir(whatlang)):
        if not name.endswith(".txt"):
            continue
        key = key_for(table, name[:3])
        if key and not table[key]["missing_tokenizer"]:
            by_key[key].append({"id": f"whatlang-{name[:3]}", "text": open(os.path.join(whatlang, name), encoding="utf-8").read()})
    daniel = os.path.join(data, "daniel-multilingual")
    for m in map(json.loads, open(os.path.join(daniel, "meta.jsonl"))):
        key = key_for(table, m["lang_iso639_1"])
        if key and not table[key]["missing_tokenizer"]:
            text = open(os.path.join(daniel, "truth", f"{m['id']}.txt"), encoding="utf-8").read()
            by_key[key].append({"id": f"daniel-{m['id']}", "text": text})
    if corpus:
        for d in map(json.loads, open(corpus)):
            key = key_for(table, d["lang"]) if d.get("lang") in {"fr", "de", "es", "it", "pt", "nl", "pl", "ru"} else None
            if key:
                by_key[key].append({"id": f"corpus-{d['id']}", "text": d["text"]})
    print("skipped (no FineWeb-2 config, or a tokenizer tamis lacks): " + ", ".join(f"{k}: {v}" for k, v in skipped.items()))

    agree = total = docs_agree = docs_total = 0
    scripts = collections.Counter()
    for key in sorted(by_key):
        sub = by_key[key]
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
        assert len(ours) == len(sub)
        drops = collections.Counter()
        lang_agree = lang_docs_agree = 0
        for d, o in zip(sub, ours):
            doc_ok = True
            for name, flt in filters.items():
                res = flt.filter(Document(text=d["text"], id=d["id"]))
                ref = "keep" if res is True else res[1]
                if ref != "keep":
                    drops[name] += 1
                total += 1
                if ref == o[name]:
                    agree += 1
                    lang_agree += 1
                else:
                    doc_ok = False
                    print(f"- {key} {d['id']} {name}: datatrove={ref} tamis={o[name]}")
            lang_docs_agree += doc_ok
        docs_agree += lang_docs_agree
        docs_total += len(sub)
        scripts[key.split("_")[1]] += 1
        tok = "{}({})".format(*table[key]["tokenizer"])
        print(f"{key:9} {tok:28} {len(sub):4} documents, {lang_docs_agree / len(sub):8.2%} documents equal, "
              f"{lang_agree}/{3 * len(sub)} decisions; datatrove drops: {dict(drops)}")
    print(f"languages: {len(by_key)} in {len(scripts)} scripts ({', '.join(f'{s} {n}' for s, n in scripts.most_common())})")
    print(f"documents: {docs_agree}/{docs_total} = {docs_agree / docs_total:.4%} with all three decisions equal")
    print(f"decisions: {agree}/{total} = {agree / total:.4%} agreement")


if __name__ == "__main__":
    main()
