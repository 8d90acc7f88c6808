//! `tamis predict`: fastText's `predict-prob`, one JSON object per input line.
//!
//! Gives scripts (the parity check in `bench/`, users checking a threshold) the
//! exact scores the `language` and `fasttext_classifier` steps see.

use crate::Exit;
use anyhow::Context;
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;
use tamis_fasttext::{Model, Scratch};

#[derive(clap::Args)]
pub struct PredictArgs {
    /// A fastText model (.bin or .ftz) [default: the built-in lid.176.ftz].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Labels per line, best first; -1 for all.
    #[arg(short, default_value_t = 1, allow_negative_numbers = true)]
    k: i64,
    /// Only labels with at least this probability.
    #[arg(long, default_value_t = 0.0)]
    threshold: f32,
    /// Files of one text per line [default: standard input].
    files: Vec<PathBuf>,
}

pub fn predict(args: PredictArgs) -> anyhow::Result<Exit> {
    let model: Arc<Model> = match &args.model {
        Some(path) => Arc::new(Model::load(path).with_context(|| format!("loading {}", path.display()))?),
        None => tamis_steps::language::builtin_model(),
    };
    let k = match args.k {
        -1 => usize::MAX,
        k if k > 0 => k as usize,
        k => anyhow::bail!("-k {k}: give a positive number, or -1 for every label"),
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut scratch = Scratch::default();
    let mut predict_lines = |input: &mut dyn BufRead| -> anyhow::Result<()> {
        let mut line = Vec::new();
        while input.read_until(b'\n', &mut line)? > 0 {
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            let text = String::from_utf8_lossy(&line);
            let predictions = model.predict_with(&text, k, args.threshold, &mut scratch);
            let labels: Vec<&str> = predictions.iter().map(|p| p.label).collect();
            let probabilities: Vec<f64> = predictions.iter().map(|p| f64::from(p.probability)).collect();
            serde_json::to_writer(
                &mut out,
                &serde_json::json!({"labels": labels, "probabilities": probabilities}),
            )?;
            out.write_all(b"\n")?;
            line.clear();
        }
        Ok(())
    };
    if args.files.is_empty() {
        predict_lines(&mut std::io::stdin().lock())?;
    } else {
        for path in &args.files {
            let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
            predict_lines(&mut std::io::BufReader::new(file)).with_context(|| format!("reading {}", path.display()))?;
        }
    }
    out.flush()?;
    Ok(Exit::Done)
}
