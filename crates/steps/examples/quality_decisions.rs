//! Runs the quality steps on JSONL documents for the parity harness and the benchmark
//! (`bench/quality/filter_parity.py`, `bench/quality/bench_chain.py`).
//!
//! `quality_decisions decisions [BADWORDS_DIR] < docs.jsonl`: each step on each document's
//! original text, independently; one line `{"id", "gopher_repetition": "keep"|reason, …,
//! "c4_quality_text": …}` per document.
//! `quality_decisions fineweb2 LANG [approximate] < docs.jsonl`: the `fineweb2` preset's steps for LANG, each
//! on each document independently; `{"id", "gopher_repetition", "fineweb_quality", "gopher_quality"}`.
//! `quality_decisions fineweb2-table`: the bundled FineWeb-2 thresholds as JSON.
//! `quality_decisions chain < docs.jsonl`: gopher_repetition → gopher_quality → c4_quality →
//! fineweb_quality on each document, one line `{"id", "verdict"}` per document, and the
//! documents per second on stderr.

use std::io::{BufRead, BufWriter, Write};
use tamis_api::{Counters, Document, Step, Verdict};
use tamis_steps::c4_badwords::C4BadWordsConfig;
use tamis_steps::c4_paragraph::C4ParagraphConfig;
use tamis_steps::c4_quality::C4QualityConfig;
use tamis_steps::fineweb_quality::FineWebQualityConfig;
use tamis_steps::gopher_quality::GopherQualityConfig;
use tamis_steps::gopher_repetition::GopherRepetitionConfig;

fn verdict(v: Verdict) -> String {
    match v {
        Verdict::Keep => "keep".into(),
        Verdict::Drop(r) => r.as_str().into(),
    }
}

fn read_docs() -> Vec<Document> {
    let stdin = std::io::stdin().lock();
    stdin
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(&line.expect("stdin")).expect("JSONL");
            let mut doc = Document::new(v["id"].as_str().unwrap_or(""), v["text"].as_str().unwrap_or(""));
            doc.url = v["url"].as_str().map(str::to_string);
            if let Some(lang) = v["lang"].as_str() {
                doc.metadata.insert("language".into(), lang.into());
            }
            doc
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("decisions");
    if mode == "fineweb2-table" {
        let start = std::time::Instant::now();
        let table = tamis_steps::presets::fineweb2_table();
        eprintln!("parsed {} FineWeb-2 languages in {:?}", table.len(), start.elapsed());
        for t in table {
            let v = serde_json::json!({"key": t.key, "language_score": t.language_score, "dup_line_frac": t.dup_line_frac,
                "top_n_grams": t.top_n_grams, "dup_n_grams": t.dup_n_grams, "line_punct_thr": t.line_punct_thr,
                "new_line_ratio": t.new_line_ratio, "min_avg_word_length": t.min_avg_word_length,
                "max_avg_word_length": t.max_avg_word_length, "max_non_alpha_words_ratio": t.max_non_alpha_words_ratio,
                "tokenizer": [t.tokenizer.0, t.tokenizer.1], "stopwords": t.stopwords,
                "missing_tokenizer": tamis_text::resolve_language(t.key).missing_tokenizer()});
            println!("{v}");
        }
        return;
    }
    let docs = read_docs();
    if mode == "fineweb2" {
        let preset = tamis_steps::presets::PresetConfig::Fineweb2 {
            language: args[2].clone(),
            glotlid_model: None,
            approximate_tokenizer: args.get(3).is_some_and(|a| a == "approximate"),
        };
        let steps: Vec<_> = preset.expand().unwrap().iter().map(|c| c.build().unwrap()).collect();
        let mut out = BufWriter::new(std::io::stdout().lock());
        let mut counters = Counters::default();
        for doc in docs {
            let mut record = serde_json::Map::new();
            record.insert("id".into(), doc.id.clone().into());
            for step in &steps {
                let tamis_steps::BuiltStep::Document(step) = step else {
                    unreachable!()
                };
                let mut d = doc.clone();
                record.insert(step.name().into(), verdict(step.process(&mut d, &mut counters)).into());
            }
            writeln!(out, "{}", serde_json::Value::Object(record)).unwrap();
        }
        return;
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut counters = Counters::default();
    if mode == "chain" {
        let steps: Vec<Box<dyn Step>> = vec![
            Box::new(GopherRepetitionConfig::default().build().unwrap()),
            Box::new(GopherQualityConfig::default().build().unwrap()),
            Box::new(C4QualityConfig::default().build().unwrap()),
            Box::new(FineWebQualityConfig::default().build().unwrap()),
        ];
        let start = std::time::Instant::now();
        let mut verdicts = Vec::with_capacity(docs.len());
        for mut doc in docs {
            let mut outcome = "keep".to_string();
            for step in &steps {
                let v = step.process(&mut doc, &mut counters);
                if v != Verdict::Keep {
                    outcome = format!("{}:{}", step.name(), verdict(v));
                    break;
                }
            }
            verdicts.push((doc.id, outcome));
        }
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "{} docs in {secs:.3} s: {:.1} docs/s",
            verdicts.len(),
            verdicts.len() as f64 / secs
        );
        for (id, v) in verdicts {
            writeln!(out, "{}", serde_json::json!({"id": id, "verdict": v})).unwrap();
        }
        return;
    }
    let gopher_rep = GopherRepetitionConfig::default().build().unwrap();
    let gopher_q = GopherQualityConfig::default().build().unwrap();
    let c4 = C4QualityConfig::default().build().unwrap();
    let c4_para = C4ParagraphConfig::default().build().unwrap();
    let fineweb = FineWebQualityConfig::default().build().unwrap();
    let badwords = args.get(2).map(|dir| {
        serde_json::from_value::<C4BadWordsConfig>(
            serde_json::json!({"badwords_dir": dir, "fail_on_missing_language": false}),
        )
        .unwrap()
        .build()
        .unwrap()
    });
    for doc in docs {
        let mut record = serde_json::Map::new();
        record.insert("id".into(), doc.id.clone().into());
        let run = |step: &dyn Step, counters: &mut Counters| {
            let mut d = doc.clone();
            let v = step.process(&mut d, counters);
            (verdict(v), d.text)
        };
        record.insert("gopher_repetition".into(), run(&gopher_rep, &mut counters).0.into());
        record.insert("gopher_quality".into(), run(&gopher_q, &mut counters).0.into());
        let (v, text) = run(&c4, &mut counters);
        record.insert("c4_quality".into(), v.clone().into());
        if v == "keep" {
            record.insert("c4_quality_text".into(), text.into());
        }
        record.insert("c4_paragraph".into(), run(&c4_para, &mut counters).0.into());
        record.insert("fineweb_quality".into(), run(&fineweb, &mut counters).0.into());
        if let Some(b) = &badwords {
            record.insert("c4_badwords".into(), run(b, &mut counters).0.into());
        }
        writeln!(out, "{}", serde_json::Value::Object(record)).unwrap();
    }
}
