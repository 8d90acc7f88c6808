//! A loaded classifier and its `predict` (`FastText::loadModel`,
//! `FastText::predictLine`, `Model::predict`).

use crate::dictionary::{Dictionary, LineBuffers};
use crate::format::{self, LoadError, ModelReader};
use crate::heap::Scored;
use crate::matrix::Matrix;
use crate::output::Output;
use crate::subword_cache::{self, SubwordCaches};
use std::io::{BufReader, Read};
use std::path::Path;

/// A fastText classifier (`.bin`, or quantized `.ftz`). Immutable once
/// loaded: share it between threads and give each its own [`Scratch`].
pub struct Model {
    dictionary: Dictionary,
    input: Matrix,
    output_matrix: Matrix,
    output: Output,
    dim: usize,
    /// Names this model's memo of unknown tokens in a [`Scratch`].
    id: u64,
}

/// One predicted label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction<'m> {
    /// The label as the model spells it, prefix included (`__label__en`).
    pub label: &'m str,
    /// fastText's probability: `exp` of the label's log-score, in `f32` as
    /// fastText returns it.
    pub probability: f32,
}

/// Buffers reused across predictions, so that predicting allocates nothing
/// once they have grown.
#[derive(Debug, Default)]
pub struct Scratch {
    rows: Vec<i32>,
    word_hashes: Vec<i32>,
    word: Vec<u8>,
    hidden: Vec<f32>,
    scores: Vec<f32>,
    best: Vec<Scored>,
    caches: SubwordCaches,
}

impl Model {
    /// Loads a model file.
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        let file = std::fs::File::open(path)?;
        Self::read(BufReader::with_capacity(1 << 20, file))
    }

    /// Loads a model from its bytes (for example one built into a binary).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, LoadError> {
        Self::read(bytes)
    }

    /// Reads a model in the order fastText's `saveModel` writes it.
    pub fn read(reader: impl Read) -> Result<Self, LoadError> {
        let mut reader = ModelReader::new(reader);
        let version = format::read_header(&mut reader)?;
        let args = format::read_args(&mut reader, version)?;
        let dictionary = Dictionary::load(&mut reader, &args)?;
        let quantized_input = reader.bool("input matrix")?;
        let input = if quantized_input {
            Matrix::load_quantized(&mut reader, "input matrix")?
        } else if dictionary.is_pruned() {
            // fastText: "Invalid model file. Please download the updated model".
            return Err(LoadError::Invalid(
                "a pruned dictionary needs a quantized input matrix".into(),
            ));
        } else {
            Matrix::load_dense(&mut reader, "input matrix")?
        };
        let quantized_output = reader.bool("output matrix")?;
        let output_matrix = if quantized_input && quantized_output {
            Matrix::load_quantized(&mut reader, "output matrix")?
        } else {
            Matrix::load_dense(&mut reader, "output matrix")?
        };

        // Checks fastText leaves to luck: every row a line can name exists,
        // and both matrices have the model's dimension.
        let nlabels = dictionary.nlabels();
        if nlabels == 0 {
            return Err(LoadError::Invalid("the model has no labels".into()));
        }
        if input.cols() != args.dim || output_matrix.cols() != args.dim {
            return Err(LoadError::Invalid(format!(
                "matrices of {} and {} columns for dimension {}",
                input.cols(),
                output_matrix.cols(),
                args.dim
            )));
        }
        if dictionary.has_negative_pruned_rows() || input.rows() < dictionary.rows_needed() {
            return Err(LoadError::Invalid(format!(
                "input matrix of {} rows for {} words and their buckets",
                input.rows(),
                dictionary.nwords()
            )));
        }
        if output_matrix.rows() != nlabels {
            return Err(LoadError::Invalid(format!(
                "output matrix of {} rows for {nlabels} labels",
                output_matrix.rows()
            )));
        }
        if (0..nlabels).any(|i| std::str::from_utf8(dictionary.label_bytes(i)).is_err()) {
            return Err(LoadError::Invalid("a label is not UTF-8".into()));
        }
        let output = Output::new(args.loss, dictionary.label_counts());
        Ok(Model {
            dictionary,
            input,
            output_matrix,
            output,
            dim: args.dim,
            id: subword_cache::new_model_id(),
        })
    }

    /// The labels, in the model's order.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        (0..self.dictionary.nlabels()).map(|i| self.dictionary.label(i))
    }

    /// The size of the hidden vector.
    pub fn dimension(&self) -> usize {
        self.dim
    }

    /// The `k` most probable labels whose probability is at least
    /// `threshold`, best first, as the Python `model.predict(text, k,
    /// threshold)` returns them (`k = usize::MAX` for fastText's `k = -1`).
    ///
    /// `text` is one line: like fastText, prediction stops at the first
    /// newline (callers replace newlines first, as datatrove does).
    pub fn predict(&self, text: &str, k: usize, threshold: f32) -> Vec<Prediction<'_>> {
        self.predict_with(text, k, threshold, &mut Scratch::default())
    }

    /// [`Model::predict`] with caller-owned buffers.
    pub fn predict_with(&self, text: &str, k: usize, threshold: f32, scratch: &mut Scratch) -> Vec<Prediction<'_>> {
        self.predict_line(text, false, k, threshold, scratch)
    }

    /// [`Model::predict_with`] on the whole of `text`, each newline read as a
    /// space: the same predictions as for `text.replace('\n', " ")`, which
    /// datatrove predicts on, without copying the text.
    pub fn predict_joined(&self, text: &str, k: usize, threshold: f32, scratch: &mut Scratch) -> Vec<Prediction<'_>> {
        self.predict_line(text, true, k, threshold, scratch)
    }

    fn predict_line(
        &self,
        text: &str,
        newlines_are_spaces: bool,
        k: usize,
        threshold: f32,
        scratch: &mut Scratch,
    ) -> Vec<Prediction<'_>> {
        let Scratch {
            rows,
            word_hashes,
            word,
            hidden,
            scores,
            best,
            caches,
        } = scratch;
        let mut buffers = LineBuffers {
            rows,
            word_hashes,
            word,
            cache: caches.of(self.id),
        };
        self.dictionary
            .line_rows(text.as_bytes(), newlines_are_spaces, &mut buffers);
        if rows.is_empty() || k == 0 {
            return Vec::new();
        }
        // Model::computeHidden: the mean of the rows, as a sum scaled by the
        // float value of 1.0 / n.
        hidden.clear();
        hidden.resize(self.dim, 0.0);
        self.input.add_rows(hidden, rows);
        let scale = (1.0 / rows.len() as f64) as f32;
        for h in hidden.iter_mut() {
            *h *= scale;
        }
        let k = k.min(self.dictionary.nlabels());
        self.output
            .predict(k, threshold, hidden, &self.output_matrix, scores, best);
        best.iter()
            .map(|&(log_probability, label)| Prediction {
                label: self.dictionary.label(label as usize),
                probability: log_probability.exp(),
            })
            .collect()
    }
}
