#!/usr/bin/env python3
"""GPT-2 token counts: tamis against Hugging Face `tokenizers` (and tiktoken), for parity and for speed.

datatrove's `TokensCounter` counts `len(Tokenizer.from_pretrained("gpt2").encode(text).ids)`. The Hub cannot
be reached here, so the reference `gpt2` tokenizer is rebuilt offline from GPT-2's byte-pair ranks (tiktoken's
`r50k_base`, the copy tamis embeds: crates/tokens/assets/r50k_base.tiktoken, sha256-checked) exactly as
Hugging Face's `gpt2` tokenizer.json describes it: no normalizer, `ByteLevel(add_prefix_space=False)`
pre-tokenizer, a `BPE` model over byte-level symbols whose merges are the tokens in rank order (each token's
merge is the last join of byte-pair encoding its own bytes with the lower-ranked tokens), `<|endoftext|>` as
the one added special token (id 50256), `ByteLevel` post-processor and decoder. It is written to
bench/work/tokens/gpt2-tokenizer.json. tiktoken is built from the same ranks.

    python3 bench/tokens.py setup              # bench/.venv-tokens with tokenizers and tiktoken (pinned)
    bench/.venv-tokens/bin/python bench/tokens.py parity ../shared/data [--html]
    bench/.venv-tokens/bin/python bench/tokens.py speed ../shared/data [--runs 3] [--every 4]
    bench/.venv-tokens/bin/python bench/tokens.py fixture   # rewrites crates/steps/tests/fixtures/token_count.jsonl
    bench/.venv-tokens/bin/python bench/tokens.py codepoints  # every code point, through `tamis run`

`parity` counts every document with the reference and with tamis (the `count_tokens` example of
crates/tokens, and the `token_count` step through `tamis run` when target/release/tamis exists) and exits 1
on any difference. Documents: every `*/truth/*.txt` of the data sets (extracted web text: cleaneval,
dragnet, daniel-multilingual (en/zh/pl/el/ru), wcxb-dev…), every line and every whole file of lingua's test
data (75 languages), whatlang's examples (69 languages); `--html` adds every HTML page (decoded as UTF-8,
errors replaced): markup, scripts, odd whitespace. `speed` times the token counting of the same texts
(without `--html`) on one core (`taskset -c 0`), best of `--runs`: tamis, `tokenizers` with `encode_batch`
(datatrove's call, batches of 10,000) and one `encode` per document, tiktoken's `encode_ordinary_batch`
(one thread) and `encode_ordinary`; docs/s and MB/s (10^6 bytes of UTF-8 text) -> bench/work/tokens/speed.json.
"""
import argparse
import base64
import gzip
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "tokens"
RANKS = ROOT / "crates" / "tokens" / "assets" / "r50k_base.tiktoken"
RANKS_SHA256 = "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"
FIXTURE = ROOT / "crates" / "steps" / "tests" / "fixtures" / "token_count.jsonl"
VENV = ROOT / "bench" / ".venv-tokens"
REQUIREMENTS = ["tokenizers==0.23.3", "tiktoken==0.14.0"]
PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
EOT = "<|endoftext|>"


def load_ranks():
    data = RANKS.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != RANKS_SHA256:
        sys.exit(f"{RANKS}: sha256 {digest}, expected {RANKS_SHA256}")
    ranks = {}
    for line in data.decode().splitlines():
        token, rank = line.split()
        ranks[base64.b64decode(token)] = int(rank)
    return ranks


def bytes_to_unicode():
    """GPT-2's byte -> symbol table (encoder.py; Hugging Face's ByteLevel)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def last_merge(ranks, token, below):
    """Byte-pair encodes `token` with the tokens ranked below `below`; returns the two parts left."""
    parts = [token[i:i + 1] for i in range(len(token))]
    while len(parts) > 1:
        best, at = None, None
        for i in range(len(parts) - 1):
            rank = ranks.get(parts[i] + parts[i + 1])
            if rank is not None and rank < below and (best is None or rank < best):
                best, at = rank, i
        if best is None:
            break
        parts[at:at + 2] = [parts[at] + parts[at + 1]]
    return parts


def reference_tokenizer(ranks):
    """Hugging Face's `gpt2` tokenizer, rebuilt from the ranks (see the module docstring)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    b2u = bytes_to_unicode()
    sym = lambda b: "".join(b2u[x] for x in b)  # noqa: E731
    vocab = {sym(t): r for t, r in ranks.items()}
    vocab[EOT] = len(ranks)
    merges = []
    for token, rank in sorted(ranks.items(), key=lambda kv: kv[1]):
        if len(token) == 1:
            continue
        parts = last_merge(ranks, token, rank)
        if len(parts) != 2:
            sys.exit(f"token {rank} {token!r} is not one merge of lower-ranked tokens: {parts}")
        merges.append((sym(parts[0]), sym(parts[1])))
    assert len(merges) == 50000, len(merges)
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens([AddedToken(EOT, special=True, normalized=True)])
    assert tokenizer.token_to_id(EOT) == 50256
    WORK.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(WORK / "gpt2-tokenizer.json"))
    return tokenizer


def tiktoken_encoding(ranks):
    import tiktoken

    return tiktoken.Encoding(name="r50k_base", pat_str=PATTERN, mergeable_ranks=ranks,
                             special_tokens={EOT: 50256})


def documents(data_dir, html=False):
    """(id, text) of every document of the test set (see the module docstring)."""
    data = pathlib.Path(data_dir)
    docs = []

    def read(path):
        return path.read_bytes().decode("utf-8", errors="replace")

    for path in sorted(data.glob("*/truth/*.txt")):
        docs.append((f"{path.parent.parent.name}/{path.name}", read(path)))
    for path in sorted(data.glob("lingua-testdata/*/*.txt")):
        text = read(path)
        name = f"lingua/{path.parent.name}/{path.name}"
        docs.append((name, text))
        for n, line in enumerate(text.split("\n")):
            if line:
                docs.append((f"{name}:{n + 1}", line))
    for path in sorted(data.glob("whatlang-examples/*.txt")):
        docs.append((f"whatlang/{path.name}", read(path)))
    if html:
        for path in sorted(data.glob("*/html/*.html.gz")):
            docs.append((f"{path.parent.parent.name}/{path.name}", gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")))
    if not docs:
        sys.exit(f"{data}: no documents (expected */truth/*.txt, lingua-testdata/, whatlang-examples/)")
    return docs


def write_jsonl(docs, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for doc_id, text in docs:
            out.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")


def cargo_example():
    """Builds crates/tokens' count_tokens example (release) and returns its path."""
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "tamis-tokens", "--example", "count_tokens"],
                   cwd=ROOT, check=True)
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "release" / "examples" / "count_tokens"


def tamis_counts(docs_path, runs=1, pin=False):
    counts_path = WORK / "tamis-counts.txt"
    cmd = [str(cargo_example()), str(docs_path), "--runs", str(runs), "--counts", str(counts_path)]
    if pin:
        cmd = ["taskset", "-c", "0"] + cmd
    result = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    counts = [int(line) for line in counts_path.read_text().split()]
    return counts, result


def tamis_step_counts(binary, docs_path):
    """Counts through the real step: `tamis run` with `token_count`, JSONL in and out."""
    out = WORK / "run"
    subprocess.run(["rm", "-rf", str(out)], check=True)
    pipeline = WORK / "pipeline.yaml"
    pipeline.write_text(json.dumps({
        "input": {"paths": [str(docs_path)], "format": "jsonl"},
        "output": {"path": str(out), "format": "jsonl"},
        "steps": [{"token_count": {}}],
    }))
    subprocess.run([str(binary), "run", str(pipeline), "--quiet"], check=True, cwd=ROOT)
    counts = {}
    for part in sorted(out.glob("*.jsonl")):
        for line in part.open(encoding="utf-8"):
            doc = json.loads(line)
            counts[doc["id"]] = doc["metadata"]["token_count"]
    return counts


def parity(args):
    ranks = load_ranks()
    docs = documents(args.data, html=args.html)
    texts = [text for _, text in docs]
    total_bytes = sum(len(t.encode()) for t in texts)
    print(f"{len(docs):,} documents, {total_bytes / 1e6:.1f} MB")
    docs_path = WORK / ("docs-html.jsonl" if args.html else "docs.jsonl")
    write_jsonl(docs, docs_path)

    # The reference counts are kept beside the documents, keyed by their hash and the library
    # versions: re-checking tamis after a change skips recounting with tokenizers (minutes).
    from importlib.metadata import version

    key = hashlib.sha256(docs_path.read_bytes()).hexdigest() + f" tokenizers {version('tokenizers')} tiktoken {version('tiktoken')}"
    cache = docs_path.with_suffix(".reference.json")
    cached = json.loads(cache.read_text()) if cache.exists() else {}
    if cached.get("key") == key:
        reference, tiktoken_counts = cached["tokenizers"], cached["tiktoken"]
        print(f"reference counts from {cache} (same documents and versions)")
    else:
        hf = reference_tokenizer(ranks)
        reference = [len(e.ids) for e in hf.encode_batch(texts)]
        enc = tiktoken_encoding(ranks)
        tiktoken_counts = [len(ids) for ids in enc.encode_batch(texts, allowed_special="all")]
        cache.write_text(json.dumps({"key": key, "tokenizers": reference, "tiktoken": tiktoken_counts}))
    ours, _ = tamis_counts(docs_path)

    report = {"documents": len(docs), "bytes": total_bytes, "tokens": sum(reference), "html": args.html}
    failed = False
    for name, counts in [("tiktoken", tiktoken_counts), ("tamis count_tokens", ours)]:
        diff = [i for i, (a, b) in enumerate(zip(reference, counts)) if a != b]
        if len(counts) != len(reference):
            diff.append(-1)
        report[name] = {"matching": len(docs) - len(diff), "differing": len(diff)}
        print(f"{name}: {len(docs) - len(diff):,} / {len(docs):,} documents match Hugging Face tokenizers")
        for i in diff[:10]:
            print(f"  {docs[i][0]}: reference {reference[i]}, {name} {counts[i] if i >= 0 else 'missing'}")
        failed |= bool(diff) and name != "tiktoken"
    binary = pathlib.Path(args.tamis)
    if binary.exists():
        step = tamis_step_counts(binary, docs_path)
        diff = [doc_id for (doc_id, _), ref in zip(docs, reference) if step.get(doc_id) != ref]
        report["tamis run token_count"] = {"matching": len(docs) - len(diff), "differing": len(diff)}
        print(f"tamis run (token_count step): {len(docs) - len(diff):,} / {len(docs):,} documents match")
        for doc_id in diff[:10]:
            print(f"  {doc_id}: step {step.get(doc_id)}")
        failed |= bool(diff)
    else:
        print(f"{binary} not found: the step through `tamis run` not checked (cargo build --release)")
    (WORK / ("parity-html.json" if args.html else "parity.json")).write_text(json.dumps(report, indent=2))
    sys.exit(1 if failed else 0)


def codepoints(args):
    """Every code point above ASCII (surrogates aside) in one probe text each, between letters, digits,
    punctuation and spaces, counted by the reference and by the `token_count` step: a character whose class
    (letter, number, space, other) tamis saw differently from tokenizers' Oniguruma would cut differently."""
    docs = []
    for cp in range(0x80, 0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        c = chr(cp)
        docs.append((f"U+{cp:04X}", f"a{c}a 1{c}1 !{c}! {c}x{c} {c}"))
    docs_path = WORK / "codepoints.jsonl"
    write_jsonl(docs, docs_path)
    hf = reference_tokenizer(load_ranks())
    reference = [len(e.ids) for e in hf.encode_batch([text for _, text in docs])]
    step = tamis_step_counts(pathlib.Path(args.tamis), docs_path)
    diff = [doc_id for (doc_id, _), ref in zip(docs, reference) if step.get(doc_id) != ref]
    print(f"{len(docs) - len(diff):,} / {len(docs):,} code points: same count as tokenizers", diff[:20])
    sys.exit(1 if diff else 0)


def best_of(runs, fn):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def speed(args):
    if os.sched_getaffinity(0) != {0}:
        # One core for every tool: re-run pinned, with the Rust thread pools at one thread.
        env = dict(os.environ, RAYON_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
        os.execvpe("taskset", ["taskset", "-c", "0", sys.executable] + sys.argv, env)
    ranks = load_ranks()
    docs = documents(args.data)[::args.every]
    texts = [text for _, text in docs]
    total_bytes = sum(len(t.encode()) for t in texts)
    docs_path = WORK / f"docs-every{args.every}.jsonl"
    write_jsonl(docs, docs_path)
    hf = reference_tokenizer(ranks)
    enc = tiktoken_encoding(ranks)

    def hf_batch():
        for i in range(0, len(texts), 10_000):
            [len(e.ids) for e in hf.encode_batch(texts[i:i + 10_000])]

    def hf_single():
        for text in texts:
            len(hf.encode(text).ids)

    def tiktoken_batch():
        for i in range(0, len(texts), 10_000):
            [len(ids) for ids in enc.encode_ordinary_batch(texts[i:i + 10_000], num_threads=1)]

    def tiktoken_single():
        for text in texts:
            len(enc.encode_ordinary(text))

    rows = {}
    _, result = tamis_counts(docs_path, runs=args.runs)  # already pinned: this process is
    rows["tamis (Rust, count)"] = result["seconds"]
    for name, fn in [("tokenizers encode_batch", hf_batch), ("tokenizers encode", hf_single),
                     ("tiktoken encode_ordinary_batch", tiktoken_batch), ("tiktoken encode_ordinary", tiktoken_single)]:
        rows[name] = best_of(args.runs, fn)
    from importlib.metadata import version

    report = {"documents": len(docs), "bytes": total_bytes, "runs": args.runs,
              "versions": {p: version(p) for p in ["tokenizers", "tiktoken"]}, "tools": {}}
    base = rows["tokenizers encode_batch"]
    print(f"{len(docs):,} documents, {total_bytes / 1e6:.1f} MB, one core, best of {args.runs}")
    print(f"{'tool':34} {'seconds':>8} {'docs/s':>10} {'MB/s':>7} {'vs encode_batch':>16}")
    for name, seconds in rows.items():
        report["tools"][name] = {"seconds": seconds, "docs_per_s": len(docs) / seconds,
                                 "mb_per_s": total_bytes / 1e6 / seconds, "speedup_vs_encode_batch": base / seconds}
        print(f"{name:34} {seconds:8.2f} {len(docs) / seconds:10,.0f} {total_bytes / 1e6 / seconds:7.1f} "
              f"{base / seconds:15.2f}x")
    (WORK / "speed.json").write_text(json.dumps(report, indent=2))


def fixture_texts():
    """The CI fixture's texts, written for it: the cases where a tokenizer most easily goes wrong."""
    texts = [
        "",
        "Hello world",
        "Hello, world! How are you today?",
        # Contractions: GPT-2's are lower-case only.
        "I don't know, you're right, we'll see, they've gone, I'm here, she'd go, it's done.",
        "DON'T SHOUT, YOU'RE LOUD. Rock 'n' roll. 'Quoted' words, ''double'' quotes, it''s.",
        "l'homme qu'il aime, dell'arte, O'Neill's pub, rock’n’roll with a curly ’s",
        # Whitespace runs.
        "two  spaces, three   spaces,\ttab,\t\ttwo tabs, trailing   ",
        "   leading spaces",
        "line one\nline two\n\nafter a blank line\n\n\n\nfour newlines",
        "windows\r\nline\r\n\r\nends",
        "mixed \n \t \r\n  whitespace\u00a0nbsp\u00a0\u00a0two nbsp\u2009thin\u3000ideographic\u3000\u3000",
        "\u0085next line\u2028line sep\u2029para sep\u000bvt\u000cff",
        " ",
        "\n",
        "\n\n\n",
        "        ",
        # Numbers.
        "1 12 123 1234 12345 123456789012345678901234567890",
        "3.14159, 1,234,567.89, -42, +7, 1e-10, 0x1F, 50%, $100, €20, 10:30, 2024-06-01",
        "½ ¾ ² ³ ¹ Ⅻ ⅷ ① ⑳ ٠١٢٣٤٥٦٧٨٩ ०१२३ 一二三 ๑๒๓",
        # Long words and long pieces.
        "a" * 1000,
        "Pneumonoultramicroscopicsilicovolcanoconiosis " * 3,
        "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft",
        "!" * 300 + "?" * 7,
        "https://example.org/a/very/long/path/with-dashes_and_underscores/index.html?q=1&lang=fr#section",
        "user.name+tag@example.co.uk, <a href=\"/x\">link</a>, {\"json\": [1, 2, 3]}",
        "def f(x):\n    return x ** 2  # comment\n\n\tif x != 0:\n\t\tpass\n",
        # Languages.
        "Le conseil municipal s'est réuni mardi soir pour discuter du budget des bibliothèques.",
        "Der schnelle braune Fuchs springt über den faulen Hund. Straße, Größe, Äpfel.",
        "El niño comió paella en la playa. ¿Dónde está la biblioteca? ¡Olé!",
        "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        "Γαζέες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ στὸ χρυσαφὶ ξέφωτο.",
        "我们今天去北京大学参观。中华人民共和国成立于一九四九年，首都是北京。" * 4,
        "東京都に住んでいます。ひらがなとカタカナ、そして漢字を使います。ｶﾀｶﾅ（半角）",
        "대한민국의 수도는 서울입니다. 한국어 문장을 토큰화합니다.",
        "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำในประโยคเดียวกัน",
        "العربية لغة جميلة، وهي تُكتب من اليمين إلى اليسار. ١٢٣",
        "עברית נכתבת מימין לשמאל, עם ניקוד: שָׁלוֹם",
        "हिन्दी भारत की एक भाषा है। नमस्ते दुनिया",
        "বাংলা ভাষা, தமிழ் மொழி, తెలుగు భాష, ಕನ್ನಡ, മലയാളം, ગુજરાતી, ਪੰਜਾਬੀ",
        "ქართული ენა, Հայերեն լեզու, አማርኛ ቋንቋ, ᏣᎳᎩ, ᠮᠣᠩᠭᠣᠯ",
        "Tiếng Việt có dấu: người, được, những, Nguyễn",
        "Kiswahili ni lugha ya Afrika Mashariki. Yorùbá: Ẹ kú àárọ̀.",
        # Combining marks, decomposed text, zero-width and format characters.
        "cafe\u0301 nai\u0308ve re\u0301sume\u0301 (decomposed) vs café naïve résumé",
        "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom\u00adsoft\u2060wj",
        "\u180emongolian vowel separator\u180e",
        "control\x00chars\x01\x07\x1b[31mred\x1b[0m\x7f",
        "\ue000\uf8ff private use \U000f0000",
        # Emoji.
        "I love it 👍👍🏽👍🏿 😂😂😂 🎉",
        "👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 🇫🇷🇯🇵 flags, ❤️ heart, #️⃣ keycap",
        "emoji😀without🙃spaces",
        # The special token, which Hugging Face's tokenizer finds in the text.
        "<|endoftext|>",
        "before<|endoftext|>after <|endoftext|> spaced <|endoftext|><|endoftext|>",
        "<|endoftext| almost <|endoftext>",
        # Letters and digits of recent Unicode versions (15.0-16.0).
        "\U00011f04\U00011f05 Kawi, \U0001e4d0\U0001e4d1 Nag Mundari, \U00010d4a\U00010d4b Garay, \U000105c0 Todhri",
        "\U0001e4f0\U0001e4f1 \U00016d70\U00016d71 \U0001ccf0\U0001ccf1 new digits",
        # Mixed.
        "Ünïcödé  text\t\twith 日本語の文章 and emoji 👍🏽 x'll  \r\n end   ",
    ]
    return texts


def fixture(args):
    ranks = load_ranks()
    hf = reference_tokenizer(ranks)
    from importlib.metadata import version

    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    with open(FIXTURE, "w", encoding="utf-8") as out:
        for text in fixture_texts():
            ids = hf.encode(text).ids
            out.write(json.dumps({"text": text, "token_count": len(ids), "ids": ids}, ensure_ascii=True) + "\n")
    print(f"wrote {FIXTURE} ({len(fixture_texts())} texts; tokenizers {version('tokenizers')})")


def setup(_args):
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"] + REQUIREMENTS,
                   check=True)
    print(f"{VENV}: {' '.join(REQUIREMENTS)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup").set_defaults(fn=setup)
    p = sub.add_parser("parity")
    p.add_argument("data", help="the shared data directory (../shared/data)")
    p.add_argument("--html", action="store_true", help="also every HTML page of the extraction sets")
    p.add_argument("--tamis", default=str(ROOT / "target" / "release" / "tamis"))
    p.set_defaults(fn=parity)
    p = sub.add_parser("speed")
    p.add_argument("data")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--every", type=int, default=1, help="time every N-th document only (the same mix, N times fewer)")
    p.set_defaults(fn=speed)
    sub.add_parser("fixture").set_defaults(fn=fixture)
    p = sub.add_parser("codepoints")
    p.add_argument("--tamis", default=str(ROOT / "target" / "release" / "tamis"))
    p.set_defaults(fn=codepoints)
    args = parser.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
