//! `bloom_dedup`: Dolma's `dedupe` (allenai/dolma, `src/deduper.rs`,
//! `python/dolma/cli/deduper.py`, `docs/deduplication.md`): one pass over the
//! documents with a Bloom filter; a document (by a key) or a paragraph (a piece
//! of the text between newlines) whose hash the filter already holds is a
//! duplicate, any other is added to the filter. Memory is the filter's,
//! whatever the corpus size; a false positive removes a unique item.
//!
//! Dolma's options, with its names: `level` stands for which of
//! `dedupe.documents` / `dedupe.paragraphs` is configured; `key` is
//! `documents.key` (here `text`, `id`, `url` or a metadata key rather than a
//! JSON path); `paragraph_separator` (`"\n"`), `skip_empty`, `min_length`
//! (bytes of a key, characters of a paragraph, as in Dolma), `min_words` (Unicode words, UAX #29, as
//! Dolma's `uniseg` count); `bloom_filter.estimated_doc_count`,
//! `bloom_filter.desired_false_positive_rate` or `bloom_filter.size_in_bytes`;
//! `num_partitions`.
//!
//! What happens to duplicates: Dolma writes attributes (a `[start, end, 1]`
//! span per duplicate paragraph, or one over the document) and its mixer
//! deletes them in a later run. Here the step removes them: duplicate
//! documents drop as `bloom_duplicate`; duplicate paragraphs are cut out of the
//! text (with their separator) and a document left empty drops as `empty`.
//! `annotate: true` keeps the text and writes Dolma's spans in the metadata
//! instead (`attribute_name`, in characters).
//!
//! # Results do not depend on the task count
//!
//! Dolma's filter is shared by its worker threads, so which copy of an item
//! survives depends on the order threads reach the files. Here the decision
//! is made in a deterministic order, as a [`GlobalStep`]:
//! 1. record, per shard (any task, in parallel): each item's 128-bit hash,
//!    `[ordinal, paragraph, h1, h2]`, in `keys/<shard>/p<partition>.run`;
//! 2. `filter`, one unit per partition: the partition's filter reads the
//!    shards' key files in input order, and each item already there is written
//!    to `dups/<partition>/<shard>.run`; the first occurrence in input order is
//!    the one kept, exactly as Dolma with one process reading the files in that
//!    order;
//! 3. filter, per shard: the duplicates are dropped or cut.
//!
//! Items are spread over `num_partitions` by their hash, as Dolma's
//! `num_partitions` does, each partition with a filter of `1/num_partitions`
//! of the size: items of different partitions are never equal, so a partition
//! decides alone, and the partitions run in parallel on any number of tasks.
//! The memory of a `filter` unit is its filter; the exchange files hold 32
//! bytes per item.

use crate::bloom::{key_hash, BloomFilter, BloomShape};
use crate::exchange::{RecordLayout, ShardFiles, ShardRecorder};
use crate::runs;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::io;
use tamis_api::{Counters, Document, GlobalContext, GlobalDecider, GlobalRecorder, GlobalStep, Reason, Verdict};
use tamis_io::Location;
use unicode_segmentation::UnicodeSegmentation;

const NAME: &str = "bloom_dedup";
/// A duplicate document (`level: document`).
pub const DUPLICATE: Reason = Reason("bloom_duplicate");
/// Every paragraph of the document was a duplicate (`level: paragraph`).
pub const EMPTY: Reason = Reason("empty");
/// The record phase's files: `keys/<shard>/p<partition>.run`.
const KEYS: RecordLayout = RecordLayout {
    kind: "keys",
    prefix: "p",
};
/// Paragraph number recorded for a document-level key.
const WHOLE: u64 = u64::MAX;

/// What is deduplicated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BloomLevel {
    /// Whole documents, by `key` (Dolma's `dedupe.documents`).
    #[default]
    Document,
    /// Paragraphs of the text (Dolma's `dedupe.paragraphs`).
    Paragraph,
}

/// Dolma's `bloom_filter` settings (its `file` and `read_only` have no
/// equivalent: the filter lives for one run).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BloomFilterConfig {
    /// Items expected (documents, or paragraphs at paragraph level).
    pub estimated_doc_count: u64,
    /// The false-positive rate the filter should have once that many are in.
    pub desired_false_positive_rate: f64,
    /// The size, instead of the rate (0: size from the rate).
    pub size_in_bytes: u64,
}

impl Default for BloomFilterConfig {
    fn default() -> Self {
        BloomFilterConfig {
            estimated_doc_count: 0,
            desired_false_positive_rate: 0.0,
            size_in_bytes: 0,
        }
    }
}

/// Configuration of `bloom_dedup`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BloomDedupConfig {
    /// `document` or `paragraph`.
    #[serde(default)]
    pub level: BloomLevel,
    /// Document level: `text`, `id`, `url` or a metadata key.
    #[serde(default = "text")]
    pub key: String,
    /// Paragraph level: what separates paragraphs.
    #[serde(default = "newline")]
    pub paragraph_separator: String,
    /// Leave out empty (whitespace-only) keys and paragraphs.
    #[serde(default)]
    pub skip_empty: bool,
    /// Leave out keys and paragraphs shorter than this, in bytes.
    #[serde(default)]
    pub min_length: usize,
    /// Leave out keys and paragraphs with fewer Unicode words than this.
    #[serde(default)]
    pub min_words: usize,
    /// The filter's size.
    pub bloom_filter: BloomFilterConfig,
    /// Partitions of the items, each with its own share of the filter (1 to 4096).
    #[serde(default = "one")]
    pub num_partitions: usize,
    /// Keep the text, and list the duplicate spans in the metadata instead.
    #[serde(default)]
    pub annotate: bool,
    /// The metadata key of `annotate`.
    #[serde(default = "attribute_name")]
    pub attribute_name: String,
}

fn text() -> String {
    "text".into()
}
fn newline() -> String {
    "\n".into()
}
fn one() -> usize {
    1
}
fn attribute_name() -> String {
    "bff_duplicate_spans".into()
}

impl BloomDedupConfig {
    /// The shape of each partition's filter, or `Err(key, message)`.
    pub fn partition_shape(&self) -> Result<BloomShape, (&'static str, String)> {
        let bloom = &self.bloom_filter;
        if !(1..=4096).contains(&self.num_partitions) {
            return Err((
                "num_partitions",
                format!("{} is not between 1 and 4096", self.num_partitions),
            ));
        }
        if bloom.estimated_doc_count == 0 {
            return Err((
                "bloom_filter.estimated_doc_count",
                "must give the number of items expected".into(),
            ));
        }
        let parts = self.num_partitions as u64;
        let expected = bloom.estimated_doc_count.div_ceil(parts);
        let shape = if bloom.size_in_bytes > 0 {
            BloomShape::for_bits(bloom.size_in_bytes.saturating_mul(8) / parts, expected)
        } else {
            let rate = bloom.desired_false_positive_rate;
            if !(rate > 0.0 && rate < 1.0) {
                return Err((
                    "bloom_filter.desired_false_positive_rate",
                    format!("{rate} is not within (0, 1); or give size_in_bytes"),
                ));
            }
            BloomShape::for_rate(expected, rate)
        };
        if shape.bytes().saturating_mul(parts) > 1 << 40 {
            return Err((
                "bloom_filter",
                format!("{} bytes is more than 1 TiB", shape.bytes() * parts),
            ));
        }
        Ok(shape)
    }

    /// `Err(key, message)` for a value out of range.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        self.partition_shape()?;
        if self.level == BloomLevel::Paragraph && self.paragraph_separator.is_empty() {
            return Err(("paragraph_separator", "must not be empty".into()));
        }
        if self.key.is_empty() {
            return Err(("key", "must name a field".into()));
        }
        Ok(())
    }
}

/// The built step.
pub struct BloomDedup {
    config: BloomDedupConfig,
    shape: BloomShape,
}

impl BloomDedup {
    /// The step for a configuration; checks it.
    pub fn new(config: BloomDedupConfig) -> Result<Self, (&'static str, String)> {
        config.check()?;
        let shape = config.partition_shape()?;
        Ok(BloomDedup { config, shape })
    }

    /// Each partition's filter.
    pub fn partition_shape(&self) -> BloomShape {
        self.shape
    }

    /// Whether Dolma would deduplicate this key or paragraph: `length` is
    /// in bytes for a key, in characters for a paragraph, as in Dolma.
    fn counts(&self, item: &str, length: usize) -> bool {
        if length < self.config.min_length {
            return false;
        }
        if self.config.min_words > 0 {
            return item.unicode_words().count() >= self.config.min_words;
        }
        !(self.config.skip_empty && item.trim().is_empty())
    }

    fn key<'d>(&self, doc: &'d Document) -> Option<std::borrow::Cow<'d, str>> {
        match self.config.key.as_str() {
            "text" => Some(doc.text.as_str().into()),
            "id" => Some(doc.id.as_str().into()),
            "url" => doc.url.as_deref().map(Into::into),
            field => match doc.metadata.get(field)? {
                Value::Null => None,
                Value::String(s) => Some(s.as_str().into()),
                other => Some(other.to_string().into()),
            },
        }
    }
}

/// The partition of the item whose hash starts with `h1`: a multiplicative
/// mix, so that the partition and the filter's positions (from the high bits
/// of `h1 + i·h2`) are independent.
fn partition(h1: u64, partitions: usize) -> usize {
    ((h1.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) % partitions as u64) as usize
}

struct Recorder {
    count: usize,
    ordinal: u64,
    partitions: ShardRecorder,
}

impl GlobalRecorder for Recorder {
    fn record(&mut self, summary: &[u64]) -> io::Result<()> {
        for item in summary.chunks_exact(3) {
            let partition = partition(item[1], self.count);
            self.partitions
                .push(partition, &[self.ordinal, item[0], item[1], item[2]])?;
        }
        self.ordinal += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        self.partitions.finish()
    }
}

/// `dups/<partition>/`: what the `filter` unit of `partition` writes.
fn dups_dir(dir: &Location, partition: usize) -> Location {
    dir.join(&format!("dups/{partition:04}"))
}

impl GlobalStep for BloomDedup {
    fn name(&self) -> &'static str {
        NAME
    }

    /// `[paragraph, h1, h2]` per item to check (paragraph `u64::MAX` for a
    /// document key).
    fn summarize(&self, doc: &Document) -> Vec<u64> {
        match self.config.level {
            BloomLevel::Document => match self.key(doc) {
                Some(key) if self.counts(&key, key.len()) => {
                    let (h1, h2) = key_hash(key.as_bytes());
                    vec![WHOLE, h1, h2]
                }
                _ => Vec::new(),
            },
            BloomLevel::Paragraph => {
                let mut out = Vec::new();
                for (i, paragraph) in doc.text.split(self.config.paragraph_separator.as_str()).enumerate() {
                    if self.counts(paragraph, paragraph.chars().count()) {
                        let (h1, h2) = key_hash(paragraph.as_bytes());
                        out.extend([i as u64, h1, h2]);
                    }
                }
                out
            }
        }
    }

    fn recorder(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalRecorder>> {
        Ok(Box::new(Recorder {
            count: self.config.num_partitions,
            ordinal: 0,
            partitions: ShardRecorder::start(KEYS, context, shard, self.config.num_partitions, 4)?,
        }))
    }

    fn phases(&self) -> Vec<&'static str> {
        vec!["filter"]
    }

    fn units(&self, _phase: usize, _context: &GlobalContext) -> usize {
        self.config.num_partitions
    }

    fn run_unit(&self, _phase: usize, unit: usize, context: &GlobalContext) -> io::Result<Counters> {
        let mut files = ShardFiles::create(&dups_dir(context.dir, unit))?;
        let mut filter = BloomFilter::new(self.shape);
        let mut items = 0u64;
        for shard in 0..context.shards.len() {
            runs::for_each(&KEYS.file(context.dir, shard, unit), 4, &mut |r| {
                items += 1;
                if filter.check_and_insert(r[2], r[3]) {
                    files.push(shard, &[r[0], r[1]])?;
                }
                Ok(())
            })?;
        }
        let duplicates = files.finish()?;
        let mut counters = Counters::default();
        counters.add("items", items);
        counters.add("duplicates", duplicates);
        counters.add("filter_bytes", self.shape.bytes());
        counters.add("filter_bits_set", filter.bits_set());
        if unit == 0 {
            counters.add("hash_functions", u64::from(self.shape.hashes));
            let expected = self
                .config
                .bloom_filter
                .estimated_doc_count
                .div_ceil(self.config.num_partitions as u64);
            let rate = self.shape.false_positive_rate(expected);
            counters.add("expected_false_positive_ppm", (rate * 1e6).round() as u64);
        }
        Ok(counters)
    }

    fn decider(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalDecider>> {
        let mut dups = Vec::new();
        for partition in 0..self.config.num_partitions {
            runs::for_each(
                &ShardFiles::file(&dups_dir(context.dir, partition), shard),
                2,
                &mut |r| {
                    dups.push((r[0], r[1]));
                    Ok(())
                },
            )?;
        }
        dups.sort_unstable();
        Ok(Box::new(Decider {
            dups,
            config: self.config.clone(),
        }))
    }
}

/// Removes one shard's duplicates.
struct Decider {
    /// `(ordinal, paragraph)`, sorted.
    dups: Vec<(u64, u64)>,
    config: BloomDedupConfig,
}

impl GlobalDecider for Decider {
    fn decide(&self, ordinal: u64, doc: &mut Document, counters: &mut Counters) -> Verdict {
        let first = self.dups.partition_point(|&(o, _)| o < ordinal);
        let end = self.dups.partition_point(|&(o, _)| o <= ordinal);
        let dups = &self.dups[first..end];
        if dups.is_empty() {
            return Verdict::Keep;
        }
        if dups[0].1 == WHOLE {
            if self.config.annotate {
                let chars = doc.text.chars().count();
                doc.metadata
                    .insert(self.config.attribute_name.clone(), json!([[0, chars, 1]]));
                return Verdict::Keep;
            }
            return Verdict::Drop(DUPLICATE);
        }
        let separator = self.config.paragraph_separator.as_str();
        let (mut kept, mut spans, mut at, mut removed) = (Vec::new(), Vec::new(), 0usize, 0u64);
        let mut next = dups.iter().map(|d| d.1).peekable();
        let count = doc.text.split(separator).count();
        for (i, paragraph) in doc.text.split(separator).enumerate() {
            let chars = paragraph.chars().count() + if i + 1 < count { separator.chars().count() } else { 0 };
            if next.peek() == Some(&(i as u64)) {
                next.next();
                spans.push(json!([at, at + chars, 1]));
                removed += paragraph.len() as u64;
            } else {
                kept.push(paragraph);
            }
            at += chars;
        }
        counters.add("paragraphs_removed", spans.len() as u64);
        counters.add("bytes_removed", removed);
        if self.config.annotate {
            doc.metadata
                .insert(self.config.attribute_name.clone(), Value::Array(spans));
            return Verdict::Keep;
        }
        doc.text = kept.join(separator);
        if doc.text.trim().is_empty() {
            Verdict::Drop(EMPTY)
        } else {
            Verdict::Keep
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> BloomDedupConfig {
        serde_json::from_value(serde_json::from_str(yaml).unwrap()).unwrap()
    }

    #[test]
    fn configuration_is_checked() {
        let ok = config(r#"{"bloom_filter": {"estimated_doc_count": 1000, "desired_false_positive_rate": 0.01}}"#);
        assert_eq!(BloomDedup::new(ok).unwrap().partition_shape().hashes, 7);
        let no_count = config(r#"{"bloom_filter": {"desired_false_positive_rate": 0.01}}"#);
        assert_eq!(
            BloomDedup::new(no_count).err().unwrap().0,
            "bloom_filter.estimated_doc_count"
        );
        let no_rate = config(r#"{"bloom_filter": {"estimated_doc_count": 10}}"#);
        assert_eq!(
            BloomDedup::new(no_rate).err().unwrap().0,
            "bloom_filter.desired_false_positive_rate"
        );
        let sized =
            config(r#"{"bloom_filter": {"estimated_doc_count": 1000, "size_in_bytes": 4096}, "num_partitions": 2}"#);
        assert_eq!(BloomDedup::new(sized).unwrap().partition_shape().bytes(), 2048);
        let huge = config(r#"{"bloom_filter": {"estimated_doc_count": 1000, "size_in_bytes": 2000000000000}}"#);
        assert!(BloomDedup::new(huge).is_err());
        assert!(serde_json::from_str::<BloomDedupConfig>(r#"{"bloom_filter": {}, "levels": "document"}"#).is_err());
    }

    #[test]
    fn paragraphs_are_cut_or_annotated() {
        let mut c = config(
            r#"{"level": "paragraph", "skip_empty": true, "bloom_filter": {"estimated_doc_count": 100, "desired_false_positive_rate": 0.001}}"#,
        );
        let step = BloomDedup::new(c.clone()).unwrap();
        let doc = Document::new("a", "Héllo\n\nshared line\nown line");
        let summary = step.summarize(&doc);
        assert_eq!(summary.len(), 9, "the empty paragraph is skipped");
        assert_eq!(summary[3], 2);
        let decider = Decider {
            dups: vec![(4, 0), (4, 2)],
            config: c.clone(),
        };
        let mut counters = Counters::default();
        let mut d = doc.clone();
        assert_eq!(decider.decide(4, &mut d, &mut counters), Verdict::Keep);
        assert_eq!(d.text, "\nown line");
        let mut untouched = doc.clone();
        assert_eq!(decider.decide(3, &mut untouched, &mut counters), Verdict::Keep);
        assert_eq!(untouched.text, doc.text);
        c.annotate = true;
        let annotating = Decider {
            dups: vec![(4, 0), (4, 2)],
            config: c,
        };
        let mut d = doc.clone();
        assert_eq!(annotating.decide(4, &mut d, &mut counters), Verdict::Keep);
        assert_eq!(d.text, doc.text);
        assert_eq!(d.metadata["bff_duplicate_spans"], json!([[0, 6, 1], [7, 19, 1]]));
        let mut gone = Document::new("b", "x\ny");
        let all = Decider {
            dups: vec![(0, 0), (0, 1)],
            config: config(r#"{"level": "paragraph", "bloom_filter": {"estimated_doc_count": 1, "size_in_bytes": 8}}"#),
        };
        assert_eq!(all.decide(0, &mut gone, &mut counters), Verdict::Drop(EMPTY));
    }
}
