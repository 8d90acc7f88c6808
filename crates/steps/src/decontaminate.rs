//! `decontaminate`: removes the text of evaluation benchmarks from the corpus,
//! by word n-grams.
//!
//! Semantics of datatrove 0.10.1's `NGramsDecontIndexer` and
//! `NGramsDecontFilter` (`src/datatrove/pipeline/decont/n_grams.py`):
//! - texts are normalised by `simplify_text` with the default `TextNormConfig`
//!   (lowercase, numbers → `0`, punctuation → space, whitespace collapsed,
//!   diacritics removed: [`tamis_text::normalize`]) and split into words by the
//!   language's word tokenizer (spaCy's rules for English: [`tamis_dedup::TextWords`]);
//! - an n-gram (`n_grams`, default 12) is its words joined by single spaces,
//!   hashed with xxHash64 (seed 0), datatrove's default `HashConfig` — so an
//!   index datatrove wrote (`<task>.index.hashes`, raw little-endian u64) loads
//!   as is;
//! - a benchmark record's text is the *label* (gold answer); with a
//!   `query_field`, the index also gets the n-grams that straddle query and
//!   label (`find_overlap_ngrams`, on by default) and, with
//!   `find_query_ngrams`, those of the query alone;
//! - a document holding any indexed n-gram is contaminated: it drops as
//!   `contaminated`, with `contaminated_ngram` and `contaminated_task` in its
//!   metadata and a `contaminated_<task>` counter, as in datatrove.
//!
//! tamis adds `mode: remove_spans`: instead of dropping the document, every
//! matching n-gram's words are cut out of the original text (the whole
//! whitespace-separated chunks they come from, punctuation attached), and the
//! document drops as `empty` only if nothing is left. Benchmarks are read by
//! path (JSONL or Parquet with a configurable text field, local or object
//! storage, through `tamis_read`), never downloaded. The index is built once
//! per process for a given configuration and shared by every step built from
//! it ([`index`]): a few million n-gram hashes take a few tens of MB.
//!
//! Differs from datatrove: when an n-gram is in several benchmarks, the first
//! benchmark of the list names it (datatrove keeps the last index file it
//! listed); datatrove's `contaminated_tg_<group>` counters (lighteval task
//! groups) are not kept.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock};
use tamis_api::{Counters, Document, Reason, Step, Verdict};
use tamis_dedup::{TextWords, WordSplitter};
use tamis_text::normalize::Normalizer;

const NAME: &str = "decontaminate";
/// A document holding a benchmark n-gram (`mode: drop`).
pub const CONTAMINATED: Reason = Reason("contaminated");
/// Nothing left once the benchmark spans were removed (`mode: remove_spans`).
pub const EMPTY: Reason = Reason("empty");

/// What to do with a contaminated document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecontMode {
    /// Drop it, as datatrove does.
    #[default]
    Drop,
    /// Cut the matching n-grams out of its text.
    RemoveSpans,
}

/// How a benchmark file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkFormat {
    /// JSON Lines (optionally gzip or zstd compressed).
    Jsonl,
    /// Parquet.
    Parquet,
    /// An index datatrove's `NGramsDecontIndexer` wrote: raw little-endian u64 hashes.
    Hashes,
}

/// One benchmark: where its texts are and which fields hold them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkConfig {
    /// Path or URL of the file (local, `s3://…`, …).
    pub path: String,
    /// The name in reasons, counters and metadata; by default the file name
    /// up to its first `.` (`mmlu.jsonl.gz` → `mmlu`).
    #[serde(default)]
    pub name: Option<String>,
    /// By default from the extension: `.parquet`, `.hashes`, else JSONL.
    #[serde(default)]
    pub format: Option<BenchmarkFormat>,
    /// The field holding the label (the gold answer, or the whole text).
    #[serde(default = "text_field")]
    pub text_field: String,
    /// The field holding the query (prompt), if the benchmark has one.
    #[serde(default)]
    pub query_field: Option<String>,
}

fn text_field() -> String {
    "text".into()
}

/// Configuration of `decontaminate` (datatrove's `NGramsDecontConfig` names).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DecontaminateConfig {
    /// The benchmarks to remove.
    pub benchmarks: Vec<BenchmarkConfig>,
    /// Words per n-gram.
    #[serde(default = "twelve")]
    pub n_grams: usize,
    /// Also index n-grams of the query alone.
    #[serde(default)]
    pub find_query_ngrams: bool,
    /// Also index n-grams straddling the end of the query and the start of the label.
    #[serde(default = "yes")]
    pub find_overlap_ngrams: bool,
    /// Word tokenizer language (datatrove's `language`).
    #[serde(default = "english")]
    pub language: String,
    /// `drop` (datatrove) or `remove_spans`.
    #[serde(default)]
    pub mode: DecontMode,
}

fn twelve() -> usize {
    12
}
fn yes() -> bool {
    true
}
fn english() -> String {
    "en".into()
}

/// The n-gram hashes of every benchmark, each naming its benchmark.
pub struct NgramIndex {
    /// Hash → benchmark (index into `names`).
    hashes: foldhash::HashMap<u64, u32>,
    /// Benchmark names, in configuration order.
    names: Vec<String>,
    /// `contaminated_<name>`, leaked once per index (counters take static names).
    counters: Vec<&'static str>,
}

impl NgramIndex {
    /// How many distinct n-grams the index holds.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The benchmark holding the n-gram with hash `hash`.
    pub fn benchmark(&self, hash: u64) -> Option<usize> {
        self.hashes.get(&hash).map(|&b| b as usize)
    }
}

/// The n-gram machinery shared by the indexer and the filter.
struct Ngrams {
    n: usize,
    words: TextWords,
}

thread_local! {
    static NORMALIZER: std::cell::RefCell<Normalizer> = std::cell::RefCell::new(Normalizer::default());
}

fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh64::xxh64(bytes, 0)
}

impl Ngrams {
    /// The normalised words of `text`, owned.
    fn words(&self, text: &str) -> Vec<String> {
        NORMALIZER.with(|n| {
            let mut n = n.borrow_mut();
            let normalized = n.normalize(text);
            let mut words = Vec::new();
            self.words.split(normalized, &mut words);
            words.into_iter().map(str::to_string).collect()
        })
    }

    /// Calls `f` with the hash of each n-gram of `words`, in order, until it
    /// returns `false`.
    fn each_hash<S: AsRef<str>>(&self, words: &[S], joined: &mut String, mut f: impl FnMut(usize, u64) -> bool) {
        if words.len() < self.n {
            return;
        }
        for (i, window) in words.windows(self.n).enumerate() {
            joined.clear();
            for (k, word) in window.iter().enumerate() {
                if k > 0 {
                    joined.push(' ');
                }
                joined.push_str(word.as_ref());
            }
            if !f(i, hash(joined.as_bytes())) {
                return;
            }
        }
    }

    /// datatrove's `compute_hashes(label, query)`.
    fn benchmark_hashes(&self, label: &str, query: Option<&str>, config: &DecontaminateConfig, out: &mut Vec<u64>) {
        let label = self.words(label);
        let mut joined = String::new();
        self.each_hash(&label, &mut joined, |_, h| {
            out.push(h);
            true
        });
        let Some(query) = query else { return };
        let query = self.words(query);
        if config.find_query_ngrams {
            self.each_hash(&query, &mut joined, |_, h| {
                out.push(h);
                true
            });
        }
        if config.find_overlap_ngrams {
            let n = self.n;
            for i in 0..n - 1 {
                if query.len() >= n - 1 - i && label.len() > i {
                    let gram: Vec<&str> = query[query.len() - (n - 1 - i)..]
                        .iter()
                        .chain(&label[..=i])
                        .map(String::as_str)
                        .collect();
                    out.push(hash(gram.join(" ").as_bytes()));
                }
            }
        }
    }
}

/// The index for `config`, built at the first call in the process and shared
/// by every later call with the same benchmarks and n-gram settings (a
/// benchmark file rewritten under the same path during a long-lived process
/// is not read again).
pub fn index(config: &DecontaminateConfig) -> Result<Arc<NgramIndex>, String> {
    static INDEXES: OnceLock<Mutex<HashMap<String, Arc<NgramIndex>>>> = OnceLock::new();
    let key = format!(
        "{:?}",
        (
            &config.benchmarks,
            config.n_grams,
            config.find_query_ngrams,
            config.find_overlap_ngrams,
            &config.language
        )
    );
    let indexes = INDEXES.get_or_init(Default::default);
    // Held while building: two steps asking for the same index build it once.
    let mut indexes = indexes.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(index) = indexes.get(&key) {
        return Ok(index.clone());
    }
    let index = Arc::new(build_index(config)?);
    indexes.insert(key, index.clone());
    Ok(index)
}

fn default_name(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.strip_suffix(".index.hashes").unwrap_or(file);
    stem.split('.').next().unwrap_or(stem).to_string()
}

fn build_index(config: &DecontaminateConfig) -> Result<NgramIndex, String> {
    let ngrams = Ngrams {
        n: config.n_grams,
        words: TextWords::for_language(&config.language),
    };
    let mut index = NgramIndex {
        hashes: Default::default(),
        names: Vec::new(),
        counters: Vec::new(),
    };
    let mut hashes = Vec::new();
    for (b, benchmark) in config.benchmarks.iter().enumerate() {
        let name = benchmark.name.clone().unwrap_or_else(|| default_name(&benchmark.path));
        if name.is_empty() || index.names.contains(&name) {
            return Err(format!(
                "benchmark {name:?} ({}): names must be distinct and not empty",
                benchmark.path
            ));
        }
        hashes.clear();
        read_benchmark(benchmark, &ngrams, config, &mut hashes).map_err(|e| format!("{}: {e}", benchmark.path))?;
        for &h in &hashes {
            index.hashes.entry(h).or_insert(b as u32);
        }
        index
            .counters
            .push(Box::leak(format!("contaminated_{name}").into_boxed_str()));
        index.names.push(name);
    }
    Ok(index)
}

/// Appends the n-gram hashes of one benchmark file to `out`.
fn read_benchmark(
    benchmark: &BenchmarkConfig,
    ngrams: &Ngrams,
    config: &DecontaminateConfig,
    out: &mut Vec<u64>,
) -> Result<(), String> {
    let location = tamis_io::Location::parse(&benchmark.path).map_err(|e| e.to_string())?;
    let format = benchmark.format.unwrap_or_else(|| {
        if benchmark.path.ends_with(".parquet") {
            BenchmarkFormat::Parquet
        } else if benchmark.path.ends_with(".hashes") {
            BenchmarkFormat::Hashes
        } else {
            BenchmarkFormat::Jsonl
        }
    });
    let format = match format {
        BenchmarkFormat::Hashes => {
            let bytes = location.read().map_err(|e| e.to_string())?;
            if bytes.len() % 8 != 0 {
                return Err(format!("{} bytes is not a whole number of u64 hashes", bytes.len()));
            }
            out.extend(
                bytes
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default())),
            );
            return Ok(());
        }
        BenchmarkFormat::Jsonl => tamis_read::Format::Jsonl,
        BenchmarkFormat::Parquet => tamis_read::Format::Parquet,
    };
    let options = tamis_read::ReadOptions {
        text_field: benchmark.text_field.clone(),
        ..Default::default()
    };
    let mut records = 0;
    for record in tamis_read::open(&location, format, &options, Arc::new(AtomicU64::new(0))) {
        let doc = match record {
            tamis_read::Record::Document(undecoded) => undecoded.decode().map_err(|e| e.to_string())?,
            tamis_read::Record::Skipped(_) => continue,
            tamis_read::Record::Error(e) => return Err(e.to_string()),
        };
        let query = match &benchmark.query_field {
            None => None,
            Some(field) => match doc.metadata.get(field) {
                Some(serde_json::Value::String(query)) => Some(query.as_str()),
                None | Some(serde_json::Value::Null) => None,
                Some(_) => return Err(format!("record {}: `{field}` is not a string", doc.id)),
            },
        };
        ngrams.benchmark_hashes(&doc.text, query, config, out);
        records += 1;
    }
    if records == 0 {
        return Err("no record".into());
    }
    Ok(())
}

/// The built step.
pub struct Decontaminate {
    index: Arc<NgramIndex>,
    ngrams: Ngrams,
    mode: DecontMode,
}

impl DecontaminateConfig {
    /// Checks the settings and builds (or reuses) the index.
    pub fn build(&self) -> Result<Decontaminate, crate::ConfigError> {
        let err = |key, message| crate::ConfigError {
            step: NAME,
            key,
            message,
        };
        if !(1..=1000).contains(&self.n_grams) {
            return Err(err("n_grams", format!("{} is not between 1 and 1000", self.n_grams)));
        }
        if self.benchmarks.is_empty() {
            return Err(err("benchmarks", "lists no benchmark".into()));
        }
        let index = index(self).map_err(|e| err("benchmarks", e))?;
        Ok(Decontaminate {
            index,
            ngrams: Ngrams {
                n: self.n_grams,
                words: TextWords::for_language(&self.language),
            },
            mode: self.mode,
        })
    }
}

/// A word of the original text: its normalised form and the byte range of the
/// whitespace-separated chunk it comes from.
struct SpanWord {
    word: String,
    chunk: (usize, usize),
}

impl Decontaminate {
    /// The index this step matches against.
    pub fn index(&self) -> &NgramIndex {
        &self.index
    }

    /// The first indexed n-gram of `text`: its benchmark and its text.
    pub fn first_match(&self, text: &str) -> Option<(usize, String)> {
        thread_local! {
            static WORDS: std::cell::RefCell<Vec<(usize, usize)>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        NORMALIZER.with(|n| {
            let mut n = n.borrow_mut();
            let normalized = n.normalize(text);
            let mut words = Vec::new();
            self.ngrams.words.split(normalized, &mut words);
            let n = self.ngrams.n;
            if words.len() < n {
                return None;
            }
            WORDS.with(|spans| {
                // Byte ranges of the words in `normalized`: an n-gram whose
                // words are one space apart is hashed in place.
                let spans = &mut *spans.borrow_mut();
                spans.clear();
                let base = normalized.as_ptr() as usize;
                spans.extend(words.iter().map(|w| (w.as_ptr() as usize - base, w.len())));
                let mut joined = String::new();
                for i in 0..=words.len() - n {
                    let (start, _) = spans[i];
                    let (last, len) = spans[i + n - 1];
                    let length: usize = spans[i..i + n].iter().map(|s| s.1).sum::<usize>() + n - 1;
                    let h = if last + len - start == length {
                        hash(&normalized.as_bytes()[start..last + len])
                    } else {
                        joined.clear();
                        joined.push_str(&words[i..i + n].join(" "));
                        hash(joined.as_bytes())
                    };
                    if let Some(b) = self.index.benchmark(h) {
                        return Some((b, words[i..i + n].join(" ")));
                    }
                }
                None
            })
        })
    }

    /// The words of `text` chunk by chunk (runs between whitespace), so that
    /// each maps back to the original bytes. Normalisation and word splitting
    /// never cross whitespace, so these are the words of the whole text.
    fn span_words(&self, text: &str) -> Vec<SpanWord> {
        let mut out = Vec::new();
        let mut start = None;
        let bounds = text.char_indices().chain(std::iter::once((text.len(), ' ')));
        for (i, c) in bounds {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    for word in self.ngrams.words(&text[s..i]) {
                        out.push(SpanWord { word, chunk: (s, i) });
                    }
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    /// Byte ranges of `text` covered by indexed n-grams, merged, with the
    /// benchmarks they belong to.
    fn spans(&self, text: &str) -> (Vec<(usize, usize)>, Vec<usize>) {
        let words = self.span_words(text);
        let plain: Vec<&str> = words.iter().map(|w| w.word.as_str()).collect();
        let (mut joined, mut spans, mut benchmarks) = (String::new(), Vec::<(usize, usize)>::new(), Vec::new());
        let n = self.ngrams.n;
        self.ngrams.each_hash(&plain, &mut joined, |i, h| {
            if let Some(b) = self.index.benchmark(h) {
                if !benchmarks.contains(&b) {
                    benchmarks.push(b);
                }
                let (start, end) = (words[i].chunk.0, words[i + n - 1].chunk.1);
                match spans.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => spans.push((start, end)),
                }
            }
            true
        });
        (spans, benchmarks)
    }
}

/// `text` without `spans` (sorted, disjoint), each cut with the horizontal
/// whitespace after it.
fn cut(text: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(start, end) in spans {
        out.push_str(&text[at..start]);
        let rest = &text[end..];
        at = end + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    }
    out.push_str(&text[at..]);
    out
}

impl Step for Decontaminate {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict {
        let Some((benchmark, ngram)) = self.first_match(&doc.text) else {
            return Verdict::Keep;
        };
        counters.add(self.index.counters[benchmark], 1);
        let task = self.index.names[benchmark].clone();
        if self.mode == DecontMode::Drop {
            doc.metadata.insert("contaminated_ngram".into(), ngram.into());
            doc.metadata.insert("contaminated_task".into(), task.into());
            return Verdict::Drop(CONTAMINATED);
        }
        let (spans, benchmarks) = self.spans(&doc.text);
        if spans.is_empty() {
            // Chunk-wise words differ from the whole text's (not expected):
            // drop rather than keep a known match.
            counters.add("span_fallback_drops", 1);
            doc.metadata.insert("contaminated_ngram".into(), ngram.into());
            doc.metadata.insert("contaminated_task".into(), task.into());
            return Verdict::Drop(CONTAMINATED);
        }
        let removed: usize = spans.iter().map(|(s, e)| e - s).sum();
        counters.add("spans_removed", spans.len() as u64);
        counters.add("bytes_removed", removed as u64);
        let names: Vec<serde_json::Value> = benchmarks.iter().map(|&b| self.index.names[b].clone().into()).collect();
        doc.metadata.insert("contaminated_task".into(), names.into());
        doc.text = cut(&doc.text, &spans);
        if doc.text.trim().is_empty() {
            Verdict::Drop(EMPTY)
        } else {
            Verdict::Keep
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUESTION: &str =
        "Which planet of the solar system has the largest number of confirmed moons orbiting it as of today?";
    const ANSWER: &str =
        "Saturn, with one hundred and forty six confirmed moons, more than any other planet in the solar system.";

    fn write(name: &str, lines: &[serde_json::Value]) -> String {
        let dir = std::env::temp_dir().join(format!("tamis-decont-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn config(path: String, n: usize, mode: DecontMode) -> DecontaminateConfig {
        DecontaminateConfig {
            benchmarks: vec![BenchmarkConfig {
                path,
                name: None,
                format: None,
                text_field: "answer".into(),
                query_field: Some("question".into()),
            }],
            n_grams: n,
            find_query_ngrams: false,
            find_overlap_ngrams: true,
            language: "en".into(),
            mode,
        }
    }

    fn qa(test: &str) -> String {
        write(
            &format!("{test}/quiz.jsonl"),
            &[
                serde_json::json!({"question": QUESTION, "answer": ANSWER}),
                serde_json::json!({"question": "Short?", "answer": "Yes."}),
            ],
        )
    }

    #[test]
    fn label_and_overlap_ngrams_match_after_normalisation() {
        let step = config(qa("label"), 8, DecontMode::Drop).build().unwrap();
        assert_eq!(step.index().names, ["quiz"]);
        let mut counters = Counters::default();
        // The label, with other case, punctuation, spacing and digits.
        let mut doc = Document::new(
            "a",
            "Intro. SATURN -- with one hundred and forty-six confirmed   moons; more than any other planet!",
        );
        assert_eq!(step.process(&mut doc, &mut counters), Verdict::Drop(CONTAMINATED));
        assert_eq!(doc.metadata["contaminated_task"], "quiz");
        assert_eq!(
            doc.metadata["contaminated_ngram"],
            "saturn with one hundred and forty six confirmed"
        );
        // Straddling query and label (find_overlap_ngrams).
        let mut overlap = Document::new("b", "orbiting it as of today? Saturn, with one hundred and");
        assert_eq!(step.process(&mut overlap, &mut counters), Verdict::Drop(CONTAMINATED));
        // The query alone is not indexed by default.
        let mut query = Document::new("c", QUESTION);
        assert_eq!(step.process(&mut query, &mut counters), Verdict::Keep);
        // Seven words of the label are not an 8-gram.
        let mut short = Document::new("d", "with one hundred and forty six confirmed");
        assert_eq!(step.process(&mut short, &mut counters), Verdict::Keep);
        assert_eq!(counters.iter().collect::<Vec<_>>(), [("contaminated_quiz", 2)]);

        let mut with_query = config(qa("label"), 8, DecontMode::Drop);
        with_query.find_query_ngrams = true;
        with_query.find_overlap_ngrams = false;
        let step = with_query.build().unwrap();
        assert_eq!(
            step.process(&mut Document::new("c", QUESTION), &mut counters),
            Verdict::Drop(CONTAMINATED)
        );
        let mut overlap = Document::new("b", "orbiting it as of today? Saturn, with one hundred");
        assert_eq!(step.process(&mut overlap, &mut counters), Verdict::Keep);
    }

    #[test]
    fn overlap_ngrams_are_datatroves() {
        // n = 4, query A B C D E, label F G H I J: label grams F G H I, G H I J;
        // overlap grams C D E F, D E F G, E F G H (datatrove's docstring).
        let ngrams = Ngrams {
            n: 4,
            words: TextWords::for_language("en"),
        };
        let mut c = config(String::new(), 4, DecontMode::Drop);
        let mut out = Vec::new();
        ngrams.benchmark_hashes("f g h i j", Some("a b c d e"), &c, &mut out);
        let h = |s: &str| hash(s.as_bytes());
        assert_eq!(
            out,
            [h("f g h i"), h("g h i j"), h("c d e f"), h("d e f g"), h("e f g h")]
        );
        c.find_query_ngrams = true;
        out.clear();
        ngrams.benchmark_hashes("f g", Some("a b c d e"), &c, &mut out);
        assert_eq!(out, [h("a b c d"), h("b c d e"), h("c d e f"), h("d e f g")]);
    }

    #[test]
    fn remove_spans_cuts_the_benchmark_text() {
        let step = config(qa("spans"), 8, DecontMode::RemoveSpans).build().unwrap();
        let mut counters = Counters::default();
        let mut doc = Document::new(
            "a",
            "A quiz blog post.\nThe answer: Saturn, with one hundred and forty six confirmed moons, more than any other planet in the solar system. Nice!\nBye.",
        );
        assert_eq!(step.process(&mut doc, &mut counters), Verdict::Keep);
        assert_eq!(doc.text, "A quiz blog post.\nThe answer: Nice!\nBye.");
        assert_eq!(doc.metadata["contaminated_task"], serde_json::json!(["quiz"]));
        let mut all = Document::new("b", ANSWER);
        assert_eq!(step.process(&mut all, &mut counters), Verdict::Drop(EMPTY));
        assert!(counters.iter().any(|(k, v)| k == "spans_removed" && v == 2));
    }

    #[test]
    fn bad_configuration_and_files() {
        let missing = config("/nonexistent/bench.jsonl".into(), 12, DecontMode::Drop);
        assert_eq!(missing.build().err().unwrap().key, "benchmarks");
        let bad = write("bad/bad.jsonl", &[serde_json::json!({"answer": 3})]);
        assert!(config(bad, 12, DecontMode::Drop).build().is_err());
        assert_eq!(
            config(qa("bad"), 0, DecontMode::Drop).build().err().unwrap().key,
            "n_grams"
        );
        let yaml = "benchmarks: [{ path: x.jsonl, text_fild: a }]";
        assert!(serde_saphyr::from_str::<DecontaminateConfig>(yaml).is_err());
        let yaml = "benchmarks: [{ path: x.jsonl }]\nmode: remove_spans";
        let parsed: DecontaminateConfig = serde_saphyr::from_str(yaml).unwrap();
        assert_eq!(
            (parsed.n_grams, parsed.mode, parsed.find_overlap_ngrams),
            (12, DecontMode::RemoveSpans, true)
        );
    }

    #[test]
    fn benchmarks_load_from_object_storage_compressed_or_not() {
        let item = serde_json::json!({"question": QUESTION, "answer": ANSWER}).to_string() + "\n";
        let plain = tamis_io::Location::parse("memory://bench/quiz.jsonl").unwrap();
        plain.write(item.as_bytes()).unwrap();
        let mut gz = Vec::new();
        {
            use std::io::Write;
            let mut encoder = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::default());
            encoder.write_all(item.as_bytes()).unwrap();
            encoder.finish().unwrap();
        }
        let compressed = tamis_io::Location::parse("memory://bench/quiz2.jsonl.gz").unwrap();
        compressed.write(&gz).unwrap();
        for path in ["memory://bench/quiz.jsonl", "memory://bench/quiz2.jsonl.gz"] {
            let step = config(path.into(), 8, DecontMode::Drop).build().unwrap();
            assert!(step.index().len() > 10, "{path}");
            let mut doc = Document::new("a", ANSWER);
            assert_eq!(
                step.process(&mut doc, &mut Counters::default()),
                Verdict::Drop(CONTAMINATED)
            );
        }
        assert_eq!(default_name("memory://bench/quiz2.jsonl.gz"), "quiz2");
    }

    #[test]
    fn datatrove_index_files_load() {
        let dir = std::env::temp_dir().join(format!("tamis-decont-idx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let gram = "the quick brown fox jumps over the lazy dog again and again";
        let path = dir.join("hellaswag.index.hashes");
        std::fs::write(&path, hash(gram.as_bytes()).to_le_bytes()).unwrap();
        let mut c = config(path.to_string_lossy().into_owned(), 12, DecontMode::Drop);
        c.benchmarks[0].query_field = None;
        let step = c.build().unwrap();
        let mut doc = Document::new("x", "The quick brown fox jumps over the lazy dog, again and again.");
        assert_eq!(
            step.process(&mut doc, &mut Counters::default()),
            Verdict::Drop(CONTAMINATED)
        );
        assert_eq!(doc.metadata["contaminated_task"], "hellaswag");
    }
}
