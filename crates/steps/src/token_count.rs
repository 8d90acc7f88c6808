//! `token_count`: how many tokens each document's text is, in its metadata.
//!
//! datatrove 0.10.1's `TokensCounter` (`datatrove/pipeline/tokens/counter.py`): the
//! document's `token_count` is `len(tokenizer.encode(text).ids)`, with the Hugging
//! Face tokenizer `gpt2` by default, plus one when `count_eos_token` is set; the
//! step's `tokens` counter adds them up (datatrove's `tokens` stat). It never drops
//! a document.
//!
//! The GPT-2 tokenizer is built in (`tamis_tokens::gpt2`, no download): its counts
//! are those of Hugging Face `tokenizers` with `gpt2`, checked on real text by
//! `bench/tokens.py` and on a fixture by `tests/token_count.rs`.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tamis_api::{Counters, Document, Step, Verdict};
use tamis_tokens::Gpt2;

const NAME: &str = "token_count";

/// Configuration of `token_count`; names and defaults are datatrove's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenCountConfig {
    /// A Hugging Face `tokenizer.json`; GPT-2's built-in tokenizer when absent.
    /// Only `gpt2` (the built-in one) is supported in this version.
    pub tokenizer: Option<PathBuf>,
    /// Count one more token per document, for the end-of-text token a training
    /// run appends (datatrove's `count_eos_token`).
    pub count_eos_token: bool,
}

/// The built step.
#[derive(Debug)]
pub struct TokenCount {
    tokenizer: &'static Gpt2,
    eos: usize,
}

impl TokenCountConfig {
    /// Builds the step.
    pub fn build(&self) -> Result<TokenCount, crate::ConfigError> {
        let tokenizer = match &self.tokenizer {
            None => tamis_tokens::gpt2(),
            Some(path) if path.as_os_str() == "gpt2" => tamis_tokens::gpt2(),
            Some(path) => {
                return Err(crate::ConfigError {
                    step: NAME,
                    key: "tokenizer",
                    message: format!(
                        "{}: only the built-in GPT-2 tokenizer (`gpt2`, the default) is supported",
                        path.display()
                    ),
                })
            }
        };
        Ok(TokenCount {
            tokenizer,
            eos: usize::from(self.count_eos_token),
        })
    }
}

impl TokenCount {
    /// The token count of `text`.
    pub fn count(&self, text: &str) -> usize {
        self.tokenizer.count(text) + self.eos
    }
}

impl Step for TokenCount {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict {
        let count = self.count(&doc.text);
        counters.add("tokens", count as u64);
        doc.metadata.insert("token_count".into(), count.into());
        Verdict::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_count_and_keeps() {
        let step = TokenCountConfig::default().build().unwrap();
        let mut counters = Counters::default();
        let mut doc = Document::new("a", "Hello world");
        doc.metadata.insert("token_count".into(), "stale".into());
        assert!(matches!(step.process(&mut doc, &mut counters), Verdict::Keep));
        assert_eq!(doc.metadata["token_count"], 2);
        let mut empty = Document::new("b", "");
        assert!(matches!(step.process(&mut empty, &mut counters), Verdict::Keep));
        assert_eq!(empty.metadata["token_count"], 0);
        assert_eq!(counters.iter().collect::<Vec<_>>(), [("tokens", 2)]);
    }

    #[test]
    fn eos_and_configuration() {
        let config: TokenCountConfig = serde_saphyr::from_str("count_eos_token: true").unwrap();
        assert_eq!(config.build().unwrap().count("Hello world"), 3);
        let named: TokenCountConfig = serde_saphyr::from_str("tokenizer: gpt2").unwrap();
        assert_eq!(named.build().unwrap().count("Hello world"), 2);
        assert!(serde_saphyr::from_str::<TokenCountConfig>("tokeniser: gpt2").is_err());
        let other: TokenCountConfig = serde_saphyr::from_str("tokenizer: /nonexistent/tokenizer.json").unwrap();
        assert_eq!(other.build().unwrap_err().key, "tokenizer");
    }
}
