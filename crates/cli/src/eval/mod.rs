//! `tamis eval <kind> DATASET_DIR`: score a part of tamis against a public data
//! set. One module per kind; each owns its arguments and its report, and keeps
//! nothing of the data set.

mod dedup;
pub mod extraction;
mod langid;

/// The kinds of evaluation.
#[derive(clap::Subcommand)]
pub enum Kind {
    /// Main-content extraction from HTML, against the data set's truth.
    Extraction(extraction::Args),
    /// Language identification accuracy per language on lingua's test data,
    /// next to the published accuracy of CLD2, CLD3, langid.py, Lingua and whatlang.
    Langid(langid::Args),
    /// Recall and precision of minhash_dedup on near-duplicates with known edits of real texts,
    /// next to the LSH S-curve.
    Dedup(dedup::Args),
}

/// Runs one evaluation.
pub fn run(kind: Kind) -> anyhow::Result<crate::Exit> {
    match kind {
        Kind::Extraction(args) => extraction::run(args),
        Kind::Langid(args) => langid::run(args),
        Kind::Dedup(args) => dedup::run(args),
    }
}
