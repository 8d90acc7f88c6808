//! The encoder interface: one per output format, all fed the same documents.

use crate::jsonl::{Compression, JsonlEncoder};
use crate::Outgoing;
use std::io;
use tamis_io::Upload;

/// How output files are encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// JSON Lines, compressed or not.
    Jsonl(Compression),
}

impl Format {
    /// The file extension, without the dot: `jsonl.gz`.
    pub fn extension(&self) -> &'static str {
        match self {
            Format::Jsonl(compression) => compression.extension(),
        }
    }

    /// An encoder writing into `upload`.
    pub fn encoder(&self, upload: Box<dyn Upload>) -> io::Result<Box<dyn Encoder>> {
        Ok(match self {
            Format::Jsonl(compression) => Box::new(JsonlEncoder::new(upload, *compression)?),
        })
    }
}

/// Writes documents into one file.
pub trait Encoder: Send {
    /// Adds one document.
    fn write(&mut self, item: &Outgoing) -> io::Result<()>;

    /// How much the file holds so far, as the part size limit counts it
    /// (uncompressed bytes of the encoding).
    fn size(&self) -> u64;

    /// Ends the file and commits it; returns the bytes stored.
    fn finish(self: Box<Self>) -> io::Result<u64>;
}
