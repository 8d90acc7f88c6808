//! `language`: identify the language with fastText and keep the documents in
//! the wanted languages.
//!
//! Same decisions as datatrove 0.10.1's `LanguageFilter`
//! (`datatrove/pipeline/filters/language_filter.py`, `datatrove/utils/lid.py`):
//! - newlines become spaces, then every label is predicted (fastText `k = -1`,
//!   threshold 0);
//! - `language` and `language_score` are the best label and its probability;
//!   with `backend: glotlid` the label `fra_Latn` gives `language: fra` and
//!   `language_script: Latn`;
//! - with `languages`, a document is kept when any of them scores strictly
//!   above the threshold (a language fastText did not list scores 0); without,
//!   when the best label does;
//! - `keep_top_pairs_threshold` (not -1) records `top_language_<label>_score`
//!   for every label scoring above it.
//!
//! Added: `thresholds` per language (FineWeb-2 uses one per language, e.g.
//! 0.824 for `fra_Latn`), and drop reasons that say why: `wrong_language` when
//! the best label is not wanted, `low_score` when it is but scores too low.
//! A dropped document keeps its annotations, so the removed output shows every
//! document's language.
//!
//! The default model is the built-in `lid.176.ftz`. datatrove downloads
//! `lid.176.bin`, the unquantized model: the two agree on the best label for
//! nearly all text but their scores differ slightly, so set `model:` to a copy of
//! `lid.176.bin` to reproduce datatrove's scores exactly.

use crate::fasttext_models::{self, label_name};
use crate::ConfigError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tamis_api::{Counters, Document, Reason, Scale, Step, Verdict};
use tamis_fasttext::Model;

const NAME: &str = "language";

/// The built-in language-identification model, `lid.176.ftz`.
pub fn builtin_model() -> Arc<Model> {
    fasttext_models::lid_176()
}

/// The fastText model at `path`, loaded once per process and shared with the
/// steps that name it; the error says which file and why.
pub fn load_model(path: &std::path::Path) -> Result<Arc<Model>, String> {
    fasttext_models::load(path)
}

/// How the model spells its labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    /// `__label__fr`: the label is the language.
    #[default]
    Ft176,
    /// `__label__fra_Latn`: language and script (GlotLID).
    Glotlid,
}

/// One language or a list, as datatrove accepts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Languages {
    /// A single language.
    One(String),
    /// Several languages.
    Many(Vec<String>),
}

/// Configuration of `language`; names and defaults are datatrove's.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageConfig {
    /// Languages to keep, as the model's labels spell them without
    /// `__label__` (`fr`; `fra_Latn` for GlotLID); none keeps every language.
    pub languages: Option<Languages>,
    /// A kept language must score strictly above this.
    pub language_threshold: f64,
    /// Thresholds for particular languages, replacing `language_threshold`.
    pub thresholds: BTreeMap<String, f64>,
    /// A fastText model file; the built-in `lid.176.ftz` when absent.
    pub model: Option<PathBuf>,
    /// How labels are spelled.
    pub backend: Backend,
    /// Annotate only; keep every document.
    pub label_only: bool,
    /// Record every label scoring above this; -1 records none.
    pub keep_top_pairs_threshold: f64,
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            languages: None,
            language_threshold: 0.65,
            thresholds: BTreeMap::new(),
            model: None,
            backend: Backend::Ft176,
            label_only: false,
            keep_top_pairs_threshold: -1.0,
        }
    }
}

impl LanguageConfig {
    /// Loads the model and checks that every language named is one of its
    /// labels.
    pub fn build(&self) -> Result<LanguageFilter, ConfigError> {
        let error = |key, message| ConfigError {
            step: NAME,
            key,
            message,
        };
        let model = match &self.model {
            None if self.backend == Backend::Glotlid => {
                return Err(error("model", "the glotlid backend needs a model path".into()))
            }
            None => fasttext_models::lid_176(),
            Some(path) => fasttext_models::load(path).map_err(|message| error("model", message))?,
        };
        let languages = match &self.languages {
            None => None,
            Some(Languages::One(one)) => Some(vec![one.clone()]),
            Some(Languages::Many(many)) => Some(many.clone()),
        };
        let known: Vec<&str> = model.labels().map(label_name).collect();
        let listed = languages.iter().flatten().map(|l| ("languages", l));
        for (key, language) in listed.chain(self.thresholds.keys().map(|l| ("thresholds", l))) {
            if !known.contains(&language.as_str()) {
                return Err(error(key, format!("{language:?} is not a label of the model")));
            }
        }
        let wanted = languages.map(|languages| {
            languages
                .into_iter()
                .map(|language| {
                    let threshold = self
                        .thresholds
                        .get(&language)
                        .copied()
                        .unwrap_or(self.language_threshold);
                    (language, threshold)
                })
                .collect()
        });
        Ok(LanguageFilter {
            model,
            wanted,
            threshold: self.language_threshold,
            backend: self.backend,
            label_only: self.label_only,
            keep_top_pairs_threshold: self.keep_top_pairs_threshold,
        })
    }
}

/// The running `language` step.
pub struct LanguageFilter {
    model: Arc<Model>,
    /// The languages to keep, each with its threshold.
    wanted: Option<Vec<(String, f64)>>,
    threshold: f64,
    backend: Backend,
    label_only: bool,
    keep_top_pairs_threshold: f64,
}

/// Why `language` dropped a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanguageReason {
    /// The best label is not one of the wanted languages (and no wanted
    /// language scored high enough).
    WrongLanguage,
    /// The best label is wanted, or any is, but scored too low.
    LowScore,
}

impl From<LanguageReason> for Reason {
    fn from(reason: LanguageReason) -> Self {
        Reason(match reason {
            LanguageReason::WrongLanguage => "wrong_language",
            LanguageReason::LowScore => "low_score",
        })
    }
}

impl Step for LanguageFilter {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict {
        // Newlines read as spaces, as datatrove's `replace("\n", " ")`.
        let verdict = fasttext_models::with_all_predictions(&self.model, &doc.text, true, |predictions| {
            // Predictions come best first; datatrove's max() keeps the first of equals.
            let Some(best) = predictions.first() else {
                return Err(LanguageReason::LowScore);
            };
            let best_label = label_name(best.label);
            let best_score = f64::from(best.probability);
            counters.observe("language_score", Scale::RATIO, best_score);
            let metadata = &mut doc.metadata;
            let language = match self.backend {
                Backend::Ft176 => best_label,
                Backend::Glotlid => {
                    let (language, script) = best_label.split_once('_').unwrap_or((best_label, ""));
                    metadata.insert("language_script".into(), script.into());
                    language
                }
            };
            metadata.insert("language".into(), language.into());
            metadata.insert("language_score".into(), json_number(best_score));
            if self.keep_top_pairs_threshold != -1.0 {
                for p in predictions {
                    if f64::from(p.probability) > self.keep_top_pairs_threshold {
                        let key = format!("top_language_{}_score", label_name(p.label));
                        metadata.insert(key, json_number(f64::from(p.probability)));
                    }
                }
            }
            if self.label_only {
                return Ok(());
            }
            let Some(wanted) = &self.wanted else {
                return if best_score > self.threshold {
                    Ok(())
                } else {
                    Err(LanguageReason::LowScore)
                };
            };
            let score_of = |language: &str| {
                predictions
                    .iter()
                    .find(|p| label_name(p.label) == language)
                    .map_or(0.0, |p| f64::from(p.probability))
            };
            if wanted
                .iter()
                .any(|(language, threshold)| score_of(language) > *threshold)
            {
                Ok(())
            } else if wanted.iter().any(|(language, _)| language == best_label) {
                Err(LanguageReason::LowScore)
            } else {
                Err(LanguageReason::WrongLanguage)
            }
        });
        match verdict {
            Ok(()) => Verdict::Keep,
            Err(reason) => Verdict::Drop(reason.into()),
        }
    }
}

/// A score as JSON; fastText never gives NaN, but a number must not panic.
pub(crate) fn json_number(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(yaml: &str) -> LanguageConfig {
        serde_saphyr::from_str(yaml).unwrap()
    }

    fn run(step: &LanguageFilter, text: &str) -> (Verdict, Document) {
        let mut doc = Document::new("d", text);
        let verdict = step.process(&mut doc, &mut Counters::default());
        (verdict, doc)
    }

    const FRENCH: &str = "Le gouvernement a présenté mercredi son projet de loi de finances pour l'année prochaine.\nLes députés en débattront dès la semaine prochaine à l'Assemblée nationale.";
    const ENGLISH: &str = "The committee will publish its final report on the new railway line next spring.";

    #[test]
    fn keeps_the_wanted_language_and_annotates() {
        let step = config("languages: [fr]").build().unwrap();
        let (verdict, doc) = run(&step, FRENCH);
        assert_eq!(verdict, Verdict::Keep);
        assert_eq!(doc.metadata["language"], "fr");
        assert!(doc.metadata["language_score"].as_f64().unwrap() > 0.9);
    }

    #[test]
    fn names_why_it_drops() {
        let step = config("languages: fr").build().unwrap();
        let (verdict, doc) = run(&step, ENGLISH);
        assert_eq!(verdict, Verdict::Drop(Reason("wrong_language")));
        assert_eq!(
            doc.metadata["language"], "en",
            "dropped documents keep their annotations"
        );

        let strict = config("languages: [fr]\nthresholds: {fr: 0.99999}").build().unwrap();
        assert_eq!(run(&strict, "Bonjour Paris").0, Verdict::Drop(Reason("low_score")));
    }

    #[test]
    fn without_languages_the_best_label_must_clear_the_threshold() {
        let step = LanguageConfig::default().build().unwrap();
        assert_eq!(run(&step, ENGLISH).0, Verdict::Keep);
        let label_only = config("label_only: true\nlanguage_threshold: 1.0").build().unwrap();
        assert_eq!(run(&label_only, ENGLISH).0, Verdict::Keep);
        let impossible = config("language_threshold: 1.0").build().unwrap();
        assert_eq!(run(&impossible, ENGLISH).0, Verdict::Drop(Reason("low_score")));
    }

    #[test]
    fn records_top_pairs_above_their_threshold() {
        let step = config("keep_top_pairs_threshold: 0.0001").build().unwrap();
        let (_, doc) = run(&step, FRENCH);
        assert!(doc.metadata.contains_key("top_language_fr_score"));
        assert!(doc.metadata.keys().filter(|k| k.starts_with("top_language_")).count() < 176);
    }

    #[test]
    fn rejects_unknown_languages_and_models() {
        let err = config("languages: [klingon]").build().err().unwrap();
        assert_eq!((err.step, err.key), (NAME, "languages"));
        let err = config("model: /nonexistent/model.bin").build().err().unwrap();
        assert_eq!(err.key, "model");
        assert!(config("backend: glotlid").build().is_err());
    }

    #[test]
    fn a_model_loads_from_object_storage_as_from_disk() {
        let stored = tamis_io::Location::parse("memory://models/lid.176.ftz").unwrap();
        stored.write(crate::fasttext_models::LID_176).unwrap();
        let step = config("model: memory://models/lid.176.ftz\nlanguages: [fr]")
            .build()
            .unwrap();
        let (verdict, doc) = run(&step, FRENCH);
        assert_eq!(verdict, Verdict::Keep);
        let builtin = run(&config("languages: [fr]").build().unwrap(), FRENCH).1;
        assert_eq!(doc.metadata["language_score"], builtin.metadata["language_score"]);
        let missing = config("model: memory://models/nothing.ftz").build().err().unwrap();
        assert!(
            missing.message.contains("memory://models/nothing.ftz"),
            "{}",
            missing.message
        );
    }
}
