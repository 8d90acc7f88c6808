#!/usr/bin/env python3
"""Decision-level parity of tamis `line_dedup` with CCNet's own line dedup (cc_net 1.0.0, `cc_net/dedup.py`).

What it measures: for every line of every document, whether tamis (the real binary, `line_dedup: {min_docs: 2}`)
and cc_net keep or remove it. Both run on the same JSONL shards (fields id, text), one shard at a time:
  - example: the 36 WET `conversion` texts of examples/news.warc.wet.gz (one news site, much page chrome);
  - truth:   every `truth/*.txt` of the extraction sets in --data (3,649 real main texts; pages of the same
             sites share captions, bylines, separators, blank lines). A file's final newline is dropped.
  - probes:  a few hand-written document pairs, one per known normalisation difference, reported apart.
cc_net: `HashesCollector` then `DuplicatesRemover` on the shard file, i.e. `deduplicate_two_pass` done by hand:
in 1.0.0 that function deletes its hash file before its lazy generator reads it (FileNotFoundError). The
`line_ids` cc_net writes are its kept line positions. tamis: output JSONL with `removed:` dir; kept lines are
aligned greedily with the original lines, which is exact because tamis decides from a line's text alone (equal
lines share their fate). A document dropped by either side has all its lines removed.

Note on cc_net's semantics (read from its code, confirmed here): a line repeated inside ONE document is not a
duplicate for `HashesCollector` (its batched `add` tests membership before inserting the document's hashes), so
cc_net's threshold is "held by >= 2 documents" like tamis's; but `finalize_doc` then keeps only the first copy
of a line inside each document, and removes blank lines like any other (they are held by many documents).

Reported: docs/lines, agreement, confusion matrix, doc-level agreement, and each disagreement classified:
  (a) within-document repeat: a later copy of a line inside a document, removed by cc_net only;
  (b) normalisation: the two normal forms group the line differently; for tamis-only removals the label is
      the smallest set of tamis rules (on top of cc_net's normalisation) that makes the two lines equal;
  (c) empty: the line normalises to nothing in tamis (blank, punctuation only), which tamis never removes;
  (d) anything else: a tamis bug, or a decision the analysis model below does not explain.
Normalisation check: over all distinct lines, cc_net-equal lines (same `normalize_for_dedup`) must be
tamis-equal. tamis's normaliser cannot be called from Python, so `tamis_norm` below re-implements it AS AN
ANALYSIS AID ONLY (to classify and find partner lines); its predicted decisions are compared with the binary's
(`model_vs_binary`). The verdict (PASS = no class-(d) disagreement) rests on the binary's output.

cc_net install: PyPI has only an sdist whose metadata pins `kenlm @ git+https://...`; pip refuses that for an
index package even with --no-deps, and the full dependency set (kenlm, fasttext, sentencepiece, pandas,
submitit...) is heavy and unused here. So if `import cc_net` fails, this script downloads the pinned sdist
(sha256-checked) and runs `pip install --no-deps` on the local file. `cc_net.dedup` / `text_normalizer` need
only numpy, psutil, requests and typing_extensions (requirements.txt).

  bench/.venv/bin/python bench/parity_line_dedup.py [--data ../shared/data] [--tamis target/release/tamis]
Writes bench/work/parity_line_dedup/ (shards, pipeline.yaml, outputs) and bench/work/parity_line_dedup.json.
Runs in ~10 s.
"""
import argparse, difflib, hashlib, itertools, json, logging, os, shutil, string, subprocess, sys, unicodedata, warnings
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work" / "parity_line_dedup"
CC_NET_SDIST = ("https://files.pythonhosted.org/packages/bb/46/ca08b95f9164a01a01448cd41524c9b21c34b1b79b1cacb92ad7a14be608/"
                "cc_net-1.0.0.tar.gz", "60131c23498bfa1428b4c6d311cceb60e8f298d5d4d1900eca4f8402543d75f3")
EXTRACTION_SETS = ["cleaneval", "cleanportaleval", "daniel-multilingual", "dragnet", "readability-testpages",
                   "scrapinghub-aeb"]
PROBES = [  # (what differs, text of doc A, text of doc B): a filler line unique to each doc is appended
    ("tab inside a line (cc_net deletes it, tamis reads a space)", "Share\tthis page", "Sharethis page"),
    ("U+0085 NEL inside a line (same)", "Print\x85article", "Printarticle"),
    ("Greek final sigma (Python lower() is contextual)", "ΚΕΝΤΡΙΚΗ ΣΕΛΙΔΑ ΜΑΣ", "κεντρικη σελιδα μας"),
    ("► in cc_net's table, a symbol (So) for tamis", "►Latest videos", "Latest videos"),
    ("´ in cc_net's table, a modifier (Sk) for tamis", "Don´t miss it", "Dont miss it"),
    ("ASCII punctuation", "Contact us |", "Contact us"),
    ("whitespace run", "Terms  of   use", "Terms of use"),
    ("no-break space U+00A0", "Privacy\xa0policy", "Privacy policy"),
    ("zero-width space (Cf)", "Newsletter\u200b", "Newsletter"),
    ("superscript digit (No)", "Price per m²", "Price per m2"),
    ("Arabic-Indic digits (Nd, both map to 0)", "الصفحة ٣", "الصفحة 7"),
    ("line repeated inside one document", "Chorus of the song\nVerse of the song\nChorus of the song", "Another song"),
    ("punctuation-only line in two documents", "* * *", "* * *"),
]
N_EXAMPLES = 3


def ensure_cc_net():
    warnings.filterwarnings("ignore", message="Module 'getpy' not found")  # cc_net falls back to a dict
    try:
        import cc_net.dedup  # noqa: F401
    except ImportError:
        WORK.mkdir(parents=True, exist_ok=True)
        sdist = WORK / CC_NET_SDIST[0].rsplit("/", 1)[1]
        if not sdist.exists():
            urllib.request.urlretrieve(CC_NET_SDIST[0], sdist)
        if hashlib.sha256(sdist.read_bytes()).hexdigest() != CC_NET_SDIST[1]:
            sys.exit(f"{sdist}: sha256 mismatch")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", str(sdist)], check=True)


# ---- analysis aid only: tamis's `normalize` (crates/steps/src/line_dedup.rs) re-implemented ----
NON_ASCII_WS = set("\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}


def _tamis_char(c):
    """What tamis's `classify` + `normalize` make of one character (' ' stands for whitespace)."""
    if c.isascii():
        if c in " \t\n\x0c\r":
            return " "
        if c in string.punctuation or ord(c) < 32 or c == "\x7f":
            return ""
        return "0" if c.isdigit() else c.lower()
    if c in NON_ASCII_WS:
        return " "
    cat = unicodedata.category(c)
    if cat[0] == "L" or cat == "Nl":  # Rust `is_alphabetic`; its Other_Alphabetic marks are kept anyway
        return c.lower()  # per character, as Rust's char::to_lowercase (no final-sigma context)
    if cat[0] in "PC":
        return ""
    return "0" if cat[0] == "N" else c.lower()


class _Table(dict):  # str.translate table, filled on first sight of each character
    def __missing__(self, code):
        self[code] = _tamis_char(chr(code))
        return self[code]


_TABLE = _Table()


def tamis_norm(line):
    return " ".join(p for p in line.translate(_TABLE).split(" ") if p)


# ---- data, and the two implementations ----
def build_shards(data):
    from warcio.archiveiterator import ArchiveIterator
    shards = {"example": [], "truth": [], "probes": []}
    with open(ROOT / "examples/news.warc.wet.gz", "rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type == "conversion":
                shards["example"].append({"id": f"example/{len(shards['example']):02d}",
                                          "text": rec.content_stream().read().decode("utf-8")})
    for name in EXTRACTION_SETS:
        for p in sorted((data / name / "truth").glob("*.txt")):
            shards["truth"].append({"id": f"{name}/{p.stem}", "text": p.read_text("utf-8").rstrip("\n")})
    for k, (_, a, b) in enumerate(PROBES):
        tag = "".join(chr(ord("a") + int(d)) for d in str(k))  # no digits: they would normalise alike
        shards["probes"] += [{"id": f"probe/{k}/A", "text": f"{a}\nfiller {tag} side one"},
                             {"id": f"probe/{k}/B", "text": f"{b}\nfiller {tag} side two"}]
    (WORK / "shards").mkdir(parents=True, exist_ok=True)
    for name, docs in shards.items():
        with open(WORK / "shards" / f"{name}.jsonl", "w", encoding="utf-8") as o:
            o.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    return shards


def run_cc_net(name):
    """{id: set of kept line indices, or None if dropped}, and cc_net's hash set (hash -> held by >= 2 docs)."""
    from cc_net import dedup, jsonql
    logging.disable(logging.INFO)
    shard, hashes = WORK / "shards" / f"{name}.jsonl", WORK / f"cc_net_{name}.bin"
    jsonql.run_pipes(dedup.HashesCollector("text", output=hashes), file=shard)
    outputs = dedup.DuplicatesRemover("text", [hashes]).map(jsonql.read_jsons(shard))
    kept = {doc["id"]: None if out is None else set(out["line_ids"])
            for doc, out in zip(jsonql.read_jsons(shard), outputs)}
    dup_set = dedup.FlatHashSet()
    dup_set.load(hashes)
    return kept, dup_set


def run_tamis(tamis, names):
    """{id: kept text} and {id: drop reason}, from the binary's outputs."""
    out = WORK / "tamis-out"
    shutil.rmtree(out, ignore_errors=True)  # tamis skips completed tasks
    yaml = WORK / "pipeline.yaml"
    paths = ", ".join(f'"{WORK}/shards/{n}.jsonl"' for n in names)  # one input file = one shard
    yaml.write_text(f"input: {{ paths: [{paths}], format: jsonl }}\n"
                    f"output: {{ path: {out}/, format: jsonl, removed: {out}/removed/ }}\n"
                    "steps:\n  - line_dedup: { min_docs: 2 }\n")
    subprocess.run([str(tamis), "run", str(yaml), "--workers", "1", "--quiet"], check=True)
    rows = lambda d: (json.loads(l) for p in sorted(d.glob("*.jsonl")) for l in open(p, encoding="utf-8"))
    return ({d["id"]: d["text"] for d in rows(out)},
            {d["id"]: d["removed"]["reason"] for d in rows(out / "removed")})


def align(lines, kept_lines):
    """Indices of `lines` kept, by greedy subsequence alignment; None if kept_lines is not a subsequence."""
    kept, j = set(), 0
    for i, line in enumerate(lines):
        if j < len(kept_lines) and line == kept_lines[j]:
            kept.add(i)
            j += 1
    return kept if j == len(kept_lines) else None


# ---- classification ----
TAMIS_RULES = {  # tamis's rules beyond cc_net's, applied in this order to cc_net's normal form
    "ASCII punctuation/symbols removed": lambda s: s.translate({ord(c): None for c in string.punctuation}),
    "other Unicode punctuation removed": lambda s: "".join(c for c in s if unicodedata.category(c)[0] != "P"),
    "format/other chars removed (C)": lambda s: "".join(c for c in s if unicodedata.category(c)[0] != "C"),
    "non-\\d numbers -> 0 (e.g. ½ ²)": lambda s: "".join("0" if unicodedata.category(c)[0] == "N" else c for c in s),
    "whitespace collapsed/trimmed": lambda s: " ".join(s.split()),
}


def rules_label(cc_a, cc_b):
    """Smallest set of TAMIS_RULES under which two different cc_net normal forms become equal."""
    for n in range(1, len(TAMIS_RULES) + 1):
        for combo in itertools.combinations(TAMIS_RULES, n):
            a, b = cc_a, cc_b
            for rule in combo:
                a, b = TAMIS_RULES[rule](a), TAMIS_RULES[rule](b)
            if a == b:
                return " + ".join(combo)
    return "not explained by tamis's extra rules"


def diff_chars(a, b):
    """The characters by which two strings differ."""
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sorted({c for op, i1, i2, j1, j2 in ops if op != "equal" for c in a[i1:i2] + b[j1:j2]})


def short(s, n=100):
    return s if len(s) <= n else s[:n] + "…"


def classify(did, line, tn, c_keep, within, cc_dup, model_keep, dropped, c_forms, t_docs):
    """Cause, detail and example fields of one disagreement (c_keep != tamis's decision)."""
    from cc_net.text_normalizer import normalize_for_dedup as cc_norm
    if not c_keep:  # cc_net removes, tamis keeps
        why = "cc_net: held by >= 2 docs" if cc_dup else "cc_net: repeat inside the doc" if within else "?"
        if tn == "":
            return "c", ("blank line; " if not line.strip() else "punctuation/symbols-only line; ") + why, {}
        if within and not cc_dup:
            return "a", "later copy of a line repeated inside the document", {}
        other = next(((d, l) for f, (d, l) in c_forms.items() if f != tn), None)  # same cc_net hash, other form
        if cc_dup and model_keep and other:
            chars = diff_chars(tn, tamis_norm(other[1]))
            return "b", "cc_net-equal, tamis-different: " + ", ".join(map(repr, chars)), {
                "partner_doc": other[0], "partner": short(other[1])}
        return "d", "cc_net removal not explained", {}
    if dropped and model_keep:
        return "c", "blank/punctuation line left in a doc tamis dropped as empty", {}
    other = next(((d, l) for d, l in t_docs.items() if d != did), None)  # same tamis form, another doc
    if not model_keep and other:
        a, b = cc_norm(line), cc_norm(other[1])
        return "b", rules_label(a, b), {"partner_doc": other[0], "partner": short(other[1]),
                                        "cc_net_norms": [short(a), short(b)], "chars": diff_chars(a, b)}
    return "d", "tamis removal not explained by its documented rules", {}


def analyse(docs, c_kept, dup_set, t_kept, t_dropped, acc):
    """Per-line decisions of one shard; updates the accumulators in `acc`; returns the shard's confusion."""
    from cc_net.dedup import compute_hashes
    per_doc = {}
    c_forms = defaultdict(dict)  # cc_net hash -> {tamis form: (doc, line)} (first 3 forms)
    t_docs = defaultdict(dict)   # tamis form -> {doc: line} (first 3 docs; the count is in t_ndocs)
    t_ndocs = defaultdict(set)
    for d in docs:
        lines = d["text"].split("\n")
        hashes = compute_hashes(d["text"]) if d["text"] else [0] * len(lines)
        per_doc[d["id"]] = v = (lines, [tamis_norm(l) for l in lines], [int(h) for h in hashes],
                                dup_set[hashes] if d["text"] else [0] * len(lines))
        acc["all_lines"].update(lines)
        for line, tn, h, _ in zip(*v):
            t_ndocs[tn].add(d["id"])
            if len(c_forms[h]) < 3:
                c_forms[h].setdefault(tn, (d["id"], line))
            if len(t_docs[tn]) < 3:
                t_docs[tn].setdefault(d["id"], line)
    conf = Counter()
    for d in docs:
        did = d["id"]
        lines, tnorms, hashes, dups = per_doc[did]
        c_doc, dropped = c_kept[did], did in t_dropped
        t_doc = set() if dropped else align(lines, t_kept[did].split("\n"))
        if t_doc is None:
            acc["unaligned"].append(did)
            continue
        acc["docs"][(c_doc is None, dropped)] += 1
        seen = set()
        for i, (line, tn, h, cc_dup) in enumerate(zip(lines, tnorms, hashes, dups)):
            within = h in seen
            seen.add(h)
            c_keep, t_keep = c_doc is not None and i in c_doc, i in t_doc
            model_keep = tn == "" or len(t_ndocs[tn]) < 2  # tamis's documented rule, on the model's forms
            # in a doc tamis dropped as empty, the model may only have kept blank lines
            model_ok = (not model_keep or not line.strip()) if dropped else model_keep == t_keep
            acc["model"]["agree" if model_ok else "differ"] += 1
            key = {(True, True): "both_keep", (False, False): "both_remove",
                   (False, True): "cc_net_only_remove", (True, False): "tamis_only_remove"}[(c_keep, t_keep)]
            conf[key] += 1
            if c_keep != t_keep:
                cause, detail, extra = classify(did, line, tn, c_keep, within, bool(cc_dup), model_keep, dropped,
                                                c_forms[h], t_docs[tn])
                k = (cause, key, detail)
                acc["causes"][k] += 1
                if len(acc["examples"][k]) < N_EXAMPLES:
                    acc["examples"][k].append({"doc": did, "line": i, "text": short(line), **extra})
    return conf


def check_normalisation(all_lines):
    """Distinct lines grouped by cc_net's normal form: groups that tamis (model) splits."""
    from cc_net.text_normalizer import normalize_for_dedup
    groups = defaultdict(set)
    for line in all_lines:
        groups[normalize_for_dedup(line)].add(line)
    split = []
    for cn, lines in groups.items():
        forms = {}
        for line in sorted(lines):
            forms.setdefault(tamis_norm(line), line)
        if len(forms) > 1:
            split.append({"cc_net_norm": short(cn), "lines": [short(l) for l in list(forms.values())[:2]],
                          "chars": diff_chars(*list(forms)[:2])})
    return {"distinct_lines": len(all_lines), "cc_net_forms": len(groups),
            "tamis_forms": len({tamis_norm(l) for l in all_lines}),
            "cc_net_equal_but_tamis_different": len(split), "examples": split[:10]}


def probe_results(docs, c_kept, t_kept, t_dropped):
    res = []
    for k, (what, *_) in enumerate(PROBES):
        row = {"probe": what}
        for impl in ("cc_net", "tamis"):
            removed = []
            for side in "AB":
                d = next(d for d in docs if d["id"] == f"probe/{k}/{side}")
                lines = d["text"].split("\n")[:-1]  # the filler line is unique: kept by both
                if impl == "cc_net":
                    kept = c_kept[d["id"]] or set()
                else:
                    kept = set() if d["id"] in t_dropped else align(d["text"].split("\n"), t_kept[d["id"]].split("\n"))
                removed += [f"{side}{i}" for i in range(len(lines)) if i not in kept]
            row[impl] = " ".join(removed) or "-"
        res.append(row)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--tamis", type=Path, default=Path(os.environ.get("TAMIS", ROOT / "target/release/tamis")))
    args = ap.parse_args()
    if not args.tamis.exists():
        sys.exit(f"{args.tamis}: not found (cargo build --release)")
    ensure_cc_net()
    shards = build_shards(args.data)
    t_kept, t_dropped = run_tamis(args.tamis, shards)
    acc = {"all_lines": set(), "unaligned": [], "docs": Counter(), "model": Counter(), "causes": Counter(),
           "examples": defaultdict(list)}
    version = subprocess.run([str(args.tamis), "--version"], capture_output=True, text=True).stdout.strip()
    report, confusion = {"tamis": f"{args.tamis} ({version})", "cc_net": "1.0.0", "shards": {}}, Counter()
    for name in ("example", "truth"):
        c_kept, dup_set = run_cc_net(name)
        conf = analyse(shards[name], c_kept, dup_set, t_kept, t_dropped, acc)
        confusion.update(conf)
        report["shards"][name] = {"docs": len(shards[name]), "lines": sum(conf.values()), "confusion": dict(conf)}
    total, docs, n_d = sum(confusion.values()), acc["docs"], sum(n for k, n in acc["causes"].items() if k[0] == "d")
    report.update({
        "verdict": "PASS" if n_d == 0 and not acc["unaligned"] else "FAIL",
        "lines": total, "agreement": (confusion["both_keep"] + confusion["both_remove"]) / total,
        "confusion": dict(confusion),
        "disagreements_per_cause": {c: sum(n for k, n in acc["causes"].items() if k[0] == c) for c in "abcd"},
        "docs": {"total": sum(docs.values()), "both_kept": docs[(False, False)], "both_dropped": docs[(True, True)],
                 "cc_net_only_dropped": docs[(True, False)], "tamis_only_dropped": docs[(False, True)]},
        "disagreements": [{"cause": k[0], "direction": k[1], "detail": k[2], "lines": n,
                           "examples": acc["examples"][k]} for k, n in acc["causes"].most_common()],
        "unaligned_docs": acc["unaligned"],
        "model_vs_binary": dict(acc["model"]),
        "normalisation": check_normalisation(acc["all_lines"]),
        "probes": probe_results(shards["probes"], run_cc_net("probes")[0], t_kept, t_dropped),
    })
    (HERE / "work" / "parity_line_dedup.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print_report(report)


def print_report(r):
    print(f"tamis line_dedup ({r['tamis']}) vs cc_net {r['cc_net']}: verdict {r['verdict']} (PASS = every disagreement explained)")
    for name, s in r["shards"].items():
        print(f"  shard {name}: {s['docs']} docs, {s['lines']} lines, {s['confusion']}")
    c = r["confusion"]
    print(f"lines {r['lines']}, agreement {r['agreement']:.2%}; disagreeing lines per cause {r['disagreements_per_cause']}")
    print(f"  {'':>14} {'tamis keep':>11} {'tamis remove':>13}")
    print(f"  {'cc_net keep':>14} {c.get('both_keep', 0):>11} {c.get('tamis_only_remove', 0):>13}")
    print(f"  {'cc_net remove':>14} {c.get('cc_net_only_remove', 0):>11} {c.get('both_remove', 0):>13}")
    print("docs:", r["docs"])
    print("tamis analysis model vs binary (lines):", r["model_vs_binary"], " unaligned docs:", r["unaligned_docs"])
    print("disagreements:")
    for d in r["disagreements"]:
        print(f"  ({d['cause']}) {d['lines']:>6}  {d['direction']:<18}  {d['detail']}")
        for ex in d["examples"][:2]:
            print("              ", json.dumps(ex, ensure_ascii=False))
    n = r["normalisation"]
    print(f"normalisation: {n['distinct_lines']} distinct lines, {n['cc_net_forms']} cc_net forms, {n['tamis_forms']} "
          f"tamis forms; cc_net-equal but tamis-different: {n['cc_net_equal_but_tamis_different']}")
    for ex in n["examples"]:
        print("  ", json.dumps(ex, ensure_ascii=False))
    print("probes (lines removed; A0 = first line of doc A):")
    for p in r["probes"]:
        print(f"  {p['probe']:<58} cc_net: {p['cc_net']:<10} tamis: {p['tamis']}")


if __name__ == "__main__":
    main()
