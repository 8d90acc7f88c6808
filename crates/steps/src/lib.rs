//! Pipeline steps, one per module, and the registry that builds them.
//!
//! A step is configured by a `FooConfig` (serde, unknown keys rejected), whose
//! `build()` validates it once and returns the runtime step. [`StepConfig`] is the
//! list of every step a pipeline file may name, keyed by the step's name:
//!
//! ```yaml
//! steps:
//!   - line_dedup: { min_docs: 2 }
//! ```
#![deny(missing_docs)]

pub mod c4_badwords;
pub mod c4_paragraph;
pub mod c4_quality;
pub mod decontaminate;
pub mod extract;
pub mod fasttext_classifier;
mod fasttext_models;
pub mod fineweb_quality;
pub mod gopher_quality;
pub mod gopher_repetition;
pub mod language;
pub mod line_dedup;
pub mod pii;
pub mod presets;
mod quality;
pub mod sample;
pub mod token_count;
pub mod url_filter;

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tamis_api::{GlobalStep, ShardStep, Step};
use tamis_dedup::{BloomDedupConfig, ExactDedupConfig, MinhashDedupConfig, SentenceDedupConfig};

/// One entry of a pipeline's `steps:` list.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum StepConfig {
    /// Main-content extraction from HTML, with the page's metadata.
    Extract(extract::ExtractConfig),
    /// Cross-document line deduplication within a shard (CCNet).
    LineDedup(line_dedup::LineDedupConfig),
    /// Language identification with fastText (datatrove's `LanguageFilter`).
    Language(language::LanguageConfig),
    /// Any fastText classifier as a filter (datatrove's `FastTextClassifierFilter`).
    FasttextClassifier(fasttext_classifier::FastTextClassifierConfig),
    /// Corpus-wide exact deduplication on the normalised text or a field.
    ExactDedup(ExactDedupConfig),
    /// Corpus-wide MinHash LSH near-duplicate removal (datatrove's signatures).
    MinhashDedup(MinhashDedupConfig),
    /// Corpus-wide removal of repeated 3-sentence spans (datatrove's `SentenceDedup`).
    SentenceDedup(SentenceDedupConfig),
    /// Gopher repetition rules (Rae et al. 2021; datatrove `GopherRepetitionFilter`).
    GopherRepetition(gopher_repetition::GopherRepetitionConfig),
    /// Gopher quality rules (Rae et al. 2021; datatrove `GopherQualityFilter`).
    GopherQuality(gopher_quality::GopherQualityConfig),
    /// C4 line and page rules, rewriting the text (Raffel et al. 2020; datatrove `C4QualityFilter`).
    C4Quality(c4_quality::C4QualityConfig),
    /// C4 bad-words filter (datatrove `C4BadWordsFilter`); lists by path.
    C4Badwords(c4_badwords::C4BadWordsConfig),
    /// mC4 paragraph filter (datatrove `C4ParagraphFilter`).
    C4Paragraph(c4_paragraph::C4ParagraphConfig),
    /// FineWeb line heuristics (Penedo et al. 2024; datatrove `FineWebQualityFilter`).
    FinewebQuality(fineweb_quality::FineWebQualityConfig),
    /// URL block lists, banned words and subwords (datatrove `URLFilter`); lists by path.
    UrlFilter(url_filter::UrlFilterConfig),
    /// Redaction of emails and IP addresses (datatrove's `PIIFormatter`), phones, IBANs, cards.
    Pii(pii::PiiConfig),
    /// Token count in the metadata, GPT-2 by default (datatrove `TokensCounter`); never drops.
    TokenCount(token_count::TokenCountConfig),
    /// A deterministic fraction of the documents, by a seeded hash of the id (datatrove `SamplerFilter`).
    Sample(sample::SampleConfig),
    /// Benchmark n-gram decontamination (datatrove `NGramsDecontFilter`); benchmarks by path.
    Decontaminate(decontaminate::DecontaminateConfig),
    /// Dolma's one-pass Bloom-filter deduplication of documents or paragraphs, corpus-wide.
    BloomDedup(BloomDedupConfig),
    /// A named chain of the steps above (`fineweb`, `fineweb2`), expanded by [`StepConfig::expand`].
    Preset(presets::PresetConfig),
}

/// A step ready to run: per-document, or needing a pass over the shard first.
pub enum BuiltStep {
    /// Decides one document at a time.
    Document(Box<dyn Step>),
    /// Observes the whole shard, then decides.
    Shard(Box<dyn ShardStep>),
    /// Needs the whole corpus: runs as phases that exchange files.
    Global(Box<dyn GlobalStep>),
}

impl BuiltStep {
    /// The step's name.
    pub fn name(&self) -> &'static str {
        match self {
            BuiltStep::Document(step) => step.name(),
            BuiltStep::Shard(step) => step.name(),
            BuiltStep::Global(step) => step.name(),
        }
    }
}

/// A configuration value that is out of range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The step.
    pub step: &'static str,
    /// The offending key.
    pub key: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl ConfigError {
    /// `step.key`, as a pipeline file would spell the setting.
    pub fn dotted_key(&self) -> String {
        format!("{}.{}", self.step, self.key)
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}: {}", self.step, self.key, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl StepConfig {
    /// The entries this one stands for: itself, or a preset's steps.
    pub fn expand(&self) -> Result<Vec<StepConfig>, ConfigError> {
        match self {
            StepConfig::Preset(preset) => preset.expand(),
            other => Ok(vec![other.clone()]),
        }
    }

    /// The step's settings with every default filled in, as JSON (what the
    /// stats record, so that a report can draw the thresholds a filter used).
    pub fn settings(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            // `{"step_name": {settings}}`: the settings.
            Ok(serde_json::Value::Object(map)) if map.len() == 1 => {
                map.into_iter().next().map(|(_, v)| v).unwrap_or_default()
            }
            Ok(other) => other,
            Err(_) => serde_json::Value::Null,
        }
    }

    /// Validates the configuration and builds the step (expand presets first).
    pub fn build(&self) -> Result<BuiltStep, ConfigError> {
        match self {
            StepConfig::Extract(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::LineDedup(config) => Ok(BuiltStep::Shard(Box::new(config.build()?))),
            StepConfig::Language(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::FasttextClassifier(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::ExactDedup(config) => {
                config.check().map_err(|(key, message)| ConfigError {
                    step: "exact_dedup",
                    key,
                    message,
                })?;
                Ok(BuiltStep::Global(Box::new(tamis_dedup::ExactDedup::new(
                    config.clone(),
                ))))
            }
            StepConfig::MinhashDedup(config) => {
                config.signature.check().map_err(|(key, message)| ConfigError {
                    step: "minhash_dedup",
                    key,
                    message,
                })?;
                let words = Arc::new(tamis_dedup::TextWords::for_language(&config.signature.language));
                Ok(BuiltStep::Global(Box::new(tamis_dedup::MinhashDedup::new(
                    config.clone(),
                    words,
                ))))
            }
            StepConfig::SentenceDedup(config) => {
                config.check().map_err(|(key, message)| ConfigError {
                    step: "sentence_dedup",
                    key,
                    message,
                })?;
                Ok(BuiltStep::Global(Box::new(tamis_dedup::SentenceDedup::new(
                    config.clone(),
                ))))
            }
            StepConfig::Preset(_) => Err(ConfigError {
                step: "preset",
                key: "name",
                message: "a preset is expanded into steps (StepConfig::expand) before building".into(),
            }),
            StepConfig::GopherRepetition(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::GopherQuality(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::C4Quality(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::C4Badwords(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::C4Paragraph(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::FinewebQuality(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::UrlFilter(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::Pii(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::TokenCount(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::Sample(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::Decontaminate(config) => Ok(BuiltStep::Document(Box::new(config.build()?))),
            StepConfig::BloomDedup(config) => {
                let step = tamis_dedup::BloomDedup::new(config.clone()).map_err(|(key, message)| ConfigError {
                    step: "bloom_dedup",
                    key,
                    message,
                })?;
                Ok(BuiltStep::Global(Box::new(step)))
            }
        }
    }
}
