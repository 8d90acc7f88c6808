//! `tamis eval langid DIR`: accuracy of a fastText language identifier on
//! lingua's test data (`shared/data/lingua-testdata`): for every kind of item
//! (sentences, word pairs, single words) and language, the share of lines whose
//! best label is the file's language.
//!
//! Next to it, the accuracies other detectors published for the same files
//! (`published-accuracy/`: CLD2, Lingua and whatlang from lingua-rs; CLD3 and
//! langid.py from lingua-py). Those were measured on the full 1,000-item files,
//! this on the 80 % dev split the folder holds. Means are over the languages
//! both detectors support, so each comparison is like for like.

use crate::Exit;
use anyhow::Context;
use comfy_table::{Cell, CellAlignment, Table};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tamis_fasttext::{Model, Scratch};

#[derive(clap::Args)]
pub struct Args {
    /// The lingua test data folder (`<kind>/<iso639-1>.txt`, `languages.tsv`).
    dir: PathBuf,
    /// A fastText model [default: the built-in lid.176.ftz].
    #[arg(long)]
    model: Option<PathBuf>,
    /// Print every language, not only the means.
    #[arg(long)]
    per_language: bool,
}

const KINDS: [&str; 3] = ["sentences", "word-pairs", "single-words"];

/// Published detectors shown: (CSV folder, column, name in the table).
const PEERS: [(&str, &str, &str); 5] = [
    ("lingua-rs", "lingua-high-accuracy", "Lingua (high)"),
    ("lingua-rs", "cld2", "CLD2"),
    ("lingua-py", "cld3", "CLD3"),
    ("lingua-py", "langid", "langid.py"),
    ("lingua-rs", "whatlang", "whatlang"),
];

/// lingua's code → fastText lid.176's label, where they differ.
fn model_label(iso: &str) -> &str {
    match iso {
        "nb" => "no", // lid.176 has Norwegian (`no`) and Nynorsk (`nn`), no Bokmål
        other => other,
    }
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let model: Arc<Model> = match &args.model {
        Some(path) => Arc::new(Model::load(path).with_context(|| format!("loading {}", path.display()))?),
        None => tamis_steps::language::builtin_model(),
    };
    let names = language_names(&args.dir)?;
    let labels: Vec<String> = model
        .labels()
        .map(|l| l.strip_prefix("__label__").unwrap_or(l).to_string())
        .collect();
    let mut scratch = Scratch::default();
    let mut notes = Vec::new();
    let mut summary = Table::new();
    summary.load_style(comfy_table::presets::ASCII_MARKDOWN);
    let mut header = vec!["kind".to_string(), "languages".into(), "tamis".into()];
    header.extend(PEERS.iter().map(|(_, _, name)| format!("{name} (tamis on same)")));
    summary.set_header(header);

    for kind in KINDS {
        let folder = args.dir.join(kind);
        if !folder.is_dir() {
            continue;
        }
        let peers: Vec<BTreeMap<String, f64>> = PEERS
            .iter()
            .map(|(source, column, _)| published(&args.dir, source, kind, column))
            .collect::<anyhow::Result<_>>()?;
        let mut ours = BTreeMap::new();
        let mut unsupported = Vec::new();
        for (iso, name) in &names {
            let file = folder.join(format!("{iso}.txt"));
            if !file.is_file() {
                continue;
            }
            if !labels.iter().any(|l| l == model_label(iso)) {
                unsupported.push(iso.clone());
                continue;
            }
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let (mut right, mut total) = (0u64, 0u64);
            for line in text.split('\n').filter(|l| !l.is_empty()) {
                total += 1;
                let best = model.predict_with(line, 1, 0.0, &mut scratch);
                if best
                    .first()
                    .map(|p| p.label.strip_prefix("__label__").unwrap_or(p.label))
                    == Some(model_label(iso))
                {
                    right += 1;
                }
            }
            if total > 0 {
                ours.insert(name.clone(), (iso.clone(), 100.0 * right as f64 / total as f64));
            }
        }

        if args.per_language {
            let mut table = Table::new();
            table.load_style(comfy_table::presets::ASCII_MARKDOWN);
            let mut header = vec![format!("{kind}: language"), "tamis".into()];
            header.extend(PEERS.iter().map(|(_, _, name)| name.to_string()));
            table.set_header(header);
            for (name, (iso, accuracy)) in &ours {
                let mut row = vec![Cell::new(format!("{name} ({iso})")), number(*accuracy)];
                row.extend(peers.iter().map(|p| p.get(name).map_or(Cell::new("–"), |a| number(*a))));
                table.add_row(row);
            }
            println!("{table}\n");
        }

        let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len().max(1) as f64;
        let all: Vec<f64> = ours.values().map(|(_, a)| *a).collect();
        let mut row = vec![Cell::new(kind), Cell::new(ours.len()), number(mean(&all))];
        for peer in &peers {
            let (theirs, same): (Vec<f64>, Vec<f64>) = ours
                .iter()
                .filter_map(|(name, (_, a))| peer.get(name).map(|p| (*p, *a)))
                .unzip();
            row.push(Cell::new(format!(
                "{:.2} ({:.2}, {} langs)",
                mean(&theirs),
                mean(&same),
                theirs.len()
            )));
        }
        summary.add_row(row);
        if !unsupported.is_empty() {
            notes.push(format!(
                "{kind}: not labels of the model, left out: {}",
                unsupported.join(", ")
            ));
        }
    }
    println!("Mean accuracy (%) per kind of item; in brackets tamis's mean over the same languages as the peer.\n");
    println!("{summary}\n");
    for note in notes {
        println!("{note}");
    }
    Ok(Exit::Done)
}

fn number(x: f64) -> Cell {
    Cell::new(format!("{x:.2}")).set_alignment(CellAlignment::Right)
}

/// `languages.tsv`: ISO 639-1 code → lowercase English name.
fn language_names(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let path = dir.join("languages.tsv");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading {} (is this lingua's test data folder?)", path.display()))?;
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.split('\t');
            Some((fields.next()?.to_string(), fields.next()?.to_lowercase()))
        })
        .collect())
}

/// One detector's published accuracy per language (lowercase name), from
/// `published-accuracy/<source>/<kind>-accuracy-values.csv`; NaN cells (an
/// unsupported language) are left out.
fn published(dir: &Path, source: &str, kind: &str, column: &str) -> anyhow::Result<BTreeMap<String, f64>> {
    let path = dir.join(format!("published-accuracy/{source}/{kind}-accuracy-values.csv"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(BTreeMap::new());
    };
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let Some(index) = header.iter().position(|h| *h == column) else {
        anyhow::bail!("{}: no column {column}", path.display());
    };
    Ok(lines
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let value: f64 = fields.get(index)?.parse().ok()?;
            (!value.is_nan()).then(|| (fields[0].to_lowercase(), value))
        })
        .collect())
}
