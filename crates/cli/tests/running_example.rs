//! The running example (DESIGN.md): the seed page keeps its article and loses its
//! chrome once `line_dedup` has seen the rest of its site's shard.

use crate::hay::{SEED_ARTICLE, SEED_CHROME};
use crate::util::{documents, Dir};

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn seed_keeps_its_article_and_loses_its_chrome() {
    let dir = Dir::new();
    dir.pipeline(&format!(
        "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: out/, format: jsonl.gz, removed: out/removed/ }}\nsteps:\n  - line_dedup: {{}}\n",
        example("news.warc.wet.gz")
    ));
    dir.run_ok(&[]);
    let docs = documents(&dir.path("out"));
    let seed = docs
        .iter()
        .find(|d| d["url"] == "http://french.example-news.cn/2020/0228/c31356-9663040.html")
        .expect("the seed page is kept");
    let text = seed["text"].as_str().unwrap();
    for paragraph in SEED_ARTICLE {
        assert!(text.lines().any(|l| l == paragraph), "lost: {paragraph}\n---\n{text}");
    }
    for doc in &docs {
        let text = doc["text"].as_str().unwrap();
        for chrome in SEED_CHROME {
            assert!(
                !text.lines().any(|l| l == chrome),
                "kept chrome {chrome:?} in {}",
                doc["url"]
            );
        }
    }
    assert_eq!(seed["metadata"]["warc_type"], "conversion");
    assert_eq!(seed["metadata"]["warc_identified_content_language"], "fra");
    let stats = dir.stats("out");
    assert_eq!(stats["read"]["documents"], 36);
    assert_eq!(stats["read"]["skipped"]["warcinfo"], 1);
    assert!(stats["steps"][0]["counters"]["lines_removed"].as_u64().unwrap() > 300);
}

#[test]
fn the_default_pipeline_turns_the_seed_page_into_its_article() {
    let dir = Dir::new();
    let pipeline = std::fs::read_to_string(example("pipeline.yaml")).unwrap();
    let pipeline = pipeline
        .replace("examples/news", &example("news"))
        .replace("out/example/", "out/");
    dir.pipeline(&pipeline);
    dir.run_ok(&[]);
    let kept = documents(&dir.path("out"));
    assert_eq!(kept.len(), 30);
    for doc in &kept {
        assert_eq!(doc["metadata"]["language"], "fr", "{}", doc["url"]);
        assert!(
            doc["metadata"]["language_score"].as_f64().unwrap() > 0.9,
            "{}",
            doc["url"]
        );
    }
    // From the HTML: the headline, then the article's paragraphs, and nothing else.
    let seed = kept
        .iter()
        .find(|d| d["url"] == "http://french.example-news.cn/2020/0228/c31356-9663040.html")
        .expect("the seed page is kept");
    let lines: Vec<&str> = seed["text"].as_str().unwrap().lines().collect();
    assert_eq!(lines[1..], SEED_ARTICLE, "{lines:#?}");
    assert_eq!(
        seed["metadata"]["title"].as_str().map(|t| t.contains(lines[0])),
        Some(true)
    );
    for doc in &kept {
        for chrome in SEED_CHROME {
            assert!(
                !doc["text"].as_str().unwrap().lines().any(|l| l == chrome),
                "{chrome:?} in {}",
                doc["url"]
            );
        }
    }
    let removed = documents(&dir.path("out/removed"));
    let mut languages: Vec<&str> = removed
        .iter()
        .inspect(|d| assert_eq!(d["removed"]["reason"], "wrong_language"))
        .map(|d| d["metadata"]["language"].as_str().unwrap())
        .collect();
    languages.sort();
    assert_eq!(languages, ["de", "en", "en", "es", "ru", "zh"]);
    let stats = dir.stats("out");
    assert_eq!(stats["steps"][1]["dropped"]["wrong_language"], 6);
    // Where each language's documents went.
    assert_eq!(stats["output"]["languages"]["fr"], 30);
    let by_language = &stats["output"]["removed_by_language"];
    assert_eq!(by_language["en"], serde_json::json!({ "language": 2 }));
    for language in ["de", "es", "ru", "zh"] {
        assert_eq!(
            by_language[language],
            serde_json::json!({ "language": 1 }),
            "{language}"
        );
    }
    assert!(by_language.get("fr").is_none(), "no French page was removed");
    assert_eq!(
        stats["steps"][2]["counters"]["lines_removed"], 30,
        "one update line per French page"
    );
}

#[test]
fn html_responses_are_read_with_their_http_metadata() {
    let dir = Dir::new();
    dir.pipeline(&format!(
        "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: out/ }}\n",
        example("news.warc.gz")
    ));
    dir.run_ok(&[]);
    let docs = documents(&dir.path("out"));
    assert_eq!(docs.len(), 36);
    let stats = dir.stats("out");
    assert_eq!(stats["read"]["skipped"]["request"], 36);
    assert_eq!(stats["read"]["skipped"]["metadata"], 36);
    assert!(docs
        .iter()
        .all(|d| d["metadata"]["http_status"] == 200 && d["metadata"]["content_type"] == "text/html"));
    // One page is served as windows-1252: its text must come out as proper UTF-8.
    let legacy = docs
        .iter()
        .find(|d| d["metadata"]["charset"] == "windows-1252")
        .expect("a legacy page");
    assert!(!legacy["text"].as_str().unwrap().contains('\u{fffd}'));
}
