//! `gopher_quality`: Gopher's quality rules (Rae et al. 2021, *Scaling Language Models:
//! Methods, Analysis & Insights from Training Gopher*, §A.1.1 and Table A1).
//!
//! Reference implementation: datatrove 0.10.1, `src/datatrove/pipeline/filters/gopher_quality_filter.py`
//! (`GopherQualityFilter`); parameter names, defaults, order of the rules and drop reasons are
//! datatrove's. Words are datatrove's `split_into_words` ([`tamis_text::WordTokenizer`], spaCy
//! rules for `language`).
//!
//! Rules, in order (`null` or `0` disables one, as datatrove's truthiness test does):
//! - `gopher_short_doc` / `gopher_long_doc`: words that are not only punctuation
//!   (`PUNCTUATION_SET`) outside `[min_doc_words, max_doc_words]`;
//! - `gopher_below_avg_threshold` / `gopher_above_avg_threshold`: their mean length (in
//!   characters) outside `[min_avg_word_length, max_avg_word_length]`;
//! - `gopher_too_many_hashes` / `gopher_too_many_ellipsis`: `#` or `...`+`…` per word (all
//!   words) above `max_symbol_word_ratio`;
//! - `gopher_too_many_bullets`: lines starting (after leading whitespace) with `•` or `-`
//!   above `max_bullet_lines_ratio`;
//! - `gopher_too_many_end_ellipsis`: lines ending with `...` or `…` above `max_ellipsis_lines_ratio`;
//! - `gopher_below_alpha_threshold`: words with an alphabetic character below
//!   `max_non_alpha_words_ratio` (a minimum, despite its name; datatrove's TODO);
//! - `gopher_enough_stop_words`: fewer than `min_stop_words` distinct `stop_words` present
//!   (datatrove's name: the drop means *not* enough).
//!
//! Differs from the reference: where datatrove divides by zero (all rules disabled up to a
//! ratio on a text without words) it raises; here the ratio rule does not fire.
//! Parity: `bench/quality/filter_parity.py`, fixture test `tests/quality_parity.rs`.

use crate::quality::{default_language, ratio, Judged};
use serde::{Deserialize, Serialize};
use tamis_api::{Counters, Reason, Scale};
use tamis_text::punctuation::is_punctuation;
use tamis_text::pystr::{char_len, is_alpha, lstrip, rstrip};
use tamis_text::WordTokenizer;

const NAME: &str = "gopher_quality";

/// Buckets of the mean word length: a quarter character.
const AVG_WORD_LENGTH: Scale = Scale::Linear { width: 0.25 };

/// datatrove's `STOP_WORDS`.
const STOP_WORDS: [&str; 8] = ["the", "be", "to", "of", "and", "that", "have", "with"];

/// Configuration of `gopher_quality` (datatrove's `GopherQualityFilter` arguments).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct GopherQualityConfig {
    /// Minimum number of non-symbol words.
    pub min_doc_words: Option<u64>,
    /// Maximum number of non-symbol words.
    pub max_doc_words: Option<u64>,
    /// Minimum mean non-symbol word length, in characters.
    pub min_avg_word_length: Option<f64>,
    /// Maximum mean non-symbol word length, in characters.
    pub max_avg_word_length: Option<f64>,
    /// Maximum `#` (and, separately, ellipsis) count per word.
    pub max_symbol_word_ratio: Option<f64>,
    /// Maximum share of lines starting with a bullet.
    pub max_bullet_lines_ratio: Option<f64>,
    /// Maximum share of lines ending with an ellipsis.
    pub max_ellipsis_lines_ratio: Option<f64>,
    /// *Minimum* share of words holding an alphabetic character (datatrove's name).
    pub max_non_alpha_words_ratio: Option<f64>,
    /// Minimum number of distinct stop words present.
    pub min_stop_words: Option<u64>,
    /// The stop words (case-sensitive); datatrove's `STOP_WORDS` when absent.
    pub stop_words: Option<Vec<String>>,
    /// Word-tokenizer language (datatrove language key).
    pub language: String,
}

impl Default for GopherQualityConfig {
    fn default() -> Self {
        GopherQualityConfig {
            min_doc_words: Some(50),
            max_doc_words: Some(100_000),
            min_avg_word_length: Some(3.0),
            max_avg_word_length: Some(10.0),
            max_symbol_word_ratio: Some(0.1),
            max_bullet_lines_ratio: Some(0.9),
            max_ellipsis_lines_ratio: Some(0.3),
            max_non_alpha_words_ratio: Some(0.8),
            min_stop_words: Some(2),
            stop_words: None,
            language: default_language(),
        }
    }
}

/// Why `gopher_quality` dropped a document (datatrove's reason strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GopherQualityReason {
    /// `gopher_short_doc`
    ShortDoc,
    /// `gopher_long_doc`
    LongDoc,
    /// `gopher_below_avg_threshold`
    BelowAvgThreshold,
    /// `gopher_above_avg_threshold`
    AboveAvgThreshold,
    /// `gopher_too_many_hashes`
    TooManyHashes,
    /// `gopher_too_many_ellipsis`
    TooManyEllipsis,
    /// `gopher_too_many_bullets`
    TooManyBullets,
    /// `gopher_too_many_end_ellipsis`
    TooManyEndEllipsis,
    /// `gopher_below_alpha_threshold`
    BelowAlphaThreshold,
    /// `gopher_enough_stop_words` (too few stop words)
    EnoughStopWords,
}

impl From<GopherQualityReason> for Reason {
    fn from(r: GopherQualityReason) -> Reason {
        use GopherQualityReason::*;
        Reason(match r {
            ShortDoc => "gopher_short_doc",
            LongDoc => "gopher_long_doc",
            BelowAvgThreshold => "gopher_below_avg_threshold",
            AboveAvgThreshold => "gopher_above_avg_threshold",
            TooManyHashes => "gopher_too_many_hashes",
            TooManyEllipsis => "gopher_too_many_ellipsis",
            TooManyBullets => "gopher_too_many_bullets",
            TooManyEndEllipsis => "gopher_too_many_end_ellipsis",
            BelowAlphaThreshold => "gopher_below_alpha_threshold",
            EnoughStopWords => "gopher_enough_stop_words",
        })
    }
}

/// The built step.
#[derive(Debug)]
pub struct GopherQuality {
    config: GopherQualityConfig,
    stop_words: Vec<String>,
    tokenizer: WordTokenizer,
}

/// datatrove tests thresholds by truthiness: `None` and `0` both disable a rule.
fn on<T: PartialEq + Default + Copy>(v: Option<T>) -> Option<T> {
    v.filter(|x| *x != T::default())
}

impl GopherQualityConfig {
    /// Validates the configuration and builds the step.
    pub fn build(&self) -> Result<GopherQuality, crate::ConfigError> {
        for (key, v) in [
            ("min_avg_word_length", self.min_avg_word_length),
            ("max_avg_word_length", self.max_avg_word_length),
            ("max_symbol_word_ratio", self.max_symbol_word_ratio),
            ("max_bullet_lines_ratio", self.max_bullet_lines_ratio),
            ("max_ellipsis_lines_ratio", self.max_ellipsis_lines_ratio),
            ("max_non_alpha_words_ratio", self.max_non_alpha_words_ratio),
        ] {
            if v.is_some_and(|x| !x.is_finite()) {
                return Err(crate::ConfigError {
                    step: NAME,
                    key,
                    message: "must be a finite number or null".into(),
                });
            }
        }
        let mut stop_words: Vec<String> = match &self.stop_words {
            Some(words) => words.clone(),
            None => STOP_WORDS.iter().map(|s| s.to_string()).collect(),
        };
        // datatrove keeps them in a set.
        stop_words.sort();
        stop_words.dedup();
        Ok(GopherQuality {
            config: self.clone(),
            stop_words,
            tokenizer: WordTokenizer::for_language(&self.language),
        })
    }
}

impl GopherQuality {
    /// The decision alone, for tests and the parity harness.
    pub fn decide(&self, text: &str) -> Result<(), GopherQualityReason> {
        self.judge(&mut Judged::alone(text), &mut Counters::default())
    }

    /// The decision, each signal computed on the way counted in `counters`'
    /// histograms (the rules stop at the first that fails, and so do the signals).
    pub(crate) fn judge(&self, judged: &mut Judged, counters: &mut Counters) -> Result<(), GopherQualityReason> {
        use GopherQualityReason::*;
        let c = &self.config;
        let text = judged.text;
        let words: Vec<&str> = judged.tokens(&self.tokenizer).words(text).collect();
        let n_words = words.len();
        let mut n_non_symbol = 0usize;
        let mut non_symbol_chars = 0usize;
        for w in &words {
            if w.chars().any(|ch| !is_punctuation(ch)) {
                n_non_symbol += 1;
                non_symbol_chars += char_len(w);
            }
        }
        counters.observe("doc_words", Scale::COUNT, n_non_symbol as f64);
        if on(c.min_doc_words).is_some_and(|m| (n_non_symbol as u64) < m) {
            return Err(ShortDoc);
        }
        if on(c.max_doc_words).is_some_and(|m| (n_non_symbol as u64) > m) {
            return Err(LongDoc);
        }
        let avg = ratio(non_symbol_chars, n_non_symbol);
        counters.observe("avg_word_length", AVG_WORD_LENGTH, avg);
        if on(c.min_avg_word_length).is_some_and(|m| avg < m) {
            return Err(BelowAvgThreshold);
        }
        if on(c.max_avg_word_length).is_some_and(|m| avg > m) {
            return Err(AboveAvgThreshold);
        }
        if let Some(max) = on(c.max_symbol_word_ratio) {
            let hashes = ratio(text.matches('#').count(), n_words);
            counters.observe("hash_word_ratio", Scale::RATIO, hashes);
            if hashes > max {
                return Err(TooManyHashes);
            }
            let ellipses = text.matches("...").count() + text.matches('…').count();
            let ellipses = ratio(ellipses, n_words);
            counters.observe("ellipsis_word_ratio", Scale::RATIO, ellipses);
            if ellipses > max {
                return Err(TooManyEllipsis);
            }
        }
        let lines: Vec<&str> = judged.lines().of_text(text).collect();
        if let Some(max) = on(c.max_bullet_lines_ratio) {
            let bullets = lines
                .iter()
                .filter(|l| {
                    let l = lstrip(l);
                    l.starts_with('•') || l.starts_with('-')
                })
                .count();
            let bullets = ratio(bullets, lines.len());
            counters.observe("bullet_lines_ratio", Scale::RATIO, bullets);
            if bullets > max {
                return Err(TooManyBullets);
            }
        }
        if let Some(max) = on(c.max_ellipsis_lines_ratio) {
            let ends = lines
                .iter()
                .filter(|l| {
                    let l = rstrip(l);
                    l.ends_with("...") || l.ends_with('…')
                })
                .count();
            let ends = ratio(ends, lines.len());
            counters.observe("ellipsis_lines_ratio", Scale::RATIO, ends);
            if ends > max {
                return Err(TooManyEndEllipsis);
            }
        }
        if let Some(min) = on(c.max_non_alpha_words_ratio) {
            let alpha = words.iter().filter(|w| w.chars().any(is_alpha)).count();
            let alpha = ratio(alpha, n_words);
            counters.observe("alpha_words_ratio", Scale::RATIO, alpha);
            if alpha < min {
                return Err(BelowAlphaThreshold);
            }
        }
        if let Some(min) = on(c.min_stop_words) {
            let present = self.stop_words.iter().filter(|s| words.contains(&s.as_str())).count();
            counters.observe("stop_words", Scale::Linear { width: 1.0 }, present as f64);
            if (present as u64) < min {
                return Err(EnoughStopWords);
            }
        }
        Ok(())
    }
}

crate::quality::text_filter_step!(GopherQuality, NAME);

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(text: &str) -> Result<(), GopherQualityReason> {
        GopherQualityConfig::default().build().unwrap().decide(text)
    }

    fn prose(n: usize) -> String {
        "The cat sat on the mat with a hat and that was fine. ".repeat(n)
    }

    #[test]
    fn each_rule() {
        use GopherQualityReason::*;
        assert_eq!(decide(&prose(10)), Ok(()));
        assert_eq!(decide("the and of"), Err(ShortDoc));
        assert_eq!(decide(&"a b c d e f g h i j ".repeat(10)), Err(BelowAvgThreshold));
        assert_eq!(decide(&"internationalisation ".repeat(60)), Err(AboveAvgThreshold));
        assert_eq!(decide(&format!("{}{}", prose(10), "#".repeat(40))), Err(TooManyHashes));
        assert_eq!(
            decide(&format!("{}{}", prose(10), "... ".repeat(20))),
            Err(TooManyEllipsis)
        );
        assert_eq!(
            decide(&"- The cat sat on the mat with that hat.\n".repeat(20)),
            Err(TooManyBullets)
        );
        assert_eq!(
            decide(&"The cat sat on the mat with that hat…\n".repeat(20)),
            Err(TooManyEndEllipsis)
        );
        assert_eq!(
            decide(&format!("{} {}", prose(5), "123 456 789 ".repeat(40))),
            Err(BelowAlphaThreshold)
        );
        assert_eq!(
            decide(&"Cats sit on mats all day long while dogs bark.\n".repeat(10)),
            Err(EnoughStopWords)
        );
    }

    #[test]
    fn null_disables() {
        let config: GopherQualityConfig = serde_json::from_str(r#"{"min_doc_words": null}"#).unwrap();
        assert_eq!(config.build().unwrap().decide("the and of with"), Ok(()));
    }
}
