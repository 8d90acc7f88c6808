//! `tamis._tamis`, the native part of the `tamis` Python package.
//!
//! Every function releases the GIL while Rust works (`errors::detached`), takes
//! and returns plain Python values (dicts, lists, str), and reports bad input
//! as a Python exception from `tamis.errors`. The Python modules under
//! `python/tamis/` wrap these functions with the public, documented API.

mod convert;
mod errors;
mod extract;
mod job;
mod language;
mod steps;

use pyo3::prelude::*;

/// Native functions of tamis; use the `tamis` module, which wraps them.
#[pymodule]
mod _tamis {
    #[pymodule_export]
    use crate::extract::{extract, extract_batch};
    #[pymodule_export]
    use crate::job::{check_pipeline, cli_main, merge_stats, run_job, summary};
    #[pymodule_export]
    use crate::language::predict_language;
    #[pymodule_export]
    use crate::steps::Steps;

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        module.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
