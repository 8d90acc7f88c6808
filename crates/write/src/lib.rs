//! Writers: the last stage of a pipeline, from documents to stored files.
//!
//! Writers receive documents, not bytes, so every output format is an
//! [`Encoder`] of the same stream:
//!
//! - [`jsonl`]: one JSON object per line (`{"id", "text", "url", "metadata"}`,
//!   plus `removed: {step, reason}` for removed documents), plain, gzip or zstd;
//! - [`parquet`]: typed columns of a schema fixed by the pipeline
//!   ([`tamis_arrow::DocumentSchema`]: tamis's, FineWeb's or FineWeb-2's), plus
//!   `removed_step` and `removed_reason` for removed documents, zstd or snappy;
//! - [`RollingWriter`] writes `<stem>_<part>.<ext>` files into a directory on
//!   any storage, starting a new part when one reaches its size limit. Each
//!   part is an upload that appears whole, under its final name, when it is
//!   finished: nothing is renamed, so the same writer serves local disk and
//!   object storage;
//! - [`BackgroundWriter`] runs a `RollingWriter` on its own thread, so that
//!   encoding and compression overlap with the rest of the pipeline.
#![deny(missing_docs)]

mod background;
mod encoder;
pub mod jsonl;
pub mod parquet;
mod rolling;

pub use background::BackgroundWriter;
pub use encoder::{Encoder, Finished, Format};
pub use jsonl::Compression;
pub use parquet::{ParquetCompression, ParquetOptions};
pub use rolling::{Destination, RollingWriter, Written};

use tamis_api::{Document, Reason};

/// Why a document was removed: the step and its reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removal {
    /// The step that dropped it.
    pub step: &'static str,
    /// The reason it gave.
    pub reason: Reason,
}

/// A document on its way to a writer: kept, or removed with why.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// The document, as the steps left it.
    pub doc: Document,
    /// Set for the removed output.
    pub removal: Option<Removal>,
}

impl Outgoing {
    /// A kept document.
    pub fn kept(doc: Document) -> Self {
        Outgoing { doc, removal: None }
    }

    /// A removed document.
    pub fn removed(doc: Document, removal: Removal) -> Self {
        Outgoing {
            doc,
            removal: Some(removal),
        }
    }
}
