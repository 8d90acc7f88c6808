//! Tokenizes JSONL documents from stdin for the parity harness (`bench/quality/tokenizer_parity.py`):
//! each input line `{"id", "lang", "text"}` gives `{"id", "words": [...], "sentences": n}`.

use std::io::{BufRead, BufWriter, Write};
use tamis_text::WordTokenizer;

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line?;
        let doc: serde_json::Value = serde_json::from_str(&line).expect("JSONL input");
        let text = doc["text"].as_str().unwrap_or("");
        let lang = doc["lang"].as_str().unwrap_or("en");
        let tok = WordTokenizer::for_language(lang);
        let words = tok.word_tokenize(text);
        let record = serde_json::json!({"id": doc["id"], "words": words, "sentences": tok.sentence_count(text)});
        writeln!(out, "{record}")?;
    }
    Ok(())
}
