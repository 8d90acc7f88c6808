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

use crate::executor::{
    filter_removed_stem, guard_panics, run_concurrently, Claimed, Part, RunError, Runner, TaskOutcome, TaskStatus,
};
use crate::measure::TaskDomains;
use crate::output::{task_name, to_json, Claim, Layout, Marker};
use crate::plan;
use std::collections::BTreeMap;
use std::io;
use std::time::Instant;
use tamis_api::{Counters, GlobalContext, GlobalStep, Stats};
use tamis_io::failpoint::failpoint;
use tamis_io::Location;

/// Memory of the document pipeline of a record or filter task, outside the
/// global step's own buffers: the binary, the reader's batches (at most 512
/// documents or 16 MiB each, two queued and one being processed) and the
/// writers' queues. Measured at 30–45 MB with 4 KB documents
/// (docs/benchmarks.md, "MinHash dedup memory").
const PIPELINE_RESERVE: usize = 48 << 20;

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

    fn global_root(&self) -> Location {
        self.layout.output().join(".global")
    }

    /// What the global step is given: its directory, the task's scratch, the
    /// shards' names, its memory.
    fn context<'a>(&'a self, dir: &'a Location, claim: &'a Claim) -> GlobalContext<'a> {
        GlobalContext {
            dir,
            scratch: &claim.scratch,
            shards: &self.shard_names,
            mem_budget: self.step_budget(),
        }
    }

    fn phase_marker(&self, phase: &str, task: usize) -> Location {
        self.global_root().join(&format!("done/{phase}/{}", task_name(task)))
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
        match self.phase_marker(&phases[phase], task).read_if_exists() {
            Ok(Some(bytes)) => match serde_json::from_slice::<Marker>(&bytes) {
                Ok(found) if found == self.marker(count) => Ok(true),
                Ok(_) => Err(self.other_job(task)),
                Err(e) => Err(io_error(task, "reading a phase marker", io::Error::other(e))),
            },
            Ok(None) => Ok(false),
            Err(e) => Err(io_error(task, "reading a phase marker", e)),
        }
    }

    fn other_job(&self, task: usize) -> RunError {
        RunError::OtherJob {
            task,
            output: self.pipeline.output.to_string(),
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
        let run = |task: usize| {
            guard_panics(task, || {
                if phase == last {
                    return self.filter_task(step, count, task);
                }
                let claim = match self.claim_phase(phase, count, task)? {
                    Claimed::Claim(claim) => claim,
                    Claimed::Outcome(outcome) => return Ok(*outcome),
                };
                match phase {
                    0 => self.record_task(step, count, task, &claim),
                    p => self.unit_task(step, p, count, task, &claim),
                }
            })
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
        self.global_root().delete_all()
    }

    /// Takes task `task` for a phase before the last, unless it completed the
    /// phase or another process holds it.
    fn claim_phase(&self, phase: usize, count: usize, task: usize) -> Result<Claimed, RunError> {
        let claim = match self.lock_task(task)? {
            Claimed::Claim(claim) => claim,
            busy => return Ok(busy),
        };
        if self.phase_done(phase, count, task)? {
            return Ok(Claimed::Outcome(Box::new(TaskOutcome {
                stats: Stats::default(),
                status: TaskStatus::Skipped,
            })));
        }
        Ok(Claimed::Claim(claim))
    }

    fn record_task(
        &self,
        step: &dyn GlobalStep,
        count: usize,
        task: usize,
        claim: &Claim,
    ) -> Result<TaskOutcome, RunError> {
        let started = Instant::now();
        let error = |context: &str| {
            let context = context.to_string();
            move |source| io_error(task, &context, source)
        };
        let shards = plan::indexed_task_shards(&self.shards, count, task);
        let root = self.global_root();
        let docs = root.join("docs");
        let names: Vec<String> = shards.iter().map(|(_, shard)| shard.name.clone()).collect();
        Layout::clear_parts(&docs, &names)
            .and_then(|()| self.clear(&[], &names))
            .map_err(error("deleting what an unfinished attempt left"))?;
        let step_dir = root.join(step.name());
        let context = self.context(&step_dir, claim);
        let mut stats = self.new_stats();
        stats.read.bytes_in = self.count_input(shards.iter().map(|(_, shard)| shard));
        let mut domains = TaskDomains::default();
        for (index, shard) in shards {
            let recorder = step.recorder(&context, index).map_err(error("starting the recorder"))?;
            let part = Part::Record { recorder, docs: &docs };
            self.run_shard(&shard, part, claim, &mut stats, &mut domains)
                .map_err(error(&format!("running shard {}", shard.location)))?;
        }
        domains.finish(&mut stats);
        stats.seconds = started.elapsed().as_secs_f64();
        let commit = || -> io::Result<()> {
            root.join(&format!("record-stats/{}.json", task_name(task)))
                .write(&to_json(&stats)?)?;
            failpoint("phase.outputs_written");
            self.phase_marker("record", task).write(&to_json(&self.marker(count))?)
        };
        commit().map_err(error("committing the recorded phase"))?;
        Ok(TaskOutcome {
            stats,
            status: TaskStatus::Ran,
        })
    }

    fn unit_task(
        &self,
        step: &dyn GlobalStep,
        phase: usize,
        count: usize,
        task: usize,
        claim: &Claim,
    ) -> Result<TaskOutcome, RunError> {
        let dir = self.global_root().join(step.name());
        let context = self.context(&dir, claim);
        let name = self.phases()[phase].clone();
        let mut counters = Counters::default();
        let units = step.units(phase - 1, &context);
        let mine = (task..units).step_by(count.max(1));
        self.progress
            .units_total
            .fetch_add(mine.len() as u64, std::sync::atomic::Ordering::Relaxed);
        for unit in mine {
            let run = || step.run_unit(phase - 1, unit, &context);
            let done = match &self.pool {
                Some(pool) => pool.install(run),
                None => run(),
            }
            .map_err(|e| io_error(task, &format!("phase {name}, unit {unit}"), e))?;
            self.progress
                .units_done
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            counters.merge(&done);
        }
        let counters: BTreeMap<&str, u64> = counters.iter().collect();
        let file = self
            .global_root()
            .join(&format!("counters/{name}/{}.json", task_name(task)));
        let commit = || -> io::Result<()> {
            file.write(&to_json(&counters)?)?;
            failpoint("phase.outputs_written");
            self.phase_marker(&name, task).write(&to_json(&self.marker(count))?)
        };
        commit().map_err(|e| io_error(task, "committing the phase", e))?;
        Ok(TaskOutcome {
            stats: Stats::default(),
            status: TaskStatus::Ran,
        })
    }

    fn filter_task(&self, step: &dyn GlobalStep, count: usize, task: usize) -> Result<TaskOutcome, RunError> {
        let claim = match self.claim(count, task)? {
            Claimed::Claim(claim) => claim,
            Claimed::Outcome(outcome) => return Ok(*outcome),
        };
        let started = Instant::now();
        let error = |context: &str| {
            let context = context.to_string();
            move |source| io_error(task, &context, source)
        };
        let root = self.global_root();
        let stats_file = root.join(&format!("record-stats/{}.json", task_name(task)));
        let mut stats: Stats = stats_file
            .read()
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(io::Error::other))
            .map_err(error("reading the recorded phase's stats"))?;
        let (index, _, _) = self
            .global
            .ok_or_else(|| io_error(task, "filter", io::Error::other("no global step")))?;
        if task == 0 {
            self.add_unit_counters(&mut stats.steps[index].counters)
                .map_err(error("reading the phases' counters"))?;
        }
        let shards = plan::indexed_task_shards(&self.shards, count, task);
        let kept: Vec<String> = shards.iter().map(|(_, shard)| shard.name.clone()).collect();
        let removed: Vec<String> = shards
            .iter()
            .map(|(_, shard)| filter_removed_stem(shard, step))
            .collect();
        self.clear(&kept, &removed)
            .and_then(|()| self.layout.clear_stats(task))
            .map_err(error("deleting what an unfinished attempt left"))?;
        let dir = root.join(step.name());
        let context = self.context(&dir, &claim);
        let recorded = stats.seconds;
        let mut domains = TaskDomains::default();
        for (index, shard) in shards {
            let decider = step.decider(&context, index).map_err(error("loading the decisions"))?;
            let waiting = root.join(&format!("docs/{}_00000.jsonl.zst", shard.name));
            let docs = waiting
                .exists()
                .map_err(error("looking for the waiting documents"))?
                .then_some(waiting);
            self.run_shard(&shard, Part::Filter { decider, docs }, &claim, &mut stats, &mut domains)
                .map_err(error(&format!("running shard {}", shard.location)))?;
        }
        domains.finish(&mut stats);
        stats.seconds = recorded + started.elapsed().as_secs_f64();
        stats
            .check_conservation()
            .map_err(|source| RunError::Conservation { task, source })?;
        self.layout
            .commit(task, &stats, &self.marker(count))
            .map_err(error("committing the outputs"))?;
        Ok(TaskOutcome {
            stats,
            status: TaskStatus::Ran,
        })
    }

    /// Adds the counters every task's units wrote.
    fn add_unit_counters(&self, into: &mut BTreeMap<String, u64>) -> io::Result<()> {
        for (file, _) in self.global_root().join("counters").list()? {
            let counters: BTreeMap<String, u64> = serde_json::from_slice(&file.read()?).map_err(io::Error::other)?;
            for (name, n) in counters {
                *into.entry(name).or_insert(0) += n;
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
