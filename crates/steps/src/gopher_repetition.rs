//! `gopher_repetition`: Gopher's repetition rules (Rae et al. 2021, *Scaling Language
//! Models: Methods, Analysis & Insights from Training Gopher*, §A.1.1, Table A1).
//!
//! Reference implementation: datatrove 0.10.1, `src/datatrove/pipeline/filters/gopher_repetition_filter.py`
//! (`GopherRepetitionFilter`, `find_duplicates`, `find_top_duplicate`, `find_all_duplicate`);
//! names, defaults, order and reasons are datatrove's. Lengths are in characters (code points),
//! fractions are over `len(text)`.
//!
//! Rules, in order:
//! - `empty`: no text;
//! - `dup_para_frac` / `dup_para_char_frac`: paragraphs (the stripped text split on `\n{2,}`)
//!   equal to an earlier one, as a share of paragraphs / their characters of the text;
//! - `dup_line_frac` / `dup_line_char_frac`: the same for lines (split on `\n+`, not stripped);
//! - `top_{n}_gram`: for each `(n, frac)` of `top_n_grams`, the most frequent word n-gram
//!   (words joined by a space; ties go to the n-gram seen first, as `Counter.most_common`)
//!   times its count, over the text length;
//! - `duplicated_{n}_n_grams`: for each `(n, frac)` of `dup_n_grams`, the characters of
//!   n-grams (words concatenated without separator) already seen, scanning left to right and
//!   jumping past a repeated n-gram.
//!
//! Rules are disabled with `null` or `0` for the four fractions, an empty list for n-grams.
//! `n` goes up to 32 (the reason strings are static).
//! Parity: `bench/quality/filter_parity.py`, fixture test `tests/quality_parity.rs`.

use crate::quality::{default_language, find_duplicates, ratio, Judged};
use serde::{Deserialize, Serialize};
use tamis_api::{Counters, Reason, Scale};
use tamis_text::pystr::{char_len, strip};
use tamis_text::WordTokenizer;

const NAME: &str = "gopher_repetition";
const MAX_N: usize = 32;

/// `top_{n}_gram` for n = 1..=32.
const TOP_REASONS: [&str; MAX_N] = [
    "top_1_gram",
    "top_2_gram",
    "top_3_gram",
    "top_4_gram",
    "top_5_gram",
    "top_6_gram",
    "top_7_gram",
    "top_8_gram",
    "top_9_gram",
    "top_10_gram",
    "top_11_gram",
    "top_12_gram",
    "top_13_gram",
    "top_14_gram",
    "top_15_gram",
    "top_16_gram",
    "top_17_gram",
    "top_18_gram",
    "top_19_gram",
    "top_20_gram",
    "top_21_gram",
    "top_22_gram",
    "top_23_gram",
    "top_24_gram",
    "top_25_gram",
    "top_26_gram",
    "top_27_gram",
    "top_28_gram",
    "top_29_gram",
    "top_30_gram",
    "top_31_gram",
    "top_32_gram",
];

/// `duplicated_{n}_n_grams` for n = 1..=32.
const DUP_REASONS: [&str; MAX_N] = [
    "duplicated_1_n_grams",
    "duplicated_2_n_grams",
    "duplicated_3_n_grams",
    "duplicated_4_n_grams",
    "duplicated_5_n_grams",
    "duplicated_6_n_grams",
    "duplicated_7_n_grams",
    "duplicated_8_n_grams",
    "duplicated_9_n_grams",
    "duplicated_10_n_grams",
    "duplicated_11_n_grams",
    "duplicated_12_n_grams",
    "duplicated_13_n_grams",
    "duplicated_14_n_grams",
    "duplicated_15_n_grams",
    "duplicated_16_n_grams",
    "duplicated_17_n_grams",
    "duplicated_18_n_grams",
    "duplicated_19_n_grams",
    "duplicated_20_n_grams",
    "duplicated_21_n_grams",
    "duplicated_22_n_grams",
    "duplicated_23_n_grams",
    "duplicated_24_n_grams",
    "duplicated_25_n_grams",
    "duplicated_26_n_grams",
    "duplicated_27_n_grams",
    "duplicated_28_n_grams",
    "duplicated_29_n_grams",
    "duplicated_30_n_grams",
    "duplicated_31_n_grams",
    "duplicated_32_n_grams",
];

/// Configuration of `gopher_repetition` (datatrove's `GopherRepetitionFilter` arguments).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct GopherRepetitionConfig {
    /// Maximum share of duplicated lines.
    pub dup_line_frac: Option<f64>,
    /// Maximum share of duplicated paragraphs.
    pub dup_para_frac: Option<f64>,
    /// Maximum share of the text's characters in duplicated lines.
    pub dup_line_char_frac: Option<f64>,
    /// Maximum share of the text's characters in duplicated paragraphs.
    pub dup_para_char_frac: Option<f64>,
    /// `[n, frac]` pairs: maximum share of characters in the most frequent n-gram.
    pub top_n_grams: Vec<(usize, f64)>,
    /// `[n, frac]` pairs: maximum share of characters in repeated n-grams.
    pub dup_n_grams: Vec<(usize, f64)>,
    /// Word-tokenizer language (datatrove language key).
    pub language: String,
}

impl Default for GopherRepetitionConfig {
    fn default() -> Self {
        GopherRepetitionConfig {
            dup_line_frac: Some(0.3),
            dup_para_frac: Some(0.3),
            dup_line_char_frac: Some(0.2),
            dup_para_char_frac: Some(0.2),
            top_n_grams: vec![(2, 0.2), (3, 0.18), (4, 0.16)],
            dup_n_grams: vec![(5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)],
            language: default_language(),
        }
    }
}

/// Why `gopher_repetition` dropped a document (datatrove's reason strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GopherRepetitionReason {
    /// `empty`
    Empty,
    /// `dup_para_frac`
    DupParaFrac,
    /// `dup_para_char_frac`
    DupParaCharFrac,
    /// `dup_line_frac`
    DupLineFrac,
    /// `dup_line_char_frac`
    DupLineCharFrac,
    /// `top_{n}_gram`
    TopNGram(usize),
    /// `duplicated_{n}_n_grams`
    DuplicatedNGrams(usize),
}

impl From<GopherRepetitionReason> for Reason {
    fn from(r: GopherRepetitionReason) -> Reason {
        use GopherRepetitionReason::*;
        Reason(match r {
            Empty => "empty",
            DupParaFrac => "dup_para_frac",
            DupParaCharFrac => "dup_para_char_frac",
            DupLineFrac => "dup_line_frac",
            DupLineCharFrac => "dup_line_char_frac",
            TopNGram(n) => TOP_REASONS[n - 1],
            DuplicatedNGrams(n) => DUP_REASONS[n - 1],
        })
    }
}

/// The built step.
#[derive(Debug)]
pub struct GopherRepetition {
    config: GopherRepetitionConfig,
    tokenizer: WordTokenizer,
}

impl GopherRepetitionConfig {
    /// Validates the configuration and builds the step.
    pub fn build(&self) -> Result<GopherRepetition, crate::ConfigError> {
        for (key, list) in [("top_n_grams", &self.top_n_grams), ("dup_n_grams", &self.dup_n_grams)] {
            if list.iter().any(|(n, f)| *n == 0 || *n > MAX_N || !f.is_finite()) {
                return Err(crate::ConfigError {
                    step: NAME,
                    key,
                    message: format!("each entry is [n, fraction] with 1 <= n <= {MAX_N}"),
                });
            }
        }
        Ok(GopherRepetition {
            config: self.clone(),
            tokenizer: WordTokenizer::for_language(&self.language),
        })
    }
}

fn on(v: Option<f64>) -> Option<f64> {
    v.filter(|x| *x != 0.0)
}

/// Splits on runs of at least `min` newlines (`re.split(r"\n{2,}")`, `re.split("\n+")`).
fn split_newline_runs(text: &str, min: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while let Some(offset) = memchr::memchr(b'\n', &bytes[i..]) {
        let run_start = i + offset;
        i = run_start + 1;
        while i < bytes.len() && bytes[i] == b'\n' {
            i += 1;
        }
        if i - run_start >= min {
            parts.push(&text[start..run_start]);
            start = i;
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Polynomial hashes of word sequences, from prefix sums, so that an n-gram's hash costs O(1)
/// and depends only on the joined string (`"".join` or `" ".join`), as datatrove's keys do.
/// Equal hashes are confirmed by comparing the strings, so the counts are exact.
struct NgramHasher<'w> {
    words: &'w [&'w str],
    sep: bool,
    /// Hash of the first k words joined (each followed by the separator when `sep`).
    prefix: Vec<u64>,
    /// Byte length of the same.
    len: Vec<usize>,
    /// BASE^i for i up to the longest n-gram's byte length (not the text's: a long text
    /// would otherwise cost 8 bytes per byte).
    pow: Vec<u64>,
}

const BASE: u64 = 0x100_0000_01b3;

impl<'w> NgramHasher<'w> {
    fn new(words: &'w [&'w str], sep: bool, max_n: usize) -> Self {
        let mut prefix = Vec::with_capacity(words.len() + 1);
        let mut len = Vec::with_capacity(words.len() + 1);
        let (mut h, mut l) = (0u64, 0usize);
        prefix.push(h);
        len.push(l);
        for w in words {
            for &b in w.as_bytes() {
                h = h.wrapping_mul(BASE).wrapping_add(b as u64 + 1);
            }
            l += w.len();
            if sep {
                h = h.wrapping_mul(BASE).wrapping_add(b' ' as u64 + 1);
                l += 1;
            }
            prefix.push(h);
            len.push(l);
        }
        let n = max_n.min(words.len());
        let longest = len.iter().zip(&len[n..]).map(|(a, b)| b - a).max().unwrap_or(0);
        let mut pow = Vec::with_capacity(longest + 1);
        let mut p = 1u64;
        for _ in 0..=longest {
            pow.push(p);
            p = p.wrapping_mul(BASE);
        }
        NgramHasher {
            words,
            sep,
            prefix,
            len,
            pow,
        }
    }

    /// The hashes of all n-grams, in order, into `out`: one pass over the prefix sums, so
    /// that the table's probing loop does no index arithmetic of its own.
    fn hashes(&self, n: usize, out: &mut Vec<u64>) {
        out.clear();
        let starts = self.prefix.iter().zip(&self.len);
        let ends = self.prefix[n..].iter().zip(&self.len[n..]);
        out.extend(
            starts
                .zip(ends)
                .map(|((&h0, &l0), (&h1, &l1))| h1.wrapping_sub(h0.wrapping_mul(self.pow[l1 - l0]))),
        );
    }

    /// Whether the n-grams at `i` and `j` join to the same string. Out of line: most
    /// n-grams are new, and the probing loop stays small without it.
    #[inline(never)]
    fn equal(&self, i: usize, j: usize, n: usize) -> bool {
        let (a, b) = (&self.words[i..i + n], &self.words[j..j + n]);
        if a == b {
            return true;
        }
        if self.len[i + n] - self.len[i] != self.len[j + n] - self.len[j] {
            return false;
        }
        if self.sep {
            a.join(" ") == b.join(" ")
        } else {
            a.iter().flat_map(|w| w.bytes()).eq(b.iter().flat_map(|w| w.bytes()))
        }
    }
}

/// The distinct n-grams of one length seen so far: open addressing on their hashes, each slot
/// holding the first index of an n-gram and how often it occurred. Equal hashes are told apart
/// by comparing the n-grams ([`NgramHasher::equal`]), so the counts are exact. Kept from one
/// length to the next so that its memory is allocated once per document, with the n-grams'
/// hashes.
#[derive(Default)]
struct NgramTable {
    slots: Vec<Slot>,
    /// log2 of the number of slots.
    bits: u32,
    /// The hashes of the current length's n-grams, by index ([`NgramHasher::hashes`]).
    hashes: Vec<u64>,
}

/// 16 bytes, so that four share a cache line: the table is probed at random, once per word
/// and rule. The hash's low half only sorts out most unequal n-grams before they are compared;
/// counts fit 32 bits, as a document holds far fewer than 2^32 words (a record is at most
/// `max_record_bytes`, 16 MiB by default).
#[derive(Clone, Copy)]
struct Slot {
    /// The index of the n-gram's first occurrence.
    first: usize,
    hash: u32,
    /// 0 for a free slot: a free slot is all zero bytes, so that clearing the table is a
    /// `memset`.
    count: u32,
}

const FREE: Slot = Slot {
    first: 0,
    hash: 0,
    count: 0,
};

impl NgramTable {
    /// Empties the table for the n-grams of length `n`, with room for all of them at most
    /// half full, and hashes them.
    fn reset(&mut self, h: &NgramHasher, n: usize) {
        let count = h.words.len() - n + 1;
        self.bits = (2 * count).max(16).next_power_of_two().trailing_zeros();
        self.slots.clear();
        self.slots.resize(1 << self.bits, FREE);
        h.hashes(n, &mut self.hashes);
    }

    /// Counts the n-gram at `i`: the slot of the equal n-gram seen before (its count raised),
    /// or a new slot with a count of 1.
    #[inline]
    fn add(&mut self, h: &NgramHasher, i: usize, n: usize) -> Slot {
        let hash = self.hashes[i];
        let mask = self.slots.len() - 1;
        // Fibonacci hashing: the polynomial hash's top bits, spread by one multiplication.
        let mut at = (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize;
        let short = hash as u32;
        loop {
            let slot = &mut self.slots[at & mask];
            if slot.count == 0 {
                *slot = Slot {
                    first: i,
                    hash: short,
                    count: 1,
                };
                return *slot;
            }
            if slot.hash == short && h.equal(slot.first, i, n) {
                slot.count = slot.count.saturating_add(1);
                return *slot;
            }
            at += 1;
        }
    }
}

/// `find_top_duplicate(get_n_grams(words, n))`: characters of the most frequent n-gram
/// times its count; ties go to the first seen.
fn top_duplicate_chars(h: &NgramHasher, n: usize, table: &mut NgramTable) -> Option<usize> {
    let words = h.words;
    if words.len() < n {
        return None;
    }
    table.reset(h, n);
    // The most frequent so far, compared with every n-gram whose count grows: it ends with the
    // highest count and, among ties, the n-gram seen first.
    let mut top = table.add(h, 0, n);
    for i in 1..=words.len() - n {
        let slot = table.add(h, i, n);
        if slot.count > top.count || (slot.count == top.count && slot.first < top.first) {
            top = slot;
        }
    }
    let first = top.first;
    let len: usize = words[first..first + n].iter().map(|w| char_len(w)).sum::<usize>() + (n - 1);
    Some(len * top.count as usize)
}

/// `find_all_duplicate(words, n)`.
fn all_duplicate_chars(h: &NgramHasher, n: usize, table: &mut NgramTable) -> usize {
    let words = h.words;
    if words.len() < n {
        return 0;
    }
    table.reset(h, n);
    let mut repeated = 0;
    let mut idx = 0;
    while idx + n <= words.len() {
        if table.add(h, idx, n).count > 1 {
            repeated += words[idx..idx + n].iter().map(|w| char_len(w)).sum::<usize>();
            idx += n;
        } else {
            idx += 1;
        }
    }
    repeated
}

/// The histogram of an n-gram rule: `top_2_gram_frac`, `dup_5_gram_frac`…
fn ngram_metric(kind: &str, n: usize) -> &'static str {
    const TOP: [&str; 11] = [
        "top_0_gram_frac",
        "top_1_gram_frac",
        "top_2_gram_frac",
        "top_3_gram_frac",
        "top_4_gram_frac",
        "top_5_gram_frac",
        "top_6_gram_frac",
        "top_7_gram_frac",
        "top_8_gram_frac",
        "top_9_gram_frac",
        "top_10_gram_frac",
    ];
    const DUP: [&str; 11] = [
        "dup_0_gram_frac",
        "dup_1_gram_frac",
        "dup_2_gram_frac",
        "dup_3_gram_frac",
        "dup_4_gram_frac",
        "dup_5_gram_frac",
        "dup_6_gram_frac",
        "dup_7_gram_frac",
        "dup_8_gram_frac",
        "dup_9_gram_frac",
        "dup_10_gram_frac",
    ];
    let names = if kind == "top" { &TOP } else { &DUP };
    names.get(n).copied().unwrap_or(if kind == "top" {
        "top_n_gram_frac"
    } else {
        "dup_n_gram_frac"
    })
}

impl GopherRepetition {
    /// The decision alone, for tests and the parity harness.
    pub fn decide(&self, text: &str) -> Result<(), GopherRepetitionReason> {
        self.judge(&mut Judged::alone(text), &mut Counters::default())
    }

    /// The decision, each signal computed on the way counted in `counters`'
    /// histograms (the rules stop at the first that fails, and so do the signals).
    pub(crate) fn judge(&self, judged: &mut Judged, counters: &mut Counters) -> Result<(), GopherRepetitionReason> {
        use GopherRepetitionReason::*;
        let c = &self.config;
        let text = judged.text;
        if text.is_empty() {
            return Err(Empty);
        }
        let text_len = char_len(text);
        let paragraphs = split_newline_runs(strip(text), 2);
        let (dups, dup_chars) = find_duplicates(paragraphs.iter().copied());
        let mut rule = |name: &'static str, threshold: Option<f64>, value: f64| {
            counters.observe(name, Scale::RATIO, value);
            on(threshold).is_some_and(|m| value > m)
        };
        if rule("dup_para_frac", c.dup_para_frac, ratio(dups, paragraphs.len())) {
            return Err(DupParaFrac);
        }
        if rule("dup_para_char_frac", c.dup_para_char_frac, ratio(dup_chars, text_len)) {
            return Err(DupParaCharFrac);
        }
        let lines = split_newline_runs(text, 1);
        let (dups, dup_chars) = find_duplicates(lines.iter().copied());
        if rule("dup_line_frac", c.dup_line_frac, ratio(dups, lines.len())) {
            return Err(DupLineFrac);
        }
        if rule("dup_line_char_frac", c.dup_line_char_frac, ratio(dup_chars, text_len)) {
            return Err(DupLineCharFrac);
        }
        let words: Vec<&str> = judged.tokens(&self.tokenizer).words(text).collect();
        let max_top = c.top_n_grams.iter().map(|(n, _)| *n).max().unwrap_or(1);
        let spaced = NgramHasher::new(&words, true, max_top);
        let mut table = NgramTable::default();
        for &(n, frac) in &c.top_n_grams {
            if let Some(chars) = top_duplicate_chars(&spaced, n, &mut table) {
                let value = ratio(chars, text_len);
                counters.observe(ngram_metric("top", n), Scale::RATIO, value);
                if value > frac {
                    return Err(TopNGram(n));
                }
            }
        }
        let max_dup = c.dup_n_grams.iter().map(|(n, _)| *n).max().unwrap_or(1);
        let concatenated = NgramHasher::new(&words, false, max_dup);
        for &(n, frac) in &c.dup_n_grams {
            let value = ratio(all_duplicate_chars(&concatenated, n, &mut table), text_len);
            counters.observe(ngram_metric("dup", n), Scale::RATIO, value);
            if value > frac {
                return Err(DuplicatedNGrams(n));
            }
        }
        Ok(())
    }
}

crate::quality::text_filter_step!(GopherRepetition, NAME);

#[cfg(test)]
mod tests {
    use super::*;
    use GopherRepetitionReason::*;

    fn decide(text: &str) -> Result<(), GopherRepetitionReason> {
        GopherRepetitionConfig::default().build().unwrap().decide(text)
    }

    #[test]
    fn splits_like_python_re() {
        assert_eq!(split_newline_runs("a\n\nb\nc\n\n\nd", 2), vec!["a", "b\nc", "d"]);
        assert_eq!(split_newline_runs("\na\n\nb\n", 1), vec!["", "a", "b", ""]);
    }

    #[test]
    fn each_rule() {
        assert_eq!(decide(""), Err(Empty));
        assert_eq!(
            decide("Same paragraph here.\n\nSame paragraph here.\n\nOther one, longer than the others by far."),
            Err(DupParaFrac)
        );
        assert_eq!(
            decide("A fairly long paragraph that repeats itself.\n\nA fairly long paragraph that repeats itself.\n\nb\n\nc\n\nd\n\ne\n\nf"),
            Err(DupParaCharFrac)
        );
        assert_eq!(decide("x\ny\nx\nz\nx"), Err(DupLineFrac));
        assert_eq!(
            decide("a long line that will be repeated\nb\na long line that will be repeated\nc\nd\ne\nf\ng\nh\ni"),
            Err(DupLineCharFrac)
        );
        assert_eq!(
            decide("buy now buy now buy now and more words here to dilute it"),
            Err(TopNGram(2))
        );
        let no_top = GopherRepetitionConfig {
            top_n_grams: vec![],
            ..GopherRepetitionConfig::default()
        };
        assert_eq!(
            no_top
                .build()
                .unwrap()
                .decide("one two three four five six seven eight nine ten eleven one two three four five six seven"),
            Err(DuplicatedNGrams(5))
        );
        // Even one n-gram counts against a short text; a kept text needs some length.
        let varied = "Rain fell over the quiet harbour while fishermen mended nets, children chased gulls along \
                      wet stones, and an old bell rang twice from the chapel tower before dusk settled softly.";
        assert_eq!(decide(varied), Ok(()));
    }

    /// datatrove's `find_top_duplicate(get_n_grams(words, n))`, with a map of joined strings.
    fn top_by_strings(words: &[&str], n: usize) -> Option<usize> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for gram in words.windows(n).map(|w| w.join(" ")) {
            let at = *index.entry(gram.clone()).or_insert_with(|| {
                counts.push((gram, 0));
                counts.len() - 1
            });
            counts[at].1 += 1;
        }
        // `Counter.most_common(1)`: the highest count, the first inserted among ties.
        let best = counts
            .iter()
            .fold(None, |best: Option<&(String, usize)>, c| match best {
                Some(b) if b.1 >= c.1 => Some(b),
                _ => Some(c),
            })?;
        Some(char_len(&best.0) * best.1)
    }

    /// datatrove's `find_all_duplicate(words, n)`, with a set of joined strings.
    fn all_by_strings(words: &[&str], n: usize) -> usize {
        let mut seen = std::collections::HashSet::new();
        let (mut repeated, mut idx) = (0, 0);
        while idx + n <= words.len() {
            let gram = words[idx..idx + n].concat();
            if seen.contains(&gram) {
                repeated += char_len(&gram);
                idx += n;
            } else {
                seen.insert(gram);
                idx += 1;
            }
        }
        repeated
    }

    #[test]
    fn hashed_tables_count_as_strings_do() {
        // Few short words, some with a space or a multi-byte character, so that n-grams
        // repeat often and different words often join to the same string.
        const VOCAB: [&str; 9] = ["a", "b", "ab", "ba", "aab", "a b", "b a", "é", "aé"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut table = NgramTable::default();
        for _ in 0..2000 {
            let len = (next() % 40) as usize;
            let words: Vec<&str> = (0..len)
                .map(|_| VOCAB[(next() % VOCAB.len() as u64) as usize])
                .collect();
            let n = 1 + (next() % 6) as usize;
            let spaced = NgramHasher::new(&words, true, n);
            assert_eq!(
                top_duplicate_chars(&spaced, n, &mut table),
                top_by_strings(&words, n),
                "{words:?} {n}"
            );
            let concatenated = NgramHasher::new(&words, false, n);
            assert_eq!(
                all_duplicate_chars(&concatenated, n, &mut table),
                all_by_strings(&words, n),
                "{words:?} {n}"
            );
        }
    }

    #[test]
    fn concatenation_semantics() {
        // "".join: ("ab","c") equals ("a","bc").
        let words = ["ab", "c", "x", "a", "bc"];
        assert_eq!(
            all_duplicate_chars(&NgramHasher::new(&words, false, 2), 2, &mut NgramTable::default()),
            3
        );
        // ties go to the first n-gram seen
        let words = ["aaa", "b", "aaa", "b", "c", "d", "c", "d"];
        assert_eq!(
            top_duplicate_chars(&NgramHasher::new(&words, true, 2), 2, &mut NgramTable::default()),
            Some(10)
        );
    }
}
