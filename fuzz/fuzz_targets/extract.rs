//! Any bytes, decoded lossily, must extract without panicking, within the
//! limits the options set: the node budget (nodes built by the parse, at most
//! `node_budget` of the bytes parsed) and the time budget (checked inside the
//! parse, so a page ends within a small multiple of it). Run with
//! `-rss_limit_mb=2048` so that amplification that escapes the node budget
//! is a crash too (docs/extraction.md, "Fuzzing").
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};

/// Short, so that inputs that run out of it (most mutations of the hostile
/// seeds) cost the fuzzer little.
const TIME_BUDGET: Duration = Duration::from_millis(100);

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let options = tamis_extract::Options {
        max_depth: 256,
        time_budget: Some(TIME_BUDGET),
        ..tamis_extract::Options::default()
    };
    let started = Instant::now();
    let extracted = tamis_extract::extract(&html, &options);
    let elapsed = started.elapsed();
    // Ten times the budget, plus 10 µs a byte for the work no clock watches,
    // linear in the input (cutting scripts, tokenizing one long token: a
    // 260 KB unclosed comment takes 3.5 ms, 0.7 s under AddressSanitizer on
    // a loaded machine); amplification goes far past it, and the fuzzer's
    // `-timeout` catches what goes further.
    let bound = 10 * TIME_BUDGET + Duration::from_micros(10 * data.len() as u64);
    assert!(elapsed < bound, "extraction took {elapsed:?}");
    if let Ok(page) = extracted {
        // Extraction never invents text: the output is bounded by the input.
        assert!(page.text.len() <= html.len() * 4 + 16);
    }
    let cost = tamis_extract::debug_parse_cost(&html, &options);
    // A template element and its contents are created together.
    assert!(
        cost.nodes <= cost.node_budget + 2,
        "{} nodes built, budget {}",
        cost.nodes,
        cost.node_budget
    );
    let _ = tamis_extract::looks_like_html(&html);
    let _ = tamis_extract::looks_binary(&html);
});
