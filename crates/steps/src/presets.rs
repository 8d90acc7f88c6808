//! Presets: named step chains that expand to ordinary [`StepConfig`] entries before building.
//!
//! ```yaml
//! steps:
//!   - preset: { name: fineweb2, language: fra_Latn }
//! ```
//!
//! - `fineweb`: FineWeb's filter chain (Penedo et al. 2024; datatrove `examples/fineweb.py`):
//!   URL filter → extract → language(en, 0.65) → Gopher repetition → Gopher quality → C4 quality
//!   without the terminal-punctuation rule → FineWeb quality. `url_filter` takes the URL
//!   filter's configuration (its lists are not bundled); `extract` and `language` are the steps
//!   of those names, added when they are registered (see [`FINEWEB_PENDING`]).
//! - `fineweb2`: FineWeb-2's per-language filtering (`fineweb-2-pipeline.py` step 5 of
//!   huggingface/fineweb-2 @05e6729, thresholds from its `configs/{lang}_{script}.yml`):
//!   Gopher repetition (paragraph and line-character rules off) → FineWeb quality (short-line
//!   rule off, `char_duplicates_ratio` 0.1) → Gopher quality with the language's stop words.
//!   Its language-score threshold is exposed as [`Fineweb2Thresholds::language_score`] for the
//!   language step. No C4 filters, as in FineWeb-2.
//!
//! Semantics are datatrove 0.10's (`datatrove-0.10`, the only profile so far; see
//! docs/quality.md for how datatrove 0.2.0, which FineWeb v1 used, differs).

use crate::c4_quality::C4QualityConfig;
use crate::fineweb_quality::FineWebQualityConfig;
use crate::gopher_quality::GopherQualityConfig;
use crate::gopher_repetition::GopherRepetitionConfig;
use crate::url_filter::UrlFilterConfig;
use crate::{ConfigError, StepConfig};
use serde::Deserialize;

/// The steps of the `fineweb` chain that are not in this crate yet and are skipped by the
/// expansion until they are registered: `extract` (after `url_filter`) and
/// `language: {languages: [en], language_threshold: 0.65}` (after `extract`).
pub const FINEWEB_PENDING: [&str; 2] = ["extract", "language"];

/// A `preset:` entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case", deny_unknown_fields)]
pub enum PresetConfig {
    /// FineWeb (English).
    Fineweb {
        /// The URL filter's configuration; without it the chain starts at extraction.
        #[serde(default)]
        url_filter: Option<UrlFilterConfig>,
    },
    /// FineWeb-2 filtering for one language (`fra_Latn`, `deu`, `es`…).
    Fineweb2 {
        /// The language, as FineWeb-2's config names it or any datatrove key for it.
        language: String,
    },
}

/// FineWeb-2's thresholds for one language (`configs/{lang}_{script}.yml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Fineweb2Thresholds {
    /// `lang_script` key.
    pub key: &'static str,
    /// Minimum GlotLID score.
    pub language_score: f64,
    /// Gopher repetition `dup_line_frac`.
    pub dup_line_frac: f64,
    /// Gopher repetition `top_n_grams` for n = 2, 3, 4.
    pub top_n_grams: [f64; 3],
    /// Gopher repetition `dup_n_grams` for n = 5..=10.
    pub dup_n_grams: [f64; 6],
    /// FineWeb quality `line_punct_thr`.
    pub line_punct_thr: f64,
    /// FineWeb quality `new_line_ratio`.
    pub new_line_ratio: f64,
    /// Gopher quality `min_avg_word_length`.
    pub min_avg_word_length: f64,
    /// Gopher quality `max_avg_word_length`.
    pub max_avg_word_length: f64,
    /// Gopher quality `max_non_alpha_words_ratio`.
    pub max_non_alpha_words_ratio: f64,
    /// Gopher quality stop words.
    pub stopwords: &'static [&'static str],
}

/// The bundled FineWeb-2 languages (values read from huggingface/fineweb-2 `configs/`).
#[rustfmt::skip]
pub const FINEWEB2: &[Fineweb2Thresholds] = &[
    Fineweb2Thresholds { key: "fra_Latn", language_score: 0.824, dup_line_frac: 0.264,
        top_n_grams: [0.161, 0.149, 0.134], dup_n_grams: [0.15, 0.141, 0.131, 0.121, 0.111, 0.1],
        line_punct_thr: 0.1, new_line_ratio: 0.185, min_avg_word_length: 2.0, max_avg_word_length: 11.0,
        max_non_alpha_words_ratio: 0.812,
        stopwords: &["de", "la", "le", "et", "à", "en", "l'", "des", "du", "les", "est", "d'", "un", "une", "il",
            "dans", "par", "au"] },
    Fineweb2Thresholds { key: "deu_Latn", language_score: 0.821, dup_line_frac: 0.263,
        top_n_grams: [0.169, 0.153, 0.137], dup_n_grams: [0.141, 0.134, 0.126, 0.117, 0.108, 0.098],
        line_punct_thr: 0.0, new_line_ratio: 0.152, min_avg_word_length: 0.0, max_avg_word_length: 15.0,
        max_non_alpha_words_ratio: 0.774,
        stopwords: &["der", "und", "die", "in", "von", "im", "den", "des", "mit", "das", "er", "dem", "als", "wurde",
            "für"] },
    Fineweb2Thresholds { key: "spa_Latn", language_score: 0.84, dup_line_frac: 0.265,
        top_n_grams: [0.077, 0.097, 0.112], dup_n_grams: [0.152, 0.137, 0.123, 0.114, 0.107, 0.099],
        line_punct_thr: 0.3, new_line_ratio: 0.171, min_avg_word_length: 4.0, max_avg_word_length: 14.0,
        max_non_alpha_words_ratio: 0.825,
        stopwords: &["de", "la", "en", "el", "y", "a", "que", "del", "los", "se", "por", "un", "con", "una", "las",
            "su"] },
    Fineweb2Thresholds { key: "ita_Latn", language_score: 0.817, dup_line_frac: 0.246,
        top_n_grams: [0.198, 0.156, 0.133], dup_n_grams: [0.144, 0.136, 0.127, 0.118, 0.109, 0.1],
        line_punct_thr: 0.025, new_line_ratio: 0.2, min_avg_word_length: 3.0, max_avg_word_length: 21.0,
        max_non_alpha_words_ratio: 0.807,
        stopwords: &["di", "e", "il", "la", "in", "a", "del", "che", "è", "della", "un", "per", "nel", "l'", "con",
            "da", "i", "una"] },
    Fineweb2Thresholds { key: "por_Latn", language_score: 0.799, dup_line_frac: 0.325,
        top_n_grams: [0.093, 0.117, 0.139], dup_n_grams: [0.19, 0.172, 0.154, 0.142, 0.131, 0.12],
        line_punct_thr: 0.154, new_line_ratio: 0.23, min_avg_word_length: 3.0, max_avg_word_length: 13.0,
        max_non_alpha_words_ratio: 0.814,
        stopwords: &["de", "a", "e", "o", "em", "do", "da", "que", "um", "no", "uma", "com", "para", "na", "é",
            "foi"] },
    Fineweb2Thresholds { key: "nld_Latn", language_score: 0.689, dup_line_frac: 0.333,
        top_n_grams: [0.093, 0.117, 0.14], dup_n_grams: [0.177, 0.16, 0.145, 0.133, 0.123, 0.112],
        line_punct_thr: 0.238, new_line_ratio: 0.194, min_avg_word_length: 3.0, max_avg_word_length: 16.0,
        max_non_alpha_words_ratio: 0.828,
        stopwords: &["de", "van", "in", "het", "een", "en", "is", "op", "voor", "met", "door", "zijn", "werd", "hij",
            "uit"] },
    Fineweb2Thresholds { key: "pol_Latn", language_score: 0.689, dup_line_frac: 0.353,
        top_n_grams: [0.096, 0.12, 0.144], dup_n_grams: [0.203, 0.182, 0.163, 0.15, 0.137, 0.126],
        line_punct_thr: 0.2, new_line_ratio: 0.209, min_avg_word_length: 3.0, max_avg_word_length: 11.0,
        max_non_alpha_words_ratio: 0.726,
        stopwords: &["w", "i", "na", "z", "do", "się", "roku", "od", "a", "jest", "przez", "po", "jako", "oraz", "o",
            "został", "był", "nie"] },
    Fineweb2Thresholds { key: "rus_Cyrl", language_score: 0.9, dup_line_frac: 0.322,
        top_n_grams: [0.184, 0.164, 0.146], dup_n_grams: [0.168, 0.156, 0.145, 0.133, 0.121, 0.109],
        line_punct_thr: 0.231, new_line_ratio: 0.139, min_avg_word_length: 3.0, max_avg_word_length: 11.0,
        max_non_alpha_words_ratio: 0.713,
        stopwords: &["в", "и", "на", "с", "года", "по", "году", "из", "был", "к", "не", "от", "что", "за", "для",
            "его", "как", "а", "он", "также", "до", "после"] },
    Fineweb2Thresholds { key: "jpn_Jpan", language_score: 0.886, dup_line_frac: 0.375,
        top_n_grams: [0.121, 0.129, 0.145], dup_n_grams: [0.307, 0.283, 0.264, 0.248, 0.234, 0.223],
        line_punct_thr: 0.167, new_line_ratio: 0.162, min_avg_word_length: 1.0, max_avg_word_length: 5.0,
        max_non_alpha_words_ratio: 0.759,
        stopwords: &["の", "に", "を", "は", "た", "て", "が", "と", "で", "年", "し", "・", "月", "れ", "さ"] },
    Fineweb2Thresholds { key: "cmn_Hani", language_score: 0.692, dup_line_frac: 0.287,
        top_n_grams: [0.256, 0.201, 0.171], dup_n_grams: [0.198, 0.182, 0.167, 0.154, 0.14, 0.127],
        line_punct_thr: 0.106, new_line_ratio: 0.178, min_avg_word_length: 1.0, max_avg_word_length: 5.0,
        max_non_alpha_words_ratio: 0.735,
        stopwords: &["的", "年", "在", "月", "是", "和", "日", "了", "於", "·", "為", "有", "被", "人", "中", "为", "他",
            "與", "後", "也", "而", "由"] },
];

/// Finds a language's FineWeb-2 thresholds by `lang_script`, ISO 639-3 or ISO 639-1 code.
pub fn fineweb2_thresholds(language: &str) -> Option<&'static Fineweb2Thresholds> {
    let iso1 = |key: &str| match &key[..3] {
        "fra" => "fr",
        "deu" => "de",
        "spa" => "es",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "pol" => "pl",
        "rus" => "ru",
        "jpn" => "ja",
        "cmn" => "zh",
        _ => "",
    };
    FINEWEB2
        .iter()
        .find(|t| t.key == language || &t.key[..3] == language || iso1(t.key) == language)
}

impl PresetConfig {
    /// The step list this preset stands for.
    pub fn expand(&self) -> Result<Vec<StepConfig>, ConfigError> {
        match self {
            PresetConfig::Fineweb { url_filter } => {
                let mut steps = Vec::new();
                if let Some(u) = url_filter {
                    steps.push(StepConfig::UrlFilter(u.clone()));
                }
                // FINEWEB_PENDING: extract, then language(en, 0.65), go here once registered.
                steps.push(StepConfig::GopherRepetition(GopherRepetitionConfig::default()));
                steps.push(StepConfig::GopherQuality(GopherQualityConfig::default()));
                steps.push(StepConfig::C4Quality(C4QualityConfig {
                    filter_no_terminal_punct: false,
                    ..C4QualityConfig::default()
                }));
                steps.push(StepConfig::FinewebQuality(FineWebQualityConfig::default()));
                Ok(steps)
            }
            PresetConfig::Fineweb2 { language } => {
                let t = fineweb2_thresholds(language).ok_or_else(|| ConfigError {
                    step: "preset",
                    key: "language",
                    message: format!(
                        "no bundled FineWeb-2 thresholds for {language:?} (bundled: {})",
                        FINEWEB2.iter().map(|t| t.key).collect::<Vec<_>>().join(", ")
                    ),
                })?;
                let lang = t.key.to_string();
                Ok(vec![
                    StepConfig::GopherRepetition(GopherRepetitionConfig {
                        dup_para_frac: None,
                        dup_line_char_frac: None,
                        dup_para_char_frac: None,
                        dup_line_frac: Some(t.dup_line_frac),
                        top_n_grams: (2..).zip(t.top_n_grams).collect(),
                        dup_n_grams: (5..).zip(t.dup_n_grams).collect(),
                        language: lang.clone(),
                    }),
                    StepConfig::FinewebQuality(FineWebQualityConfig {
                        short_line_thr: 999.0,
                        char_duplicates_ratio: 0.1,
                        line_punct_thr: t.line_punct_thr,
                        new_line_ratio: t.new_line_ratio,
                        language: lang.clone(),
                        ..FineWebQualityConfig::default()
                    }),
                    StepConfig::GopherQuality(GopherQualityConfig {
                        max_avg_word_length: Some(t.max_avg_word_length),
                        min_avg_word_length: Some(t.min_avg_word_length),
                        stop_words: Some(t.stopwords.iter().map(|s| s.to_string()).collect()),
                        max_non_alpha_words_ratio: Some(t.max_non_alpha_words_ratio),
                        min_stop_words: Some(2),
                        language: lang,
                        ..GopherQualityConfig::default()
                    }),
                ])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fineweb2_expands_with_the_language_thresholds() {
        let steps = PresetConfig::Fineweb2 { language: "fr".into() }.expand().unwrap();
        assert_eq!(steps.len(), 3);
        let StepConfig::GopherQuality(q) = &steps[2] else {
            panic!()
        };
        assert_eq!(q.max_avg_word_length, Some(11.0));
        assert_eq!(q.language, "fra_Latn");
        for step in &steps {
            step.build().unwrap();
        }
        assert!(PresetConfig::Fineweb2 { language: "tlh".into() }.expand().is_err());
        for t in FINEWEB2 {
            assert!(fineweb2_thresholds(t.key).is_some());
        }
    }

    #[test]
    fn fineweb_without_terminal_punctuation_rule() {
        let steps = PresetConfig::Fineweb { url_filter: None }.expand().unwrap();
        let names: Vec<&str> = steps.iter().map(|s| s.build().unwrap().name()).collect();
        assert_eq!(
            names,
            ["gopher_repetition", "gopher_quality", "c4_quality", "fineweb_quality"]
        );
        let StepConfig::C4Quality(c4) = &steps[2] else { panic!() };
        assert!(!c4.filter_no_terminal_punct);
    }
}
