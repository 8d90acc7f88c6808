//! Any bytes, stored plain, gzipped (one member, or one per record) or
//! zstd-compressed (the first byte chooses), read as WARC with every document
//! decoded: no panic, an end, at most one record per byte read, no document
//! over `max_record_bytes`, offsets inside the file (docs/hardening.md).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

/// Where records start: at each `WARC/1.`.
fn record_starts(payload: &[u8]) -> Vec<usize> {
    memchr_all(payload, b"WARC/1.")
}

fn memchr_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let (_storage, stored, decompressed) = common::store(data, record_starts);
    common::read_all(stored, decompressed, tamis_read::Format::Warc);
});
