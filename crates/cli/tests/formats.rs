//! Readers and writers end to end: compression, field mapping, rollover, the
//! removed documents.

use crate::util::*;

#[test]
fn jsonl_fields_map_to_documents_and_round_trip() {
    let dir = Dir::new();
    let line = serde_json::json!({"doc_id": 7, "content": "hello", "link": "http://x", "lang": "en", "metadata": {"score": 0.5}});
    dir.write("in.jsonl", format!("{line}\n").as_bytes());
    dir.pipeline("input: { paths: [in.jsonl], format: jsonl, text_field: content, id_field: doc_id, url_field: link }\noutput: { path: out/, format: jsonl.zst }\n");
    dir.run_ok(&[]);
    let docs = documents(&dir.path("out"));
    assert_eq!(
        docs,
        [serde_json::json!({"id": "7", "text": "hello", "url": "http://x", "metadata": {"score": 0.5, "lang": "en"}})]
    );

    // tamis's output reads back as the same documents.
    let first = jsonl_files(&dir.path("out"))[0].clone();
    std::fs::rename(&first, dir.path("again.jsonl.zst")).unwrap();
    dir.pipeline("input: { paths: [again.jsonl.zst], format: jsonl }\noutput: { path: out2/, format: jsonl.gz }\n");
    dir.run_ok(&[]);
    assert_eq!(documents(&dir.path("out2")), docs);
}

#[test]
fn outputs_are_named_after_their_shard_and_roll_over() {
    let dir = Dir::new();
    let lines: String = (0..100)
        .map(|i| jsonl_line(&format!("d{i}"), &"text ".repeat(40)))
        .collect();
    dir.write("CC-MAIN-0001.jsonl.gz", &gzip(lines.as_bytes()));
    dir.pipeline("input: { paths: [CC-MAIN-0001.jsonl.gz], format: jsonl }\noutput: { path: out/, format: jsonl.gz, max_file_bytes: 5000 }\n");
    dir.run_ok(&[]);
    let files = jsonl_files(&dir.path("out"));
    assert!(files.len() > 3, "{files:?}");
    assert!(files[0].ends_with("CC-MAIN-0001_00000.jsonl.gz"));
    let ids: Vec<String> = documents(&dir.path("out"))
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, (0..100).map(|i| format!("d{i}")).collect::<Vec<_>>());
}

#[test]
fn removed_documents_carry_step_and_reason() {
    let dir = Dir::new();
    let lines: String = ["nav\nfooter", "nav\nfooter\nreal text", "nav\nanother page"]
        .iter()
        .enumerate()
        .map(|(i, t)| jsonl_line(&i.to_string(), t))
        .collect();
    dir.write("site.jsonl", lines.as_bytes());
    dir.pipeline("input: { paths: [site.jsonl], format: jsonl }\noutput: { path: out/, removed: removed/ }\nsteps:\n  - line_dedup: {}\n");
    dir.run_ok(&[]);
    let kept = documents(&dir.path("out"));
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0]["text"], "real text");
    let removed = documents(&dir.path("removed"));
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["id"], "0");
    assert_eq!(
        removed[0]["removed"],
        serde_json::json!({"step": "line_dedup", "reason": "empty"})
    );
    let stats = dir.stats("out");
    assert_eq!(stats["steps"][0]["dropped"]["empty"], 1);
}

#[test]
fn the_null_format_writes_no_documents_but_counts_them() {
    let dir = Dir::new();
    dir.write("a.jsonl", jsonl_line("a", "x").as_bytes());
    dir.pipeline("input: { paths: [a.jsonl], format: jsonl }\noutput: { path: out/, format: null }\n");
    dir.run_ok(&[]);
    assert!(jsonl_files(&dir.path("out")).is_empty());
    assert_eq!(dir.stats("out")["kept"], 1);
}

#[test]
fn shard_steps_chain_through_their_spills() {
    let dir = Dir::new();
    let lines: String = synthetic_site(40)
        .iter()
        .enumerate()
        .map(|(i, text)| jsonl_line(&format!("p{i}"), text))
        .collect();
    dir.write("site.jsonl", lines.as_bytes());
    dir.pipeline("input: { paths: [site.jsonl], format: jsonl }\noutput: { path: out/, format: jsonl.zst }\nsteps:\n  - line_dedup: { min_docs: 30 }\n  - line_dedup: { min_docs: 2 }\n");
    dir.run_ok(&[]);
    let stats = dir.stats("out");
    // The call to action is on all 40 pages: the first pass takes it; the menu
    // entries are on about 13 pages each: the second pass takes them.
    assert_eq!(stats["steps"][0]["counters"]["lines_removed"], 40);
    assert_eq!(stats["steps"][1]["counters"]["lines_removed"], 40 * 4);
    let docs = documents(&dir.path("out"));
    assert_eq!(docs.len(), 40);
    assert!(docs
        .iter()
        .all(|d| d["text"].as_str().unwrap().lines().all(|l| l.starts_with("Page "))));
    assert_eq!(
        docs[1]["text"],
        "Page b paragraph a: its own text\nPage b paragraph b: its own text\nPage b paragraph c: its own text"
    );
    assert!(!dir.path("out/.staging-00000").exists(), "spills are cleaned up");
}
