//! `fineweb_quality`: FineWeb's own line-level heuristics (Penedo et al. 2024, *The FineWeb
//! Datasets: Decanting the Web for the Finest Text Data at Scale*, §3.6).
//!
//! Reference implementation: datatrove 0.10.1, `src/datatrove/pipeline/filters/fineweb_quality_filter.py`
//! (`FineWebQualityFilter`); names, defaults, order and reasons are datatrove's. Lines are the
//! `\n`-separated lines that are not blank.
//!
//! Rules, in order:
//! - `empty`: no non-blank line;
//! - `line_punct_ratio`: share of lines ending with one of `stop_chars` (default datatrove's
//!   `TERMINAL_PUNCTUATION`) below `line_punct_thr` (unless it is 0 and `line_punct_exclude_zero`);
//! - `short_line_ratio`: share of lines of at most `short_line_length` characters above `short_line_thr`;
//! - `char_dup_ratio`: characters of lines equal to an earlier line over the text's characters
//!   other than `\n`, above `char_duplicates_ratio`;
//! - `list_ratio`: `\n` count per word above `new_line_ratio`.
//!
//! Differs from datatrove 0.2.0 (FineWeb v1): see docs/quality.md (inequalities and the
//! terminal-punctuation set changed in datatrove 0.4).
//! Parity: `bench/quality/filter_parity.py`, fixture test `tests/quality_parity.rs`.

use crate::quality::{default_language, find_duplicates, ratio, Judged};
use serde::{Deserialize, Serialize};
use tamis_api::{Counters, Reason, Scale};
use tamis_text::punctuation::is_terminal_punctuation;
use tamis_text::pystr::{char_len, strip};
use tamis_text::WordTokenizer;

const NAME: &str = "fineweb_quality";

/// Configuration of `fineweb_quality` (datatrove's `FineWebQualityFilter` arguments).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FineWebQualityConfig {
    /// Minimum share of lines ending with a stop character.
    pub line_punct_thr: f64,
    /// Do not apply `line_punct_thr` to documents with no such line at all.
    pub line_punct_exclude_zero: bool,
    /// Line endings that count as punctuated; datatrove's `TERMINAL_PUNCTUATION` when absent.
    pub stop_chars: Option<Vec<String>>,
    /// Maximum share of short lines.
    pub short_line_thr: f64,
    /// A line of at most this many characters is short.
    pub short_line_length: usize,
    /// Maximum share of characters in duplicated lines.
    pub char_duplicates_ratio: f64,
    /// Maximum number of `\n` per word.
    pub new_line_ratio: f64,
    /// Word-tokenizer language (datatrove language key).
    pub language: String,
}

impl Default for FineWebQualityConfig {
    fn default() -> Self {
        FineWebQualityConfig {
            line_punct_thr: 0.12,
            line_punct_exclude_zero: false,
            stop_chars: None,
            short_line_thr: 0.67,
            short_line_length: 30,
            char_duplicates_ratio: 0.01,
            new_line_ratio: 0.3,
            language: default_language(),
        }
    }
}

/// Why `fineweb_quality` dropped a document (datatrove's reason strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FineWebQualityReason {
    /// `empty`
    Empty,
    /// `line_punct_ratio`
    LinePunctRatio,
    /// `short_line_ratio`
    ShortLineRatio,
    /// `char_dup_ratio`
    CharDupRatio,
    /// `list_ratio`
    ListRatio,
}

impl From<FineWebQualityReason> for Reason {
    fn from(r: FineWebQualityReason) -> Reason {
        use FineWebQualityReason::*;
        Reason(match r {
            Empty => "empty",
            LinePunctRatio => "line_punct_ratio",
            ShortLineRatio => "short_line_ratio",
            CharDupRatio => "char_dup_ratio",
            ListRatio => "list_ratio",
        })
    }
}

/// The built step.
#[derive(Debug)]
pub struct FineWebQuality {
    config: FineWebQualityConfig,
    tokenizer: WordTokenizer,
}

impl FineWebQualityConfig {
    /// Validates the configuration and builds the step.
    pub fn build(&self) -> Result<FineWebQuality, crate::ConfigError> {
        if let Some(chars) = &self.stop_chars {
            if chars.iter().any(String::is_empty) {
                return Err(crate::ConfigError {
                    step: NAME,
                    key: "stop_chars",
                    message: "an empty string would match every line".into(),
                });
            }
        }
        Ok(FineWebQuality {
            config: self.clone(),
            tokenizer: WordTokenizer::for_language(&self.language),
        })
    }
}

impl FineWebQuality {
    fn ends_with_stop(&self, line: &str) -> bool {
        match &self.config.stop_chars {
            Some(chars) => chars.iter().any(|c| line.ends_with(c.as_str())),
            None => line.chars().next_back().is_some_and(is_terminal_punctuation),
        }
    }

    /// The decision alone, for tests and the parity harness.
    pub fn decide(&self, text: &str) -> Result<(), FineWebQualityReason> {
        self.judge(&mut Judged::alone(text), &mut Counters::default())
    }

    /// The decision, each signal computed on the way counted in `counters`'
    /// histograms (the rules stop at the first that fails, and so do the signals).
    pub(crate) fn judge(&self, judged: &mut Judged, counters: &mut Counters) -> Result<(), FineWebQualityReason> {
        use FineWebQualityReason::*;
        let c = &self.config;
        let text = judged.text;
        let lines: Vec<&str> = text.split('\n').filter(|l| !strip(l).is_empty()).collect();
        if lines.is_empty() {
            return Err(Empty);
        }
        let punct = ratio(lines.iter().filter(|l| self.ends_with_stop(l)).count(), lines.len());
        counters.observe("line_punct_ratio", Scale::RATIO, punct);
        if punct < c.line_punct_thr && !(punct == 0.0 && c.line_punct_exclude_zero) {
            return Err(LinePunctRatio);
        }
        let short = lines.iter().filter(|l| char_len(l) <= c.short_line_length).count();
        let short = ratio(short, lines.len());
        counters.observe("short_line_ratio", Scale::RATIO, short);
        if short > c.short_line_thr {
            return Err(ShortLineRatio);
        }
        let (_, dup_chars) = find_duplicates(lines.iter().copied());
        let non_newline = char_len(text) - text.bytes().filter(|&b| b == b'\n').count();
        let duplicated = ratio(dup_chars, non_newline);
        counters.observe("char_duplicates_ratio", Scale::RATIO, duplicated);
        if duplicated > c.char_duplicates_ratio {
            return Err(CharDupRatio);
        }
        let words = judged.tokens(&self.tokenizer).word_count();
        let newlines = text.bytes().filter(|&b| b == b'\n').count();
        let newline_ratio = ratio(newlines, words);
        counters.observe("new_line_ratio", Scale::RATIO, newline_ratio);
        if newline_ratio > c.new_line_ratio {
            return Err(ListRatio);
        }
        Ok(())
    }
}

crate::quality::text_filter_step!(FineWebQuality, NAME);

#[cfg(test)]
mod tests {
    use super::*;
    use FineWebQualityReason::*;

    fn decide(text: &str) -> Result<(), FineWebQualityReason> {
        FineWebQualityConfig::default().build().unwrap().decide(text)
    }

    #[test]
    fn each_rule() {
        let good =
            "This is a complete sentence that is long enough to count.\nAnother complete line of prose that ends well.";
        assert_eq!(decide(good), Ok(()));
        assert_eq!(decide(" \n\n "), Err(Empty));
        assert_eq!(
            decide("no punctuation anywhere here at all\nnor here in this line either"),
            Err(LinePunctRatio)
        );
        assert_eq!(
            decide("Short.\nTiny.\nOk.\nA much longer line that ends with a full stop here."),
            Err(ShortLineRatio)
        );
        assert_eq!(
            decide("This is a complete sentence that is long enough to count.\nThis is a complete sentence that is long enough to count."),
            Err(CharDupRatio)
        );
        assert_eq!(
            decide("A line that is long enough, with words.\n\n\n\n\n\nAnother line that is long enough too."),
            Err(ListRatio)
        );
    }
}
