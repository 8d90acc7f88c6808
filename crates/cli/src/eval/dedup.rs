//! `tamis eval dedup DIR...`: recall and precision of `minhash_dedup` on a
//! near-duplicate corpus whose structure is known.
//!
//! The corpus is built from real texts (the `truth/` texts of the extraction data
//! sets): some texts are *originals* and get copies with one controlled edit at a
//! known rate (word substitutions, insertions or deletions, reordered
//! paragraphs, added boilerplate, or a mix); the other texts go in unrelated.
//! Everything is drawn from one seed, so the corpus is the same on every run.
//!
//! The truth is the true Jaccard similarity of the documents' 5-gram shingle
//! sets (the very shingle hashes the signatures are computed from), for *every*
//! pair at or above [`JOIN_THRESHOLD`], found exactly by a prefix-filtering
//! similarity join (Bayardo, Ma & Srikant, "Scaling up all pairs similarity
//! search", WWW 2007; Xiao et al., PPJoin, WWW 2008), not only for the pairs the
//! construction made. tamis then runs the whole `minhash_dedup` (every phase, as
//! `tamis run` does) and its clusters are scored against the graph of pairs at
//! or above 0.8 and 0.7. docs/dedup.md defines each number.

use crate::Exit;
use anyhow::{bail, Context};
use comfy_table::{Cell, CellAlignment, Table};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use tamis_dedup::{Minhasher, SignatureConfig};

#[derive(clap::Args)]
pub struct Args {
    /// Data set folders holding a `truth/` folder of UTF-8 texts (or folders of `.txt` files).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Originals that get copies (texts of at least 100 words, drawn at random).
    #[arg(long, default_value_t = 500)]
    originals: usize,
    /// Copies of each original.
    #[arg(long, default_value_t = 6)]
    copies: usize,
    /// At most this many unrelated texts [default: every other text].
    #[arg(long)]
    unrelated: Option<usize>,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Keep the corpus and tamis's outputs in this folder [default: a temporary folder].
    #[arg(long)]
    work: Option<PathBuf>,
    /// Also write the results as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// The lowest Jaccard similarity the exact join finds every pair for.
const JOIN_THRESHOLD: f64 = 0.5;
/// Thresholds the clusters are scored at.
const THRESHOLDS: [f64; 2] = [0.8, 0.7];
/// Words an original has at least; a text with fewer is only used unrelated.
const MIN_ORIGINAL_WORDS: usize = 100;
/// Words any text has at least.
const MIN_WORDS: usize = 20;

/// The edit a copy went through, at its rate.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Edit {
    /// An identical copy.
    Exact,
    /// Each word replaced by a random word with probability `rate`.
    Substitute(f64),
    /// A random word inserted before each word with probability `rate`.
    Insert(f64),
    /// Each word deleted with probability `rate`.
    Delete(f64),
    /// The paragraphs (lines) in a random order.
    Reorder,
    /// Boilerplate words added, `rate` × the text's words, half before and half after.
    Boilerplate(f64),
    /// Substitutions, insertions and deletions at `rate / 3` each, reordered
    /// paragraphs and 10 % boilerplate.
    Mixed(f64),
}

/// The edits copies draw from, uniformly.
const EDITS: [Edit; 20] = [
    Edit::Exact,
    Edit::Substitute(0.01),
    Edit::Substitute(0.02),
    Edit::Substitute(0.03),
    Edit::Substitute(0.05),
    Edit::Substitute(0.08),
    Edit::Insert(0.01),
    Edit::Insert(0.02),
    Edit::Insert(0.03),
    Edit::Insert(0.05),
    Edit::Delete(0.01),
    Edit::Delete(0.02),
    Edit::Delete(0.03),
    Edit::Delete(0.05),
    Edit::Reorder,
    Edit::Boilerplate(0.1),
    Edit::Boilerplate(0.25),
    Edit::Boilerplate(0.5),
    Edit::Mixed(0.03),
    Edit::Mixed(0.06),
];

impl Edit {
    fn name(self) -> String {
        match self {
            Edit::Exact => "exact copy".into(),
            Edit::Substitute(r) => format!("substitute {:.0} %", r * 100.0),
            Edit::Insert(r) => format!("insert {:.0} %", r * 100.0),
            Edit::Delete(r) => format!("delete {:.0} %", r * 100.0),
            Edit::Reorder => "reorder paragraphs".into(),
            Edit::Boilerplate(r) => format!("boilerplate +{:.0} %", r * 100.0),
            Edit::Mixed(r) => format!("mixed {:.0} % + reorder + boilerplate 10 %", r * 100.0),
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): small, seedable, and the same
/// on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Where a document of the corpus comes from.
#[derive(Debug, Clone, Copy)]
enum Origin {
    Original(usize),
    Copy(usize, Edit),
    Unrelated,
}

struct Doc {
    text: String,
    origin: Origin,
}

/// The texts of every data set folder, in path order.
fn read_texts(dirs: &[PathBuf]) -> anyhow::Result<Vec<String>> {
    let mut texts = Vec::new();
    for dir in dirs {
        let folder = if dir.join("truth").is_dir() {
            dir.join("truth")
        } else {
            dir.clone()
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
            .with_context(|| format!("reading {}", folder.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        paths.sort();
        if paths.is_empty() {
            bail!("{}: no .txt file", folder.display());
        }
        for path in paths {
            let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            texts.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok(texts)
}

/// The paragraphs (non-empty lines) of a text, each as its words.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|words| !words.is_empty())
        .collect()
}

fn join(paragraphs: &[Vec<&str>]) -> String {
    paragraphs.iter().map(|p| p.join(" ")).collect::<Vec<_>>().join("\n")
}

/// Applies substitutions, insertions and deletions at their rates, word by word.
fn edit_words<'a>(
    paragraphs: &[Vec<&'a str>],
    rates: [f64; 3],
    vocabulary: &[&'a str],
    rng: &mut Rng,
) -> Vec<Vec<&'a str>> {
    let [substitute, insert, delete] = rates;
    paragraphs
        .iter()
        .map(|words| {
            let mut out = Vec::with_capacity(words.len());
            for &word in words {
                if rng.chance(insert) {
                    out.push(vocabulary[rng.below(vocabulary.len())]);
                }
                if rng.chance(delete) {
                    continue;
                }
                if rng.chance(substitute) {
                    out.push(vocabulary[rng.below(vocabulary.len())]);
                } else {
                    out.push(word);
                }
            }
            out
        })
        .filter(|words| !words.is_empty())
        .collect()
}

/// A copy of `text` through `edit`. Boilerplate is the start of one of a few
/// shared blocks, so unrelated copies share it too.
fn apply<'a>(text: &'a str, edit: Edit, vocabulary: &[&'a str], boilerplate: &[Vec<&'a str>], rng: &mut Rng) -> String {
    let original = paragraphs(text);
    let words: usize = original.iter().map(Vec::len).sum();
    let add_boilerplate = |mut paras: Vec<Vec<&'a str>>, rate: f64, rng: &mut Rng| -> String {
        let block = &boilerplate[rng.below(boilerplate.len())];
        let n = ((words as f64 * rate).round() as usize).clamp(2, block.len());
        let (head, tail) = block[..n].split_at(n / 2);
        paras.insert(0, head.to_vec());
        paras.push(tail.to_vec());
        join(&paras)
    };
    match edit {
        Edit::Exact => text.to_string(),
        Edit::Substitute(r) => join(&edit_words(&original, [r, 0.0, 0.0], vocabulary, rng)),
        Edit::Insert(r) => join(&edit_words(&original, [0.0, r, 0.0], vocabulary, rng)),
        Edit::Delete(r) => join(&edit_words(&original, [0.0, 0.0, r], vocabulary, rng)),
        Edit::Reorder => {
            let mut paras = original;
            rng.shuffle(&mut paras);
            join(&paras)
        }
        Edit::Boilerplate(r) => add_boilerplate(original, r, rng),
        Edit::Mixed(r) => {
            let mut paras = edit_words(&original, [r / 3.0; 3], vocabulary, rng);
            rng.shuffle(&mut paras);
            add_boilerplate(paras, 0.1, rng)
        }
    }
}

/// The corpus, in a random order (the input order decides which document of a
/// cluster is kept).
fn build_corpus(texts: &[String], args: &Args) -> Vec<Doc> {
    let mut rng = Rng(args.seed);
    let word_counts: Vec<usize> = texts.iter().map(|t| t.split_whitespace().count()).collect();
    let vocabulary: Vec<&str> = texts.iter().flat_map(|t| t.split_whitespace()).collect();
    let mut long: Vec<usize> = (0..texts.len())
        .filter(|&i| word_counts[i] >= MIN_ORIGINAL_WORDS)
        .collect();
    rng.shuffle(&mut long);
    long.truncate(args.originals);
    let originals: std::collections::BTreeSet<usize> = long.iter().copied().collect();
    let mut unrelated: Vec<usize> = (0..texts.len())
        .filter(|&i| word_counts[i] >= MIN_WORDS && !originals.contains(&i))
        .collect();
    rng.shuffle(&mut unrelated);
    if let Some(n) = args.unrelated {
        unrelated.truncate(n);
    }
    let boilerplate: Vec<Vec<&str>> = (0..8)
        .map(|_| (0..2000).map(|_| vocabulary[rng.below(vocabulary.len())]).collect())
        .collect();
    let mut docs = Vec::new();
    for (base, &i) in long.iter().enumerate() {
        docs.push(Doc {
            text: texts[i].clone(),
            origin: Origin::Original(base),
        });
        for _ in 0..args.copies {
            let edit = EDITS[rng.below(EDITS.len())];
            docs.push(Doc {
                text: apply(&texts[i], edit, &vocabulary, &boilerplate, &mut rng),
                origin: Origin::Copy(base, edit),
            });
        }
    }
    docs.extend(unrelated.iter().map(|&i| Doc {
        text: texts[i].clone(),
        origin: Origin::Unrelated,
    }));
    rng.shuffle(&mut docs);
    docs
}

/// |A ∩ B| / |A ∪ B| of two sorted, distinct sets.
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

/// Every pair `(i, j)`, `i < j`, with Jaccard ≥ `threshold`, and its value: an
/// exact all-pairs join. Shingles are ordered rarest first; two sets with
/// Jaccard ≥ t share a shingle among their first `n − ⌈t·n⌉ + 1`, so only pairs
/// that do are compared.
pub fn similar_pairs(sets: &[Vec<u64>], threshold: f64) -> Vec<(u32, u32, f64)> {
    let mut frequency: HashMap<u64, u32> = HashMap::new();
    for set in sets {
        for &s in set {
            *frequency.entry(s).or_insert(0) += 1;
        }
    }
    let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut seen = vec![u32::MAX; sets.len()];
    let mut pairs = Vec::new();
    let mut order = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        if set.is_empty() {
            continue;
        }
        order.clear();
        order.extend(set.iter().map(|&s| (frequency[&s], s)));
        order.sort_unstable();
        let n = set.len();
        // The smallest overlap a partner can have, with a margin for rounding.
        let overlap = ((threshold * n as f64) - 1e-9).ceil().max(1.0) as usize;
        let prefix = n - overlap.min(n) + 1;
        for &(_, s) in &order[..prefix.min(n)] {
            let postings = index.entry(s).or_default();
            for &j in postings.iter() {
                if seen[j as usize] == i as u32 {
                    continue;
                }
                seen[j as usize] = i as u32;
                let m = sets[j as usize].len();
                if (n.min(m) as f64) < threshold * n.max(m) as f64 {
                    continue;
                }
                let similarity = jaccard(set, &sets[j as usize]);
                if similarity >= threshold {
                    pairs.push((j, i as u32, similarity));
                }
            }
            postings.push(i as u32);
        }
    }
    pairs.sort_unstable_by_key(|&(a, b, _)| (a, b));
    pairs
}

/// P(two documents with Jaccard `s` share a band): the LSH S-curve 1 − (1 − s^r)^b.
fn s_curve(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

/// Union-find over `n` items; `find` gives the component's smallest item.
struct Components(Vec<u32>);

impl Components {
    fn new(n: usize) -> Self {
        Components((0..n as u32).collect())
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let parent = self.0[x as usize];
            self.0[x as usize] = self.0[parent as usize];
            x = parent;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        let (low, high) = (ra.min(rb), ra.max(rb));
        self.0[high as usize] = low;
    }
}

/// What tamis did with each document: its cluster (the keeper's label, for a
/// cluster of two or more) and whether it was removed.
struct Outcome {
    cluster: Vec<Option<String>>,
    removed: Vec<bool>,
}

/// Every `.jsonl` file under `dir`, parsed, in path order.
fn read_jsonl(dir: &Path) -> anyhow::Result<Vec<Value>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).with_context(|| format!("reading {}", folder.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut docs = Vec::new();
    for file in files {
        for line in std::fs::read_to_string(&file)?.lines() {
            docs.push(serde_json::from_str(line).with_context(|| format!("parsing {}", file.display()))?);
        }
    }
    Ok(docs)
}

/// Writes the corpus as one JSONL shard and runs `minhash_dedup` over it with
/// every phase, as `tamis run` does.
fn run_tamis(docs: &[Doc], work: &Path) -> anyhow::Result<Outcome> {
    for folder in ["in", "out", "removed"] {
        let path = work.join(folder);
        if path.exists() {
            std::fs::remove_dir_all(&path).with_context(|| format!("clearing {}", path.display()))?;
        }
    }
    std::fs::create_dir_all(work.join("in"))?;
    let mut lines = String::new();
    for (i, doc) in docs.iter().enumerate() {
        lines.push_str(&json!({"id": i.to_string(), "text": doc.text}).to_string());
        lines.push('\n');
    }
    std::fs::write(work.join("in/corpus.jsonl"), lines)?;
    let quoted = |name: &str| Value::from(work.join(name).to_string_lossy()).to_string();
    let yaml = format!(
        "input: {{ paths: [{}], format: jsonl }}\noutput: {{ path: {}, format: jsonl, removed: {} }}\nsteps:\n  - minhash_dedup: {{}}\n",
        quoted("in"),
        quoted("out"),
        quoted("removed")
    );
    let pipeline = tamis_run::Pipeline::parse(&yaml, "tamis eval dedup")?;
    let run = crate::RunFlags {
        workers: None,
        tasks: None,
        task_index: None,
        concurrent_tasks: None,
        mem_budget: 512 << 20,
        phase: None,
        keep_global: false,
        quiet: true,
        no_distributions: false,
        report: false,
    };
    if crate::execute(&pipeline, &run)? != Exit::Done {
        bail!("the dedup run failed");
    }
    let mut outcome = Outcome {
        cluster: vec![None; docs.len()],
        removed: vec![false; docs.len()],
    };
    for (folder, removed) in [("out", false), ("removed", true)] {
        for doc in read_jsonl(&work.join(folder))? {
            let id: usize = doc["id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .filter(|&id| id < docs.len())
                .context("an output document without its id")?;
            outcome.cluster[id] = doc["metadata"]["minhash_cluster"].as_str().map(String::from);
            outcome.removed[id] = removed;
        }
    }
    Ok(outcome)
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        f64::NAN
    } else {
        part as f64 / whole as f64
    }
}

fn percent(x: f64) -> Cell {
    Cell::new(format!("{:.2}", 100.0 * x)).set_alignment(CellAlignment::Right)
}

fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_style(comfy_table::presets::ASCII_MARKDOWN);
    table.set_header(header.to_vec());
    table
}

pub fn run(args: Args) -> anyhow::Result<Exit> {
    let texts = read_texts(&args.dirs)?;
    let docs = build_corpus(&texts, &args);
    let config = SignatureConfig::default();
    let (bands, rows) = (config.num_buckets, config.hashes_per_bucket);
    let hasher = Minhasher::with_text_words(config);
    let sets: Vec<Vec<u64>> = docs
        .iter()
        .map(|d| {
            let mut set = hasher.shingles(&d.text);
            set.sort_unstable();
            set.dedup();
            set
        })
        .collect();
    let signatures: Vec<Vec<u64>> = docs
        .iter()
        .map(|d| {
            let mut signature = Vec::new();
            hasher.signature(&d.text, &mut signature);
            signature
        })
        .collect();
    let candidates = |a: u32, b: u32| -> bool {
        let (x, y) = (&signatures[a as usize], &signatures[b as usize]);
        !x.is_empty() && x.chunks(rows).zip(y.chunks(rows)).any(|(p, q)| p == q)
    };

    let temporary;
    let work = match &args.work {
        Some(work) => work.clone(),
        None => {
            temporary = tempfile::tempdir()?;
            temporary.path().to_path_buf()
        }
    };
    let started = std::time::Instant::now();
    let outcome = run_tamis(&docs, &work)?;
    let dedup_seconds = started.elapsed().as_secs_f64();

    let truth = similar_pairs(&sets, JOIN_THRESHOLD);
    let similarity: HashMap<(u32, u32), f64> = truth.iter().map(|&(a, b, s)| ((a, b), s)).collect();
    let mut clusters: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (i, cluster) in outcome.cluster.iter().enumerate() {
        if let Some(label) = cluster {
            clusters.entry(label).or_default().push(i as u32);
        }
    }
    let mut cluster_of = vec![u32::MAX; docs.len()];
    for (c, members) in clusters.values().enumerate() {
        for &m in members {
            cluster_of[m as usize] = c as u32;
        }
    }
    let same_cluster =
        |a: u32, b: u32| cluster_of[a as usize] != u32::MAX && cluster_of[a as usize] == cluster_of[b as usize];
    let mut cluster_pairs: Vec<(u32, u32, f64)> = Vec::new();
    for members in clusters.values() {
        for (i, &a) in members.iter().enumerate() {
            for &b in &members[i + 1..] {
                let (a, b) = (a.min(b), a.max(b));
                let s = similarity
                    .get(&(a, b))
                    .copied()
                    .unwrap_or_else(|| jaccard(&sets[a as usize], &sets[b as usize]));
                cluster_pairs.push((a, b, s));
            }
        }
    }

    // The corpus.
    let count = |f: fn(&Origin) -> bool| docs.iter().filter(|d| f(&d.origin)).count();
    println!(
        "Corpus: {} documents from {} texts: {} originals × {} copies, {} unrelated (seed {}).",
        docs.len(),
        texts.len(),
        count(|o| matches!(o, Origin::Original(_))),
        args.copies,
        count(|o| matches!(o, Origin::Unrelated)),
        args.seed
    );
    println!(
        "tamis minhash_dedup (5-grams, {bands} bands × {rows} rows, xxhash64): {} clusters of 2 or more, {} documents removed, {dedup_seconds:.1} s.\n",
        clusters.len(),
        outcome.removed.iter().filter(|&&r| r).count()
    );
    let mut original_of = HashMap::new();
    for (i, doc) in docs.iter().enumerate() {
        if let Origin::Original(base) = doc.origin {
            original_of.insert(base, i);
        }
    }
    let mut by_edit: Vec<(String, Vec<f64>, usize)> = EDITS.iter().map(|e| (e.name(), Vec::new(), 0)).collect();
    for (i, doc) in docs.iter().enumerate() {
        if let Origin::Copy(base, edit) = doc.origin {
            let original = original_of[&base];
            let row = &mut by_edit[EDITS.iter().position(|e| *e == edit).unwrap_or(0)];
            row.1.push(jaccard(&sets[i], &sets[original]));
            if same_cluster(i as u32, original as u32) {
                row.2 += 1;
            }
        }
    }
    let mut edits = table(&[
        "edit of the copy",
        "copies",
        "mean J to original",
        "min J",
        "max J",
        "S-curve mean %",
        "clustered with original %",
    ]);
    let mut edits_json = Vec::new();
    for (name, values, clustered) in &by_edit {
        if values.is_empty() {
            continue;
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(0.0, f64::max);
        let expected = values.iter().map(|&s| s_curve(s, bands, rows)).sum::<f64>() / values.len() as f64;
        let found = ratio(*clustered, values.len());
        edits.add_row(vec![
            Cell::new(name),
            Cell::new(values.len()),
            Cell::new(format!("{mean:.3}")),
            Cell::new(format!("{min:.3}")),
            Cell::new(format!("{max:.3}")),
            percent(expected),
            percent(found),
        ]);
        edits_json.push(
            json!({"edit": name, "copies": values.len(), "mean_jaccard": mean, "min_jaccard": min,
            "max_jaccard": max, "s_curve": expected, "clustered_with_original": found}),
        );
    }
    println!("Copies by edit: true Jaccard to their original, and how many tamis put in the original's cluster.\n");
    println!("{edits}\n");

    // Pairs by similarity.
    let bins = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0];
    let mut by_bin = table(&["true Jaccard", "pairs", "S-curve %", "share a band %", "same cluster %"]);
    let mut bins_json = Vec::new();
    for (k, &low) in bins.iter().enumerate() {
        let high = bins.get(k + 1).copied();
        let in_bin: Vec<&(u32, u32, f64)> = truth
            .iter()
            .filter(|p| p.2 >= low && high.is_none_or(|h| p.2 < h))
            .collect();
        if in_bin.is_empty() {
            continue;
        }
        let expected = in_bin.iter().map(|p| s_curve(p.2, bands, rows)).sum::<f64>() / in_bin.len() as f64;
        let banded = ratio(in_bin.iter().filter(|p| candidates(p.0, p.1)).count(), in_bin.len());
        let clustered = ratio(in_bin.iter().filter(|p| same_cluster(p.0, p.1)).count(), in_bin.len());
        let label = match high {
            Some(h) => format!("[{low:.2}, {h:.2})"),
            None => format!("{low:.2}"),
        };
        by_bin.add_row(vec![
            Cell::new(&label),
            Cell::new(in_bin.len()),
            percent(expected),
            percent(banded),
            percent(clustered),
        ]);
        bins_json.push(
            json!({"bin": label, "pairs": in_bin.len(), "s_curve": expected, "share_a_band": banded,
            "same_cluster": clustered}),
        );
    }
    println!("All pairs with true Jaccard ≥ {JOIN_THRESHOLD} (exact join), by similarity.\n");
    println!("{by_bin}\n");

    // Scores at each threshold.
    let mut scores = table(&[
        "threshold",
        "true pairs",
        "S-curve recall %",
        "LSH candidate recall %",
        "pair recall %",
        "pair precision %",
        "pair precision (direct) %",
        "to remove",
        "removed recall %",
        "removed precision %",
    ]);
    let mut scores_json = Vec::new();
    for threshold in THRESHOLDS {
        let true_pairs: Vec<&(u32, u32, f64)> = truth.iter().filter(|p| p.2 >= threshold).collect();
        let mut components = Components::new(docs.len());
        for p in &true_pairs {
            components.union(p.0, p.1);
        }
        let expected =
            true_pairs.iter().map(|p| s_curve(p.2, bands, rows)).sum::<f64>() / true_pairs.len().max(1) as f64;
        let banded = ratio(
            true_pairs.iter().filter(|p| candidates(p.0, p.1)).count(),
            true_pairs.len(),
        );
        let recall = ratio(
            true_pairs.iter().filter(|p| same_cluster(p.0, p.1)).count(),
            true_pairs.len(),
        );
        let connected = cluster_pairs
            .iter()
            .filter(|p| components.find(p.0) == components.find(p.1))
            .count();
        let precision = ratio(connected, cluster_pairs.len());
        let direct = ratio(
            cluster_pairs.iter().filter(|p| p.2 >= threshold).count(),
            cluster_pairs.len(),
        );
        let to_remove: Vec<bool> = (0..docs.len() as u32).map(|i| components.find(i) != i).collect();
        let removed_right = (0..docs.len()).filter(|&i| to_remove[i] && outcome.removed[i]).count();
        let should = to_remove.iter().filter(|&&r| r).count();
        let removed = outcome.removed.iter().filter(|&&r| r).count();
        scores.add_row(vec![
            Cell::new(format!("J ≥ {threshold}")),
            Cell::new(true_pairs.len()),
            percent(expected),
            percent(banded),
            percent(recall),
            percent(precision),
            percent(direct),
            Cell::new(should),
            percent(ratio(removed_right, should)),
            percent(ratio(removed_right, removed)),
        ]);
        scores_json.push(
            json!({"threshold": threshold, "true_pairs": true_pairs.len(), "s_curve_recall": expected,
            "lsh_candidate_recall": banded, "pair_recall": recall, "pair_precision": precision,
            "pair_precision_direct": direct, "cluster_pairs": cluster_pairs.len(), "to_remove": should,
            "removed": removed, "removed_recall": ratio(removed_right, should),
            "removed_precision": ratio(removed_right, removed)}),
        );
    }
    println!("Scores (definitions in docs/dedup.md).\n");
    println!("{scores}\n");
    let low = cluster_pairs.iter().filter(|p| p.2 < JOIN_THRESHOLD).count();
    println!(
        "Pairs in one tamis cluster: {}; below J {JOIN_THRESHOLD}: {low}.",
        cluster_pairs.len()
    );

    if let Some(path) = &args.json {
        let report = json!({
            "documents": docs.len(), "texts": texts.len(), "originals": count(|o| matches!(o, Origin::Original(_))),
            "copies_per_original": args.copies, "unrelated": count(|o| matches!(o, Origin::Unrelated)),
            "seed": args.seed, "bands": bands, "rows": rows, "clusters": clusters.len(),
            "cluster_pairs": cluster_pairs.len(), "cluster_pairs_below_join": low, "dedup_seconds": dedup_seconds,
            "edits": edits_json, "bins": bins_json, "scores": scores_json,
        });
        std::fs::write(path, serde_json::to_string_pretty(&report)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(Exit::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_join_finds_every_pair_a_brute_force_finds() {
        let mut rng = Rng(7);
        let base: Vec<u64> = (0..60).collect();
        let sets: Vec<Vec<u64>> = (0..80)
            .map(|_| {
                let mut set: Vec<u64> = base.iter().copied().filter(|_| !rng.chance(0.2)).collect();
                set.extend((0..rng.below(20)).map(|_| 100 + rng.below(50) as u64));
                set.sort_unstable();
                set.dedup();
                set
            })
            .collect();
        for threshold in [0.5, 0.7, 0.8] {
            let mut brute = Vec::new();
            for i in 0..sets.len() {
                for j in (i + 1)..sets.len() {
                    let s = jaccard(&sets[i], &sets[j]);
                    if s >= threshold {
                        brute.push((i as u32, j as u32, s));
                    }
                }
            }
            assert!(!brute.is_empty());
            assert_eq!(similar_pairs(&sets, threshold), brute, "threshold {threshold}");
        }
    }

    #[test]
    fn the_s_curve_of_14_by_8() {
        assert!((s_curve(0.8, 14, 8) - 0.924).abs() < 0.001);
        assert!(s_curve(0.5, 14, 8) < 0.06);
    }
}
