//! `tamis.predict_language`: fastText's labels and scores for a text, as the
//! `language` step sees them (newlines become spaces first).

use crate::errors;
use pyo3::prelude::*;
use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::Arc;
use tamis_fasttext::{Model, Scratch};

/// The model at `path`, or the built-in `lid.176.ftz`.
fn model(py: Python<'_>, path: Option<PathBuf>) -> PyResult<Arc<Model>> {
    match path {
        None => Ok(tamis_steps::language::builtin_model()),
        Some(path) => errors::detached(py, || tamis_steps::language::load_model(&path))?
            .map_err(|message| errors::config_message(py, "model", format!("model: {message}"))),
    }
}

/// The `k` best labels (all for -1) with their probability, best first, the
/// labels without fastText's `__label__` prefix.
#[pyfunction]
#[pyo3(signature = (text, k=1, model=None, threshold=0.0))]
pub fn predict_language(
    py: Python<'_>,
    text: &str,
    k: i64,
    model: Option<PathBuf>,
    threshold: f32,
) -> PyResult<Vec<(String, f64)>> {
    let k = match k {
        -1 => usize::MAX,
        k if k > 0 => k as usize,
        k => {
            return Err(errors::config_message(
                py,
                "k",
                format!("k={k}: give a positive number, or -1 for every label"),
            ))
        }
    };
    let model = self::model(py, model)?;
    let text = text.replace('\n', " ");
    errors::detached(py, || {
        thread_local! {
            static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
        }
        SCRATCH.with(|scratch| {
            model
                .predict_with(&text, k, threshold, &mut scratch.borrow_mut())
                .iter()
                .map(|p| {
                    let label = p.label.strip_prefix("__label__").unwrap_or(p.label);
                    (label.to_string(), f64::from(p.probability))
                })
                .collect()
        })
    })
}
