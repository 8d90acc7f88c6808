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
    let members: Vec<Vec<u8>> = (0..4)
        .map(|n| gzip(&wet_record(n, &format!("text {n} ").repeat(50))))
        .collect();
    let second_at = members[0].len();
    // Damage inside the compressed data, and a bad CRC (found only after the
    // member's last byte, right where the next member starts).
    let mut damaged = members[1].clone();
    let middle = damaged.len() / 2;
    damaged[middle - 4..middle + 4].fill(0xff);
    let mut bad_crc = members[1].clone();
    let crc_at = bad_crc.len() - 8;
    bad_crc[crc_at] ^= 1;
    for bad in [damaged, bad_crc] {
        let dir = Dir::new();
        dir.write(
            "corrupt.warc.gz",
            &[&members[0][..], &bad, &members[2], &members[3]].concat(),
        );
        let (docs, stats) = run_warc(&dir, &["corrupt.warc.gz"], "warc", "");
        assert_eq!(
            ids(&docs),
            ["http://example.com/0", "http://example.com/2", "http://example.com/3"]
        );
        let corrupt = error(&stats, "compression_corrupt");
        assert_eq!(corrupt["count"], 1);
        assert_eq!(corrupt["samples"][0]["offset"], second_at as u64);
    }
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
fn a_content_length_past_the_end_of_the_file_does_not_swallow_the_records_after_it() {
    let good = |n| wet_record(n, &format!("record {n}"));
    let block = b"record 1 claims more bytes than the file has";
    // Under the record size limit (the block is read, then searched) and
    // over it (the block is skipped, and the skip stops at the next record).
    for claimed in [100_000, 10_000_000_000] {
        let liar = warc_record_with_length(
            "conversion",
            "http://example.com/1",
            "liar",
            "text/plain",
            block,
            claimed,
        );
        let records = [good(0), liar, good(2), good(3)];
        for (name, bytes) in [
            ("liar.warc", records.concat()),
            ("liar.warc.gz", gzip_members(&records)),
            ("whole.warc.gz", gzip(&records.concat())),
        ] {
            let dir = Dir::new();
            dir.write(name, &bytes);
            let (docs, stats) = run_warc(&dir, &[name], "warc", "");
            assert_eq!(
                ids(&docs),
                ["http://example.com/0", "http://example.com/2", "http://example.com/3"],
                "{name}, Content-Length {claimed}"
            );
            let errors = &stats["read"]["errors"];
            assert_eq!(errors.as_object().unwrap().len(), 1, "{errors}");
            let mismatch = error(&stats, "content_length_mismatch");
            assert_eq!(mismatch["count"], 1);
            let offset = if name == "liar.warc.gz" {
                gzip(&good(0))
            } else {
                good(0)
            }
            .len();
            assert_eq!(mismatch["samples"][0]["offset"], offset as u64, "{name}");
        }
    }
}

/// The record at `offset` of a stored WARC file: a gzip member starting
/// there, or plain bytes.
fn record_at(file: &[u8], offset: u64) -> Vec<u8> {
    use std::io::Read;
    let rest = &file[offset as usize..];
    if rest.starts_with(&[0x1f, 0x8b]) {
        let mut record = Vec::new();
        flate2::read::GzDecoder::new(rest).read_to_end(&mut record).unwrap();
        record
    } else {
        rest.to_vec()
    }
}

#[test]
fn every_offset_finds_its_record_again_in_every_file_of_a_task() {
    let dir = Dir::new();
    let example = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/news.warc.gz")).unwrap();
    dir.write("a.warc.gz", &example);
    dir.write("b.warc.gz", &example);
    let records: Vec<Vec<u8>> = (0..3).map(|n| wet_record(n, &format!("line {n}"))).collect();
    dir.write("c.warc", &records.concat());
    let (docs, _) = run_warc(&dir, &["a.warc.gz", "b.warc.gz", "c.warc"], "warc", "");
    assert!(docs.len() > 6, "{} documents", docs.len());
    for source in ["a.warc.gz", "b.warc.gz", "c.warc"] {
        let file = std::fs::read(dir.path(source)).unwrap();
        let of_source: Vec<&Value> = docs.iter().filter(|d| d["metadata"]["source"] == source).collect();
        assert!(!of_source.is_empty(), "no document from {source}");
        for doc in of_source {
            let offset = doc["metadata"]["offset"].as_u64().unwrap();
            assert!(offset < file.len() as u64, "{source}: offset {offset} past the end");
            let record = record_at(&file, offset);
            let head = String::from_utf8_lossy(&record[..record.len().min(2048)]).into_owned();
            assert!(head.starts_with("WARC/1."), "{source}@{offset}: {head:.80}");
            let id = doc["metadata"]["warc_record_id"].as_str().unwrap();
            assert!(head.contains(id), "{source}@{offset} is not {id}");
        }
    }
}

#[test]
fn a_truncated_zstd_file_is_counted_as_such() {
    let dir = Dir::new();
    let jsonl: String = (0..2000)
        .map(|n| jsonl_line(&format!("d{n}"), &format!("text {n} ").repeat(20)))
        .collect();
    let compressed = zstd::encode_all(jsonl.as_bytes(), 3).unwrap();
    dir.write("cut.jsonl.zst", &compressed[..compressed.len() / 2]);
    let (docs, stats) = run_warc(&dir, &["cut.jsonl.zst"], "jsonl", "");
    assert!(!docs.is_empty() && docs.len() < 2000, "{}", docs.len());
    assert_eq!(error(&stats, "zstd_truncated")["count"], 1);
    assert!(stats["read"]["errors"].get("gzip_truncated").is_none());
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

/// A panic while encoding a document (a bug a failpoint places there) costs
/// that document only: it is counted, with its id, as not written, in the
/// output it was going to (kept or removed), and the run goes on.
#[test]
fn a_panic_while_writing_a_document_costs_that_document_only() {
    let texts = synthetic_site(6);
    let lines: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| jsonl_line(&format!("d{i}"), t))
        .collect();
    let short = jsonl_line("short", "Too short to keep.");
    for (format, victim, output) in [
        ("jsonl", "d2", "kept"),
        ("parquet", "d2", "kept"),
        ("jsonl", "short", "removed"),
    ] {
        let dir = Dir::new();
        dir.write("in/a.jsonl", format!("{lines}{short}").as_bytes());
        dir.pipeline(&format!(
            "input: {{ paths: [in/], format: jsonl }}\n\
             output: {{ path: out/, format: {format}, removed: removed/ }}\n\
             steps:\n  - gopher_quality: {{}}\n"
        ));
        let run = dir.tamis_with_env(
            &["run", "pipeline.yaml", "--quiet"],
            &[("TAMIS_FAILPOINT", &format!("write.encode:{victim}"))],
        );
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{format}: {stderr}");
        let stats = dir.stats("out");
        let unwritten = &stats["write"]["unwritten"][output];
        assert_eq!(unwritten["count"], 1, "{format}, {output}: {:#}", stats);
        let detail = unwritten["samples"][0]["detail"].as_str().unwrap();
        assert!(detail.contains(&format!("{victim:?}")), "{detail}");
        let ids_in = |name: &str| -> Vec<String> {
            let jsonl = if format == "parquet" {
                let back = format!("{name}-back");
                dir.pipeline(&format!(
                    "input: {{ paths: [{name}/], format: parquet }}\noutput: {{ path: {back}/ }}\n"
                ));
                dir.run_ok(&[]);
                back
            } else {
                name.to_string()
            };
            documents(&dir.path(&jsonl))
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_string())
                .collect()
        };
        let (kept, removed) = (ids_in("out"), ids_in("removed"));
        let expected_kept: Vec<String> = (0..6)
            .map(|i| format!("d{i}"))
            .filter(|id| output != "kept" || id != victim)
            .collect();
        assert_eq!(kept, expected_kept, "{format}");
        assert_eq!(stats["kept"], expected_kept.len(), "{format}");
        let expected_removed: Vec<&str> = if output == "removed" { vec![] } else { vec!["short"] };
        assert_eq!(removed, expected_removed, "{format}");
    }
}
