//! `sentence_dedup`: every span of `n` sentences (3) seen earlier in the corpus
//! is cut out of later documents, and documents left too short are dropped —
//! datatrove 0.10.1's `SentenceDedupSignature` / `SentenceFindDedups` /
//! `SentenceDedupFilter` (`pipeline/dedup/sentence_dedup.py`), after C4's
//! "discarded all but one of any three-sentence span occurring more than once".
//! The text side (sentences, hashes, cuts) is [`crate::sentences`].
//!
//! Exchange files under the step's directory (the rules in [`crate::exchange`]):
//! - record, per shard: `spans/<shard>/p<partition>.run`, records
//!   `[hash, document key, sentence index]` sorted, the partition being
//!   `hash mod partitions` (sorted under the memory budget in local scratch);
//! - `find`, one unit per partition: k-way merge of the partition's file of
//!   every shard; in each group of equal hashes the first record — the smallest
//!   `(key, sentence)`, the first occurrence in input order — stays, every other
//!   one is a duplicate. Duplicates are re-sorted by key (an external sort in
//!   local scratch) into `dups/<unit>/<shard>.run`, records
//!   `ordinal << 32 | sentence index`;
//! - filter, per shard: the windows named there are cut out of the document;
//!   a document whose text changed and is left with fewer than `min_doc_words`
//!   words or `min_num_sentences` sentences is dropped (`too_few_words`,
//!   `too_few_sentences`), as is a document left empty (`empty`). Edited and
//!   dropped documents get `sentence_dedup_removed`, the sentences cut.
//!
//! datatrove keeps the first occurrence in the order of its signature files'
//! records, `(hash, doc index within its task, task, sentence)`: input order
//! when one task writes the signatures, as in the parity benchmark, but not
//! with several. Here the order is the input order whatever the task count.

use crate::clusters;
use crate::exchange::{RecordLayout, ShardFiles, ShardRecorder};
use crate::runs::{self, RunWriter, Scratch};
use crate::sentences::Sentences;
use crate::signature::HashFunction;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io;
use tamis_api::{Counters, Document, GlobalContext, GlobalDecider, GlobalRecorder, GlobalStep, Reason, Verdict};
use tamis_io::Location;
use tamis_text::WordTokenizer;

const NAME: &str = "sentence_dedup";
/// Metadata key: how many sentences were cut out of the document.
const REMOVED: &str = "sentence_dedup_removed";
/// The record phase's files: `spans/<shard>/p<partition>.run`.
const SPANS: RecordLayout = RecordLayout {
    kind: "spans",
    prefix: "p",
};

/// datatrove's `HashConfig`: the hash of a span's normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct HashConfig {
    /// 64 or 32 bits.
    pub precision: u32,
    /// `xxhash` (seed 0) or `sha1` (its first bytes).
    pub hash_fc: HashFunction,
}

impl Default for HashConfig {
    fn default() -> Self {
        HashConfig {
            precision: 64,
            hash_fc: HashFunction::Xxhash,
        }
    }
}

/// Configuration of `sentence_dedup`: datatrove's `SentDedupConfig` names and
/// defaults, its steps' `language`, and the units of the `find` phase.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SentenceDedupConfig {
    /// Sentences per hashed span.
    pub n_sentences: usize,
    /// Sentences from the word tokenizer; `false` uses the text's lines.
    pub split_sentences: bool,
    /// datatrove only matches against an index of earlier corpora when it has
    /// one; tamis has no index, so, as datatrove without one, this changes
    /// nothing: spans are matched within the corpus.
    pub only_dedup_in_index: bool,
    /// An edited document with fewer words is dropped (0: no minimum).
    pub min_doc_words: usize,
    /// An edited document with fewer sentences is dropped (0: no minimum).
    pub min_num_sentences: usize,
    /// A run of duplicate sentences with fewer words stays (0: every run goes).
    pub min_words_to_remove_span: usize,
    /// The span hash.
    pub hash_config: HashConfig,
    /// The language of the word tokenizer that splits sentences and counts words.
    pub language: String,
    /// Units of the `find` phase (1 to 4096); datatrove's `finder_workers`.
    pub partitions: usize,
}

impl Default for SentenceDedupConfig {
    fn default() -> Self {
        SentenceDedupConfig {
            n_sentences: 3,
            split_sentences: true,
            only_dedup_in_index: true,
            min_doc_words: 50,
            min_num_sentences: 3,
            min_words_to_remove_span: 0,
            hash_config: HashConfig::default(),
            language: "en".into(),
            partitions: 16,
        }
    }
}

impl SentenceDedupConfig {
    /// `Err(key, message)` for a value out of range.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if !(1..=64).contains(&self.n_sentences) {
            return Err(("n_sentences", format!("{} is not between 1 and 64", self.n_sentences)));
        }
        if !(1..=4096).contains(&self.partitions) {
            return Err(("partitions", format!("{} is not between 1 and 4096", self.partitions)));
        }
        if self.hash_config.precision != 64 && self.hash_config.precision != 32 {
            return Err((
                "hash_config",
                format!("precision {} is neither 64 nor 32", self.hash_config.precision),
            ));
        }
        Ok(())
    }
}

/// The built step.
pub struct SentenceDedup {
    config: SentenceDedupConfig,
    sentences: Sentences,
}

impl SentenceDedup {
    /// The step for a checked configuration.
    pub fn new(config: SentenceDedupConfig) -> Self {
        let sentences = Sentences::new(
            WordTokenizer::for_language(&config.language),
            config.n_sentences,
            config.split_sentences,
            config.min_words_to_remove_span,
            config.hash_config.hash_fc,
            config.hash_config.precision,
        );
        SentenceDedup { config, sentences }
    }
}

/// Where unit `unit` of `find` writes its per-shard duplicate files.
fn dups_dir(dir: &Location, unit: usize) -> Location {
    dir.join(&format!("dups/{unit:04}"))
}

struct Recorder {
    shard: usize,
    ordinal: u64,
    count: usize,
    partitions: ShardRecorder,
}

impl GlobalRecorder for Recorder {
    fn record(&mut self, summary: &[u64]) -> io::Result<()> {
        let key = clusters::key(self.shard, self.ordinal);
        for pair in summary.chunks_exact(2) {
            let (hash, sentence) = (pair[0], pair[1]);
            let partition = (hash % self.count as u64) as usize;
            self.partitions.push(partition, &[hash, key, sentence])?;
        }
        self.ordinal += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        self.partitions.finish()
    }
}

impl GlobalStep for SentenceDedup {
    fn name(&self) -> &'static str {
        NAME
    }

    /// `[hash, sentence index]` per span; indices stop at 2^32 (a duplicate is
    /// stored as `ordinal << 32 | index`), far beyond any real document.
    fn summarize(&self, doc: &Document) -> Vec<u64> {
        let mut spans = Vec::new();
        self.sentences.span_hashes(&doc.text, &mut spans);
        if let Some(cut) = spans.chunks_exact(2).position(|p| p[1] > u64::from(u32::MAX)) {
            spans.truncate(cut * 2);
        }
        spans
    }

    fn recorder(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalRecorder>> {
        let count = self.config.partitions;
        Ok(Box::new(Recorder {
            shard,
            ordinal: 0,
            count,
            partitions: ShardRecorder::start(SPANS, context, shard, count, 3)?,
        }))
    }

    fn phases(&self) -> Vec<&'static str> {
        vec!["find"]
    }

    fn units(&self, _phase: usize, _context: &GlobalContext) -> usize {
        self.config.partitions
    }

    fn run_unit(&self, _phase: usize, unit: usize, context: &GlobalContext) -> io::Result<Counters> {
        let inputs = SPANS.partition_files(context.dir, context.shards.len(), unit);
        let mut files = ShardFiles::create(&dups_dir(context.dir, unit))?;
        let scratch = Scratch::create(context.scratch, &format!("find-p{unit:03}"))?;
        // `[key, sentence]` of every duplicate, re-sorted by key under the budget.
        let mut by_key = RunWriter::new(scratch.path(), "by-key", 2, context.mem_budget);
        let mut current: Option<u64> = None;
        let (mut spans, mut duplicates) = (0u64, 0u64);
        runs::merge(&inputs, 3, scratch.path(), &mut |record| {
            spans += 1;
            if current == Some(record[0]) {
                duplicates += 1;
                by_key.push(&record[1..])
            } else {
                current = Some(record[0]);
                Ok(())
            }
        })?;
        by_key.drain_sorted(&mut |r| {
            let (shard, ordinal) = clusters::split(r[0]);
            files.push(shard, &[ordinal << 32 | r[1]])
        })?;
        files.finish()?;
        let mut counters = Counters::default();
        counters.add("spans", spans);
        counters.add("duplicate_spans", duplicates);
        Ok(counters)
    }

    fn decider(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalDecider>> {
        let mut duplicates = Vec::new();
        for unit in 0..self.config.partitions {
            runs::for_each(&ShardFiles::file(&dups_dir(context.dir, unit), shard), 1, &mut |r| {
                duplicates.push(r[0]);
                Ok(())
            })?;
        }
        duplicates.sort_unstable();
        Ok(Box::new(Decider {
            duplicates,
            config: self.config.clone(),
            sentences: self.sentences.clone(),
        }))
    }
}

/// Cuts the duplicate spans of one shard's documents. Holds the shard's
/// duplicates, 8 bytes each, outside the memory budget.
struct Decider {
    /// `ordinal << 32 | sentence index`, sorted.
    duplicates: Vec<u64>,
    config: SentenceDedupConfig,
    sentences: Sentences,
}

impl GlobalDecider for Decider {
    fn decide(&self, ordinal: u64, doc: &mut Document, counters: &mut Counters) -> Verdict {
        let low = self.duplicates.partition_point(|&d| d >> 32 < ordinal);
        let high = self.duplicates.partition_point(|&d| d >> 32 <= ordinal);
        if low == high {
            return if doc.text.is_empty() {
                Verdict::Drop(Reason("empty"))
            } else {
                Verdict::Keep
            };
        }
        let starts: Vec<u64> = self.duplicates[low..high].iter().map(|d| d & 0xffff_ffff).collect();
        let cut = self.sentences.cut(&doc.text, &starts);
        counters.add("original_sentences", cut.sentences as u64);
        counters.add("removed_sentences", cut.removed as u64);
        if cut.text == doc.text {
            return Verdict::Keep;
        }
        doc.metadata.insert(REMOVED.into(), Value::from(cut.removed));
        if cut.text.is_empty() {
            return Verdict::Drop(Reason("empty"));
        }
        let (words, sentences) = self.sentences.words_and_sentences(&cut.text);
        if self.config.min_doc_words > 0 && words < self.config.min_doc_words {
            return Verdict::Drop(Reason("too_few_words"));
        }
        if self.config.min_num_sentences > 0 && sentences < self.config.min_num_sentences {
            return Verdict::Drop(Reason("too_few_sentences"));
        }
        counters.add("edited_documents", 1);
        doc.text = cut.text;
        Verdict::Keep
    }
}
