//! `extract`: replace a page's HTML by its main content as plain text, and
//! record the page's metadata.
//!
//! The WARC reader has already decoded the payload to text (charset from the
//! HTTP header, the BOM, `<meta>`, then detection) and put the HTTP
//! `Content-Type` in `metadata.content_type`. This step:
//! - drops the page as `not_html` when its declared type is another type
//!   (`application/pdf`, `image/png`…), or when the type says nothing
//!   (`text/plain`, missing) and the text does not start like HTML
//!   (`tamis_extract::looks_like_html`);
//! - drops it as `binary` when its text is binary data served as HTML (an
//!   image, an archive, a PDF, random bytes): 2 % or more of control
//!   characters in its first 8 KB, or the signature of a binary format at its
//!   start (`tamis_extract::looks_binary`);
//! - drops it as `too_large`, `too_deep` or `timeout` when it breaks the size
//!   limit, the depth limit or the time budget, and as `too_many_nodes` when
//!   parsing it would build more nodes than its size allows (one node per two
//!   bytes: HTML's tree construction rebuilds unclosed formatting elements in
//!   every paragraph, so 4 MB can ask for 400 million elements). Guard rails:
//!   one pathological page never holds a worker for long, nor its memory;
//! - drops it as `empty` when no main content is found, and as
//!   `extract_failed` if the extractor panics (a bug: the page is lost, not
//!   the worker);
//! - otherwise sets the text to the main content (one block per line) and adds
//!   `title`, `date`, `html_lang`, `canonical_url`, `site_name` and
//!   `description` to the metadata when the page has them.
//!
//! When the selection finds nothing (or little), the extractor tries broader extractions
//! (`tamis_extract::Fallback`); each kept page one of them found is counted
//! under `fallback_noscript`, `fallback_hidden`, `fallback_body` or
//! `fallback_main`, and its metadata gets `extract_fallback` with the same
//! name, so both the stats and the documents say how often, and where, the
//! main selection failed.
//!
//! `strategy` chooses which blocks are kept (`tamis_extract::Strategy`):
//! `default`, `precision`, `recall`, or `union`, the blocks any of the three
//! keeps, all from one parse. With `union`, each kept page's metadata gets
//! `extract_strategies`, the strategies whose own selection found text on it,
//! and each is counted under `kept_by_…`.
//!
//! Counters: `html_bytes` (HTML read), `text_bytes` (text written),
//! `fallback_…` (pages kept by a fallback), `kept_by_…` (with `union`).

use serde::{Deserialize, Serialize};
use std::time::Duration;
use tamis_api::{Counters, Document, Reason, Step, Verdict};
use tamis_extract::{ExtractError, Fallback, Options, Strategy};

const NAME: &str = "extract";

/// Configuration of `extract`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractConfig {
    /// Keep user comments as content.
    pub include_comments: bool,
    /// Pages with more bytes of HTML are dropped as `too_large` (at least 1).
    pub max_bytes: usize,
    /// Pages nested deeper (elements) are dropped as `too_deep` (16 to 100000).
    pub max_depth: usize,
    /// Work on one page stops after this many milliseconds (`timeout`); 0 = no budget.
    pub time_budget_ms: u64,
    /// Which blocks are kept: `default`, `precision`, `recall` or `union`
    /// (see `tamis_extract::Strategy`).
    pub strategy: String,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        let options = Options::default();
        ExtractConfig {
            include_comments: options.include_comments,
            max_bytes: options.max_bytes,
            max_depth: options.max_depth,
            time_budget_ms: options.time_budget.map_or(0, |d| d.as_millis() as u64),
            strategy: options.strategy.name().to_string(),
        }
    }
}

impl ExtractConfig {
    /// Validates the configuration and builds the step.
    pub fn build(&self) -> Result<Extract, crate::ConfigError> {
        let error = |key, message: &str| crate::ConfigError {
            step: NAME,
            key,
            message: message.to_string(),
        };
        if self.max_bytes == 0 {
            return Err(error("max_bytes", "must be at least 1"));
        }
        if !(16..=100_000).contains(&self.max_depth) {
            return Err(error("max_depth", "must be between 16 and 100000"));
        }
        let strategy = Strategy::from_name(&self.strategy)
            .ok_or_else(|| error("strategy", "must be default, precision, recall or union"))?;
        Ok(Extract {
            options: Options {
                include_comments: self.include_comments,
                max_bytes: self.max_bytes,
                max_depth: self.max_depth,
                time_budget: (self.time_budget_ms > 0).then(|| Duration::from_millis(self.time_budget_ms)),
                strategy,
            },
        })
    }
}

/// Why `extract` drops a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtractReason {
    /// Not an HTML page (by its declared type, or by its first bytes).
    NotHtml,
    /// Binary data served as HTML.
    Binary,
    /// Larger than `max_bytes`.
    TooLarge,
    /// Nested deeper than `max_depth`.
    TooDeep,
    /// Took longer than the time budget.
    Timeout,
    /// Parsing it would build more nodes than its size allows.
    TooManyNodes,
    /// No main content found.
    Empty,
    /// The extractor panicked (a bug, reported on stderr by the panic hook).
    Failed,
}

impl From<ExtractReason> for Reason {
    fn from(reason: ExtractReason) -> Reason {
        Reason(match reason {
            ExtractReason::NotHtml => "not_html",
            ExtractReason::Binary => "binary",
            ExtractReason::TooLarge => "too_large",
            ExtractReason::TooDeep => "too_deep",
            ExtractReason::Timeout => "timeout",
            ExtractReason::TooManyNodes => "too_many_nodes",
            ExtractReason::Empty => "empty",
            ExtractReason::Failed => "extract_failed",
        })
    }
}

/// The built step.
#[derive(Debug, Clone)]
pub struct Extract {
    options: Options,
}

/// The reasons that say a page could not be handled, not that it has no content.
const FAILURES: &[Reason] = &[
    Reason("binary"),
    Reason("too_large"),
    Reason("too_deep"),
    Reason("timeout"),
    Reason("too_many_nodes"),
    Reason("extract_failed"),
];

impl Extract {
    /// A WET `conversion` record: text Common Crawl already extracted.
    fn is_extracted_text(doc: &Document) -> bool {
        doc.metadata.get("warc_type").and_then(|v| v.as_str()) == Some("conversion")
    }

    fn is_html(doc: &Document) -> bool {
        let declared = doc
            .metadata
            .get("content_type")
            .and_then(|v| v.as_str())
            .and_then(tamis_extract::mime_is_html);
        match declared {
            Some(is_html) => is_html,
            None => tamis_extract::looks_like_html(&doc.text),
        }
    }
}

impl Step for Extract {
    fn name(&self) -> &'static str {
        NAME
    }

    fn failures(&self) -> &'static [Reason] {
        FAILURES
    }

    fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict {
        if Self::is_extracted_text(doc) {
            counters.add("passed_through", 1);
            return Verdict::Keep;
        }
        if !Self::is_html(doc) {
            return Verdict::drop(ExtractReason::NotHtml);
        }
        if tamis_extract::looks_binary(&doc.text) {
            return Verdict::drop(ExtractReason::Binary);
        }
        counters.add("html_bytes", doc.text.len() as u64);
        // A bug in the extractor or the parser must cost one page, not the
        // worker and the rest of its shard.
        let extracted = std::panic::catch_unwind(|| tamis_extract::extract(&doc.text, &self.options));
        let page = match extracted {
            Ok(Ok(page)) => page,
            Ok(Err(ExtractError::TooLarge)) => return Verdict::drop(ExtractReason::TooLarge),
            Ok(Err(ExtractError::TooDeep)) => return Verdict::drop(ExtractReason::TooDeep),
            Ok(Err(ExtractError::Timeout)) => return Verdict::drop(ExtractReason::Timeout),
            Ok(Err(ExtractError::TooManyNodes)) => return Verdict::drop(ExtractReason::TooManyNodes),
            Err(_) => return Verdict::drop(ExtractReason::Failed),
        };
        if page.text.trim().is_empty() {
            return Verdict::drop(ExtractReason::Empty);
        }
        counters.add("text_bytes", page.text.len() as u64);
        if let Some(fallback) = page.fallback {
            counters.add(
                match fallback {
                    Fallback::Noscript => "fallback_noscript",
                    Fallback::Hidden => "fallback_hidden",
                    Fallback::Body => "fallback_body",
                    Fallback::Main => "fallback_main",
                },
                1,
            );
            doc.metadata.insert("extract_fallback".into(), fallback.name().into());
        }
        if !page.kept_by.is_empty() {
            for strategy in &page.kept_by {
                counters.add(
                    match strategy {
                        Strategy::Default => "kept_by_default",
                        Strategy::Precision => "kept_by_precision",
                        Strategy::Recall => "kept_by_recall",
                        Strategy::Union => "kept_by_union",
                    },
                    1,
                );
            }
            let names: Vec<&str> = page.kept_by.iter().map(|s| s.name()).collect();
            doc.metadata.insert("extract_strategies".into(), names.into());
        }
        doc.text = page.text;
        let meta = page.metadata;
        for (key, value) in [
            ("title", meta.title),
            ("date", meta.date),
            ("html_lang", meta.lang),
            ("canonical_url", meta.canonical_url),
            ("site_name", meta.site_name),
            ("description", meta.description),
        ] {
            if let Some(value) = value {
                doc.metadata.insert(key.into(), value.into());
            }
        }
        Verdict::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(config: &ExtractConfig, doc: &mut Document) -> Verdict {
        config.build().unwrap().process(doc, &mut Counters::default())
    }

    fn page(body: &str) -> String {
        format!("<!DOCTYPE html><html lang=\"fr\"><head><title>T</title></head><body>{body}</body></html>")
    }

    #[test]
    fn keeps_the_article() {
        let mut doc = Document::new(
            "a",
            page("<nav><a href=/>Accueil</a></nav><article><p>Un paragraphe assez long pour être du contenu, avec des mots.</p></article>"),
        );
        doc.metadata.insert("content_type".into(), "text/html".into());
        assert_eq!(run(&ExtractConfig::default(), &mut doc), Verdict::Keep);
        assert_eq!(
            doc.text,
            "Un paragraphe assez long pour être du contenu, avec des mots."
        );
        assert_eq!(doc.metadata["html_lang"], "fr");
        assert_eq!(doc.metadata["title"], "T");
    }

    #[test]
    fn wet_text_passes_through_unchanged() {
        let mut doc = Document::new("w", "Already text.\nNo markup here.");
        doc.metadata.insert("warc_type".into(), "conversion".into());
        doc.metadata.insert("content_type".into(), "text/plain".into());
        let mut counters = Counters::default();
        let step = ExtractConfig::default().build().unwrap();
        assert_eq!(step.process(&mut doc, &mut counters), Verdict::Keep);
        assert_eq!(doc.text, "Already text.\nNo markup here.");
        assert_eq!(counters.iter().collect::<Vec<_>>(), [("passed_through", 1)]);
    }

    #[test]
    fn drop_reasons() {
        let config = ExtractConfig::default();
        let mut pdf = Document::new("p", "%PDF-1.4 ...");
        pdf.metadata.insert("content_type".into(), "application/pdf".into());
        assert_eq!(run(&config, &mut pdf), Verdict::Drop(Reason("not_html")));
        let mut text = Document::new("t", "just some words");
        assert_eq!(run(&config, &mut text), Verdict::Drop(Reason("not_html")));
        let mut empty = Document::new("e", page("<nav><a href=/>Accueil</a></nav>"));
        assert_eq!(run(&config, &mut empty), Verdict::Drop(Reason("empty")));
        let small = ExtractConfig {
            max_bytes: 10,
            ..ExtractConfig::default()
        };
        let mut large = Document::new("l", page("<p>x</p>"));
        assert_eq!(run(&small, &mut large), Verdict::Drop(Reason("too_large")));
        let shallow = ExtractConfig {
            max_depth: 16,
            ..ExtractConfig::default()
        };
        let mut deep = Document::new("d", page(&"<div>".repeat(100)));
        assert_eq!(run(&shallow, &mut deep), Verdict::Drop(Reason("too_deep")));
        // 400 unclosed `<b>` rebuilt in each of 100,000 paragraphs.
        let bold: String = (0..400).map(|n| format!("<b class=c{n}>")).collect();
        let untimed = ExtractConfig {
            time_budget_ms: 0,
            ..ExtractConfig::default()
        };
        let mut bomb = Document::new("b", page(&format!("<p>{bold}x{}", "<p>x".repeat(100_000))));
        assert_eq!(run(&untimed, &mut bomb), Verdict::Drop(Reason("too_many_nodes")));
    }

    #[test]
    fn union_says_which_strategies_found_text() {
        let mut doc = Document::new(
            "u",
            page("<article><h1>Tents</h1><p>A mountain tent must stand up to wind and snow, so the shape of its poles matters most.</p></article>"),
        );
        doc.metadata.insert("content_type".into(), "text/html".into());
        let config = ExtractConfig {
            strategy: "union".into(),
            ..ExtractConfig::default()
        };
        let mut counters = Counters::default();
        assert_eq!(config.build().unwrap().process(&mut doc, &mut counters), Verdict::Keep);
        assert_eq!(
            doc.metadata["extract_strategies"],
            serde_json::json!(["default", "precision", "recall"])
        );
        assert!(counters.iter().any(|(name, n)| name == "kept_by_precision" && n == 1));
        let unknown = ExtractConfig {
            strategy: "best".into(),
            ..ExtractConfig::default()
        };
        assert_eq!(unknown.build().err().map(|e| e.key), Some("strategy"));
    }

    #[test]
    fn fallbacks_are_counted() {
        let posts = "<div itemprop=comment><p>I would like advice on a first telescope that is easy to carry and to set up.</p></div>\
            <div itemprop=comment><p>A small refractor on an alt-azimuth mount is the easiest start and needs no collimation.</p></div>\
            <div itemprop=comment><p>A Dobsonian reflector is another good choice if you have room to store it at home.</p></div>";
        let mut doc = Document::new(
            "n",
            page(&format!(
                "<div id=app></div><noscript><div id=main-outlet role=main>{posts}</div></noscript>"
            )),
        );
        doc.metadata.insert("content_type".into(), "text/html".into());
        let mut counters = Counters::default();
        let step = ExtractConfig::default().build().unwrap();
        assert_eq!(step.process(&mut doc, &mut counters), Verdict::Keep);
        assert!(doc.text.starts_with("I would like advice"), "{}", doc.text);
        assert_eq!(doc.metadata["extract_fallback"], "noscript");
        assert!(counters.iter().any(|(name, n)| name == "fallback_noscript" && n == 1));
        // A script's shell with only a "JavaScript required" note stays empty.
        let mut shell = Document::new(
            "s",
            page("<noscript>You need to enable JavaScript to run this app.</noscript><div id=root></div>"),
        );
        shell.metadata.insert("content_type".into(), "text/html".into());
        assert_eq!(step.process(&mut shell, &mut counters), Verdict::Drop(Reason("empty")));
        // A shop's page of category links: its declared main element.
        let tiles: String = "Watercolour paints,Acrylic paints,Oil paints,Brushes and knives,Canvas and panels,\
            Sketchbooks,Coloured pencils,Easels and furniture,Printmaking supplies,Ceramics and sculpture"
            .split(',')
            .map(|name| format!("<li><a href=/c><h3>{name}</h3></a></li>"))
            .collect();
        let mut shop = Document::new(
            "m",
            page(&format!("<main><h2>Shop by category</h2><ul>{tiles}</ul></main>")),
        );
        shop.metadata.insert("content_type".into(), "text/html".into());
        assert_eq!(step.process(&mut shop, &mut counters), Verdict::Keep);
        assert_eq!(shop.metadata["extract_fallback"], "main");
        assert!(counters.iter().any(|(name, n)| name == "fallback_main" && n == 1));
    }

    /// Bytes as the reader decodes a page without charset that is not UTF-8
    /// in the worst case for the check (one character per byte).
    fn latin1(bytes: &[u8]) -> String {
        bytes.iter().map(|&b| b as char).collect()
    }

    #[test]
    fn binary_bodies_are_dropped() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let random: Vec<u8> = (0..150_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&random[..20_000]);
        for (name, text) in [
            ("random", latin1(&random)),
            ("random, lossy UTF-8", String::from_utf8_lossy(&random).into_owned()),
            ("png", latin1(&png)),
            ("pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n".repeat(100)),
        ] {
            let mut doc = Document::new(name, text);
            doc.metadata.insert("content_type".into(), "text/html".into());
            assert_eq!(
                run(&ExtractConfig::default(), &mut doc),
                Verdict::Drop(Reason("binary")),
                "{name}"
            );
        }
        for text in [
            "Съешь же ещё этих мягких французских булок, да выпей же чаю, говорит он.",
            "我能吞下玻璃而不伤身体。这是一个中文网页的正文段落，内容足够长。",
            "أنا قادر على أكل الزجاج و هذا لا يؤلمني، هذه فقرة طويلة بما يكفي.",
        ] {
            let mut doc = Document::new("t", page(&format!("<article><p>{text}</p></article>")));
            doc.metadata.insert("content_type".into(), "text/html".into());
            assert_eq!(run(&ExtractConfig::default(), &mut doc), Verdict::Keep, "{text}");
        }
    }

    #[test]
    fn config_is_checked() {
        let bad = ExtractConfig {
            max_depth: 2,
            ..ExtractConfig::default()
        };
        assert_eq!(bad.build().unwrap_err().key, "max_depth");
    }
}
