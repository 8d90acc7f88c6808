//! fastText supervised-model inference, numerically identical to the reference.
//!
//! Thresholds such as FineWeb's `lid.176` score > 0.65 or DCLM's quality score
//! ≥ 0.018112 only mean something when the scores are fastText's own, so this
//! crate reproduces the reference implementation (facebookresearch/fastText
//! v0.9.2, the engine of the `fasttext` and `fasttext-predict` Python packages)
//! operation for operation: the same tokens, the same subword and word n-gram
//! hashes, the same float/double mix in every formula, the same heap order for
//! ties. The model file is the specification (Joulin et al. 2016, *Bag of Tricks
//! for Efficient Text Classification*; *FastText.zip*, for the quantized format).
//!
//! ```no_run
//! let model = tamis_fasttext::Model::load("lid.176.ftz".as_ref())?;
//! let best = model.predict("Le chat dort sur le canapé.", 1, 0.0);
//! assert_eq!(best[0].label, "__label__fr");
//! # Ok::<(), tamis_fasttext::LoadError>(())
//! ```
#![deny(missing_docs)]

mod dictionary;
mod format;
mod heap;
mod matrix;
mod model;
mod output;
mod subword_cache;

pub use format::LoadError;
pub use model::{Model, Prediction, Scratch};
