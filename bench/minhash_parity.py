"""Records datatrove 0.10.1's MinHash signatures for generated texts: the parity fixture.

    bench/.venv/bin/python bench/minhash_parity.py crates/dedup/tests/fixtures/minhash_parity.jsonl

The texts are generated here from word lists written for this script (no external data): English prose
with contractions, numbers, units, URLs and symbols, accented French/German/Spanish, Greek, Cyrillic,
Arabic digits, CJK, emoji, control characters and odd whitespace, short texts below the n-gram size.
Each line holds one (text, configuration) with what datatrove computes: the normalised text
(`simplify_text`), the words of its English word tokenizer (spaCy), and the signature (or null when the
text has too few words). `crates/dedup/tests/parity.rs` checks tamis against every line.
"""

import json
import random
import sys

import dt_import  # noqa: F401  (stubs `tokenizers`)
from dt_import import HashConfig, MinhashConfig, MinhashDedupSignature, simplify_text

CONFIGS = {
    "default": MinhashConfig(),
    "sha1": MinhashConfig(hash_config=HashConfig(precision=64, hash_fc="sha1")),
    "xxhash32": MinhashConfig(hash_config=HashConfig(precision=32, hash_fc="xxhash")),
    "small": MinhashConfig(n_grams=3, num_buckets=4, hashes_per_bucket=5, seed=42),
}

WORDS = (
    "the a river town market morning evening people children teacher library bridge garden winter summer "
    "walked opened closed carried painted quietly slowly again never always because although while after "
    "before under over between within report council budget museum harbour station railway festival "
    "weather forecast storm sunlight shadow mountain valley village street window kitchen letter story"
).split()
FOREIGN = (
    "élève café naïve déjà-vu garçon Straße Übermut größer mañana niño acción ΑΘΗΝΑ καλημέρα Москва "
    "привет ŉ ﬁ Ǆemal İstanbul ΣΟΦΟΣ οδός ĳssel"
).split()
ODD = [
    "cannot", "don't", "won't", "I'm", "you're", "gonna", "wanna", "let's", "it's", "3rd", "10km", "5€",
    "£20", "°C", "×", "±", "‘quoted’", "§3", "a—b", "a–b", "®", "™", "…", "😀", "http://example.com/x?y=1",
    "www.example.org", "e.g.", "U.S.", "#tag", "@user", "1,234,567.89", "٣٤٥", "１２", "3.14", "2024-05-01",
    "50%", "$9.99", "C++", "x86_64", "e-mail", "co-op", "O'Neill", "rock'n'roll", "5:30pm", "¿qué?", "¡sí!",
    "東京タワー", "北京大学", "한국어", "«guillemets»", "„Zitat“", "\u00a0", "\u2009", "\u3000", "\t", "\x0b",
    "\x1c", "\u200b", "a\u0301", "n\u0303", "\u037e", "ς", "Σ",
]


def sentence(rng: random.Random) -> str:
    pool = WORDS * 4 + FOREIGN + ODD
    words = [rng.choice(pool) for _ in range(rng.randint(3, 18))]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", "!", "?", ";", "", "...", " :)"])


def text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.08:  # fewer words than an n-gram, or nothing
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 4)))
    paragraphs = []
    for _ in range(rng.randint(1, 4)):
        paragraphs.append(" ".join(sentence(rng) for _ in range(rng.randint(1, 5))))
    separator = rng.choice(["\n\n", "\n", "\r\n", "  \n \t"])
    return separator.join(paragraphs)


def main() -> None:
    out_path = sys.argv[1]
    rng = random.Random(20260601)
    texts = [text(rng) for _ in range(400)]
    stages = {name: MinhashDedupSignature(output_folder="/tmp/unused-minhash-parity", config=c) for name, c in CONFIGS.items()}
    tokenizer = stages["default"].word_tokenizer
    with open(out_path, "w", encoding="utf-8") as out:
        for i, t in enumerate(texts):
            normalized = simplify_text(t)
            words = tokenizer.word_tokenize(normalized)
            name = list(CONFIGS)[i % len(CONFIGS)] if i >= 100 else "default"
            stage = stages[name]
            shingles = stage.get_shingles(t)
            signature = None
            if shingles.size:
                signature = [h for bucket in stage.get_signature(shingles) for h in bucket]
            out.write(
                json.dumps(
                    {"config": name, "text": t, "normalized": normalized, "words": words, "signature": signature},
                    ensure_ascii=False,
                )
                + "\n"
            )


if __name__ == "__main__":
    main()
