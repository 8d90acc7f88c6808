//! Rust errors as the Python exceptions of `tamis.errors`, and the guard that
//! runs Rust code without the GIL.
//!
//! The exception classes are defined in Python (`python/tamis/errors.py`) so
//! that they carry typed attributes, pickle (Ray sends them between
//! processes) and document themselves; this module only instantiates them.

use pyo3::call::PyCallArgs;
use pyo3::prelude::*;
use std::panic::AssertUnwindSafe;
use tamis_run::PipelineError;
use tamis_steps::ConfigError;

/// `tamis.errors.<class>(*args)`, as an error to raise.
fn raise<'py>(py: Python<'py>, class: &str, args: impl PyCallArgs<'py>) -> PyErr {
    let made = py
        .import("tamis.errors")
        .and_then(|module| module.getattr(class))
        .and_then(|class| class.call1(args));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(err) => err,
    }
}

/// `tamis.PipelineError`: the file, line, column and key of a bad pipeline.
pub fn pipeline_error(py: Python<'_>, err: &PipelineError) -> PyErr {
    raise(
        py,
        "PipelineError",
        (err.to_string(), err.key.clone(), err.file.clone(), err.line, err.column),
    )
}

/// `tamis.ConfigError`: a step setting out of range, with its key.
pub fn config_error(py: Python<'_>, err: &ConfigError) -> PyErr {
    raise(py, "ConfigError", (err.to_string(), err.dotted_key()))
}

/// `tamis.ConfigError` for a setting that could not be read (`at` names it).
pub fn config_message(py: Python<'_>, key: &str, message: String) -> PyErr {
    raise(py, "ConfigError", (message, key.to_string()))
}

/// `tamis.ConfigError` for settings serde could not read: the key is the one
/// its message names in backquotes (``unknown field `maxbytes` ``), under `step`.
pub fn serde_error(py: Python<'_>, step: &str, at: &str, err: &serde_json::Error) -> PyErr {
    let message = err.to_string();
    let named = message.split('`').nth(1).filter(|key| !key.is_empty() && *key != step);
    let key = match named {
        Some(key) => format!("{step}.{key}"),
        None => step.to_string(),
    };
    config_message(py, &key, format!("{at}: {message}"))
}

/// `tamis.RunError` with the job's report (a dict), if there is one.
pub fn run_error(py: Python<'_>, message: String, report: Option<Bound<'_, PyAny>>) -> PyErr {
    raise(py, "RunError", (message, report))
}

/// Runs `work` with the GIL released, so other Python threads go on. A panic
/// there is a bug in tamis, never an answer to bad input: it becomes a
/// `tamis.RunError` saying so, not an interpreter-level `PanicException`
/// (the panic hook has printed where it happened).
pub fn detached<T: Send>(py: Python<'_>, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    py.detach(|| std::panic::catch_unwind(AssertUnwindSafe(work)))
        .map_err(|panic| {
            let message = tamis_api::panic_message(&*panic);
            run_error(
                py,
                format!("internal error in tamis (a bug, please report it): {message}"),
                None,
            )
        })
}
