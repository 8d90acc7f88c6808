//! Running tasks: shards in, batches through the steps on all workers, files out.
//!
//! Inside a shard, a reader thread frames records into batches; the main thread
//! sends each batch to the worker pool, which decodes the documents, runs them
//! through the steps, and hands the results in input order
//! to the writer threads, so the output is byte-identical for any number of
//! workers. Shard steps split the step list into segments: the documents leaving
//! a segment are spilled to a local scratch file while the next shard step observes
//! them, then read back through its deciding step and the segment after it.

use crate::measure::{DocTally, TaskDomains};
use crate::output::{Claim, Layout, Marker};
use crate::plan::{self, Shard};
use crate::Pipeline;
use crossbeam_channel::bounded;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tamis_api::sample::{excerpt, excerpt_of, sample_hash, EDIT_TEXT_BYTES, SAMPLE_TEXT_BYTES};
use tamis_api::{
    merge_histogram, BottomK, ConservationError, Counters, Document, ErrorSample, GlobalDecider, GlobalRecorder,
    GlobalStep, Reason, ReasonCount, Sample, ShardPass, ShardStep, Stats, Step, StepStats, Verdict, UNWRITTEN_KEPT,
    UNWRITTEN_REMOVED,
};
use tamis_io::Location;
use tamis_read::{Format, ReadError, Record, Undecoded};
use tamis_steps::BuiltStep;
use tamis_write::{BackgroundWriter, Compression, Destination, Outgoing, Removal, RollingWriter, Written};

/// Records per batch, unless [`BATCH_BYTES`] is reached first.
const BATCH_RECORDS: usize = 512;
/// Text bytes per batch.
const BATCH_BYTES: usize = 16 << 20;
/// Memory of a global step's recorder or phase unit per task, unless set.
pub const DEFAULT_MEM_BUDGET: usize = 512 << 20;

/// Live counters for a progress display, updated as the task runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Stored input bytes consumed.
    pub bytes_read: Arc<AtomicU64>,
    /// Stored size of the inputs of the tasks being run.
    pub bytes_total: AtomicU64,
    /// Records read.
    pub records: AtomicU64,
    /// Documents through the whole pipeline (written or removed): behind
    /// `records` while a shard step's second pass or a global step's filter
    /// phase runs.
    pub finished: AtomicU64,
    /// The phase running, as `record (1/4)`; empty for a pipeline of one phase.
    pub phase: std::sync::Mutex<String>,
    /// Units of a global step's phase done, and to do (0 outside such phases).
    pub units_done: AtomicU64,
    /// See `units_done`.
    pub units_total: AtomicU64,
}

impl Progress {
    /// Names the phase that starts (`name`, the `index`-th of `count`, from 0).
    pub fn start_phase(&self, name: &str, index: usize, count: usize) {
        let label = if count > 1 {
            format!("{name} ({}/{count})", index + 1)
        } else {
            String::new()
        };
        *self.phase.lock().unwrap_or_else(|e| e.into_inner()) = label;
        self.units_done.store(0, Ordering::Relaxed);
        self.units_total.store(0, Ordering::Relaxed);
    }

    /// The phase running (see `phase`).
    pub fn phase(&self) -> String {
        self.phase.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Why a task failed. A failed task leaves no completion marker; a re-run
/// redoes it.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Writing outputs or reading a staged file failed.
    #[error("task {task}: {context}: {source}")]
    Io {
        /// The task.
        task: usize,
        /// What was being done.
        context: String,
        /// The failure.
        source: io::Error,
    },
    /// Documents were lost or invented: a bug, never a bad input.
    #[error("task {task}: {source}")]
    Conservation {
        /// The task.
        task: usize,
        /// The broken balance.
        source: ConservationError,
    },
    /// The output directory holds this task, completed by another job.
    #[error(
        "task {task} in {output} was completed by a different job (its pipeline configuration or task count \
         differ): write to a new output directory, or delete {output} to start over"
    )]
    OtherJob {
        /// The task.
        task: usize,
        /// The output directory.
        output: String,
    },
    /// Something panicked outside the per-document guards (a bug): the task
    /// fails, the other tasks go on.
    #[error("task {task}: {message}")]
    Panic {
        /// The task.
        task: usize,
        /// The panic's message.
        message: String,
    },
}

impl RunError {
    /// Whether running again cannot help: the output belongs to another job.
    pub fn is_configuration(&self) -> bool {
        matches!(self, RunError::OtherJob { .. })
    }
}

/// How a task ended.
#[derive(Debug)]
pub struct TaskOutcome {
    /// The task's stats (read back when it was already complete; empty when
    /// busy elsewhere).
    pub stats: Stats,
    /// What happened.
    pub status: TaskStatus,
}

/// Whether a task ran here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskStatus {
    /// It ran, and is now complete.
    Ran,
    /// It was complete from an earlier run.
    Skipped,
    /// Another process is running it (the holder of its lock, named).
    Busy(String),
}

impl TaskOutcome {
    fn skipped(stats: Stats) -> Self {
        TaskOutcome {
            stats,
            status: TaskStatus::Skipped,
        }
    }

    fn ran(stats: Stats) -> Self {
        TaskOutcome {
            stats,
            status: TaskStatus::Ran,
        }
    }

    /// Whether the task was complete from an earlier run and skipped.
    pub fn skipped_it(&self) -> bool {
        self.status == TaskStatus::Skipped
    }
}

/// A task taken for this process, or why it needs no running here.
pub(crate) enum Claimed {
    /// Ours to run.
    Claim(Claim),
    /// Complete already, or busy elsewhere.
    Outcome(Box<TaskOutcome>),
}

/// A run of steps between two shard or global steps, each with its index in the pipeline.
pub(crate) struct Segment<'p> {
    /// The step that opens the segment (all but the first segment).
    pub(crate) opened_by: Opener<'p>,
    /// The per-document steps that follow it.
    pub(crate) steps: Vec<(usize, &'p dyn Step)>,
}

/// What opens a segment.
#[derive(Clone, Copy)]
pub(crate) enum Opener<'p> {
    /// The pipeline's input.
    Input,
    /// A shard step, with its index in the pipeline.
    Shard(usize, &'p dyn ShardStep),
    /// A global step, with its index in the pipeline.
    Global(usize, &'p dyn GlobalStep),
}

/// Which part of the work a shard goes through.
pub(crate) enum Part<'a> {
    /// Every step (no global step in the pipeline).
    Whole,
    /// The steps before the global step; the documents wait in `docs` while the
    /// recorder writes their summaries.
    Record {
        recorder: Box<dyn GlobalRecorder>,
        docs: &'a Location,
    },
    /// The global step's decision and the steps after it, over the waiting documents.
    Filter {
        decider: Box<dyn GlobalDecider>,
        docs: Option<Location>,
    },
}

/// A step as the workers run it.
#[derive(Clone, Copy)]
enum StepRef<'a> {
    Document(&'a dyn Step),
    /// A global step's decider, which needs each document's ordinal.
    Global(&'static str, &'a dyn GlobalDecider),
}

impl StepRef<'_> {
    fn name(&self) -> &'static str {
        match self {
            StepRef::Document(step) => step.name(),
            StepRef::Global(name, _) => name,
        }
    }

    /// Runs the step on `doc`. A step that panics drops the document as
    /// [`PANIC`] instead of ending the worker: one bad document must not end a
    /// run (the panic message still goes to stderr).
    fn process(&self, ordinal: u64, doc: &mut Document, counters: &mut Counters) -> Verdict {
        let run = || match self {
            StepRef::Document(step) => step.process(doc, counters),
            StepRef::Global(_, decider) => decider.decide(ordinal, doc, counters),
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or(Verdict::Drop(PANIC))
    }

    /// Whether `reason` says the step could not handle the document.
    fn is_failure(&self, reason: Reason) -> bool {
        reason == PANIC
            || match self {
                StepRef::Document(step) => step.failures().contains(&reason),
                StepRef::Global(..) => false,
            }
    }
}

/// What the removed output keeps of a document a step could not handle: the
/// first bytes of its text, control characters shown as U+FFFD (a binary page
/// would otherwise become six bytes of JSON escape per byte), and the size of
/// the whole text. Its metadata (`source`, `offset`) finds the record again.
pub const FAILED_TEXT_PREFIX: usize = 1024;

fn cut_failed_text(doc: &mut Document) {
    if doc.text.len() <= FAILED_TEXT_PREFIX && !doc.text.chars().any(is_control) {
        return;
    }
    let mut end = FAILED_TEXT_PREFIX.min(doc.text.len());
    while !doc.text.is_char_boundary(end) {
        end -= 1;
    }
    let prefix: String = doc.text[..end]
        .chars()
        .map(|c| if is_control(c) { '\u{fffd}' } else { c })
        .collect();
    doc.metadata
        .insert("removed_text_bytes".into(), (doc.text.len() as u64).into());
    doc.text = prefix;
}

fn is_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// The drop reason of a document on which a step panicked.
const PANIC: Reason = Reason("panic");

/// What summarises the documents leaving a segment.
#[derive(Clone, Copy)]
enum Summarizer<'a> {
    Shard(&'a dyn ShardStep),
    Global(&'a dyn GlobalStep),
}

impl Summarizer<'_> {
    /// The document's summary, or `None` if summarising it panicked.
    fn summarize(&self, doc: &Document) -> Option<Vec<u64>> {
        let run = || match self {
            Summarizer::Shard(step) => step.summarize(doc),
            Summarizer::Global(step) => step.summarize(doc),
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).ok()
    }
}

/// Runs the tasks of one pipeline.
pub struct Runner<'p> {
    pub(crate) pipeline: &'p Pipeline,
    pub(crate) shards: Vec<Shard>,
    /// The shards' names, in input order.
    pub(crate) shard_names: Vec<String>,
    pub(crate) layout: Layout,
    pub(crate) segments: Vec<Segment<'p>>,
    /// Every per-document step of the pipeline, which may redact what the
    /// removed output gets ([`Step::redact_removed`]).
    redactors: Vec<&'p dyn Step>,
    pub(crate) pool: Option<rayon::ThreadPool>,
    workers: usize,
    pub(crate) progress: Arc<Progress>,
    /// The global step, its index in the pipeline, and the segment it opens.
    pub(crate) global: Option<(usize, &'p dyn GlobalStep, usize)>,
    /// Memory a global step's recorder or phase unit may hold before spilling.
    pub(crate) mem_budget: usize,
    /// Keep `OUTPUT/.global/` once every task completed the run.
    pub(crate) keep_global: bool,
    /// Measure distributions, domains and samples (`--no-distributions` turns them off).
    pub(crate) distributions: bool,
}

/// Where the documents leaving a segment go.
enum Sink<'p> {
    /// The output files (none for the `null` format).
    Output(Option<BackgroundWriter>),
    /// The waiting documents, and the recorder of the global step's summaries.
    Record {
        writer: BackgroundWriter,
        recorder: Box<dyn GlobalRecorder>,
        /// The global step, and its index in the pipeline.
        step: (usize, &'p dyn GlobalStep),
    },
    /// A scratch file, observed by the next shard step.
    Spill {
        /// The scratch directory of the spill file, removed once read back.
        dir: PathBuf,
        writer: BackgroundWriter,
        /// The next shard step, and its index in the pipeline.
        step: (usize, &'p dyn ShardStep),
        pass: Box<dyn ShardPass>,
    },
}

/// What the workers do with a batch of one segment.
struct Work<'a> {
    /// Measure distributions, domains and samples.
    measure: bool,
    /// The segment's steps, with their index in the pipeline.
    steps: &'a [(usize, StepRef<'a>)],
    /// Keep the documents that leave the segment (not for the `null` output).
    keep_documents: bool,
    /// Keep dropped documents for the removed writer.
    keep_removed: bool,
    /// The runner's redactors.
    redactors: &'a [&'a dyn Step],
    /// The shard or global step after this segment (and its index in the
    /// pipeline), whose summaries the workers compute.
    next: Option<(usize, Summarizer<'a>)>,
    /// Per step, the largest id hash that can still enter the task's sample
    /// of edited documents (the k-th smallest so far): documents above it
    /// are not copied. Set between batches, so the sample is the same.
    edit_limits: Vec<AtomicU64>,
}

impl Work<'_> {
    /// Lowers the edit-sample limits to what the task's stats hold.
    fn update_edit_limits(&self, stats: &Stats) {
        for ((index, _), limit) in self.steps.iter().zip(&self.edit_limits) {
            let edits = &stats.steps[*index].edits;
            if edits.len() >= tamis_api::sample::SAMPLES_PER_REASON {
                let kth = edits.last().and_then(|s| u64::from_str_radix(&s.hash, 16).ok());
                limit.store(kth.unwrap_or(u64::MAX), Ordering::Relaxed);
            }
        }
    }

    /// One tally per step, then one for the next shard step's summaries.
    fn new_tallies(&self) -> Vec<StepTally> {
        let counters = || match self.measure {
            true => Counters::default(),
            false => Counters::without_histograms(),
        };
        (0..=self.steps.len())
            .map(|_| StepTally {
                counters: counters(),
                ..StepTally::default()
            })
            .collect()
    }

    /// The pipeline index of each tally's step.
    fn tallied_steps(&self) -> impl Iterator<Item = Option<usize>> + '_ {
        let steps = self.steps.iter().map(|(index, _)| Some(*index));
        steps.chain(std::iter::once(self.next.map(|(index, _)| index)))
    }
}

/// What happened to one document in a batch.
enum Fate {
    /// It left the segment (unless output is discarded) and, when a shard or
    /// global step follows, its summary for that step's pass.
    Kept(Option<Document>, Vec<u64>),
    /// A step dropped it; the document, if removed documents are kept.
    Dropped(Option<Outgoing>),
    /// Its payload could not be decoded to text: a read error, not a document.
    Unreadable(ReadError),
}

/// Counts a read error with its location.
fn add_read_error(stats: &mut Stats, error: ReadError) {
    let sample = ErrorSample {
        file: error.file,
        offset: error.offset,
        detail: error.detail,
    };
    stats.read.add_error(error.kind.as_str(), sample);
}

/// One step's counts over a part of a batch.
#[derive(Default)]
struct StepTally {
    input: u64,
    kept: u64,
    bytes_in: u64,
    bytes_kept: u64,
    dropped: BTreeMap<&'static str, u64>,
    counters: Counters,
    /// Removed documents sampled, by reason.
    samples: BTreeMap<&'static str, BottomK>,
    /// Documents the step edited and kept, sampled.
    edits: BottomK,
    nanos: u128,
}

impl StepTally {
    fn add(&mut self, other: StepTally) {
        self.input += other.input;
        self.kept += other.kept;
        self.bytes_in += other.bytes_in;
        self.bytes_kept += other.bytes_kept;
        for (reason, n) in other.dropped {
            *self.dropped.entry(reason).or_insert(0) += n;
        }
        self.counters.merge(&other.counters);
        for (reason, sample) in other.samples {
            self.samples.entry(reason).or_default().merge(sample);
        }
        self.edits.merge(other.edits);
        self.nanos += other.nanos;
    }

    /// Samples `doc`, dropped for `reason`, if its id hashes low enough;
    /// `redact` makes the text the removed output would get.
    fn sample(&mut self, reason: Reason, doc: &Document, failed: bool, work: &Work) {
        let hash = sample_hash(&doc.id);
        let sample = self.samples.entry(reason.as_str()).or_default();
        if !sample.wants(hash) {
            return;
        }
        // Redactors see text only: the excerpt and a margin, so that what
        // straddles its end is redacted whole before the cut.
        let start = Document {
            text: excerpt_of(&doc.text, SAMPLE_TEXT_BYTES + 256).to_string(),
            ..Document::default()
        };
        let start = redacted(start, failed, work);
        sample.offer(
            hash,
            Sample {
                text: excerpt(&start.text).to_string(),
                id: doc.id.clone(),
                hash: format!("{hash:016x}"),
                url: doc.url.clone(),
                text_bytes: doc.text.len() as u64,
                before: None,
            },
        );
    }

    /// Samples `doc`, which the step kept with its text changed from
    /// `before` (its start), redacted as a removed document would be.
    fn sample_edit(&mut self, hash: u64, before: &str, doc: &Document, work: &Work) {
        let redact = |text: &str| {
            let copy = Document {
                text: text.to_string(),
                ..Document::default()
            };
            redacted(copy, false, work).text
        };
        self.edits.offer(
            hash,
            Sample {
                id: doc.id.clone(),
                hash: format!("{hash:016x}"),
                url: doc.url.clone(),
                text: redact(excerpt_of(&doc.text, EDIT_TEXT_BYTES)),
                text_bytes: doc.text.len() as u64,
                before: Some(redact(before)),
            },
        );
    }

    fn add_to(self, step: &mut StepStats) {
        step.input += self.input;
        step.kept += self.kept;
        step.bytes_in += self.bytes_in;
        step.bytes_kept += self.bytes_kept;
        for (reason, n) in self.dropped {
            *step.dropped.entry(reason.to_string()).or_insert(0) += n;
        }
        for (name, n) in self.counters.iter() {
            *step.counters.entry(name.to_string()).or_insert(0) += n;
        }
        for (name, histogram) in self.counters.histograms() {
            merge_histogram(&mut step.histograms, name, histogram);
        }
        for (reason, sample) in self.samples {
            tamis_api::sample::merge_samples(
                step.samples.entry(reason.to_string()).or_default(),
                &sample.into_samples(),
            );
        }
        tamis_api::sample::merge_samples(&mut step.edits, &self.edits.into_samples());
        step.seconds += self.nanos as f64 * 1e-9;
    }
}

impl<'p> Runner<'p> {
    /// A runner with `workers` threads for the steps (at least 1).
    pub fn new(pipeline: &'p Pipeline, workers: usize, progress: Arc<Progress>) -> io::Result<Self> {
        let workers = workers.max(1);
        let pool = if workers > 1 {
            Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(workers)
                    .thread_name(|i| format!("tamis-worker-{i}"))
                    .build()
                    .map_err(io::Error::other)?,
            )
        } else {
            None
        };
        let mut segments = Vec::new();
        let mut current = Segment {
            opened_by: Opener::Input,
            steps: Vec::new(),
        };
        let mut global = None;
        for (i, step) in pipeline.steps.iter().enumerate() {
            let opener = match step {
                BuiltStep::Document(step) => {
                    current.steps.push((i, step.as_ref()));
                    continue;
                }
                BuiltStep::Shard(step) => Opener::Shard(i, step.as_ref()),
                BuiltStep::Global(step) => {
                    global = Some((i, step.as_ref(), segments.len() + 1));
                    Opener::Global(i, step.as_ref())
                }
            };
            let next = Segment {
                opened_by: opener,
                steps: Vec::new(),
            };
            segments.push(std::mem::replace(&mut current, next));
        }
        segments.push(current);
        let shards = plan::shards(&pipeline.inputs);
        let redactors = segments
            .iter()
            .flat_map(|s| s.steps.iter().map(|(_, step)| *step))
            .collect();
        Ok(Runner {
            pipeline,
            shard_names: shards.iter().map(|s| s.name.clone()).collect(),
            shards,
            layout: Layout::new(pipeline.output.clone(), pipeline.removed.clone()),
            segments,
            redactors,
            pool,
            workers,
            progress,
            global,
            mem_budget: DEFAULT_MEM_BUDGET,
            keep_global: false,
            distributions: true,
        })
    }

    /// Caps the memory of a global step's recorders and phase units (per task).
    pub fn with_mem_budget(mut self, bytes: usize) -> Self {
        self.mem_budget = bytes.max(1 << 20);
        self
    }

    /// Keeps the global step's files (`OUTPUT/.global/`) after the run completed,
    /// e.g. to inspect signatures or clusters; by default they are removed.
    pub fn with_keep_global(mut self, keep: bool) -> Self {
        self.keep_global = keep;
        self
    }

    /// Turns off the histograms, domain counts and removed-document samples
    /// of the stats (the counts stay): to measure what they cost.
    pub fn with_distributions(mut self, on: bool) -> Self {
        self.distributions = on;
        self
    }

    /// Empty stats for a task of this pipeline, with the steps' configurations.
    pub(crate) fn new_stats(&self) -> Stats {
        let mut stats = Stats::for_steps(self.pipeline.step_names());
        for (step, config) in stats.steps.iter_mut().zip(&self.pipeline.step_configs) {
            step.config = config.clone();
        }
        stats.tasks = 1;
        stats
    }

    /// The shards task `index` of `count` will process.
    pub fn task_shards(&self, count: usize, index: usize) -> Vec<Shard> {
        plan::task_shards(&self.shards, count, index)
    }

    /// Merges the stats of all completed tasks into `OUTPUT/stats.json`.
    pub fn merge_stats(&self) -> io::Result<Stats> {
        self.layout.merge_stats()
    }

    /// Runs tasks `indexes` of `count`, `concurrent` at a time: each task has its
    /// own reader thread and they share the worker pool, so reading scales with
    /// the tasks when the steps are light. Returns each task's result, in the
    /// order of `indexes`.
    pub fn run_tasks(
        &self,
        count: usize,
        indexes: &[usize],
        concurrent: usize,
    ) -> Vec<(usize, Result<TaskOutcome, RunError>)> {
        run_concurrently(indexes, concurrent, |index| self.run_task(count, index))
    }

    /// Runs task `index` of `count`, unless an earlier run completed it or
    /// another process is running it.
    pub fn run_task(&self, count: usize, index: usize) -> Result<TaskOutcome, RunError> {
        guard_panics(index, || self.try_run_task(count, index))
    }

    fn try_run_task(&self, count: usize, index: usize) -> Result<TaskOutcome, RunError> {
        let io_error = |context: &str| {
            let context = context.to_string();
            move |source| RunError::Io {
                task: index,
                context,
                source,
            }
        };
        let marker = self.marker(count);
        let claim = match self.claim(count, index)? {
            Claimed::Claim(claim) => claim,
            Claimed::Outcome(outcome) => return Ok(*outcome),
        };
        let started = Instant::now();
        let shards = self.task_shards(count, index);
        let names: Vec<String> = shards.iter().map(|shard| shard.name.clone()).collect();
        self.clear(&names, &names)
            .and_then(|()| self.layout.clear_stats(index))
            .map_err(io_error("deleting what an unfinished attempt left"))?;
        let mut stats = self.new_stats();
        stats.read.bytes_in = self.count_input(&shards);
        let mut domains = TaskDomains::default();
        for shard in shards {
            self.run_shard(&shard, Part::Whole, &claim, &mut stats, &mut domains)
                .map_err(io_error(&format!("running shard {}", shard.location)))?;
        }
        domains.finish(&mut stats);
        stats.seconds = started.elapsed().as_secs_f64();
        stats
            .check_conservation()
            .map_err(|source| RunError::Conservation { task: index, source })?;
        self.layout
            .commit(index, &stats, &marker)
            .map_err(io_error("committing the outputs"))?;
        Ok(TaskOutcome::ran(stats))
    }

    /// The marker this job's completed tasks carry.
    pub(crate) fn marker(&self, count: usize) -> Marker {
        Marker {
            pipeline: self.pipeline.fingerprint.clone(),
            tasks: count,
        }
    }

    /// Takes task `index` for this process, unless it is complete (its stats
    /// are the outcome) or another process holds it.
    pub(crate) fn claim(&self, count: usize, index: usize) -> Result<Claimed, RunError> {
        let io_error = |context: &str, source| RunError::Io {
            task: index,
            context: context.into(),
            source,
        };
        let claim = match self.lock_task(index)? {
            Claimed::Claim(claim) => claim,
            busy => return Ok(busy),
        };
        match self.layout.marker(index) {
            Ok(Some(found)) if found == self.marker(count) => {
                let stats = self
                    .layout
                    .task_stats(index)
                    .map_err(|e| io_error("reading the task's stats", e))?;
                Ok(Claimed::Outcome(Box::new(TaskOutcome::skipped(stats))))
            }
            Ok(Some(_)) => Err(RunError::OtherJob {
                task: index,
                output: self.pipeline.output.to_string(),
            }),
            Ok(None) => Ok(Claimed::Claim(claim)),
            Err(e) => Err(io_error("reading the completion marker", e)),
        }
    }

    /// Takes the lock of task `index`, or says who holds it.
    pub(crate) fn lock_task(&self, index: usize) -> Result<Claimed, RunError> {
        match self.layout.claim(index) {
            Ok(claim) => Ok(Claimed::Claim(claim)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(Claimed::Outcome(Box::new(TaskOutcome {
                stats: Stats::default(),
                status: TaskStatus::Busy(e.to_string()),
            }))),
            Err(source) => Err(RunError::Io {
                task: index,
                context: "taking the task's lock".into(),
                source,
            }),
        }
    }

    /// Deletes the parts an unfinished attempt may have written: in the
    /// output, those of the stems `kept`; in the removed folder, of `removed`.
    pub(crate) fn clear(&self, kept: &[String], removed: &[String]) -> io::Result<()> {
        if !kept.is_empty() {
            Layout::clear_parts(self.layout.output(), kept)?;
        }
        match self.layout.removed() {
            Some(dir) if !removed.is_empty() => Layout::clear_parts(dir, removed),
            _ => Ok(()),
        }
    }

    /// The stored size of `shards`. Sizes not known before the run (entries of
    /// a paths file) are asked for now and added to the progress total.
    pub(crate) fn count_input<'s>(&self, shards: impl IntoIterator<Item = &'s Shard>) -> u64 {
        shards
            .into_iter()
            .map(|shard| match shard.size {
                Some(size) => size,
                None => {
                    let size = shard.location.size().unwrap_or(0);
                    self.progress.bytes_total.fetch_add(size, Ordering::Relaxed);
                    size
                }
            })
            .sum()
    }

    /// The stored size of the inputs of tasks `indexes` of `count`, where
    /// known before reading: what a progress display counts down.
    pub fn known_input_size(&self, count: usize, indexes: &[usize]) -> u64 {
        indexes
            .iter()
            .flat_map(|&index| self.task_shards(count, index))
            .filter_map(|shard| shard.size)
            .sum()
    }

    /// Runs one shard through the segments of `part`.
    pub(crate) fn run_shard(
        &self,
        shard: &Shard,
        part: Part,
        claim: &Claim,
        stats: &mut Stats,
        domains: &mut TaskDomains,
    ) -> io::Result<()> {
        let pipeline = self.pipeline;
        let output_format = pipeline.output_format.clone();
        // Segments of this part; the global step's documents wait between the two.
        let (segments, first_input) = match (&part, self.global) {
            (Part::Whole, _) | (_, None) => (&self.segments[..], true),
            (Part::Record { .. }, Some((_, _, g))) => (&self.segments[..g], true),
            (Part::Filter { .. }, Some((_, _, g))) => (&self.segments[g..], false),
        };
        let removed_stem = match (&part, self.global) {
            (Part::Filter { .. }, Some((_, step, _))) => filter_removed_stem(shard, step),
            _ => shard.name.clone(),
        };
        let mut removed = match self.layout.removed() {
            Some(dir) => {
                let format = output_format
                    .as_ref()
                    .map_or(tamis_write::Format::Jsonl(Compression::None), |f| f.for_removed());
                let writer = RollingWriter::new(
                    Destination::Store(dir.clone()),
                    &removed_stem,
                    format,
                    pipeline.max_file_bytes,
                );
                Some(BackgroundWriter::spawn(writer)?)
            }
            None => None,
        };
        let (mut source, mut global_decider, mut recorder): (Box<dyn Iterator<Item = Record> + Send>, _, _) = match part
        {
            Part::Filter { decider, docs } => (Box::new(docs.into_iter().flat_map(read_back)), Some(decider), None),
            part => {
                stats.read.files += 1;
                let progress = self.progress.bytes_read.clone();
                let source = tamis_read::open(&shard.location, pipeline.format, &pipeline.read_options, progress);
                let recorder = match part {
                    Part::Record { recorder, docs } => Some((recorder, docs)),
                    _ => None,
                };
                (source, None, recorder)
            }
        };
        let mut decider: Option<Box<dyn Step>> = None;
        let mut spilled: Option<PathBuf> = None;
        for (k, segment) in segments.iter().enumerate() {
            let mut steps: Vec<(usize, StepRef)> = Vec::new();
            match (segment.opened_by, decider.as_deref(), global_decider.as_deref()) {
                (Opener::Shard(index, _), Some(decider), _) => steps.push((index, StepRef::Document(decider))),
                (Opener::Global(index, step), _, Some(global)) => {
                    steps.push((index, StepRef::Global(step.name(), global)))
                }
                _ => {}
            }
            steps.extend(segment.steps.iter().map(|&(i, step)| (i, StepRef::Document(step))));
            let next = segments.get(k + 1).map(|next| next.opened_by);
            let mut sink = match next {
                Some(Opener::Shard(index, shard_step)) => {
                    let dir = claim.scratch.join(format!("spill-{k}"));
                    std::fs::create_dir_all(&dir)?;
                    let format = tamis_write::Format::Jsonl(Compression::None);
                    let writer = RollingWriter::new(Destination::Scratch(dir.clone()), &shard.name, format, u64::MAX);
                    Sink::Spill {
                        writer: BackgroundWriter::spawn(writer)?,
                        dir,
                        step: (index, shard_step),
                        pass: shard_step.begin(),
                    }
                }
                _ => match (recorder.take(), self.global) {
                    (Some((recorder, docs)), Some((index, step, _))) => {
                        let format = tamis_write::Format::Jsonl(Compression::Zstd);
                        let writer =
                            RollingWriter::new(Destination::Store(docs.clone()), &shard.name, format, u64::MAX);
                        Sink::Record {
                            writer: BackgroundWriter::spawn(writer)?,
                            recorder,
                            step: (index, step),
                        }
                    }
                    _ => match &output_format {
                        Some(format) => {
                            let writer = RollingWriter::new(
                                Destination::Store(self.layout.output().clone()),
                                &shard.name,
                                format.clone(),
                                pipeline.max_file_bytes,
                            );
                            Sink::Output(Some(BackgroundWriter::spawn(writer)?))
                        }
                        None => Sink::Output(None),
                    },
                },
            };
            let first = k == 0 && first_input;
            self.run_segment(source, &steps, &mut sink, &mut removed, (stats, domains), first)?;
            if let Some(dir) = spilled.take() {
                std::fs::remove_dir_all(dir)?;
            }
            global_decider = None;
            source = Box::new(std::iter::empty());
            match sink {
                Sink::Output(writer) => {
                    if let Some(writer) = writer {
                        let written = writer.finish()?;
                        stats.bytes_out += written.bytes;
                        stats.output_schema += &written.schema;
                        stats.write.seconds += written.seconds;
                        stats.kept -= written.unwritten.count;
                        add_unwritten(stats, UNWRITTEN_KEPT, &written.unwritten);
                    }
                }
                Sink::Record { writer, recorder, .. } => {
                    let written = writer.finish()?;
                    stats.write.seconds += written.seconds;
                    all_written(written)?;
                    recorder.finish()?;
                }
                Sink::Spill { dir, writer, pass, .. } => {
                    decider = Some(pass.finish());
                    let written = writer.finish()?;
                    stats.write.seconds += written.seconds;
                    let files = all_written(written)?;
                    source = Box::new(files.into_iter().flat_map(read_back));
                    spilled = Some(dir);
                }
            }
        }
        if let Some(writer) = removed {
            let written = writer.finish()?;
            stats.output_schema += &written.schema;
            stats.write.seconds += written.seconds;
            add_unwritten(stats, UNWRITTEN_REMOVED, &written.unwritten);
        }
        Ok(())
    }

    /// Sends every record of `source` through `steps` into `sink`.
    fn run_segment(
        &self,
        source: Box<dyn Iterator<Item = Record> + Send>,
        steps: &[(usize, StepRef)],
        sink: &mut Sink,
        removed: &mut Option<BackgroundWriter>,
        (stats, domains): (&mut Stats, &mut TaskDomains),
        first: bool,
    ) -> io::Result<()> {
        let work = Work {
            measure: self.distributions,
            steps,
            keep_documents: !matches!(sink, Sink::Output(None)),
            keep_removed: removed.is_some(),
            redactors: &self.redactors,
            next: match sink {
                Sink::Spill { step: (i, step), .. } => Some((*i, Summarizer::Shard(*step))),
                Sink::Record { step: (i, step), .. } => Some((*i, Summarizer::Global(*step))),
                Sink::Output(_) => None,
            },
            edit_limits: steps.iter().map(|_| AtomicU64::new(u64::MAX)).collect(),
        };
        work.update_edit_limits(stats);
        let progress = &self.progress;
        std::thread::scope(|scope| {
            let (sender, batches) = bounded::<Vec<Record>>(2);
            let reader = scope.spawn(move || read_batches(source, &sender));
            // Documents of this segment so far: the ordinal of the next one.
            let mut ordinal = 0u64;
            for batch in batches {
                let mut docs = Vec::with_capacity(batch.len());
                for record in batch {
                    match record {
                        Record::Document(doc) => docs.push(doc),
                        Record::Skipped(kind) if first => *stats.read.skipped.entry(kind).or_insert(0) += 1,
                        Record::Error(error) if first => add_read_error(stats, error),
                        Record::Skipped(_) | Record::Error(_) => {
                            return Err(io::Error::new(
                                io::ErrorKind::InvalidData,
                                "a staged spill file is damaged",
                            ));
                        }
                    }
                }
                let count = docs.len() as u64;
                let (outcomes, tallies, measured) = self.process(docs, ordinal, &work);
                ordinal += count;
                for (index, tally) in work.tallied_steps().zip(tallies) {
                    if let Some(index) = index {
                        tally.add_to(&mut stats.steps[index]);
                    }
                }
                measured.add_to(stats, domains);
                work.update_edit_limits(stats);
                let mut read = 0;
                let mut finished = 0;
                let (mut kept_docs, mut removed_docs) = (Vec::new(), Vec::new());
                for fate in outcomes {
                    if !matches!(fate, Fate::Unreadable(_)) {
                        read += 1;
                    }
                    match fate {
                        Fate::Unreadable(error) if first => add_read_error(stats, error),
                        Fate::Unreadable(error) => {
                            let detail = format!("a staged spill file is damaged: {error}");
                            return Err(io::Error::new(io::ErrorKind::InvalidData, detail));
                        }
                        Fate::Dropped(doc) => {
                            finished += 1;
                            removed_docs.extend(doc)
                        }
                        Fate::Kept(doc, summary) => {
                            match sink {
                                Sink::Spill { pass, .. } => pass.observe(&summary),
                                Sink::Record { recorder, .. } => recorder.record(&summary)?,
                                Sink::Output(_) => {
                                    stats.kept += 1;
                                    finished += 1;
                                }
                            }
                            kept_docs.extend(doc.map(Outgoing::kept));
                        }
                    }
                }
                if let Some(writer) = removed.as_mut() {
                    writer.write(removed_docs)?;
                }
                match sink {
                    Sink::Output(Some(writer)) | Sink::Record { writer, .. } | Sink::Spill { writer, .. } => {
                        writer.write(kept_docs)?
                    }
                    Sink::Output(None) => {}
                }
                progress.finished.fetch_add(finished, Ordering::Relaxed);
                if first {
                    stats.read.records += read;
                    stats.read.documents += read;
                    progress.records.fetch_add(read, Ordering::Relaxed);
                }
            }
            if let Ok(busy) = reader.join() {
                stats.read.seconds += busy.as_secs_f64();
            }
            Ok(())
        })
    }

    /// Runs a batch through the steps, in parallel chunks, keeping input order.
    fn process(&self, docs: Vec<Undecoded>, first: u64, work: &Work) -> (Vec<Fate>, Vec<StepTally>, DocTally) {
        let run = |(start, chunk): (u64, Vec<Undecoded>)| process_chunk(chunk, start, work);
        let Some(pool) = self.pool.as_ref().filter(|_| docs.len() > 1) else {
            return run((first, docs));
        };
        let chunk_size = docs.len().div_ceil(self.workers * 4);
        let mut chunks = Vec::new();
        let mut docs = docs.into_iter();
        let mut start = first;
        loop {
            let chunk: Vec<Undecoded> = docs.by_ref().take(chunk_size).collect();
            if chunk.is_empty() {
                break;
            }
            let len = chunk.len() as u64;
            chunks.push((start, chunk));
            start += len;
        }
        let results: Vec<_> = pool.install(|| chunks.into_par_iter().map(run).collect());
        let mut outcomes = Vec::new();
        let mut tallies = work.new_tallies();
        let mut measured = DocTally::default();
        for (chunk_outcomes, chunk_tallies, chunk_measured) in results {
            outcomes.extend(chunk_outcomes);
            for (total, part) in tallies.iter_mut().zip(chunk_tallies) {
                total.add(part);
            }
            measured.add(chunk_measured);
        }
        (outcomes, tallies, measured)
    }
}

/// A decoded document on its way through a chunk's steps.
struct InFlight<'w> {
    doc: Document,
    ordinal: u64,
    /// The id's hash, for the samples of edited documents.
    hash: Option<u64>,
    /// The step that dropped it (its place in the segment), and why.
    dropped: Option<(usize, &'w StepRef<'w>, Reason)>,
}

/// Decodes documents and runs them through the steps, step by step: every
/// document of the chunk through one step before the next step starts, so
/// each step's tables and models stay in the core's caches (doc by doc,
/// `extract` evicted the language model between documents and `language`
/// ran at half its rate). Steps see the documents in input order either
/// way, so decisions and stats do not change. A document is decoded just
/// before the first step, which leaves one page's HTML in memory at a time
/// as before. A panic in decoding, in a step or in a summary costs that
/// document only, counted with a reason.
fn process_chunk(docs: Vec<Undecoded>, first: u64, work: &Work) -> (Vec<Fate>, Vec<StepTally>, DocTally) {
    let mut tallies = work.new_tallies();
    let mut measured = DocTally::default();
    let mut flights: Vec<Result<InFlight, ReadError>> = docs
        .into_iter()
        .zip(first..)
        .map(|(undecoded, ordinal)| {
            let doc = undecoded.decode()?;
            let hash = work.measure.then(|| sample_hash(&doc.id));
            let mut flight = InFlight {
                doc,
                ordinal,
                hash,
                dropped: None,
            };
            if let (Some(step), Some(tally)) = (work.steps.first(), tallies.first_mut()) {
                run_step(0, &step.1, tally, &mut flight, work);
            }
            Ok(flight)
        })
        .collect();
    for (k, ((_, step), tally)) in work.steps.iter().zip(tallies.iter_mut()).enumerate().skip(1) {
        for flight in flights.iter_mut().flatten() {
            if flight.dropped.is_none() {
                run_step(k, step, tally, flight, work);
            }
        }
    }
    let outcomes = flights
        .into_iter()
        .map(|flight| match flight {
            Err(error) => Fate::Unreadable(error),
            Ok(flight) => fate(flight, &mut tallies, &mut measured, work),
        })
        .collect();
    (outcomes, tallies, measured)
}

/// Runs the segment's `k`-th step on a document still in flight, and
/// tallies it.
fn run_step<'w>(k: usize, step: &'w StepRef<'w>, tally: &mut StepTally, flight: &mut InFlight<'w>, work: &Work) {
    let doc = &mut flight.doc;
    tally.bytes_in += doc.text.len() as u64;
    // The text's start, kept only for a document that would enter the sample if edited.
    let limit = work.edit_limits[k].load(Ordering::Relaxed);
    let before = flight
        .hash
        .filter(|&h| h <= limit && tally.edits.wants(h))
        .map(|_| (doc.text.len(), excerpt_of(&doc.text, EDIT_TEXT_BYTES).to_string()));
    let started = Instant::now();
    let verdict = step.process(flight.ordinal, doc, &mut tally.counters);
    tally.nanos += started.elapsed().as_nanos();
    tally.input += 1;
    match verdict {
        Verdict::Keep => {
            tally.kept += 1;
            tally.bytes_kept += doc.text.len() as u64;
            if let (Some(hash), Some((len, start))) = (flight.hash, before) {
                if len != doc.text.len() || !doc.text.starts_with(&start) {
                    tally.sample_edit(hash, &start, doc, work);
                }
            }
        }
        Verdict::Drop(reason) => {
            *tally.dropped.entry(reason.as_str()).or_insert(0) += 1;
            flight.dropped = Some((k, step, reason));
        }
    }
}

/// What becomes of a document the steps are done with: kept with its
/// summary for the next shard or global step, or removed.
fn fate(flight: InFlight, tallies: &mut [StepTally], measured: &mut DocTally, work: &Work) -> Fate {
    let InFlight { mut doc, dropped, .. } = flight;
    // No step reads the document any more: what they computed from it goes before it waits
    // for the writers.
    doc.views = tamis_api::Views::default();
    // The step that dropped it (its tally's place), its name, why, and
    // whether that is a failure; or, once through, its summary.
    let drop = match (dropped, work.next) {
        (Some((k, step, reason)), _) => Err((k, step.name(), reason, step.is_failure(reason))),
        (None, Some((_, next))) => {
            let started = Instant::now();
            let summary = next.summarize(&doc);
            let k = work.steps.len();
            let tally = &mut tallies[k];
            tally.nanos += started.elapsed().as_nanos();
            // The next step could not summarise it: it drops it.
            summary.ok_or_else(|| {
                tally.input += 1;
                tally.bytes_in += doc.text.len() as u64;
                *tally.dropped.entry(PANIC.as_str()).or_insert(0) += 1;
                (k, next_name(work), PANIC, true)
            })
        }
        (None, None) => Ok(Vec::new()),
    };
    match drop {
        Err((k, name, reason, failed)) => {
            if work.measure {
                tallies[k].sample(reason, &doc, failed, work);
                measured.removed(&doc, name);
            }
            Fate::Dropped(work.keep_removed.then(|| removed(doc, name, reason, failed, work)))
        }
        Ok(summary) => {
            if work.measure && work.next.is_none() {
                measured.kept(&doc);
            }
            Fate::Kept(work.keep_documents.then_some(doc), summary)
        }
    }
}

/// A dropped document as the removed output gets it: redacted by the steps
/// that redact, its text cut if a step could not handle it.
fn removed(doc: Document, step: &'static str, reason: Reason, failed: bool, work: &Work) -> Outgoing {
    Outgoing::removed(redacted(doc, failed, work), Removal { step, reason })
}

/// A dropped document as the removed output and the samples get it.
fn redacted(mut doc: Document, failed: bool, work: &Work) -> Document {
    for redactor in work.redactors {
        redactor.redact_removed(&mut doc);
    }
    if failed {
        cut_failed_text(&mut doc);
    }
    doc
}

/// The name of the shard or global step after a segment.
fn next_name(work: &Work) -> &'static str {
    match work.next {
        Some((_, Summarizer::Shard(step))) => step.name(),
        Some((_, Summarizer::Global(step))) => step.name(),
        None => "",
    }
}

/// Counts the documents a writer of `output` could not encode.
fn add_unwritten(stats: &mut Stats, output: &str, unwritten: &ReasonCount) {
    if unwritten.count > 0 {
        *stats.write.unwritten.entry(output.to_string()).or_default() += unwritten;
    }
}

/// The files of a staging writer (spilled or waiting documents), which must
/// hold every document: the later pass over them counts on it.
fn all_written(written: Written) -> io::Result<Vec<Location>> {
    match written.unwritten.samples.first() {
        None => Ok(written.files),
        Some(sample) => Err(io::Error::other(format!(
            "staging {} documents for a later pass: {}",
            written.unwritten.count, sample.detail
        ))),
    }
}

/// Runs `run`; a panic in it fails task `task` instead of the process.
pub(crate) fn guard_panics(
    task: usize,
    run: impl FnOnce() -> Result<TaskOutcome, RunError>,
) -> Result<TaskOutcome, RunError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|panic| {
        Err(RunError::Panic {
            task,
            message: tamis_api::panic_message(&*panic).to_string(),
        })
    })
}

/// The records of a file this process wrote (spilled or waiting documents):
/// tamis's own JSONL, read back with no size limit.
fn read_back(file: Location) -> Box<dyn Iterator<Item = Record> + Send> {
    let options = tamis_read::ReadOptions {
        max_record_bytes: u64::MAX,
        ..tamis_read::ReadOptions::default()
    };
    tamis_read::open(&file, Format::Jsonl, &options, Arc::new(AtomicU64::new(0)))
}

/// The stem of the removed documents the filter phase of a global step writes
/// for `shard`: apart from the record phase's.
pub(crate) fn filter_removed_stem(shard: &Shard, step: &dyn GlobalStep) -> String {
    format!("{}.{}", shard.name, step.name())
}

/// Reads `source` in batches and sends them until it ends or the receiver hangs
/// up (the main thread stopped on an error). Returns the time spent reading,
/// waiting for the workers to take a batch left out.
fn read_batches(
    mut source: Box<dyn Iterator<Item = Record> + Send>,
    sender: &crossbeam_channel::Sender<Vec<Record>>,
) -> std::time::Duration {
    let mut batch = Vec::with_capacity(BATCH_RECORDS);
    let mut bytes = 0;
    let mut busy = std::time::Duration::ZERO;
    loop {
        let started = Instant::now();
        let next = source.next();
        busy += started.elapsed();
        let Some(record) = next else { break };
        if let Record::Document(doc) = &record {
            bytes += doc.len();
        }
        batch.push(record);
        if batch.len() == BATCH_RECORDS || bytes >= BATCH_BYTES {
            if sender.send(std::mem::take(&mut batch)).is_err() {
                return busy;
            }
            bytes = 0;
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(batch);
    }
    busy
}

/// Runs `run` on each of `indexes`, `concurrent` at a time on scoped threads
/// taking the next index as they finish; returns the results in the order of
/// `indexes`.
pub(crate) fn run_concurrently<R: Send>(
    indexes: &[usize],
    concurrent: usize,
    run: impl Fn(usize) -> R + Sync,
) -> Vec<(usize, R)> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(indexes.len()));
    std::thread::scope(|scope| {
        for _ in 0..concurrent.clamp(1, indexes.len().max(1)) {
            scope.spawn(|| {
                while let Some(&index) = indexes.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = run(index);
                    results.lock().unwrap_or_else(|e| e.into_inner()).push((index, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(index, _)| indexes.iter().position(|i| i == index));
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Panics on documents that say "boom".
    struct Fragile;

    impl Step for Fragile {
        fn name(&self) -> &'static str {
            "fragile"
        }

        fn process(&self, doc: &mut Document, _: &mut Counters) -> Verdict {
            assert!(!doc.text.contains("boom"), "fragile step hit a bomb");
            Verdict::Keep
        }
    }

    #[test]
    fn a_panicking_step_drops_the_document_and_the_next_one_goes_on() {
        let step = StepRef::Document(&Fragile);
        let mut counters = Counters::default();
        let mut bad = Document::new("a", "boom");
        assert_eq!(step.process(0, &mut bad, &mut counters), Verdict::Drop(PANIC));
        let mut good = Document::new("b", "fine");
        assert_eq!(step.process(1, &mut good, &mut counters), Verdict::Keep);
    }
}
