//! Parity with datatrove 0.10.1's `SentenceDedup`: the fixture
//! `fixtures/sentence_dedup_parity.jsonl` holds generated documents with the
//! text datatrove kept for each (or null when it dropped it), under four
//! configurations, recorded once by `bench/sentence_dedup_fixture.py`. Each
//! configuration's documents are one shard, in order, as datatrove's one task
//! read them.

use serde::Deserialize;
use std::collections::BTreeMap;
use tamis_api::{Counters, Document, GlobalContext, GlobalStep, Verdict};
use tamis_dedup::sentence_dedup::HashConfig;
use tamis_dedup::{HashFunction, SentenceDedup, SentenceDedupConfig};
use tamis_io::Location;

#[derive(Deserialize)]
struct Case {
    config: String,
    id: String,
    text: String,
    kept: Option<String>,
}

fn config(name: &str) -> SentenceDedupConfig {
    let default = SentenceDedupConfig {
        partitions: 3,
        ..SentenceDedupConfig::default()
    };
    match name {
        "default" => default,
        "lines" => SentenceDedupConfig {
            split_sentences: false,
            ..default
        },
        "lenient" => SentenceDedupConfig {
            n_sentences: 2,
            min_doc_words: 0,
            min_num_sentences: 0,
            hash_config: HashConfig {
                precision: 64,
                hash_fc: HashFunction::Sha1,
            },
            ..default
        },
        "strict" => SentenceDedupConfig {
            n_sentences: 1,
            min_doc_words: 30,
            min_num_sentences: 2,
            hash_config: HashConfig {
                precision: 32,
                hash_fc: HashFunction::Xxhash,
            },
            ..default
        },
        other => panic!("unknown config {other}"),
    }
}

/// Every phase over one shard; the text kept for each document, or `None`.
fn run(step: &SentenceDedup, docs: &[Document], name: &str) -> Vec<Option<String>> {
    let dir = Location::parse(&format!("memory://sentence-parity-{name}/step")).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let shards = vec!["s0".to_string()];
    let context = GlobalContext {
        dir: &dir,
        scratch: scratch.path(),
        shards: &shards,
        mem_budget: 1 << 20,
    };
    let mut recorder = step.recorder(&context, 0).unwrap();
    for doc in docs {
        recorder.record(&step.summarize(doc)).unwrap();
    }
    recorder.finish().unwrap();
    for phase in 0..step.phases().len() {
        for unit in 0..step.units(phase, &context) {
            step.run_unit(phase, unit, &context).unwrap();
        }
    }
    let decider = step.decider(&context, 0).unwrap();
    let mut counters = Counters::default();
    docs.iter()
        .enumerate()
        .map(|(ordinal, doc)| {
            let mut doc = doc.clone();
            match decider.decide(ordinal as u64, &mut doc, &mut counters) {
                Verdict::Keep => Some(doc.text),
                Verdict::Drop(_) => None,
            }
        })
        .collect()
}

#[test]
fn every_document_is_kept_or_dropped_with_the_text_datatrove_gives() {
    let mut by_config: BTreeMap<String, Vec<Case>> = BTreeMap::new();
    for line in include_str!("fixtures/sentence_dedup_parity.jsonl").lines() {
        let case: Case = serde_json::from_str(line).unwrap();
        by_config.entry(case.config.clone()).or_default().push(case);
    }
    assert_eq!(by_config.len(), 4);
    let mut edited = 0;
    let mut dropped = 0;
    for (name, cases) in &by_config {
        let step = SentenceDedup::new(config(name));
        let docs: Vec<Document> = cases
            .iter()
            .map(|c| Document::new(c.id.clone(), c.text.clone()))
            .collect();
        let got = run(&step, &docs, name);
        for (case, got) in cases.iter().zip(&got) {
            assert_eq!(got, &case.kept, "{}: {:?}", case.id, case.text);
            match &case.kept {
                None => dropped += 1,
                Some(kept) if kept != &case.text => edited += 1,
                _ => {}
            }
        }
    }
    // The fixture exercises cuts and drops, not only documents left alone.
    assert!(edited > 50 && dropped > 10, "{edited} edited, {dropped} dropped");
}
