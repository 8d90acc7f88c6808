//! `cargo run --release -p tamis-tokens --example count_tokens -- DOCS.jsonl [--runs N] [--counts OUT]`
//!
//! Counts the GPT-2 tokens of the `text` of every line of DOCS.jsonl on one thread, for
//! `bench/tokens.py`: prints one JSON object with the documents, bytes, tokens and the
//! best time of `--runs` passes over the texts held in memory (reading and parsing
//! the file are not timed); `--counts OUT` writes one count per line.
use std::io::{BufRead, Write};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut path = None;
    let (mut runs, mut counts_out) = (1usize, None);
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--runs" => {
                runs = args[i + 1].parse().expect("--runs N");
                i += 1;
            }
            "--counts" => {
                counts_out = Some(args[i + 1].clone());
                i += 1;
            }
            other => path = Some(other.to_string()),
        }
        i += 1;
    }
    let path = path.expect("usage: count_tokens DOCS.jsonl [--runs N] [--counts OUT]");
    let file = std::io::BufReader::new(std::fs::File::open(&path).expect("open DOCS.jsonl"));
    let texts: Vec<String> = file
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(&line.expect("read")).expect("JSON line");
            value["text"].as_str().expect("a text field").to_string()
        })
        .collect();
    let started = Instant::now();
    let gpt2 = tamis_tokens::gpt2();
    let load_seconds = started.elapsed().as_secs_f64();
    let mut best = f64::INFINITY;
    let mut counts = Vec::new();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        counts = texts.iter().map(|text| gpt2.count(text)).collect();
        best = best.min(started.elapsed().as_secs_f64());
    }
    if let Some(out) = counts_out {
        let mut out = std::io::BufWriter::new(std::fs::File::create(out).expect("create --counts"));
        for count in &counts {
            writeln!(out, "{count}").expect("write");
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{}",
        serde_json::json!({
            "documents": texts.len(),
            "bytes": bytes,
            "tokens": counts.iter().sum::<usize>(),
            "seconds": best,
            "load_seconds": load_seconds,
        })
    );
}
