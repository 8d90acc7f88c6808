//! The boundary to the word tokenizer: MinHash shingles are word n-grams, and
//! datatrove takes its words from its language's word tokenizer (spaCy's
//! rule-based tokenizer for English, `utils/word_tokenizers.py`), applied to the
//! *normalised* text.
//!
//! After normalisation, ASCII text holds only lowercase letters, `0` and single
//! spaces, so the tokenizer mostly splits on spaces; it still splits English
//! contractions without their apostrophe (`cannot` → `can not`, `dont` →
//! `do nt`), numbers from unit suffixes (`0km` → `0 km`) and symbols such as
//! `€` or `°`. [`TextWords`] is the spaCy-compatible tokenizer of `tamis-text`
//! (the default); [`SpaceWords`] only splits on spaces.

/// Splits normalised text into words, in order; empty words are never produced.
pub trait WordSplitter: Send + Sync {
    /// Appends the words of `text` to `words`.
    fn split<'t>(&self, text: &'t str, words: &mut Vec<&'t str>);
}

/// Words are the runs between spaces (what the reference gives on normalised
/// text that holds no contraction, unit or symbol the tokenizer would split).
#[derive(Debug, Clone, Copy, Default)]
pub struct SpaceWords;

impl WordSplitter for SpaceWords {
    fn split<'t>(&self, text: &'t str, words: &mut Vec<&'t str>) {
        words.extend(text.split(' ').filter(|w| !w.is_empty()));
    }
}

/// datatrove's word tokenizer for a language (spaCy's rule-based tokenizer,
/// re-implemented by `tamis-text`).
pub struct TextWords {
    tokenizer: tamis_text::WordTokenizer,
}

impl TextWords {
    /// The tokenizer datatrove assigns to `language` (e.g. `en`, `fr`).
    pub fn for_language(language: &str) -> Self {
        TextWords {
            tokenizer: tamis_text::WordTokenizer::for_language(language),
        }
    }
}

thread_local! {
    static TOKENS: std::cell::RefCell<Vec<tamis_text::Token>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl WordSplitter for TextWords {
    fn split<'t>(&self, text: &'t str, words: &mut Vec<&'t str>) {
        TOKENS.with(|tokens| {
            let tokens = &mut *tokens.borrow_mut();
            self.tokenizer.tokens_into(text, tokens);
            words.extend(tokens.iter().filter(|t| !t.is_space).map(|t| &text[t.start..t.end]));
        });
    }
}
