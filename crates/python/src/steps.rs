//! `tamis.Steps`: Python documents through a list of steps, each coming back
//! with its verdict — for notebooks, tests of a pipeline and the datatrove
//! blocks.
//!
//! A batch is processed the way the runner processes a shard: per-document
//! steps on every worker, a shard step (`line_dedup`) observing the whole
//! batch before deciding. Corpus-wide steps (`exact_dedup`, `minhash_dedup`,
//! `sentence_dedup`) need files exchanged between phases and are refused here: `tamis.run`
//! runs them.

use crate::convert;
use crate::errors;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use tamis_api::{Counters, Document, Reason, Step, Verdict};
use tamis_steps::{BuiltStep, StepConfig};

/// The drop reason of a document on which a step panicked (as in the runner).
const PANIC: Reason = Reason("panic");

/// Built steps, and the threads that run them.
#[pyclass(name = "_Steps", module = "tamis._tamis", frozen)]
pub struct Steps {
    steps: Vec<BuiltStep>,
    /// A pool of the requested size, or `None` for rayon's global pool (all cores).
    pool: Option<rayon::ThreadPool>,
}

/// What became of one document.
struct Outcome {
    doc: Document,
    /// The step that dropped it (its index) and why.
    dropped: Option<(usize, Reason)>,
}

/// What one step did to a batch.
#[derive(Default)]
struct Tally {
    input: u64,
    kept: u64,
    dropped: BTreeMap<&'static str, u64>,
    counters: Counters,
}

impl Tally {
    fn merge(mut self, other: Tally) -> Tally {
        self.input += other.input;
        self.kept += other.kept;
        for (reason, n) in other.dropped {
            *self.dropped.entry(reason).or_insert(0) += n;
        }
        self.counters.merge(&other.counters);
        self
    }

    fn count(&mut self, verdict: Verdict) {
        self.input += 1;
        match verdict {
            Verdict::Keep => self.kept += 1,
            Verdict::Drop(reason) => *self.dropped.entry(reason.as_str()).or_insert(0) += 1,
        }
    }
}

/// Runs `step` on `doc`; a panic drops the document as `panic`.
fn run_step(step: &dyn Step, doc: &mut Document, counters: &mut Counters) -> Verdict {
    std::panic::catch_unwind(AssertUnwindSafe(|| step.process(doc, counters))).unwrap_or(Verdict::Drop(PANIC))
}

/// Applies `step` (at `index`) to the documents still kept, in parallel.
fn apply(step: &dyn Step, index: usize, outcomes: &mut [Outcome]) -> Tally {
    outcomes
        .par_iter_mut()
        .filter(|outcome| outcome.dropped.is_none())
        .fold(Tally::default, |mut tally, outcome| {
            let verdict = run_step(step, &mut outcome.doc, &mut tally.counters);
            if let Verdict::Drop(reason) = verdict {
                outcome.dropped = Some((index, reason));
            }
            tally.count(verdict);
            tally
        })
        .reduce(Tally::default, Tally::merge)
}

impl Steps {
    /// Every step over `outcomes`, in order; one tally per step.
    fn run(&self, outcomes: &mut [Outcome]) -> Vec<Tally> {
        let mut tallies = Vec::with_capacity(self.steps.len());
        for (index, step) in self.steps.iter().enumerate() {
            let tally = match step {
                BuiltStep::Document(step) => apply(step.as_ref(), index, outcomes),
                BuiltStep::Shard(step) => {
                    let summaries: Vec<Option<Vec<u64>>> = outcomes
                        .par_iter()
                        .map(|outcome| match outcome.dropped {
                            Some(_) => None,
                            None => std::panic::catch_unwind(AssertUnwindSafe(|| step.summarize(&outcome.doc))).ok(),
                        })
                        .collect();
                    // A document whose summary panicked leaves as `panic` before the pass.
                    let mut tally = Tally::default();
                    let mut pass = step.begin();
                    for (outcome, summary) in outcomes.iter_mut().zip(&summaries) {
                        match (summary, outcome.dropped) {
                            (Some(summary), _) => pass.observe(summary),
                            (None, None) => {
                                outcome.dropped = Some((index, PANIC));
                                tally.count(Verdict::Drop(PANIC));
                            }
                            (None, Some(_)) => {}
                        }
                    }
                    let decider = pass.finish();
                    tally.merge(apply(decider.as_ref(), index, outcomes))
                }
                // Refused when built (Steps::new).
                BuiltStep::Global(_) => Tally::default(),
            };
            tallies.push(tally);
        }
        tallies
    }

    /// Runs `work` on this object's pool (or rayon's global one).
    fn install<T: Send>(&self, work: impl FnOnce() -> T + Send) -> T {
        match &self.pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}

/// Reads one `{step_name: {settings}}` entry.
fn step_config(py: Python<'_>, entry: &Bound<'_, PyAny>, index: usize) -> PyResult<StepConfig> {
    let at = format!("steps[{index}]");
    let value = convert::to_json(entry, &at)?;
    let name = match &value {
        Value::Object(map) if map.len() == 1 => map.keys().next().cloned().unwrap_or_default(),
        _ => {
            return Err(errors::config_message(
                py,
                &at,
                format!(
                    "{at}: a step is a dict of one key, its name, e.g. {{\"language\": {{\"languages\": [\"fr\"]}}}}"
                ),
            ))
        }
    };
    serde_json::from_value(value).map_err(|err| errors::serde_error(py, &name, &format!("{at} ({name})"), &err))
}

/// Builds the steps `entries` name (presets expanded).
pub fn build_steps(py: Python<'_>, entries: &Bound<'_, PyAny>) -> PyResult<Vec<BuiltStep>> {
    let mut configs = Vec::new();
    for (index, entry) in entries.try_iter()?.enumerate() {
        configs.push(step_config(py, &entry?, index)?);
    }
    let built = errors::detached(py, || -> Result<Vec<BuiltStep>, tamis_steps::ConfigError> {
        let mut steps = Vec::new();
        for config in &configs {
            for expanded in config.expand()? {
                steps.push(expanded.build()?);
            }
        }
        Ok(steps)
    })?;
    built.map_err(|err| errors::config_error(py, &err))
}

#[pymethods]
impl Steps {
    /// Builds the steps of `configs` (a list of `{name: {settings}}`, as in a
    /// pipeline file's `steps:`), run on `workers` threads (all cores when None).
    #[new]
    #[pyo3(signature = (configs, workers=None))]
    fn new(py: Python<'_>, configs: &Bound<'_, PyAny>, workers: Option<usize>) -> PyResult<Self> {
        let steps = build_steps(py, configs)?;
        if let Some(step) = steps.iter().find(|step| matches!(step, BuiltStep::Global(_))) {
            let name = step.name();
            return Err(errors::config_message(
                py,
                name,
                format!(
                    "{name} is corpus-wide (it runs as phases that exchange files): run it with tamis.run, \
                     not tamis.Steps"
                ),
            ));
        }
        let pool = match workers {
            None => None,
            Some(0) => return Err(errors::config_message(py, "workers", "workers: give at least 1".into())),
            Some(n) => Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .thread_name(|i| format!("tamis-steps-{i}"))
                    .build()
                    .map_err(|err| errors::run_error(py, format!("starting {n} worker threads: {err}"), None))?,
            ),
        };
        Ok(Steps { steps, pool })
    }

    /// The names of the steps, presets expanded.
    fn names(&self) -> Vec<&'static str> {
        self.steps.iter().map(BuiltStep::name).collect()
    }

    /// Processes `documents` (dicts or str) as one batch: returns a list of
    /// `(document, kept, step, reason)` and a list of per-step tallies.
    fn process<'py>(
        &self,
        py: Python<'py>,
        documents: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyList>, Bound<'py, PyList>)> {
        let mut outcomes = Vec::new();
        for (index, item) in documents.try_iter()?.enumerate() {
            outcomes.push(Outcome {
                doc: convert::document(&item?, index)?,
                dropped: None,
            });
        }
        let tallies = errors::detached(py, || self.install(|| self.run(&mut outcomes)))?;
        let results = PyList::empty(py);
        for outcome in &outcomes {
            let (step, reason) = match outcome.dropped {
                Some((index, reason)) => (Some(self.steps[index].name()), Some(reason.as_str())),
                None => (None, None),
            };
            let doc = convert::document_dict(py, &outcome.doc)?;
            results.append(PyTuple::new(
                py,
                [
                    doc.into_any(),
                    outcome.dropped.is_none().into_pyobject(py)?.to_owned().into_any(),
                    step.into_pyobject(py)?.into_any(),
                    reason.into_pyobject(py)?.into_any(),
                ],
            )?)?;
        }
        let stats = PyList::empty(py);
        for (step, tally) in self.steps.iter().zip(&tallies) {
            let entry = PyDict::new(py);
            entry.set_item("name", step.name())?;
            entry.set_item("input", tally.input)?;
            entry.set_item("kept", tally.kept)?;
            entry.set_item("dropped", tally.dropped.clone())?;
            let counters: BTreeMap<&str, u64> = tally.counters.iter().collect();
            entry.set_item("counters", counters)?;
            stats.append(entry)?;
        }
        Ok((results, stats))
    }
}
