//! `tamis dedup minhash|exact`: a one-step pipeline over JSONL files, written
//! for the user and run like `tamis run` (all phases here, or one task of one
//! phase with `--phase`, `--tasks`, `--task-index`).

use crate::Exit;
use crate::{execute, RunFlags};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use tamis_run::Pipeline;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    /// Near-duplicates: MinHash LSH with datatrove's signatures.
    Minhash,
    /// Identical normalised text (or an identical field).
    Exact,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Hash {
    Xxhash,
    Sha1,
}

#[derive(Args)]
pub struct DedupArgs {
    /// Which deduplication.
    kind: Kind,
    /// JSONL files (plain, .gz or .zst), directories or glob patterns.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Output directory for the kept documents.
    #[arg(long, short = 'o')]
    output: PathBuf,
    /// Directory for the removed documents, with their reason and cluster.
    #[arg(long)]
    removed: Option<PathBuf>,
    /// Output format: jsonl, jsonl.gz, jsonl.zst or null.
    #[arg(long, default_value = "jsonl.zst")]
    format: String,
    /// JSON field holding the text.
    #[arg(long)]
    text_field: Option<String>,
    /// MinHash: words per shingle.
    #[arg(long, default_value_t = 5)]
    n_grams: usize,
    /// MinHash: bands.
    #[arg(long, default_value_t = 14)]
    buckets: usize,
    /// MinHash: hashes per band.
    #[arg(long, default_value_t = 8)]
    hashes_per_bucket: usize,
    /// MinHash: shingle hash.
    #[arg(long, value_enum, default_value = "xxhash")]
    hash: Hash,
    /// MinHash: 64 or 32 bits.
    #[arg(long, default_value_t = 64)]
    precision: u32,
    /// MinHash: seed of the permutations.
    #[arg(long, default_value_t = 1)]
    seed: u32,
    /// Exact: the field that must be equal (text, url, id or a metadata key).
    #[arg(long, default_value = "text")]
    field: String,
    /// Exact: compare the raw text, not the normalised one.
    #[arg(long)]
    raw: bool,
    /// Exact: units of the keepers phase.
    #[arg(long, default_value_t = 16)]
    partitions: usize,
    #[command(flatten)]
    run: RunFlags,
}

fn quoted(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// The pipeline file `tamis dedup` runs.
fn pipeline_yaml(args: &DedupArgs) -> String {
    let paths: Vec<String> = args.inputs.iter().map(|p| quoted(p)).collect();
    let mut input = format!("{{ paths: [{}], format: jsonl", paths.join(", "));
    if let Some(field) = &args.text_field {
        input.push_str(&format!(", text_field: {}", quoted(field)));
    }
    input.push_str(" }");
    let mut output = format!(
        "{{ path: {}, format: {}",
        quoted(&args.output.to_string_lossy()),
        quoted(&args.format)
    );
    if let Some(removed) = &args.removed {
        output.push_str(&format!(", removed: {}", quoted(&removed.to_string_lossy())));
    }
    output.push_str(" }");
    let step = match args.kind {
        Kind::Minhash => format!(
            "minhash_dedup: {{ n_grams: {}, num_buckets: {}, hashes_per_bucket: {}, seed: {}, hash: {}, precision: {} }}",
            args.n_grams,
            args.buckets,
            args.hashes_per_bucket,
            args.seed,
            match args.hash {
                Hash::Xxhash => "xxhash",
                Hash::Sha1 => "sha1",
            },
            args.precision
        ),
        Kind::Exact => format!(
            "exact_dedup: {{ field: {}, normalize: {}, partitions: {} }}",
            quoted(&args.field),
            !args.raw,
            args.partitions
        ),
    };
    format!("input: {input}\noutput: {output}\nsteps:\n  - {step}\n")
}

pub fn run(args: DedupArgs) -> anyhow::Result<Exit> {
    let yaml = pipeline_yaml(&args);
    let pipeline = Pipeline::parse(&yaml, "tamis dedup")?;
    execute(&pipeline, &args.run)
}
