//! datatrove's `simplify_text` (`datatrove/utils/text.py`, 0.10.1), the normalisation MinHash
//! deduplication applies before splitting words (`TextNormConfig`, default configuration).
//!
//! In order: lowercase; numbers (`\p{Nd}+` with an optional decimal part after one of
//! `.,،٫⎖⎗⎘`) become `0`; every `PUNCTUATION` character becomes a space; the stripped text's
//! whitespace runs become one space; NFD, then non-spacing marks (Mn) are removed; strip.
//! (`norm_weekdays` and `norm_monthnames`, off by default, are English-only and not provided.)

use crate::punctuation::is_punctuation_char;
use crate::pystr::{is_nonspacing_mark, is_space, lower, strip};
use regex::Regex;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Which steps of [`simplify_text_with`] run (datatrove's `TextNormConfig`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextNormConfig {
    /// Lowercase.
    pub lowercase: bool,
    /// Collapse whitespace runs to one space.
    pub norm_whitespace: bool,
    /// Replace `PUNCTUATION` characters by spaces.
    pub remove_punctuation: bool,
    /// NFD and drop non-spacing marks.
    pub norm_unicode_diacritics: bool,
    /// Numbers to `0`.
    pub norm_numbers: bool,
}

impl Default for TextNormConfig {
    fn default() -> Self {
        TextNormConfig {
            lowercase: true,
            norm_whitespace: true,
            remove_punctuation: true,
            norm_unicode_diacritics: true,
            norm_numbers: true,
        }
    }
}

fn numbers() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\p{Nd}+(?:[.,،٫⎖⎗⎘]\p{Nd}+)?").expect("valid regex"))
}

/// `simplify_text(text)` with datatrove's default `TextNormConfig`.
pub fn simplify_text(text: &str) -> String {
    simplify_text_with(text, TextNormConfig::default())
}

/// `simplify_text(text, config)`.
pub fn simplify_text_with(text: &str, config: TextNormConfig) -> String {
    let mut t = if config.lowercase {
        lower(text)
    } else {
        text.to_string()
    };
    if config.norm_numbers {
        t = numbers().replace_all(&t, "0").into_owned();
    }
    if config.remove_punctuation {
        t = t
            .chars()
            .map(|c| if is_punctuation_char(c) { ' ' } else { c })
            .collect();
    }
    if config.norm_whitespace {
        let mut out = String::with_capacity(t.len());
        let mut in_space = false;
        for c in strip(&t).chars() {
            if is_space(c) {
                if !in_space {
                    out.push(' ');
                }
                in_space = true;
            } else {
                out.push(c);
                in_space = false;
            }
        }
        t = out;
    }
    if config.norm_unicode_diacritics {
        t = t.nfd().filter(|c| !is_nonspacing_mark(*c)).collect();
    }
    strip(&t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_datatrove() {
        // Expected values printed by datatrove 0.10.1's simplify_text.
        assert_eq!(simplify_text("Héllo, Wörld! 3.14 and 2,000"), "hello world 0 and 0");
        assert_eq!(simplify_text("  L'été   à\tParis—2024 "), "l ete a paris 0");
        assert_eq!(simplify_text("Ça va? «Oui»"), "ca va oui");
    }
}
