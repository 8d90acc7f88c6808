//! fastText models for the steps: the built-in `lid.176.ftz`, or a file,
//! each loaded once per process however many steps name it, and predicted
//! with per-thread buffers.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use tamis_fasttext::{Model, Prediction, Scratch};

/// fastText's `lid.176.ftz` (176 languages; CC BY-SA 3.0, see
/// `models/NOTICE.md`), built in so that language identification needs no
/// download.
pub(crate) static LID_176: &[u8] = include_bytes!("../models/lid.176.ftz");

/// The built-in language-identification model.
pub(crate) fn lid_176() -> Arc<Model> {
    static MODEL: OnceLock<Arc<Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| Arc::new(Model::from_bytes(LID_176).expect("the built-in lid.176.ftz loads")))
        .clone()
}

/// The model at `path` (a local path or a URL), shared with any other step
/// that loaded it and still holds it.
pub(crate) fn load(path: &Path) -> Result<Arc<Model>, String> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Weak<Model>>>> = OnceLock::new();
    let location = tamis_io::Location::parse(&path.to_string_lossy()).map_err(|e| e.to_string())?;
    let key = match location.local_path() {
        Some(local) => local.canonicalize().unwrap_or(local),
        None => PathBuf::from(location.to_string()),
    };
    let mut loaded = LOADED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(model) = loaded.get(&key).and_then(Weak::upgrade) {
        return Ok(model);
    }
    let stored = location.open().map_err(|e| e.to_string())?;
    let model = Model::read(std::io::BufReader::with_capacity(1 << 20, stored));
    let model = Arc::new(model.map_err(|err| format!("{location}: {err}"))?);
    loaded.insert(key, Arc::downgrade(&model));
    Ok(model)
}

/// Every label fastText predicts for `text` (its `k = -1`, threshold 0, as
/// datatrove asks), best first, handed to `f`. With `newlines_are_spaces`,
/// the whole text is read as if each newline were a space (datatrove's
/// `text.replace("\n", " ")`, without the copy); without, prediction stops
/// at the first newline, as fastText's does.
pub(crate) fn with_all_predictions<R>(
    model: &Model,
    text: &str,
    newlines_are_spaces: bool,
    f: impl FnOnce(&[Prediction<'_>]) -> R,
) -> R {
    thread_local! {
        static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
    }
    SCRATCH.with(|scratch| {
        let scratch = &mut scratch.borrow_mut();
        let predictions = if newlines_are_spaces {
            model.predict_joined(text, usize::MAX, 0.0, scratch)
        } else {
            model.predict_with(text, usize::MAX, 0.0, scratch)
        };
        f(&predictions)
    })
}

/// The label without fastText's `__label__` prefix.
pub(crate) fn label_name(label: &str) -> &str {
    label.strip_prefix("__label__").unwrap_or(label)
}
