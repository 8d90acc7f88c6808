//! GPT-2's tokenizer, built in.
//!
//! What Hugging Face's `gpt2` `tokenizer.json` describes: no normalizer; the added
//! special token `<|endoftext|>` (id 50256), which `Tokenizer.encode` finds anywhere
//! in the text and encodes as itself, the text around it being encoded separately;
//! the `ByteLevel` pre-tokenizer (`add_prefix_space: false`, GPT-2's expression); a
//! `BPE` model over byte-level symbols whose merges are the tokens in rank order; a
//! `ByteLevel` post-processor, which adds nothing. tiktoken's `r50k_base` is the same
//! vocabulary, keyed by bytes instead of byte-level symbols, with the same ids.

use crate::bpe::Ranks;
use crate::pretokenize::pieces;
use std::sync::OnceLock;

/// tiktoken's `r50k_base.tiktoken`, unchanged (sha256 `306cd27f…dd930`, the hash
/// tiktoken checks).
pub static R50K_BASE: &str = include_str!("../assets/r50k_base.tiktoken");

/// GPT-2's special token.
pub const END_OF_TEXT: &str = "<|endoftext|>";

/// Its id.
pub const END_OF_TEXT_ID: u32 = 50256;

/// GPT-2's tokenizer (see the module documentation).
#[derive(Debug)]
pub struct Gpt2 {
    ranks: Ranks,
    finder: memchr::memmem::Finder<'static>,
}

/// The built-in GPT-2 tokenizer, parsed on first use (about 10 ms) and shared.
pub fn gpt2() -> &'static Gpt2 {
    static GPT2: OnceLock<Gpt2> = OnceLock::new();
    GPT2.get_or_init(|| {
        let ranks = Ranks::from_tiktoken(R50K_BASE).expect("the built-in r50k_base ranks parse");
        Gpt2 {
            ranks,
            finder: memchr::memmem::Finder::new(END_OF_TEXT.as_bytes()),
        }
    })
}

impl Gpt2 {
    /// The byte-pair ranks.
    pub fn ranks(&self) -> &Ranks {
        &self.ranks
    }

    /// The number of tokens of `text`: `len(tokenizer.encode(text).ids)`.
    pub fn count(&self, text: &str) -> usize {
        let mut total = 0;
        self.segments(text, |segment| match segment {
            Some(text) => {
                for piece in pieces(text) {
                    total += self.ranks.count(piece.as_bytes());
                }
            }
            None => total += 1,
        });
        total
    }

    /// The token ids of `text`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut ids = Vec::with_capacity(text.len() / 4);
        self.segments(text, |segment| match segment {
            Some(text) => {
                for piece in pieces(text) {
                    self.ranks.encode_into(piece.as_bytes(), &mut ids);
                }
            }
            None => ids.push(END_OF_TEXT_ID),
        });
        ids
    }

    /// Calls `each` with the text between special tokens (`Some`) and for each
    /// special token (`None`), in order.
    fn segments<'t>(&self, text: &'t str, mut each: impl FnMut(Option<&'t str>)) {
        let mut rest = text;
        while let Some(at) = self.finder.find(rest.as_bytes()) {
            if at > 0 {
                each(Some(&rest[..at]));
            }
            each(None);
            rest = &rest[at + END_OF_TEXT.len()..];
        }
        if !rest.is_empty() {
            each(Some(rest));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary() {
        let gpt2 = gpt2();
        assert_eq!(gpt2.ranks().len(), 50256);
        assert_eq!(gpt2.ranks().rank(b"!"), Some(0));
        assert_eq!(gpt2.ranks().rank(b" the"), Some(262));
    }

    #[test]
    fn known_encodings() {
        let gpt2 = gpt2();
        // Ids as GPT-2's tokenizer gives them.
        assert_eq!(gpt2.encode("Hello world"), [15496, 995]);
        assert_eq!(gpt2.encode(" Hello"), [18435]);
        assert_eq!(gpt2.encode("a<|endoftext|>b"), [64, 50256, 65]);
        assert_eq!(gpt2.count(""), 0);
        for text in [
            "Hello world",
            "don't  stop\n\n",
            "日本語のテキスト",
            "<|endoftext|><|endoftext|>",
        ] {
            assert_eq!(gpt2.count(text), gpt2.encode(text).len(), "{text}");
        }
    }
}
