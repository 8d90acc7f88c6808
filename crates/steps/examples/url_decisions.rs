//! `url_decisions CONFIG_JSON < urls.jsonl`: the `url_filter` verdict for each `{"url"}` line, as
//! `{"verdict": "keep"|reason}` (for `bench/quality/url_parity.py`).

use std::io::{BufRead, BufWriter, Write};
use tamis_api::{Counters, Document, Step, Verdict};
use tamis_steps::url_filter::UrlFilterConfig;

fn main() {
    let config: UrlFilterConfig = serde_json::from_str(&std::env::args().nth(1).expect("config JSON")).expect("config");
    let step = config.build().expect("build");
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in std::io::stdin().lock().lines() {
        let v: serde_json::Value = serde_json::from_str(&line.expect("stdin")).expect("JSONL");
        let mut doc = Document::new("x", "");
        doc.url = v["url"].as_str().map(str::to_string);
        let verdict = match step.process(&mut doc, &mut Counters::default()) {
            Verdict::Keep => "keep",
            Verdict::Drop(r) => r.as_str(),
        };
        writeln!(out, "{}", serde_json::json!({ "verdict": verdict })).unwrap();
    }
}
