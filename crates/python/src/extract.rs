//! `tamis.extract` and `tamis.extract_batch`: the `extract` step on pages
//! handed over by Python.
//!
//! Going through the step (not `tamis_extract::extract` directly) gives the
//! exact text and metadata a pipeline's `extract` step gives, and its guard
//! rails: a page that is too large, too deep or too slow, or on which the
//! extractor panics, has no main content here (`None`), as it is dropped there.

use crate::convert;
use crate::errors;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use rayon::prelude::*;
use serde_json::{Map, Value};
use tamis_api::{Counters, Document, Step, Verdict};
use tamis_steps::extract::{Extract, ExtractConfig};

/// The metadata keys the step adds, in the order of its documentation: the
/// page's own, then which fallback or strategies found the text.
const METADATA: [&str; 8] = [
    "title",
    "date",
    "html_lang",
    "canonical_url",
    "site_name",
    "description",
    "extract_fallback",
    "extract_strategies",
];

/// The step configured by `options` (`include_comments`, `max_bytes`,
/// `max_depth`, `time_budget_ms`, `strategy`).
fn step(py: Python<'_>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Extract> {
    let settings = match options {
        Some(options) => convert::to_json(options.as_any(), "extract")?,
        None => Value::Object(Map::new()),
    };
    let config: ExtractConfig =
        serde_json::from_value(settings).map_err(|err| errors::serde_error(py, "extract", "extract", &err))?;
    config.build().map_err(|err| errors::config_error(py, &err))
}

/// A page's HTML: a str, or bytes decoded as the WARC reader decodes a page
/// without a declared charset (BOM, `<meta charset>`, UTF-8, detection).
fn html_of(page: &Bound<'_, PyAny>, at: &str) -> PyResult<String> {
    if let Ok(text) = page.cast::<PyString>() {
        return Ok(text.to_str()?.to_string());
    }
    if let Ok(bytes) = page.cast::<PyBytes>() {
        return Ok(tamis_read::charset::decode(bytes.as_bytes().to_vec(), None).text);
    }
    Err(PyTypeError::new_err(format!(
        "{at}: expected the page's HTML as str or bytes, not {}",
        convert::type_name(page)
    )))
}

/// The page's main content, or `None` when the step drops it.
fn extract_page(step: &Extract, html: String, url: Option<String>) -> Option<Document> {
    let mut doc = Document::new("", html);
    doc.url = url;
    match step.process(&mut doc, &mut Counters::default()) {
        Verdict::Keep => Some(doc),
        Verdict::Drop(_) => None,
    }
}

/// `{"text": …, "title": …, …}`: the text and the metadata the step found.
fn result_dict<'py>(py: Python<'py>, doc: Option<Document>) -> PyResult<Bound<'py, PyAny>> {
    let Some(doc) = doc else {
        return Ok(py.None().into_bound(py));
    };
    let dict = PyDict::new(py);
    dict.set_item("text", &doc.text)?;
    for key in METADATA {
        if let Some(value) = doc.metadata.get(key) {
            dict.set_item(key, convert::to_py(py, value)?)?;
        }
    }
    Ok(dict.into_any())
}

/// Extracts the main content of one page.
#[pyfunction]
#[pyo3(signature = (html, url=None, **options))]
pub fn extract<'py>(
    py: Python<'py>,
    html: &Bound<'py, PyAny>,
    url: Option<String>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let step = step(py, options)?;
    let html = html_of(html, "html")?;
    let doc = errors::detached(py, || extract_page(&step, html, url))?;
    result_dict(py, doc)
}

/// Extracts the main content of many pages on `workers` threads (all cores
/// when None), in order.
#[pyfunction]
#[pyo3(signature = (pages, urls=None, workers=None, **options))]
pub fn extract_batch<'py>(
    py: Python<'py>,
    pages: &Bound<'py, PyAny>,
    urls: Option<Vec<Option<String>>>,
    workers: Option<usize>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyList>> {
    let step = step(py, options)?;
    let mut htmls = Vec::new();
    for (index, page) in pages.try_iter()?.enumerate() {
        htmls.push(html_of(&page?, &format!("pages[{index}]"))?);
    }
    let urls = match urls {
        Some(urls) if urls.len() != htmls.len() => {
            return Err(errors::config_message(
                py,
                "urls",
                format!("urls: {} given for {} pages", urls.len(), htmls.len()),
            ))
        }
        Some(urls) => urls,
        None => vec![None; htmls.len()],
    };
    let pool = match workers {
        None => None,
        Some(0) => return Err(errors::config_message(py, "workers", "workers: give at least 1".into())),
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|err| errors::run_error(py, format!("starting {n} worker threads: {err}"), None))?,
        ),
    };
    let docs = errors::detached(py, || {
        let work = || -> Vec<Option<Document>> {
            htmls
                .into_par_iter()
                .zip(urls)
                .map(|(html, url)| extract_page(&step, html, url))
                .collect()
        };
        match &pool {
            Some(pool) => pool.install(work),
            None => work(),
        }
    })?;
    let results = PyList::empty(py);
    for doc in docs {
        results.append(result_dict(py, doc)?)?;
    }
    Ok(results)
}
