//! The tokens of the texts a thread tokenized last.
//!
//! Several steps tokenize the same document (Gopher repetition, Gopher
//! quality, FineWeb quality), as datatrove's `lru_cache` on `split_into_parts`
//! lets its filters share one tokenisation. The runner takes a chunk of
//! documents through one step before the next, so the memo holds a chunk's
//! worth of texts, not one. A text is found by comparing it in full (lengths
//! first), so a hit is the same text. Bounded in entries and in bytes: the oldest go
//! first.

use crate::tokenizer::Token;
use std::collections::VecDeque;

/// Texts remembered per thread: more than a chunk of documents (512 records
/// per batch, at least 4 chunks per batch).
const ENTRIES: usize = 256;
/// Bytes of text and tokens remembered per thread.
const BYTES: usize = 2 << 20;

struct Entry {
    engine: usize,
    text: String,
    tokens: Vec<Packed>,
}

impl Entry {
    fn bytes(&self) -> usize {
        self.text.len() + self.tokens.len() * std::mem::size_of::<Packed>()
    }
}

/// A [`Token`] in 8 bytes instead of 24: offsets as `u32` (remembered texts
/// are at most `BYTES / 4` long), `is_space` in the end's top bit.
#[derive(Clone, Copy)]
struct Packed {
    start: u32,
    end_and_space: u32,
}

const SPACE_BIT: u32 = 1 << 31;

impl Packed {
    fn pack(token: &Token) -> Packed {
        Packed {
            start: token.start as u32,
            end_and_space: token.end as u32 | if token.is_space { SPACE_BIT } else { 0 },
        }
    }

    fn unpack(self) -> Token {
        Token {
            start: self.start as usize,
            end: (self.end_and_space & !SPACE_BIT) as usize,
            is_space: self.end_and_space & SPACE_BIT != 0,
        }
    }
}

/// The memo of one thread.
#[derive(Default)]
pub(crate) struct RecentTokens {
    entries: VecDeque<Entry>,
    bytes: usize,
}

impl RecentTokens {
    /// Fills `out` with the tokens of `text` by `engine` (an engine's
    /// address), from the memo or from `tokenize`, which is then remembered.
    pub fn tokens_into(
        &mut self,
        engine: usize,
        text: &str,
        out: &mut Vec<Token>,
        tokenize: impl FnOnce(&mut Vec<Token>),
    ) {
        // Comparing strings compares lengths first: only a text of the same
        // length, almost always the same text, is compared byte by byte.
        let found = self.entries.iter().rev().find(|e| e.engine == engine && e.text == text);
        out.clear();
        if let Some(entry) = found {
            out.extend(entry.tokens.iter().map(|p| p.unpack()));
            return;
        }
        tokenize(out);
        if text.len() + out.len() * std::mem::size_of::<Packed>() > BYTES / 4 {
            return;
        }
        let entry = Entry {
            engine,
            text: text.to_owned(),
            tokens: out.iter().map(Packed::pack).collect(),
        };
        self.bytes += entry.bytes();
        self.entries.push_back(entry);
        while self.entries.len() > ENTRIES || self.bytes > BYTES {
            let oldest = self.entries.pop_front().expect("not empty while over the bounds");
            self.bytes -= oldest.bytes();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(end: usize) -> Token {
        Token {
            start: 0,
            end,
            is_space: false,
        }
    }

    #[test]
    fn remembers_texts_per_engine_and_forgets_the_oldest() {
        let mut memo = RecentTokens::default();
        let mut out = Vec::new();
        let mut computed = 0;
        for round in 0..2 {
            for i in 0..ENTRIES {
                let text = format!("text {i}");
                memo.tokens_into(1, &text, &mut out, |out| {
                    computed += 1;
                    out.push(token(i));
                });
                assert_eq!(out, [token(i)], "round {round}");
            }
        }
        assert_eq!(computed, ENTRIES, "the second round is remembered");
        memo.tokens_into(2, "text 0", &mut out, |out| out.push(token(99)));
        assert_eq!(out, [token(99)], "another engine's tokens are its own");
        memo.tokens_into(1, "text 0", &mut out, |out| out.push(token(7)));
        assert_eq!(out, [token(7)], "the oldest text was forgotten");
    }

    #[test]
    fn packing_keeps_every_field() {
        for token in [
            Token {
                start: 0,
                end: 0,
                is_space: false,
            },
            Token {
                start: 3,
                end: 9,
                is_space: true,
            },
            Token {
                start: BYTES,
                end: BYTES,
                is_space: true,
            },
        ] {
            assert_eq!(Packed::pack(&token).unpack(), token);
        }
    }

    #[test]
    fn stays_within_its_bytes() {
        let mut memo = RecentTokens::default();
        let mut out = Vec::new();
        let text = "x".repeat(BYTES / 8);
        for i in 0..16 {
            memo.tokens_into(1, &format!("{i}{text}"), &mut out, |out| out.push(token(1)));
        }
        assert!(memo.bytes <= BYTES, "{}", memo.bytes);
        let huge = "y".repeat(BYTES);
        memo.tokens_into(1, &huge, &mut out, |out| out.push(token(1)));
        assert!(memo.entries.iter().all(|e| e.text.len() < BYTES));
    }
}
