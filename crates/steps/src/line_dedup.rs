//! `line_dedup`: remove the lines a shard repeats across documents (CCNet).
//!
//! Source: Wenzek et al. 2019, *CCNet: Extracting High Quality Monolingual Datasets
//! from Web Crawl Data*, §3.3; reference implementation `cc_net/dedup.py`
//! (`compute_hashes`, `DuplicatesRemover`, `deduplicate_two_pass`) and
//! `cc_net/text_normalizer.py` (`normalize_for_dedup`), facebookresearch/cc_net.
//!
//! Rules:
//! - each `\n`-separated line is normalised — lowercased, digits → `0`,
//!   punctuation and non-printing characters removed, whitespace collapsed — and
//!   hashed;
//! - a first pass counts, for every hash, the documents of the shard that hold it
//!   (`HashesCollector`);
//! - every line whose hash is held by at least `min_docs` documents is removed
//!   from every document, the first occurrence included, as `deduplicate_two_pass`
//!   ("what is done in the paper") does (`DuplicatesRemover`);
//! - a document left with no text is dropped as `empty`, one shorter than
//!   `min_chars` as `too_short`.
//!
//! Differs from the reference (measured by `bench/parity_line_dedup.py` against
//! cc_net 1.0.0's own code: 88 % of 113,564 lines decided alike, 99.9 % of
//! documents; every difference falls under one of these):
//! - normalisation is broader, as the paper describes it: cc_net's
//!   `normalize_for_dedup` only strips, lowercases, maps `\d` to 0 and removes a
//!   table of 30 Unicode punctuation marks and the C0/C1 controls; here every
//!   punctuation character (general category P, ASCII included) and every
//!   category C character is removed, every number maps to 0, whitespace runs
//!   collapse and final sigma folds to sigma. Lines cc_net finds equal are
//!   always equal here; some more are (`Dec. 13, 2006` ~ `Dec 13 2006`);
//! - cc_net also drops the later copies of a line repeated inside one document;
//!   here a page's own repeated line is kept (it counts once towards
//!   `min_docs`, as in cc_net);
//! - lines that normalise to nothing (blank, only punctuation) are never
//!   removed, which keeps paragraph breaks; cc_net removes them;
//! - the hash is xxh3-64 instead of the first 8 bytes of SHA-1: same role, much
//!   faster, collisions equally negligible;
//! - the scope is one input shard; cc_net groups shards (`hash_in_mem`), which a
//!   later corpus-level phase will offer.
//!
//! Default `min_docs: 2`: a line shared by two documents of one shard is,
//! overwhelmingly, page chrome (navigation, calls to action, legal lines); this is
//! cc_net's own threshold.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use tamis_api::{Counters, Document, Reason, ShardPass, ShardStep, Step, Verdict};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

const NAME: &str = "line_dedup";

/// Configuration of `line_dedup`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LineDedupConfig {
    /// A line held by at least this many documents of the shard is removed
    /// (2 to 255).
    pub min_docs: u32,
    /// A document shorter than this after removal (in characters, surrounding
    /// whitespace excluded) is dropped as `too_short`; 0 drops only empty ones.
    pub min_chars: usize,
}

impl Default for LineDedupConfig {
    fn default() -> Self {
        LineDedupConfig {
            min_docs: 2,
            min_chars: 0,
        }
    }
}

impl LineDedupConfig {
    /// Validates the configuration.
    pub fn build(&self) -> Result<LineDedup, crate::ConfigError> {
        let min_docs = u8::try_from(self.min_docs)
            .ok()
            .filter(|n| *n >= 2)
            .ok_or_else(|| crate::ConfigError {
                step: NAME,
                key: "min_docs",
                message: format!("must be between 2 and 255, not {}", self.min_docs),
            })?;
        Ok(LineDedup {
            min_docs,
            min_chars: self.min_chars,
        })
    }
}

/// Why `line_dedup` drops a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineDedupReason {
    /// Every line was a duplicate.
    Empty,
    /// What is left is shorter than `min_chars`.
    TooShort,
}

impl From<LineDedupReason> for Reason {
    fn from(reason: LineDedupReason) -> Reason {
        Reason(match reason {
            LineDedupReason::Empty => "empty",
            LineDedupReason::TooShort => "too_short",
        })
    }
}

/// The built step.
#[derive(Debug, Clone)]
pub struct LineDedup {
    min_docs: u8,
    min_chars: usize,
}

/// Line hashes are already uniformly distributed: hashing them again is waste.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Documents per line hash, saturating at 255.
type DocCounts = HashMap<u64, u8, BuildHasherDefault<IdentityHasher>>;

impl ShardStep for LineDedup {
    fn name(&self) -> &'static str {
        NAME
    }

    /// The distinct line hashes of the document.
    fn summarize(&self, doc: &Document) -> Vec<u64> {
        let mut normalized = String::new();
        let mut hashes: Vec<u64> = doc
            .text
            .split('\n')
            .filter_map(|line| line_hash(line, &mut normalized))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }

    fn begin(&self) -> Box<dyn ShardPass> {
        Box::new(CountPass {
            config: self.clone(),
            counts: DocCounts::default(),
        })
    }
}

/// First pass: counts the documents holding each line.
struct CountPass {
    config: LineDedup,
    counts: DocCounts,
}

impl ShardPass for CountPass {
    fn observe(&mut self, distinct_hashes: &[u64]) {
        for hash in distinct_hashes {
            let count = self.counts.entry(*hash).or_insert(0);
            *count = count.saturating_add(1);
        }
    }

    fn finish(self: Box<Self>) -> Box<dyn Step> {
        let min_docs = self.config.min_docs;
        let mut duplicates = self.counts;
        duplicates.retain(|_, n| *n >= min_docs);
        Box::new(RemoveLines {
            config: self.config,
            duplicates,
        })
    }
}

/// Second pass: removes the lines counted in too many documents.
struct RemoveLines {
    config: LineDedup,
    duplicates: DocCounts,
}

impl Step for RemoveLines {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict {
        let mut normalized = String::new();
        let mut kept = String::with_capacity(doc.text.len());
        let (mut lines, mut removed) = (0, 0);
        for line in doc.text.split('\n') {
            lines += 1;
            let duplicate = line_hash(line, &mut normalized).is_some_and(|h| self.duplicates.contains_key(&h));
            if duplicate {
                removed += 1;
                continue;
            }
            if lines - removed > 1 {
                kept.push('\n');
            }
            kept.push_str(line);
        }
        counters.add("lines", lines);
        counters.add("lines_removed", removed);
        if removed > 0 {
            counters.add(
                "chars_removed",
                (doc.text.chars().count() - kept.chars().count()) as u64,
            );
            doc.text = kept;
        }
        let left = doc.text.trim().chars().count();
        if left == 0 {
            Verdict::drop(LineDedupReason::Empty)
        } else if left < self.config.min_chars {
            Verdict::drop(LineDedupReason::TooShort)
        } else {
            Verdict::Keep
        }
    }
}

/// Normalises `line` into `buffer` as CCNet does and hashes it; `None` when
/// nothing is left, so that blank or punctuation-only lines are never removed.
fn line_hash(line: &str, buffer: &mut String) -> Option<u64> {
    normalize(line, buffer);
    (!buffer.is_empty()).then(|| xxhash_rust::xxh3::xxh3_64(buffer.as_bytes()))
}

/// Lowercase, digits → 0, punctuation and control characters removed,
/// whitespace runs → one space, trimmed.
pub fn normalize(line: &str, out: &mut String) {
    out.clear();
    let mut pending_space = false;
    for c in line.chars() {
        let kind = classify(c);
        if kind == CharKind::Space {
            pending_space = !out.is_empty();
            continue;
        }
        if kind == CharKind::Removed {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match kind {
            CharKind::Digit => out.push('0'),
            _ if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            // Lowercasing one character at a time cannot know a sigma is final.
            _ if c == 'ς' => out.push('σ'),
            _ => out.extend(c.to_lowercase()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharKind {
    Space,
    /// Punctuation (general category P) or other (C: controls, format…).
    Removed,
    Digit,
    Kept,
}

/// What [`normalize`] does with `c`. ASCII and letters are decided by cheap
/// tests; the Unicode category table is only consulted for the rest.
fn classify(c: char) -> CharKind {
    if c.is_ascii() {
        return match c {
            c if c.is_ascii_whitespace() => CharKind::Space,
            c if c.is_ascii_punctuation() || c.is_ascii_control() => CharKind::Removed,
            '0'..='9' => CharKind::Digit,
            _ => CharKind::Kept,
        };
    }
    if c.is_alphabetic() {
        return CharKind::Kept;
    }
    if c.is_whitespace() {
        return CharKind::Space;
    }
    match c.general_category_group() {
        GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Other => CharKind::Removed,
        GeneralCategoryGroup::Number if c.is_numeric() => CharKind::Digit,
        _ => CharKind::Kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(line: &str) -> String {
        let mut out = String::new();
        normalize(line, &mut out);
        out
    }

    fn run(config: LineDedupConfig, texts: &[&str]) -> Vec<(Verdict, String)> {
        let step = config.build().unwrap();
        let mut pass = step.begin();
        let docs: Vec<Document> = texts.iter().map(|t| Document::new("x", *t)).collect();
        for doc in &docs {
            pass.observe(&step.summarize(doc));
        }
        let decide = pass.finish();
        let mut counters = Counters::default();
        docs.into_iter()
            .map(|mut doc| {
                let verdict = decide.process(&mut doc, &mut counters);
                (verdict, doc.text)
            })
            .collect()
    }

    #[test]
    fn non_ascii_digits_punctuation_and_spaces_are_normalised() {
        assert_eq!(norm("٣ مارس، ٢٠٢٠"), "0 مارس 0000");
        assert_eq!(norm("「東京」\u{3000}２０２０年"), "東京 0000年");
        assert_eq!(norm("ÉTÉ\u{a0}—\u{a0}Œuvre"), "été œuvre");
        assert_eq!(norm("ΚΑΛΗΜΕΡΑ ΣΑΣ"), norm("Καλημερα σας"));
    }

    #[test]
    fn normalisation_follows_ccnet() {
        assert_eq!(
            norm("Dernière mise à jour à 10h10 le 28/02"),
            "dernière mise à jour à 00h00 le 0000"
        );
        assert_eq!(norm("  Hello,   WORLD!!  "), "hello world");
        assert_eq!(norm("«Qui va nourrir les Chinois ?»"), "qui va nourrir les chinois");
        assert_eq!(norm("\u{200b}tab\there\u{7}"), "tab here");
        assert_eq!(norm("…"), "");
    }

    #[test]
    fn lines_in_min_docs_documents_are_removed_everywhere() {
        let out = run(
            LineDedupConfig::default(),
            &[
                "Menu\nFirst article.\nShare on WeChat!",
                "menu\nSecond article.\nShare on wechat",
                "Third.",
            ],
        );
        assert_eq!(out[0], (Verdict::Keep, "First article.".to_string()));
        assert_eq!(out[1], (Verdict::Keep, "Second article.".to_string()));
        assert_eq!(out[2], (Verdict::Keep, "Third.".to_string()));
    }

    #[test]
    fn a_line_repeated_inside_one_document_is_not_chrome() {
        let out = run(LineDedupConfig::default(), &["Chorus\nVerse\nChorus", "Other"]);
        assert_eq!(out[0].1, "Chorus\nVerse\nChorus");
    }

    #[test]
    fn min_docs_is_a_threshold() {
        let config = LineDedupConfig {
            min_docs: 3,
            ..LineDedupConfig::default()
        };
        let out = run(config, &["shared\na", "shared\nb", "c"]);
        assert_eq!(out[0].1, "shared\na");
    }

    #[test]
    fn emptied_and_short_documents_are_dropped_with_their_reason() {
        let out = run(LineDedupConfig::default(), &["nav\nfooter", "nav\nfooter\nok"]);
        assert_eq!(out[0].0, Verdict::drop(LineDedupReason::Empty));
        let config = LineDedupConfig {
            min_chars: 10,
            ..LineDedupConfig::default()
        };
        let out = run(config, &["nav\nshort", "nav\nlong enough text"]);
        assert_eq!(out[0].0, Verdict::drop(LineDedupReason::TooShort));
        assert_eq!(out[1].0, Verdict::Keep);
    }

    #[test]
    fn min_docs_out_of_range_is_a_config_error() {
        for min_docs in [0, 1, 256] {
            let config = LineDedupConfig {
                min_docs,
                ..LineDedupConfig::default()
            };
            assert!(config.build().is_err(), "{min_docs}");
        }
    }
}
