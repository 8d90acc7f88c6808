"""Decision-level parity of tamis's `url_filter` with datatrove 0.10.1's `URLFilter`.

URLs: every `url` of the data sets' meta.jsonl, plus URLs built from a seeded sample of the block-listed
domains (bare, `www.`, other subdomain), of the block-listed URLs, and of URLs carrying banned, soft-banned
and sub-words, plus clean ones. tldextract runs offline on its bundled public-suffix snapshot, which tamis
is given as `public_suffix_list`, so both use the same list.

Needs tldextract and pyahocorasick (not in the shared venv): bench/.venv-url (see docs/quality.md).
Usage: bench/.venv-url/bin/python bench/quality/url_parity.py DATA_DIR LISTS_DIR TAMIS_BIN_DIR
  LISTS_DIR from bench/quality/extract_url_lists.py; TAMIS_BIN_DIR holds examples/url_decisions.
"""

import json
import os
import random
import subprocess
import sys

import tldextract

DATA, LISTS, BIN = sys.argv[1], sys.argv[2], sys.argv[3]
SNAPSHOT = os.path.join(os.path.dirname(tldextract.__file__), ".tld_set_snapshot")
# datatrove builds TLDExtract() with defaults; make it offline on the bundled snapshot.
_orig = tldextract.TLDExtract.__init__
tldextract.TLDExtract.__init__ = lambda self, *a, **k: _orig(self, suffix_list_urls=(), cache_dir=None)

from datatrove.data import Document  # noqa: E402
from datatrove.pipeline.filters.url_filter import URLFilter  # noqa: E402
import datatrove.pipeline.filters.url_filter as uf  # noqa: E402

uf.cached_assets_path = lambda **kw: LISTS
uf.safely_create_file = lambda path, fn: None


def urls() -> list[str]:
    rnd = random.Random(7)
    out = []
    for name in sorted(os.listdir(DATA)):
        meta = os.path.join(DATA, name, "meta.jsonl")
        if os.path.exists(meta):
            for line in open(meta):
                u = json.loads(line).get("url")
                if u:
                    out.append(u)
    domains = [d.strip() for d in open(os.path.join(LISTS, "domains")) if d.strip()]
    for d in rnd.sample(domains, 3000):
        out.append(f"https://{rnd.choice(['', 'www.', 'news.', 'a.b.'])}{d}/{rnd.choice(['', 'index.html', 'p?q=1'])}")
    block_urls = [u.strip() for u in open(os.path.join(LISTS, "urls")) if u.strip()]
    for u in rnd.sample(block_urls, 500):
        out.append(u)
        out.append("http://" + u)
    words = [w.strip() for w in open(os.path.join(LISTS, "banned_words.txt")) if w.strip() and not w.startswith("#")]
    soft = [w.strip() for w in open(os.path.join(LISTS, "soft_banned_words.txt")) if w.strip() and not w.startswith("#")]
    sub = [w.strip() for w in open(os.path.join(LISTS, "banned_subwords.txt")) if w.strip() and not w.startswith("#")]
    clean = ["news", "sport", "weather", "recipes", "garden", "travel", "science", "history", "music"]
    for _ in range(3000):
        parts = [rnd.choice(clean) for _ in range(rnd.randint(1, 3))]
        r = rnd.random()
        if r < 0.2:
            parts.append(rnd.choice(words))
        elif r < 0.4:
            parts += rnd.sample(soft, rnd.randint(1, 3))
        elif r < 0.55:
            parts.append(rnd.choice(clean) + rnd.choice(sub) + rnd.choice(clean))
        elif r < 0.6:
            parts.append(rnd.choice(words).upper())
        host = rnd.choice(["example.com", "www.example.co.uk", "blog.example.org", "192.168.1.10", "shop.example.com.au"])
        out.append(f"{rnd.choice(['http', 'https'])}://{host}/{'-'.join(parts)}{rnd.choice(['', '.html', '/', '?id=3'])}")
    return out


def main() -> None:
    all_urls = urls()
    flt = URLFilter()
    ref = []
    for u in all_urls:
        res = flt.filter(Document(text="", id="x", metadata={"url": u}))
        ref.append("keep" if res is True else res[1])
    inp = "\n".join(json.dumps({"url": u}) for u in all_urls) + "\n"
    cfg = json.dumps({"lists_dir": LISTS, "public_suffix_list": SNAPSHOT})
    p = subprocess.run([os.path.join(BIN, "examples", "url_decisions"), cfg], input=inp, capture_output=True, text=True, check=True)
    ours = [json.loads(line)["verdict"] for line in p.stdout.splitlines()]
    agree = sum(a == b for a, b in zip(ref, ours))
    from collections import Counter
    print(f"url_filter: {agree}/{len(ref)} = {agree / len(ref):.4%} agreement")
    print("reference decisions:", dict(Counter(ref)))
    for u, a, b in zip(all_urls, ref, ours):
        if a != b:
            print(f"- {u}: datatrove={a} tamis={b}")


if __name__ == "__main__":
    main()
