"""Generate the committed CI fixture for the quality steps: documents written here to hit every rule
of every filter and the tokenizer's edge cases, with datatrove 0.10.1's decisions recorded once.

Usage: python bench/quality/make_fixture.py crates/steps/tests/data/quality_fixture.jsonl
Writes one line per document: {"id", "text", "lang", "expected": {filter: "keep" | reason},
"c4_quality_text"?}. C4 bad words uses the self-written list in crates/steps/tests/data/badwords/.
"""

import json
import os
import random
import sys

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

HERE = os.path.dirname(os.path.abspath(sys.argv[1]))
BADWORDS = os.path.join(HERE, "badwords")
c4_filters.cached_asset_path_or_download = lambda url, **kw: os.path.join(BADWORDS, url.rsplit("/", 1)[1])

SENT = [
    "The committee approved the new budget for the coming year.",
    "Residents said that the road had been closed for weeks.",
    "She wrote to the council and asked them to reconsider.",
    "Prices of fresh vegetables rose sharply after the storm.",
    "It's not clear whether the museum will reopen in May.",
    "Researchers at the U.S. lab measured 3.5 kg of sediment.",
    "\"We have to act now,\" the mayor told reporters on Tuesday.",
    "Visit https://example.org/news?id=42 or e-mail info@example.org for details.",
    "The train departs at 7 a.m. and arrives around 10:30.",
    "Well-known authors -- and a few newcomers -- signed the letter.",
    "He didn't say; they'd already left (as usual).",
    "Über 50 % der Befragten waren dafür.",
    "L'équipe a gagné aujourd'hui, n'est-ce pas ?",
    "Costs: $1,200 in 2019 vs. €950 in 2020!",
    "Is this the end… or just the beginning?",
    "Temperatures reached 40°C... again.",
    "They sold 1,000+ copies in the first week.",
    "Read the F.A.Q. :) before posting.",
    "Mr. Smith and Dr. Jones met at 5 p.m. yesterday.",
    "The data (see Table 2) were collected in 2021–2022.",
]
WORDS = "the be to of and that have with a in is it you he was for on are as his they at one this had by word but not what all were".split()
NAV = ["Home", "About us", "Contact", "Login", "Privacy Policy", "Terms of Use", "Share on Facebook", "Menu", "Next »", "© 2024"]


def docs():
    rnd = random.Random(20261125)
    prose = " ".join(SENT[:8])
    yield "keep_prose", "\n".join(SENT[:10])
    yield "keep_paragraphs", "\n\n".join(" ".join(rnd.sample(SENT, 4)) for _ in range(5))
    # gopher_quality
    yield "gq_short", "The cat sat on the mat."
    yield "gq_long", " ".join(["word"] * 100_001)
    yield "gq_below_avg", " ".join(["a b c of to it"] * 20)
    yield "gq_above_avg", " ".join(["internationalisation counterrevolutionary"] * 40) + " the and"
    yield "gq_hashes", prose + " " + "#tag " * 30
    yield "gq_ellipsis", prose + " " + "... " * 20
    yield "gq_ellipsis_unicode", prose + " " + "… " * 20
    yield "gq_bullets", "\n".join(f"• {s}" for s in SENT[:10])
    yield "gq_dash_bullets", "\n".join(f"  - {s}" for s in SENT[:10])
    yield "gq_end_ellipsis", "\n".join(f"{s[:-1]}..." for s in SENT[:10])
    yield "gq_alpha", prose + " " + " ".join(str(rnd.randint(0, 10**6)) for _ in range(200))
    yield "gq_stop_words", "\n".join(["Cats sit on mats all day long while dogs bark loudly outside."] * 2 + SENT[11:14])
    yield "gq_one_stop_word", " ".join(["cats and dogs run fast outside today"] * 10)
    yield "gq_symbols_only", " ".join(["!!! ??? ... --- ;;; :::"] * 20)
    # gopher_repetition
    yield "gr_empty", ""
    yield "gr_whitespace", " \n\n \t "
    yield "gr_dup_para", "\n\n".join([SENT[0], SENT[0], SENT[1]])
    yield "gr_dup_para_char", "\n\n".join([SENT[0] * 3, SENT[0] * 3] + [f"x{i}" for i in range(6)])
    yield "gr_dup_7_only", "aa bb cc dd ee ffffffffffff gggggggggggg alpha beta gamma delta epsilon zeta theta iota kappa lambda omicron sigma upsilon aa bb cc dd ee ffffffffffff gggggggggggg"
    yield "gr_dup_line", "\n".join(["a", "b", "a", "c", "a"])
    yield "gr_dup_line_char", "\n".join([SENT[2] * 2, "b", SENT[2] * 2, "c", "d", "e", "f", "g", "h", "i"])
    yield "gr_leading_newlines", "\n\n\n" + "\n".join(SENT[:6]) + "\n\n"
    yield "gr_top2", "buy now " * 10 + prose
    yield "gr_top3", "click here today " * 6 + prose
    yield "gr_top4", "one of the best " * 5 + prose
    for n in range(5, 11):
        base = rnd.sample(SENT, 6)
        rep = " ".join(WORDS[:n])
        yield f"gr_dup_{n}", " ".join(base) + " " + rep + " " + " ".join(rnd.sample(SENT, 3)) + " " + rep
    yield "gr_concat_ngrams", "ab c d e f g h i j k " + " ".join(SENT[:6]) + " a bc d e f g h i j k"
    # c4_quality
    yield "c4_keep_rewrite", "\n".join(["Menu", SENT[0] + " [1]", SENT[1] + "[edit]", SENT[2] + " [citation needed]", "Enable JavaScript to continue reading this page.", "This website uses cookies to improve your experience.", SENT[3], SENT[4], SENT[5], "Next »"])
    yield "c4_lorem", "\n".join(SENT[:6] + ["Lorem ipsum dolor sit amet, consectetur adipiscing elit."])
    yield "c4_curly", "\n".join(SENT[:6] + ["The function f() { return 1; } is trivial."])
    yield "c4_curly_after_no_punct", "\n".join(SENT[:6] + ["if (x) { y }"])
    yield "c4_few_sentences", "\n".join(SENT[:2])
    yield "c4_few_words", "\n".join(["Yes.", "No!", "Ok then."] + SENT[:3])
    yield "c4_long_word", "\n".join(SENT[:6] + ["A line with " + "x" * 1001 + " inside it."])
    yield "c4_quotes", "\n".join([f'He said "{s[:-1]}."' for s in SENT[:3]] + [f"She said '{s[:-1]}'" for s in SENT[3:6]])
    yield "c4_ellipsis_lines", "\n".join(f"{s[:-1]}..." for s in SENT[:8])
    yield "c4_crlf", "\r\n".join(SENT[:8])
    yield "c4_sentences_in_line", " ".join(SENT[:3]) + "\n" + " ".join(SENT[3:5])
    yield "c4_policy_variants", "\n".join(SENT[:5] + ["Read our privacy policy.", "By using this site you agree to our terms of use.", "We use cookies."])
    # c4_paragraph
    long = " ".join(SENT)
    yield "c4p_keep", "\n".join([long[:250], long[:300], "short", long[:220]])
    yield "c4p_two", "\n".join([long[:250], long[:300]])
    yield "c4p_third_short", "\n".join([long[:250], long[:300], long[:199]])
    # fineweb_quality
    yield "fw_empty", "\n \n\t\n"
    yield "fw_punct", "\n".join(NAV * 2)
    yield "fw_short_lines", "\n".join(["Yes.", "No.", "Maybe.", SENT[0]])
    yield "fw_char_dup", "\n".join(SENT[:5] + [SENT[0]])
    yield "fw_list", "\n".join(s + "\n\n\n" for s in SENT[:5])
    yield "fw_unicode_terminal", "\n".join(["これは日本語の文です。", "另一个句子！", "¿Qué tal? Muy bien, gracias por preguntar hoy.", "Ceci est une phrase française complète."])
    # c4_badwords (self-written list: zorbflak, quimblet, "grot smash")
    yield "bw_hit", prose + " What a zorbflak idea."
    yield "bw_case", prose + " QUIMBLET!"
    yield "bw_inside_word", prose + " zorbflakery is fine."
    yield "bw_phrase", prose + " Then grot smash happened."
    yield "bw_underscore", prose + " zorbflak_x is an identifier."
    # tokenizer edge cases
    yield "tok_misc", "\n".join(SENT[5:20] + ["Tabs\tand\u00a0no-break\u3000spaces", "can't won't y'all gonna", "(a.m.) [p.m.] {e.g.}", "e-mail — dash – en-dash", "10km 5kg 3.5% $5 5$ #1 C++ A&B", "U.S.A. U.K. E.U.", "😀 👍🏽 :-) <3", "path/to/file.txt www.example.com/x"])
    # random documents: a mix of prose, navigation and repetition
    for k in range(80):
        parts = []
        for _ in range(rnd.randint(1, 25)):
            r = rnd.random()
            if r < 0.55:
                parts.append(" ".join(rnd.sample(SENT, rnd.randint(1, 3))))
            elif r < 0.75:
                parts.append(rnd.choice(NAV))
            elif r < 0.9:
                parts.append(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 12))))
            else:
                parts.append("")
        sep = rnd.choice(["\n", "\n", "\n\n", " "])
        yield f"random_{k:03d}", sep.join(parts)


def main() -> None:
    out = sys.argv[1]
    filters = {
        "gopher_repetition": GopherRepetitionFilter(),
        "gopher_quality": GopherQualityFilter(),
        "c4_quality": C4QualityFilter(),
        "c4_paragraph": C4ParagraphFilter(),
        "fineweb_quality": FineWebQualityFilter(),
        "c4_badwords": C4BadWordsFilter(fail_on_missing_language=False),
    }
    n = 0
    with open(out, "w") as f:
        for doc_id, text in docs():
            rec = {"id": doc_id, "text": text, "lang": "en", "expected": {}}
            if doc_id == "gq_long":  # 500 kB: stored as a recipe, expanded by the test
                rec["text"] = ""
                rec["repeat"] = ["word", 100_001]
            for name, flt in filters.items():
                doc = Document(text=text, id=doc_id, metadata={"language": "en"})
                try:
                    res = flt.filter(doc)
                except Exception as e:
                    rec["expected"][name] = f"EXCEPTION {type(e).__name__}"
                    continue
                keep, reason = (res, None) if not isinstance(res, tuple) else res
                rec["expected"][name] = "keep" if keep else (reason or "drop")
                if name == "c4_quality" and keep:
                    rec["c4_quality_text"] = doc.text
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    print(n, "documents ->", out)


if __name__ == "__main__":
    main()
