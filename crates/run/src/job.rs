//! A job: the selected tasks of a pipeline through every phase, in order, as
//! the command line, the Python package and a Ray driver all run it.
//!
//! A phase of a task starts once every task has completed the phase before
//! it; when some have not (they run elsewhere, as other jobs of an array), the
//! job stops and says which tasks it waits for, so that running it again later
//! goes on from there.

use crate::executor::{Progress, RunError, Runner, TaskStatus};
use crate::Pipeline;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tamis_api::Stats;

/// How to run a pipeline's tasks.
#[derive(Debug, Clone)]
pub struct JobOptions {
    /// How many tasks the inputs are split into.
    pub tasks: usize,
    /// Which of them run here (all of them, or one per array job).
    pub indexes: Vec<usize>,
    /// Worker threads shared by the tasks.
    pub workers: usize,
    /// Tasks run at the same time, each with its own reader.
    pub concurrent: usize,
    /// Memory per task for a corpus-wide step before it spills to disk.
    pub mem_budget: usize,
    /// Run this phase only.
    pub phase: Option<String>,
    /// Keep `OUTPUT/.global/` once the run completed.
    pub keep_global: bool,
    /// Histograms, domain counts and removed-document samples in the stats.
    pub distributions: bool,
}

impl JobOptions {
    /// Every task of `tasks` here, with `workers` threads.
    pub fn all(tasks: usize, workers: usize) -> Self {
        JobOptions {
            tasks: tasks.max(1),
            indexes: (0..tasks.max(1)).collect(),
            workers,
            concurrent: workers.min(tasks.max(1)),
            mem_budget: crate::executor::DEFAULT_MEM_BUDGET,
            phase: None,
            keep_global: false,
            distributions: true,
        }
    }
}

/// What a job did.
#[derive(Debug, Default)]
pub struct JobReport {
    /// Tasks that ran to completion here.
    pub ran: Vec<usize>,
    /// Tasks complete from an earlier run.
    pub skipped: Vec<usize>,
    /// Tasks another process is running, with who holds them.
    pub busy: Vec<(usize, String)>,
    /// Tasks that failed, with why; running the job again redoes them (unless
    /// [`RunError::is_configuration`]).
    pub failed: Vec<(usize, RunError)>,
    /// The phase that could not start, the one it waits for, and the tasks
    /// that have not completed that one.
    pub waiting: Option<(String, String, Vec<usize>)>,
    /// The stats of every completed task, merged (also in `OUTPUT/stats.json`).
    pub stats: Option<Stats>,
    /// Things a user should look at although nothing failed.
    pub warnings: Vec<String>,
}

impl JobReport {
    /// Whether every task of the job is complete.
    pub fn complete(&self, tasks: usize) -> bool {
        self.stats.as_ref().is_some_and(|s| s.tasks as usize == tasks)
    }
}

/// An error that stops a job before any task runs.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// `--phase` names no phase of this pipeline.
    #[error("--phase {0}: this pipeline's phases are {1}")]
    UnknownPhase(String, String),
    /// The worker pool could not start.
    #[error("starting the worker pool: {0}")]
    Pool(std::io::Error),
    /// The completed tasks' stats could not be merged.
    #[error("merging the task stats: {0}")]
    Merge(std::io::Error),
}

/// Runs the tasks `options` select through every phase (or `options.phase`).
pub fn run_job(pipeline: &Pipeline, options: &JobOptions, progress: Arc<Progress>) -> Result<JobReport, JobError> {
    let runner = Runner::new(pipeline, options.workers, progress.clone())
        .map_err(JobError::Pool)?
        .with_mem_budget(options.mem_budget)
        .with_keep_global(options.keep_global)
        .with_distributions(options.distributions);
    let phases = runner.phases();
    let selected: Vec<usize> = match &options.phase {
        None => (0..phases.len()).collect(),
        Some(name) => match phases.iter().position(|p| p == name) {
            Some(phase) => vec![phase],
            None => return Err(JobError::UnknownPhase(name.clone(), phases.join(", "))),
        },
    };
    progress.bytes_total.fetch_add(
        runner.known_input_size(options.tasks, &options.indexes),
        Ordering::Relaxed,
    );
    let mut report = JobReport::default();
    for phase in selected {
        if phase > 0 {
            let missing = match runner.phase_missing(phase - 1, options.tasks) {
                Ok(missing) => missing,
                Err(err) => {
                    report.failed.push((0, err));
                    break;
                }
            };
            if !missing.is_empty() {
                report.waiting = Some((phases[phase].clone(), phases[phase - 1].clone(), missing));
                break;
            }
        }
        let last = phase + 1 == phases.len();
        progress.start_phase(&phases[phase], phase, phases.len());
        for (index, result) in runner.run_phase(phase, options.tasks, &options.indexes, options.concurrent) {
            match result {
                Ok(outcome) => match outcome.status {
                    TaskStatus::Ran if last => report.ran.push(index),
                    TaskStatus::Skipped if last => report.skipped.push(index),
                    TaskStatus::Busy(holder) => report.busy.push((index, holder)),
                    TaskStatus::Ran | TaskStatus::Skipped => {}
                },
                Err(err) => report.failed.push((index, err)),
            }
        }
        if !report.failed.is_empty() || !report.busy.is_empty() {
            break;
        }
    }
    match runner.merge_stats() {
        Ok(stats) => {
            report.warnings = warnings(&stats);
            report.stats = Some(stats);
        }
        // Nothing completed yet, or a failure already says what is wrong.
        Err(_) if !report.failed.is_empty() => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(JobError::Merge(err)),
    }
    Ok(report)
}

/// Steps that dropped every document they saw: usually a pipeline that does
/// not fit its input (WARC `request` records, text in another language…).
fn warnings(stats: &Stats) -> Vec<String> {
    stats
        .steps
        .iter()
        .filter(|step| step.input > 0 && step.kept == 0)
        .map(|step| {
            let reasons: Vec<String> = step
                .dropped
                .iter()
                .map(|(reason, n)| format!("{reason}: {n}"))
                .collect();
            format!(
                "step {} dropped every document it saw ({} of {}; {})",
                step.name,
                step.dropped_count(),
                step.input,
                reasons.join(", ")
            )
        })
        .collect()
}
