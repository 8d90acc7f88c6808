"""Decision-level parity of tamis's quality steps with datatrove 0.10.1's filters.

Each filter runs on each document's original text, independently, with datatrove's defaults
(language en, as FineWeb runs them). C4 quality's rewritten text is compared too. C4 bad words
uses the local LDNOOBW lists (datatrove's downloads are redirected to them), each document in its
own language (`lang` of the corpus, as metadata `language`).

Usage: python bench/quality/filter_parity.py CORPUS.jsonl TAMIS_DECISIONS.jsonl [LDNOOBW_DIR] > report.md
where TAMIS_DECISIONS comes from
`cargo run --release -p tamis-steps --example quality_decisions decisions BADWORDS_DIR < CORPUS.jsonl`
and BADWORDS_DIR holds one list per language (`en` from LDNOOBW 25e679f, others from 5faf2ba).
Also writes the reference decisions to CORPUS.datatrove.jsonl (cache; delete to recompute).
"""

import json
import os
import sys
from collections import Counter, defaultdict

from datatrove.data import Document
from datatrove.pipeline.filters import (
    C4BadWordsFilter,
    C4ParagraphFilter,
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
)
import datatrove.pipeline.filters.c4_filters as c4_filters

FILTERS = ["gopher_repetition", "gopher_quality", "c4_quality", "c4_paragraph", "fineweb_quality", "c4_badwords"]


def reference(corpus: str, badwords_dir: str | None) -> dict:
    cache = corpus + ".datatrove.jsonl"
    if os.path.exists(cache):
        return {r["id"]: r for r in map(json.loads, open(cache))}
    if badwords_dir:
        c4_filters.cached_asset_path_or_download = lambda url, **kw: os.path.join(badwords_dir, url.rsplit("/", 1)[1])
    filters = {
        "gopher_repetition": GopherRepetitionFilter(),
        "gopher_quality": GopherQualityFilter(),
        "c4_quality": C4QualityFilter(),
        "c4_paragraph": C4ParagraphFilter(),
        "fineweb_quality": FineWebQualityFilter(),
    }
    if badwords_dir:
        filters["c4_badwords"] = C4BadWordsFilter(fail_on_missing_language=False)
    out = {}
    with open(cache, "w") as f:
        for line in open(corpus):
            d = json.loads(line)
            rec = {"id": d["id"]}
            for name, flt in filters.items():
                doc = Document(text=d["text"], id=d["id"], metadata={"url": d.get("url"), "language": d.get("lang", "en")})
                try:
                    res = flt.filter(doc)
                except Exception as e:  # datatrove raises where tamis drops with a reason
                    rec[name] = f"EXCEPTION {type(e).__name__}"
                    continue
                keep, reason = (res, None) if not isinstance(res, tuple) else res
                rec[name] = "keep" if keep else (reason or "drop")
                if name == "c4_quality" and keep:
                    rec["c4_quality_text"] = doc.text
            out[d["id"]] = rec
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out


def main() -> None:
    corpus, ours_path = sys.argv[1], sys.argv[2]
    badwords_dir = sys.argv[3] if len(sys.argv) > 3 else None
    ref = reference(corpus, badwords_dir)
    ours = {r["id"]: r for r in map(json.loads, open(ours_path))}
    print(f"{len(ref)} documents\n")
    print("| filter | agreement | docs | disagreements | reference drops |")
    print("|---|---|---|---|---|")
    details = defaultdict(list)
    confusion = {}
    for name in FILTERS:
        pairs = [(ref[i][name], ours[i][name]) for i in ref if name in ref[i] and name in ours.get(i, {})]
        if not pairs:
            continue
        agree = sum(a == b for a, b in pairs)
        text_diff = 0
        if name == "c4_quality":
            for i in ref:
                if ref[i].get(name) == "keep" and ours[i].get(name) == "keep" and ref[i]["c4_quality_text"] != ours[i]["c4_quality_text"]:
                    text_diff += 1
                    details[name].append((i, "rewritten text differs"))
        for i in ref:
            if name in ref[i] and ref[i][name] != ours[i].get(name):
                details[name].append((i, f"datatrove={ref[i][name]} tamis={ours[i].get(name)}"))
        confusion[name] = Counter((a if a == "keep" else "drop", b if b == "keep" else "drop") for a, b in pairs)
        drops = sum(a != "keep" for a, _ in pairs)
        extra = f" (+{text_diff} rewritten-text differences)" if name == "c4_quality" else ""
        print(f"| {name} | {agree / len(pairs):.4%} | {len(pairs)} | {len(pairs) - agree}{extra} | {drops} |")
    print("\nConfusion (datatrove → tamis): keep→keep / keep→drop / drop→keep / drop→drop")
    for name, c in confusion.items():
        print(f"- {name}: {c[('keep', 'keep')]} / {c[('keep', 'drop')]} / {c[('drop', 'keep')]} / {c[('drop', 'drop')]}")
    print("\nDisagreements:")
    for name, rows in details.items():
        for i, msg in rows:
            print(f"- {name} {i}: {msg}")


if __name__ == "__main__":
    main()
