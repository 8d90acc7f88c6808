//! Corpus-wide deduplication: exact (on normalised text or any field),
//! MinHash-LSH near-duplicates, repeated sentence spans and Bloom-filter duplicates, with signatures bit-identical to datatrove 0.10.1.
//!
//! - [`normalize`] (tamis-text's), [`words`], [`permutations`], [`signature`]: from a text to
//!   its MinHash signature;
//! - [`runs`]: external sort of fixed-width records under a memory budget, on
//!   local scratch;
//! - [`exchange`]: the files recorders and units leave on the step's shared
//!   storage for each other, and the rules that make a redo leave nothing stale;
//! - [`clusters`]: document keys, the deterministic parallel union-find, the
//!   per-shard cluster files and the decider reading them;
//! - [`bloom`], [`bloom_dedup`]: Dolma's one-pass Bloom-filter deduplication,
//!   its key files ordered so that the result does not depend on the task count;
//! - [`sentences`]: sentence windows hashed and cut as datatrove's `SentenceDedup`;
//! - [`minhash`], [`exact`], [`sentence_dedup`]: the steps, as
//!   [`tamis_api::GlobalStep`]s that the runner drives phase by phase.
#![deny(missing_docs)]

pub mod bloom;
pub mod bloom_dedup;
pub mod clusters;
pub mod exact;
pub mod exchange;
pub mod minhash;
pub use tamis_text::normalize;
pub mod permutations;
pub mod runs;
pub mod sentence_dedup;
pub mod sentences;
pub mod signature;
pub mod words;

pub use bloom_dedup::{BloomDedup, BloomDedupConfig};
pub use exact::{ExactDedup, ExactDedupConfig};
pub use minhash::{MinhashDedup, MinhashDedupConfig};
pub use sentence_dedup::{SentenceDedup, SentenceDedupConfig};
pub use signature::{HashFunction, Minhasher, SignatureConfig};
pub use words::{SpaceWords, TextWords, WordSplitter};
