//! Token counting for the `token_count` step.
//!
//! [`Gpt2`] is GPT-2's tokenizer built in: the byte-pair ranks of tiktoken's
//! `r50k_base` (`assets/r50k_base.tiktoken`, GPT-2's 50,257 tokens), GPT-2's
//! pre-tokenizer ([`pretokenize`]) and its one special token, `<|endoftext|>`. It
//! gives the same tokens as Hugging Face `tokenizers` with the `gpt2` tokenizer
//! (`Tokenizer.from_pretrained("gpt2").encode(text).ids`), which is what datatrove's
//! `TokensCounter` counts by default: `bench/tokens.py` checks it on real text and
//! `crates/steps/tests/token_count.rs` on a fixture.
#![deny(missing_docs)]

pub mod bpe;
pub mod gpt2;
pub mod pretokenize;

pub use bpe::{Ranks, RanksError};
pub use gpt2::{gpt2, Gpt2};
