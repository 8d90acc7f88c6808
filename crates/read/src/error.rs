use std::fmt;

/// Why a record could not be read. The names are stable: they key the stats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReadErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The file has no bytes at all.
    EmptyFile,
    /// A gzip member ends before its end: the rest of the file is lost.
    GzipTruncated,
    /// A zstd frame ends before its end: the rest of the file is lost.
    ZstdTruncated,
    /// Bytes that are not valid gzip (or zstd) where a member was expected.
    CompressionCorrupt,
    /// Data where a WARC record should start (e.g. an ARC file, or junk).
    NotWarc,
    /// A WARC header block that cannot be parsed (no Content-Length, say).
    BadHeader,
    /// The record's block does not end where its Content-Length says.
    ContentLengthMismatch,
    /// The file ends inside a record.
    TruncatedRecord,
    /// The record is larger than `max_record_bytes`.
    RecordTooLarge,
    /// Text that must be UTF-8 is not.
    InvalidUtf8,
    /// A JSONL line that is not a JSON object.
    BadJson,
    /// A JSONL object without a string in the text field.
    MissingText,
    /// Decoding the record panicked (a bug): the record is lost, the run goes on.
    DecodePanic,
    /// A Parquet file that is not one, is cut short, or has a row group that
    /// cannot be decoded.
    BadParquet,
}

impl ReadErrorKind {
    /// Classifies a failure of a stream stored with `codec`: decoders report
    /// a truncated stream as `UnexpectedEof` and bad bytes as invalid data.
    pub(crate) fn of_stream_error(err: &std::io::Error, codec: crate::compression::Codec) -> ReadErrorKind {
        match err.kind() {
            std::io::ErrorKind::UnexpectedEof if codec == crate::compression::Codec::Zstd => {
                ReadErrorKind::ZstdTruncated
            }
            std::io::ErrorKind::UnexpectedEof => ReadErrorKind::GzipTruncated,
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput | std::io::ErrorKind::Other => {
                ReadErrorKind::CompressionCorrupt
            }
            _ => ReadErrorKind::Io,
        }
    }

    /// The stable name used in stats.
    pub fn as_str(self) -> &'static str {
        match self {
            ReadErrorKind::Io => "io",
            ReadErrorKind::EmptyFile => "empty_file",
            ReadErrorKind::GzipTruncated => "gzip_truncated",
            ReadErrorKind::ZstdTruncated => "zstd_truncated",
            ReadErrorKind::CompressionCorrupt => "compression_corrupt",
            ReadErrorKind::NotWarc => "not_warc",
            ReadErrorKind::BadHeader => "bad_header",
            ReadErrorKind::ContentLengthMismatch => "content_length_mismatch",
            ReadErrorKind::TruncatedRecord => "truncated_record",
            ReadErrorKind::RecordTooLarge => "record_too_large",
            ReadErrorKind::InvalidUtf8 => "invalid_utf8",
            ReadErrorKind::BadJson => "bad_json",
            ReadErrorKind::MissingText => "missing_text",
            ReadErrorKind::DecodePanic => "decode_panic",
            ReadErrorKind::BadParquet => "bad_parquet",
        }
    }
}

/// A record that could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Why.
    pub kind: ReadErrorKind,
    /// The input file.
    pub file: String,
    /// Byte offset in the stored file (see [`crate::compression::Location`]).
    pub offset: u64,
    /// Details for a human.
    pub detail: String,
}

impl ReadError {
    pub(crate) fn new(kind: ReadErrorKind, offset: u64, detail: impl Into<String>) -> Self {
        ReadError {
            kind,
            file: String::new(),
            offset,
            detail: detail.into(),
        }
    }

    pub(crate) fn in_file(mut self, file: &str) -> Self {
        self.file = file.to_string();
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} at offset {}: {}",
            self.file,
            self.kind.as_str(),
            self.offset,
            self.detail
        )
    }
}

impl std::error::Error for ReadError {}
