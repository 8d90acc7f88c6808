//! The binary model file: little-endian scalars in the order fastText's
//! `save` methods write them (`Args::save`, `Dictionary::save`,
//! `DenseMatrix::save`, `QuantMatrix::save`, `ProductQuantizer::save`).

use std::io::{self, Read};

/// `FASTTEXT_FILEFORMAT_MAGIC_INT32`, the first four bytes of every model.
const MAGIC: i32 = 793_712_314;
/// The newest format fastText writes (`FASTTEXT_VERSION`).
pub(crate) const LATEST_VERSION: i32 = 12;
/// Floats are read in slices of this many, so a header that lies about a
/// matrix's size runs out of file before it can allocate much.
const FLOATS_PER_READ: usize = 1 << 20;
/// The longest character n-grams (`maxn`) and word n-grams (`wordNgrams`) a
/// model may ask for. A word of `L` characters has about `L × maxn` character
/// n-grams, computed for every dictionary word at load and for every unknown
/// token at prediction, and a line of `T` tokens has `T × wordNgrams` word
/// n-grams: unbounded, one damaged header field makes the cost quadratic in
/// the file or in the text (a 20 KB word with `maxn` 2^31 - 1, found while
/// writing the fuzz target, took 10 s and 800 MB to load). fastText's defaults
/// are 3–6 and 1, and the published models stay below 10; larger values are
/// refused, not clamped, so that every model that loads predicts exactly as
/// fastText does.
pub(crate) const MAX_NGRAM: i32 = 64;

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read the model: {0}")]
    Io(#[from] io::Error),
    /// The file does not start with fastText's magic number.
    #[error("not a fastText model (bad magic number)")]
    NotFastText,
    /// A format newer than this reader knows.
    #[error("fastText format version {0} is newer than {LATEST_VERSION}")]
    UnsupportedVersion(i32),
    /// The file ended inside the named part.
    #[error("the model file is truncated (in {0})")]
    Truncated(&'static str),
    /// A value that fastText itself would reject or could not use.
    #[error("invalid model: {0}")]
    Invalid(String),
}

/// Loss function codes (`loss_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loss {
    HierarchicalSoftmax,
    NegativeSampling,
    Softmax,
    OneVsAll,
}

/// The training arguments stored in a model (`Args::load`); only those that
/// change inference are kept.
#[derive(Debug, Clone)]
pub(crate) struct Args {
    pub dim: usize,
    pub word_ngrams: i32,
    pub loss: Loss,
    pub bucket: i32,
    pub minn: i32,
    pub maxn: i32,
}

/// A reader of the model's scalars that names the part it is in when the file
/// ends early.
pub(crate) struct ModelReader<R> {
    inner: R,
}

impl<R: Read> ModelReader<R> {
    pub fn new(inner: R) -> Self {
        ModelReader { inner }
    }

    fn bytes<const N: usize>(&mut self, part: &'static str) -> Result<[u8; N], LoadError> {
        let mut buf = [0u8; N];
        self.inner.read_exact(&mut buf).map_err(|err| eof_as(err, part))?;
        Ok(buf)
    }

    pub fn i32(&mut self, part: &'static str) -> Result<i32, LoadError> {
        self.bytes(part).map(i32::from_le_bytes)
    }

    pub fn i64(&mut self, part: &'static str) -> Result<i64, LoadError> {
        self.bytes(part).map(i64::from_le_bytes)
    }

    pub fn f64(&mut self, part: &'static str) -> Result<f64, LoadError> {
        self.bytes(part).map(f64::from_le_bytes)
    }

    pub fn u8(&mut self, part: &'static str) -> Result<u8, LoadError> {
        self.bytes::<1>(part).map(|[b]| b)
    }

    pub fn bool(&mut self, part: &'static str) -> Result<bool, LoadError> {
        self.u8(part).map(|b| b != 0)
    }

    /// A count stored as a signed integer, checked to be non-negative.
    pub fn count(&mut self, value: i64, what: &str) -> Result<usize, LoadError> {
        usize::try_from(value).map_err(|_| LoadError::Invalid(format!("negative {what}: {value}")))
    }

    /// A NUL-terminated byte string (dictionary words).
    pub fn c_string(&mut self, out: &mut Vec<u8>, part: &'static str) -> Result<(), LoadError> {
        loop {
            match self.u8(part)? {
                0 => return Ok(()),
                b => out.push(b),
            }
        }
    }

    /// `len` raw bytes (product-quantizer codes).
    pub fn byte_vec(&mut self, len: usize, part: &'static str) -> Result<Vec<u8>, LoadError> {
        let mut out = Vec::new();
        (&mut self.inner)
            .take(len as u64)
            .read_to_end(&mut out)
            .map_err(LoadError::Io)?;
        if out.len() != len {
            return Err(LoadError::Truncated(part));
        }
        Ok(out)
    }

    /// `len` little-endian `f32`s, read a slice at a time.
    pub fn f32_vec(&mut self, len: usize, part: &'static str) -> Result<Vec<f32>, LoadError> {
        let mut out = Vec::with_capacity(len.min(FLOATS_PER_READ));
        let mut buf = vec![0u8; 4 * len.min(FLOATS_PER_READ)];
        while out.len() < len {
            let n = (len - out.len()).min(FLOATS_PER_READ);
            let bytes = &mut buf[..4 * n];
            self.inner.read_exact(bytes).map_err(|err| eof_as(err, part))?;
            out.extend(
                bytes
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            );
        }
        Ok(out)
    }
}

fn eof_as(err: io::Error, part: &'static str) -> LoadError {
    if err.kind() == io::ErrorKind::UnexpectedEof {
        LoadError::Truncated(part)
    } else {
        LoadError::Io(err)
    }
}

/// Reads the magic number and version (`FastText::checkModel`).
pub(crate) fn read_header<R: Read>(reader: &mut ModelReader<R>) -> Result<i32, LoadError> {
    if reader.i32("header")? != MAGIC {
        return Err(LoadError::NotFastText);
    }
    let version = reader.i32("header")?;
    if version > LATEST_VERSION {
        return Err(LoadError::UnsupportedVersion(version));
    }
    Ok(version)
}

/// Reads `Args`: twelve `int`s (two of them enums) and a `double`.
pub(crate) fn read_args<R: Read>(reader: &mut ModelReader<R>, version: i32) -> Result<Args, LoadError> {
    const PART: &str = "arguments";
    let dim = reader.i32(PART)?;
    let _ws = reader.i32(PART)?;
    let _epoch = reader.i32(PART)?;
    let _min_count = reader.i32(PART)?;
    let _neg = reader.i32(PART)?;
    let word_ngrams = reader.i32(PART)?;
    let loss = match reader.i32(PART)? {
        1 => Loss::HierarchicalSoftmax,
        2 => Loss::NegativeSampling,
        3 => Loss::Softmax,
        4 => Loss::OneVsAll,
        other => return Err(LoadError::Invalid(format!("unknown loss code {other}"))),
    };
    let model = reader.i32(PART)?;
    let bucket = reader.i32(PART)?;
    let minn = reader.i32(PART)?;
    let mut maxn = reader.i32(PART)?;
    let _lr_update_rate = reader.i32(PART)?;
    let _sampling_threshold = reader.f64(PART)?;
    // model_name: cbow = 1, sg = 2, sup = 3. Only classifiers predict labels.
    if model != 3 {
        return Err(LoadError::Invalid(
            "not a supervised model (word vectors cannot predict labels)".into(),
        ));
    }
    // FastText::loadModel: version-11 classifiers were trained without subwords.
    if version == 11 {
        maxn = 0;
    }
    let dim = usize::try_from(dim)
        .ok()
        .filter(|d| *d > 0)
        .ok_or_else(|| LoadError::Invalid(format!("dimension {dim}")))?;
    if bucket < 0 {
        return Err(LoadError::Invalid(format!("bucket count {bucket}")));
    }
    if maxn > MAX_NGRAM || word_ngrams > MAX_NGRAM {
        return Err(LoadError::Invalid(format!(
            "n-grams of up to {maxn} characters and {word_ngrams} words (at most {MAX_NGRAM} are accepted)"
        )));
    }
    Ok(Args {
        dim,
        word_ngrams,
        loss,
        bucket,
        minn,
        maxn,
    })
}
