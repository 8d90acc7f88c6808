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
//! - [`normalize`]: datatrove's `simplify_text` (MinHash's text normalisation).
//!
//! ```
//! use tamis_text::WordTokenizer;
//! let en = WordTokenizer::for_language("en");
//! assert_eq!(en.word_tokenize("Don't stop (now)."), vec!["Do", "n't", "stop", "(", "now", ")", "."]);
//! assert_eq!(en.sentence_count("One. Two! Three"), 3);
//! ```
#![deny(missing_docs)]

pub mod normalize;
pub mod punctuation;
mod pyre;
pub mod pystr;
mod required;
mod rules;
pub mod sentencizer;
mod tokenized;
pub mod tokenizer;

use std::sync::{Arc, OnceLock};
pub use tokenized::{range_in, Part, Tokenized};
use tokenizer::Engine;
pub use tokenizer::Token;

mod bundled;

use bundled::BUNDLED;

/// datatrove's `tokenizer_assignment.csv` resolved by `load_tokenizer_assignments()`:
/// key (`en`, `eng`, `eng_Latn`…) → tokenizer class and argument.
const ASSIGNMENT: &str = include_str!("../data/tokenizer_assignment.tsv");

/// How datatrove tokenizes a language, as far as tamis reproduces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    /// The bundled spaCy rule set used (`en`, `fr`, …, `xx`).
    pub rules: &'static str,
    /// True when datatrove uses exactly these rules for words (a `SpaCyTokenizer` whose
    /// rules are bundled, or the `WhitespaceTokenizer`, whose words come from spaCy `xx`).
    pub exact_words: bool,
    /// True when sentences also come from spaCy's sentencizer (not the `WhitespaceTokenizer`'s
    /// regular expression).
    pub exact_sentences: bool,
    /// The tokenizer datatrove builds for the key: class (`SpaCyTokenizer`, `StanzaTokenizer`,
    /// `IndicNLPTokenizer`…) and argument (`fr`, `kmr`, or empty); `("", "")` for a key datatrove
    /// has no tokenizer for (it raises).
    pub datatrove: (&'static str, &'static str),
}

impl Resolution {
    /// Why tamis cannot reproduce datatrove's words for this language, naming the missing
    /// tokenizer; `None` when words are exact.
    pub fn missing_tokenizer(&self) -> Option<String> {
        if self.exact_words {
            return None;
        }
        Some(match self.datatrove {
            ("", _) => "datatrove has no word tokenizer for this language (load_word_tokenizer raises); \
                        tamis falls back to spaCy's multi-language `xx` rules"
                .to_string(),
            (class, arg) => {
                let call = if arg.is_empty() {
                    format!("{class}()")
                } else {
                    format!("{class}({arg:?})")
                };
                format!(
                    "datatrove tokenizes it with {call}, which tamis does not implement; \
                     tamis falls back to spaCy's multi-language `xx` rules, so word counts may differ"
                )
            }
        })
    }
}

/// Resolves a datatrove language key as `load_word_tokenizer(lang)` does.
///
/// Keys are those of datatrove's `tokenizer_assignment.csv`: ISO 639-1 (`en`), ISO 639-3
/// (`eng`) and `code_script` (`eng_Latn`). A key datatrove assigns to a spaCy language whose
/// rules are bundled resolves exactly; anything else (a language datatrove tokenizes with
/// jieba, SudachiPy, Stanza, IndicNLP…, or an unknown key, for which datatrove raises) falls
/// back to spaCy's multi-language `xx` rules, and says so.
pub fn resolve_language(lang: &str) -> Resolution {
    let bundled = |code: &str| BUNDLED.iter().find(|(c, _)| *c == code).map(|(c, _)| *c);
    let fallback = |datatrove| Resolution {
        rules: "xx",
        exact_words: false,
        exact_sentences: false,
        datatrove,
    };
    static TABLE: OnceLock<foldhash::HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        ASSIGNMENT
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?, (f.next().unwrap_or(""), f.next().unwrap_or(""))))
            })
            .collect()
    });
    let lookup = |key: &str| table.get(key).copied();
    let found = lookup(lang).or_else(|| lang.split(['_', '-']).next().and_then(lookup));
    match found {
        Some(("SpaCyTokenizer", arg)) => match bundled(arg) {
            Some(code) => Resolution {
                rules: code,
                exact_words: true,
                exact_sentences: true,
                datatrove: ("SpaCyTokenizer", arg),
            },
            None => fallback(("SpaCyTokenizer", arg)),
        },
        Some(("WhitespaceTokenizer", arg)) => Resolution {
            rules: "xx",
            exact_words: true,
            exact_sentences: false,
            datatrove: ("WhitespaceTokenizer", arg),
        },
        _ if lang == "xx" => Resolution {
            rules: "xx",
            exact_words: true,
            exact_sentences: true,
            datatrove: ("SpaCyTokenizer", "xx"),
        },
        Some(other) => fallback(other),
        None => fallback(("", "")),
    }
}

fn engine(code: &'static str) -> Arc<Engine> {
    static ENGINES: OnceLock<Vec<OnceLock<Arc<Engine>>>> = OnceLock::new();
    let engines = ENGINES.get_or_init(|| BUNDLED.iter().map(|_| OnceLock::new()).collect());
    let idx = BUNDLED
        .iter()
        .position(|(c, _)| *c == code)
        .or_else(|| BUNDLED.iter().position(|(c, _)| *c == "xx"))
        .unwrap_or(0);
    engines[idx]
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
    resolution: Resolution,
}

impl std::fmt::Debug for WordTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WordTokenizer")
            .field("resolution", &self.resolution)
            .finish()
    }
}

impl WordTokenizer {
    /// The tokenizer datatrove's `load_word_tokenizer(lang)` would give, or the `xx` fallback.
    pub fn for_language(lang: &str) -> WordTokenizer {
        let resolution = resolve_language(lang);
        WordTokenizer {
            engine: engine(resolution.rules),
            resolution,
        }
    }

    /// The bundled rule set in use (`en`, `fr`, …, or `xx` for the fallback).
    pub fn rules_language(&self) -> &'static str {
        self.resolution.rules
    }

    /// How faithfully this tokenizer reproduces datatrove's for the requested language.
    pub fn resolution(&self) -> Resolution {
        self.resolution
    }

    /// All tokens of `text`, whitespace tokens included, as spaCy's `Doc` holds them.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.tokens_into(text, &mut out);
        out
    }

    /// [`Self::tokens`] into a reused buffer (cleared first).
    ///
    /// Steps that read the same document's tokens share them as a document view
    /// ([`Tokenized`], `tamis_api::Document::view`) instead of tokenizing again.
    pub fn tokens_into(&self, text: &str, out: &mut Vec<Token>) {
        out.clear();
        self.engine.tokenize(text, out);
    }

    /// All tokens of `text`: the document view that every quality step reads
    /// (`tamis_api::Document::view`).
    pub fn tokenized(&self, text: &str) -> Tokenized {
        Tokenized::new(self.tokens(text))
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
        // A text without a sentence-final character is one sentence, whatever
        // its tokens: no token can be one (`sentencizer::sentence_starts`).
        if !sentencizer::has_sentence_final_char(text) {
            return 1;
        }
        let mut tokens = Vec::new();
        self.tokens_into(text, &mut tokens);
        sentencizer::sentence_count(text, tokens).max(1)
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
        // The fast path (no sentence-final character, one sentence) counts
        // as the tokens do.
        for text in [
            "no final character here",
            "a, b; c: d -- e",
            "日本語の文",
            "x\u{2026} y",
            "Fin\u{3002} Next",
            "A. B",
        ] {
            let mut tokens = Vec::new();
            t.tokens_into(text, &mut tokens);
            let by_tokens = sentencizer::sentence_starts(text, &tokens).len().max(1);
            assert_eq!(t.sentence_count(text), by_tokens, "{text}");
        }
        assert_eq!(t.sentence_count("Fin\u{3002} Next"), 2);
        // "b." is an English special case, so no sentence ends there.
        assert_eq!(t.split_into_sentences("A b. C d."), vec!["A b. C d."]);
        assert_eq!(t.split_into_sentences("One. Two"), vec!["One.", " Two"]);
    }

    #[test]
    fn every_bundled_rule_set_builds_and_tokenizes() {
        for (code, _) in BUNDLED {
            let t = WordTokenizer {
                engine: engine(code),
                resolution: Resolution {
                    rules: code,
                    exact_words: true,
                    exact_sentences: true,
                    datatrove: ("SpaCyTokenizer", code),
                },
            };
            let words = t.word_tokenize("Hello, world! (e-mail: a@b.com) 3.5km -- «ok» l'été.");
            assert!(words.len() >= 8, "{code}: {words:?}");
        }
    }

    #[test]
    fn fallback() {
        assert_eq!(WordTokenizer::for_language("rus_Cyrl").rules_language(), "ru");
        assert_eq!(WordTokenizer::for_language("eng_Latn").rules_language(), "en");
        assert_eq!(WordTokenizer::for_language("fra").rules_language(), "fr");
        // datatrove 0.10.1 maps `zh` to spaCy `xx` but `cmn` to spaCy `zh` (jieba).
        assert!(WordTokenizer::for_language("zh").resolution().exact_words);
        let cmn = WordTokenizer::for_language("cmn");
        assert_eq!(cmn.rules_language(), "xx");
        assert!(!cmn.resolution().exact_words);
        assert!(!WordTokenizer::for_language("qqq").resolution().exact_words);
        assert!(WordTokenizer::for_language("qqq")
            .resolution()
            .missing_tokenizer()
            .unwrap()
            .contains("no word tokenizer"));
        let kmr = resolve_language("kmr_Latn");
        assert_eq!(kmr.datatrove, ("StanzaTokenizer", "kmr"));
        assert!(kmr.missing_tokenizer().unwrap().contains("StanzaTokenizer(\"kmr\")"));
        assert!(cmn
            .resolution()
            .missing_tokenizer()
            .unwrap()
            .contains("SpaCyTokenizer(\"zh\")"));
        assert!(resolve_language("tha")
            .missing_tokenizer()
            .unwrap()
            .contains("ThaiTokenizer()"));
        assert_eq!(resolve_language("fra_Latn").missing_tokenizer(), None);
    }
}
