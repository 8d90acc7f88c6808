//! The dedup steps end to end, driven phase by phase as the runner drives them
//! (record every shard, run every unit of every phase, decide), on the two kinds
//! of storage a step's directory can be: a local directory and an object store
//! (the in-memory one). Every check runs on both.

use serde_json::Value;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tamis_api::{Counters, Document, GlobalContext, GlobalStep, Verdict};
use tamis_dedup::{
    ExactDedup, ExactDedupConfig, MinhashDedup, MinhashDedupConfig, SentenceDedup, SentenceDedupConfig, SpaceWords,
};
use tamis_io::Location;

const WORDS: &[&str] = &[
    "river", "market", "morning", "people", "teacher", "library", "bridge", "garden", "winter", "summer", "walked",
    "opened", "closed", "painted", "quietly", "slowly", "report", "council", "budget", "museum", "harbour", "station",
    "festival", "weather", "storm", "shadow", "valley", "village", "street", "window", "kitchen",
];

const LARGE_BUDGET: usize = 64 << 20;
/// Small enough that every recorder and unit spills runs of 64 records.
const TINY_BUDGET: usize = 0;

/// A pseudo-random text of `n` words from `seed`.
fn text(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            WORDS[(x % WORDS.len() as u64) as usize]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `per_shard` documents in each of `shards` shards: originals, exact copies
/// (upper-cased, which normalisation undoes), copies with one word changed
/// (near-duplicates), and unrelated documents.
fn corpus(shards: u64, per_shard: u64) -> Vec<Vec<Document>> {
    (0..shards)
        .map(|shard| {
            (0..per_shard)
                .map(|i| {
                    let original = i % 5;
                    let body = match i % 4 {
                        0 => text(100 + original, 80),
                        1 => text(100 + original, 80).to_uppercase() + "!",
                        2 => text(100 + original, 80).replacen("river", "lake", 1),
                        _ => text(1000 + shard * 1000 + i, 80),
                    };
                    let mut doc = Document::new(format!("{shard}-{i}"), body);
                    doc.url = Some(format!("http://x/{}", i % 3));
                    doc
                })
                .collect()
        })
        .collect()
}

/// A step's directory on one backend, with the local scratch directory of
/// the process running it.
struct Backend {
    name: &'static str,
    dir: Location,
    scratch: tempfile::TempDir,
    _local: Option<tempfile::TempDir>,
}

impl Backend {
    fn local() -> Backend {
        let root = tempfile::tempdir().unwrap();
        let dir = Location::parse(root.path().join("dedup").to_str().unwrap()).unwrap();
        Backend {
            name: "local",
            dir,
            scratch: tempfile::tempdir().unwrap(),
            _local: Some(root),
        }
    }

    fn memory() -> Backend {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let store = format!("memory://dedup-phases-{}/dedup", NEXT.fetch_add(1, Ordering::Relaxed));
        Backend {
            name: "memory",
            dir: Location::parse(&store).unwrap(),
            scratch: tempfile::tempdir().unwrap(),
            _local: None,
        }
    }

    /// Every file under the step's directory: its name below it and its bytes.
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        let prefix = format!("{}/", self.dir);
        self.dir
            .list()
            .unwrap()
            .into_iter()
            .map(|(file, _)| {
                let name = file.to_string().strip_prefix(&prefix).unwrap().to_string();
                (name, file.read().unwrap())
            })
            .collect()
    }

    fn scratch_is_empty(&self) -> bool {
        std::fs::read_dir(self.scratch.path()).unwrap().next().is_none()
    }
}

/// Runs `check` on a fresh backend of each kind; each failure names its backend.
fn on_every_backend(mut check: impl FnMut(&Backend)) {
    for backend in [Backend::local(), Backend::memory()] {
        eprintln!("backend: {}", backend.name);
        check(&backend);
    }
}

/// A run of a step over a corpus: what the runner hands it.
struct Job<'a> {
    step: &'a dyn GlobalStep,
    names: Vec<String>,
    dir: &'a Location,
    scratch: &'a Path,
}

impl<'a> Job<'a> {
    fn new(step: &'a dyn GlobalStep, backend: &'a Backend, shards: usize) -> Self {
        Job {
            step,
            names: (0..shards).map(|s| format!("s{s}")).collect(),
            dir: &backend.dir,
            scratch: backend.scratch.path(),
        }
    }

    fn context(&self, mem_budget: usize) -> GlobalContext<'_> {
        GlobalContext {
            dir: self.dir,
            scratch: self.scratch,
            shards: &self.names,
            mem_budget,
        }
    }

    /// The record phase of one shard.
    fn record(&self, shard: usize, docs: &[Document], mem_budget: usize) {
        let mut recorder = self.step.recorder(&self.context(mem_budget), shard).unwrap();
        for doc in docs {
            recorder.record(&self.step.summarize(doc)).unwrap();
        }
        recorder.finish().unwrap();
    }

    /// Every unit of phase `phase`, last unit first (the order must not matter).
    fn run_phase(&self, phase: usize, mem_budget: usize) -> Counters {
        let context = self.context(mem_budget);
        let mut counters = Counters::default();
        for unit in (0..self.step.units(phase, &context)).rev() {
            counters.merge(&self.step.run_unit(phase, unit, &context).unwrap());
        }
        counters
    }

    /// Every phase between recording and filtering.
    fn run_phases(&self, mem_budget: usize) {
        for phase in 0..self.step.phases().len() {
            self.run_phase(phase, mem_budget);
        }
    }

    /// The filter phase: what happens to each document, in order.
    fn decide(&self, corpus: &[Vec<Document>]) -> Vec<String> {
        let mut outcome = Vec::new();
        let mut counters = Counters::default();
        for (shard, docs) in corpus.iter().enumerate() {
            let decider = self.step.decider(&self.context(LARGE_BUDGET), shard).unwrap();
            for (ordinal, doc) in docs.iter().enumerate() {
                let mut doc = doc.clone();
                let verdict = match decider.decide(ordinal as u64, &mut doc, &mut counters) {
                    Verdict::Keep => "kept".to_string(),
                    Verdict::Drop(reason) => format!("removed as {}", reason.0),
                };
                let metadata = Value::Object(doc.metadata.into_iter().collect());
                outcome.push(format!("{} {verdict} {metadata} {:?}", doc.id, doc.text));
            }
        }
        outcome
    }

    /// Every phase, each shard recorded once.
    fn run(&self, corpus: &[Vec<Document>], mem_budget: usize) -> Vec<String> {
        for (shard, docs) in corpus.iter().enumerate() {
            self.record(shard, docs, mem_budget);
        }
        self.run_phases(mem_budget);
        self.decide(corpus)
    }
}

fn minhash() -> MinhashDedup {
    MinhashDedup::new(MinhashDedupConfig::default(), Arc::new(SpaceWords))
}

fn exact(field: &str, partitions: usize) -> ExactDedup {
    ExactDedup::new(ExactDedupConfig {
        field: field.into(),
        partitions,
        ..ExactDedupConfig::default()
    })
}

fn find<'o>(outcome: &'o [String], id: &str) -> &'o str {
    outcome
        .iter()
        .find(|line| line.starts_with(&format!("{id} ")))
        .unwrap_or_else(|| panic!("{id} not decided"))
}

#[test]
fn minhash_keeps_the_first_document_of_each_cluster() {
    let corpus = corpus(4, 12);
    let mut outcomes = Vec::new();
    on_every_backend(|backend| {
        let step = minhash();
        let outcome = Job::new(&step, backend, corpus.len()).run(&corpus, LARGE_BUDGET);
        // Shard 0's originals are kept; the copies in shard 1 name their keeper.
        for id in ["0-0", "0-1", "0-2", "0-3", "0-4"] {
            assert!(find(&outcome, id).contains(" kept "), "{}", find(&outcome, id));
        }
        let copy = find(&outcome, "1-0");
        assert!(copy.contains("removed as minhash_duplicate"), "{copy}");
        assert!(copy.contains(r#""minhash_cluster":"s0#0""#), "{copy}");
        assert!(find(&outcome, "0-3").contains(r#""minhash_cluster_size":1"#));
        let removed = outcome.iter().filter(|l| l.contains("removed as")).count();
        assert!(removed > 10, "{outcome:#?}");
        assert!(backend.scratch_is_empty(), "scratch files left behind");
        outcomes.push(outcome);
    });
    assert_eq!(outcomes[0], outcomes[1], "the backends disagree");
}

#[test]
fn a_budget_small_enough_to_spill_everywhere_changes_nothing() {
    let corpus = corpus(3, 200);
    on_every_backend(|backend| {
        let step = minhash();
        let job = Job::new(&step, backend, corpus.len());
        let reference = job.run(&corpus, LARGE_BUDGET);
        let files = backend.files();
        assert_eq!(job.run(&corpus, TINY_BUDGET), reference);
        assert_eq!(backend.files(), files, "the exchange files depend on the budget");
        assert!(backend.scratch_is_empty(), "scratch files left behind");
    });
}

#[test]
fn exact_dedup_on_text_and_on_url() {
    let corpus = corpus(4, 12);
    on_every_backend(|backend| {
        let step = exact("text", 16);
        let by_text = Job::new(&step, backend, corpus.len()).run(&corpus, LARGE_BUDGET);
        // 0-5 is 0-0 upper-cased with a `!`: the same normalised text; 0-2 is edited.
        let copy = find(&by_text, "0-5");
        assert!(copy.contains("removed as exact_duplicate"), "{copy}");
        assert!(copy.contains(r#""exact_cluster":"s0#0""#), "{copy}");
        assert!(find(&by_text, "0-2").contains(" kept "));
        backend.dir.delete_all().unwrap();
        let step = exact("url", 4);
        let by_url = Job::new(&step, backend, corpus.len()).run(&corpus, TINY_BUDGET);
        let kept: Vec<&str> = by_url
            .iter()
            .filter(|l| l.contains(" kept "))
            .map(|l| l.split(' ').next().unwrap())
            .collect();
        assert_eq!(kept, ["0-0", "0-1", "0-2"]);
        assert!(find(&by_url, "0-0").contains(r#""exact_cluster_size":16"#));
    });
}

#[test]
fn more_shards_than_a_merge_opens_at_once() {
    // 300 shards: the `keepers` unit merges 300 files, through intermediate
    // runs in its scratch directory.
    let corpus: Vec<Vec<Document>> = (0..300u64)
        .map(|shard| {
            vec![
                Document::new(format!("{shard}-0"), text(shard % 7, 20)),
                Document::new(format!("{shard}-1"), text(5000 + shard, 20)),
            ]
        })
        .collect();
    on_every_backend(|backend| {
        let step = exact("text", 1);
        let outcome = Job::new(&step, backend, corpus.len()).run(&corpus, LARGE_BUDGET);
        let kept: Vec<&String> = outcome.iter().filter(|l| l.contains(" kept ")).collect();
        assert_eq!(kept.len(), 7 + 300);
        assert!(find(&outcome, "6-0").contains(r#""exact_cluster_size":42"#));
        assert!(find(&outcome, "7-0").contains(r#""exact_cluster":"s0#0""#));
        assert!(backend.scratch_is_empty(), "scratch files left behind");
    });
}

/// Redoes the record phase of two shards after an earlier attempt that wrote
/// something else (as when a step before the dedup gave up on other
/// documents), with a budget that makes the redo spill: the redone job must
/// leave the very files and decisions of a clean run.
fn redone_recorders_leave_what_a_clean_run_leaves(step: &dyn GlobalStep, corpus: Vec<Vec<Document>>) {
    // The earlier attempt saw more documents in shard 1, and some in shard 2
    // whose documents all left before the step this time.
    let mut earlier = corpus.clone();
    earlier[1].extend(corpus[0].iter().take(50).cloned());
    let mut this_time = corpus.clone();
    this_time[2].clear();
    let clean = Backend::memory();
    let clean_job = Job::new(step, &clean, corpus.len());
    let reference = clean_job.run(&this_time, LARGE_BUDGET);
    on_every_backend(|backend| {
        let job = Job::new(step, backend, corpus.len());
        for (shard, docs) in earlier.iter().enumerate() {
            job.record(shard, docs, LARGE_BUDGET);
        }
        job.record(1, &this_time[1], TINY_BUDGET);
        job.record(2, &this_time[2], TINY_BUDGET);
        job.run_phases(TINY_BUDGET);
        assert_eq!(job.decide(&this_time), reference);
        assert_eq!(backend.files(), clean.files(), "stale or different exchange files");
        assert!(backend.scratch_is_empty(), "scratch files left behind");
    });
}

#[test]
fn a_minhash_recorder_redone_with_a_smaller_budget_deletes_the_earlier_attempt() {
    redone_recorders_leave_what_a_clean_run_leaves(&minhash(), corpus(3, 200));
}

#[test]
fn an_exact_recorder_redone_with_a_smaller_budget_deletes_the_earlier_attempt() {
    redone_recorders_leave_what_a_clean_run_leaves(&exact("text", 8), corpus(3, 200));
}

#[test]
fn a_recorder_that_never_finishes_leaves_nothing() {
    let corpus = corpus(1, 200);
    on_every_backend(|backend| {
        let step = minhash();
        let job = Job::new(&step, backend, 1);
        let mut recorder = step.recorder(&job.context(TINY_BUDGET), 0).unwrap();
        for doc in &corpus[0] {
            recorder.record(&step.summarize(doc)).unwrap();
        }
        drop(recorder);
        assert!(backend.files().is_empty());
        assert!(backend.scratch_is_empty(), "scratch files left behind");
    });
}

#[test]
fn a_unit_redone_replaces_its_outputs_whole() {
    let mut corpus = corpus(4, 12);
    corpus.push(vec![Document::new("4-0", text(99_999, 80))]);
    on_every_backend(|backend| {
        let step = minhash();
        let job = Job::new(&step, backend, corpus.len());
        let reference = job.run(&corpus, LARGE_BUDGET);
        let files = backend.files();
        // A stale cluster file that says shard 4's only document is a duplicate.
        let stale = backend.dir.join("clusters/0000/000004.run");
        assert!(!stale.exists().unwrap(), "shard 4 has no cluster");
        let record: Vec<u8> = [0u64, 0, 2].iter().flat_map(|w| w.to_le_bytes()).collect();
        stale.write(&record).unwrap();
        job.run_phase(1, TINY_BUDGET);
        assert_eq!(job.decide(&corpus), reference);
        assert_eq!(backend.files(), files);
    });
}

#[test]
fn the_exchange_files_are_laid_out_as_documented() {
    let corpus = corpus(2, 12);
    on_every_backend(|backend| {
        let step = minhash();
        Job::new(&step, backend, corpus.len()).run(&corpus, LARGE_BUDGET);
        let names: Vec<String> = backend.files().into_iter().map(|(name, _)| name).collect();
        let mut expected: Vec<String> = Vec::new();
        expected.push("clusters/0000/000000.run".into());
        expected.push("clusters/0000/000001.run".into());
        expected.extend((0..14).map(|b| format!("pairs/b{b:03}.run")));
        for shard in 0..2 {
            expected.extend((0..14).map(|b| format!("sigs/{shard:06}/b{b:03}.run")));
        }
        assert_eq!(names, expected);
    });
}

/// A sentence of 6 to 9 words from `seed`, capitalised, with a full stop.
fn sentence(seed: u64) -> String {
    let words = text(seed, 6 + (seed % 4) as usize);
    let mut chars = words.chars();
    let first = chars.next().unwrap().to_uppercase().to_string();
    format!("{first}{}.", chars.as_str())
}

fn sentences(seeds: impl IntoIterator<Item = u64>) -> String {
    seeds.into_iter().map(sentence).collect::<Vec<_>>().join(" ")
}

/// Documents of sentences: originals (12 sentences), documents of their own
/// that embed one of 3 shared 3-sentence blocks (a later copy keeps enough
/// words once the block is cut), short copies of the first 4 sentences of the
/// original two documents earlier, with 2 of their own (too few words once
/// cut), and unrelated ones.
fn sentence_corpus(shards: u64, per_shard: u64) -> Vec<Vec<Document>> {
    (0..shards)
        .map(|shard| {
            (0..per_shard)
                .map(|i| {
                    let own = 100_000 + shard * 10_000 + i * 100;
                    let original = 1000 * (i % 5 + 1);
                    let body = match i % 4 {
                        0 => sentences(original..original + 12),
                        1 => {
                            let block = 50_000 + 10 * (i % 3);
                            sentences((own..own + 5).chain(block..block + 3).chain(own + 5..own + 10))
                        }
                        2 => {
                            let earlier = 1000 * ((i - 2) % 5 + 1);
                            sentences((earlier..earlier + 4).chain(own..own + 2))
                        }
                        _ => sentences(own..own + 12),
                    };
                    Document::new(format!("{shard}-{i}"), body)
                })
                .collect()
        })
        .collect()
}

fn sentence_dedup(partitions: usize) -> SentenceDedup {
    SentenceDedup::new(SentenceDedupConfig {
        partitions,
        ..SentenceDedupConfig::default()
    })
}

#[test]
fn sentence_dedup_cuts_spans_seen_earlier_and_drops_what_is_left_too_short() {
    let corpus = sentence_corpus(3, 12);
    let mut outcomes = Vec::new();
    on_every_backend(|backend| {
        let step = sentence_dedup(4);
        let outcome = Job::new(&step, backend, corpus.len()).run(&corpus, LARGE_BUDGET);
        // First occurrences stay whole.
        for id in ["0-0", "0-1", "0-3", "0-4"] {
            let line = find(&outcome, id);
            assert!(line.contains(" kept {} "), "{line}");
        }
        // 0-2 repeats 0-0's first 4 sentences: both windows go, too little is left.
        let short = find(&outcome, "0-2");
        assert!(short.contains("removed as too_few_words"), "{short}");
        assert!(short.contains(r#""sentence_dedup_removed":4"#), "{short}");
        // 1-1 embeds the block 0-1 embeds first: the block is cut, the rest stays.
        let cut = find(&outcome, "1-1");
        assert!(cut.contains(" kept "), "{cut}");
        assert!(cut.contains(r#""sentence_dedup_removed":3"#), "{cut}");
        let block = sentence(50_010);
        assert!(find(&outcome, "0-1").contains(&block));
        assert!(!cut.contains(&block), "{cut}");
        // An original seen again is cut whole: nothing is left.
        assert!(
            find(&outcome, "1-0").contains("removed as empty"),
            "{}",
            find(&outcome, "1-0")
        );
        assert!(backend.scratch_is_empty(), "scratch files left behind");
        outcomes.push(outcome);
    });
    assert_eq!(outcomes[0], outcomes[1], "the backends disagree");
}

#[test]
fn sentence_dedup_decides_the_same_for_any_partitions_and_budget() {
    let corpus = sentence_corpus(3, 40);
    on_every_backend(|backend| {
        let one = sentence_dedup(1);
        let reference = Job::new(&one, backend, corpus.len()).run(&corpus, LARGE_BUDGET);
        backend.dir.delete_all().unwrap();
        let step = sentence_dedup(7);
        let job = Job::new(&step, backend, corpus.len());
        assert_eq!(job.run(&corpus, LARGE_BUDGET), reference);
        let files = backend.files();
        assert_eq!(job.run(&corpus, TINY_BUDGET), reference);
        assert_eq!(backend.files(), files, "the exchange files depend on the budget");
        assert!(backend.scratch_is_empty(), "scratch files left behind");
    });
}

#[test]
fn a_sentence_recorder_redone_with_a_smaller_budget_deletes_the_earlier_attempt() {
    redone_recorders_leave_what_a_clean_run_leaves(&sentence_dedup(4), sentence_corpus(3, 200));
}

#[test]
fn sentence_dedup_never_fails_on_odd_text() {
    let corpus = vec![vec![
        Document::new("empty", ""),
        Document::new("blank", " \n\t "),
        Document::new("punct", "... !!! ??? ..."),
        Document::new("a", "One. Two. Three. \u{0}\u{feff} Four."),
        Document::new("b", "One. Two. Three. \u{0}\u{feff} Four."),
        Document::new("lines", "x\r\n\r\ny\u{2028}z"),
    ]];
    on_every_backend(|backend| {
        let step = sentence_dedup(2);
        let outcome = Job::new(&step, backend, 1).run(&corpus, TINY_BUDGET);
        assert!(find(&outcome, "empty").contains("removed as empty"));
        assert!(find(&outcome, "blank").contains(" kept "));
        assert!(find(&outcome, "a").contains(" kept "));
        assert!(find(&outcome, "b").contains("removed as empty"), "{outcome:#?}");
    });
}
