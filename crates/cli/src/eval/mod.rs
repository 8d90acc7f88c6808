//! `tamis eval <kind> DATASET_DIR`: score a part of tamis against a public data
//! set. One module per kind; each owns its arguments and its report.

pub mod extraction;

/// The kinds of evaluation.
#[derive(clap::Subcommand)]
pub enum Kind {
    /// Main-content extraction from HTML, against the data set's truth.
    Extraction(extraction::Args),
}

/// Runs one evaluation.
pub fn run(kind: Kind) -> anyhow::Result<std::process::ExitCode> {
    match kind {
        Kind::Extraction(args) => extraction::run(args),
    }
}
