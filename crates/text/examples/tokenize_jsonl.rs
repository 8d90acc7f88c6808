//! Tokenizes JSONL documents from stdin for the parity harness (`bench/quality/tokenizer_parity.py`):
//! each input line `{"id", "lang", "text"}` gives `{"id", "words": [...], "sentences": n}`.
//! With `--simplify`, `{"id", "simplified"}`: datatrove's `simplify_text` (`simplify_parity.py`).
//! With `--bench`, only times `word_tokenize` over all documents (read first) and prints
//! words per second (`bench/quality/bench_tokenizer.py`).

use std::io::{BufRead, BufWriter, Write};
use tamis_text::WordTokenizer;

fn main() -> std::io::Result<()> {
    if std::env::args().any(|a| a == "--bench") {
        return bench();
    }
    let simplify = std::env::args().any(|a| a == "--simplify");
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line?;
        let doc: serde_json::Value = serde_json::from_str(&line).expect("JSONL input");
        let text = doc["text"].as_str().unwrap_or("");
        let lang = doc["lang"].as_str().unwrap_or("en");
        if simplify {
            let record = serde_json::json!({"id": doc["id"], "simplified": tamis_text::normalize::simplify_text(text)});
            writeln!(out, "{record}")?;
            continue;
        }
        let tok = WordTokenizer::for_language(lang);
        let words = tok.word_tokenize(text);
        let record = serde_json::json!({"id": doc["id"], "words": words, "sentences": tok.sentence_count(text)});
        writeln!(out, "{record}")?;
    }
    Ok(())
}

fn bench() -> std::io::Result<()> {
    let docs: Vec<(String, String)> = std::io::stdin()
        .lock()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("stdin")).expect("JSONL");
            (
                v["lang"].as_str().unwrap_or("en").to_string(),
                v["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // Compile each language's rules before timing (once per process in a run).
    for (lang, _) in &docs {
        WordTokenizer::for_language(lang).word_tokenize("warm up.");
    }
    let start = std::time::Instant::now();
    let mut words = 0;
    for (lang, text) in &docs {
        words += WordTokenizer::for_language(lang).word_tokenize(text).len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"docs": docs.len(), "words": words, "seconds": secs})
    );
    Ok(())
}
