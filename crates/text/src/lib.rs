//! Text segmentation that takes the same decisions as datatrove 0.10.1.
//!
//! Where it sits: under the quality steps (`tamis-steps`) and MinHash deduplication, which
//! count words and sentences exactly as datatrove does, so that thresholds tuned on FineWeb
//! and FineWeb-2 select the same documents.
//!
//! - [`WordTokenizer`]: datatrove's `load_word_tokenizer(lang)` for the languages it assigns
//!   to spaCy's rule-based tokenizer (`spacy.blank(lang)`), re-implemented on spaCy's own
//!   rule data ([`tokenizer`], [`rules`]); `word_tokenize` is datatrove's
//!   `split_into_words`, `sentence_spans` its `span_tokenize` (spaCy `sentencizer`).
//! - [`pystr`]: Python `str` semantics (`len`, `splitlines`, `split`, `strip`, `isalpha`…).
//! - [`punctuation`]: datatrove's `PUNCTUATION` and `TERMINAL_PUNCTUATION` sets.
//!
//! ```
//! use tamis_text::WordTokenizer;
//! let en = WordTokenizer::for_language("en");
//! assert_eq!(en.word_tokenize("Don't stop (now)."), vec!["Do", "n't", "stop", "(", "now", ")", "."]);
//! assert_eq!(en.sentence_count("One. Two! Three"), 3);
//! ```
#![deny(missing_docs)]

pub mod punctuation;
mod pyre;
pub mod pystr;
mod rules;
pub mod sentencizer;
pub mod tokenizer;

use std::sync::{Arc, OnceLock};
use tokenizer::Engine;
pub use tokenizer::Token;

/// The languages whose spaCy rules are bundled, with their generated data.
const BUNDLED: &[(&str, &str)] = &[
    ("en", include_str!("../data/en.json")),
    ("fr", include_str!("../data/fr.json")),
    ("de", include_str!("../data/de.json")),
    ("es", include_str!("../data/es.json")),
    ("it", include_str!("../data/it.json")),
    ("pt", include_str!("../data/pt.json")),
    ("nl", include_str!("../data/nl.json")),
    ("xx", include_str!("../data/xx.json")),
];

/// The bundled rule set used for `lang`, and whether it is exact (the language's own spaCy
/// rules) or the fallback.
///
/// Accepts datatrove's codes: ISO 639-1 (`en`), ISO 639-3 (`eng`) and `code_script`
/// (`eng_Latn`), following `datatrove/assets/tokenizer_assignment.csv` for the bundled
/// languages. Every other language falls back to spaCy's multi-language `xx` rules, which
/// is exactly what datatrove's `WhitespaceTokenizer` uses for words; languages that datatrove
/// gives their own spaCy rules, a dictionary segmenter (zh: jieba, ja: SudachiPy, th, ko, vi…)
/// or another library get the `xx` approximation (see docs/quality.md).
pub fn resolve_language(lang: &str) -> (&'static str, bool) {
    let base = lang.split(['_', '-']).next().unwrap_or(lang).to_ascii_lowercase();
    let code = match base.as_str() {
        "en" | "eng" => "en",
        "fr" | "fra" | "fre" => "fr",
        "de" | "deu" | "ger" => "de",
        "es" | "spa" => "es",
        "it" | "ita" => "it",
        "pt" | "por" => "pt",
        "nl" | "nld" | "dut" => "nl",
        "xx" => return ("xx", true),
        _ => return ("xx", false),
    };
    (code, true)
}

fn engine(code: &'static str) -> Arc<Engine> {
    static ENGINES: [OnceLock<Arc<Engine>>; 8] = [const { OnceLock::new() }; 8];
    let idx = BUNDLED
        .iter()
        .position(|(c, _)| *c == code)
        .unwrap_or(BUNDLED.len() - 1);
    ENGINES[idx]
        .get_or_init(|| Arc::new(Engine::new(rules::Rules::from_json(BUNDLED[idx].1))))
        .clone()
}

/// datatrove's word tokenizer for one language: spaCy's rule-based tokenizer and sentencizer.
///
/// Cheap to clone; the compiled rules of each language are built once per process on first
/// use (tens of milliseconds; French, whose `token_match` is large, longer) and shared.
#[derive(Clone)]
pub struct WordTokenizer {
    engine: Arc<Engine>,
    language: &'static str,
    exact: bool,
}

impl std::fmt::Debug for WordTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordTokenizer")
            .field("language", &self.language)
            .field("exact", &self.exact)
            .finish()
    }
}

impl WordTokenizer {
    /// The tokenizer datatrove's `load_word_tokenizer(lang)` would give, or the `xx` fallback.
    pub fn for_language(lang: &str) -> WordTokenizer {
        let (code, exact) = resolve_language(lang);
        WordTokenizer {
            engine: engine(code),
            language: code,
            exact,
        }
    }

    /// The bundled rule set in use (`en`, `fr`, …, or `xx` for the fallback).
    pub fn rules_language(&self) -> &'static str {
        self.language
    }

    /// False when the requested language fell back to the `xx` rules.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// All tokens of `text`, whitespace tokens included, as spaCy's `Doc` holds them.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.tokens_into(text, &mut out);
        out
    }

    /// [`Self::tokens`] into a reused buffer.
    pub fn tokens_into(&self, text: &str, out: &mut Vec<Token>) {
        self.engine.tokenize(text, out);
    }

    /// datatrove's `split_into_words(text, lang)`: the non-whitespace tokens' texts.
    ///
    /// (datatrove strips each token and drops empty ones; tokens never hold whitespace
    /// other than the whitespace tokens, so this is the same list.)
    pub fn word_tokenize<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.word_spans(text).map(|t| &text[t.start..t.end]).collect()
    }

    /// The words of `text` as byte ranges, in order.
    pub fn word_spans(&self, text: &str) -> impl Iterator<Item = Token> {
        self.tokens(text).into_iter().filter(|t| !t.is_space)
    }

    /// datatrove's `span_tokenize(text)`: sentence byte spans from spaCy's sentencizer.
    pub fn sentence_spans(&self, text: &str) -> Vec<(usize, usize)> {
        sentencizer::sentence_spans(text, &self.tokens(text))
    }

    /// `len(split_into_sentences(text, lang))` as datatrove computes it: the number of
    /// sentences, and 1 for a text without tokens (datatrove's `split_into_parts` always
    /// returns at least one part).
    pub fn sentence_count(&self, text: &str) -> usize {
        let tokens = self.tokens(text);
        sentencizer::sentence_starts(text, &tokens).len().max(1)
    }

    /// datatrove's `split_into_sentences(text, lang)`: the text cut at each sentence end;
    /// the pieces concatenate back to the text.
    pub fn split_into_sentences<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let spans = self.sentence_spans(text);
        let ends: Vec<usize> = spans.iter().map(|s| s.1).collect();
        let mut parts = Vec::with_capacity(ends.len().max(1));
        let mut start = 0;
        for (k, &end) in ends.iter().enumerate() {
            let end = if k + 1 == ends.len() { text.len() } else { end };
            parts.push(&text[start..end]);
            start = end;
        }
        if parts.is_empty() {
            parts.push(text);
        }
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(text: &str) -> Vec<&str> {
        WordTokenizer::for_language("en").word_tokenize(text)
    }

    #[test]
    fn english_basics() {
        assert_eq!(en("Hello, world!"), vec!["Hello", ",", "world", "!"]);
        assert_eq!(en("I can't go."), vec!["I", "ca", "n't", "go", "."]);
        assert_eq!(
            en("U.S. dollars cost $5.50 each"),
            vec!["U.S.", "dollars", "cost", "$", "5.50", "each"]
        );
        assert_eq!(
            en("e-mail me at a@b.com"),
            vec!["e", "-", "mail", "me", "at", "a@b.com"]
        );
        assert_eq!(en("  two  spaces\n\nand lines "), vec!["two", "spaces", "and", "lines"]);
        assert_eq!(en("(a.m.)"), vec!["(", "a.m.", ")"]);
        assert_eq!(en(""), Vec::<&str>::new());
    }

    #[test]
    fn sentences() {
        let t = WordTokenizer::for_language("en");
        assert_eq!(t.sentence_count("Hello there. How are you? Fine!"), 3);
        assert_eq!(t.sentence_count("Wait... what?! OK"), 2);
        assert_eq!(t.sentence_count(""), 1);
        // "b." is an English special case, so no sentence ends there.
        assert_eq!(t.split_into_sentences("A b. C d."), vec!["A b. C d."]);
        assert_eq!(t.split_into_sentences("One. Two"), vec!["One.", " Two"]);
    }

    #[test]
    fn fallback() {
        let t = WordTokenizer::for_language("rus_Cyrl");
        assert_eq!(t.rules_language(), "xx");
        assert!(!t.is_exact());
        assert_eq!(WordTokenizer::for_language("eng_Latn").rules_language(), "en");
    }
}
