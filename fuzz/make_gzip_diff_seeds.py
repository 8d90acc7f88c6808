#!/usr/bin/env python3
"""Seeds for the `gzip_diff` target (fuzz/fuzz_targets/gzip_diff.rs).

Writes corpus/gzip_diff/seed-*. An input is: a member count byte (its top three bits set: one payload may be large); per member a spec
byte (bits 0-1 the level: none, fast, default, best; bits 2-4 the form: plain, with
name and comment, with an extra field, with a header CRC, the bytes as the member, the
bytes as deflate data; bits 5-7 all set: the payload repeated past 1.5 or 4 MiB), a
little-endian u16 length and the payload; a damage count byte and per damage five
bytes (kind, member, u16 position, value: 0 flip a byte, 1 cut, 2 junk before,
3 header flags, 4 flip in the trailer, 5 duplicate, 6 zero padding at the end,
7 lose the first bytes); then a u16 read schedule and a byte whose top two bits set
make the source return `Interrupted` now and then. See docs/hardening.md."""
import os, struct, zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "gzip_diff")
PLAIN, NAMED, EXTRA, HCRC, VERBATIM, RAW = 0, 3, 4, 5, 6, 7
NONE, FAST, DEFAULT, BEST = 0, 1, 2, 3
(FLIP, CUT, JUNK, FLAGS, TRAILER, DUP, PAD, LOSE) = range(8)


def spec(form, level=DEFAULT, big=None):
    s = (form << 2) | level
    if big is not None:  # 0: past 1.5 MiB, 1: past 4 MiB (bit 2 is also the form's low bit)
        s = 0xE0 | (s & 0x1B) | (4 if big else 0)
    return s


def seed(members, damages=(), schedule=0, interrupt=0):
    big = any(s >> 5 == 7 for s, _ in members)
    out = bytearray([len(members) - 1 | (0xE0 if big else 0)])
    for s, payload in members:
        out += bytes([s]) + struct.pack("<H", len(payload)) + payload
    out.append(len(damages))
    for kind, target, pos, value in damages:
        out += bytes([kind, target]) + struct.pack("<H", pos) + bytes([value])
    out += struct.pack("<H", schedule) + bytes([interrupt])
    return bytes(out)


def gzip_member(data):
    c = zlib.compressobj(6, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


def raw_deflate(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def text(i, n=200):
    line = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: %d\r\n\r\nrecord %d " % (n, i)
    return (line * (1 + n // len(line)))[:n]


def noise(n, seed=1):
    x, out = seed * 2654435761 & 0xFFFFFFFF, bytearray()
    for _ in range(n):
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        out.append(x & 0xFF)
    return bytes(out)


MAGIC = b"\x1f\x8b\x08"
three = [(spec(PLAIN), text(0)), (spec(PLAIN, FAST), text(1, 900)), (spec(PLAIN, BEST), text(2, 3000))]
forms = [(spec(f, l), text(i, 300 + 97 * i)) for i, (f, l) in
         enumerate([(PLAIN, DEFAULT), (NAMED, FAST), (EXTRA, BEST), (HCRC, DEFAULT), (PLAIN, NONE), (HCRC, NONE)])]
with_magic = (spec(PLAIN, NONE), b"stored: " + MAGIC + b"\x00\x00\x00\x00\x00\x00\xff" + noise(300, 5) + MAGIC * 3)
seeds = {
    "three": seed(three),
    "forms": seed(forms),
    "empty-payloads": seed([(spec(PLAIN), b""), (spec(NAMED), b""), (spec(PLAIN), text(4)), (spec(HCRC), b"")]),
    "bad-crc": seed(three, [(TRAILER, 1, 7, 1)]),
    "bad-isize": seed(three, [(TRAILER, 0, 2, 0x40)]),
    "flip-data": seed(three, [(FLIP, 1, 40, 0x10)]),
    "flip-header": seed(three, [(FLIP, 1, 0, 0xff)]),
    "flip-method": seed(three, [(FLIP, 1, 2, 0x01)]),
    "junk-crlf": seed(three, [(JUNK, 1, 0x0a0d, 1)]),
    "junk-long": seed(three, [(JUNK, 2, 0x4142, 20)]),
    "junk-fake-magic": seed(three, [(JUNK, 1, 0x8b1f, 3)]),
    "cut-last": seed(three, [(CUT, 2, 30, 0)]),
    "cut-middle": seed(three, [(CUT, 1, 25, 0)]),
    "cut-header": seed(three, [(CUT, 1, 5, 0)]),
    "fname-flag": seed(three, [(FLAGS, 0, 0, 0x08)]),
    "reserved-flag": seed(three, [(FLAGS, 1, 0, 0x20)]),
    "extra-flag": seed(three, [(FLAGS, 1, 0, 0x04)]),
    "hcrc-flag": seed(three, [(FLAGS, 1, 0, 0x02)]),
    "dup-pad": seed(three, [(DUP, 1, 0, 0), (PAD, 0, 0, 7)]),
    "lose-first": seed(three, [(LOSE, 1, 0, 0)]),
    "two-damages": seed(forms, [(TRAILER, 1, 3, 4), (FLIP, 3, 100, 0x80)]),
    "stored-false-magic": seed([(spec(PLAIN), text(0)), with_magic, (spec(PLAIN), text(1))], [(TRAILER, 1, 0, 1)]),
    "stored-false-magic-flip": seed([(spec(PLAIN), text(0)), with_magic, (spec(PLAIN), text(1))], [(FLIP, 1, 12, 4)]),
    "verbatim-member": seed([(spec(VERBATIM), gzip_member(text(7, 500))), (spec(PLAIN), text(8))]),
    "verbatim-two": seed([(spec(VERBATIM), gzip_member(b"a") + gzip_member(b"b")), (spec(PLAIN), b"c")]),
    "raw-deflate": seed([(spec(RAW), raw_deflate(text(9, 2000))), (spec(PLAIN), text(1))]),
    "raw-deflate-stored": seed([(spec(RAW), raw_deflate(noise(700), 0)), (spec(PLAIN), text(1))]),
    "raw-fixed": seed([(spec(RAW), bytes([0x4b, 0x4c, 0x4a, 0x06, 0x00])), (spec(PLAIN), text(1))]),
    "incompressible": seed([(spec(PLAIN, BEST), noise(4000, 2)), (spec(NAMED, FAST), noise(3000, 3))], [(FLIP, 0, 2000, 0x55)]),
    "big-room-grows": seed([(spec(PLAIN, FAST, big=0), text(3, 1000)), (spec(PLAIN), text(4))]),
    "big-streamed": seed([(spec(PLAIN, FAST, big=1), text(5, 1000)), (spec(PLAIN), text(6))], [(TRAILER, 0, 0, 1)]),
    "cut-reads": seed(forms, [(TRAILER, 2, 5, 0x21)], schedule=0x1234),
    "cut-reads-2": seed(three, [(JUNK, 2, 0x2020, 5)], schedule=0xbeef),
    "interrupted": seed(forms, schedule=0x0101, interrupt=0xc3),
    "interrupted-bad": seed(three, [(TRAILER, 1, 0, 1)], schedule=0x7777, interrupt=0xc0),
}

os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(OUT, "seed-" + name), "wb") as f:
        f.write(data)
print(len(seeds), "seeds in", OUT, "largest", max(map(len, seeds.values())), "bytes")
