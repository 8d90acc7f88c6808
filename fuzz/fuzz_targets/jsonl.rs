//! Any bytes, stored plain, gzipped (one member, or one per line) or
//! zstd-compressed (the first byte chooses), read as JSONL with every line
//! decoded: no panic, an end, at most one record per byte read, no line over
//! `max_record_bytes` (docs/hardening.md).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

/// Where lines start.
fn line_starts(payload: &[u8]) -> Vec<usize> {
    payload
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let (_storage, stored, decompressed) = common::store(data, line_starts);
    common::read_all(stored, decompressed, tamis_read::Format::Jsonl);
});
