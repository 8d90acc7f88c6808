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
