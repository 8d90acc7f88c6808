//! `c4_paragraph`: mC4's paragraph filter (Xue et al. 2021, *mT5*, §2: "pages with at least
//! three lines of 200 or more characters").
//!
//! Reference implementation: datatrove 0.10.1, `src/datatrove/pipeline/filters/c4_filters.py`
//! (`C4ParagraphFilter`, after `tensorflow_datasets/text/c4_utils.py` `paragraph_filter`).
//! Drops with datatrove's reason `< 3 paragraphs` a document with fewer than 3 `\n`-separated
//! lines or whose third-longest line is shorter than 200 characters. datatrove's parameters are
//! fixed attributes, not arguments; so they are here (the step takes no keys).

use serde::{Deserialize, Serialize};
use tamis_api::{Counters, Document, Reason, Step, Verdict};
use tamis_text::pystr::char_len;

const NAME: &str = "c4_paragraph";
const MIN_PARAGRAPHS: usize = 3;
const MIN_PARAGRAPH_LEN: usize = 200;

/// Configuration of `c4_paragraph` (no keys).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct C4ParagraphConfig {}

/// The built step.
#[derive(Debug)]
pub struct C4Paragraph;

impl C4ParagraphConfig {
    /// Builds the step.
    pub fn build(&self) -> Result<C4Paragraph, crate::ConfigError> {
        Ok(C4Paragraph)
    }
}

impl C4Paragraph {
    /// True if the document passes.
    pub fn decide(&self, text: &str) -> bool {
        let mut lens: Vec<usize> = text.split('\n').map(char_len).collect();
        if lens.len() < MIN_PARAGRAPHS {
            return false;
        }
        lens.sort_unstable_by(|a, b| b.cmp(a));
        lens[MIN_PARAGRAPHS - 1] >= MIN_PARAGRAPH_LEN
    }
}

impl Step for C4Paragraph {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, _counters: &mut Counters) -> Verdict {
        if self.decide(&doc.text) {
            Verdict::Keep
        } else {
            Verdict::Drop(Reason("< 3 paragraphs"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule() {
        let long = "x".repeat(200);
        assert!(C4Paragraph.decide(&format!("{long}\n{long}\nshort\n{long}")));
        assert!(!C4Paragraph.decide(&format!("{long}\n{long}")));
        assert!(!C4Paragraph.decide(&format!("{long}\n{long}\n{}", "x".repeat(199))));
    }
}
