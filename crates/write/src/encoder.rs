//! The encoder interface: one per output format, all fed the same documents.

use crate::jsonl::{Compression, JsonlEncoder};
use crate::parquet::{ParquetEncoder, ParquetOptions};
use crate::Outgoing;
use std::io::{self, Write};
use tamis_api::SchemaStats;
use tamis_io::Upload;

/// How output files are encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines, compressed or not.
    Jsonl(Compression),
    /// Parquet, with a fixed schema.
    Parquet(ParquetOptions),
}

impl Format {
    /// The file extension, without the dot: `jsonl.gz`, `parquet`.
    pub fn extension(&self) -> &'static str {
        match self {
            Format::Jsonl(compression) => compression.extension(),
            Format::Parquet(_) => "parquet",
        }
    }

    /// The format of the removed output: the same, plus the removal's columns
    /// for Parquet (JSONL objects carry a `removed` field of their own).
    pub fn for_removed(&self) -> Format {
        match self {
            Format::Jsonl(_) => self.clone(),
            Format::Parquet(options) => Format::Parquet(options.for_removed()),
        }
    }

    /// An encoder writing into `upload`.
    pub fn encoder(&self, upload: Box<dyn Upload>) -> io::Result<Box<dyn Encoder>> {
        Ok(match self {
            Format::Jsonl(compression) => Box::new(JsonlEncoder::new(upload, *compression)?),
            Format::Parquet(options) => Box::new(ParquetEncoder::new(upload, options)?),
        })
    }
}

/// What an encoder wrote into its file.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Finished {
    /// Bytes stored.
    pub bytes: u64,
    /// What the file's schema could not hold as given (Parquet).
    pub schema: SchemaStats,
}

/// Writes documents into one file.
pub trait Encoder: Send {
    /// Adds one document.
    fn write(&mut self, item: &Outgoing) -> io::Result<()>;

    /// How much the file holds so far, as the part size limit counts it
    /// (uncompressed bytes of the encoding).
    fn size(&self) -> u64;

    /// Ends the file and commits it.
    fn finish(self: Box<Self>) -> io::Result<Finished>;
}

/// An upload that counts the bytes that reach storage.
pub(crate) struct Counting {
    upload: Box<dyn Upload>,
    stored: u64,
}

impl Counting {
    pub(crate) fn new(upload: Box<dyn Upload>) -> Self {
        Counting { upload, stored: 0 }
    }

    /// Commits the upload; returns the bytes stored.
    pub(crate) fn commit(self) -> io::Result<u64> {
        self.upload.commit()?;
        Ok(self.stored)
    }
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.upload.write(buf)?;
        self.stored += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.upload.flush()
    }
}
