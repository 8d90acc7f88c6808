//! Running pipelines: from a pipeline file to committed outputs and stats.
//!
//! - [`pipeline`]: the pipeline file, parsed and checked before any work starts;
//! - [`plan`]: which task reads which input shards, and how outputs are named;
//! - [`executor`]: one task at a time, its shards through the steps on a worker
//!   pool, output order kept;
//! - [`global`]: pipelines with a corpus-wide step, run as phases that exchange files;
//! - [`output`]: the output layout and the commit protocol (no rename, so the
//!   same on local disk and object storage): locks, completion markers, stats;
//! - [`job`]: the tasks through every phase, as the CLI, Python and Ray run them.
//!
//! The pipeline file says *what* runs; the [`Runner`]'s arguments (workers, task
//! count and index) say *how*, so the same file runs on a laptop or as a Slurm
//! array job.
#![deny(missing_docs)]

pub mod executor;
pub mod global;
pub mod job;
mod measure;
pub mod output;
pub mod pipeline;
pub mod plan;

pub use executor::{Progress, RunError, Runner, TaskOutcome, TaskStatus};
pub use job::{run_job, JobError, JobOptions, JobReport};
pub use pipeline::{Input, Pipeline, PipelineError};
