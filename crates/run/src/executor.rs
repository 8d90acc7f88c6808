//! Running tasks: shards in, batches through the steps on all workers, files out.
//!
//! Inside a shard, a reader thread frames records into batches; the main thread
//! sends each batch to the worker pool, which decodes the documents, runs them
//! through the steps and serialises them, and hands the results in input order
//! to the writer threads, so the output is byte-identical for any number of
//! workers. Shard steps split the step list into segments: the documents leaving
//! a segment are spilled to a staging file while the next shard step observes
//! them, then read back through its deciding step and the segment after it.

use crate::output::{Layout, Marker, Staging};
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
use tamis_api::{
    ConservationError, Counters, ErrorSample, Reason, ShardPass, ShardStep, Stats, Step, StepStats, Verdict,
};
use tamis_read::{Format, ReadError, Record, Undecoded};
use tamis_steps::BuiltStep;
use tamis_write::{document_line, removed_line, BackgroundWriter, Compression, RollingWriter};

/// Records per batch, unless [`BATCH_BYTES`] is reached first.
const BATCH_RECORDS: usize = 512;
/// Text bytes per batch.
const BATCH_BYTES: usize = 16 << 20;

/// Live counters for a progress display, updated as the task runs.
#[derive(Debug, Default)]
pub struct Progress {
    /// Stored input bytes consumed.
    pub bytes_read: Arc<AtomicU64>,
    /// Stored size of the inputs of the tasks being run.
    pub bytes_total: AtomicU64,
    /// Records read.
    pub records: AtomicU64,
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
        "task {task} in {output} was completed by a different job (pipeline file or task count changed); \
         write to a new output directory"
    )]
    OtherJob {
        /// The task.
        task: usize,
        /// The output directory.
        output: String,
    },
}

/// How a task ended.
#[derive(Debug)]
pub struct TaskOutcome {
    /// The task's stats (read back from disk when it was already complete).
    pub stats: Stats,
    /// Whether the task was complete from an earlier run and skipped.
    pub skipped: bool,
}

/// A run of steps between two shard steps, each with its index in the pipeline.
struct Segment<'p> {
    /// The shard step that opens the segment (all but the first segment).
    opened_by: Option<(usize, &'p dyn ShardStep)>,
    /// The per-document steps that follow it.
    steps: Vec<(usize, &'p dyn Step)>,
}

/// Runs the tasks of one pipeline.
pub struct Runner<'p> {
    pipeline: &'p Pipeline,
    shards: Vec<Shard>,
    layout: Layout,
    segments: Vec<Segment<'p>>,
    pool: Option<rayon::ThreadPool>,
    workers: usize,
    progress: Arc<Progress>,
}

/// Where the documents leaving a segment go.
enum Sink<'p> {
    /// The output files (none for the `null` format).
    Output(Option<BackgroundWriter>),
    /// A staging file, observed by the next shard step.
    Spill {
        /// The staging directory of the spill file, removed once read back.
        dir: PathBuf,
        writer: Box<RollingWriter>,
        /// The next shard step, and its index in the pipeline.
        step: (usize, &'p dyn ShardStep),
        pass: Box<dyn ShardPass>,
    },
}

/// What the workers do with a batch of one segment.
struct Work<'a> {
    /// The segment's steps, with their index in the pipeline.
    steps: &'a [(usize, &'a dyn Step)],
    /// Serialise kept documents (not for the `null` output).
    serialize: bool,
    /// Serialise dropped documents for the removed writer.
    keep_removed: bool,
    /// The shard step after this segment (and its index in the pipeline),
    /// whose summaries the workers compute.
    next: Option<(usize, &'a dyn ShardStep)>,
}

impl Work<'_> {
    /// One tally per step, then one for the next shard step's summaries.
    fn new_tallies(&self) -> Vec<StepTally> {
        (0..=self.steps.len()).map(|_| StepTally::default()).collect()
    }

    /// The pipeline index of each tally's step.
    fn tallied_steps(&self) -> impl Iterator<Item = Option<usize>> + '_ {
        let steps = self.steps.iter().map(|(index, _)| Some(*index));
        steps.chain(std::iter::once(self.next.map(|(index, _)| index)))
    }
}

/// What happened to one document in a batch.
enum Fate {
    /// It left the segment: its JSON line (unless output is discarded) and, when
    /// a shard step follows, its summary for that step's pass.
    Kept(Option<Vec<u8>>, Vec<u64>),
    /// A step dropped it; its removed line, if removed documents are kept.
    Dropped(Option<Vec<u8>>),
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
    dropped: BTreeMap<&'static str, u64>,
    counters: Counters,
    nanos: u128,
}

impl StepTally {
    fn add(&mut self, other: StepTally) {
        self.input += other.input;
        self.kept += other.kept;
        for (reason, n) in other.dropped {
            *self.dropped.entry(reason).or_insert(0) += n;
        }
        self.counters.merge(&other.counters);
        self.nanos += other.nanos;
    }

    fn add_to(self, step: &mut StepStats) {
        step.input += self.input;
        step.kept += self.kept;
        for (reason, n) in self.dropped {
            *step.dropped.entry(reason.to_string()).or_insert(0) += n;
        }
        for (name, n) in self.counters.iter() {
            *step.counters.entry(name.to_string()).or_insert(0) += n;
        }
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
            opened_by: None,
            steps: Vec::new(),
        };
        for (i, step) in pipeline.steps.iter().enumerate() {
            match step {
                BuiltStep::Document(step) => current.steps.push((i, step.as_ref())),
                BuiltStep::Shard(step) => {
                    let next = Segment {
                        opened_by: Some((i, step.as_ref())),
                        steps: Vec::new(),
                    };
                    segments.push(std::mem::replace(&mut current, next));
                }
            }
        }
        segments.push(current);
        Ok(Runner {
            pipeline,
            shards: plan::shards(&pipeline.inputs),
            layout: Layout::new(&pipeline.output, pipeline.removed.as_deref()),
            segments,
            pool,
            workers,
            progress,
        })
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
        let next = std::sync::atomic::AtomicUsize::new(0);
        let results = std::sync::Mutex::new(Vec::with_capacity(indexes.len()));
        std::thread::scope(|scope| {
            for _ in 0..concurrent.clamp(1, indexes.len().max(1)) {
                scope.spawn(|| {
                    while let Some(&index) = indexes.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let result = self.run_task(count, index);
                        results.lock().unwrap_or_else(|e| e.into_inner()).push((index, result));
                    }
                });
            }
        });
        let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
        results.sort_by_key(|(index, _)| indexes.iter().position(|i| i == index));
        results
    }

    /// Runs task `index` of `count`, unless an earlier run completed it.
    pub fn run_task(&self, count: usize, index: usize) -> Result<TaskOutcome, RunError> {
        let io_error = |context: &str| {
            let context = context.to_string();
            move |source| RunError::Io {
                task: index,
                context,
                source,
            }
        };
        let marker = Marker {
            pipeline: self.pipeline.fingerprint.clone(),
            tasks: count,
        };
        match self
            .layout
            .marker(index)
            .map_err(io_error("reading the completion marker"))?
        {
            Some(found) if found == marker => {
                let stats = self
                    .layout
                    .task_stats(index)
                    .map_err(io_error("reading the task's stats"))?;
                return Ok(TaskOutcome { stats, skipped: true });
            }
            Some(_) => {
                return Err(RunError::OtherJob {
                    task: index,
                    output: self.pipeline.output.display().to_string(),
                })
            }
            None => {}
        }
        let started = Instant::now();
        let shards = self.task_shards(count, index);
        let size: u64 = shards
            .iter()
            .filter_map(|s| std::fs::metadata(&s.path).ok())
            .map(|m| m.len())
            .sum();
        self.progress.bytes_total.fetch_add(size, Ordering::Relaxed);
        let staging = self
            .layout
            .stage(index)
            .map_err(io_error("creating the staging directory"))?;
        let mut stats = Stats::for_steps(self.pipeline.step_names());
        stats.tasks = 1;
        stats.read.bytes_in = size;
        let mut files = Vec::new();
        for shard in shards {
            self.run_shard(&shard, &staging, &mut stats, &mut files)
                .map_err(io_error(&format!("shard {}", shard.path.display())))?;
        }
        stats.seconds = started.elapsed().as_secs_f64();
        stats
            .check_conservation()
            .map_err(|source| RunError::Conservation { task: index, source })?;
        self.layout
            .commit(index, &staging, &files, &stats, &marker)
            .map_err(io_error("committing the outputs"))?;
        Ok(TaskOutcome { stats, skipped: false })
    }

    fn run_shard(
        &self,
        shard: &Shard,
        staging: &Staging,
        stats: &mut Stats,
        files: &mut Vec<PathBuf>,
    ) -> io::Result<()> {
        stats.read.files += 1;
        let pipeline = self.pipeline;
        let compression = pipeline.output_format.compression();
        let mut removed = match &staging.removed {
            Some(dir) => {
                let format = compression.unwrap_or(Compression::None);
                let writer = RollingWriter::new(dir, &shard.name, format, pipeline.max_file_bytes);
                Some(BackgroundWriter::spawn(writer)?)
            }
            None => None,
        };
        let mut source: Box<dyn Iterator<Item = Record> + Send> = tamis_read::open(
            &shard.path,
            pipeline.format,
            &pipeline.read_options,
            self.progress.bytes_read.clone(),
        );
        let mut decider: Option<Box<dyn Step>> = None;
        let mut spilled: Option<PathBuf> = None;
        for (k, segment) in self.segments.iter().enumerate() {
            let mut steps: Vec<(usize, &dyn Step)> = Vec::new();
            if let (Some((index, _)), Some(decider)) = (segment.opened_by, decider.as_deref()) {
                steps.push((index, decider));
            }
            steps.extend(segment.steps.iter().copied());
            let mut sink = match self.segments.get(k + 1).and_then(|next| next.opened_by) {
                Some((index, shard_step)) => {
                    let dir = staging.output.join(format!("spill-{k}"));
                    std::fs::create_dir_all(&dir)?;
                    Sink::Spill {
                        writer: Box::new(RollingWriter::temporary(&dir, &shard.name)),
                        dir,
                        step: (index, shard_step),
                        pass: shard_step.begin(),
                    }
                }
                None => match compression {
                    Some(format) => {
                        let writer = RollingWriter::new(&staging.output, &shard.name, format, pipeline.max_file_bytes);
                        Sink::Output(Some(BackgroundWriter::spawn(writer)?))
                    }
                    None => Sink::Output(None),
                },
            };
            self.run_segment(source, &steps, &mut sink, &mut removed, stats, k == 0)?;
            if let Some(dir) = spilled.take() {
                std::fs::remove_dir_all(dir)?;
            }
            source = Box::new(std::iter::empty());
            match sink {
                Sink::Output(writer) => {
                    if let Some(writer) = writer {
                        files.extend(writer.finish()?);
                    }
                }
                Sink::Spill { dir, writer, pass, .. } => {
                    decider = Some(pass.finish());
                    // Documents read back exactly as written: tamis's JSONL, no size limit.
                    let options = tamis_read::ReadOptions {
                        max_record_bytes: u64::MAX,
                        ..tamis_read::ReadOptions::default()
                    };
                    let unread = Arc::new(AtomicU64::new(0));
                    let files = writer.finish()?;
                    source = Box::new(
                        files
                            .into_iter()
                            .flat_map(move |file| tamis_read::open(&file, Format::Jsonl, &options, unread.clone())),
                    );
                    spilled = Some(dir);
                }
            }
        }
        if let Some(writer) = removed {
            files.extend(writer.finish()?);
        }
        Ok(())
    }

    /// Sends every record of `source` through `steps` into `sink`.
    fn run_segment(
        &self,
        source: Box<dyn Iterator<Item = Record> + Send>,
        steps: &[(usize, &dyn Step)],
        sink: &mut Sink,
        removed: &mut Option<BackgroundWriter>,
        stats: &mut Stats,
        first: bool,
    ) -> io::Result<()> {
        let work = Work {
            steps,
            serialize: !matches!(sink, Sink::Output(None)),
            keep_removed: removed.is_some(),
            next: match sink {
                Sink::Spill { step, .. } => Some(*step),
                Sink::Output(_) => None,
            },
        };
        let progress = &self.progress;
        std::thread::scope(|scope| {
            let (sender, batches) = bounded::<Vec<Record>>(2);
            scope.spawn(move || read_batches(source, &sender));
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
                let (outcomes, tallies) = self.process(docs, &work);
                for (index, tally) in work.tallied_steps().zip(tallies) {
                    if let Some(index) = index {
                        tally.add_to(&mut stats.steps[index]);
                    }
                }
                let mut read = 0;
                let (mut kept_lines, mut removed_lines) = (Vec::new(), Vec::new());
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
                        Fate::Dropped(line) => removed_lines.extend(line),
                        Fate::Kept(line, summary) => {
                            if let Sink::Spill { pass, .. } = sink {
                                pass.observe(&summary);
                            } else {
                                stats.kept += 1;
                            }
                            kept_lines.extend(line);
                        }
                    }
                }
                if let Some(writer) = removed.as_mut() {
                    writer.write_lines(removed_lines)?;
                }
                match sink {
                    Sink::Output(Some(writer)) => {
                        stats.bytes_out += kept_lines.iter().map(|l| l.len() as u64).sum::<u64>();
                        writer.write_lines(kept_lines)?;
                    }
                    Sink::Output(None) => {}
                    Sink::Spill { writer, .. } => {
                        for line in kept_lines {
                            writer.write_line(&line)?;
                        }
                    }
                }
                if first {
                    stats.read.records += read;
                    stats.read.documents += read;
                    progress.records.fetch_add(read, Ordering::Relaxed);
                }
            }
            Ok(())
        })
    }

    /// Runs a batch through the steps, in parallel chunks, keeping input order.
    fn process(&self, docs: Vec<Undecoded>, work: &Work) -> (Vec<Fate>, Vec<StepTally>) {
        let run = |chunk: Vec<Undecoded>| process_chunk(chunk, work);
        let Some(pool) = self.pool.as_ref().filter(|_| docs.len() > 1) else {
            return run(docs);
        };
        let chunk_size = docs.len().div_ceil(self.workers * 4);
        let mut chunks = Vec::new();
        let mut docs = docs.into_iter();
        loop {
            let chunk: Vec<Undecoded> = docs.by_ref().take(chunk_size).collect();
            if chunk.is_empty() {
                break;
            }
            chunks.push(chunk);
        }
        let results: Vec<_> = pool.install(|| chunks.into_par_iter().map(run).collect());
        let mut outcomes = Vec::new();
        let mut tallies = work.new_tallies();
        for (chunk_outcomes, chunk_tallies) in results {
            outcomes.extend(chunk_outcomes);
            for (total, part) in tallies.iter_mut().zip(chunk_tallies) {
                total.add(part);
            }
        }
        (outcomes, tallies)
    }
}

/// Decodes documents and runs them through the steps one by one, serialising
/// what the writers will need, so that the main thread only moves bytes.
fn process_chunk(docs: Vec<Undecoded>, work: &Work) -> (Vec<Fate>, Vec<StepTally>) {
    let mut tallies = work.new_tallies();
    let outcomes = docs
        .into_iter()
        .map(|undecoded| {
            let mut doc = match undecoded.decode() {
                Ok(doc) => doc,
                Err(error) => return Fate::Unreadable(error),
            };
            let mut dropped: Option<(&'static str, Reason)> = None;
            for ((_, step), tally) in work.steps.iter().zip(tallies.iter_mut()) {
                let started = Instant::now();
                let verdict = step.process(&mut doc, &mut tally.counters);
                tally.nanos += started.elapsed().as_nanos();
                tally.input += 1;
                match verdict {
                    Verdict::Keep => tally.kept += 1,
                    Verdict::Drop(reason) => {
                        *tally.dropped.entry(reason.as_str()).or_insert(0) += 1;
                        dropped = Some((step.name(), reason));
                        break;
                    }
                }
            }
            match dropped {
                Some((step, reason)) => Fate::Dropped(work.keep_removed.then(|| removed_line(&doc, step, reason))),
                None => Fate::Kept(
                    work.serialize.then(|| document_line(&doc)),
                    work.next.map_or_else(Vec::new, |(_, next)| {
                        let started = Instant::now();
                        let summary = next.summarize(&doc);
                        tallies[work.steps.len()].nanos += started.elapsed().as_nanos();
                        summary
                    }),
                ),
            }
        })
        .collect();
    (outcomes, tallies)
}

/// Reads `source` in batches and sends them until it ends or the receiver hangs
/// up (the main thread stopped on an error).
fn read_batches(source: Box<dyn Iterator<Item = Record> + Send>, sender: &crossbeam_channel::Sender<Vec<Record>>) {
    let mut batch = Vec::with_capacity(BATCH_RECORDS);
    let mut bytes = 0;
    for record in source {
        if let Record::Document(doc) = &record {
            bytes += doc.len();
        }
        batch.push(record);
        if batch.len() == BATCH_RECORDS || bytes >= BATCH_BYTES {
            if sender.send(std::mem::take(&mut batch)).is_err() {
                return;
            }
            bytes = 0;
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(batch);
    }
}
