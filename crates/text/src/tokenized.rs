//! The tokens of one whole text, computed once and read by every quality step that counts words
//! or sentences (a document view, `tamis_api::Document::view`).
//!
//! spaCy's tokenizer cuts the text at whitespace before it looks at anything else, so the
//! tokens of one line are the text's tokens that lie inside that line. C4's filter counts
//! sentences line by line; it finds them here instead of tokenizing each line again.

use crate::sentencizer;
use crate::tokenizer::Token;

/// The tokens of a text, whitespace tokens included, as [`crate::WordTokenizer::tokens`] gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokenized {
    tokens: Vec<Token>,
}

impl Tokenized {
    /// Wraps the tokens of one text.
    pub fn new(tokens: Vec<Token>) -> Tokenized {
        Tokenized { tokens }
    }

    /// All tokens.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// datatrove's `split_into_words`: the texts of the tokens that are not whitespace.
    pub fn words<'a, 't: 'a>(&'a self, text: &'t str) -> impl Iterator<Item = &'t str> + 'a {
        self.tokens
            .iter()
            .filter(|t| !t.is_space)
            .map(move |t| &text[t.start..t.end])
    }

    /// The number of words.
    pub fn word_count(&self) -> usize {
        self.tokens.iter().filter(|t| !t.is_space).count()
    }

    /// The tokens of `text[start..end]`, where `text` is the text these tokens are of: the same
    /// as the part's own, offsets aside. `None` unless the part is cut where the tokenizer cuts:
    /// it must not be empty, begin or end with whitespace, and whitespace (or the text's edge)
    /// must lie on both sides. A stripped line of the text always qualifies.
    pub fn part(&self, text: &str, start: usize, end: usize) -> Option<&[Token]> {
        let part = text.get(start..end)?;
        let space = |c: Option<char>| c.is_none_or(crate::pystr::is_space);
        let cut = !part.is_empty()
            && !space(part.chars().next())
            && !space(part.chars().next_back())
            && space(text[..start].chars().next_back())
            && space(text[end..].chars().next());
        if !cut {
            return None;
        }
        let first = self.tokens.partition_point(|t| t.start < start);
        let last = self.tokens.partition_point(|t| t.start < end);
        Some(&self.tokens[first..last])
    }

    /// [`crate::WordTokenizer::sentence_count`] of `text[start..end]`, for a part as
    /// [`Self::part`] takes it.
    pub fn sentence_count_of(&self, text: &str, start: usize, end: usize) -> Option<usize> {
        let tokens = self.part(text, start, end)?;
        if !sentencizer::has_sentence_final_char(&text[start..end]) {
            return Some(1);
        }
        Some(sentencizer::sentence_count(text, tokens).max(1))
    }
}

#[cfg(test)]
mod tests {
    use crate::pystr::{splitlines, strip};
    use crate::WordTokenizer;

    /// Texts whose lines end in every way the tokenizer and the sentencizer care about.
    const TEXTS: &[&str] = &[
        "One. Two! Three?\nFour... five\n\n  Six (seven). Eight\t\n",
        "Dr. Smith met Mr. Jones at 9 a.m. today. They left.\r\nU.S. dollars! Yes.\rNo",
        "“Quoted.” Next one?! (Aside.) End\u{2028}Line two。 三\u{2029}x",
        "Ellipsis… then more. Emoticon :) here. And :-( there.\x0cform feed. Done",
        " lead. \n\t tab. lead\n.\n..\n. .\n!!!\nA.B.C. d. E",
        "e-mail me at a@b.com. Visit https://example.org/x.y?z. OK\u{85}next. line",
    ];

    #[test]
    fn a_line_counts_as_many_sentences_in_the_text_as_alone() {
        for lang in ["en", "fr", "de", "xx"] {
            let tokenizer = WordTokenizer::for_language(lang);
            for text in TEXTS {
                let tokenized = tokenizer.tokenized(text);
                for line in splitlines(text) {
                    let line = strip(line);
                    if line.is_empty() {
                        continue;
                    }
                    let start = line.as_ptr() as usize - text.as_ptr() as usize;
                    let counted = tokenized.sentence_count_of(text, start, start + line.len());
                    assert_eq!(counted, Some(tokenizer.sentence_count(line)), "{lang} {line:?}");
                }
            }
        }
    }

    #[test]
    fn a_part_not_cut_at_whitespace_is_refused() {
        let text = "Alpha beta. Gamma";
        let tokenized = WordTokenizer::for_language("en").tokenized(text);
        assert_eq!(tokenized.sentence_count_of(text, 0, 3), None); // inside a word
        assert_eq!(tokenized.sentence_count_of(text, 5, 11), None); // begins with a space
        assert_eq!(tokenized.sentence_count_of(text, 6, 6), None); // empty
        assert_eq!(tokenized.sentence_count_of(text, 0, 11), Some(1));
        assert_eq!(tokenized.sentence_count_of(text, 0, text.len()), Some(2));
    }
}
