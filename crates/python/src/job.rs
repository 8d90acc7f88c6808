//! Pipelines from Python: check one, run tasks of one (the job loop of
//! `tamis_run`, as the command line runs it), merge the stats of an output.
//!
//! The Python layer turns a path, YAML text or a dict into pipeline text;
//! these functions take that text and the name errors should give it.

use crate::convert;
use crate::errors;
use pyo3::prelude::*;
use serde_json::{json, Value};
use std::sync::Arc;
use tamis_run::{JobOptions, JobReport, Pipeline, Progress, Runner};

/// Parses and checks pipeline `text` (reading no input, listing them).
fn parse(py: Python<'_>, text: &str, name: &str) -> PyResult<Pipeline> {
    errors::detached(py, || Pipeline::parse(text, name))?.map_err(|err| errors::pipeline_error(py, &err))
}

/// What a checked pipeline is: its phases, steps, inputs and outputs.
#[pyfunction]
pub fn check_pipeline<'py>(py: Python<'py>, text: &str, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let pipeline = parse(py, text, name)?;
    let runner = Runner::new(&pipeline, 1, Arc::new(Progress::default()))
        .map_err(|err| errors::run_error(py, format!("preparing the pipeline: {err}"), None))?;
    let summary = json!({
        "phases": runner.phases(),
        "steps": pipeline.step_names(),
        "inputs": pipeline.inputs.len(),
        "output": pipeline.output.to_string(),
        "removed": pipeline.removed.as_ref().map(ToString::to_string),
    });
    convert::to_py(py, &summary)
}

/// The report of a job as JSON: what ran, what failed and why, the stats.
fn report_json(report: &JobReport) -> Value {
    let failed: Vec<Value> = report
        .failed
        .iter()
        .map(|(task, err)| json!({"task": task, "error": err.to_string(), "configuration": err.is_configuration()}))
        .collect();
    let busy: Vec<Value> = report
        .busy
        .iter()
        .map(|(task, holder)| json!({"task": task, "holder": holder}))
        .collect();
    let waiting = report
        .waiting
        .as_ref()
        .map(|(phase, previous, missing)| json!({"phase": phase, "waits_for": previous, "tasks": missing}));
    json!({
        "ran": report.ran,
        "skipped": report.skipped,
        "busy": busy,
        "failed": failed,
        "waiting": waiting,
        "stats": report.stats.as_ref().and_then(|stats| serde_json::to_value(stats).ok()),
        "warnings": report.warnings,
    })
}

/// Runs tasks `indexes` (all when None) of `tasks` through every phase (or
/// `phase`) and returns the job's report as a dict.
#[pyfunction]
#[pyo3(signature = (text, name, tasks=1, indexes=None, workers=None, concurrent=None, phase=None, mem_budget=None, keep_global=false))]
#[allow(clippy::too_many_arguments)]
pub fn run_job<'py>(
    py: Python<'py>,
    text: &str,
    name: &str,
    tasks: usize,
    indexes: Option<Vec<usize>>,
    workers: Option<usize>,
    concurrent: Option<usize>,
    phase: Option<String>,
    mem_budget: Option<usize>,
    keep_global: bool,
) -> PyResult<Bound<'py, PyAny>> {
    if tasks == 0 {
        return Err(errors::config_message(py, "tasks", "tasks: give at least 1".into()));
    }
    let indexes = indexes.unwrap_or_else(|| (0..tasks).collect());
    if let Some(index) = indexes.iter().find(|&&index| index >= tasks) {
        return Err(errors::config_message(
            py,
            "task_index",
            format!("task index {index} is out of range for {tasks} tasks"),
        ));
    }
    if workers == Some(0) || concurrent == Some(0) {
        return Err(errors::config_message(py, "workers", "workers: give at least 1".into()));
    }
    let pipeline = parse(py, text, name)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let defaults = JobOptions::all(tasks, workers.unwrap_or(cores));
    let options = JobOptions {
        concurrent: concurrent.unwrap_or(cores).clamp(1, indexes.len().max(1)),
        indexes,
        mem_budget: mem_budget.unwrap_or(defaults.mem_budget),
        phase,
        keep_global,
        distributions: true,
        ..defaults
    };
    let report = errors::detached(py, || {
        tamis_run::run_job(&pipeline, &options, Arc::new(Progress::default())).map(|report| report_json(&report))
    })?
    .map_err(|err| match err {
        tamis_run::JobError::UnknownPhase(..) => errors::config_message(py, "phase", err.to_string()),
        err => errors::run_error(py, err.to_string(), None),
    })?;
    convert::to_py(py, &report)
}

/// Merges the stats of the completed tasks in `output` into
/// `output/stats.json` and returns them.
#[pyfunction]
pub fn merge_stats<'py>(py: Python<'py>, output: &str) -> PyResult<Bound<'py, PyAny>> {
    let merged = errors::detached(py, || -> std::io::Result<Value> {
        let output = tamis_io::Location::parse(output)?;
        let layout = tamis_run::output::Layout::new(output, None);
        let stats = layout.merge_stats()?;
        serde_json::to_value(&stats).map_err(std::io::Error::other)
    })?
    .map_err(|err| errors::run_error(py, format!("merging the stats in {output}: {err}"), None))?;
    convert::to_py(py, &merged)
}

/// The summary table `tamis run` prints, for merged stats given as a dict.
#[pyfunction]
pub fn summary(py: Python<'_>, stats: &Bound<'_, PyAny>) -> PyResult<String> {
    let stats: tamis_api::Stats = serde_json::from_value(convert::to_json(stats, "stats")?)
        .map_err(|err| errors::config_message(py, "stats", format!("stats: {err}")))?;
    Ok(tamis::summary::table(&stats).to_string())
}

/// The `tamis` command, in this process: `args` as `sys.argv` (program
/// name first); returns the exit code.
#[pyfunction]
pub fn cli_main(py: Python<'_>, args: Vec<String>) -> PyResult<u8> {
    errors::detached(py, || tamis::main(args))
}
