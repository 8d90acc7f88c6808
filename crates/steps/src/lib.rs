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

pub mod extract;
pub mod fasttext_classifier;
mod fasttext_models;
pub mod language;
pub mod line_dedup;

use serde::Deserialize;
use std::sync::Arc;
use tamis_api::{GlobalStep, ShardStep, Step};
use tamis_dedup::{ExactDedupConfig, MinhashDedupConfig};

/// One entry of a pipeline's `steps:` list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
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

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}: {}", self.step, self.key, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl StepConfig {
    /// Validates the configuration and builds the step.
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
        }
    }
}
