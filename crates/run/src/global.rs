//! Pipelines with a global step (corpus-wide deduplication): phases that
//! exchange files under the output directory.
//!
//! ```text
//! phase 0  record     per task (its shards): steps before the global step; the
//!                     documents that reach it wait in .global/docs/, the step's
//!                     recorder writes their summaries under .global/<step>/
//! phase k  <the step's own phases>, each a set of units; task t runs units
//!                     t, t+N, t+2N…  (MinHash: buckets, then clusters)
//! last     filter     per task (its shards): the step decides about each waiting
//!                     document, then the steps after it; outputs, stats and the
//!                     completion marker exactly as a pipeline without one
//! ```
//!
//! ```text
//! OUTPUT/.global/docs/<shard>_00000.jsonl.zst   documents waiting for the filter
//! OUTPUT/.global/<step>/…                       the step's files (signatures, pairs, clusters)
//! OUTPUT/.global/record-stats/00003.json        task 3's stats up to the global step
//! OUTPUT/.global/counters/<phase>/00003.json    counters of task 3's units
//! OUTPUT/.global/done/<phase>/00003             task 3 completed the phase (commit point)
//! ```
//!
//! Once every task completed the run (its completion marker), `.global/` is
//! removed, unless `--keep-global` says otherwise.
//!
//! A phase of a task starts only when every task completed the phase before
//! (the markers say so); a killed phase is redone from scratch, its outputs
//! being deterministic. Every output is a function of the inputs, never of the
//! task count, so the documents kept are the same for any `--tasks`.

use crate::executor::{run_concurrently, Part, RunError, Runner, TaskOutcome};
use crate::output::{write_atomically, Marker, Staging};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Instant;
use tamis_api::{Counters, GlobalContext, GlobalStep, Stats};

/// Memory of the document pipeline of a record or filter task, outside the
/// global step's own buffers: the binary, the reader's batches (at most 512
/// documents or 16 MiB each, two queued and one being processed) and the
/// writers' queues. Measured at 30–45 MB with 4 KB documents
/// (docs/benchmarks.md, "MinHash dedup memory").
const PIPELINE_RESERVE: usize = 48 << 20;

fn task_name(task: usize) -> String {
    format!("{task:05}")
}

/// Moves every file below `from` to the same place below `to`.
fn move_tree(from: &Path, to: &Path) -> io::Result<()> {
    let entries = match fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            move_tree(&entry.path(), &target)?;
        } else {
            fs::create_dir_all(to)?;
            fs::rename(entry.path(), target)?;
        }
    }
    Ok(())
}

impl Runner<'_> {
    /// The names of the phases a run goes through: `run` for a pipeline without
    /// a global step; `record`, the step's own phases and `filter` otherwise.
    pub fn phases(&self) -> Vec<String> {
        match self.global {
            None => vec!["run".into()],
            Some((_, step, _)) => std::iter::once("record")
                .chain(step.phases())
                .chain(std::iter::once("filter"))
                .map(String::from)
                .collect(),
        }
    }

    /// The part of `--mem-budget` a global step's recorders and units may hold:
    /// the budget is the task's, and [`PIPELINE_RESERVE`] of it goes to the
    /// document pipeline around the step (at least a quarter goes to the step).
    fn step_budget(&self) -> usize {
        self.mem_budget
            .saturating_sub(PIPELINE_RESERVE)
            .max(self.mem_budget / 4)
    }

    fn global_root(&self) -> PathBuf {
        self.pipeline.output.join(".global")
    }

    fn shard_names(&self) -> Vec<String> {
        self.shards.iter().map(|s| s.name.clone()).collect()
    }

    fn marker_path(&self, phase: &str, task: usize) -> PathBuf {
        self.global_root().join("done").join(phase).join(task_name(task))
    }

    fn marker(&self, count: usize) -> Marker {
        Marker {
            pipeline: self.pipeline.fingerprint.clone(),
            tasks: count,
        }
    }

    /// Whether `task` completed phase `phase` of this job; an error if another
    /// job did.
    fn phase_done(&self, phase: usize, count: usize, task: usize) -> Result<bool, RunError> {
        let phases = self.phases();
        if phase + 1 == phases.len() {
            return match self.layout.marker(task) {
                Ok(Some(found)) if found == self.marker(count) => Ok(true),
                Ok(Some(_)) => Err(self.other_job(task)),
                Ok(None) => Ok(false),
                Err(source) => Err(io_error(task, "reading the completion marker", source)),
            };
        }
        // A task that completed the run completed every phase, even once the
        // phases' files and markers under `.global/` are gone.
        if matches!(self.layout.marker(task), Ok(Some(found)) if found == self.marker(count)) {
            return Ok(true);
        }
        let path = self.marker_path(&phases[phase], task);
        match fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice::<Marker>(&bytes) {
                Ok(found) if found == self.marker(count) => Ok(true),
                Ok(_) => Err(self.other_job(task)),
                Err(e) => Err(io_error(task, "reading a phase marker", io::Error::other(e))),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error(task, "reading a phase marker", e)),
        }
    }

    fn other_job(&self, task: usize) -> RunError {
        RunError::OtherJob {
            task,
            output: self.pipeline.output.display().to_string(),
        }
    }

    /// The tasks that have not completed phase `phase` yet.
    pub fn phase_missing(&self, phase: usize, count: usize) -> Result<Vec<usize>, RunError> {
        let mut missing = Vec::new();
        for task in 0..count {
            if !self.phase_done(phase, count, task)? {
                missing.push(task);
            }
        }
        Ok(missing)
    }

    /// Runs phase `phase` for tasks `indexes` of `count`, `concurrent` at a time.
    /// The caller checks that the previous phase is complete.
    pub fn run_phase(
        &self,
        phase: usize,
        count: usize,
        indexes: &[usize],
        concurrent: usize,
    ) -> Vec<(usize, Result<TaskOutcome, RunError>)> {
        let Some((_, step, _)) = self.global else {
            return self.run_tasks(count, indexes, concurrent);
        };
        let last = self.phases().len() - 1;
        let run = |task: usize| -> Result<TaskOutcome, RunError> {
            if self.phase_done(phase, count, task)? {
                let stats = if phase == last {
                    self.layout
                        .task_stats(task)
                        .map_err(|e| io_error(task, "reading the task's stats", e))?
                } else {
                    Stats::default()
                };
                return Ok(TaskOutcome { stats, skipped: true });
            }
            match phase {
                0 => self.record_task(step, count, task),
                p if p == last => self.filter_task(step, count, task),
                p => self.unit_task(step, p, count, task),
            }
        };
        let mut results = run_concurrently(indexes, concurrent, run);
        if phase == last && !self.keep_global && results.iter().all(|(_, r)| r.is_ok()) {
            if let Err(source) = self.remove_global(count) {
                let task = indexes.first().copied().unwrap_or(0);
                results.push((task, Err(io_error(task, "removing OUTPUT/.global", source))));
            }
        }
        results
    }

    /// Removes `OUTPUT/.global/` once every task of the job completed the run
    /// (its completion marker is the commit point): nothing reads it any more,
    /// and a re-run skips every phase of a completed task. Until then it holds
    /// what resuming needs. Another task removing it at the same time is fine.
    fn remove_global(&self, count: usize) -> io::Result<()> {
        for task in 0..count {
            match self.layout.marker(task) {
                Ok(Some(found)) if found == self.marker(count) => {}
                _ => return Ok(()),
            }
        }
        match fs::remove_dir_all(self.global_root()) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    fn record_task(&self, step: &dyn GlobalStep, count: usize, task: usize) -> Result<TaskOutcome, RunError> {
        let started = Instant::now();
        let error = |context: &str| {
            let context = context.to_string();
            move |source| io_error(task, &context, source)
        };
        let shards = self.task_shards(count, task);
        let size: u64 = shards
            .iter()
            .filter_map(|s| fs::metadata(&s.path).ok())
            .map(|m| m.len())
            .sum();
        self.progress.bytes_total.fetch_add(size, Ordering::Relaxed);
        let staging = self
            .layout
            .stage(task)
            .map_err(error("creating the staging directory"))?;
        let docs = staging.output.join("docs");
        let step_dir = staging.output.join("global");
        fs::create_dir_all(&docs).map_err(error("creating the staging directory"))?;
        let names = self.shard_names();
        let context = GlobalContext {
            dir: &step_dir,
            shards: &names,
            mem_budget: self.step_budget(),
        };
        let mut stats = Stats::for_steps(self.pipeline.step_names());
        stats.tasks = 1;
        stats.read.bytes_in = size;
        let mut files = Vec::new();
        for shard in shards {
            let index = self.shards.iter().position(|s| s.path == shard.path).unwrap_or(0);
            let recorder = step.recorder(&context, index).map_err(error("starting the recorder"))?;
            let part = Part::Record { recorder, docs: &docs };
            self.run_shard(&shard, part, &staging, &mut stats, &mut files)
                .map_err(error(&format!("shard {}", shard.path.display())))?;
        }
        stats.seconds = started.elapsed().as_secs_f64();
        self.commit_record(step, &staging, &files, &stats, count, task)
            .map_err(error("committing the recorded phase"))?;
        Ok(TaskOutcome { stats, skipped: false })
    }

    fn commit_record(
        &self,
        step: &dyn GlobalStep,
        staging: &Staging,
        files: &[PathBuf],
        stats: &Stats,
        count: usize,
        task: usize,
    ) -> io::Result<()> {
        let root = self.global_root();
        for file in files {
            let name = file
                .file_name()
                .ok_or_else(|| io::Error::other("staged file without a name"))?;
            let destination = match (&staging.removed, &self.pipeline.removed) {
                (Some(staged), Some(removed)) if file.starts_with(staged) => removed.clone(),
                _ => root.join("docs"),
            };
            fs::create_dir_all(&destination)?;
            fs::rename(file, destination.join(name))?;
        }
        move_tree(&staging.output.join("global"), &root.join(step.name()))?;
        let stats_path = root.join("record-stats").join(format!("{}.json", task_name(task)));
        write_atomically(&stats_path, &to_json(stats)?)?;
        write_atomically(&self.marker_path("record", task), &to_json(&self.marker(count))?)?;
        for dir in std::iter::once(&staging.output).chain(&staging.removed) {
            fs::remove_dir_all(dir)?;
        }
        Ok(())
    }

    fn unit_task(
        &self,
        step: &dyn GlobalStep,
        phase: usize,
        count: usize,
        task: usize,
    ) -> Result<TaskOutcome, RunError> {
        let names = self.shard_names();
        let dir = self.global_root().join(step.name());
        let context = GlobalContext {
            dir: &dir,
            shards: &names,
            mem_budget: self.step_budget(),
        };
        let name = self.phases()[phase].clone();
        let mut counters = Counters::default();
        let units = step.units(phase - 1, &context);
        for unit in (task..units).step_by(count.max(1)) {
            let run = || step.run_unit(phase - 1, unit, &context);
            let done = match &self.pool {
                Some(pool) => pool.install(run),
                None => run(),
            }
            .map_err(|e| io_error(task, &format!("phase {name}, unit {unit}"), e))?;
            counters.merge(&done);
        }
        let counters: std::collections::BTreeMap<&str, u64> = counters.iter().collect();
        let path = self
            .global_root()
            .join("counters")
            .join(&name)
            .join(format!("{}.json", task_name(task)));
        let write = || -> io::Result<()> {
            write_atomically(&path, &to_json(&counters)?)?;
            write_atomically(&self.marker_path(&name, task), &to_json(&self.marker(count))?)
        };
        write().map_err(|e| io_error(task, "committing the phase", e))?;
        Ok(TaskOutcome {
            stats: Stats::default(),
            skipped: false,
        })
    }

    fn filter_task(&self, step: &dyn GlobalStep, count: usize, task: usize) -> Result<TaskOutcome, RunError> {
        let started = Instant::now();
        let error = |context: &str| {
            let context = context.to_string();
            move |source| io_error(task, &context, source)
        };
        let root = self.global_root();
        let stats_path = root.join("record-stats").join(format!("{}.json", task_name(task)));
        let mut stats: Stats = fs::read(&stats_path)
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(io::Error::other))
            .map_err(error("reading the recorded phase's stats"))?;
        let (index, _, _) = self
            .global
            .ok_or_else(|| io_error(task, "filter", io::Error::other("no global step")))?;
        if task == 0 {
            self.add_unit_counters(&mut stats.steps[index].counters)
                .map_err(error("reading the phases' counters"))?;
        }
        let dir = root.join(step.name());
        let names = self.shard_names();
        let context = GlobalContext {
            dir: &dir,
            shards: &names,
            mem_budget: self.step_budget(),
        };
        let staging = self
            .layout
            .stage(task)
            .map_err(error("creating the staging directory"))?;
        let mut files = Vec::new();
        let recorded = stats.seconds;
        for shard in self.task_shards(count, task) {
            let index = self.shards.iter().position(|s| s.path == shard.path).unwrap_or(0);
            let decider = step.decider(&context, index).map_err(error("loading the decisions"))?;
            let waiting = root.join("docs").join(format!("{}_00000.jsonl.zst", shard.name));
            let docs = waiting.exists().then_some(waiting);
            self.run_shard(&shard, Part::Filter { decider, docs }, &staging, &mut stats, &mut files)
                .map_err(error(&format!("shard {}", shard.path.display())))?;
        }
        stats.seconds = recorded + started.elapsed().as_secs_f64();
        stats
            .check_conservation()
            .map_err(|source| RunError::Conservation { task, source })?;
        self.layout
            .commit(task, &staging, &files, &stats, &self.marker(count))
            .map_err(error("committing the outputs"))?;
        Ok(TaskOutcome { stats, skipped: false })
    }

    /// Adds the counters every task's units wrote.
    fn add_unit_counters(&self, into: &mut std::collections::BTreeMap<String, u64>) -> io::Result<()> {
        let root = self.global_root().join("counters");
        let phases = match fs::read_dir(&root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for phase in phases {
            for file in fs::read_dir(phase?.path())? {
                let counters: std::collections::BTreeMap<String, u64> =
                    serde_json::from_slice(&fs::read(file?.path())?).map_err(io::Error::other)?;
                for (name, n) in counters {
                    *into.entry(name).or_insert(0) += n;
                }
            }
        }
        Ok(())
    }
}

fn io_error(task: usize, context: &str, source: io::Error) -> RunError {
    RunError::Io {
        task,
        context: context.to_string(),
        source,
    }
}

fn to_json(value: &impl serde::Serialize) -> io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}
