//! `url_filter`: block-list URL filter, as used before extraction in FineWeb (Penedo et al. 2024,
//! §3.2; lists after RefinedWeb, Penedo et al. 2023, §G.1).
//!
//! Reference implementation: datatrove 0.10.1, `src/datatrove/pipeline/filters/url_filter.py`
//! (`URLFilter`); parameter names, defaults, order and reasons are datatrove's. In order:
//! - `domain`: the registered domain (public-suffix rules) is block-listed;
//! - `subdomain`: the full host name is block-listed;
//! - `url`: the whole URL is block-listed;
//! - `hard_blacklisted`: a banned word is one of the URL's words (runs of ASCII letters and
//!   digits, case kept, while the lists are lowercased: datatrove's behaviour);
//! - `soft_blacklisted`: at least `soft_word_threshold` soft-banned words are;
//! - `blacklisted_subword`: a banned subword occurs in the URL lowercased with everything but
//!   ASCII letters and digits removed.
//!
//! A document without a URL drops as `missing_url` (datatrove asserts).
//!
//! Lists are not bundled. datatrove's integrated lists (`use_integrated_lists`) are its wheel's
//! `assets/`: the UT1 block lists (`url_filterblacklistsv0_3_0.tar.gz`: `domains`, `urls`; UT1
//! is CC BY-SA 4.0) and `banned_words.txt`, `banned_subwords.txt`, `soft_banned_words.txt`.
//! `bench/quality/extract_url_lists.py` copies them from an installed datatrove into a
//! directory given here as `lists_dir`. The public suffix list (tldextract's role) is read from
//! `public_suffix_list` (e.g. `/usr/share/publicsuffix/public_suffix_list.dat`), ICANN section
//! only, as tldextract's default.
//!
//! Differs from the reference: tldextract fetches the current public suffix list at run time;
//! here it is the file given, so decisions follow that file's version. IP-address hosts have
//! no registered domain in both.

use aho_corasick::AhoCorasick;
use foldhash::HashSet;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tamis_api::{Counters, Document, Reason, Step, Verdict};

const NAME: &str = "url_filter";

/// Configuration of `url_filter` (datatrove's `URLFilter` arguments, plus list paths).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UrlFilterConfig {
    /// Soft-banned words needed to drop a URL.
    #[serde(default = "two")]
    pub soft_word_threshold: usize,
    /// Extra block-listed domains and host names.
    #[serde(default)]
    pub extra_domains: Vec<String>,
    /// Extra block-listed URLs.
    #[serde(default)]
    pub extra_urls: Vec<String>,
    /// Extra banned words.
    #[serde(default)]
    pub banned_words: Vec<String>,
    /// Extra banned subwords.
    #[serde(default)]
    pub banned_subwords: Vec<String>,
    /// Extra soft-banned words.
    #[serde(default)]
    pub soft_banned_words: Vec<String>,
    /// Load datatrove's lists from `lists_dir`.
    #[serde(default = "yes")]
    pub use_integrated_lists: bool,
    /// Directory with `domains`, `urls`, `banned_words.txt`, `banned_subwords.txt`,
    /// `soft_banned_words.txt` (required with `use_integrated_lists`).
    #[serde(default)]
    pub lists_dir: Option<PathBuf>,
    /// The public suffix list file.
    pub public_suffix_list: PathBuf,
}

fn two() -> usize {
    2
}

fn yes() -> bool {
    true
}

/// Why `url_filter` dropped a document (datatrove's reason strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlFilterReason {
    /// `domain`
    Domain,
    /// `subdomain`
    Subdomain,
    /// `url`
    Url,
    /// `hard_blacklisted`
    HardBlacklisted,
    /// `soft_blacklisted`
    SoftBlacklisted,
    /// `blacklisted_subword`
    BlacklistedSubword,
    /// `missing_url` (datatrove asserts)
    MissingUrl,
}

impl From<UrlFilterReason> for Reason {
    fn from(r: UrlFilterReason) -> Reason {
        use UrlFilterReason::*;
        Reason(match r {
            Domain => "domain",
            Subdomain => "subdomain",
            Url => "url",
            HardBlacklisted => "hard_blacklisted",
            SoftBlacklisted => "soft_blacklisted",
            BlacklistedSubword => "blacklisted_subword",
            MissingUrl => "missing_url",
        })
    }
}

/// datatrove's `normalize`: ASCII letters and digits only, lowercased.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// datatrove's `parse_list`: skip `#` lines, normalise or strip the others.
fn parse_list<'a>(lines: impl Iterator<Item = &'a str>, do_normalize: bool, into: &mut HashSet<String>) {
    for line in lines {
        if line.starts_with('#') {
            continue;
        }
        into.insert(if do_normalize {
            normalize(line)
        } else {
            line.trim().to_string()
        });
    }
}

/// Public suffix rules (ICANN section): the PSL algorithm (exceptions, wildcards).
#[derive(Debug, Default)]
struct SuffixList {
    rules: HashSet<String>,
    wildcards: HashSet<String>,
    exceptions: HashSet<String>,
}

impl SuffixList {
    fn parse(text: &str) -> SuffixList {
        let mut list = SuffixList::default();
        for line in text.lines() {
            if line.contains("===END ICANN DOMAINS===") {
                break;
            }
            let rule = line.split_whitespace().next().unwrap_or("");
            if rule.is_empty() || rule.starts_with("//") {
                continue;
            }
            let rule = rule.to_lowercase();
            if let Some(r) = rule.strip_prefix('!') {
                list.exceptions.insert(r.to_string());
            } else if let Some(r) = rule.strip_prefix("*.") {
                list.wildcards.insert(r.to_string());
            } else {
                list.rules.insert(rule);
            }
        }
        list
    }

    /// Number of labels of the public suffix of `labels` (lowercased host split on dots).
    fn suffix_labels(&self, labels: &[&str]) -> usize {
        for i in 0..labels.len() {
            let candidate = labels[i..].join(".");
            if self.exceptions.contains(&candidate) {
                return labels.len() - i - 1;
            }
            if self.rules.contains(&candidate) {
                return labels.len() - i;
            }
            if i + 1 < labels.len() && self.wildcards.contains(&labels[i + 1..].join(".")) {
                return labels.len() - i;
            }
        }
        0
    }
}

/// The host of a URL as tldextract takes it: no scheme, user info, port, path; no final dot.
fn host(url: &str) -> &str {
    let rest = match url.find("://") {
        Some(p) if url[..p].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) => &url[p + 3..],
        _ => url.strip_prefix("//").unwrap_or(url),
    };
    let rest = rest.split(['/', '?', '#']).next().unwrap_or("");
    let rest = rest.rsplit('@').next().unwrap_or("");
    let rest = if rest.starts_with('[') {
        rest
    } else {
        rest.split(':').next().unwrap_or("")
    };
    rest.trim().trim_end_matches('.')
}

/// The built step.
#[derive(Debug)]
pub struct UrlFilter {
    soft_word_threshold: usize,
    domains: HashSet<String>,
    urls: HashSet<String>,
    banned_words: HashSet<String>,
    soft_banned_words: HashSet<String>,
    subwords: Option<AhoCorasick>,
    suffixes: SuffixList,
}

impl UrlFilterConfig {
    /// Reads the lists and builds the step.
    pub fn build(&self) -> Result<UrlFilter, crate::ConfigError> {
        let err = |key: &'static str, message: String| crate::ConfigError {
            step: NAME,
            key,
            message,
        };
        let read = |key: &'static str, path: &Path| {
            let bytes = tamis_io::Location::parse(&path.to_string_lossy())
                .and_then(|file| file.read())
                .map_err(|e| err(key, e.to_string()))?;
            String::from_utf8(bytes).map_err(|e| err(key, format!("{}: {e}", path.display())))
        };
        let mut domains = HashSet::default();
        let mut urls = HashSet::default();
        let mut banned_words = HashSet::default();
        let mut banned_subwords = HashSet::default();
        let mut soft_banned_words = HashSet::default();
        parse_list(self.extra_domains.iter().map(String::as_str), false, &mut domains);
        parse_list(self.extra_urls.iter().map(String::as_str), false, &mut urls);
        parse_list(self.banned_words.iter().map(String::as_str), true, &mut banned_words);
        parse_list(
            self.banned_subwords.iter().map(String::as_str),
            true,
            &mut banned_subwords,
        );
        parse_list(
            self.soft_banned_words.iter().map(String::as_str),
            true,
            &mut soft_banned_words,
        );
        if self.use_integrated_lists {
            let dir = self.lists_dir.as_ref().ok_or_else(|| {
                err(
                    "lists_dir",
                    "required with use_integrated_lists (the lists are not bundled)".into(),
                )
            })?;
            parse_list(read("lists_dir", &dir.join("domains"))?.lines(), false, &mut domains);
            parse_list(read("lists_dir", &dir.join("urls"))?.lines(), false, &mut urls);
            parse_list(
                read("lists_dir", &dir.join("banned_words.txt"))?.lines(),
                true,
                &mut banned_words,
            );
            parse_list(
                read("lists_dir", &dir.join("banned_subwords.txt"))?.lines(),
                true,
                &mut banned_subwords,
            );
            parse_list(
                read("lists_dir", &dir.join("soft_banned_words.txt"))?.lines(),
                true,
                &mut soft_banned_words,
            );
        }
        banned_subwords.remove("");
        let subwords = if banned_subwords.is_empty() {
            None
        } else {
            let mut words: Vec<&String> = banned_subwords.iter().collect();
            words.sort();
            Some(AhoCorasick::new(words).map_err(|e| err("banned_subwords", e.to_string()))?)
        };
        let suffixes = SuffixList::parse(&read("public_suffix_list", &self.public_suffix_list)?);
        Ok(UrlFilter {
            soft_word_threshold: self.soft_word_threshold,
            domains,
            urls,
            banned_words,
            soft_banned_words,
            subwords,
            suffixes,
        })
    }
}

impl UrlFilter {
    /// `(registered_domain, fqdn)` as tldextract gives them; empty when there is no domain
    /// under a public suffix (IP addresses, bare suffixes).
    fn domains(&self, url: &str) -> (String, String) {
        let host = host(url);
        if host.parse::<std::net::Ipv4Addr>().is_ok() || host.starts_with('[') {
            return (String::new(), String::new());
        }
        let lower = host.to_lowercase();
        let labels: Vec<&str> = lower.split('.').collect();
        let n_suffix = self.suffixes.suffix_labels(&labels);
        if n_suffix == 0 || n_suffix >= labels.len() {
            return (String::new(), String::new());
        }
        let orig: Vec<&str> = host.split('.').collect();
        let registered = orig[orig.len() - n_suffix - 1..].join(".");
        let fqdn = orig
            .iter()
            .filter(|l| !l.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(".");
        (registered, fqdn)
    }

    /// The decision for one URL.
    pub fn decide(&self, url: &str) -> Result<(), UrlFilterReason> {
        use UrlFilterReason::*;
        let (registered, fqdn) = self.domains(url);
        if self.domains.contains(&registered) {
            return Err(Domain);
        }
        if self.domains.contains(&fqdn) {
            return Err(Subdomain);
        }
        if self.urls.contains(url) {
            return Err(Url);
        }
        let url_words: HashSet<&str> = url.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        if self.banned_words.iter().any(|w| url_words.contains(w.as_str())) {
            return Err(HardBlacklisted);
        }
        let soft = self
            .soft_banned_words
            .iter()
            .filter(|w| url_words.contains(w.as_str()))
            .count();
        if soft >= self.soft_word_threshold {
            return Err(SoftBlacklisted);
        }
        if let Some(ac) = &self.subwords {
            if ac.is_match(&normalize(url)) {
                return Err(BlacklistedSubword);
            }
        }
        Ok(())
    }
}

impl Step for UrlFilter {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, _counters: &mut Counters) -> Verdict {
        let url = doc
            .url
            .as_deref()
            .or_else(|| doc.metadata.get("url").and_then(|v| v.as_str()))
            .filter(|u| !u.is_empty());
        match url {
            None => Verdict::drop(UrlFilterReason::MissingUrl),
            Some(url) => match self.decide(url) {
                Ok(()) => Verdict::Keep,
                Err(r) => Verdict::drop(r),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_in_order() {
        let dir = std::env::temp_dir().join(format!("tamis-url-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("psl.dat"),
            "// ===BEGIN ICANN DOMAINS===\ncom\nuk\nco.uk\n*.ck\n!www.ck\n// ===END ICANN DOMAINS===\nblogspot.com\n",
        )
        .unwrap();
        let config: UrlFilterConfig = serde_json::from_value(serde_json::json!({
            "use_integrated_lists": false,
            "public_suffix_list": dir.join("psl.dat"),
            "extra_domains": ["bad.co.uk", "sub.good.com"],
            "extra_urls": ["https://ok.com/exact"],
            "banned_words": ["Zorb"],
            "soft_banned_words": ["soft", "softer"],
            "banned_subwords": ["qux"],
        }))
        .unwrap();
        let f = config.build().unwrap();
        use UrlFilterReason::*;
        assert_eq!(f.decide("https://www.bad.co.uk/page"), Err(Domain));
        assert_eq!(f.decide("http://sub.good.com:8080/x"), Err(Subdomain));
        assert_eq!(f.decide("https://ok.com/exact"), Err(Url));
        assert_eq!(f.decide("https://ok.com/a-zorb-page"), Err(HardBlacklisted));
        assert_eq!(f.decide("https://ok.com/a-Zorb-page"), Ok(()));
        assert_eq!(f.decide("https://ok.com/soft/and/softer"), Err(SoftBlacklisted));
        assert_eq!(f.decide("https://ok.com/aQuXb"), Err(BlacklistedSubword));
        assert_eq!(f.decide("https://fine.example.com/"), Ok(()));
        assert_eq!(
            f.domains("https://a.b.foo.ck/"),
            ("b.foo.ck".into(), "a.b.foo.ck".into())
        );
        assert_eq!(f.domains("https://www.ck/"), ("www.ck".into(), "www.ck".into()));
        assert_eq!(
            f.domains("https://x.blogspot.com/"),
            ("blogspot.com".into(), "x.blogspot.com".into())
        );
        assert_eq!(f.domains("http://10.0.0.1/"), (String::new(), String::new()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
