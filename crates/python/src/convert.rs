//! Python values ↔ JSON values and documents.
//!
//! Metadata, stats and step settings are JSON on the Rust side
//! (`serde_json::Value`); Python sees plain dicts, lists, strings, numbers,
//! booleans and `None`. Anything else is a `TypeError` that names where it was
//! found (`metadata.when: datetime is not JSON`), never a panic.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};
use tamis_api::Document;

/// How deep dicts and lists may nest: deeper (or a dict that holds itself)
/// is an error, not a stack overflow. serde_json reads no deeper either.
const MAX_DEPTH: usize = 128;

/// The JSON value of `obj`; `at` names it in errors.
pub fn to_json(obj: &Bound<'_, PyAny>, at: &str) -> PyResult<Value> {
    to_json_within(obj, at, MAX_DEPTH)
}

fn to_json_within(obj: &Bound<'_, PyAny>, at: &str, depth: usize) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    // bool before int: Python's bool is an int.
    if let Ok(flag) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if let Ok(int) = obj.cast::<PyInt>() {
        if let Ok(n) = int.extract::<i64>() {
            return Ok(Value::from(n));
        }
        if let Ok(n) = int.extract::<u64>() {
            return Ok(Value::from(n));
        }
        return Err(PyValueError::new_err(format!("{at}: {int} does not fit in 64 bits")));
    }
    if let Ok(float) = obj.cast::<PyFloat>() {
        let x = float.value();
        return Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err(format!("{at}: {x} is not a JSON number")));
    }
    if let Ok(text) = obj.cast::<PyString>() {
        return Ok(Value::String(text.to_str()?.to_string()));
    }
    let nested = obj.cast::<PyDict>().is_ok() || obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok();
    if nested && depth == 0 {
        return Err(PyValueError::new_err(format!(
            "{at}: nested deeper than {MAX_DEPTH} levels (or holds itself)"
        )));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, value) in dict.iter() {
            let key = key
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err(format!("{at}: keys must be str, not {}", type_name(&key))))?
                .to_str()?
                .to_string();
            let value = to_json_within(&value, &format!("{at}.{key}"), depth - 1)?;
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        let items = obj
            .try_iter()?
            .enumerate()
            .map(|(i, item)| to_json_within(&item?, &format!("{at}[{i}]"), depth - 1))
            .collect::<PyResult<Vec<Value>>>()?;
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{at}: {} is not JSON (give dict, list, str, int, float, bool or None)",
        type_name(obj)
    )))
}

/// The Python value of `value`: dicts, lists, str, int, float, bool, None.
pub fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any(),
        },
        Value::String(text) => PyString::new(py, text).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => dict_of(py, map)?.into_any(),
    })
}

/// A Python dict of a JSON object.
pub fn dict_of<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in map {
        dict.set_item(key, to_py(py, value)?)?;
    }
    Ok(dict)
}

/// A document from a dict (`text`, and optionally `id`, `url`, `metadata`;
/// other keys go into the metadata, as in the JSONL reader) or a str (the text). `index` numbers it in errors and names it when it has no id.
pub fn document(obj: &Bound<'_, PyAny>, index: usize) -> PyResult<Document> {
    let at = format!("documents[{index}]");
    if let Ok(text) = obj.cast::<PyString>() {
        return Ok(Document::new(index.to_string(), text.to_str()?));
    }
    let dict = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err(format!("{at}: a document is a dict or a str, not {}", type_name(obj))))?;
    let field = |name: &str| -> PyResult<Option<String>> {
        match dict.get_item(name)? {
            None => Ok(None),
            Some(value) if value.is_none() && name != "text" => Ok(None),
            Some(value) => value
                .extract::<String>()
                .map(Some)
                .map_err(|_| PyTypeError::new_err(format!("{at}.{name}: expected str, not {}", type_name(&value)))),
        }
    };
    let text = field("text")?.ok_or_else(|| PyValueError::new_err(format!("{at}: no `text`")))?;
    let mut doc = Document::new(field("id")?.unwrap_or_else(|| index.to_string()), text);
    doc.url = field("url")?;
    if let Some(metadata) = dict.get_item("metadata")? {
        if !metadata.is_none() {
            match to_json(&metadata, &format!("{at}.metadata"))? {
                Value::Object(map) => doc.metadata = map,
                _ => {
                    return Err(PyTypeError::new_err(format!(
                        "{at}.metadata: expected a dict, not {}",
                        type_name(&metadata)
                    )))
                }
            }
        }
    }
    // As in the JSONL reader: other fields are metadata.
    for (key, value) in dict.iter() {
        let key: String = key
            .extract()
            .map_err(|_| PyTypeError::new_err(format!("{at}: keys must be str")))?;
        if !matches!(key.as_str(), "text" | "id" | "url" | "metadata") {
            let value = to_json(&value, &format!("{at}.{key}"))?;
            doc.metadata.insert(key, value);
        }
    }
    Ok(doc)
}

/// A document as a dict: `id`, `text`, `url` (None when unknown), `metadata`.
pub fn document_dict<'py>(py: Python<'py>, doc: &Document) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("id", &doc.id)?;
    dict.set_item("text", &doc.text)?;
    dict.set_item("url", doc.url.as_deref())?;
    dict.set_item("metadata", dict_of(py, &doc.metadata)?)?;
    Ok(dict)
}

/// The name of `obj`'s type, for messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_string(), |name| name.to_string())
}
