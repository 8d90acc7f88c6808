//! Times MinHash signatures on one thread: `signatures FILE.jsonl` (a `text`
//! field per line). Prints JSON: documents, bytes, seconds.

use std::io::BufRead;
use std::time::Instant;
use tamis_dedup::{Minhasher, SignatureConfig};

fn main() {
    let path = std::env::args().nth(1).expect("usage: signatures FILE.jsonl");
    let file = std::io::BufReader::new(std::fs::File::open(path).expect("input"));
    let texts: Vec<String> = file
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(&line.expect("line")).expect("json");
            value["text"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    let hasher = Minhasher::with_text_words(SignatureConfig::default());
    let mut signature = Vec::new();
    let mut checksum = 0u64;
    let started = Instant::now();
    for text in &texts {
        hasher.signature(text, &mut signature);
        checksum ^= signature.first().copied().unwrap_or(0);
    }
    let seconds = started.elapsed().as_secs_f64();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{}",
        serde_json::json!({"documents": texts.len(), "bytes": bytes, "seconds": seconds, "checksum": checksum})
    );
}
