//! Helpers shared by the quality steps (Gopher, C4, FineWeb): datatrove's duplicate counting
//! and the language a step tokenizes with.

use std::sync::Arc;
use tamis_api::{Document, Views};
use tamis_text::pystr::{char_len, splitlines};
use tamis_text::{range_in, Tokenized, WordTokenizer};

/// The text a quality step judges, with its tokens and lines built on first use.
///
/// Within a pipeline they are views of the document ([`Document::view`]): Gopher repetition
/// builds the tokens, and Gopher quality, C4 and FineWeb quality find them; Gopher quality
/// builds the lines and C4 finds them (the design notes: "steps that need words, lines or sentences
/// share one computed view"). A step that rules on the text before it needs words (Gopher
/// repetition's duplicate lines) pays nothing for the documents it drops there.
pub(crate) struct Judged<'d> {
    /// The document's text.
    pub text: &'d str,
    /// The document's views; `None` for a text judged alone (tests, parity harnesses).
    views: Option<&'d mut Views>,
}

impl<'d> Judged<'d> {
    /// A document's text, its views shared with the other steps.
    pub fn document(doc: &'d mut Document) -> Judged<'d> {
        let Document { text, views, .. } = doc;
        Judged {
            text,
            views: Some(views),
        }
    }

    /// A text on its own.
    pub fn alone(text: &'d str) -> Judged<'d> {
        Judged { text, views: None }
    }

    /// The text's tokens by `tokenizer`.
    pub fn tokens(&mut self, tokenizer: &WordTokenizer) -> Arc<Tokenized> {
        self.view(tokenizer.rules_language(), |text| tokenizer.tokenized(text))
    }

    /// The text's lines as Python's `str.splitlines()` cuts them.
    pub fn lines(&mut self) -> Arc<Lines> {
        self.view("splitlines", Lines::of)
    }

    /// The view `key` of the text: the document's, or built for this text alone.
    fn view<V: Send + Sync + 'static>(&mut self, key: &'static str, build: impl FnOnce(&str) -> V) -> Arc<V> {
        match &mut self.views {
            Some(views) => views.get_or_build(self.text, key, build),
            None => Arc::new(build(self.text)),
        }
    }

    /// The text's tokens by `tokenizer` if a step built them already.
    pub fn tokens_if_built(&self, tokenizer: &WordTokenizer) -> Option<Arc<Tokenized>> {
        self.views.as_ref()?.get(self.text, tokenizer.rules_language())
    }
}

/// The lines of a text (`str.splitlines()`, which Gopher quality and C4 both cut by) as byte
/// ranges: a document view.
pub(crate) struct Lines(Vec<std::ops::Range<usize>>);

impl Lines {
    fn of(text: &str) -> Lines {
        Lines(
            splitlines(text)
                .into_iter()
                .filter_map(|line| range_in(text, line))
                .collect(),
        )
    }

    /// The lines of `text`, the text they were cut from.
    pub fn of_text<'a, 't: 'a>(&'a self, text: &'t str) -> impl Iterator<Item = &'t str> + 'a {
        self.0.iter().map(move |r| &text[r.clone()])
    }
}

/// datatrove's `find_duplicates` (`pipeline/filters/gopher_repetition_filter.py`, 0.10.1):
/// the number of elements equal to an earlier one, and their total length in characters.
pub(crate) fn find_duplicates<'a>(items: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
    let mut seen = foldhash::HashSet::default();
    let (mut elements, mut chars) = (0, 0);
    for item in items {
        if !seen.insert(item) {
            elements += 1;
            chars += char_len(item);
        }
    }
    (elements, chars)
}

/// datatrove's default `language` for every text filter (`Languages.english`).
pub(crate) fn default_language() -> String {
    "en".to_string()
}

/// Python's `x / y` for counts; a zero denominator (where datatrove would raise
/// `ZeroDivisionError`) gives NaN, which fails every comparison, so the rule does not fire.
pub(crate) fn ratio(x: usize, y: usize) -> f64 {
    if y == 0 {
        f64::NAN
    } else {
        x as f64 / y as f64
    }
}

/// `impl Step` for a quality filter that decides from the text and its views, through its
/// `judge(&self, &mut Judged, &mut Counters) -> Result<(), Reason>` (the reason
/// converting into a drop reason; the counters get the signals it computed).
macro_rules! text_filter_step {
    ($step:ty, $name:expr) => {
        impl tamis_api::Step for $step {
            fn name(&self) -> &'static str {
                $name
            }

            fn process(&self, doc: &mut tamis_api::Document, counters: &mut tamis_api::Counters) -> tamis_api::Verdict {
                match self.judge(&mut crate::quality::Judged::document(doc), counters) {
                    Ok(()) => tamis_api::Verdict::Keep,
                    Err(reason) => tamis_api::Verdict::drop(reason),
                }
            }
        }
    };
}
pub(crate) use text_filter_step;
