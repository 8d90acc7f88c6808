//! Runs extraction on the hostile pages of `tests/support/hostile_pages.rs`
//! (all, or those named on the command line) and prints, for each: its size,
//! the nodes the parse built against the node budget, the outcome and the
//! time. Peak memory per page: run one page at a time under
//! `/usr/bin/time -v` (see docs/extraction.md, "Hardening").
//!
//! `HOSTILE_BYTES=N`: pages of about N bytes instead of their default size;
//! `TIME_BUDGET_MS=N`: another time budget (0: none); `HOSTILE_NODES=0`: no
//! second parse to count the nodes (for peak memory: the allocator does not
//! give the first parse's memory back, so the second adds to the peak).
//!
//! `hostile --seeds DIR`: writes each page, 256 KB long, to `DIR/<name>.html`
//! (fuzzing seeds).
use std::time::Instant;

#[path = "../tests/support/hostile_pages.rs"]
mod hostile_pages;

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, dir] = &wanted[..] {
        if flag == "--seeds" {
            for (name, _, build) in hostile_pages::all() {
                let path = std::path::Path::new(dir).join(format!("{name}.html"));
                std::fs::write(&path, build(256 << 10)).expect("writable seed folder");
            }
            return;
        }
    }
    // `TIME_BUDGET_MS=0`: no time budget (the node budget alone).
    let time_budget = std::env::var("TIME_BUDGET_MS").ok().and_then(|v| v.parse().ok());
    let options = tamis_extract::Options {
        time_budget: match time_budget {
            Some(0) => None,
            Some(ms) => Some(std::time::Duration::from_millis(ms)),
            None => tamis_extract::Options::default().time_budget,
        },
        ..tamis_extract::Options::default()
    };
    let count_nodes = std::env::var("HOSTILE_NODES").map_or(true, |v| v != "0");
    // `HOSTILE_BYTES=N`: pages of N bytes instead of their default size.
    let size = std::env::var("HOSTILE_BYTES").ok().and_then(|v| v.parse().ok());
    for (name, bytes, build) in hostile_pages::all() {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == name) {
            continue;
        }
        let html = build(size.unwrap_or(bytes));
        let started = Instant::now();
        let outcome = tamis_extract::extract(&html, &options);
        let elapsed = started.elapsed();
        let outcome = match outcome {
            Ok(page) => format!("kept ({} bytes of text)", page.text.len()),
            Err(e) => format!("{e:?}"),
        };
        let nodes = if count_nodes {
            let cost = tamis_extract::debug_parse_cost(&html, &options);
            format!(
                "parsed {} bytes, {} nodes (budget {}, {:?}), ",
                cost.parsed_bytes, cost.nodes, cost.node_budget, cost.stopped
            )
        } else {
            String::new()
        };
        println!(
            "{name}: {} bytes, {nodes}{outcome} in {:.3} s",
            html.len(),
            elapsed.as_secs_f64()
        );
    }
}
