use crate::{Counters, Document, Verdict};
use std::io;
use std::path::Path;
use tamis_io::Location;

/// Where a [`GlobalStep`] keeps its files, and what it may use.
#[derive(Debug, Clone, Copy)]
pub struct GlobalContext<'a> {
    /// The step's own directory, on the job's shared storage (local, or
    /// `s3://…` when tasks run on several machines): recorders and phases
    /// write their files here, each file whole ([`Location::create`] then
    /// commit, never renamed), under names that depend on the inputs only
    /// (never on `mem_budget`). A recorder or unit redone after a crash, maybe
    /// with another budget, first deletes whatever an earlier attempt of it
    /// wrote, so that it leaves exactly what a clean run leaves.
    pub dir: &'a Location,
    /// A local directory for temporary files that only the recorder or unit
    /// writing them reads (external-sort runs), private to the process,
    /// created and removed by the runner. Recorders and units running at once
    /// in the process may share it: each keeps its files in a subdirectory
    /// named after itself (its shard or unit) and removes it when done.
    pub scratch: &'a Path,
    /// The names of all input shards, in input order: shard `i` is `shards[i]`.
    pub shards: &'a [String],
    /// Memory a recorder or a phase unit may hold before it spills to disk.
    pub mem_budget: usize,
}

/// A corpus-wide stage, such as deduplication: it must see every shard's
/// documents before it can decide about any of them.
///
/// The runner runs it as phases that exchange files under
/// [`GlobalContext::dir`], each phase a set of independent units:
/// 1. *record*: per input shard, the workers [`summarize`](GlobalStep::summarize)
///    each document reaching the step and a [`GlobalRecorder`] writes the
///    summaries, in shard order, while the documents themselves wait on disk;
/// 2. the step's own [`phases`](GlobalStep::phases), each split into
///    [`units`](GlobalStep::units) that [`run_unit`](GlobalStep::run_unit) runs
///    in any order, on any machine, once the previous phase is complete;
/// 3. *filter*: per input shard, the [`GlobalDecider`] decides about each
///    waiting document, known by its shard and its ordinal (0-based position
///    among the shard's documents that reached the step).
///
/// Every output must be a function of the inputs only — never of the number
/// of tasks or the order in which units ran.
pub trait GlobalStep: Send + Sync {
    /// The step's name as written in the pipeline file.
    fn name(&self) -> &'static str;

    /// What the step records about `doc`; called concurrently.
    fn summarize(&self, doc: &Document) -> Vec<u64>;

    /// Starts recording the summaries of input shard `shard`, after deleting
    /// whatever an earlier attempt for that shard wrote.
    fn recorder(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalRecorder>>;

    /// The names of the corpus-wide phases between recording and filtering.
    fn phases(&self) -> Vec<&'static str>;

    /// How many independent units phase `phase` has.
    fn units(&self, phase: usize, context: &GlobalContext) -> usize;

    /// Runs unit `unit` of phase `phase`, its outputs replacing whole whatever
    /// an earlier attempt of the unit wrote; returns counters for the stats.
    fn run_unit(&self, phase: usize, unit: usize, context: &GlobalContext) -> io::Result<Counters>;

    /// The decisions for the documents of input shard `shard`.
    fn decider(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalDecider>>;
}

/// Writes the summaries of one shard's documents, in shard order.
pub trait GlobalRecorder: Send {
    /// The summary of the next document.
    fn record(&mut self, summary: &[u64]) -> io::Result<()>;

    /// Ends the shard: everything written.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// Decides about the documents of one shard once the corpus-wide phases ran.
pub trait GlobalDecider: Send + Sync {
    /// Keeps or drops the document at `ordinal`; may annotate it; called
    /// concurrently.
    fn decide(&self, ordinal: u64, doc: &mut Document, counters: &mut Counters) -> Verdict;
}
