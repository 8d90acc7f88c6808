"""Build the quality-parity corpus: JSONL {"id", "lang", "text", "url"} from the `truth/` texts of the
extraction data sets (one document per page) and, for languages those sets lack (fr, de, es, it, pt, nl),
documents made of consecutive lingua-testdata sentences.

Usage: python bench/quality/corpus.py DATA_DIR OUT.jsonl   (DATA_DIR = ../shared/data)
"""

import json
import os
import sys

TRUTH_SETS = ["cleaneval", "cleanportaleval", "dragnet", "readability-testpages", "scrapinghub-aeb", "daniel-multilingual"]
LINGUA_LANGS = ["fr", "de", "es", "it", "pt", "nl", "ru", "pl"]
LINES_PER_DOC = 40


def main() -> None:
    data, out_path = sys.argv[1], sys.argv[2]
    n = 0
    with open(out_path, "w") as out:
        for name in TRUTH_SETS:
            meta = {}
            meta_path = os.path.join(data, name, "meta.jsonl")
            if os.path.exists(meta_path):
                for line in open(meta_path):
                    m = json.loads(line)
                    meta[m["id"]] = m
            truth = os.path.join(data, name, "truth")
            if not os.path.isdir(truth):
                continue
            for fn in sorted(os.listdir(truth)):
                doc_id = fn[: -len(".txt")]
                text = open(os.path.join(truth, fn), encoding="utf-8", errors="replace").read()
                m = meta.get(doc_id, {})
                lang = m.get("lang_iso639_1") or (m.get("expected_metadata") or {}).get("lang") or "en"
                url = m.get("url") or f"https://{name}.example/{doc_id}"
                out.write(json.dumps({"id": f"{name}/{doc_id}", "lang": lang[:2].lower(), "text": text, "url": url}, ensure_ascii=False) + "\n")
                n += 1
        for lang in LINGUA_LANGS:
            path = os.path.join(data, "lingua-testdata", "sentences", f"{lang}.txt")
            if not os.path.exists(path):
                continue
            lines = open(path, encoding="utf-8").read().splitlines()
            for k in range(0, len(lines), LINES_PER_DOC):
                chunk = lines[k : k + LINES_PER_DOC]
                # alternate one-paragraph-per-line and running text so both shapes are exercised
                text = ("\n" if (k // LINES_PER_DOC) % 2 == 0 else " ").join(chunk)
                out.write(json.dumps({"id": f"lingua/{lang}/{k}", "lang": lang, "text": text, "url": f"https://lingua.example/{lang}/{k}"}, ensure_ascii=False) + "\n")
                n += 1
    print(f"{n} documents -> {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
