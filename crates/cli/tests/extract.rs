//! The `extract` step end to end: WARC HTTP responses in, article text and page
//! metadata out; what is not HTML, or has no content, is dropped with its reason.

use crate::util::{documents, gzip_members, warc_record, Dir};

fn response(uri: &str, id: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    block.extend_from_slice(body);
    warc_record("response", uri, id, "application/http; msgtype=response", &block)
}

const ARTICLE: [&str; 3] = [
    "The council approved the new cycling lanes on Tuesday evening after a debate that lasted more than three hours.",
    "Work on the first section, along the river, is to start in spring and should be finished before the summer holidays.",
    "Shop owners on the main street had asked for delivery zones, which the final plan now includes at both ends of the lane.",
];

fn page() -> String {
    let paragraphs: String = ARTICLE.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Cycling lanes approved</title>
<script>var ad = "not content";</script></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/city">City</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article><h1>Cycling lanes approved</h1>
{paragraphs}</article>
<div class="share">Share this article on Facebook</div>
<ul class="related"><li><a href="/a">Bus fares rise again in January, the transport authority says</a></li>
<li><a href="/b">New bridge opens to pedestrians after two years of work</a></li></ul>
<footer>© The City Paper</footer></body></html>"#
    )
}

#[test]
fn html_pages_become_their_article_and_the_rest_is_dropped_with_a_reason() {
    let dir = Dir::new();
    let menu_only = r#"<html><body><nav><a href="/">Home</a> <a href="/about">About</a></nav></body></html>"#;
    let warc = gzip_members(&[
        response(
            "http://example.com/news/lanes",
            "1",
            "text/html; charset=utf-8",
            page().as_bytes(),
        ),
        response(
            "http://example.com/report.pdf",
            "2",
            "application/pdf",
            b"%PDF-1.7\n%binary\n",
        ),
        response("http://example.com/empty", "3", "text/html", menu_only.as_bytes()),
    ]);
    let input = dir.write("in/pages.warc.gz", &warc);
    dir.pipeline(&format!(
        "input: {{ paths: [{input:?}], format: warc }}\n\
         output: {{ path: out/, removed: out/removed/ }}\n\
         steps:\n  - extract: {{}}\n"
    ));
    dir.run_ok(&[]);

    let kept = documents(&dir.path("out"));
    assert_eq!(kept.len(), 1);
    let doc = &kept[0];
    assert_eq!(doc["url"], "http://example.com/news/lanes");
    let lines: Vec<&str> = doc["text"].as_str().unwrap().lines().collect();
    let mut expected = vec!["Cycling lanes approved"];
    expected.extend(ARTICLE);
    assert_eq!(lines, expected);
    assert_eq!(doc["metadata"]["title"], "Cycling lanes approved");
    assert_eq!(doc["metadata"]["html_lang"], "en");
    assert_eq!(doc["metadata"]["content_type"], "text/html");

    let mut removed: Vec<(String, String)> = documents(&dir.path("out/removed"))
        .iter()
        .map(|d| {
            (
                d["url"].as_str().unwrap().to_string(),
                d["removed"]["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    removed.sort();
    assert_eq!(
        removed,
        [
            ("http://example.com/empty".to_string(), "empty".to_string()),
            ("http://example.com/report.pdf".to_string(), "not_html".to_string()),
        ]
    );
    let stats = dir.stats("out");
    let step = &stats["steps"][0];
    assert_eq!(step["dropped"]["not_html"], 1);
    assert_eq!(step["dropped"]["empty"], 1);
    assert!(step["counters"]["html_bytes"].as_u64().unwrap() > 0);
}

/// Pages a step could not handle cost the removed output a short prefix, not
/// more than they cost the input: a compressed body served as HTML would
/// otherwise become megabytes of `\u0000` escapes.
#[test]
fn failed_pages_cost_the_removed_output_a_prefix_and_their_location() {
    let dir = Dir::new();
    let mut noise = Vec::with_capacity(4 << 20);
    let mut state = 0x9e37_79b9_u64;
    while noise.len() < 4 << 20 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        noise.push((state >> 56) as u8);
    }
    let huge = format!("<html><body><p>{}</p></body></html>", "word ".repeat(400_000));
    let records = [
        response(
            "http://x/binary",
            "00000000-0000-0000-0000-000000000001",
            "text/html",
            &noise,
        ),
        response(
            "http://x/huge",
            "00000000-0000-0000-0000-000000000002",
            "text/html",
            huge.as_bytes(),
        ),
        response(
            "http://x/ok",
            "00000000-0000-0000-0000-000000000003",
            "text/html",
            page().as_bytes(),
        ),
    ];
    let input = dir.write("in.warc.gz", &gzip_members(&records));
    dir.pipeline(
        "input: { paths: [in.warc.gz], format: warc }\n\
         output: { path: out/, format: jsonl, removed: out/removed/ }\n\
         steps:\n  - extract: { max_bytes: 1000000 }\n",
    );
    dir.run_ok(&[]);
    let removed = documents(&dir.path("out/removed"));
    assert_eq!(removed.len(), 2);
    for doc in &removed {
        let reason = doc["removed"]["reason"].as_str().unwrap();
        assert!(["binary", "too_large"].contains(&reason), "{reason}");
        assert!(
            doc["text"].as_str().unwrap().len() <= 3 * 1024,
            "{reason}: the text was not cut"
        );
        assert!(doc["metadata"]["removed_text_bytes"].as_u64().unwrap() > 1_000_000);
        assert!(doc["metadata"]["offset"].is_u64() && doc["metadata"]["source"].is_string());
    }
    let removed_bytes: u64 = std::fs::read_dir(dir.path("out/removed"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(removed_bytes < 16 * 1024, "{removed_bytes} bytes of removed output");
    assert!(removed_bytes < std::fs::metadata(input).unwrap().len() / 100);
    assert_eq!(documents(&dir.path("out")).len(), 1);
}

#[test]
fn wet_files_run_through_the_default_pipeline() {
    let dir = Dir::new();
    let example = |name: &str| format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let pipeline = std::fs::read_to_string(example("pipeline.yaml"))
        .unwrap()
        .replace("examples/news.warc.gz", &example("news.warc.wet.gz"))
        .replace("out/example/", "out/");
    dir.pipeline(&pipeline);
    let run = dir.run_ok(&[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!stderr.contains("warning"), "{stderr}");
    let stats = dir.stats("out");
    assert_eq!(stats["steps"][0]["counters"]["passed_through"], 36);
    assert!(stats["kept"].as_u64().unwrap() >= 25, "{stats}");
}

#[test]
fn a_step_that_drops_every_document_is_warned_about() {
    let dir = Dir::new();
    let example = |name: &str| format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    dir.pipeline(&format!(
        "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: out/ }}\nsteps:\n  - extract: {{}}\n  - language: {{ languages: [ja] }}\n",
        example("news.warc.gz")
    ));
    let run = dir.run_ok(&[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("warning: step language dropped every document it saw (36 of 36; wrong_language: 36)"),
        "{stderr}"
    );
}
