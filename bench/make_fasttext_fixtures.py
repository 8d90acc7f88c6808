#!/usr/bin/env python3
"""Writes small random fastText models in every variant of the format, and records the reference
implementation's predictions for them (fasttext-predict 0.9.2.4), for crates/fasttext/tests/parity.rs.

The models are random, not trained: what is tested is that tamis reads each format variant and computes
exactly what fastText computes from it (dense .bin; quantized .ftz with norm quantization, an uneven last
sub-quantizer, a quantized output matrix and a pruned dictionary; softmax, hierarchical softmax and
one-vs-all losses; word n-grams; character n-grams; version-11 models without subwords).

    bench/.venv/bin/python bench/make_fasttext_fixtures.py crates/fasttext/tests/fixtures

Run once; the outputs are committed. The texts are crates/fasttext/tests/fixtures/texts.txt (written for
this purpose).
"""
import json
import pathlib
import struct
import sys

import numpy as np

import fasttext  # fasttext-predict

MAGIC, VERSION = 793712314, 12
LOSS = {"hs": 1, "ns": 2, "softmax": 3, "ova": 4}


def fnv(word: bytes) -> int:
    h = 2166136261
    for b in word:
        h ^= (b - 256 if b >= 128 else b) & 0xFFFFFFFF
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def pq_bytes(rng, dim, dsub):
    nsubq = (dim + dsub - 1) // dsub
    lastdsub = dim - (nsubq - 1) * dsub
    centroids = rng.normal(0, 0.5, dim * 256).astype("<f4")
    return nsubq, struct.pack("<4i", dim, nsubq, dsub, lastdsub) + centroids.tobytes()


def quant_matrix(rng, m, n, dsub, qnorm):
    nsubq, pq = pq_bytes(rng, n, dsub)
    codes = rng.integers(0, 256, m * nsubq, dtype=np.uint8)
    out = struct.pack("<?qqi", qnorm, m, n, len(codes)) + codes.tobytes() + pq
    if qnorm:
        norms = rng.integers(0, 256, m, dtype=np.uint8).tobytes()
        centroids = rng.uniform(0.2, 2.0, 256).astype("<f4")
        out += norms + struct.pack("<4i", 1, 1, 1, 1) + centroids.tobytes()
    return out


def dense(rng, m, n, scale):
    return struct.pack("<qq", m, n) + rng.normal(0, scale, (m, n)).astype("<f4").tobytes()


def model(path, rng, words, labels, *, loss, dim, word_ngrams, minn, maxn, bucket, version=VERSION,
          quant=False, qout=False, qnorm=False, dsub=2, prune=None):
    out = struct.pack("<ii", MAGIC, version)
    out += struct.pack("<12i", dim, 5, 5, 1, 5, word_ngrams, LOSS[loss], 3, bucket, minn, maxn, 100)
    out += struct.pack("<d", 1e-4)
    entries = [(w, 100 - i, 0) for i, w in enumerate(words)]
    # Label counts decreasing, with a tie, which the hierarchical-softmax tree must break like fastText.
    counts = [50, 30, 30, 12, 7, 3, 1][: len(labels)]
    entries += [(f"__label__{l}", c, 1) for l, c in zip(labels, counts)]
    out += struct.pack("<iiiqq", len(entries), len(words), len(labels), 10000, -1 if prune is None else len(prune))
    for word, count, kind in entries:
        out += word.encode() + b"\0" + struct.pack("<qb", count, kind)
    rows = len(words) + bucket
    if prune is not None:
        for i, (src, dst) in enumerate(prune):
            out += struct.pack("<ii", src, dst)
        rows = len(words) + len(prune)
    out += struct.pack("<?", quant)
    out += quant_matrix(rng, rows, dim, dsub, qnorm) if quant else dense(rng, rows, dim, 0.3)
    out += struct.pack("<?", qout)
    out += quant_matrix(rng, len(labels), dim, dsub, qnorm) if quant and qout else dense(rng, len(labels), dim, 0.5)
    path.write_bytes(out)


def main():
    folder = pathlib.Path(sys.argv[1])
    texts = [t for t in (folder / "texts.txt").read_bytes().decode("utf-8").split("\n") if t]
    freq = {}
    for t in texts:
        for w in t.split():
            freq[w] = freq.get(w, 0) + 1
    words = ["</s>"] + [w for w, _ in sorted(freq.items(), key=lambda x: (-x[1], x[0]))[:80]]
    labels = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]
    rng = np.random.default_rng(20261125)
    variants = {
        "softmax.bin": dict(loss="softmax", dim=10, word_ngrams=2, minn=2, maxn=4, bucket=3000),
        "hs.bin": dict(loss="hs", dim=8, word_ngrams=3, minn=3, maxn=6, bucket=2000),
        "ova.bin": dict(loss="ova", dim=6, word_ngrams=1, minn=1, maxn=3, bucket=1000),
        "v11.bin": dict(loss="softmax", dim=6, word_ngrams=2, minn=3, maxn=6, bucket=500, version=11),
        "hs-quantized.ftz": dict(loss="hs", dim=12, word_ngrams=2, minn=2, maxn=5, bucket=4000,
                                 quant=True, qout=False, qnorm=True, dsub=5),
        "softmax-pruned.ftz": dict(loss="softmax", dim=9, word_ngrams=2, minn=2, maxn=4, bucket=5000,
                                   quant=True, qout=True, qnorm=True, dsub=2,
                                   prune=[(int(b), i) for i, b in enumerate(
                                       sorted(rng.choice(5000, 1500, replace=False)))]),
    }
    for name, kw in variants.items():
        path = folder / name
        n_labels = 2 if kw["loss"] == "ova" else 7
        model(path, rng, words, labels[:n_labels], **kw)
        ft = fasttext.load_model(str(path))
        with open(folder / (name + ".expected.jsonl"), "w", encoding="utf-8") as f:
            for t in texts:
                got_labels, probs = ft.predict(t, k=-1)
                # repr of the float32 value as a double: exact.
                f.write(json.dumps({"labels": list(got_labels), "probabilities": [float(p) for p in probs]}) + "\n")
        print(name, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
