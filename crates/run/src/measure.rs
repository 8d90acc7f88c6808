//! What the runner measures of each document that leaves the pipeline (kept or
//! removed), beside what the steps count: lengths, tokens, language, domain.
//! Workers measure their chunk; chunks add up in input order, and domain counts
//! are bounded at batch ends only, so stats do not depend on the worker count.

use std::collections::BTreeMap;
use tamis_api::{merge_histogram, Counters, Document, DomainCounter, Scale, Stats};

/// `text.split_whitespace().count()`, a byte at a time when the text is ASCII.
fn count_words(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let (mut words, mut after_space) = (0, true);
    for &b in text.as_bytes() {
        let space = matches!(b, b'\t'..=b'\r' | b' ');
        words += usize::from(after_space & !space);
        after_space = space;
    }
    words
}

/// Measures of the documents of one chunk or batch.
#[derive(Default)]
pub(crate) struct DocTally {
    /// `chars`, `words` and `tokens` of the kept documents.
    lengths: Counters,
    languages: BTreeMap<String, u64>,
    /// Removed documents by language, then by the step that removed them.
    removed_languages: BTreeMap<String, BTreeMap<&'static str, u64>>,
    tokens: u64,
    kept_domains: DomainCounter,
    removed_domains: DomainCounter,
}

impl DocTally {
    /// Measures a document that reached the output.
    pub(crate) fn kept(&mut self, doc: &Document) {
        self.lengths
            .observe("chars", Scale::COUNT, doc.text.chars().count() as f64);
        self.lengths
            .observe("words", Scale::COUNT, count_words(&doc.text) as f64);
        if let Some(tokens) = doc.metadata.get("token_count").and_then(|v| v.as_u64()) {
            self.lengths.observe("tokens", Scale::COUNT, tokens as f64);
            self.tokens += tokens;
        }
        if let Some(language) = doc.metadata.get("language").and_then(|v| v.as_str()) {
            match self.languages.get_mut(language) {
                Some(n) => *n += 1,
                None => {
                    self.languages.insert(language.to_string(), 1);
                }
            }
        }
        if let Some(domain) = doc.url.as_deref().and_then(domain) {
            self.kept_domains.add(&domain, 1);
        }
    }

    /// Measures a document `step` removed.
    pub(crate) fn removed(&mut self, doc: &Document, step: &'static str) {
        if let Some(language) = doc.metadata.get("language").and_then(|v| v.as_str()) {
            let steps = match self.removed_languages.get_mut(language) {
                Some(steps) => steps,
                None => self.removed_languages.entry(language.to_string()).or_default(),
            };
            *steps.entry(step).or_insert(0) += 1;
        }
        if let Some(domain) = doc.url.as_deref().and_then(domain) {
            self.removed_domains.add(&domain, 1);
        }
    }

    /// Adds `other` (the next chunk) into `self`.
    pub(crate) fn add(&mut self, other: DocTally) {
        self.lengths.merge(&other.lengths);
        for (language, n) in other.languages {
            *self.languages.entry(language).or_insert(0) += n;
        }
        for (language, steps) in other.removed_languages {
            let mine = self.removed_languages.entry(language).or_default();
            for (step, n) in steps {
                *mine.entry(step).or_insert(0) += n;
            }
        }
        self.tokens += other.tokens;
        self.kept_domains.merge(other.kept_domains);
        self.removed_domains.merge(other.removed_domains);
    }

    /// Adds a batch's measures to the task's: domains go to `domains`, which
    /// is bounded here (at a batch end), the rest to `stats`.
    pub(crate) fn add_to(self, stats: &mut Stats, domains: &mut TaskDomains) {
        for (name, histogram) in self.lengths.histograms() {
            merge_histogram(&mut stats.output.histograms, name, histogram);
        }
        for (language, n) in self.languages {
            *stats.output.languages.entry(language).or_insert(0) += n;
        }
        for (language, steps) in self.removed_languages {
            let mine = stats.output.removed_by_language.entry(language).or_default();
            for (step, n) in steps {
                *mine.entry(step.to_string()).or_insert(0) += n;
            }
        }
        stats.output.tokens += self.tokens;
        domains.kept.merge(self.kept_domains);
        domains.removed.merge(self.removed_domains);
        domains.kept.bound();
        domains.removed.bound();
    }
}

/// A task's documents per domain, until its stats are written.
#[derive(Default)]
pub(crate) struct TaskDomains {
    kept: DomainCounter,
    removed: DomainCounter,
}

impl TaskDomains {
    /// Puts the top domains into `stats`.
    pub(crate) fn finish(self, stats: &mut Stats) {
        stats.domains.kept.merge(&self.kept.top());
        stats.domains.removed.merge(&self.removed.top());
    }
}

/// The host of `url`, lower-cased, without `www.`, port or user.
pub(crate) fn domain(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host
    } else {
        host.split(':').next()?
    };
    let host = host.trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_hosts_without_www() {
        assert_eq!(
            domain("https://www.Example.com:443/a?b").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            domain("http://user@news.example.cn/x").as_deref(),
            Some("news.example.cn")
        );
        assert_eq!(domain("http:///x"), None);
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in ["", " ", "a", " a b\x0bc\x1f d ", "a\u{a0}b  c", "\t\r\n"] {
            assert_eq!(count_words(text), text.split_whitespace().count(), "{text:?}");
        }
    }
}
