//! Every file of the public WARC samples (`../shared/data/warc-samples`, real
//! Common Crawl WARC/WET/WAT records and the warcio/jwarc edge cases) read in
//! one run: nothing crashes, everything is accounted for, and each file gives the
//! documents and errors it should. The data set is not in the repository, so
//! these tests are opt-in (`cargo test -- --ignored`, as `.ci/run` does); set
//! TAMIS_WARC_SAMPLES to its path if it is not beside the checkout. The
//! default suite covers the same reader paths with generated fixtures
//! (`bad_input.rs`, the read crate's own tests).

use crate::util::*;
use serde_json::Value;
use std::path::PathBuf;

fn samples_dir() -> PathBuf {
    let dir = std::env::var_os("TAMIS_WARC_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/warc-samples"));
    assert!(
        dir.is_dir(),
        "WARC samples not found at {}: set TAMIS_WARC_SAMPLES",
        dir.display()
    );
    dir
}

/// Read errors by kind, with their counts.
type Errors = &'static [(&'static str, u64)];

/// (file, documents, read errors) for each sample.
const EXPECTED: &[(&str, usize, Errors)] = &[
    ("chatnoir-eu__chatnoir-resiliparse/block-sized-records.warc.gz", 0, &[]),
    (
        "chatnoir-eu__chatnoir-resiliparse/clipped.warc.gz",
        0,
        &[("gzip_truncated", 1)],
    ),
    ("chatnoir-eu__chatnoir-resiliparse/clueweb-quirk.warc.gz", 29, &[]),
    ("chatnoir-eu__chatnoir-resiliparse/warcfile.warc.gz", 16, &[]),
    ("commoncrawl__whirlwind-python/whirlwind.warc.gz", 1, &[]),
    ("commoncrawl__whirlwind-python/whirlwind.warc.wat.gz", 0, &[]),
    ("commoncrawl__whirlwind-python/whirlwind.warc.wet.gz", 1, &[]),
    // Synthetic WET records whose Content-Length is off by one byte.
    (
        "facebookresearch__cc_net/sample.warc.txt",
        0,
        &[("content_length_mismatch", 4)],
    ),
    ("iipc__jwarc/cc.warc.gz", 1, &[]),
    ("iipc__jwarc/gzip_extra_sl.warc.gz", 0, &[]),
    ("webrecorder__warcio/bad.arc", 0, &[("not_warc", 1)]),
    ("webrecorder__warcio/example-bad-non-chunked.warc.gz", 1, &[]),
    ("webrecorder__warcio/example-bad.warc.gz.bad", 2, &[]),
    ("webrecorder__warcio/example-digest.warc", 0, &[]),
    ("webrecorder__warcio/example-iana.org-chunked.warc", 1, &[]),
    ("webrecorder__warcio/example-resource.warc.gz", 1, &[]),
    ("webrecorder__warcio/example-space-in-target-uri.warc.gz", 1, &[]),
    ("webrecorder__warcio/example-space-in-url.arc", 0, &[("not_warc", 1)]),
    (
        "webrecorder__warcio/example-trunc.warc",
        0,
        &[("content_length_mismatch", 1)],
    ),
    ("webrecorder__warcio/example-wget-bad-target-uri.warc.gz", 3, &[]),
    (
        "webrecorder__warcio/example-wrong-chunks.warc.gz",
        0,
        &[("content_length_mismatch", 1)],
    ),
    ("webrecorder__warcio/example.arc", 0, &[("not_warc", 1)]),
    ("webrecorder__warcio/example.arc.gz", 0, &[("not_warc", 1)]),
    ("webrecorder__warcio/example.warc", 1, &[]),
    ("webrecorder__warcio/example.warc.gz", 1, &[]),
    ("webrecorder__warcio/post-test.warc.gz", 3, &[]),
];

fn run_one(sample: &str) -> (Vec<Value>, Value) {
    let dir = Dir::new();
    let path = samples_dir().join(sample);
    dir.pipeline(&format!(
        "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: out/ }}\n",
        path
    ));
    dir.run_ok(&["--workers", "1"]);
    (documents(&dir.path("out")), dir.stats("out"))
}

#[test]
#[ignore = "needs the public WARC samples (../shared/data/warc-samples)"]
fn every_sample_is_read_and_accounted_for() {
    let dir = samples_dir();
    let mut on_disk: Vec<String> = Vec::new();
    for folder in std::fs::read_dir(&dir).unwrap() {
        let folder = folder.unwrap().path();
        if folder.is_dir() {
            for file in std::fs::read_dir(&folder).unwrap() {
                let file = file.unwrap().path();
                on_disk.push(file.strip_prefix(&dir).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    on_disk.sort();
    let listed: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(on_disk, listed, "a sample file is not covered by this test");

    for (sample, documents, errors) in EXPECTED {
        let (docs, stats) = run_one(sample);
        assert_eq!(docs.len(), *documents, "{sample}: documents");
        let found: Vec<(String, u64)> = stats["read"]["errors"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(kind, e)| (kind.clone(), e["count"].as_u64().unwrap()))
            .collect();
        let wanted: Vec<(String, u64)> = errors.iter().map(|(k, n)| (k.to_string(), *n)).collect();
        assert_eq!(found, wanted, "{sample}: errors");
        for error in stats["read"]["errors"].as_object().unwrap().values() {
            assert!(
                error["samples"][0]["file"].as_str().unwrap().ends_with(sample),
                "{sample}: error location"
            );
        }
    }
}

#[test]
#[ignore = "needs the public WARC samples (../shared/data/warc-samples)"]
fn common_crawl_records_carry_their_headers() {
    let (docs, stats) = run_one("commoncrawl__whirlwind-python/whirlwind.warc.gz");
    let doc = &docs[0];
    assert_eq!(doc["url"], "https://an.wikipedia.org/wiki/Escopete");
    assert_eq!(doc["metadata"]["http_status"], 200);
    assert_eq!(doc["metadata"]["content_type"], "text/html");
    assert_eq!(doc["metadata"]["charset"], "UTF-8");
    assert!(doc["metadata"]["warc_date"].as_str().unwrap().starts_with("2024-"));
    assert_eq!(doc["id"], doc["metadata"]["warc_record_id"]);
    assert!(doc["text"].as_str().unwrap().contains("Escopete"));
    assert_eq!(stats["read"]["skipped"]["request"], 1);
    assert_eq!(stats["read"]["skipped"]["metadata"], 1);

    let (docs, _) = run_one("commoncrawl__whirlwind-python/whirlwind.warc.wet.gz");
    assert_eq!(docs[0]["url"], "https://an.wikipedia.org/wiki/Escopete");
    assert!(docs[0]["text"].as_str().unwrap().contains("Escopete"));
    assert_eq!(docs[0]["metadata"]["warc_type"], "conversion");

    let (_, stats) = run_one("commoncrawl__whirlwind-python/whirlwind.warc.wat.gz");
    assert_eq!(stats["read"]["skipped"]["metadata"], 1);
}

#[test]
#[ignore = "needs the public WARC samples (../shared/data/warc-samples)"]
fn chunked_and_resource_records_are_decoded() {
    let (docs, _) = run_one("webrecorder__warcio/example-iana.org-chunked.warc");
    let text = docs[0]["text"].as_str().unwrap();
    assert!(
        text.trim_start().starts_with("<!doctype html>") || text.trim_start().starts_with("<!DOCTYPE html>"),
        "{}",
        &text[..80]
    );
    let (docs, _) = run_one("webrecorder__warcio/example-resource.warc.gz");
    assert_eq!(docs[0]["metadata"]["warc_type"], "resource");
}
