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
//!   `data/fineweb2.tsv` by `bench/quality/gen_fineweb2_presets.py`; all 1,929 languages):
//!   Gopher repetition (paragraph and line-character rules off) → FineWeb quality (short-line
//!   rule off, `char_duplicates_ratio` 0.1) → Gopher quality with the language's stop words.
//!   With `glotlid_model` (GlotLID v3, which FineWeb-2 used; not bundled), a `language` step
//!   comes first, keeping the language above its FineWeb-2 score
//!   ([`Fineweb2Thresholds::language_score`]). No C4 filters, as in FineWeb-2. A language whose
//!   datatrove word tokenizer tamis does not implement (187 of 1,929: Stanza, IndicNLP, Thai…;
//!   [`tamis_text::Resolution::missing_tokenizer`]) is a configuration error naming that
//!   tokenizer, unless `approximate_tokenizer: true` accepts spaCy's `xx` rules instead.
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
use std::sync::OnceLock;

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
        /// Run a language whose datatrove word tokenizer tamis does not implement (Stanza,
        /// IndicNLP, Thai, Khmer, Lao, Tibetan, Burmese, Kiwi, spaCy `ja`/`zh`/`vi`) with spaCy's
        /// multi-language `xx` rules instead. Off by default: such a language is a configuration
        /// error naming the missing tokenizer, since its word counts (and so decisions) may differ.
        #[serde(default)]
        approximate_tokenizer: bool,
    },
}

/// FineWeb-2's thresholds for one language (`configs/{lang}_{script}.yml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Fineweb2Thresholds {
    /// `lang_script` key.
    pub key: &'static str,
    /// The ISO 639-1 code datatrove's `tokenizer_assignment.csv` gives it (empty if none).
    pub iso639_1: &'static str,
    /// True when the script is the language's default in datatrove's `tokenizer_assignment.csv`.
    pub default_script: bool,
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
    /// The word tokenizer datatrove 0.10.1's `load_word_tokenizer(key)` builds: class
    /// (`SpaCyTokenizer`, `StanzaTokenizer`, …) and argument (`fr`, `kmr`, or empty).
    pub tokenizer: (&'static str, &'static str),
    /// Gopher quality stop words.
    pub stopwords: Vec<&'static str>,
}

/// Every FineWeb-2 configuration, generated by `bench/quality/gen_fineweb2_presets.py` (the
/// header names the fineweb-2 commit read). Tab-separated values, stop words last.
const FINEWEB2_TSV: &str = include_str!("../data/fineweb2.tsv");

fn parse_row(line: &'static str) -> Fineweb2Thresholds {
    let mut f = line.split('\t');
    let mut next = || f.next().unwrap_or_else(|| panic!("fineweb2.tsv: short row {line:?}"));
    let key = next();
    let iso639_1 = next();
    let default_script = next() == "1";
    let mut nums = [0.0f64; 16];
    for n in &mut nums {
        let v = next();
        *n = v
            .parse()
            .unwrap_or_else(|_| panic!("fineweb2.tsv: {key}: not a number {v:?}"));
    }
    let tokenizer = (next(), next());
    Fineweb2Thresholds {
        key,
        iso639_1,
        default_script,
        language_score: nums[0],
        dup_line_frac: nums[1],
        top_n_grams: [nums[2], nums[3], nums[4]],
        dup_n_grams: [nums[5], nums[6], nums[7], nums[8], nums[9], nums[10]],
        line_punct_thr: nums[11],
        new_line_ratio: nums[12],
        min_avg_word_length: nums[13],
        max_avg_word_length: nums[14],
        max_non_alpha_words_ratio: nums[15],
        tokenizer,
        stopwords: f.collect(),
    }
}

/// Every language FineWeb-2 published a configuration for, sorted by key (parsed once).
pub fn fineweb2_table() -> &'static [Fineweb2Thresholds] {
    static TABLE: OnceLock<Vec<Fineweb2Thresholds>> = OnceLock::new();
    TABLE.get_or_init(|| {
        FINEWEB2_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(parse_row)
            .collect()
    })
}

/// The fineweb-2 commit the bundled table was generated from.
pub fn fineweb2_commit() -> &'static str {
    FINEWEB2_TSV
        .split_once('@')
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or("")
}

/// Finds a language's FineWeb-2 thresholds by `lang_script` key, ISO 639-3 or ISO 639-1 code.
///
/// A code FineWeb-2 has several scripts for (`srp` → `srp_Cyrl`, `srp_Latn`) means the script
/// datatrove's `tokenizer_assignment.csv` marks as the default; the error lists the keys when
/// there is no single one.
pub fn fineweb2_thresholds(language: &str) -> Result<&'static Fineweb2Thresholds, String> {
    let table = fineweb2_table();
    if let Ok(i) = table.binary_search_by(|t| t.key.cmp(language)) {
        return Ok(&table[i]);
    }
    let candidates: Vec<&Fineweb2Thresholds> = table
        .iter()
        .filter(|t| !language.is_empty() && (&t.key[..3] == language || t.iso639_1 == language))
        .collect();
    let defaults: Vec<&Fineweb2Thresholds> = candidates.iter().copied().filter(|t| t.default_script).collect();
    match (candidates.as_slice(), defaults.as_slice()) {
        ([one], _) | (_, [one]) => Ok(one),
        ([], _) => Err(format!(
            "no FineWeb-2 configuration for {language:?} (FineWeb-2 has {} languages, named like fra_Latn, fra or fr)",
            table.len()
        )),
        (many, _) => Err(format!(
            "{language:?} is ambiguous: FineWeb-2 has {}; name one",
            many.iter().map(|t| t.key).collect::<Vec<_>>().join(", ")
        )),
    }
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
                approximate_tokenizer,
            } => {
                let err = |message| ConfigError {
                    step: "preset",
                    key: "language",
                    message,
                };
                let t = fineweb2_thresholds(language).map_err(err)?;
                if let Some(missing) = tamis_text::resolve_language(t.key).missing_tokenizer() {
                    if !approximate_tokenizer {
                        return Err(err(format!(
                            "{}: {missing} (set approximate_tokenizer: true to run it anyway)",
                            t.key
                        )));
                    }
                }
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

    fn fineweb2(language: &str) -> PresetConfig {
        PresetConfig::Fineweb2 {
            language: language.into(),
            glotlid_model: None,
            approximate_tokenizer: false,
        }
    }

    #[test]
    fn fineweb2_expands_with_the_language_thresholds() {
        let fra = fineweb2_thresholds("fra_Latn").unwrap();
        let steps = fineweb2("fr").expand().unwrap();
        assert_eq!(steps.len(), 3);
        let StepConfig::GopherQuality(q) = &steps[2] else {
            panic!()
        };
        assert_eq!(q.max_avg_word_length, Some(fra.max_avg_word_length));
        assert_eq!(q.language, "fra_Latn");
        for step in &steps {
            step.build().unwrap();
        }
        assert!(fineweb2("qqq").expand().is_err());
        let with_lid = PresetConfig::Fineweb2 {
            language: "fr".into(),
            glotlid_model: Some("glotlid.bin".into()),
            approximate_tokenizer: false,
        };
        let StepConfig::Language(lid) = &with_lid.expand().unwrap()[0] else {
            panic!("the language filter comes first")
        };
        assert_eq!(lid.thresholds["fra_Latn"], fra.language_score);
        assert_eq!(lid.backend, Backend::Glotlid);
    }

    #[test]
    fn the_table_has_every_fineweb2_language() {
        let table = fineweb2_table();
        // huggingface/fineweb-2 @d0defb2 has 1,929 configs/*.yml.
        assert_eq!(table.len(), 1929);
        assert_eq!(fineweb2_commit(), "d0defb24f193bb9a5a11b8b14524a03c4858e1b6");
        assert!(table.windows(2).all(|w| w[0].key < w[1].key), "sorted by key");
        let fra = fineweb2_thresholds("fra_Latn").unwrap();
        assert_eq!(
            (fra.language_score, fra.dup_line_frac, fra.top_n_grams),
            (0.824, 0.264, [0.161, 0.149, 0.134])
        );
        assert_eq!(fra.dup_n_grams, [0.15, 0.141, 0.131, 0.121, 0.111, 0.1]);
        assert_eq!((fra.line_punct_thr, fra.new_line_ratio), (0.1, 0.185));
        assert_eq!(
            (
                fra.min_avg_word_length,
                fra.max_avg_word_length,
                fra.max_non_alpha_words_ratio
            ),
            (2.0, 11.0, 0.812)
        );
        assert_eq!(fra.stopwords.len(), 18);
        assert_eq!((fra.stopwords[4], fra.stopwords[6]), ("à", "l'"));
        assert!(fineweb2_thresholds("bod_Tibt").unwrap().stopwords.contains(&"། །"));
        let mut exact = 0;
        for t in table {
            assert!(t.key.len() >= 8 && t.key.as_bytes()[3] == b'_', "{}", t.key);
            assert!(
                !t.stopwords.is_empty() && t.stopwords.iter().all(|w| !w.is_empty()),
                "{}",
                t.key
            );
            assert!(t.language_score > 0.0 && t.max_avg_word_length > 0.0, "{}", t.key);
            assert_eq!(fineweb2_thresholds(t.key).unwrap().key, t.key);
            // The generator's datatrove tokenizer column and tamis-text's resolution agree.
            let r = tamis_text::resolve_language(t.key);
            assert_eq!(r.datatrove, t.tokenizer, "{}", t.key);
            let expanded = fineweb2(t.key).expand();
            match r.missing_tokenizer() {
                None => {
                    exact += 1;
                    assert_eq!(expanded.unwrap().len(), 3, "{}", t.key);
                }
                Some(_) => {
                    let e = expanded.unwrap_err().to_string();
                    assert!(e.contains(t.tokenizer.0) && e.contains("approximate_tokenizer"), "{e}");
                }
            }
        }
        assert_eq!(exact, 1742, "languages whose word tokenizer tamis reproduces");
        // Codes: ISO 639-1, ISO 639-3, the default script when FineWeb-2 has several.
        assert_eq!(fineweb2_thresholds("de").unwrap().key, "deu_Latn");
        assert_eq!(fineweb2_thresholds("srp").unwrap().key, "srp_Cyrl");
        assert_eq!(fineweb2_thresholds("sr").unwrap().key, "srp_Cyrl");
        assert!(fineweb2_thresholds("").is_err());
    }

    #[test]
    fn fineweb2_unsupported_tokenizer_names_it_or_runs_approximately() {
        let e = fineweb2("jpn_Jpan").expand().unwrap_err().to_string();
        assert!(e.contains("SpaCyTokenizer(\"ja\")"), "{e}");
        let e = fineweb2("tha").expand().unwrap_err().to_string();
        assert!(e.contains("ThaiTokenizer()"), "{e}");
        let approx = PresetConfig::Fineweb2 {
            language: "tha_Thai".into(),
            glotlid_model: None,
            approximate_tokenizer: true,
        };
        for step in approx.expand().unwrap() {
            step.build().unwrap();
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
