#!/usr/bin/env python3
"""Generate the benchmark inputs in bench/work/ (never committed).

- bench.warc.gz: Common-Crawl-like WARC, one gzip member per record: a warcinfo record, then for every
  page a request / response / metadata triple. Response bodies are the real HTML pages found under
  ../shared/data/*/html/*.html.gz (deterministic order: sha1 of the relative path), up to
  --max-pages pages (default 2,500, ~200 MB of HTML). Headers follow CC's layout (WARC-Concurrent-To,
  WARC-Payload-Digest in sha1 base32, WARC-Identified-Payload-Type, ...).
- bench.warc: the same records, uncompressed (the concatenation of the decompressed members).
- bench.jsonl.zst: --docs documents (default 200,000) shaped like FineWeb rows (id, text, url, dump,
  date, language, language_score, token_count), text 2-5 KB taken as windows of lines from the plain-text
  files under ../shared/data (truth/ folders; lingua sentences grouped by language). zstd level 3.
- inputs.json: counts and sizes, read by the benchmark scripts.

Why: the benchmarks need inputs of realistic size and shape that anyone can rebuild from shared data.
"""
import argparse
import base64
import datetime as dt
import glob
import gzip
import hashlib
import io
import json
import os
import random
import uuid
from urllib.parse import urlsplit

import zstandard

DATA = os.environ.get("TAMIS_DATA", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data"))
WORK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "work")
T0 = dt.datetime(2024, 5, 18, 0, 0, 0)


def sha1_b32(b):
    return "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()


def record(wtype, headers, block):
    head = [b"WARC/1.0", b"WARC-Type: " + wtype.encode()]
    head += [f"{k}: {v}".encode() for k, v in headers]
    head += [b"Content-Length: " + str(len(block)).encode()]
    return b"\r\n".join(head) + b"\r\n\r\n" + block + b"\r\n\r\n"


def rid():
    return f"<urn:uuid:{uuid.UUID(int=RNG.getrandbits(128), version=4)}>"


def pages(max_pages, skip=0):
    files = glob.glob(f"{DATA}/*/html/*.html.gz")
    files.sort(key=lambda p: hashlib.sha1(os.path.relpath(p, DATA).encode()).hexdigest())
    meta = {}
    for m in glob.glob(f"{DATA}/*/meta.jsonl"):
        ds = m.split("/")[-2]
        for line in open(m, encoding="utf-8"):
            r = json.loads(line)
            meta[(ds, r["id"])] = r
    for p in files[skip:skip + max_pages]:
        ds, name = p.split("/")[-3], os.path.basename(p)[: -len(".html.gz")]
        m = meta.get((ds, name), {})
        url = (m.get("url") or "").strip().replace(" ", "%20")
        if not url.startswith("http"):
            url = f"https://{ds}.example.org/{name}"
        yield url, m.get("declared_charset"), gzip.open(p).read()


def make_warc(max_pages, out_gz, out_plain, skip=0):
    n_rec = n_resp = html_bytes = 0
    with open(out_gz, "wb") as fz, open(out_plain, "wb") as fp:
        def emit(rec):
            nonlocal n_rec
            fp.write(rec)
            fz.write(gzip.compress(rec, compresslevel=6, mtime=0))
            n_rec += 1

        info_id = rid()
        info = (b"isPartOf: CC-MAIN-2024-22\r\npublisher: tamis bench (synthetic)\r\n"
                b"format: WARC File Format 1.1\r\nsoftware: tamis bench/make_inputs.py\r\n")
        emit(record("warcinfo", [("WARC-Date", T0.isoformat() + "Z"), ("WARC-Filename", "bench.warc.gz"),
                                 ("WARC-Record-ID", info_id), ("Content-Type", "application/warc-fields")], info))
        for i, (url, charset, html) in enumerate(pages(max_pages, skip)):
            date = (T0 + dt.timedelta(seconds=7 * i)).isoformat() + "Z"
            u = urlsplit(url)
            host, path = u.netloc, (u.path or "/") + (f"?{u.query}" if u.query else "")
            ip = f"10.{i % 250}.{(i // 250) % 250}.{i % 7 + 1}"
            req_id, resp_id = rid(), rid()
            req = (f"GET {path} HTTP/1.1\r\n"
                   f"User-Agent: CCBot/2.0 (https://commoncrawl.org/faq/)\r\nAccept: text/html,"
                   f"application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Language: en-US,en;q=0.5\r\n"
                   f"Accept-Encoding: br,gzip\r\nHost: {host}\r\nConnection: Keep-Alive\r\n\r\n").encode()
            emit(record("request", [("WARC-Date", date), ("WARC-Record-ID", req_id),
                                    ("Content-Type", "application/http; msgtype=request"),
                                    ("WARC-Warcinfo-ID", info_id), ("WARC-IP-Address", ip),
                                    ("WARC-Target-URI", url)], req))
            ctype = f"text/html; charset={charset}" if charset else "text/html"
            http = (f"HTTP/1.1 200 OK\r\nDate: {date}\r\nServer: Apache\r\nContent-Type: {ctype}\r\n"
                    f"X-Crawler-Content-Encoding: gzip\r\nContent-Length: {len(html)}\r\n\r\n").encode()
            block = http + html
            emit(record("response", [("WARC-Date", date), ("WARC-Record-ID", resp_id),
                                     ("Content-Type", "application/http; msgtype=response"),
                                     ("WARC-Warcinfo-ID", info_id), ("WARC-Concurrent-To", req_id),
                                     ("WARC-IP-Address", ip), ("WARC-Target-URI", url),
                                     ("WARC-Payload-Digest", sha1_b32(html)), ("WARC-Block-Digest", sha1_b32(block)),
                                     ("WARC-Identified-Payload-Type", "text/html")], block))
            md = (f"fetchTimeMs: {50 + i % 900}\r\ncharset-detected: {charset or 'UTF-8'}\r\n"
                  f'languages-cld2: {{"reliable":true,"text-bytes":{len(html) // 4},"languages":[]}}\r\n').encode()
            emit(record("metadata", [("WARC-Date", date), ("WARC-Record-ID", rid()),
                                     ("Content-Type", "application/warc-fields"), ("WARC-Warcinfo-ID", info_id),
                                     ("WARC-Concurrent-To", resp_id), ("WARC-Target-URI", url)], md))
            n_resp += 1
            html_bytes += len(html)
    return {"records": n_rec, "responses": n_resp, "html_bytes": html_bytes,
            "warc_gz_bytes": os.path.getsize(out_gz), "warc_bytes": os.path.getsize(out_plain)}


def text_sources():
    """Lists of lines: one per truth file, plus lingua sentences grouped ~20 per paragraph, per language."""
    srcs = []
    for p in sorted(glob.glob(f"{DATA}/*/truth/*.txt")):
        lines = [l for l in open(p, encoding="utf-8", errors="replace").read().splitlines() if l.strip()]
        if lines:
            srcs.append(lines)
    for p in sorted(glob.glob(f"{DATA}/lingua-testdata/sentences/*.txt")):
        s = [l.strip() for l in open(p, encoding="utf-8") if l.strip()]
        srcs.append([" ".join(s[i:i + 5]) for i in range(0, len(s), 5)])
    return srcs


def make_jsonl(n_docs, out):
    srcs = text_sources()
    weights = [sum(map(len, s)) for s in srcs]
    langs = ["en"] * 6 + ["de", "fr", "es", "ru", "zh", "pl", "el", "it", "pt", "ja"]
    raw = 0
    cctx = zstandard.ZstdCompressor(level=3)
    with open(out, "wb") as f, cctx.stream_writer(f) as w:
        for i in range(n_docs):
            target = RNG.randint(2000, 5000)
            si = RNG.choices(range(len(srcs)), weights)[0]
            j = RNG.randrange(len(srcs[si]))
            parts, size = [], 0
            while size < target:  # window of lines, continuing into the next source when one runs out
                line = srcs[si][j]
                parts.append(line)
                size += len(line.encode()) + 1
                j += 1
                if j == len(srcs[si]):
                    si, j = (si + 1) % len(srcs), 0
            text = "\n".join(parts)
            lang = RNG.choice(langs)
            doc = {"text": text, "id": f"<urn:uuid:{uuid.UUID(int=RNG.getrandbits(128), version=4)}>",
                   "dump": "CC-MAIN-2024-22", "url": f"https://www.site{RNG.randrange(50000)}.example/{lang}/page/{i}",
                   "date": (T0 + dt.timedelta(seconds=i)).isoformat() + "Z",
                   "file_path": f"s3://commoncrawl/crawl-data/CC-MAIN-2024-22/segments/{i // 1000}/warc/x.warc.gz",
                   "language": lang, "language_score": round(RNG.uniform(0.65, 1.0), 4),
                   "token_count": len(text.split())}
            line = (json.dumps(doc, ensure_ascii=False) + "\n").encode()
            raw += len(line)
            w.write(line)
    return {"docs": n_docs, "jsonl_bytes": raw, "jsonl_zst_bytes": os.path.getsize(out)}


def first_documents(source, n, folder):
    """The first `n` lines of the JSONL.zst `source` (bench.jsonl.zst), written once as plain
    `folder/docs.jsonl`, whose path is returned; the benchmarks that need a corpus of a given
    size share this."""
    path = os.path.join(folder, "docs.jsonl")
    if os.path.exists(path):
        return path
    os.makedirs(folder, exist_ok=True)
    with open(source, "rb") as raw, open(path + ".tmp", "w") as out:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(raw), encoding="utf-8")
        for i, line in enumerate(reader):
            if i == n:
                break
            out.write(line)
    os.rename(path + ".tmp", path)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--max-pages", type=int, default=2500)
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--force", action="store_true", help="rebuild even if the inputs exist")
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    manifest = os.path.join(WORK, "inputs.json")
    if os.path.exists(manifest) and not a.force:
        print(f"inputs exist ({manifest}); use --force to rebuild")
        print(open(manifest).read())
        return
    global RNG
    RNG = random.Random(20240601)
    info = {"warc": make_warc(a.max_pages, f"{WORK}/bench.warc.gz", f"{WORK}/bench.warc")}
    print("warc:", info["warc"], flush=True)
    info["jsonl"] = make_jsonl(a.docs, f"{WORK}/bench.jsonl.zst")
    print("jsonl:", info["jsonl"])
    json.dump(info, open(manifest, "w"), indent=1)


if __name__ == "__main__":
    main()
