//! Readers: the first stage of a pipeline, from stored shards to documents.
//!
//! A reader streams one input file and yields [`Record`]s: a document still to
//! be decoded ([`Undecoded`]), a record deliberately skipped (a WARC `request`,
//! say), or a [`ReadError`] with its reason and byte offset. A reader never panics and never stops at a bad record: it
//! reports it and goes on with the next one whenever the format allows a resync.
//! Whole files are never held in memory; one record at a time is, up to
//! [`ReadOptions::max_record_bytes`].
//!
//! - [`compression`]: gzip (one or many members), zstd or none, detected from the
//!   first bytes, with byte counting for progress and stats;
//! - [`warc`]: WARC 1.0/1.1 `response`, `resource` and `conversion` (WET) records;
//! - [`jsonl`]: one JSON object per line;
//! - [`parquet`]: one row per document, read by row group with range reads;
//! - [`charset`]: bytes to text, from the declared charset or by detection;
//!   readers leave that work to [`Undecoded::decode`], so that it runs on the
//!   runner's workers rather than on the reading thread.
#![deny(missing_docs)]

pub mod charset;
pub mod compression;
mod error;
mod http;
pub mod jsonl;
pub mod parquet;
mod stream;
mod undecoded;
pub mod warc;

pub use error::{ReadError, ReadErrorKind};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use tamis_api::Metadata;
pub use undecoded::Undecoded;

/// One item out of a reader.
#[derive(Debug)]
pub enum Record {
    /// A document, once [`Undecoded::decode`] has turned its bytes into text
    /// (on any thread; decoding can still fail, e.g. on invalid UTF-8).
    Document(Undecoded),
    /// A record deliberately not turned into a document, by kind.
    Skipped(String),
    /// A record (or the rest of a file) that could not be read.
    Error(ReadError),
}

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// WARC 1.0/1.1, including WET files.
    Warc,
    /// JSON Lines.
    Jsonl,
    /// Parquet: needs random access, so it opens by [`open`] only.
    Parquet,
}

/// Options shared by all readers.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// A record larger than this (uncompressed) is skipped and counted as
    /// `record_too_large`, without being held in memory.
    pub max_record_bytes: u64,
    /// JSONL and Parquet: the field (column) holding the text.
    pub text_field: String,
    /// JSONL and Parquet: the field holding the id; a missing id becomes
    /// `<file>/<line>` (`<file>/<row>` in Parquet, rows counted from 0).
    pub id_field: String,
    /// JSONL and Parquet: the field holding the URL.
    pub url_field: String,
    /// Parquet: when given, the only columns (besides text, id and URL) read
    /// into the metadata; the others are not even fetched.
    pub columns: Option<Vec<String>>,
    /// Metadata every document gets unless it has the key already
    /// (datatrove's `default_metadata`, e.g. `{dump: CC-MAIN-2024-10}`).
    pub default_metadata: Metadata,
}

/// 16 MiB: Common Crawl truncates WARC payloads at 1 MiB, and a longer "document"
/// is almost always a dump, not a page.
pub const DEFAULT_MAX_RECORD_BYTES: u64 = 16 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            text_field: "text".into(),
            id_field: "id".into(),
            url_field: "url".into(),
            columns: None,
            default_metadata: Metadata::new(),
        }
    }
}

/// The records of the file at `location`, in file order: how every format is
/// opened. It is named by its URL (or path) in documents and errors.
///
/// `progress` is advanced as stored (compressed) bytes are consumed, so a
/// progress display can follow from another thread. Failing to open the file is
/// itself reported as a record error, so callers have one path for all failures.
/// Parquet is read by ranges ([`parquet`]); the other formats stream.
pub fn open(
    location: &tamis_io::Location,
    format: Format,
    options: &ReadOptions,
    progress: Arc<AtomicU64>,
) -> Box<dyn Iterator<Item = Record> + Send> {
    let name = location.to_string();
    let records: Box<dyn Iterator<Item = Record> + Send> = match format {
        Format::Parquet => Box::new(parquet::ParquetReader::new(
            location.clone(),
            name,
            options.clone(),
            progress,
        )),
        Format::Warc | Format::Jsonl => match location.open() {
            Ok(stored) => open_reader(stored, name, format, options, progress),
            Err(err) => return open_failed(&name, &err),
        },
    };
    if options.default_metadata.is_empty() {
        return records;
    }
    let defaults = Arc::new(options.default_metadata.clone());
    Box::new(records.map(move |record| match record {
        Record::Document(doc) => Record::Document(doc.with_defaults(defaults.clone())),
        other => other,
    }))
}

/// A reader that reports that `source` could not be opened: one record error,
/// so that callers have one path for all failures.
pub fn open_failed(source: &str, err: &std::io::Error) -> Box<dyn Iterator<Item = Record> + Send> {
    let error = ReadError::new(ReadErrorKind::Io, 0, format!("cannot open: {err}"));
    Box::new(std::iter::once(Record::Error(error.in_file(source))))
}

/// Returns the records of the stored bytes `stored` gives (a file, an object
/// being downloaded), named `source` in documents and errors.
pub fn open_reader(
    stored: Box<dyn std::io::Read + Send>,
    source: String,
    format: Format,
    options: &ReadOptions,
    bytes_read: Arc<AtomicU64>,
) -> Box<dyn Iterator<Item = Record> + Send> {
    let input = match compression::open_reader(stored, bytes_read) {
        Ok(input) => input,
        Err(err) => return open_failed(&source, &err),
    };
    match format {
        Format::Warc => Box::new(warc::WarcReader::new(input, source, options.clone())),
        Format::Jsonl => Box::new(jsonl::JsonlReader::new(input, source, options.clone())),
        Format::Parquet => {
            let error = ReadError::new(ReadErrorKind::Io, 0, "Parquet is read by ranges: open it with `open`");
            Box::new(std::iter::once(Record::Error(error.in_file(&source))))
        }
    }
}
