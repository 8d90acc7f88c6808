//! The tokens of one whole text, computed once and read by every quality step that counts words
//! or sentences (a document view, `tamis_api::Document::view`).
//!
//! spaCy's tokenizer cuts the text at whitespace before it looks at anything else, so the
//! tokens of one line are the text's tokens that lie inside that line. C4's filter counts
//! sentences line by line; it finds them here instead of tokenizing each line again.

use crate::sentencizer;
use crate::tokenizer::Token;

/// The tokens of a text, whitespace tokens included, as [`crate::WordTokenizer::tokens`] gives them.
///
/// Kept with every document in flight, so stored in 8 bytes a token instead of 24 (offsets as
/// `u32`, `is_space` in the end's top bit) when the text is under 2 GiB, as every text is unless
/// `max_record_bytes` was raised past it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokenized {
    store: Store,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Store {
    Packed(Vec<Packed>),
    Wide(Vec<Token>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed {
    start: u32,
    end_and_space: u32,
}

const SPACE_BIT: u32 = 1 << 31;

impl Packed {
    fn unpack(self) -> Token {
        Token {
            start: self.start as usize,
            end: (self.end_and_space & !SPACE_BIT) as usize,
            is_space: self.end_and_space & SPACE_BIT != 0,
        }
    }
}

impl Tokenized {
    /// The tokens of one text, in order.
    pub fn new(tokens: Vec<Token>) -> Tokenized {
        let fits = tokens.last().is_none_or(|t| t.end < SPACE_BIT as usize);
        let store = if fits {
            Store::Packed(
                tokens
                    .iter()
                    .map(|t| Packed {
                        start: t.start as u32,
                        end_and_space: t.end as u32 | if t.is_space { SPACE_BIT } else { 0 },
                    })
                    .collect(),
            )
        } else {
            Store::Wide(tokens)
        };
        Tokenized { store }
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        match &self.store {
            Store::Packed(tokens) => tokens.len(),
            Store::Wide(tokens) => tokens.len(),
        }
    }

    /// Whether the text has no token.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Token `i`.
    pub fn get(&self, i: usize) -> Token {
        match &self.store {
            Store::Packed(tokens) => tokens[i].unpack(),
            Store::Wide(tokens) => tokens[i],
        }
    }

    /// Tokens `range`, in order.
    pub fn iter(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = Token> + '_ {
        // The store is matched once, not per token: one of the two iterators is empty.
        let (packed, wide) = match &self.store {
            Store::Packed(tokens) => (&tokens[range], &[][..]),
            Store::Wide(tokens) => (&[][..], &tokens[range]),
        };
        packed.iter().map(|p| p.unpack()).chain(wide.iter().copied())
    }

    /// datatrove's `split_into_words`: the texts of the tokens that are not whitespace.
    pub fn words<'a, 't: 'a>(&'a self, text: &'t str) -> impl Iterator<Item = &'t str> + 'a {
        self.iter(0..self.len())
            .filter(|t| !t.is_space)
            .map(move |t| &text[t.start..t.end])
    }

    /// The number of words.
    pub fn word_count(&self) -> usize {
        self.iter(0..self.len()).filter(|t| !t.is_space).count()
    }

    /// The tokens of `part`, a slice of `text` (the text these tokens are of): the same tokens
    /// as the part's own, offsets aside. `None` unless the part is cut where the tokenizer cuts:
    /// it must lie in `text` (not be a string of its own), not be empty, not begin or end with
    /// whitespace, and have whitespace (or the text's edge) on both sides. A stripped line of
    /// the text that is not empty qualifies.
    pub fn part(&self, text: &str, part: &str) -> Option<Part> {
        let std::ops::Range { start, end } = range_in(text, part)?;
        let space = |c: Option<char>| c.is_none_or(crate::pystr::is_space);
        let cut = !part.is_empty()
            && !space(part.chars().next())
            && !space(part.chars().next_back())
            && space(text[..start].chars().next_back())
            && space(text[end..].chars().next());
        if !cut {
            return None;
        }
        let first = self.first_starting_at(start);
        let last = self.first_starting_at(end);
        // Whitespace tokens stand between the part and its neighbours, so no token crosses
        // its edges; a special case merged across whitespace would, and is refused.
        (first == last || self.get(last - 1).end <= end).then_some(Part {
            bytes: start..end,
            tokens: first..last,
        })
    }

    /// The index of the first token that starts at `at` or after.
    fn first_starting_at(&self, at: usize) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.get(mid).start < at {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// [`crate::WordTokenizer::sentence_count`] of a part of `text`.
    pub fn sentence_count(&self, text: &str, part: &Part) -> usize {
        if !sentencizer::has_sentence_final_char(&text[part.bytes.clone()]) {
            return 1;
        }
        sentencizer::sentence_count(text, self.iter(part.tokens.clone())).max(1)
    }
}

/// A part of a text cut where the tokenizer cuts ([`Tokenized::part`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its bytes in the text.
    pub bytes: std::ops::Range<usize>,
    /// The indices of its tokens among the text's.
    pub tokens: std::ops::Range<usize>,
}

/// Where `part` lies in `text`, if it is a slice of it (a string of its own lies elsewhere in
/// memory, as two live allocations never overlap).
pub fn range_in(text: &str, part: &str) -> Option<std::ops::Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (start + part.len() <= text.len()).then_some(start..start + part.len())
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
                    let counted = tokenized.part(text, line).map(|p| tokenized.sentence_count(text, &p));
                    assert_eq!(counted, Some(tokenizer.sentence_count(line)), "{lang} {line:?}");
                }
            }
        }
    }

    #[test]
    fn a_part_not_cut_at_whitespace_is_refused() {
        let text = "Alpha beta. Gamma";
        let tokenized = WordTokenizer::for_language("en").tokenized(text);
        let count = |a: usize, b: usize| {
            tokenized
                .part(text, &text[a..b])
                .map(|p| tokenized.sentence_count(text, &p))
        };
        assert_eq!(count(0, 3), None); // inside a word
        assert_eq!(count(5, 11), None); // begins with a space
        assert_eq!(count(6, 6), None); // empty
        assert_eq!(count(0, 11), Some(1));
        assert_eq!(count(0, text.len()), Some(2));
    }

    #[test]
    fn packed_tokens_read_back_as_given() {
        let text = "Hello,  world!\n\nNext (line).";
        let tokens = WordTokenizer::for_language("en").tokens(text);
        let tokenized = super::Tokenized::new(tokens.clone());
        assert!(matches!(tokenized.store, super::Store::Packed(_)));
        assert_eq!(tokenized.iter(0..tokenized.len()).collect::<Vec<_>>(), tokens);
        let far = super::Token {
            start: 1 << 31,
            end: (1 << 31) + 2,
            is_space: true,
        };
        let wide = super::Tokenized::new(vec![far]);
        assert!(matches!(wide.store, super::Store::Wide(_)));
        assert_eq!(wide.get(0), far);
    }
}
