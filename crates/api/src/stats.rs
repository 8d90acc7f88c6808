use crate::histogram::{merge_histograms, Histogram};
use crate::sample::{merge_samples, Sample};
use crate::top::TopCounts;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::AddAssign;

/// The version of the `stats.json` schema this tamis writes. Files without
/// one are version 1 (before step configurations and distributions); every
/// field added since has a default, so a newer tamis reads older files.
pub const SCHEMA_VERSION: u32 = 2;

fn legacy_version() -> u32 {
    1
}

/// How many error locations are kept per reason; the counts are always exact.
pub const MAX_ERROR_SAMPLES: usize = 20;

/// The statistics of one task, or of several tasks added together.
///
/// Written as `OUTPUT/stats/<task>.json` by each task and merged into
/// `OUTPUT/stats.json`. Every field adds up across workers and tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// The schema version ([`SCHEMA_VERSION`] when written by this tamis).
    #[serde(default = "legacy_version")]
    pub schema_version: u32,
    /// Number of tasks these stats cover.
    pub tasks: u64,
    /// Records read, and what the readers made of them.
    pub read: ReadStats,
    /// One entry per step, in pipeline order.
    pub steps: Vec<StepStats>,
    /// Documents that reached the output.
    pub kept: u64,
    /// Uncompressed bytes of JSON written for kept documents.
    pub bytes_out: u64,
    /// What the output schema could not hold as given (Parquet output only).
    #[serde(default, skip_serializing_if = "SchemaStats::is_empty")]
    pub output_schema: SchemaStats,
    /// Distributions over the documents that reached the output.
    #[serde(default, skip_serializing_if = "OutputStats::is_empty")]
    pub output: OutputStats,
    /// Documents kept and removed per domain (of their URL).
    #[serde(default, skip_serializing_if = "DomainStats::is_empty")]
    pub domains: DomainStats,
    /// What the writers did.
    #[serde(default)]
    pub write: WriteStats,
    /// Wall time of the task, summed over tasks when merged.
    pub seconds: f64,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            schema_version: SCHEMA_VERSION,
            tasks: 0,
            read: ReadStats::default(),
            steps: Vec::new(),
            kept: 0,
            bytes_out: 0,
            output_schema: SchemaStats::default(),
            output: OutputStats::default(),
            domains: DomainStats::default(),
            write: WriteStats::default(),
            seconds: 0.0,
        }
    }
}

/// What the writers did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WriteStats {
    /// Time the writer threads spent encoding and writing documents (kept,
    /// removed and staged), waiting for documents left out; summed over tasks.
    #[serde(default)]
    pub seconds: f64,
    /// Documents the writers could not encode (a panic in serialisation), by
    /// output: [`UNWRITTEN_KEPT`] ones left the last step but are not in the
    /// output (and not in `kept`); [`UNWRITTEN_REMOVED`] ones were dropped by a
    /// step and are missing from the removed output. Samples name their ids.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unwritten: BTreeMap<String, ReasonCount>,
}

/// Distributions over the kept documents: `chars`, `words` (separated by
/// white space), `tokens` (the `token_count` metadata, when a step wrote it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutputStats {
    /// Histograms by metric.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub histograms: BTreeMap<String, Histogram>,
    /// Kept documents by their `language` metadata.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub languages: BTreeMap<String, u64>,
    /// Removed documents that had a `language` when removed, by language,
    /// then by the step that removed them: where each language's documents
    /// went (datatrove's per-language stats groups answer the same question).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub removed_by_language: BTreeMap<String, BTreeMap<String, u64>>,
    /// Sum of the kept documents' `token_count` metadata.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub tokens: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl OutputStats {
    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.histograms.is_empty()
            && self.languages.is_empty()
            && self.removed_by_language.is_empty()
            && self.tokens == 0
    }
}

impl AddAssign<&OutputStats> for OutputStats {
    fn add_assign(&mut self, other: &OutputStats) {
        merge_histograms(&mut self.histograms, &other.histograms);
        for (language, n) in &other.languages {
            bump(&mut self.languages, language, *n);
        }
        for (language, steps) in &other.removed_by_language {
            let mine = self.removed_by_language.entry(language.clone()).or_default();
            for (step, n) in steps {
                bump(mine, step, *n);
            }
        }
        self.tokens += other.tokens;
    }
}

/// Documents per domain, the most frequent ones (see [`crate::TopCounts`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DomainStats {
    /// Domains of the documents that reached the output.
    #[serde(default)]
    pub kept: TopCounts,
    /// Domains of the documents a step removed.
    #[serde(default)]
    pub removed: TopCounts,
}

impl DomainStats {
    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.removed.is_empty()
    }
}

impl AddAssign<&DomainStats> for DomainStats {
    fn add_assign(&mut self, other: &DomainStats) {
        self.kept.merge(&other.kept);
        self.removed.merge(&other.removed);
    }
}

/// What the readers saw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReadStats {
    /// Input files (shards) processed.
    pub files: u64,
    /// Records that were candidates for documents: documents produced plus errors.
    pub records: u64,
    /// Records that became documents.
    pub documents: u64,
    /// Bytes of input files consumed, as stored (compressed).
    pub bytes_in: u64,
    /// Records deliberately skipped, by kind (e.g. WARC `request`, `metadata`).
    pub skipped: BTreeMap<String, u64>,
    /// Records that failed to parse, by reason, with sample locations.
    pub errors: BTreeMap<String, ReasonCount>,
    /// Time the reader threads spent reading, decompressing and framing
    /// records (input, and staged documents read back), waiting for the
    /// workers left out; summed over tasks.
    #[serde(default)]
    pub seconds: f64,
}

impl ReadStats {
    /// Total number of read errors over all reasons.
    pub fn error_count(&self) -> u64 {
        self.errors.values().map(|r| r.count).sum()
    }

    /// Counts one read error, keeping its location if there is room.
    pub fn add_error(&mut self, reason: &str, sample: ErrorSample) {
        self.records += 1;
        self.errors.entry(reason.to_string()).or_default().add(sample);
    }
}

/// The [`WriteStats::unwritten`] key of documents missing from the output.
pub const UNWRITTEN_KEPT: &str = "kept";
/// The [`WriteStats::unwritten`] key of documents missing from the removed output.
pub const UNWRITTEN_REMOVED: &str = "removed";

/// A count, with a few of the places where it happened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReasonCount {
    /// How many times.
    pub count: u64,
    /// Up to 20 locations (`MAX_ERROR_SAMPLES`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<ErrorSample>,
}

impl ReasonCount {
    /// Counts one more, keeping its location if there is room.
    pub fn add(&mut self, sample: ErrorSample) {
        self.count += 1;
        if self.samples.len() < MAX_ERROR_SAMPLES {
            self.samples.push(sample);
        }
    }
}

impl AddAssign<&ReasonCount> for ReasonCount {
    fn add_assign(&mut self, other: &ReasonCount) {
        self.count += other.count;
        let room = MAX_ERROR_SAMPLES.saturating_sub(self.samples.len());
        self.samples.extend(other.samples.iter().take(room).cloned());
    }
}

/// Where a read error happened.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorSample {
    /// Input file.
    pub file: String,
    /// Byte offset in the file as stored: the start of the gzip member for
    /// record-compressed WARC, of the record or line otherwise.
    pub offset: u64,
    /// Human-readable detail.
    pub detail: String,
}

/// What a fixed output schema (Parquet's columns) could not hold as given.
///
/// A document never breaks a run over its metadata: a value of the wrong type
/// for its column is written as null, and a key that has no column (in a
/// schema without a catch-all column) is left out; both are counted here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SchemaStats {
    /// Values written as null because their type did not fit the column, by column.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub nulled: BTreeMap<String, u64>,
    /// Metadata keys left out because the schema has no column for them, by key.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dropped: BTreeMap<String, u64>,
}

/// Distinct keys [`SchemaStats::dropped`] names before counting the rest under
/// [`OTHER_KEYS`]: metadata keys can be made up per document.
pub const MAX_DROPPED_KEYS: usize = 1000;
/// Where dropped keys past [`MAX_DROPPED_KEYS`] are counted.
pub const OTHER_KEYS: &str = "(other keys)";

impl SchemaStats {
    /// Whether nothing was nulled or dropped.
    pub fn is_empty(&self) -> bool {
        self.nulled.is_empty() && self.dropped.is_empty()
    }

    /// Counts a value of the wrong type written as null in `column`.
    pub fn add_nulled(&mut self, column: &str) {
        bump(&mut self.nulled, column, 1);
    }

    /// Counts `n` documents whose metadata key `key` was left out.
    pub fn add_dropped(&mut self, key: &str, n: u64) {
        bump(&mut self.dropped, key, n);
    }
}

/// Adds `n` to `counts[key]`, or to [`OTHER_KEYS`] once `counts` names
/// [`MAX_DROPPED_KEYS`] keys.
fn bump(counts: &mut BTreeMap<String, u64>, key: &str, n: u64) {
    if let Some(count) = counts.get_mut(key) {
        *count += n;
    } else if counts.len() < MAX_DROPPED_KEYS {
        counts.insert(key.to_string(), n);
    } else {
        *counts.entry(OTHER_KEYS.to_string()).or_insert(0) += n;
    }
}

impl AddAssign<&SchemaStats> for SchemaStats {
    fn add_assign(&mut self, other: &SchemaStats) {
        for (column, n) in &other.nulled {
            bump(&mut self.nulled, column, *n);
        }
        for (key, n) in &other.dropped {
            bump(&mut self.dropped, key, *n);
        }
    }
}

/// What one step did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StepStats {
    /// The step's name as in the pipeline file.
    pub name: String,
    /// The step's configuration with every default filled in, as the
    /// pipeline file would write it (thresholds for a report to draw).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub config: serde_json::Value,
    /// Documents that reached the step.
    pub input: u64,
    /// Documents the step passed on.
    pub kept: u64,
    /// Bytes of text of the documents that reached the step (UTF-8).
    #[serde(default)]
    pub bytes_in: u64,
    /// Bytes of text of the documents the step passed on, as it left them.
    #[serde(default)]
    pub bytes_kept: u64,
    /// Documents the step dropped, by reason.
    pub dropped: BTreeMap<String, u64>,
    /// The step's own counters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub counters: BTreeMap<String, u64>,
    /// Distributions of the values the step computed, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub histograms: BTreeMap<String, Histogram>,
    /// A deterministic sample of the removed documents, by reason
    /// ([`crate::sample`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub samples: BTreeMap<String, Vec<Sample>>,
    /// A deterministic sample of the documents the step edited and kept
    /// (text before and after), the same way.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<Sample>,
    /// Time spent in the step, summed over workers.
    pub seconds: f64,
}

impl StepStats {
    /// Stats for a step that has not seen any document yet.
    pub fn new(name: &str) -> Self {
        StepStats {
            name: name.to_string(),
            ..StepStats::default()
        }
    }

    /// Total dropped over all reasons.
    pub fn dropped_count(&self) -> u64 {
        self.dropped.values().sum()
    }
}

/// The conservation law was broken: documents appeared or vanished unaccounted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConservationError(pub String);

impl std::fmt::Display for ConservationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "conservation law broken: {}", self.0)
    }
}

impl std::error::Error for ConservationError {}

impl Stats {
    /// Empty stats for a pipeline with these steps.
    pub fn for_steps<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Stats {
            steps: names.into_iter().map(StepStats::new).collect(),
            ..Stats::default()
        }
    }

    /// Checks `read = kept + Σ dropped + errors`, and that each step passes on
    /// exactly what it did not drop to the next one.
    pub fn check_conservation(&self) -> Result<(), ConservationError> {
        let read = &self.read;
        let errors = read.error_count();
        if read.records != read.documents + errors {
            return Err(ConservationError(format!(
                "{} records read but {} documents + {} errors",
                read.records, read.documents, errors
            )));
        }
        let mut flowing = read.documents;
        for step in &self.steps {
            if step.input != flowing {
                return Err(ConservationError(format!(
                    "step {} received {} documents, {} were sent to it",
                    step.name, step.input, flowing
                )));
            }
            if step.input != step.kept + step.dropped_count() {
                return Err(ConservationError(format!(
                    "step {} received {} documents but kept {} and dropped {}",
                    step.name,
                    step.input,
                    step.kept,
                    step.dropped_count()
                )));
            }
            flowing = step.kept;
        }
        let unwritten = self.write.unwritten.get(UNWRITTEN_KEPT).map_or(0, |u| u.count);
        if flowing != self.kept + unwritten {
            return Err(ConservationError(format!(
                "{} documents left the last step but {} were written and {} could not be",
                flowing, self.kept, unwritten
            )));
        }
        Ok(())
    }

    /// Adds `other` into `self`; fails if the two ran different pipelines.
    pub fn merge(&mut self, other: &Stats) -> Result<(), ConservationError> {
        if self.tasks == 0 && self.steps.is_empty() {
            self.steps = other
                .steps
                .iter()
                .map(|s| StepStats {
                    config: s.config.clone(),
                    ..StepStats::new(&s.name)
                })
                .collect();
        }
        let ours: Vec<_> = self.steps.iter().map(|s| &s.name).collect();
        let theirs: Vec<_> = other.steps.iter().map(|s| &s.name).collect();
        if ours != theirs {
            return Err(ConservationError(format!(
                "cannot merge stats of different pipelines: {ours:?} and {theirs:?}"
            )));
        }
        self.tasks += other.tasks;
        self.read += &other.read;
        for (mine, theirs) in self.steps.iter_mut().zip(&other.steps) {
            *mine += theirs;
        }
        self.kept += other.kept;
        self.bytes_out += other.bytes_out;
        self.output_schema += &other.output_schema;
        for (output, theirs) in &other.write.unwritten {
            *self.write.unwritten.entry(output.clone()).or_default() += theirs;
        }
        self.output += &other.output;
        self.domains += &other.domains;
        self.schema_version = self.schema_version.max(other.schema_version);
        self.write.seconds += other.write.seconds;
        self.seconds += other.seconds;
        Ok(())
    }
}

impl AddAssign<&ReadStats> for ReadStats {
    fn add_assign(&mut self, other: &ReadStats) {
        self.files += other.files;
        self.records += other.records;
        self.documents += other.documents;
        self.bytes_in += other.bytes_in;
        self.seconds += other.seconds;
        for (kind, n) in &other.skipped {
            *self.skipped.entry(kind.clone()).or_insert(0) += n;
        }
        for (reason, theirs) in &other.errors {
            *self.errors.entry(reason.clone()).or_default() += theirs;
        }
    }
}

impl AddAssign<&StepStats> for StepStats {
    fn add_assign(&mut self, other: &StepStats) {
        self.input += other.input;
        self.kept += other.kept;
        self.bytes_in += other.bytes_in;
        self.bytes_kept += other.bytes_kept;
        for (reason, n) in &other.dropped {
            *self.dropped.entry(reason.clone()).or_insert(0) += n;
        }
        for (name, n) in &other.counters {
            *self.counters.entry(name.clone()).or_insert(0) += n;
        }
        if self.config.is_null() {
            self.config = other.config.clone();
        }
        merge_histograms(&mut self.histograms, &other.histograms);
        for (reason, theirs) in &other.samples {
            merge_samples(self.samples.entry(reason.clone()).or_default(), theirs);
        }
        merge_samples(&mut self.edits, &other.edits);
        self.seconds += other.seconds;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_task() -> Stats {
        let mut stats = Stats::for_steps(["a", "b"]);
        stats.tasks = 1;
        stats.read.documents = 10;
        stats.read.records = 10;
        stats.read.add_error("gzip_truncated", ErrorSample::default());
        stats.steps[0].input = 10;
        stats.steps[0].kept = 8;
        stats.steps[0].dropped.insert("empty".into(), 2);
        stats.steps[1].input = 8;
        stats.steps[1].kept = 8;
        stats.kept = 8;
        stats
    }

    #[test]
    fn balanced_stats_conserve() {
        let stats = one_task();
        assert_eq!(stats.read.records, 11);
        stats.check_conservation().unwrap();
    }

    #[test]
    fn a_lost_document_breaks_conservation() {
        let mut stats = one_task();
        stats.kept = 7;
        assert!(stats.check_conservation().is_err());
        let mut stats = one_task();
        stats.steps[1].input = 9;
        assert!(stats.check_conservation().is_err());
    }

    #[test]
    fn merged_stats_add_up_and_still_conserve() {
        let mut total = Stats::default();
        total.merge(&one_task()).unwrap();
        total.merge(&one_task()).unwrap();
        assert_eq!(total.tasks, 2);
        assert_eq!(total.kept, 16);
        assert_eq!(total.read.errors["gzip_truncated"].count, 2);
        assert_eq!(total.steps[0].dropped["empty"], 4);
        total.check_conservation().unwrap();
    }

    #[test]
    fn stats_of_different_pipelines_do_not_merge() {
        let mut total = one_task();
        assert!(total.merge(&Stats::for_steps(["a"])).is_err());
    }
}
