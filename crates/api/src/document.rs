use crate::views::Views;
use serde::{Deserialize, Serialize};

/// JSON-compatible annotations that travel with a document to the output.
pub type Metadata = serde_json::Map<String, serde_json::Value>;

/// One unit of text moving through a pipeline.
///
/// Serialised as `{"id", "text", "url"?, "metadata"}`, one JSON object per line in
/// the JSONL writers; `url` is left out when unknown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable identifier: the WARC-Record-ID, or the id field of a JSONL record.
    pub id: String,
    /// The text that steps look at and edit.
    pub text: String,
    /// Where the text came from, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Source location, crawl headers and the annotations of earlier steps.
    #[serde(default)]
    pub metadata: Metadata,
    /// What steps computed from the text (its tokens…), for the steps after them.
    #[serde(skip)]
    pub views: Views,
}

impl Document {
    /// A document with no URL and empty metadata.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            ..Document::default()
        }
    }

    /// The view of type `V` under `key` of this document's text: built by `build` the first
    /// time, then shared until the text changes ([`Views`]).
    pub fn view<V: std::any::Any + Send + Sync>(
        &mut self,
        key: &'static str,
        build: impl FnOnce(&str) -> V,
    ) -> std::sync::Arc<V> {
        self.views.get_or_build(&self.text, key, build)
    }
}
