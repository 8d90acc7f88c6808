//! `tamis eval extraction DATASET_DIR`: main-content extraction scored against a
//! data set's truth, with every metric the data set supports.
//!
//! A data set folder holds `html/<id>.html.gz` and one or more of:
//! - `truth/<id>.txt`: word-level precision, recall and F1 per page (bag of
//!   words: UAX #29 words, lowercased), then the mean over pages. An empty
//!   prediction has precision 1, an empty truth recall 1; F1 is 1 only when both
//!   are empty.
//! - `ground-truth.json` (ScrapingHub's article extraction benchmark): that
//!   benchmark's own metric, as its `evaluate.py` defines it
//!   (scrapinghub/article-extraction-benchmark): tokens are `\w+` matches,
//!   shingles are word 4-grams (the whole text when shorter); per page TP/FP/FN
//!   are the multiset overlaps normalised to sum 1; precision and recall are
//!   means over the pages where they are defined, F1 their harmonic mean. With
//!   `--baselines`, the published outputs in `baselines/*.json.gz` are scored
//!   the same way, to check the metric against the published numbers.
//! - `expectations.json` (trafilatura's benchmark): per page, each "with"
//!   segment found in the output (whitespace-normalised substring) is a true
//!   positive, each missing one a false negative, each "without" segment found a
//!   false positive; counts are summed over pages, then P, R, F1 (trafilatura
//!   `tests/comparison_small.py`, `evaluate_result`).
//!
//! The pages are decoded like WARC payloads (BOM, `<meta>` charset, UTF-8,
//! detection) and extracted one after the other on one thread, timed.
//! `--outputs DIR` scores `DIR/<id>.txt` instead (another tool's outputs), so
//! peers are scored by the same code.

use crate::Exit;
use anyhow::Context;
use comfy_table::Table;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use unicode_segmentation::UnicodeSegmentation;

/// Arguments of `tamis eval extraction`.
#[derive(clap::Args)]
pub struct Args {
    /// The data set folder (with `html/` and `truth/`, `ground-truth.json` or `expectations.json`).
    pub dataset: PathBuf,
    /// Score the texts in this folder (`<id>.txt`) instead of running the extractor.
    #[arg(long)]
    pub outputs: Option<PathBuf>,
    /// Write the extractor's outputs to this folder as `<id>.txt`.
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Keep user comments.
    #[arg(long)]
    pub comments: bool,
    /// The extraction strategy: default, precision, recall or union.
    #[arg(long, default_value = "default")]
    pub strategy: String,
    /// Also score the published outputs in `baselines/*.json.gz` (ScrapingHub).
    #[arg(long)]
    pub baselines: bool,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Print per-page scores (id, words F1, precision, recall) to stderr.
    #[arg(long)]
    pub pages: bool,
}

/// Precision, recall and F1.
#[derive(Debug, Clone, Copy, Default)]
struct Prf {
    precision: f64,
    recall: f64,
    f1: f64,
}

fn f1(precision: f64, recall: f64) -> f64 {
    if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    }
}

/// Runs the evaluation.
pub fn run(args: Args) -> anyhow::Result<Exit> {
    let dir = &args.dataset;
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string());
    let ids = page_ids(dir)?;
    anyhow::ensure!(!ids.is_empty(), "{}: no pages in html/", dir.display());
    let strategy = tamis_extract::Strategy::from_name(&args.strategy).with_context(|| {
        format!(
            "unknown strategy {:?}: default, precision, recall or union",
            args.strategy
        )
    })?;
    let (outputs, elapsed) = match &args.outputs {
        Some(folder) => (read_outputs(folder, &ids), None),
        None => {
            let (outputs, elapsed) = extract_all(dir, &ids, args.comments, strategy)?;
            (outputs, Some(elapsed))
        }
    };
    if let Some(save) = &args.save {
        std::fs::create_dir_all(save).with_context(|| format!("creating {}", save.display()))?;
        for (id, text) in ids.iter().zip(&outputs) {
            std::fs::write(save.join(format!("{id}.txt")), text)?;
        }
    }

    // The yield: words and GPT-2 tokens of output over all pages (what a corpus gains).
    let words_out: usize = outputs.iter().map(|text| text.split_whitespace().count()).sum();
    let tokens_out: usize = outputs.iter().map(|text| tamis_tokens::gpt2().count(text)).sum();
    let mut rows: Vec<(String, Prf, usize)> = Vec::new();
    // Pages with no output: those whose truth has words, when there is a truth/.
    let mut empty = outputs.iter().filter(|text| text.trim().is_empty()).count();
    if dir.join("truth").is_dir() {
        let (score, per_page) = words_metric(dir, &ids, &outputs)?;
        if args.pages {
            for (id, s) in ids.iter().zip(&per_page) {
                eprintln!("{id}\t{:.3}\t{:.3}\t{:.3}", s.f1, s.precision, s.recall);
            }
        }
        rows.push(("words (mean per page)".into(), score, ids.len()));
        for (page_type, pages) in page_types(dir, &ids)? {
            let scores: Vec<Prf> = pages.iter().map(|&i| per_page[i]).collect();
            rows.push((format!("words: {page_type}"), mean(&scores), pages.len()));
        }
        // An empty output has recall 0 exactly when its truth has words.
        empty = outputs
            .iter()
            .zip(&per_page)
            .filter(|(text, s)| text.trim().is_empty() && s.recall == 0.0)
            .count();
    }
    if dir.join("ground-truth.json").is_file() {
        let truth = load_articles(&dir.join("ground-truth.json"))?;
        let predicted: HashMap<String, String> = ids.iter().cloned().zip(outputs.iter().cloned()).collect();
        rows.push((
            "scrapinghub (4-gram shingles)".into(),
            shingle_metric(&truth, &predicted),
            truth.len(),
        ));
        if args.baselines {
            let mut baselines: Vec<PathBuf> = std::fs::read_dir(dir.join("baselines"))
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            baselines.sort();
            for path in baselines {
                let tool = path
                    .file_name()
                    .map(|n| n.to_string_lossy().trim_end_matches(".json.gz").to_string())
                    .unwrap_or_default();
                let published = load_articles(&path)?;
                rows.push((
                    format!("scrapinghub: published {tool}"),
                    shingle_metric(&truth, &published),
                    truth.len(),
                ));
            }
        }
    }
    if dir.join("expectations.json").is_file() {
        let (score, pages) = segments_metric(dir, &ids, &outputs)?;
        rows.push(("trafilatura with/without segments".into(), score, pages));
    }
    anyhow::ensure!(
        !rows.is_empty(),
        "{}: no truth/, ground-truth.json or expectations.json",
        dir.display()
    );

    if args.json {
        let metrics: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .map(|(metric, s, pages)| {
                (
                    metric.clone(),
                    serde_json::json!({"precision": s.precision, "recall": s.recall, "f1": s.f1, "pages": pages}),
                )
            })
            .collect();
        let report = serde_json::json!({
            "dataset": name,
            "pages": ids.len(),
            "seconds": elapsed.map(|e| e.as_secs_f64()),
            "empty_outputs": empty,
            "words_out": words_out,
            "tokens_out": tokens_out,
            "metrics": metrics,
        });
        println!("{report}");
    } else {
        let mut table = Table::new();
        table.set_header(vec!["data set", "metric", "pages", "precision", "recall", "F1"]);
        for (metric, s, pages) in &rows {
            table.add_row(vec![
                name.clone(),
                metric.clone(),
                pages.to_string(),
                format!("{:.3}", s.precision),
                format!("{:.3}", s.recall),
                format!("{:.3}", s.f1),
            ]);
        }
        println!("{table}");
        println!(
            "{empty} of {} pages with no output (of those whose truth has text); {words_out} words, {tokens_out} GPT-2 tokens of output",
            ids.len()
        );
        if let Some(elapsed) = elapsed {
            println!(
                "{} pages extracted in {:.2} s on one thread ({:.0} pages/s, extraction only)",
                ids.len(),
                elapsed.as_secs_f64(),
                ids.len() as f64 / elapsed.as_secs_f64().max(1e-9)
            );
        }
    }
    Ok(Exit::Done)
}

/// The ids of the pages in `html/`, sorted.
fn page_ids(dir: &Path) -> anyhow::Result<Vec<String>> {
    let html = dir.join("html");
    let mut ids: Vec<String> = std::fs::read_dir(&html)
        .with_context(|| format!("reading {}", html.display()))?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".html.gz").map(str::to_string)
        })
        .collect();
    ids.sort();
    Ok(ids)
}

fn read_gz(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_end(&mut bytes)
        .with_context(|| format!("reading {}", path.display()))?;
    Ok(bytes)
}

/// Reads, decodes and extracts the pages one at a time (so memory holds one
/// page); the time covers extraction only (decoding is not timed, as for the peers).
fn extract_all(
    dir: &Path,
    ids: &[String],
    comments: bool,
    strategy: tamis_extract::Strategy,
) -> anyhow::Result<(Vec<String>, Duration)> {
    let options = tamis_extract::Options {
        include_comments: comments,
        strategy,
        ..tamis_extract::Options::default()
    };
    let mut spent = Duration::ZERO;
    let mut outputs = Vec::with_capacity(ids.len());
    for id in ids {
        let bytes = read_gz(&dir.join("html").join(format!("{id}.html.gz")))?;
        let decoded = tamis_read::charset::decode(bytes, None);
        // Timed like the peers in bench/extract_peers.py: extraction of the decoded page.
        let started = Instant::now();
        let text = tamis_extract::extract(&decoded.text, &options)
            .map(|e| e.text)
            .unwrap_or_default();
        spent += started.elapsed();
        outputs.push(text);
    }
    Ok((outputs, spent))
}

fn read_outputs(folder: &Path, ids: &[String]) -> Vec<String> {
    ids.iter()
        .map(|id| std::fs::read_to_string(folder.join(format!("{id}.txt"))).unwrap_or_default())
        .collect()
}

/// Lowercased UAX #29 words.
fn bag_of_words(text: &str) -> HashMap<String, u32> {
    let mut bag = HashMap::new();
    for word in text.unicode_words() {
        *bag.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    bag
}

/// Word-level P/R/F1 per page against `truth/<id>.txt`, averaged.
fn words_metric(dir: &Path, ids: &[String], outputs: &[String]) -> anyhow::Result<(Prf, Vec<Prf>)> {
    let mut per_page = Vec::with_capacity(ids.len());
    for (id, output) in ids.iter().zip(outputs) {
        let path = dir.join("truth").join(format!("{id}.txt"));
        let truth = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        per_page.push(words_prf(&truth, output));
    }
    Ok((mean(&per_page), per_page))
}

/// The mean of per-page scores.
fn mean(scores: &[Prf]) -> Prf {
    let n = scores.len().max(1) as f64;
    let sum = |part: fn(&Prf) -> f64| scores.iter().map(part).sum::<f64>() / n;
    Prf {
        precision: sum(|s| s.precision),
        recall: sum(|s| s.recall),
        f1: sum(|s| s.f1),
    }
}

/// The pages of each page type named in `meta.jsonl` (`{"id", "page_type"}`
/// per line, as in WCXB), as indexes into `ids`; none without the file.
fn page_types(dir: &Path, ids: &[String]) -> anyhow::Result<std::collections::BTreeMap<String, Vec<usize>>> {
    let mut types = std::collections::BTreeMap::<String, Vec<usize>>::new();
    let path = dir.join("meta.jsonl");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(types);
    };
    let mut of_page = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let meta: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("parsing {}", path.display()))?;
        if let (Some(id), Some(page_type)) = (meta["id"].as_str(), meta["page_type"].as_str()) {
            of_page.insert(id.to_string(), page_type.to_string());
        }
    }
    for (i, id) in ids.iter().enumerate() {
        if let Some(page_type) = of_page.get(id) {
            types.entry(page_type.clone()).or_default().push(i);
        }
    }
    Ok(types)
}

fn words_prf(truth: &str, predicted: &str) -> Prf {
    let truth = bag_of_words(truth);
    let predicted = bag_of_words(predicted);
    let (t, p): (u32, u32) = (truth.values().sum(), predicted.values().sum());
    if t == 0 && p == 0 {
        return Prf {
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
        };
    }
    let common: u32 = predicted
        .iter()
        .map(|(word, n)| (*n).min(truth.get(word).copied().unwrap_or(0)))
        .sum();
    let precision = if p == 0 { 1.0 } else { common as f64 / p as f64 };
    let recall = if t == 0 { 1.0 } else { common as f64 / t as f64 };
    let f = if t == 0 || p == 0 { 0.0 } else { f1(precision, recall) };
    Prf {
        precision,
        recall,
        f1: f,
    }
}

/// `{id: {"articleBody": …}}` from `ground-truth.json` or a published
/// `{"output": {id: {"articleBody"}}}` (gzip'd).
fn load_articles(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        read_gz(path)?
    } else {
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
    };
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).with_context(|| format!("parsing {}", path.display()))?;
    let map = value.get("output").unwrap_or(&value);
    let map = map
        .as_object()
        .with_context(|| format!("{}: not an object", path.display()))?;
    Ok(map
        .iter()
        .map(|(id, v)| {
            let body = v.get("articleBody").and_then(|b| b.as_str()).unwrap_or("");
            (id.clone(), body.to_string())
        })
        .collect())
}

/// Python's `re.findall(r"\w+", text)`: runs of letters, digits and `_`.
fn py_words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let word = c.is_alphanumeric() || c == '_';
        match (word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(&text[s..]);
    }
    words
}

fn shingles(text: &str) -> HashMap<Vec<&str>, u32> {
    let tokens = py_words(text);
    let mut bag = HashMap::new();
    let n = 4;
    let count = tokens.len().saturating_sub(n - 1).max(1);
    for i in 0..count {
        let shingle: Vec<&str> = tokens[i..(i + n).min(tokens.len())].to_vec();
        if !shingle.is_empty() {
            *bag.entry(shingle).or_insert(0) += 1;
        }
    }
    bag
}

/// ScrapingHub's metric over the pages of `truth` (missing predictions are empty).
fn shingle_metric(truth: &HashMap<String, String>, predicted: &HashMap<String, String>) -> Prf {
    let (mut precisions, mut recalls) = (Vec::new(), Vec::new());
    for (id, true_text) in truth {
        let pred_text = predicted.get(id).map(String::as_str).unwrap_or("");
        let t = shingles(true_text);
        let p = shingles(pred_text);
        let (mut tp, mut fp, mut fn_) = (0.0f64, 0.0f64, 0.0f64);
        for (key, &tc) in &t {
            let pc = p.get(key).copied().unwrap_or(0);
            tp += tc.min(pc) as f64;
            fn_ += tc.saturating_sub(pc) as f64;
        }
        for (key, &pc) in &p {
            let tc = t.get(key).copied().unwrap_or(0);
            fp += pc.saturating_sub(tc) as f64;
        }
        let s = tp + fp + fn_;
        if s > 0.0 {
            tp /= s;
            fp /= s;
            fn_ /= s;
        }
        if tp + fp > 0.0 {
            precisions.push(if fp == 0.0 && fn_ == 0.0 { 1.0 } else { tp / (tp + fp) });
        }
        if tp + fn_ > 0.0 {
            recalls.push(if fp == 0.0 && fn_ == 0.0 { 1.0 } else { tp / (tp + fn_) });
        }
    }
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (precision, recall) = (mean(&precisions), mean(&recalls));
    Prf {
        precision,
        recall,
        f1: f1(precision, recall),
    }
}

fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// trafilatura's with/without segment metric; returns the score and the pages scored.
fn segments_metric(dir: &Path, ids: &[String], outputs: &[String]) -> anyhow::Result<(Prf, usize)> {
    let path = dir.join("expectations.json");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let expectations: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    let mut pages = 0;
    for (id, output) in ids.iter().zip(outputs) {
        let Some(expected) = expectations.get(id) else { continue };
        pages += 1;
        let output = normalise_space(output);
        let segments = |key: &str| {
            expected
                .get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str())
                        .map(normalise_space)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        for segment in segments("with") {
            if output.contains(&segment) {
                tp += 1;
            } else {
                fn_ += 1;
            }
        }
        for segment in segments("without") {
            if output.contains(&segment) {
                fp += 1;
            }
        }
    }
    let precision = if tp + fp == 0 {
        0.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let recall = if tp + fn_ == 0 {
        0.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    Ok((
        Prf {
            precision,
            recall,
            f1: f1(precision, recall),
        },
        pages,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        let s = words_prf("The cat sat on the mat", "the cat sat");
        assert!((s.precision - 1.0).abs() < 1e-9);
        assert!((s.recall - 0.5).abs() < 1e-9);
        assert_eq!(words_prf("", "").f1, 1.0);
        assert_eq!(words_prf("a b", "").f1, 0.0);
    }

    #[test]
    fn shingle_score() {
        let truth: HashMap<String, String> = [("a".to_string(), "one two three four five".to_string())].into();
        let same = shingle_metric(&truth, &truth);
        assert!((same.f1 - 1.0).abs() < 1e-9);
        let half: HashMap<String, String> = [("a".to_string(), "one two three four".to_string())].into();
        let s = shingle_metric(&truth, &half);
        assert!((s.precision - 1.0).abs() < 1e-9 && (s.recall - 0.5).abs() < 1e-9);
        assert_eq!(py_words("l'été, 2020_x!"), vec!["l", "été", "2020_x"]);
    }
}
