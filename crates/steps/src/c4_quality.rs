//! `c4_quality`: C4's line and page rules (Raffel et al. 2020, *Exploring the Limits of Transfer
//! Learning with a Unified Text-to-Text Transformer*, §2.2), which *rewrite* the text: lines that
//! fail a line rule are removed, and a page rule drops the document.
//!
//! Reference implementation: datatrove 0.10.1, `src/datatrove/pipeline/filters/c4_filters.py`
//! (`C4QualityFilter`, after `tensorflow_datasets/text/c4_utils.py`); names, defaults, order and
//! reasons are datatrove's. Each line (`splitlines`, or spaCy sentences when `split_paragraph` is
//! false) is stripped, then, in order:
//! - removed if one of its whitespace-separated words is longer than `max_word_length` (counter
//!   `line-filter-too_long_word`);
//! - Wikipedia citations (`[1]`, `[edit]`, `[citation needed]`) are deleted (`remove_citations`);
//! - removed unless it ends with `.`, `?`, `!`, `"` or `'` and not with `...`
//!   (`filter_no_terminal_punct`; counter `line-filter-no_terminal_punc`);
//! - removed with fewer than `min_words_per_line` words (`line-filter-too_few_words`);
//! - `lorem_ipsum`: the document is dropped if the line holds "lorem ipsum" (any case);
//! - removed if it mentions "javascript" (`line-filter-javascript`);
//! - `curly_bracket`: the document is dropped if the line holds `{`;
//! - removed if it holds a cookie/terms-of-use phrase (`line-filter-policy`);
//! - kept otherwise; its spaCy sentences count towards `min_num_sentences`.
//!
//! `too_few_sentences`: fewer sentences than `min_num_sentences` in the kept lines. The text
//! becomes the kept lines joined by `\n` (by a space when `split_paragraph` is false), stripped.
//! `-1` disables `min_num_sentences`, `min_words_per_line` and `max_word_length`, as in datatrove.
//! Parity: `bench/quality/filter_parity.py` (decision and rewritten text), fixture test
//! `tests/quality_parity.rs`.

use crate::quality::{default_language, Judged};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use tamis_api::{Counters, Document, Reason, Scale, Step, Verdict};
use tamis_text::pystr::{char_len, count_words, lower, split_whitespace, strip};
use tamis_text::{Part, Token, Tokenized, WordTokenizer};

const NAME: &str = "c4_quality";

/// datatrove's `POLICY_SUBSTRINGS`.
const POLICY_SUBSTRINGS: [&str; 6] = [
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
];

/// Configuration of `c4_quality` (datatrove's `C4QualityFilter` arguments).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct C4QualityConfig {
    /// Split on lines (true, as C4) or on spaCy sentences.
    pub split_paragraph: bool,
    /// Delete `[1]`, `[edit]`, `[citation needed]`.
    pub remove_citations: bool,
    /// Remove lines without terminal punctuation.
    pub filter_no_terminal_punct: bool,
    /// Minimum number of sentences in the kept lines (-1: no minimum).
    pub min_num_sentences: i64,
    /// Minimum words per kept line (-1: no minimum).
    pub min_words_per_line: i64,
    /// Remove lines with a longer word (-1: no limit).
    pub max_word_length: i64,
    /// Drop documents containing "lorem ipsum".
    pub filter_lorem_ipsum: bool,
    /// Remove lines mentioning "javascript".
    pub filter_javascript: bool,
    /// Drop documents containing `{`.
    pub filter_curly_bracket: bool,
    /// Remove lines with cookie / terms-of-use phrases.
    pub filter_policy: bool,
    /// Sentence-splitter language (datatrove language key).
    pub language: String,
}

impl Default for C4QualityConfig {
    fn default() -> Self {
        C4QualityConfig {
            split_paragraph: true,
            remove_citations: true,
            filter_no_terminal_punct: true,
            min_num_sentences: 5,
            min_words_per_line: 3,
            max_word_length: 1000,
            filter_lorem_ipsum: true,
            filter_javascript: true,
            filter_curly_bracket: true,
            filter_policy: true,
            language: default_language(),
        }
    }
}

/// Why `c4_quality` dropped a document (datatrove's reason strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum C4QualityReason {
    /// `lorem_ipsum`
    LoremIpsum,
    /// `curly_bracket`
    CurlyBracket,
    /// `too_few_sentences`
    TooFewSentences,
}

impl From<C4QualityReason> for Reason {
    fn from(r: C4QualityReason) -> Reason {
        Reason(match r {
            C4QualityReason::LoremIpsum => "lorem_ipsum",
            C4QualityReason::CurlyBracket => "curly_bracket",
            C4QualityReason::TooFewSentences => "too_few_sentences",
        })
    }
}

/// The built step.
#[derive(Debug)]
pub struct C4Quality {
    config: C4QualityConfig,
    citation: Regex,
    tokenizer: WordTokenizer,
}

impl C4QualityConfig {
    /// Validates the configuration and builds the step.
    pub fn build(&self) -> Result<C4Quality, crate::ConfigError> {
        for (key, v) in [
            ("min_num_sentences", self.min_num_sentences),
            ("min_words_per_line", self.min_words_per_line),
            ("max_word_length", self.max_word_length),
        ] {
            if v < -1 {
                return Err(crate::ConfigError {
                    step: NAME,
                    key,
                    message: "must be -1 (disabled) or a count".into(),
                });
            }
        }
        Ok(C4Quality {
            config: self.clone(),
            // datatrove's CITATION_REGEX; `\d` is Unicode in both dialects.
            citation: Regex::new(r"\[\d*\]|\[edit\]|\[citation needed\]").expect("valid regex"),
            tokenizer: WordTokenizer::for_language(&self.language),
        })
    }
}

impl C4Quality {
    /// The decision and, when kept, the rewritten text.
    pub fn apply(&self, text: &str, counters: &mut Counters) -> Result<String, C4QualityReason> {
        self.rewrite(&mut Judged::alone(text), counters).map(|(text, _)| text)
    }

    /// The decision and, when kept, the rewritten text, with its tokens when they follow from
    /// the text's tokens (a view some earlier step built).
    fn rewrite(
        &self,
        judged: &mut Judged,
        counters: &mut Counters,
    ) -> Result<(String, Option<Tokenized>), C4QualityReason> {
        let c = &self.config;
        let text = judged.text;
        let tokens = judged.tokens_if_built(&self.tokenizer);
        let lines: Vec<&str> = if c.split_paragraph {
            judged.lines().of_text(text).collect()
        } else {
            self.tokenizer.split_into_sentences(text)
        };
        let mut num_sentences: i64 = 0;
        // Each kept line, and where its tokens are among the text's when a step built them.
        let mut kept: Vec<(Cow<str>, Option<Part>)> = Vec::new();
        for line in lines {
            let line = strip(line);
            counters.add("line-total", 1);
            let n_words = count_words(line) as i64;
            if c.max_word_length != -1 && has_longer_word(line, c.max_word_length) {
                counters.add("line-filter-too_long_word", 1);
                continue;
            }
            let line = if c.remove_citations {
                self.citation.replace_all(line, "")
            } else {
                Cow::Borrowed(line)
            };
            if c.filter_no_terminal_punct && (!line.ends_with(['.', '?', '!', '"', '\'']) || line.ends_with("...")) {
                counters.add("line-filter-no_terminal_punc", 1);
                continue;
            }
            if n_words < c.min_words_per_line {
                counters.add("line-filter-too_few_words", 1);
                continue;
            }
            let line_l = lower(&line);
            if c.filter_lorem_ipsum && line_l.contains("lorem ipsum") {
                return Err(C4QualityReason::LoremIpsum);
            }
            if c.filter_javascript && line_l.contains("javascript") {
                counters.add("line-filter-javascript", 1);
                continue;
            }
            if c.filter_curly_bracket && line.contains('{') {
                return Err(C4QualityReason::CurlyBracket);
            }
            if c.filter_policy && POLICY_SUBSTRINGS.iter().any(|p| line_l.contains(p)) {
                counters.add("line-filter-policy", 1);
                continue;
            }
            let part = tokens
                .as_ref()
                .filter(|_| c.split_paragraph)
                .and_then(|t| t.part(text, &line));
            if c.min_num_sentences != -1 {
                num_sentences += match (&tokens, &part) {
                    _ if !c.split_paragraph => 1,
                    (Some(tokens), Some(part)) => tokens.sentence_count(text, part) as i64,
                    _ => self.tokenizer.sentence_count(&line) as i64,
                };
            }
            kept.push((line, part));
            counters.add("line-kept", 1);
        }
        counters.observe("sentences", Scale::COUNT, num_sentences as f64);
        if num_sentences < c.min_num_sentences {
            return Err(C4QualityReason::TooFewSentences);
        }
        let lines: Vec<&str> = kept.iter().map(|(line, _)| line.as_ref()).collect();
        let joined = lines.join(if c.split_paragraph { "\n" } else { " " });
        let rewritten = tokens.and_then(|tokens| joined_tokens(&tokens, &kept));
        Ok((strip(&joined).to_string(), rewritten))
    }
}

/// The tokens of the kept lines joined by `\n`, from the tokens of the text they were cut
/// from: each line's tokens, moved, with a whitespace token for each `\n` between them.
/// `None` unless every line is a part of the text that the tokenizer cuts at
/// ([`Tokenized::part`]).
fn joined_tokens(tokens: &Tokenized, lines: &[(Cow<str>, Option<Part>)]) -> Option<Tokenized> {
    let mut joined = Vec::with_capacity(tokens.len());
    let mut at = 0;
    for (i, (_, part)) in lines.iter().enumerate() {
        let part = part.as_ref()?;
        if i > 0 {
            joined.push(Token {
                start: at,
                end: at + 1,
                is_space: true,
            });
            at += 1;
        }
        let start = part.bytes.start;
        joined.extend(tokens.iter(part.tokens.clone()).map(|t| Token {
            start: t.start - start + at,
            end: t.end - start + at,
            is_space: t.is_space,
        }));
        at += part.bytes.len();
    }
    Some(Tokenized::new(joined))
}

impl Step for C4Quality {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict {
        match self.rewrite(&mut Judged::document(doc), counters) {
            Ok((text, tokens)) => {
                doc.text = text;
                if let Some(tokens) = tokens {
                    doc.views.insert(&doc.text, self.tokenizer.rules_language(), tokens);
                }
                Verdict::Keep
            }
            Err(reason) => Verdict::drop(reason),
        }
    }
}

/// Whether a whitespace-separated word of `line` is longer than `max` characters. A line of
/// at most `max` bytes has no such word: most lines are not split at all.
fn has_longer_word(line: &str, max: i64) -> bool {
    usize::try_from(max).map_or(true, |max| line.len() > max)
        && split_whitespace(line).any(|w| char_len(w) as i64 > max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_longer_word_is_found_whatever_the_line_length() {
        let direct = |line: &str, max: i64| split_whitespace(line).any(|w| char_len(w) as i64 > max);
        let lines = [
            "a".repeat(10),
            "a".repeat(11),
            "é".repeat(6),
            format!("{} b", "é".repeat(11)),
            "x y z".to_string(),
            String::new(),
        ];
        for line in &lines {
            for max in [-3, 0, 5, 10, 11, 12, 1000] {
                assert_eq!(has_longer_word(line, max), direct(line, max), "{line:?} {max}");
            }
        }
        assert!(has_longer_word(&"a".repeat(11), 10) && !has_longer_word(&"é".repeat(10), 10));
    }

    fn apply(text: &str) -> Result<String, C4QualityReason> {
        C4QualityConfig::default()
            .build()
            .unwrap()
            .apply(text, &mut Counters::default())
    }

    #[test]
    fn rewrites_and_drops() {
        let good = "The first sentence is here. The second one follows.\nA third sentence [1] appears now.\n\
                    menu item\nThis site uses cookies to help you.\nEnable JavaScript to view this page, please.\n\
                    Then the fourth sentence. And the fifth sentence!";
        assert_eq!(
            apply(good),
            Ok(
                "The first sentence is here. The second one follows.\nA third sentence  appears now.\n\
                Then the fourth sentence. And the fifth sentence!"
                    .to_string()
            )
        );
        assert_eq!(apply("Only one sentence here."), Err(C4QualityReason::TooFewSentences));
        assert_eq!(apply("Lorem ipsum dolor sit amet."), Err(C4QualityReason::LoremIpsum));
        assert_eq!(apply("function f() { return 1; }."), Err(C4QualityReason::CurlyBracket));
        assert_eq!(
            apply("Wait for it... and then..."),
            Err(C4QualityReason::TooFewSentences)
        );
    }
}
