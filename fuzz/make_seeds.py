#!/usr/bin/env python3
"""Writes the fuzzing seeds into corpus/<target>/seed-*: WARC files, JSONL
files, HTTP blocks, fastText models and HTML pages, all made here (no data
set is copied). Run from fuzz/: `python3 make_seeds.py`. Deterministic; needs
the `zstd` command for the zstd-compressed seeds (skipped without it).

The warc and jsonl targets read their first byte as the storage (0 raw,
1 gzip, 2 zstd, 3 one gzip member per record), the rest as the file."""

import gzip
import os
import shutil
import struct
import subprocess
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CORPUS = os.path.join(HERE, "corpus")
RAW, GZIP, ZSTD, MEMBERS = 0, 1, 2, 3


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "seed-" + name), "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def zstd(data):
    if shutil.which("zstd") is None:
        return None
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, capture_output=True, check=True).stdout


# --- WARC -------------------------------------------------------------------

def record(kind, block, n=0, extra=b"", length=None, eol=b"\r\n"):
    length = len(block) if length is None else length
    head = [
        b"WARC/1.0",
        b"WARC-Type: " + kind,
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>" % n,
        b"WARC-Date: 2024-01-01T00:00:00Z",
        b"WARC-Target-URI: http://example.com/%d" % n,
        b"Content-Length: %d" % length,
    ]
    if extra:
        head.append(extra)
    return eol.join(head) + eol + eol + block + eol + eol


def http(body, headers=b"Content-Type: text/html; charset=utf-8", status=b"200 OK"):
    return b"HTTP/1.1 " + status + b"\r\n" + headers + b"\r\n\r\n" + body


def chunked(body, size=7):
    out = b""
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


PAGE = "<html><head><title>Café</title></head><body><p>Déjà vu — naïve façade.</p></body></html>"
RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю."
JAPANESE = "日本語のウェブページです。文字コードの検出を試します。"


def http_blocks():
    """HTTP response blocks of many shapes."""
    page = PAGE.encode()
    return {
        "utf8": http(page),
        "latin1": http(PAGE.encode("latin-1", "replace"), b"Content-Type: text/html; charset=ISO-8859-1"),
        "meta-1251": http(b'<html><head><meta charset="windows-1251"></head><p>' + RUSSIAN.encode("cp1251") + b"</p>",
                          b"Content-Type: text/html"),
        "meta-http-equiv": http(b'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis"><p>'
                                + JAPANESE.encode("shift_jis") + b"</p>", b"Content-Type: text/html"),
        "detect-gbk": http(("<p>" + "中文网页测试内容，这是一段很长的中文文本。" * 4 + "</p>").encode("gbk"),
                           b"Content-Type: text/html"),
        "bom-utf16": http(b"\xff\xfe" + "<p>UTF-16 page</p>".encode("utf-16-le"), b"Content-Type: text/html"),
        "bom-utf8": http(b"\xef\xbb\xbf" + page, b"Content-Type: text/html; charset=windows-1252"),
        "chunked": http(chunked(page), b"Content-Type: text/html\r\nTransfer-Encoding: chunked"),
        "chunked-ext": http(b"4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\n",
                            b"Transfer-Encoding: chunked\r\nContent-Type: text/plain"),
        "chunked-bad": http(b"zz\r\nnot chunked", b"Transfer-Encoding: chunked"),
        "gzip": http(gz(page), b"Content-Type: text/html\r\nContent-Encoding: gzip"),
        "gzip-chunked": http(chunked(gz(page), 16),
                             b"Content-Encoding: x-gzip\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html"),
        "deflate": http(zlib.compress(page), b"Content-Encoding: deflate\r\nContent-Type: text/html"),
        "gzip-bad": http(b"\x1f\x8b\x08\x00garbage", b"Content-Encoding: gzip"),
        "gzip-bomb": http(gz(b"\0" * (2 << 20)), b"Content-Encoding: gzip\r\nContent-Type: text/html"),
        "br": http(page, b"Content-Encoding: br"),
        "lf-only": b"HTTP/1.0 404 Not Found\nContent-Type: text/html;charset='utf-8'\n\n" + page,
        "no-body": b"HTTP/1.1 204 No Content\r\nServer: x\r\n",
        "status-only": b"HTTP/1.1 301",
        "folded": http(page, b"Content-Type: text/html;\r\n charset=utf-8\r\nX-Empty:\r\n: novalue"),
        "binary": http(bytes(range(256)), b"Content-Type: image/png"),
        "invalid-utf8": http(b"<p>\xff\xfe\xc3\x28 broken \xe2\x82</p>", b"Content-Type: text/html; charset=utf-8"),
        "unknown-charset": http(page, b"Content-Type: text/html; charset=x-nonsense"),
        "utf16-meta": http(b"<meta charset=utf-16>" + page, b"Content-Type: text/html"),
    }


def warc_files():
    blocks = http_blocks()
    responses = b"".join(record(b"response", block, i) for i, block in enumerate(blocks.values()))
    mixed = b"".join([
        record(b"warcinfo", b"software: tamis seeds\r\nformat: WARC File Format 1.0\r\n", 0,
               extra=b"Content-Type: application/warc-fields"),
        record(b"request", b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n", 1),
        record(b"response", blocks["utf8"], 2),
        record(b"metadata", b"fetchTimeMs: 12\r\n", 3),
        record(b"resource", "Plain text résumé".encode(), 4, extra=b"Content-Type: text/plain; charset=utf-8"),
        record(b"conversion", "WET text ünïcode".encode(), 5),
        record(b"revisit", b"", 6),
        record(b"response", b"20240101 example.com. A 1.2.3.4", 7),
    ])
    wet = b"".join(record(b"conversion", ("Line %d of a WET page. ß ø 中\n" % i).encode() * 3, i,
                          extra=b"WARC-Identified-Content-Language: eng,deu") for i in range(4))
    damaged = b"".join([
        b"junk before the first record\r\n",
        record(b"response", blocks["latin1"], 0),
        record(b"response", blocks["utf8"], 1, length=len(blocks["utf8"]) + 40),  # length too long
        record(b"response", blocks["chunked"], 2, length=10),  # length too short
        record(b"conversion", b"bad \xff utf-8", 3),
        b"WARC/1.0\r\nWARC-Type: response\r\n\r\nno length\r\n\r\n",
        b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 9999999\r\n\r\nclaims to be too large\r\n\r\n",
        b"WARC/1.0\r\nContent-Length: 2\r\n\r\nno type\r\n\r\n",
        record(b"resource", b"after the damage", 9),
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\nHTTP/1.1 200 OK\r\n\r\ntruncated",
    ])
    return {
        "responses": responses,
        "mixed": mixed,
        "mixed-lf": b"".join([record(b"resource", b"lf only", 0, eol=b"\n"),
                              record(b"conversion", b"text", 1, eol=b"\n")]),
        "wet": wet,
        "damaged": damaged,
        "empty": b"",
        "one-response": record(b"response", blocks["gzip-chunked"], 0),
        "bomb": record(b"response", blocks["gzip-bomb"], 0) + record(b"resource", b"next", 1),
        "folded-headers": b"WARC/1.0\r\nWARC-Type: resource\r\n  continued\r\nContent-Length: 3\r\n"
                          b"Content-Type: text/html;\r\n\tcharset=koi8-r\r\n\r\n\xf0\xf2\xe9\r\n\r\n",
    }


def split_records(data):
    starts = []
    at = data.find(b"WARC/1.")
    while at >= 0:
        starts.append(at)
        at = data.find(b"WARC/1.", at + 1)
    cuts = [0] + [s for s in starts if s > 0] + [len(data)]
    return [data[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]


def compressed_variants(target, name, data, split):
    """The four storages of the target's first byte, and compressed bytes fed
    raw (so that mutations reach inside gzip and zstd framing)."""
    write(target, name + "-plain", bytes([RAW]) + data)
    write(target, name + "-gzip", bytes([GZIP]) + data)
    write(target, name + "-zstd", bytes([ZSTD]) + data)
    write(target, name + "-members", bytes([MEMBERS]) + data)
    members = b"".join(gz(part) for part in split(data))
    write(target, name + "-raw-members", bytes([RAW]) + members)
    compressed = zstd(data)
    if compressed:
        write(target, name + "-raw-zstd", bytes([RAW]) + compressed)
        write(target, name + "-raw-zstd-cut", bytes([RAW]) + compressed[: len(compressed) // 2])
    if len(members) > 40:
        # A truncated last member, and a corrupt member in the middle.
        write(target, name + "-raw-members-cut", bytes([RAW]) + members[:-20])
        middle = len(members) // 2
        write(target, name + "-raw-members-corrupt",
              bytes([RAW]) + members[:middle] + b"\x1f\x8b\x08\0\xffcorrupt" + members[middle:])


def warc_seeds():
    for name, data in warc_files().items():
        if name in ("responses", "mixed", "damaged", "wet"):
            compressed_variants("warc", name, data, split_records)
        else:
            write("warc", name, bytes([RAW]) + data)
            write("warc", name + "-members", bytes([MEMBERS]) + data)


# --- JSONL ------------------------------------------------------------------

def jsonl_seeds():
    lines = [
        b'{"text": "Hello, world.", "id": "doc-1", "url": "https://example.com/", "metadata": {"lang": "en"}}',
        b'{"text": "Caf\\u00e9 \\ud83d\\ude00 d\xc3\xa9j\xc3\xa0", "id": 42, "score": 0.5, "tags": ["a", "b"]}',
        b'{"id": "no text"}',
        b'{"text": 7}',
        b'{"text": "url not a string", "url": 3, "id": null, "metadata": "flat"}',
        b'[1, 2, 3]',
        b'{"text": "unterminated',
        b'{"text": "invalid \xff utf-8"}',
        b'  ',
        b'{"text": "crlf line"}\r',
        b'{"text": "lone surrogate \\ud800"}',
        b'{"text": "nested", "metadata": {"a": {"b": [[[[{"c": 1e308}]]]]}}}',
        b'{"text": "dup", "text": "key"}',
        b'{"text": "big numbers", "id": 123456789012345678901234567890, "x": -0.0}',
    ]
    data = b"\n".join(lines) + b"\n"

    def split(d):
        return [line + b"\n" for line in d.split(b"\n") if line]

    compressed_variants("jsonl", "mixed", data, split)
    write("jsonl", "empty", bytes([RAW]))
    write("jsonl", "no-newline", bytes([RAW]) + b'{"text": "last line without newline"}')
    write("jsonl", "blank-lines", bytes([RAW]) + b"\n\n\r\n\t\n")


# --- HTTP -------------------------------------------------------------------

def http_seeds():
    for name, block in http_blocks().items():
        write("http", name, block)
    # For the charset half: a label length, the label, then the bytes.
    for label, text, codec in [
        (b"windows-1251", RUSSIAN, "cp1251"),
        (b"shift_jis", JAPANESE, "shift_jis"),
        (b"utf-16le", "UTF-16 text", "utf-16-le"),
        (b"gbk", "中文网页", "gbk"),
        (b"iso-2022-jp", JAPANESE, "iso2022_jp"),
        (b"latin1", "façade", "latin-1"),
        (b"x-user-defined", "abc", "latin-1"),
        (b"utf-8", "plain ascii", "ascii"),
    ]:
        write("http", "charset-" + label.decode(), bytes([len(label)]) + label + text.encode(codec))


# --- fastText ---------------------------------------------------------------

MAGIC = 793712314


def ft_model(loss=3, words=(b"</s>", b"chat", b"dort", b"dog"), labels=(b"__label__fr", b"__label__en"),
             dim=4, bucket=8, minn=2, maxn=3, word_ngrams=2, version=12, quantized=False, norms=True):
    out = struct.pack("<ii", MAGIC, version)
    # dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate t
    out += struct.pack("<12id", dim, 5, 5, 1, 5, word_ngrams, loss, 3, bucket, minn, maxn, 100, 1e-4)
    entries = [(w, 10 - i, 0) for i, w in enumerate(words)] + [(lab, 5 + i, 1) for i, lab in enumerate(labels)]
    prune = [(b, b % 3) for b in range(0, bucket, 2)] if quantized else []
    out += struct.pack("<iiiqq", len(entries), len(words), len(labels), 1000, len(prune) if quantized else -1)
    for word, count, kind in entries:
        out += word + b"\0" + struct.pack("<qB", count, kind)
    for pair in prune:
        out += struct.pack("<ii", *pair)

    def floats(n, seed):
        return b"".join(struct.pack("<f", ((i * 37 + seed) % 19 - 9) / 10.0) for i in range(n))

    def dense(rows, seed):
        return struct.pack("<qq", rows, dim) + floats(rows * dim, seed)

    def quant(rows, seed):
        subq = 2
        out = struct.pack("<B", 1 if norms else 0) + struct.pack("<qqi", rows, dim, rows * subq)
        out += bytes((r * 31 + m * 7 + seed) % 256 for r in range(rows) for m in range(subq))
        out += struct.pack("<iiii", dim, subq, dim // subq, dim - (subq - 1) * (dim // subq)) + floats(dim * 256, seed)
        if norms:
            out += bytes((r * 13 + seed) % 256 for r in range(rows))
            out += struct.pack("<iiii", 1, 1, 1, 1) + floats(256, seed + 1)
        return out

    if quantized:
        out += b"\1" + quant(len(words) + 3, 1) + b"\1" + quant(len(labels), 2)
    else:
        out += b"\0" + dense(len(words) + bucket, 1) + b"\0" + dense(len(labels), 2)
    return out


def fasttext_seeds():
    models = {
        "softmax": ft_model(),
        "hs": ft_model(loss=1, labels=(b"__label__a", b"__label__b", b"__label__c")),
        "ova": ft_model(loss=4),
        "ns": ft_model(loss=2, bucket=0),
        "v11": ft_model(version=11),
        "quantized": ft_model(quantized=True),
        "quantized-no-norms": ft_model(quantized=True, norms=False),
        "long-word": ft_model(words=(b"</s>", b"x" * 300), maxn=64, minn=1, word_ngrams=64),
    }
    for name, model in models.items():
        write("fasttext", name, model)
        write("fasttext", name + "-cut", model[: len(model) * 2 // 3])
    fixtures = os.path.join(REPO, "crates", "fasttext", "tests", "fixtures")
    for name in ["v11.bin", "ova.bin", "hs-quantized.ftz"]:
        with open(os.path.join(fixtures, name), "rb") as f:
            write("fasttext", "fixture-" + name, f.read())
    # The head of the built-in language model: its real header and dictionary.
    with open(os.path.join(REPO, "crates", "steps", "models", "lid.176.ftz"), "rb") as f:
        write("fasttext", "lid176-head", f.read(48 << 10))


# --- HTML (extract) -----------------------------------------------------------

def extract_seeds():
    pages = {
        "article": "<!doctype html><html><head><title>News</title><meta charset=utf-8></head><body>"
                   "<nav><a href=/>Home</a> | <a href=/a>About</a></nav><article><h1>Headline</h1>"
                   + "<p>Paragraph of real text about something, with <b>bold</b> and <a href=x>links</a>.</p>" * 12
                   + "</article><aside>Related: <ul><li>one<li>two</ul></aside><footer>© 2024</footer></body></html>",
        "table": "<table><tr><th>a<th>b<tr><td>1<td>2<tr><td colspan=2>wide</table><pre>  code\n  block</pre>",
        "scripts": "<script>var s = '</p>'; if (a < b) {}</script><style>p{}</style><noscript>ns</noscript>"
                   "<p>text<template><p>inside</template><svg><title>t</title></svg><math><mi>x</mi></math>",
        "nested": "<div>" * 300 + "deep" + "</div>" * 300 + "<div/>" * 200 + "<b><i>misnested</b></i>",
        "attrs": "<p " + " ".join("a%d='%d'" % (i, i) for i in range(300)) + ">many attributes</p>",
        "comment": "<p>before</p><!-- unclosed comment " + "x" * 2000,
        "entities": "<p>&amp; &lt; &#x1F600; &#0; &#xD800; &notanentity; &nbsp;&copy</p><br/><hr><img src=x alt=y>",
        "forms": "<form><input value=v><select><option>o</select><textarea>t</textarea><button>b</button></form>",
        "frameset": "<frameset><frame src=a></frameset><plaintext><p>rest is text",
        "binaryish": "\x00\x01\x02PNG\x1a\n" + "".join(chr(i) for i in range(1, 256)),
        "lists": "<h2>Title</h2><ol><li>first<li>second<ol><li>inner</ol></ol><dl><dt>t<dd>d</dl><blockquote>q</blockquote>",
    }
    for name, page in pages.items():
        write("extract", name + ".html", page.encode("utf-8", "surrogatepass"))


def main():
    warc_seeds()
    jsonl_seeds()
    http_seeds()
    fasttext_seeds()
    extract_seeds()


if __name__ == "__main__":
    main()
