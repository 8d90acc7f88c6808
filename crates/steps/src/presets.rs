//! Presets: named step chains that expand to ordinary [`StepConfig`] entries before building.
//!
//! ```yaml
//! steps:
//!   - preset: { name: fineweb2, language: fra_Latn }
//! ```
//!
//! - `fineweb`: FineWeb's filter chain (Penedo et al. 2024; datatrove `examples/fineweb.py`):
//!   URL filter → extract → language(en, 0.65) → Gopher repetition → Gopher quality → C4 quality
//!   without the terminal-punctuation rule → FineWeb quality → PII (emails and IPs, as
//!   FineWeb's last stage did; after a `minhash_dedup` step, put `pii` there instead). `url_filter` takes the URL
//!   filter's configuration (its lists are not bundled, so without it the chain starts at
//!   extraction); language identification uses the built-in `lid.176.ftz` (FineWeb used
//!   `lid.176.bin`; `language_model` takes its path).
//! - `fineweb2`: FineWeb-2's per-language filtering (`fineweb-2-pipeline.py` step 5 of
//!   huggingface/fineweb-2 @d0defb2, thresholds from its `configs/{lang}_{script}.yml`, generated into
//!   `fineweb2_table.rs` by `bench/quality/gen_fineweb2_presets.py`):
//!   Gopher repetition (paragraph and line-character rules off) → FineWeb quality (short-line
//!   rule off, `char_duplicates_ratio` 0.1) → Gopher quality with the language's stop words.
//!   With `glotlid_model` (GlotLID v3, which FineWeb-2 used; not bundled), a `language` step
//!   comes first, keeping the language above its FineWeb-2 score
//!   ([`Fineweb2Thresholds::language_score`]). No C4 filters, as in FineWeb-2.
//!
//! Semantics are datatrove 0.10's (`datatrove-0.10`, the only profile so far; see
//! docs/quality.md for how datatrove 0.2.0, which FineWeb v1 used, differs).

use crate::c4_quality::C4QualityConfig;
use crate::extract::ExtractConfig;
use crate::fineweb_quality::FineWebQualityConfig;
use crate::gopher_quality::GopherQualityConfig;
use crate::gopher_repetition::GopherRepetitionConfig;
use crate::language::{Backend, LanguageConfig, Languages};
use crate::pii::PiiConfig;
use crate::url_filter::UrlFilterConfig;
use crate::{ConfigError, StepConfig};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A `preset:` entry.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "name", rename_all = "snake_case", deny_unknown_fields)]
pub enum PresetConfig {
    /// FineWeb (English).
    Fineweb {
        /// The URL filter's configuration; without it the chain starts at extraction.
        #[serde(default)]
        url_filter: Option<UrlFilterConfig>,
        /// The language model [default: the built-in lid.176.ftz].
        #[serde(default)]
        language_model: Option<PathBuf>,
    },
    /// FineWeb-2 filtering for one language (`fra_Latn`, `deu`, `es`…).
    Fineweb2 {
        /// The language, as FineWeb-2's config names it or any datatrove key for it.
        language: String,
        /// GlotLID v3's model file; with it the chain starts with FineWeb-2's language filter.
        #[serde(default)]
        glotlid_model: Option<PathBuf>,
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

#[path = "fineweb2_table.rs"]
mod fineweb2_table;
pub use fineweb2_table::FINEWEB2;

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
            PresetConfig::Fineweb {
                url_filter,
                language_model,
            } => {
                let mut steps = Vec::new();
                if let Some(u) = url_filter {
                    steps.push(StepConfig::UrlFilter(u.clone()));
                }
                steps.push(StepConfig::Extract(ExtractConfig::default()));
                steps.push(StepConfig::Language(LanguageConfig {
                    languages: Some(Languages::Many(vec!["en".into()])),
                    language_threshold: 0.65,
                    model: language_model.clone(),
                    ..LanguageConfig::default()
                }));
                steps.push(StepConfig::GopherRepetition(GopherRepetitionConfig::default()));
                steps.push(StepConfig::GopherQuality(GopherQualityConfig::default()));
                steps.push(StepConfig::C4Quality(C4QualityConfig {
                    filter_no_terminal_punct: false,
                    ..C4QualityConfig::default()
                }));
                steps.push(StepConfig::FinewebQuality(FineWebQualityConfig::default()));
                // FineWeb anonymised emails and IP addresses last (its
                // `PIIFormatter`, after deduplication): a preset without a
                // dedup step puts it at the end of the chain.
                steps.push(StepConfig::Pii(PiiConfig::default()));
                Ok(steps)
            }
            PresetConfig::Fineweb2 {
                language,
                glotlid_model,
            } => {
                let t = fineweb2_thresholds(language).ok_or_else(|| ConfigError {
                    step: "preset",
                    key: "language",
                    message: format!(
                        "no bundled FineWeb-2 thresholds for {language:?} (bundled: {})",
                        FINEWEB2.iter().map(|t| t.key).collect::<Vec<_>>().join(", ")
                    ),
                })?;
                let lang = t.key.to_string();
                let language_filter = glotlid_model.as_ref().map(|model| {
                    StepConfig::Language(LanguageConfig {
                        languages: Some(Languages::Many(vec![lang.clone()])),
                        thresholds: [(lang.clone(), t.language_score)].into(),
                        model: Some(model.clone()),
                        backend: Backend::Glotlid,
                        ..LanguageConfig::default()
                    })
                });
                let filters = [
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
                ];
                Ok(language_filter.into_iter().chain(filters).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fineweb2_expands_with_the_language_thresholds() {
        let fineweb2 = |language: &str| PresetConfig::Fineweb2 {
            language: language.into(),
            glotlid_model: None,
        };
        let steps = fineweb2("fr").expand().unwrap();
        assert_eq!(steps.len(), 3);
        let StepConfig::GopherQuality(q) = &steps[2] else {
            panic!()
        };
        assert_eq!(q.max_avg_word_length, Some(FINEWEB2[0].max_avg_word_length));
        assert_eq!(q.language, "fra_Latn");
        for step in &steps {
            step.build().unwrap();
        }
        assert!(fineweb2("tlh").expand().is_err());
        let with_lid = PresetConfig::Fineweb2 {
            language: "fr".into(),
            glotlid_model: Some("glotlid.bin".into()),
        };
        let StepConfig::Language(lid) = &with_lid.expand().unwrap()[0] else {
            panic!("the language filter comes first")
        };
        assert_eq!(lid.thresholds["fra_Latn"], FINEWEB2[0].language_score);
        assert_eq!(lid.backend, Backend::Glotlid);
        for t in FINEWEB2 {
            assert!(fineweb2_thresholds(t.key).is_some());
        }
    }

    #[test]
    fn fineweb_without_terminal_punctuation_rule() {
        let steps = PresetConfig::Fineweb {
            url_filter: None,
            language_model: None,
        }
        .expand()
        .unwrap();
        let names: Vec<&str> = steps.iter().map(|s| s.build().unwrap().name()).collect();
        assert_eq!(
            names,
            [
                "extract",
                "language",
                "gopher_repetition",
                "gopher_quality",
                "c4_quality",
                "fineweb_quality",
                "pii"
            ]
        );
        let StepConfig::C4Quality(c4) = &steps[4] else { panic!() };
        assert!(!c4.filter_no_terminal_punct);
    }
}
