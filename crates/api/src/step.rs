use crate::{Document, Histogram, Scale};
use std::collections::BTreeMap;

/// Why a step dropped a document: a stable, snake_case name such as `empty` or
/// `too_short`, unique within its step.
///
/// The pair `(step name, reason)` is what appears in the stats and in the removed
/// documents' output, so a reason is part of a step's public interface: steps
/// declare theirs as an enum with an `impl From<TheirReason> for Reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reason(pub &'static str);

impl Reason {
    /// The reason's stable name.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// What a step decided about one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Pass the (possibly edited) document on to the next step.
    Keep,
    /// Remove the document; the runner counts it and sends it to the removed writer.
    Drop(Reason),
}

impl Verdict {
    /// Shorthand for `Verdict::Drop(reason.into())`.
    pub fn drop(reason: impl Into<Reason>) -> Self {
        Verdict::Drop(reason.into())
    }
}

/// Step-specific counters (lines removed, characters removed…) and
/// distributions of the values a step computes (a ratio per document), added
/// up by the runner across batches, workers and tasks. Documents
/// in/kept/dropped are counted by the runner itself, not here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    counts: BTreeMap<&'static str, u64>,
    histograms: BTreeMap<&'static str, Histogram>,
    /// Histograms are not kept (`tamis run --no-distributions`).
    no_histograms: bool,
}

impl Counters {
    /// Counters that ignore [`Counters::observe`]: to measure what histograms cost.
    pub fn without_histograms() -> Self {
        Counters {
            no_histograms: true,
            ..Counters::default()
        }
    }

    /// Adds `n` to the counter `name`.
    pub fn add(&mut self, name: &'static str, n: u64) {
        *self.counts.entry(name).or_insert(0) += n;
    }

    /// Counts `value` in the histogram `name`, bucketed by `scale` (one scale
    /// per name): the value a filter compares with its threshold, say. NaN
    /// (a ratio with nothing to divide) is not counted.
    pub fn observe(&mut self, name: &'static str, scale: Scale, value: f64) {
        if self.no_histograms {
            return;
        }
        self.histograms
            .entry(name)
            .or_insert_with(|| Histogram::new(scale))
            .observe(value);
    }

    /// Adds every counter and histogram of `other` into `self`.
    pub fn merge(&mut self, other: &Counters) {
        for (name, n) in &other.counts {
            self.add(name, *n);
        }
        for (name, theirs) in &other.histograms {
            match self.histograms.get_mut(name) {
                Some(mine) => mine.merge(theirs),
                None => {
                    self.histograms.insert(name, theirs.clone());
                }
            }
        }
    }

    /// The counters, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.counts.iter().map(|(k, v)| (*k, *v))
    }

    /// The histograms, by name.
    pub fn histograms(&self) -> impl Iterator<Item = (&'static str, &Histogram)> + '_ {
        self.histograms.iter().map(|(k, v)| (*k, v))
    }
}

/// A per-document stage: keep, drop with a reason, or edit the document in place.
///
/// Contract:
/// - `process` may be called concurrently from several worker threads on
///   different documents, so a step keeps no mutable state (`&self`);
/// - it must be deterministic: the same document gives the same verdict and edit,
///   which is what makes the output byte-identical for any number of workers;
/// - it never panics on input; anything it cannot handle is a `Drop` with a reason.
pub trait Step: Send + Sync {
    /// The step's name as written in the pipeline file, e.g. `line_dedup`.
    fn name(&self) -> &'static str;

    /// Decides about `doc`, possibly editing its text and metadata first.
    fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict;

    /// The reasons that say the step could not handle the document (too large,
    /// too slow, not text), as opposed to a decision about its content. The
    /// removed output keeps only a short prefix of such documents: their text
    /// can be anything, and as large as the input allows.
    fn failures(&self) -> &'static [Reason] {
        &[]
    }

    /// Edits a document that a step (any step of the pipeline) removed,
    /// before the removed output gets it: for a redaction that must not leak
    /// there (`pii`). Most steps leave it alone.
    fn redact_removed(&self, _doc: &mut Document) {}
}

/// A stage that needs a first pass over the whole shard before it can decide,
/// such as cross-document line deduplication.
///
/// The pass is split in two so that the expensive part runs on the workers:
/// [`ShardStep::summarize`] reduces each document to the keys the pass needs
/// (hashes of its lines, say), concurrently and in any order; the runner then
/// feeds the summaries, in shard order, to the [`ShardPass`] that
/// [`ShardStep::begin`] started for the shard. [`ShardPass::finish`] returns the
/// [`Step`] that decides about each document, which the runner applies to the
/// same documents in the same order. The pass should keep memory small per
/// document (keys, not texts): the runner spills the documents themselves to
/// disk between the two passes.
pub trait ShardStep: Send + Sync {
    /// The step's name as written in the pipeline file.
    fn name(&self) -> &'static str;

    /// The keys of `doc` the observing pass counts; called concurrently.
    fn summarize(&self, doc: &Document) -> Vec<u64>;

    /// Starts the observing pass for a new shard.
    fn begin(&self) -> Box<dyn ShardPass>;
}

/// The observing pass of a [`ShardStep`] over one shard.
pub trait ShardPass: Send {
    /// Takes the summary of the next document, in shard order.
    fn observe(&mut self, summary: &[u64]);

    /// Ends the pass and returns the step that decides about each document.
    fn finish(self: Box<Self>) -> Box<dyn Step>;
}
