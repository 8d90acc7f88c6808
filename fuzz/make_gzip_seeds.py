#!/usr/bin/env python3
"""Seeds for the gzip member reader (crates/read/src/compression/gzip.rs, whole_member.rs).

Writes corpus/<target>/seed-gz-* for `warc` and `jsonl`, first byte 0 (the targets' raw
storage), so the fuzzer sees the gzip framing itself: bad CRC and length fields, header
checksums and optional fields, truncation, garbage between and after members, stored blocks,
and members around the reader's output room (1 MiB at first, 4 MiB at most); and gzip
content-coding seeds for `http`. See docs/hardening.md."""
import os, struct, zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT = 1, 2, 4, 8, 16


def write(target, name, data):
    os.makedirs(os.path.join(OUT, target), exist_ok=True)
    with open(os.path.join(OUT, target, "seed-gz-" + name), "wb") as f:
        f.write(b"\x00" + data)


def write_plain(target, name, data):
    with open(os.path.join(OUT, target, "seed-gz-" + name), "wb") as f:
        f.write(data)


def deflate(data, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 9)
    return c.compress(data) + c.flush()


def member(data, flags=0, extra=b"", name=b"", comment=b"", hcrc_delta=0, crc_delta=0, isize_delta=0,
           level=9, xfl=0, os_=255):
    head = bytearray(b"\x1f\x8b\x08" + bytes([flags]) + b"\0\0\0\0" + bytes([xfl, os_]))
    if flags & FEXTRA:
        head += struct.pack("<H", len(extra)) + extra
    if flags & FNAME:
        head += name + b"\0"
    if flags & FCOMMENT:
        head += comment + b"\0"
    if flags & FHCRC:
        head += struct.pack("<H", (zlib.crc32(bytes(head)) + hcrc_delta) & 0xFFFF)
    crc = (zlib.crc32(data) + crc_delta) & 0xFFFFFFFF
    return bytes(head) + deflate(data, level) + struct.pack("<II", crc, (len(data) + isize_delta) & 0xFFFFFFFF)


def record(kind, block, n=0):
    head = b"\r\n".join([
        b"WARC/1.0", b"WARC-Type: " + kind,
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>" % n,
        b"WARC-Target-URI: http://example.com/%d" % n,
        b"Content-Length: %d" % len(block)])
    return head + b"\r\n\r\n" + block + b"\r\n\r\n"


def http(body):
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body


recs = [record(b"response", http(b"<p>page %d</p>" % i), i) if i % 2 else
        record(b"resource", b"text %d" % i, i) for i in range(6)]
lines = [b'{"text": "line %d", "id": %d}\n' % (i, i) for i in range(6)]

for target, parts in (("warc", recs), ("jsonl", lines)):
    good = [member(p) for p in parts]
    w = lambda name, data: write(target, name, data)
    w("all-good", b"".join(good))
    w("bad-crc", b"".join(good[:2] + [member(parts[2], crc_delta=1)] + good[3:]))
    w("bad-isize", b"".join(good[:2] + [member(parts[2], isize_delta=1)] + good[3:]))
    w("hcrc-ok", b"".join(good[:1] + [member(parts[1], FHCRC | FNAME, name=b"a.warc")] + good[2:]))
    w("hcrc-bad", b"".join(good[:1] + [member(parts[1], FHCRC, hcrc_delta=1)] + good[2:]))
    w("header-fields", b"".join([
        member(parts[0], FEXTRA, extra=b"ab\x04\x00WXYZ"),
        member(parts[1], FNAME, name=b"file.warc"),
        member(parts[2], FCOMMENT, comment=b"a comment"),
        member(parts[3], FEXTRA | FNAME | FCOMMENT | FTEXT, extra=b"\x00" * 7, name=b"n", comment=b"c"),
        member(parts[4], FEXTRA | FNAME | FCOMMENT | FHCRC, extra=b"zz\x00\x00", name=b"n", comment=b"c"),
        good[5]]))
    # FEXTRA whose length runs past the member / the file.
    w("fextra-long", b"".join(good[:1]) + member(parts[1], FEXTRA, extra=b"x" * 4)[:10] + b"\xff\x7f" + b"x" * 20 + b"".join(good[2:]))
    w("reserved-flag", b"".join(good[:1] + [member(parts[1], 0x20)] + good[2:]))
    w("fname-unterminated", b"".join(good[:1]) + b"\x1f\x8b\x08\x08\0\0\0\0\0\xffnever-ending" * 3)
    w("truncated-last", b"".join(good)[:-5])
    w("truncated-middle", b"".join(good[:2]) + good[2][: len(good[2]) // 2] + b"".join(good[3:]))
    w("header-only", b"".join(good[:3]) + b"\x1f\x8b\x08\x00")
    w("magic-only", b"".join(good[:3]) + b"\x1f\x8b")
    w("trailing-garbage", b"".join(good) + b"garbage after the last member\x1f\x8b\x08")
    w("trailing-zeros", b"".join(good) + b"\0" * 512)
    w("garbage-between", b"".join(g + b"JUNK\x1f" for g in good))
    w("empty-members", b"".join(member(b"") + g for g in good) + member(b""))
    w("stored-blocks", b"".join(member(p, level=0) for p in parts))
    w("method-not-deflate", b"".join(good[:2]) + b"\x1f\x8b\x07" + good[2][3:] + b"".join(good[3:]))
    # A record split over two members (not at record starts).
    whole = b"".join(parts)
    w("split-mid-record", member(whole[:50]) + member(whole[50:200]) + member(whole[200:]))
    # Sizes around the output room: 1 MiB first, grows 4x, at most 4 MiB.
    pad = lambda n: (b"a" * n)
    if target == "warc":
        big = lambda n, i: record(b"resource", pad(n), i)
    else:
        big = lambda n, i: b'{"text": "' + pad(n) + b'"}\n'
    w("room-1m-exact", member(big((1 << 20) - 200, 0)[: 1 << 20].ljust(1 << 20, b"a")) + good[0])
    w("room-3m", good[0] + member(big(3 << 20, 1)) + good[1])
    w("room-4m-plus", good[0] + member(big((4 << 20) + 10, 1)) + good[1])
    w("room-4m-exact", good[0] + member(pad(4 << 20)) + good[1])
    w("room-5m-bad-crc", good[0] + member(big(5 << 20, 1), crc_delta=7) + good[1])
    w("room-3m-truncated", good[0] + member(big(3 << 20, 1))[:-100])
    w("room-3m-isize-lies", good[0] + member(big(3 << 20, 1), isize_delta=-(3 << 20)) + good[1])
    w("single-member-whole", member(whole))
    w("single-member-whole-fhcrc", member(whole, FHCRC | FNAME | FEXTRA, extra=b"\x01\x02", name=b"x"))

# http target: the block is plain (the gzip reader is not reached); add
# content-coding seeds with header fields and damage for flate2's MultiGzDecoder.
for name, body, enc in (
        ("http-gzip-fields", member(b"<p>hi</p>", FHCRC | FNAME | FEXTRA, extra=b"ab\x00\x00", name=b"p"), b"gzip"),
        ("http-gzip-bad-crc", member(b"<p>hi</p>", crc_delta=1), b"gzip"),
        ("http-gzip-two", member(b"<p>one</p>") + member(b"<p>two</p>"), b"gzip"),
        ("http-gzip-trailing", member(b"<p>one</p>") + b"garbage", b"gzip"),
        ("http-gzip-truncated", member(b"<p>" + b"x" * 500 + b"</p>")[:-12], b"gzip")):
    write_plain("http", name[5:], b"HTTP/1.1 200 OK\r\nContent-Encoding: " + enc + b"\r\nContent-Type: text/html\r\n\r\n" + body)
