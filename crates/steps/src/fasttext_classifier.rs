//! `fasttext_classifier`: score documents with any fastText classifier and keep
//! or remove them by label score — DCLM's quality filter, for one.
//!
//! Same decisions as datatrove 0.10.1's `FastTextClassifierFilter`
//! (`datatrove/pipeline/filters/fasttext_filter.py`) in its default
//! `DOCUMENT` mode:
//! - the text, stripped, with `\n` replaced by `newline_replacement` (default
//!   empty), gets every label's probability (fastText `k = -1`);
//! - `keep_labels: [[label, min_score], …]` keeps a document when any listed
//!   label scores at least its minimum; `remove_labels` removes it when any
//!   does; a label fastText did not list scores -9e9;
//! - `save_labels_in_metadata` stores every label's score under its full name
//!   (`__label__hq`);
//! - a document with no text left is dropped.
//!
//! DCLM's filter (Li et al. 2024, *DataComp-LM*, fastText OH-2.5 + ELI5,
//! keep `hq` ≥ 0.018112) is `keep_labels: [[hq, 0.018112]]` with
//! `newline_replacement: " "`. DCLM joins the stripped lines of
//! `str.splitlines()` with a space, which differs only for the rarer line
//! breaks (`\r`, `\v`, `\f`, U+2028…), which fastText also reads as spaces
//! except `\u{85}`, U+2028 and U+2029.

use crate::fasttext_models::{self, label_name};
use crate::language::json_number;
use crate::ConfigError;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use tamis_api::{Counters, Document, Reason, Step, Verdict};
use tamis_fasttext::Model;

const NAME: &str = "fasttext_classifier";

/// A label without `__label__` and the score it must reach.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct LabelScore(pub String, pub f64);

/// One `[label, score]` pair or a list of them, as datatrove accepts.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum LabelScores {
    /// A single pair.
    One(LabelScore),
    /// Several pairs.
    Many(Vec<LabelScore>),
}

impl LabelScores {
    fn to_vec(&self) -> Vec<LabelScore> {
        match self {
            LabelScores::One(one) => vec![one.clone()],
            LabelScores::Many(many) => many.clone(),
        }
    }
}

/// Where the classifier is applied; only whole documents are supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
pub enum FilterMode {
    /// The whole document is one unit.
    #[default]
    #[serde(rename = "DOCUMENT")]
    Document,
}

/// Configuration of `fasttext_classifier`; names and defaults are datatrove's.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FastTextClassifierConfig {
    /// The fastText model file.
    pub model: PathBuf,
    /// Keep a document when any of these labels scores at least its minimum.
    #[serde(default)]
    pub keep_labels: Option<LabelScores>,
    /// Remove a document when any of these labels scores at least its minimum.
    #[serde(default)]
    pub remove_labels: Option<LabelScores>,
    /// Store every label's score in the metadata.
    #[serde(default = "yes")]
    pub save_labels_in_metadata: bool,
    /// What `\n` becomes before prediction.
    #[serde(default)]
    pub newline_replacement: String,
    /// Where to apply the classifier.
    #[serde(default)]
    pub filter_mode: FilterMode,
}

fn yes() -> bool {
    true
}

impl FastTextClassifierConfig {
    /// Loads the model and checks the labels against it.
    pub fn build(&self) -> Result<FastTextClassifier, ConfigError> {
        let error = |key, message| ConfigError {
            step: NAME,
            key,
            message,
        };
        let model = fasttext_models::load(&self.model).map_err(|message| error("model", message))?;
        let rule = match (&self.keep_labels, &self.remove_labels) {
            (Some(_), Some(_)) => {
                return Err(error(
                    "remove_labels",
                    "give keep_labels or remove_labels, not both".into(),
                ))
            }
            (Some(keep), None) => Rule::Keep(keep.to_vec()),
            (None, Some(remove)) => Rule::Remove(remove.to_vec()),
            (None, None) => Rule::AnnotateOnly,
        };
        let known: Vec<&str> = model.labels().map(label_name).collect();
        let key = if self.keep_labels.is_some() {
            "keep_labels"
        } else {
            "remove_labels"
        };
        for LabelScore(label, _) in rule.labels() {
            if !known.contains(&label.as_str()) {
                return Err(error(key, format!("{label:?} is not a label of the model ({known:?})")));
            }
        }
        Ok(FastTextClassifier {
            model,
            rule,
            save_labels_in_metadata: self.save_labels_in_metadata,
            newline_replacement: self.newline_replacement.clone(),
        })
    }
}

enum Rule {
    Keep(Vec<LabelScore>),
    Remove(Vec<LabelScore>),
    AnnotateOnly,
}

impl Rule {
    fn labels(&self) -> &[LabelScore] {
        match self {
            Rule::Keep(labels) | Rule::Remove(labels) => labels,
            Rule::AnnotateOnly => &[],
        }
    }
}

/// The running `fasttext_classifier` step.
pub struct FastTextClassifier {
    model: Arc<Model>,
    rule: Rule,
    save_labels_in_metadata: bool,
    newline_replacement: String,
}

impl Step for FastTextClassifier {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, _counters: &mut Counters) -> Verdict {
        let stripped = strip_like_python(&doc.text);
        // Newlines read as spaces need no copy of the text (`predict_joined`).
        let joined = self.newline_replacement == " ";
        let text = match joined {
            true => std::borrow::Cow::Borrowed(stripped),
            false => std::borrow::Cow::Owned(stripped.replace('\n', &self.newline_replacement)),
        };
        let passes = fasttext_models::with_all_predictions(&self.model, &text, joined, |predictions| {
            if self.save_labels_in_metadata {
                for p in predictions {
                    doc.metadata
                        .insert(p.label.to_string(), json_number(f64::from(p.probability)));
                }
            }
            let reaches = |LabelScore(label, min): &LabelScore| {
                let score = predictions
                    .iter()
                    .find(|p| label_name(p.label) == label)
                    .map_or(-9e9, |p| f64::from(p.probability));
                score >= *min
            };
            match &self.rule {
                Rule::Keep(labels) => labels.iter().any(reaches),
                Rule::Remove(labels) => !labels.iter().any(reaches),
                Rule::AnnotateOnly => true,
            }
        });
        if !passes {
            return Verdict::Drop(Reason(match self.rule {
                Rule::Remove(_) => "removed_label",
                _ => "below_threshold",
            }));
        }
        if strip_like_python(&doc.text).is_empty() {
            return Verdict::Drop(Reason("empty"));
        }
        Verdict::Keep
    }
}

/// Python's `str.strip()`: Unicode whitespace, plus the information
/// separators U+001C–U+001F that Python counts as whitespace and Rust does not.
fn strip_like_python(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classifier(rule: &str) -> FastTextClassifier {
        // The built-in language model doubles as a many-label classifier.
        let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/lid.176.ftz");
        let config: FastTextClassifierConfig = serde_saphyr::from_str(&format!("model: {model}\n{rule}")).unwrap();
        config.build().unwrap()
    }

    fn verdict(step: &FastTextClassifier, text: &str) -> (Verdict, Document) {
        let mut doc = Document::new("d", text);
        (step.process(&mut doc, &mut Counters::default()), doc)
    }

    const FRENCH: &str =
        "Les habitants du quartier se sont réunis devant la mairie.\nIls protestent contre la fermeture.";
    const ENGLISH: &str = "The committee will publish its final report next spring.";

    #[test]
    fn keep_labels_keep_documents_reaching_a_score() {
        let step = classifier("keep_labels: [[fr, 0.5], [it, 0.5]]");
        let (kept, doc) = verdict(&step, FRENCH);
        assert_eq!(kept, Verdict::Keep);
        assert!(doc.metadata["__label__fr"].as_f64().unwrap() > 0.5);
        assert_eq!(verdict(&step, ENGLISH).0, Verdict::Drop(Reason("below_threshold")));
    }

    #[test]
    fn remove_labels_remove_documents_reaching_a_score() {
        let step = classifier("remove_labels: [en, 0.5]\nsave_labels_in_metadata: false");
        let (removed, doc) = verdict(&step, ENGLISH);
        assert_eq!(removed, Verdict::Drop(Reason("removed_label")));
        assert!(doc.metadata.is_empty());
        assert_eq!(verdict(&step, FRENCH).0, Verdict::Keep);
    }

    #[test]
    fn empty_documents_are_dropped_and_labels_checked() {
        assert_eq!(verdict(&classifier(""), " \n ").0, Verdict::Drop(Reason("empty")));
        let model = concat!(env!("CARGO_MANIFEST_DIR"), "/models/lid.176.ftz");
        let config: FastTextClassifierConfig =
            serde_saphyr::from_str(&format!("model: {model}\nkeep_labels: [hq, 0.018112]")).unwrap();
        assert_eq!(config.build().err().unwrap().key, "keep_labels");
    }

    #[test]
    fn newlines_as_spaces_score_as_the_replaced_text() {
        let joined = verdict(
            &classifier("keep_labels: [fr, 0.5]\nnewline_replacement: \" \""),
            FRENCH,
        )
        .1;
        // The text already joined, through the copying path (any other
        // replacement: the text has no newline left to replace).
        let copied = verdict(
            &classifier("keep_labels: [fr, 0.5]\nnewline_replacement: \"  \""),
            &FRENCH.replace('\n', " "),
        )
        .1;
        assert!(!joined.metadata.is_empty());
        assert_eq!(joined.metadata, copied.metadata);
    }

    #[test]
    fn strips_like_python() {
        assert_eq!(strip_like_python("\u{1f} \u{a0}x y\u{3000}\n"), "x y");
    }

    #[test]
    fn refuses_two_rules_and_unknown_models() {
        let both: FastTextClassifierConfig =
            serde_saphyr::from_str("model: m.bin\nkeep_labels: [hq, 0.5]\nremove_labels: [[cc, 0.5]]").unwrap();
        assert_eq!(both.build().err().unwrap().key, "model", "the model is checked first");
        let missing: FastTextClassifierConfig = serde_saphyr::from_str("model: /nonexistent.bin").unwrap();
        assert!(missing.build().is_err());
    }
}
