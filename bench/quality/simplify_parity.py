"""tamis_text::normalize::simplify_text vs datatrove 0.10.1's simplify_text (MinHash's normalisation).

Usage: python bench/quality/simplify_parity.py CORPUS.jsonl TAMIS_OUT.jsonl
TAMIS_OUT from `tokenize_jsonl --simplify < CORPUS.jsonl`.
"""

import json
import sys

from datatrove.utils.text import simplify_text

ours = {r["id"]: r["simplified"] for r in map(json.loads, open(sys.argv[2]))}
n = same = 0
for d in map(json.loads, open(sys.argv[1])):
    n += 1
    ref = simplify_text(d["text"])
    if ref == ours[d["id"]]:
        same += 1
    else:
        a, b = ref, ours[d["id"]]
        i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
        print(f"- {d['id']}: datatrove {a[max(0, i - 30):i + 30]!r} tamis {b[max(0, i - 30):i + 30]!r}")
print(f"simplify_text: {same}/{n} documents identical")
