//! Page metadata: title, publication date, language, canonical URL, site name,
//! description.
//!
//! Sources, most specific first: Open Graph and article `<meta>` properties
//! (ogp.me), Dublin Core and common `name=` meta tags, schema.org JSON-LD
//! (`datePublished`, `headline`, `publisher.name`), `<link rel=canonical>`,
//! `<html lang>`, then the first `<time datetime>` in the page. The same kinds of
//! sources trafilatura's `metadata.py` and htmldate read; values are kept as the
//! page gives them (trimmed), dates cut to their ISO-8601 form when they have one.

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMetadata {
    /// `og:title`, else `<title>`, else JSON-LD `headline`.
    pub title: Option<String>,
    /// Publication date.
    pub date: Option<String>,
    /// `<html lang>` or `Content-Language`.
    pub lang: Option<String>,
    /// `<link rel=canonical>` or `og:url`.
    pub canonical_url: Option<String>,
    /// `og:site_name`, `application-name` or JSON-LD `publisher.name`.
    pub site_name: Option<String>,
    /// `description` or `og:description`.
    pub description: Option<String>,
}

/// Rank of a source, lower is better; each field keeps its best-ranked value.
type Ranked = Option<(u8, String)>;

/// Collects candidates while the page is read.
#[derive(Debug, Default)]
pub(crate) struct MetaCollector {
    title: Ranked,
    date: Ranked,
    lang: Ranked,
    canonical: Ranked,
    site_name: Ranked,
    description: Ranked,
    /// Whether the page says it is a discussion (see [`is_discussion_type`]).
    discussion: bool,
    /// Whether the page declares a schema.org `Product` (see [`is_product_type`]).
    product: bool,
}

/// Whether a schema.org type (`"DiscussionForumPosting"`, an `itemtype` URL)
/// is a conversation: a forum thread or a question with its answers. On such
/// a page the replies, which forum software names as comments, are the
/// content.
pub(crate) fn is_discussion_type(value: &str) -> bool {
    names_type(value, &["DiscussionForumPosting", "QAPage"])
}

/// Whether a list of schema.org types (names or `itemtype` URLs) holds one
/// of `names`.
fn names_type(value: &str, names: &[&str]) -> bool {
    value.split_whitespace().any(|t| {
        let name = t.rsplit('/').next().unwrap_or(t);
        names.iter().any(|n| name.eq_ignore_ascii_case(n))
    })
}

/// Whether a schema.org type (`"Product"`, an `itemtype` URL) is a product:
/// a shop's page for one item.
pub(crate) fn is_product_type(value: &str) -> bool {
    names_type(value, &["Product"])
}

fn offer(slot: &mut Ranked, rank: u8, value: &str) {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() || value.len() > 2048 {
        return;
    }
    if slot.as_ref().is_none_or(|(r, _)| rank < *r) {
        *slot = Some((rank, value));
    }
}

/// Meta names that carry a publication date, best first.
const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publication_date",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "date",
    "og:updated_time",
    "article:modified_time",
];

impl MetaCollector {
    pub(crate) fn title(&mut self, text: &str) {
        offer(&mut self.title, 2, text);
    }

    pub(crate) fn lang(&mut self, lang: &str) {
        offer(&mut self.lang, 0, lang);
    }

    pub(crate) fn time(&mut self, datetime: &str) {
        offer(&mut self.date, 60, &iso_date(datetime));
    }

    pub(crate) fn meta(&mut self, key: &str, content: &str) {
        let key = key.trim().to_ascii_lowercase();
        if let Some(rank) = DATE_KEYS.iter().position(|k| *k == key) {
            offer(&mut self.date, rank as u8, &iso_date(content));
            return;
        }
        match key.as_str() {
            "og:title" => offer(&mut self.title, 1, content),
            "twitter:title" => offer(&mut self.title, 3, content),
            "description" => offer(&mut self.description, 0, content),
            "og:description" => offer(&mut self.description, 1, content),
            "twitter:description" => offer(&mut self.description, 2, content),
            "og:site_name" => offer(&mut self.site_name, 0, content),
            "application-name" => offer(&mut self.site_name, 2, content),
            "og:url" => offer(&mut self.canonical, 1, content),
            "content-language" => offer(&mut self.lang, 1, content),
            "og:locale" => offer(&mut self.lang, 2, content),
            _ => {}
        }
    }

    pub(crate) fn link(&mut self, rel: &str, href: &str) {
        if rel
            .split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("canonical"))
        {
            offer(&mut self.canonical, 0, href);
        }
    }

    /// Reads a JSON-LD block; malformed JSON is ignored.
    pub(crate) fn json_ld(&mut self, text: &str) {
        if text.len() > 1 << 20 {
            return;
        }
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text.trim()) {
            self.walk_json(&value, 0);
        }
    }

    fn walk_json(&mut self, value: &serde_json::Value, depth: usize) {
        if depth > 8 {
            return;
        }
        match value {
            serde_json::Value::Array(items) => items.iter().for_each(|v| self.walk_json(v, depth + 1)),
            serde_json::Value::Object(map) => {
                match map.get("@type") {
                    Some(serde_json::Value::String(t)) => {
                        self.discussion |= is_discussion_type(t);
                        self.product |= is_product_type(t);
                    }
                    Some(serde_json::Value::Array(types)) => {
                        let types = || types.iter().filter_map(|t| t.as_str());
                        self.discussion |= types().any(is_discussion_type);
                        self.product |= types().any(is_product_type);
                    }
                    _ => {}
                }
                if let Some(date) = map.get("datePublished").and_then(|v| v.as_str()) {
                    offer(&mut self.date, 2, &iso_date(date));
                }
                if let Some(date) = map.get("dateCreated").and_then(|v| v.as_str()) {
                    offer(&mut self.date, 40, &iso_date(date));
                }
                if let Some(headline) = map.get("headline").and_then(|v| v.as_str()) {
                    offer(&mut self.title, 4, headline);
                }
                if let Some(name) = map
                    .get("publisher")
                    .and_then(|p| p.get("name"))
                    .and_then(|v| v.as_str())
                {
                    offer(&mut self.site_name, 1, name);
                }
                for v in map.values() {
                    if v.is_object() || v.is_array() {
                        self.walk_json(v, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }

    /// A microdata `itemtype` on an element of the page.
    pub(crate) fn item_type(&mut self, value: &str) {
        self.discussion |= is_discussion_type(value);
        self.product |= is_product_type(value);
    }

    /// Whether the page declared a product (JSON-LD or microdata).
    pub(crate) fn is_product(&self) -> bool {
        self.product
    }

    /// Whether the page declared itself a discussion (JSON-LD or microdata).
    pub(crate) fn is_discussion(&self) -> bool {
        self.discussion
    }

    pub(crate) fn finish(self) -> PageMetadata {
        let take = |slot: Ranked| slot.map(|(_, v)| v);
        PageMetadata {
            title: take(self.title),
            date: take(self.date),
            lang: take(self.lang),
            canonical_url: take(self.canonical),
            site_name: take(self.site_name),
            description: take(self.description),
        }
    }
}

/// `2020-02-28T10:10:00+01:00` stays as is; a value that does not start with a
/// `YYYY-MM-DD` date is kept verbatim.
fn iso_date(value: &str) -> String {
    value.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_source_wins() {
        let mut m = MetaCollector::default();
        m.title("Page | Site");
        m.meta("og:title", "Page");
        m.time("2019-01-01");
        m.json_ld(r#"{"@type":"NewsArticle","datePublished":"2020-02-28T10:10:00+01:00","publisher":{"name":"Site"}}"#);
        m.link("canonical", "https://example.org/a");
        m.lang("fr");
        let meta = m.finish();
        assert_eq!(meta.title.as_deref(), Some("Page"));
        assert_eq!(meta.date.as_deref(), Some("2020-02-28T10:10:00+01:00"));
        assert_eq!(meta.site_name.as_deref(), Some("Site"));
        assert_eq!(meta.canonical_url.as_deref(), Some("https://example.org/a"));
        assert_eq!(meta.lang.as_deref(), Some("fr"));
    }
}
