//! Bad input never stops a run and never loses a document silently: each case is
//! a counted error with its file and offset, and the other documents go on.

use crate::util::*;
use serde_json::Value;

/// Runs a WARC pipeline over `files` (names in the test dir), returning the kept
/// documents and the stats.
fn run_warc(dir: &Dir, files: &[&str], format: &str, extra_input: &str) -> (Vec<Value>, Value) {
    let paths: Vec<String> = files.iter().map(|f| format!("{f:?}")).collect();
    dir.pipeline(&format!(
        "input: {{ paths: [{}], format: {format}{extra_input} }}\noutput: {{ path: out/ }}\n",
        paths.join(", ")
    ));
    dir.run_ok(&[]);
    (documents(&dir.path("out")), dir.stats("out"))
}

fn error<'a>(stats: &'a Value, kind: &str) -> &'a Value {
    let error = &stats["read"]["errors"][kind];
    assert!(error.is_object(), "no {kind} error in {:#}", stats["read"]);
    error
}

fn ids(docs: &[Value]) -> Vec<String> {
    docs.iter()
        .map(|d| d["url"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn truncated_gzip_is_counted_at_its_member() {
    let dir = Dir::new();
    let members: Vec<Vec<u8>> = (0..3).map(|n| gzip(&wet_record(n, &format!("text {n}")))).collect();
    let mut bytes = [members[0].clone(), members[1].clone()].concat();
    let third_at = bytes.len();
    bytes.extend_from_slice(&members[2][..members[2].len() / 2]);
    dir.write("cut.warc.gz", &bytes);
    dir.write("fine.warc.gz", &gzip(&wet_record(7, "another file goes on")));
    let (docs, stats) = run_warc(&dir, &["cut.warc.gz", "fine.warc.gz"], "warc", "");
    assert_eq!(
        ids(&docs),
        ["http://example.com/0", "http://example.com/1", "http://example.com/7"]
    );
    let truncated = error(&stats, "gzip_truncated");
    assert_eq!(truncated["count"], 1);
    assert_eq!(truncated["samples"][0]["file"], "cut.warc.gz");
    assert_eq!(truncated["samples"][0]["offset"], third_at as u64);
}

#[test]
fn a_corrupt_gzip_member_costs_only_its_record() {
    let dir = Dir::new();
    let mut members: Vec<Vec<u8>> = (0..4)
        .map(|n| gzip(&wet_record(n, &format!("text {n} ").repeat(50))))
        .collect();
    let middle = members[1].len() / 2;
    members[1][middle - 4..middle + 4].fill(0xff);
    let second_at = members[0].len();
    dir.write("corrupt.warc.gz", &members.concat());
    let (docs, stats) = run_warc(&dir, &["corrupt.warc.gz"], "warc", "");
    assert_eq!(
        ids(&docs),
        ["http://example.com/0", "http://example.com/2", "http://example.com/3"]
    );
    let corrupt = error(&stats, "compression_corrupt");
    assert_eq!(corrupt["count"], 1);
    assert_eq!(corrupt["samples"][0]["offset"], second_at as u64);
}

#[test]
fn a_too_long_content_length_does_not_swallow_the_next_record() {
    let dir = Dir::new();
    let good = |n| wet_record(n, &format!("record {n}"));
    let block = b"record 1 claims more bytes than it has";
    let liar = warc_record_with_length(
        "conversion",
        "http://example.com/1",
        "liar",
        "text/plain",
        block,
        block.len() + 40,
    );
    let records = [good(0), liar.clone(), good(2), good(3)];
    dir.write("liar.warc", &records.concat());
    let (docs, stats) = run_warc(&dir, &["liar.warc"], "warc", "");
    assert_eq!(
        ids(&docs),
        ["http://example.com/0", "http://example.com/2", "http://example.com/3"]
    );
    let mismatch = error(&stats, "content_length_mismatch");
    assert_eq!(mismatch["count"], 1);
    assert_eq!(mismatch["samples"][0]["offset"], good(0).len() as u64);
}

#[test]
fn a_too_short_content_length_is_reported_and_reading_resumes() {
    let dir = Dir::new();
    let good = |n| wet_record(n, &format!("record {n}"));
    let block = b"record 1 has more bytes than it claims";
    let liar = warc_record_with_length("conversion", "http://example.com/1", "liar", "text/plain", block, 10);
    let records = [good(0), liar, good(2)];
    dir.write("short.warc.gz", &gzip_members(&records));
    let (docs, stats) = run_warc(&dir, &["short.warc.gz"], "warc", "");
    assert_eq!(ids(&docs), ["http://example.com/0", "http://example.com/2"]);
    let mismatch = error(&stats, "content_length_mismatch");
    assert_eq!(mismatch["samples"][0]["offset"], gzip(&good(0)).len() as u64);
}

#[test]
fn invalid_utf8_is_an_error_in_wet_and_jsonl() {
    let dir = Dir::new();
    let bad_block = b"caf\xe9 au lait";
    let bad = warc_record("conversion", "http://example.com/1", "bad", "text/plain", bad_block);
    dir.write(
        "bad.warc",
        &[wet_record(0, "fine"), bad, wet_record(2, "fine too")].concat(),
    );
    let (docs, stats) = run_warc(&dir, &["bad.warc"], "warc", "");
    assert_eq!(docs.len(), 2);
    assert_eq!(error(&stats, "invalid_utf8")["count"], 1);

    let dir = Dir::new();
    let mut jsonl = jsonl_line("a", "fine").into_bytes();
    let bad_at = jsonl.len();
    jsonl.extend_from_slice(b"{\"id\": \"b\", \"text\": \"caf\xe9\"}\n");
    jsonl.extend_from_slice(jsonl_line("c", "fine").as_bytes());
    dir.write("bad.jsonl", &jsonl);
    let (docs, stats) = run_warc(&dir, &["bad.jsonl"], "jsonl", "");
    assert_eq!(docs.len(), 2);
    let invalid = error(&stats, "invalid_utf8");
    assert_eq!(invalid["samples"][0]["offset"], bad_at as u64);
    assert!(invalid["samples"][0]["detail"].as_str().unwrap().starts_with("line 2"));
}

#[test]
fn a_50_mb_single_line_document_is_skipped_without_stopping_the_run() {
    let dir = Dir::new();
    let huge = "x".repeat(50 << 20);
    let jsonl = [
        jsonl_line("before", "a"),
        jsonl_line("huge", &huge),
        jsonl_line("after", "b"),
    ]
    .concat();
    let huge_at = jsonl_line("before", "a").len();
    dir.write("huge.jsonl.zst", &zstd::encode_all(jsonl.as_bytes(), 1).unwrap());
    let (docs, stats) = run_warc(&dir, &["huge.jsonl.zst"], "jsonl", "");
    let kept: Vec<&str> = docs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(kept, ["before", "after"]);
    let too_large = error(&stats, "record_too_large");
    assert_eq!(too_large["count"], 1);
    assert_eq!(too_large["samples"][0]["offset"], huge_at as u64);

    // With a higher limit, the same document goes through whole.
    let dir2 = Dir::new();
    dir2.write("huge.jsonl", jsonl.as_bytes());
    let (docs, _) = run_warc(&dir2, &["huge.jsonl"], "jsonl", ", max_record_bytes: 60000000");
    assert_eq!(docs[1]["text"].as_str().unwrap().len(), 50 << 20);
}

#[test]
fn an_empty_file_is_counted_and_the_others_go_on() {
    let dir = Dir::new();
    dir.write("empty.warc.gz", b"");
    dir.write("fine.warc", &wet_record(1, "hello"));
    let (docs, stats) = run_warc(&dir, &["empty.warc.gz", "fine.warc"], "warc", "");
    assert_eq!(docs.len(), 1);
    let empty = error(&stats, "empty_file");
    assert_eq!(empty["samples"][0]["file"], "empty.warc.gz");
    assert_eq!(empty["samples"][0]["offset"], 0);
}

#[test]
fn junk_and_missing_text_fields_are_errors() {
    let dir = Dir::new();
    let jsonl = [
        jsonl_line("a", "fine"),
        "not json\n".into(),
        "{\"id\": \"t\", \"text\": 5}\n".into(),
        "\n".into(),
        jsonl_line("b", "fine"),
    ]
    .concat();
    dir.write("mixed.jsonl.gz", &gzip(jsonl.as_bytes()));
    let (docs, stats) = run_warc(&dir, &["mixed.jsonl.gz"], "jsonl", "");
    assert_eq!(docs.len(), 2);
    assert_eq!(error(&stats, "bad_json")["count"], 1);
    assert_eq!(error(&stats, "missing_text")["count"], 1);
}
