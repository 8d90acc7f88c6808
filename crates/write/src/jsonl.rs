//! JSON Lines: one object per document, `{"id", "text", "url"?, "metadata"}`,
//! and for removed documents a `removed: {"step", "reason"}` beside them.

use crate::encoder::Counting;
use crate::{Encoder, Finished, Outgoing};
use serde::Serialize;
use std::io::{self, BufWriter, Write};
use tamis_api::Document;
use tamis_io::Upload;

/// How JSONL files are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain JSONL.
    None,
    /// gzip, level 6.
    Gzip,
    /// zstd, level 3.
    Zstd,
}

impl Compression {
    /// The file extension: `jsonl`, `jsonl.gz`, `jsonl.zst`.
    pub fn extension(self) -> &'static str {
        match self {
            Compression::None => "jsonl",
            Compression::Gzip => "jsonl.gz",
            Compression::Zstd => "jsonl.zst",
        }
    }
}

/// The JSON object of a kept or removed document, without its newline.
pub fn to_json(item: &Outgoing, out: &mut Vec<u8>) {
    #[derive(Serialize)]
    struct Removed<'a> {
        #[serde(flatten)]
        doc: &'a Document,
        removed: RemovedBy<'a>,
    }
    #[derive(Serialize)]
    struct RemovedBy<'a> {
        step: &'a str,
        reason: &'a str,
    }
    // Serialising a document into memory cannot fail: its keys are strings.
    let _ = match &item.removal {
        None => serde_json::to_writer(&mut *out, &item.doc),
        Some(removal) => serde_json::to_writer(
            &mut *out,
            &Removed {
                doc: &item.doc,
                removed: RemovedBy {
                    step: removal.step,
                    reason: removal.reason.as_str(),
                },
            },
        ),
    };
}

enum Compressor {
    Plain(BufWriter<Counting>),
    Gzip(flate2::write::GzEncoder<BufWriter<Counting>>),
    Zstd(zstd::Encoder<'static, BufWriter<Counting>>),
}

/// Writes documents as JSON lines into one file.
pub struct JsonlEncoder {
    out: Compressor,
    line: Vec<u8>,
    size: u64,
}

impl JsonlEncoder {
    /// An encoder writing into `upload`.
    pub fn new(upload: Box<dyn Upload>, compression: Compression) -> io::Result<Self> {
        let stored = BufWriter::with_capacity(256 << 10, Counting::new(upload));
        let out = match compression {
            Compression::None => Compressor::Plain(stored),
            Compression::Gzip => Compressor::Gzip(flate2::write::GzEncoder::new(stored, flate2::Compression::new(6))),
            Compression::Zstd => Compressor::Zstd(zstd::Encoder::new(stored, 3)?),
        };
        Ok(JsonlEncoder {
            out,
            line: Vec::new(),
            size: 0,
        })
    }
}

impl Encoder for JsonlEncoder {
    fn write(&mut self, item: &Outgoing) -> io::Result<()> {
        self.line.clear();
        to_json(item, &mut self.line);
        self.line.push(b'\n');
        self.size += self.line.len() as u64;
        match &mut self.out {
            Compressor::Plain(w) => w.write_all(&self.line),
            Compressor::Gzip(w) => w.write_all(&self.line),
            Compressor::Zstd(w) => w.write_all(&self.line),
        }
    }

    fn size(&self) -> u64 {
        self.size
    }

    fn finish(self: Box<Self>) -> io::Result<Finished> {
        let stored = match self.out {
            Compressor::Plain(w) => w,
            Compressor::Gzip(w) => w.finish()?,
            Compressor::Zstd(w) => w.finish()?,
        };
        let counting = stored.into_inner().map_err(|e| e.into_error())?;
        Ok(Finished {
            bytes: counting.commit()?,
            ..Finished::default()
        })
    }
}
