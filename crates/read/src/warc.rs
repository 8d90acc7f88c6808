//! WARC 1.0 and 1.1 (ISO 28500), including Common Crawl's WET files.
//!
//! - `response` records: the HTTP status line and headers are parsed (status,
//!   Content-Type, charset), the body is de-chunked and decompressed when the
//!   headers say so, and left to be decoded to text (see [`crate::charset`]);
//! - `resource` records: the block is the payload, typed by the WARC
//!   Content-Type;
//! - `conversion` records (WET): the block is UTF-8 text; invalid UTF-8 is an
//!   error, not a silent replacement;
//! - every other type (`warcinfo`, `request`, `metadata`, `revisit`…) is skipped
//!   and counted by type.
//!
//! WARC-Target-URI, WARC-Date and WARC-Record-ID go into the metadata, with the
//! source file and the record's offset. A record whose block does not end where
//! its Content-Length says is reported, and reading resumes at the next record,
//! looking inside the bad block first so that a too-long length (even one past
//! the end of the file) does not swallow the records after it. Junk between
//! records is skipped to the next `WARC/1.`, whether or not it starts a line.

use crate::compression::{Codec, Decompressed, Locator};
use crate::http;
use crate::stream::{Line, Stream};
use crate::undecoded::{Content, Encoding, Undecoded};
use crate::{ReadError, ReadErrorKind, ReadOptions, Record};
use serde_json::Value;
use std::borrow::Cow;
use std::io;
use std::sync::Arc;
use tamis_api::{Document, Metadata};

/// Longest header line accepted; longer lines are junk, not headers.
const MAX_HEADER_LINE: usize = 64 << 10;
/// Most header lines in one record.
const MAX_HEADER_LINES: usize = 1024;
/// How a record's first line starts.
const RECORD_START: &[u8] = b"WARC/1.";
/// How far into a response block its HTTP head is looked for, to be read
/// apart from the body; a head not ending by then is parsed from the whole block.
const MAX_HTTP_HEAD: u64 = 64 << 10;
/// A block's end and the next record's start, as they appear in the stream.
const NEXT_RECORD: &[u8] = b"\r\n\r\nWARC/1.";

/// Reads the records of one WARC file.
pub struct WarcReader {
    stream: Stream,
    locator: Locator,
    /// The input file, shared with the undecoded records for their errors.
    file: Arc<str>,
    options: ReadOptions,
    /// Whether the reader is skipping junk after an error already reported.
    resyncing: bool,
    done: bool,
    line: Vec<u8>,
}

/// A WARC header block, names kept as written.
struct Headers(Vec<(String, String)>);

impl Headers {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Outcome of reading one record's header block.
enum Head {
    /// Headers, and the offset of the record's "WARC/" line.
    Record(Headers, u64),
    /// The stream ended cleanly between records.
    End,
}

impl WarcReader {
    /// Reads WARC records from a decompressed stream; `source` names the file in
    /// metadata and errors.
    pub fn new(input: Decompressed, source: String, options: ReadOptions) -> Self {
        WarcReader {
            stream: Stream::new(input.reader),
            locator: input.locator,
            file: source.into(),
            options,
            resyncing: false,
            done: false,
            line: Vec::new(),
        }
    }

    fn error(&self, kind: ReadErrorKind, start: u64, detail: impl Into<String>) -> ReadError {
        self.locator.error(&self.file, kind, start, detail.into())
    }

    /// Reports an I/O or decompression failure. Reading goes on after a corrupt
    /// gzip member (the stream resumes at the next member, and the reader at
    /// the next record); any other failure ends the file.
    fn fail(&mut self, err: io::Error, start: u64) -> ReadError {
        let kind = ReadErrorKind::of_stream_error(&err, self.locator.codec);
        if kind == ReadErrorKind::CompressionCorrupt && self.locator.codec == Codec::Gzip {
            self.resyncing = true;
        } else {
            self.done = true;
        }
        self.error(kind, start, err.to_string())
    }

    /// Reads up to the blank line ending a header block, skipping junk before it.
    fn read_head(&mut self) -> Result<Head, ReadError> {
        let mut junk_start = None;
        let start = loop {
            let start = self.stream.position();
            match self.stream.read_line_or_stop(&mut self.line, MAX_HEADER_LINE) {
                Err(err) => return Err(self.fail(err, start)),
                Ok(Line::End) => {
                    self.done = true;
                    if start == 0 {
                        return Err(self.error(ReadErrorKind::EmptyFile, 0, "no bytes"));
                    }
                    return match junk_start {
                        Some(at) => Err(self.error(
                            ReadErrorKind::NotWarc,
                            at,
                            "no WARC record from here to the end of the file",
                        )),
                        None => Ok(Head::End),
                    };
                }
                Ok(Line::Complete) if self.line.starts_with(b"WARC/") => {
                    if let Some(at) = junk_start {
                        // Report the junk now; the record is read on the next call.
                        self.stream.push_back(&self.line.clone());
                        return Err(self.error(
                            ReadErrorKind::NotWarc,
                            at,
                            "bytes between records that are not a WARC record",
                        ));
                    }
                    break start;
                }
                Ok(Line::Complete) if self.line.trim_ascii().is_empty() => continue,
                Ok(Line::Complete | Line::TooLong) => {}
            }
            // Junk (reported unless it follows an error already reported).
            // It need not end with a newline, so the next record may start
            // anywhere: look for it in the bytes, not at line starts.
            if !self.resyncing {
                junk_start.get_or_insert(start);
            }
            if let Err(err) = self.stream.skip_to(u64::MAX, RECORD_START) {
                return Err(self.fail(err, start));
            }
        };
        self.resyncing = false;
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            match self.stream.read_line(&mut self.line, MAX_HEADER_LINE) {
                Err(err) => return Err(self.fail(err, start)),
                Ok(Line::End) => {
                    self.done = true;
                    return Err(self.error(
                        ReadErrorKind::TruncatedRecord,
                        start,
                        "file ends inside the WARC headers",
                    ));
                }
                Ok(Line::TooLong) => {
                    self.resyncing = true;
                    return Err(self.error(ReadErrorKind::BadHeader, start, "header line too long"));
                }
                Ok(Line::Complete) => {}
            }
            let line = String::from_utf8_lossy(&self.line);
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                return Ok(Head::Record(Headers(headers), start));
            }
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
            if headers.len() > MAX_HEADER_LINES {
                self.resyncing = true;
                return Err(self.error(ReadErrorKind::BadHeader, start, "too many header lines"));
            }
        }
    }

    /// Reads one record; `None` at the end of the file.
    fn read_record(&mut self) -> Option<Record> {
        let (headers, start) = match self.read_head() {
            Ok(Head::Record(headers, start)) => (headers, start),
            Ok(Head::End) => return None,
            Err(error) => return Some(Record::Error(error)),
        };
        Some(self.read_block(&headers, start).unwrap_or_else(Record::Error))
    }

    /// Reads the block of the record whose headers were just read.
    fn read_block(&mut self, headers: &Headers, start: u64) -> Result<Record, ReadError> {
        let Some(length) = headers.get("Content-Length").and_then(|v| v.parse::<u64>().ok()) else {
            self.resyncing = true;
            return Err(self.error(ReadErrorKind::BadHeader, start, "missing or invalid Content-Length"));
        };
        if length > self.options.max_record_bytes {
            return Err(self.skip_too_large(length, start));
        }
        let kind = headers.get("WARC-Type").unwrap_or("").to_ascii_lowercase();
        let block = match self.read_block_bytes(length, kind == "response") {
            Err(err) => return Err(self.fail(err, start)),
            Ok(block) if (block.len() as u64) < length => return Err(self.overrun(&block.joined(), start, length)),
            Ok(block) => block,
        };
        self.check_trailer(&block, start, length)?;
        self.to_record(headers, kind, block, start)
    }

    /// Reads up to `length` bytes of a block, a response's HTTP head apart
    /// from its body when the head ends within [`MAX_HTTP_HEAD`] bytes.
    fn read_block_bytes(&mut self, length: u64, split_http_head: bool) -> io::Result<Block> {
        let mut head = Vec::new();
        if split_http_head
            && !self
                .stream
                .read_through(http::HEAD_END, length.min(MAX_HTTP_HEAD), &mut head)?
        {
            // No head to split off: the block is read in one piece.
            let mut body = head;
            let rest = length - body.len() as u64;
            body.reserve_exact(rest as usize);
            self.stream.read_up_to(rest, &mut body)?;
            return Ok(Block { head: Vec::new(), body });
        }
        let rest = length - head.len() as u64;
        let mut body = Vec::with_capacity(rest as usize);
        self.stream.read_up_to(rest, &mut body)?;
        Ok(Block { head, body })
    }

    /// The file ended inside a block of Content-Length `length`, of which
    /// `block` was read. A record starting inside it means the length lied:
    /// reading resumes there, so that one bad length does not cost the
    /// records after it.
    fn overrun(&mut self, block: &[u8], start: u64, length: u64) -> ReadError {
        let read = block.len();
        let Some(at) = record_start_in(block) else {
            self.done = true;
            return self.error(
                ReadErrorKind::TruncatedRecord,
                start,
                format!("Content-Length is {length} but the file ends after {read} bytes"),
            );
        };
        self.stream.push_back(&block[at..]);
        self.resyncing = true;
        self.error(
            ReadErrorKind::ContentLengthMismatch,
            start,
            format!(
                "Content-Length is {length} but the file ends after {read} bytes, \
                 and a record starts {at} bytes into the block: reading resumes there"
            ),
        )
    }

    /// Skips a block longer than `max_record_bytes` without holding it, and
    /// reports it. The skip stops early where the next record visibly starts
    /// (`CRLF CRLF WARC/1.`): a lying length over the limit, even one past
    /// the end of the file, costs only its own record.
    fn skip_too_large(&mut self, length: u64, start: u64) -> ReadError {
        let limit = self.options.max_record_bytes;
        match self.stream.skip_to(length, NEXT_RECORD) {
            Err(err) => self.fail(err, start),
            Ok((skipped, true)) => {
                self.resyncing = true;
                self.error(
                    ReadErrorKind::ContentLengthMismatch,
                    start,
                    format!(
                        "Content-Length is {length} (over the limit of {limit}), \
                         but a record starts {skipped} bytes into the block: reading resumes there"
                    ),
                )
            }
            Ok((skipped, false)) if skipped < length => {
                self.done = true;
                self.error(
                    ReadErrorKind::TruncatedRecord,
                    start,
                    format!("Content-Length is {length} but the file ends after {skipped} bytes"),
                )
            }
            Ok(_) => match self.check_trailer(&Block::default(), start, length) {
                Err(mismatch) => mismatch,
                Ok(()) => self.error(
                    ReadErrorKind::RecordTooLarge,
                    start,
                    format!("{length} bytes, over the limit of {limit}"),
                ),
            },
        }
    }

    /// Checks the `CRLF CRLF` after a block. On a mismatch, gives back the bytes
    /// from the next record start found inside the block, if any, and reports the
    /// record.
    fn check_trailer(&mut self, block: &Block, start: u64, length: u64) -> Result<(), ReadError> {
        let mut trailer = Vec::with_capacity(4);
        if let Err(err) = self.stream.read_up_to(4, &mut trailer) {
            return Err(self.fail(err, start));
        }
        if trailer.is_empty() || trailer == b"\r\n\r\n" {
            return self.check_member_end(start);
        }
        if let Some(rest) = trailer.strip_prefix(b"\n\n") {
            self.stream.push_back(rest);
            return Ok(());
        }
        let tail: Vec<u8> = [&block.joined(), &trailer[..]].concat();
        match record_start_in(&tail) {
            Some(at) => self.stream.push_back(&tail[at..]),
            None => self.stream.push_back(&trailer),
        }
        self.resyncing = true;
        Err(self.error(
            ReadErrorKind::ContentLengthMismatch,
            start,
            format!("block of Content-Length {length} is not followed by CRLF CRLF"),
        ))
    }

    /// A record is usually a gzip member of its own, whose CRC is checked only
    /// after its last byte: the next bytes are made ready now, so that a bad
    /// member costs its own record. An error of a member starting right after
    /// the record is the next record's, and is given back to be read there.
    fn check_member_end(&mut self, start: u64) -> Result<(), ReadError> {
        if self.locator.codec != Codec::Gzip {
            return Ok(());
        }
        let Err(err) = self.stream.look_ahead() else {
            return Ok(());
        };
        if self.locator.locate(self.stream.position()).stored {
            self.stream.defer(err);
            return Ok(());
        }
        Err(self.fail(err, start))
    }

    fn to_record(&self, headers: &Headers, kind: String, block: Block, start: u64) -> Result<Record, ReadError> {
        let mut metadata = Metadata::new();
        let max_body = self.options.max_record_bytes;
        let (payload, encoding) = match kind.as_str() {
            "response" => match block.parse_http(max_body) {
                Some(response) if response.too_large => {
                    return Err(self.error(
                        ReadErrorKind::RecordTooLarge,
                        start,
                        format!("the body's Content-Encoding inflates it past the limit of {max_body} bytes"),
                    ))
                }
                Some(response) => {
                    if let Some(status) = response.status {
                        metadata.insert("http_status".into(), status.into());
                    }
                    if let Some(mime) = response.mime {
                        metadata.insert("content_type".into(), mime.into());
                    }
                    let declared = response.charset;
                    (response.body, Encoding::Web { declared })
                }
                None => return Ok(Record::Skipped("response_not_http".into())),
            },
            "resource" => {
                let (mime, declared) = headers
                    .get("Content-Type")
                    .map(http::parse_content_type)
                    .unwrap_or_default();
                metadata.insert("content_type".into(), mime.into());
                (block.body, Encoding::Web { declared })
            }
            "conversion" => (block.body, Encoding::Utf8),
            "" => return Err(self.error(ReadErrorKind::BadHeader, start, "no WARC-Type")),
            _ => return Ok(Record::Skipped(kind)),
        };
        let location = self.locator.locate(start);
        let url = headers
            .get("WARC-Target-URI")
            .map(|u| u.trim_matches(['<', '>']).to_string());
        let id = headers
            .get("WARC-Record-ID")
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}#{}", self.file, location.offset));
        let mut meta = Metadata::new();
        meta.insert("source".into(), self.file.to_string().into());
        meta.insert("offset".into(), location.offset.into());
        if !location.stored {
            meta.insert("offset_in".into(), "decompressed".into());
        }
        meta.insert("warc_type".into(), kind.into());
        for (header, key) in [
            ("WARC-Record-ID", "warc_record_id"),
            ("WARC-Date", "warc_date"),
            ("WARC-Target-URI", "warc_target_uri"),
            ("WARC-Refers-To", "warc_refers_to"),
            ("WARC-Identified-Content-Language", "warc_identified_content_language"),
        ] {
            if let Some(value) = headers.get(header) {
                meta.insert(key.into(), Value::String(value.to_string()));
            }
        }
        meta.extend(metadata);
        let doc = Document {
            id,
            text: String::new(),
            url,
            metadata: meta,
            ..Document::default()
        };
        let content = Content::Payload { doc, payload, encoding };
        Ok(Record::Document(Undecoded::new(content, self.file.clone(), location)))
    }
}

/// A record's block as read. A response's HTTP head is read apart from its
/// body, so that the body, the payload handed on, starts its own buffer
/// instead of being moved to the front of the block's.
#[derive(Default)]
struct Block {
    /// The HTTP head through its blank line; empty when `body` is the whole block.
    head: Vec<u8>,
    body: Vec<u8>,
}

impl Block {
    fn len(&self) -> usize {
        self.head.len() + self.body.len()
    }

    /// The block in one piece, for the rare paths that look inside it for a
    /// record start.
    fn joined(&self) -> Cow<'_, [u8]> {
        match self.head.is_empty() {
            true => Cow::Borrowed(&self.body),
            false => Cow::Owned([&self.head[..], &self.body].concat()),
        }
    }

    /// The block as an HTTP response, `None` if it is not one.
    fn parse_http(self, max_body: u64) -> Option<http::HttpResponse> {
        match self.head.is_empty() {
            true => http::parse_response(self.body, max_body),
            false => http::parse_split_response(&self.head, self.body, max_body),
        }
    }
}

/// Where a record starts in `bytes` (at their start, or at a line start).
fn record_start_in(bytes: &[u8]) -> Option<usize> {
    if bytes.starts_with(RECORD_START) {
        return Some(0);
    }
    memchr::memmem::find(bytes, b"\nWARC/1.").map(|at| at + 1)
}

impl Iterator for WarcReader {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        if self.done {
            return None;
        }
        self.read_record()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compression;
    use std::io::Write;
    use std::sync::atomic::AtomicU64;
    use std::sync::Arc;

    fn record(kind: &str, n: usize, block: &[u8]) -> Vec<u8> {
        let mut record = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{n}>\r\nWARC-Target-URI: http://e.com/{n}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        record.extend_from_slice(block);
        record.extend_from_slice(b"\r\n\r\n");
        record
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    /// What a reader makes of `bytes`, documents decoded.
    enum Read {
        Document(Document),
        Skipped(String),
        Error(ReadError),
    }

    fn read(bytes: &[u8]) -> Vec<Read> {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        let input = compression::open(file.path(), Arc::new(AtomicU64::new(0))).unwrap();
        WarcReader::new(input, "test.warc".into(), ReadOptions::default())
            .map(|record| match record {
                Record::Document(doc) => doc.decode().map_or_else(Read::Error, Read::Document),
                Record::Skipped(kind) => Read::Skipped(kind),
                Record::Error(err) => Read::Error(err),
            })
            .collect()
    }

    fn sample(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .flat_map(|i| {
                let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>page {i} é</p>");
                [
                    record("request", i, b"GET / HTTP/1.1\r\n\r\n"),
                    record("response", i, http.as_bytes()),
                    record("conversion", i, format!("page {i}").as_bytes()),
                ]
            })
            .collect()
    }

    #[test]
    fn records_become_documents_or_counted_skips() {
        let records = read(&sample(2).concat());
        let kinds: Vec<String> = records
            .iter()
            .map(|r| match r {
                Read::Document(doc) => doc.metadata["warc_type"].as_str().unwrap().to_string(),
                Read::Skipped(kind) => format!("skipped {kind}"),
                Read::Error(err) => panic!("{err}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "skipped request",
                "response",
                "conversion",
                "skipped request",
                "response",
                "conversion"
            ]
        );
        let Read::Document(doc) = &records[1] else {
            unreachable!()
        };
        assert_eq!(doc.text, "<p>page 0 é</p>");
        assert_eq!(doc.url.as_deref(), Some("http://e.com/0"));
    }

    /// Gives `data` a few bytes per read, so that headers and blocks span reads.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        size: usize,
    }

    impl io::Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.size.min(buf.len()).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    /// What a reader makes of `bytes` stored in reads of `size` bytes, as text
    /// to compare.
    fn read_in_reads_of(bytes: &[u8], size: usize) -> Vec<String> {
        let stored = Trickle {
            data: bytes.to_vec(),
            at: 0,
            size,
        };
        let input = compression::open_reader(Box::new(stored), Arc::new(AtomicU64::new(0))).unwrap();
        WarcReader::new(input, "test.warc".into(), ReadOptions::default())
            .map(|record| match record {
                Record::Document(doc) => {
                    let doc = doc.decode().unwrap();
                    format!("{} {:?} {:?}", doc.id, doc.text, doc.metadata)
                }
                Record::Skipped(kind) => format!("skipped {kind}"),
                Record::Error(err) => format!("{} at {}", err.kind.as_str(), err.offset),
            })
            .collect()
    }

    #[test]
    fn responses_read_the_same_whatever_the_reads() {
        let long_header = format!(
            "HTTP/1.1 200 OK\r\nX-Long: {}\r\n\r\n<p>after a long head</p>",
            "x".repeat(70_000)
        );
        let blocks: [&[u8]; 6] = [
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>split head</p>",
            b"HTTP/1.1 404 Not Found\nContent-Type: text/plain\n\nbare line feeds",
            long_header.as_bytes(),
            b"HTTP/1.1 204 No Content\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html",
            b"example.com. 300 IN A 1.2.3.4\r\n\r\nnot http",
        ];
        let records: Vec<Vec<u8>> = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| record("response", i, b))
            .collect();
        let plain = records.concat();
        let expected = read_in_reads_of(&plain, 1 << 20);
        assert_eq!(expected.len(), 6);
        assert!(expected[0].contains(r#""<p>split head</p>""#) && expected[0].contains("http_status\": Number(200)"));
        assert!(expected[1].contains(r#""bare line feeds""#) && expected[1].contains("Number(404)"));
        assert!(expected[2].contains(r#""<p>after a long head</p>""#));
        assert!(expected[3].contains("Number(204)"));
        assert_eq!(expected[5], "skipped response_not_http");
        let per_record: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
        let whole = gzip(&plain);
        // Offsets differ with the storage, not the rest.
        let expected_per_record = read_in_reads_of(&per_record, 1 << 20);
        let expected_whole = read_in_reads_of(&whole, 1 << 20);
        for (read, plain_read) in expected_per_record
            .iter()
            .chain(&expected_whole)
            .zip(expected.iter().cycle())
        {
            assert_eq!(read.split(" {").next(), plain_read.split(" {").next());
        }
        for size in [1, 2, 3, 5, 7, 64, 4096] {
            assert_eq!(read_in_reads_of(&plain, size), expected, "plain, reads of {size}");
            // The codec is told from the first read: it must hold the magic number.
            if size >= 4 {
                assert_eq!(
                    read_in_reads_of(&per_record, size),
                    expected_per_record,
                    "gzip, reads of {size}"
                );
                assert_eq!(read_in_reads_of(&whole, size), expected_whole, "gzip, reads of {size}");
            }
        }
    }

    #[test]
    fn a_wrong_content_length_costs_only_its_record() {
        let good = record("response", 1, b"HTTP/1.1 200 OK\r\n\r\n<p>good</p>");
        for kind in ["request", "response"] {
            for delta in [-10i64, 10, 1000] {
                let bad = record(
                    kind,
                    0,
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>some body</p>",
                );
                let text = String::from_utf8(bad).unwrap();
                let length = text.len() as i64 - text.find("\r\n\r\n").unwrap() as i64 - 8;
                let bad = text.replace(
                    &format!("Content-Length: {length}"),
                    &format!("Content-Length: {}", length + delta),
                );
                let records = read(&[bad.as_bytes(), &good].concat());
                let kinds: Vec<String> = records
                    .iter()
                    .map(|r| match r {
                        Read::Document(doc) => doc.text.clone(),
                        Read::Skipped(kind) => kind.clone(),
                        Read::Error(err) => err.kind.as_str().to_string(),
                    })
                    .collect();
                assert_eq!(kinds, ["content_length_mismatch", "<p>good</p>"], "{kind} {delta:+}");
            }
            // Past the end of the file, with no record after it.
            let bad = String::from_utf8(record(kind, 0, b"HTTP/1.1 200 OK\r\n\r\nbody")).unwrap();
            let bad = bad.replace("Content-Length: 23", "Content-Length: 33");
            let records = read(bad.as_bytes());
            assert!(matches!(&records[..], [Read::Error(e)] if e.kind == ReadErrorKind::TruncatedRecord));
        }
    }

    /// A tiny deterministic generator, so the damage is the same on every run.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n.max(1)
        }
    }

    #[test]
    fn damaged_files_never_panic_or_hang() {
        let records = sample(6);
        let plain = records.concat();
        let per_record: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
        let whole = gzip(&plain);
        let mut rng = Lcg(7);
        for original in [plain, per_record, whole] {
            for _ in 0..300 {
                let mut damaged = original.clone();
                match rng.below(3) {
                    0 => {
                        for _ in 0..1 + rng.below(8) {
                            let at = rng.below(damaged.len());
                            damaged[at] = rng.below(256) as u8;
                        }
                    }
                    1 => damaged.truncate(rng.below(damaged.len())),
                    _ => {
                        let at = rng.below(damaged.len());
                        let junk: Vec<u8> = (0..rng.below(64)).map(|_| rng.below(256) as u8).collect();
                        damaged.splice(at..at, junk);
                    }
                }
                let out = read(&damaged);
                // 18 records at most, and at most one error for each stretch of damage.
                assert!(out.len() <= 18 + 18, "{} records from 18", out.len());
            }
        }
    }
}
