//! Corpus-wide deduplication: exact (on normalised text or any field) and
//! MinHash-LSH near-duplicates, with signatures bit-identical to datatrove 0.10.1.
//!
//! - [`normalize`], [`words`], [`permutations`], [`signature`]: from a text to
//!   its MinHash signature;
#![deny(missing_docs)]

pub mod normalize;
pub mod permutations;
pub mod signature;
pub mod words;

pub use signature::{HashFunction, Minhasher, SignatureConfig};
pub use words::{SpaceWords, WordSplitter};
