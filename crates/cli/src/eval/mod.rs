//! `tamis eval KIND DIR`: quality measured on a public data set, one module per
//! kind. Each takes the data set's folder (see its README in `shared/data/`) and
//! prints tables; nothing of the data set is kept.

mod dedup;
mod langid;

use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum EvalKind {
    /// Language identification accuracy per language on lingua's test data,
    /// next to the published accuracy of CLD2, CLD3, langid.py, Lingua and whatlang.
    Langid(langid::LangidArgs),
    /// Recall and precision of minhash_dedup on near-duplicates with known edits of real texts,
    /// next to the LSH S-curve.
    Dedup(dedup::DedupArgs),
}

pub fn eval(kind: EvalKind) -> anyhow::Result<ExitCode> {
    match kind {
        EvalKind::Langid(args) => langid::run(args),
        EvalKind::Dedup(args) => dedup::run(args),
    }
}
