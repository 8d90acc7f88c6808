//! Opening a stored file as one decompressed byte stream.
//!
//! The codec is detected from the first bytes, not the file name: gzip (`1f 8b`),
//! zstd (`28 b5 2f fd`) or none. Gzip files may hold one member (whole-file
//! compression) or one member per record (Common Crawl); both read as one stream,
//! and the start of every member is logged so that a record can be located by the
//! offset of its member in the stored file, the offset a CDX index gives.

use crate::{ReadError, ReadErrorKind};
use flate2::{Crc, Decompress, FlushDecompress, Status};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How a file is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// Plain bytes.
    None,
    /// One or more gzip members.
    Gzip,
    /// One or more zstd frames.
    Zstd,
}

const READ_BUFFER: usize = 256 << 10;
/// How far ahead a gzip stream first decompresses for buffered reads (WARC
/// and HTTP headers): a record's block then goes straight to its destination.
/// Each refill that the member does not cut short (JSONL lines, say) doubles
/// it, up to [`READ_BUFFER`].
const GZIP_LOOKAHEAD: usize = 4 << 10;
/// Member starts remembered for locating records; a record is located soon after
/// it starts, so a short history is enough.
const MEMBER_HISTORY: usize = 4096;

/// A decompressed stream, plus what is needed to locate a position in it.
pub struct Decompressed {
    /// The decompressed bytes, buffered once: plain files are read straight
    /// from the buffer that detected their codec.
    pub reader: Box<dyn Source>,
    /// Maps positions in `reader` back to the stored file.
    pub locator: Locator,
}

/// A buffered decompressed stream that can also append bytes straight to a
/// vector: a decompressor then writes a long read (a WARC block) into its
/// destination, not into its buffer and from there into the destination.
pub trait Source: BufRead + Send {
    /// Appends up to `n` bytes to `out`, at least one unless `n` is 0 or the
    /// stream has ended; returns how many.
    fn read_to_vec(&mut self, n: usize, out: &mut Vec<u8>) -> io::Result<usize> {
        let buf = self.fill_buf()?;
        let take = buf.len().min(n);
        out.extend_from_slice(&buf[..take]);
        self.consume(take);
        Ok(take)
    }
}

/// Plain and zstd files: read through the buffer.
impl<R: Read + Send> Source for BufReader<R> {}

/// Maps a position in the decompressed stream back to the stored file.
pub struct Locator {
    /// The codec the file was stored with.
    pub codec: Codec,
    members: Arc<Mutex<MemberLog>>,
}

/// Where a byte of the decompressed stream lies in the stored file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Byte offset: in the stored file when `stored` is true, else in the
    /// decompressed stream.
    pub offset: u64,
    /// Whether `offset` points into the stored file (plain files, and records that
    /// start their own gzip member).
    pub stored: bool,
}

impl Location {
    /// A read error in `file` at this location.
    pub(crate) fn error(self, file: &str, kind: ReadErrorKind, mut detail: String) -> ReadError {
        if !self.stored {
            detail.push_str(" (offset in the decompressed stream)");
        }
        ReadError::new(kind, self.offset, detail).in_file(file)
    }
}

impl Locator {
    /// A read error in `file` at `position` of the decompressed stream, located
    /// in the stored file when possible.
    pub(crate) fn error(&self, file: &str, kind: ReadErrorKind, position: u64, detail: String) -> ReadError {
        self.locate(position).error(file, kind, detail)
    }

    /// Locates `position`, an offset in the decompressed stream that has already
    /// been read past.
    pub fn locate(&self, position: u64) -> Location {
        match self.codec {
            Codec::None => Location {
                offset: position,
                stored: true,
            },
            Codec::Zstd => Location {
                offset: position,
                stored: false,
            },
            Codec::Gzip => {
                let log = self.members.lock().unwrap_or_else(|e| e.into_inner());
                let member = log.starts.iter().rev().find(|m| m.decompressed <= position);
                match member {
                    Some(m) if m.decompressed == position => Location {
                        offset: m.stored,
                        stored: true,
                    },
                    _ => Location {
                        offset: position,
                        stored: false,
                    },
                }
            }
        }
    }
}

/// Opens `path`, detects its codec and returns the decompressed stream.
/// `bytes_read` counts the stored bytes consumed.
pub fn open(path: &Path, bytes_read: Arc<AtomicU64>) -> io::Result<Decompressed> {
    open_reader(Box::new(File::open(path)?), bytes_read)
}

/// Detects the codec of the stored bytes `source` gives and returns the
/// decompressed stream. `bytes_read` counts the stored bytes consumed.
pub fn open_reader(source: Box<dyn Read + Send>, bytes_read: Arc<AtomicU64>) -> io::Result<Decompressed> {
    // `bytes_read` may be shared by every file of a task (it drives progress):
    // member offsets are counted in this file's own bytes.
    let stored = Arc::new(AtomicU64::new(0));
    let file = CountingReader {
        inner: source,
        progress: bytes_read,
        stored: stored.clone(),
    };
    let mut buffered = BufReader::with_capacity(READ_BUFFER, file);
    let head = buffered.fill_buf()?;
    let codec = if head.starts_with(&[0x1f, 0x8b]) {
        Codec::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Codec::Zstd
    } else {
        Codec::None
    };
    let members = Arc::new(Mutex::new(MemberLog::default()));
    let reader: Box<dyn Source> = match codec {
        Codec::None => Box::new(buffered),
        Codec::Zstd => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            zstd::stream::read::Decoder::with_buffer(buffered)?,
        )),
        Codec::Gzip => Box::new(GzipMembers::new(buffered, stored, members.clone())),
    };
    Ok(Decompressed {
        reader,
        locator: Locator { codec, members },
    })
}

/// Counts the bytes read through it: into the caller's progress counter, and
/// into this file's own count (the stored offset of the next byte).
struct CountingReader<R> {
    inner: R,
    progress: Arc<AtomicU64>,
    stored: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.fetch_add(n as u64, Ordering::Relaxed);
        self.stored.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[derive(Default)]
struct MemberLog {
    starts: VecDeque<MemberStart>,
}

struct MemberStart {
    decompressed: u64,
    stored: u64,
}

type Buffered = BufReader<CountingReader<Box<dyn Read + Send>>>;

/// Reads gzip members one after another as one stream, logging where each
/// starts. Unlike `flate2::read::MultiGzDecoder`, a truncated last member is an
/// error (`UnexpectedEof`), never a silent end of file; and a corrupt member is
/// an error after which reading resumes at the next gzip member, so one bad
/// record of a Common Crawl file does not cost the records after it.
///
/// One inflater serves every member (reset between them): Common Crawl stores
/// one member per record, and setting up an inflater costs as much as
/// inflating a small record. As a [`Source`], it inflates a long read straight
/// into its destination rather than into its buffer first.
struct GzipMembers {
    input: Buffered,
    /// Raw deflate: the gzip header and trailer are read here.
    inflater: Decompress,
    /// Of the current member's decompressed bytes, for its trailer.
    crc: Crc,
    state: Members,
    /// Decompressed bytes for [`BufRead`], read from `taken`.
    buffer: Vec<u8>,
    taken: usize,
    /// How many bytes the next refill of `buffer` may decompress.
    lookahead: usize,
    stored_count: Arc<AtomicU64>,
    decompressed: u64,
    members: Arc<Mutex<MemberLog>>,
}

enum Members {
    /// At the start of a member, before its header.
    Header,
    /// Inside a member's deflate data.
    Body,
    /// After a member's deflate data, before its trailer.
    Trailer,
    /// After a corrupt member: the next read looks for the next member.
    Resync,
    /// At the end of the file, or after a truncated member.
    Done,
}

/// The first bytes of every gzip member: magic number, deflate method.
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
/// Gzip header flags (RFC 1952, 2.3.1).
const FHCRC: u8 = 1 << 1;
const FEXTRA: u8 = 1 << 2;
const FNAME: u8 = 1 << 3;
const FCOMMENT: u8 = 1 << 4;
const FRESERVED: u8 = 0xe0;
/// Longest file name or comment accepted in a gzip header.
const MAX_HEADER_FIELD: usize = 64 << 10;

impl GzipMembers {
    fn new(input: Buffered, stored_count: Arc<AtomicU64>, members: Arc<Mutex<MemberLog>>) -> Self {
        let mut this = GzipMembers {
            input,
            inflater: Decompress::new(false),
            crc: Crc::new(),
            state: Members::Done,
            buffer: Vec::with_capacity(GZIP_LOOKAHEAD),
            taken: 0,
            lookahead: GZIP_LOOKAHEAD,
            stored_count,
            decompressed: 0,
            members,
        };
        this.start_member();
        this
    }

    /// Logs that a member starts at the next byte of `input`, and gets ready
    /// to decode it.
    fn start_member(&mut self) {
        let start = MemberStart {
            decompressed: self.decompressed,
            // The stored offset of the next byte the buffered reader will give.
            stored: self.stored_count.load(Ordering::Relaxed) - self.input.buffer().len() as u64,
        };
        let mut log = self.members.lock().unwrap_or_else(|e| e.into_inner());
        if log.starts.len() == MEMBER_HISTORY {
            log.starts.pop_front();
        }
        log.starts.push_back(start);
        drop(log);
        self.inflater.reset(false);
        self.crc.reset();
        self.lookahead = GZIP_LOOKAHEAD;
        self.state = Members::Header;
    }

    /// Appends up to `n` decompressed bytes to `out`, at least one unless the
    /// file has ended; inflates straight into `out`'s spare capacity.
    fn inflate_into(&mut self, n: usize, out: &mut Vec<u8>) -> io::Result<usize> {
        if n == 0 {
            return Ok(0);
        }
        loop {
            let step = match self.state {
                Members::Done => return Ok(0),
                Members::Resync => {
                    self.state = Members::Done;
                    if find_next_member(&mut self.input)? {
                        self.start_member();
                    }
                    continue;
                }
                Members::Header => read_header(&mut self.input).map(|()| {
                    self.state = Members::Body;
                    0
                }),
                Members::Body => self.inflate_body(n, out),
                Members::Trailer => self.finish_member().map(|()| 0),
            };
            match step {
                Ok(0) => {}
                Ok(written) => return Ok(written),
                // A truncated member ends the file; a corrupt one, the member.
                Err(err) => {
                    self.state = match err.kind() {
                        io::ErrorKind::UnexpectedEof => Members::Done,
                        _ => Members::Resync,
                    };
                    return Err(err);
                }
            }
        }
    }

    /// One inflate call on the current member's deflate data.
    fn inflate_body(&mut self, n: usize, out: &mut Vec<u8>) -> io::Result<usize> {
        let input = self.input.fill_buf()?;
        let eof = input.is_empty();
        let flush = if eof {
            FlushDecompress::Finish
        } else {
            FlushDecompress::None
        };
        // Never more room than asked for or than one buffer, whatever `n` is.
        let n = if out.capacity() - out.len() >= n {
            n
        } else {
            n.min(READ_BUFFER)
        };
        out.reserve(n);
        let (in_before, out_before) = (self.inflater.total_in(), self.inflater.total_out());
        let status = self
            .inflater
            .decompress_uninit(input, &mut out.spare_capacity_mut()[..n], flush);
        let consumed = (self.inflater.total_in() - in_before) as usize;
        let written = (self.inflater.total_out() - out_before) as usize;
        self.input.consume(consumed);
        let Ok(status) = status else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "corrupt deflate stream"));
        };
        // SAFETY: the inflater initialised the first `written` bytes of the
        // spare capacity it was given.
        unsafe { out.set_len(out.len() + written) };
        self.crc.update(&out[out.len() - written..]);
        self.decompressed += written as u64;
        match status {
            Status::StreamEnd => self.state = Members::Trailer,
            _ if written == 0 && eof => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "incomplete deflate stream",
                ))
            }
            _ => {}
        }
        Ok(written)
    }

    /// Checks the trailer of the member whose deflate data has ended, then
    /// starts the next member, if any.
    fn finish_member(&mut self) -> io::Result<()> {
        let mut trailer = [0u8; 8];
        self.input.read_exact(&mut trailer)?;
        let [c0, c1, c2, c3, s0, s1, s2, s3] = trailer;
        if u32::from_le_bytes([c0, c1, c2, c3]) != self.crc.sum()
            || u32::from_le_bytes([s0, s1, s2, s3]) != self.crc.amount()
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "corrupt gzip stream does not have a matching checksum",
            ));
        }
        self.state = Members::Done;
        if !self.input.fill_buf()?.is_empty() {
            self.start_member();
        }
        Ok(())
    }
}

/// Reads a gzip member header (RFC 1952), checking what can be checked.
fn read_header(input: &mut Buffered) -> io::Result<()> {
    let bad = || io::Error::new(io::ErrorKind::InvalidInput, "invalid gzip header");
    let mut fixed = [0u8; 10];
    input.read_exact(&mut fixed)?;
    let flags = fixed[3];
    if !fixed.starts_with(&GZIP_MAGIC) || flags & FRESERVED != 0 {
        return Err(bad());
    }
    // The bytes the header's own checksum (FHCRC) covers.
    let mut header = fixed.to_vec();
    if flags & FEXTRA != 0 {
        let mut length = [0u8; 2];
        input.read_exact(&mut length)?;
        header.extend_from_slice(&length);
        let at = header.len();
        header.resize(at + usize::from(u16::from_le_bytes(length)), 0);
        input.read_exact(&mut header[at..])?;
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let mut field = Vec::new();
            input
                .by_ref()
                .take(MAX_HEADER_FIELD as u64 + 1)
                .read_until(0, &mut field)?;
            match field.last() {
                Some(0) => header.extend_from_slice(&field),
                _ if field.len() > MAX_HEADER_FIELD => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "gzip header field too long",
                    ))
                }
                _ => return Err(io::ErrorKind::UnexpectedEof.into()),
            }
        }
    }
    if flags & FHCRC != 0 {
        let mut stored = [0u8; 2];
        input.read_exact(&mut stored)?;
        let mut crc = Crc::new();
        crc.update(&header);
        if u16::from_le_bytes(stored) != crc.sum() as u16 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "corrupt gzip stream does not have a matching checksum",
            ));
        }
    }
    Ok(())
}

/// Skips at least one byte, then up to the next gzip magic number; false at
/// the end of the file. A false match (the magic bytes inside compressed
/// data) fails as a corrupt member in turn, and the search goes on past it.
fn find_next_member(input: &mut Buffered) -> io::Result<bool> {
    if input.fill_buf()?.is_empty() {
        return Ok(false);
    }
    input.consume(1);
    loop {
        let buf = input.fill_buf()?;
        let Some(at) = memchr::memchr(GZIP_MAGIC[0], buf) else {
            if buf.is_empty() {
                return Ok(false);
            }
            let all = buf.len();
            input.consume(all);
            continue;
        };
        // A candidate at the very end of the buffer cannot be checked whole;
        // the header check will.
        let candidate = &buf[at..buf.len().min(at + GZIP_MAGIC.len())];
        if GZIP_MAGIC.starts_with(candidate) {
            input.consume(at);
            return Ok(true);
        }
        input.consume(at + 1);
    }
}

impl Read for GzipMembers {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for GzipMembers {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.taken == self.buffer.len() {
            let mut buffer = std::mem::take(&mut self.buffer);
            buffer.clear();
            self.taken = 0;
            let filled = self.inflate_into(self.lookahead, &mut buffer);
            if buffer.len() == self.lookahead {
                self.lookahead = (self.lookahead * 2).min(READ_BUFFER);
            }
            self.buffer = buffer;
            filled?;
        }
        Ok(&self.buffer[self.taken..])
    }

    fn consume(&mut self, n: usize) {
        self.taken = (self.taken + n).min(self.buffer.len());
    }
}

impl Source for GzipMembers {
    fn read_to_vec(&mut self, n: usize, out: &mut Vec<u8>) -> io::Result<usize> {
        if self.taken < self.buffer.len() {
            let take = n.min(self.buffer.len() - self.taken);
            out.extend_from_slice(&self.buffer[self.taken..self.taken + take]);
            self.taken += take;
            return Ok(take);
        }
        self.lookahead = GZIP_LOOKAHEAD;
        self.inflate_into(n, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn open_bytes(bytes: &[u8]) -> (tempfile::NamedTempFile, Decompressed, Arc<AtomicU64>) {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        let counter = Arc::new(AtomicU64::new(0));
        let input = open(file.path(), counter.clone()).unwrap();
        (file, input, counter)
    }

    #[test]
    fn members_read_as_one_stream_and_are_located() {
        let first = gzip(b"hello ");
        let second = gzip(b"world");
        let stored = [first.clone(), second].concat();
        let (_file, mut input, counter) = open_bytes(&stored);
        assert_eq!(input.locator.codec, Codec::Gzip);
        let mut text = String::new();
        input.reader.read_to_string(&mut text).unwrap();
        assert_eq!(text, "hello world");
        let start = input.locator.locate(6);
        assert_eq!(
            start,
            Location {
                offset: first.len() as u64,
                stored: true
            }
        );
        assert!(!input.locator.locate(8).stored);
        assert_eq!(counter.load(Ordering::Relaxed), stored.len() as u64);
    }

    /// A gzip member written by hand, with a file name and the header's own
    /// checksum (FHCRC), which `GzEncoder` does not write; `header_crc_delta`
    /// spoils that checksum.
    fn gzip_with_header_crc(data: &[u8], header_crc_delta: u16) -> Vec<u8> {
        let mut member = vec![0x1f, 0x8b, 8, FHCRC | FNAME, 0, 0, 0, 0, 0, 255];
        member.extend_from_slice(b"name.warc\0");
        let mut crc = Crc::new();
        crc.update(&member);
        member.extend_from_slice(&(crc.sum() as u16).wrapping_add(header_crc_delta).to_le_bytes());
        let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        deflate.write_all(data).unwrap();
        member.extend(deflate.finish().unwrap());
        let mut crc = Crc::new();
        crc.update(data);
        member.extend_from_slice(&crc.sum().to_le_bytes());
        member.extend_from_slice(&crc.amount().to_le_bytes());
        member
    }

    /// Bytes that compress poorly, so that members span several reads.
    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (state >> 56) as u8
            })
            .collect()
    }

    /// Everything `source` gives, by direct reads of the sizes in `sizes` in
    /// turn (0: a buffered read), and the errors met on the way.
    fn read_all(source: &mut dyn Source, sizes: &[usize]) -> (Vec<u8>, Vec<io::Error>) {
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        for &size in sizes.iter().cycle() {
            let read = match size {
                0 => source.fill_buf().map(|buf| {
                    let n = buf.len().min(1000);
                    out.extend_from_slice(&buf[..n]);
                    n
                }),
                _ => source.read_to_vec(size, &mut out),
            };
            match read {
                Ok(0) => break,
                Ok(n) if size == 0 => source.consume(n),
                Ok(_) => {}
                Err(err) => errors.push(err),
            }
            assert!(errors.len() < 10, "{errors:?}");
        }
        (out, errors)
    }

    #[test]
    fn many_members_read_whole_by_any_mix_of_reads_and_are_located() {
        let payloads: Vec<Vec<u8>> = (0..40)
            .map(|i| match i % 5 {
                0 => Vec::new(),
                1 => format!("record {i}\r\n").into_bytes(),
                2 => noise(70_000, i),
                3 => noise(READ_BUFFER + 1000, i),
                _ => b"abc".repeat(5000),
            })
            .collect();
        let members: Vec<Vec<u8>> = payloads
            .iter()
            .enumerate()
            .map(|(i, data)| match i % 3 {
                0 => gzip(data),
                1 => gzip_with_header_crc(data, 0),
                _ => {
                    let builder = flate2::GzBuilder::new().filename("f").comment("c").extra(vec![1, 2, 3]);
                    let mut encoder = builder.write(Vec::new(), flate2::Compression::fast());
                    encoder.write_all(data).unwrap();
                    encoder.finish().unwrap()
                }
            })
            .collect();
        let (_file, mut input, _) = open_bytes(&members.concat());
        for sizes in [&[0][..], &[1, 7, 0, 100_000, 3], &[1 << 20]] {
            let (_file, mut input, _) = open_bytes(&members.concat());
            let (out, errors) = read_all(&mut *input.reader, sizes);
            assert!(errors.is_empty(), "{errors:?}");
            assert!(out == payloads.concat(), "reads of {sizes:?}");
        }
        io::copy(&mut input.reader, &mut io::sink()).unwrap();
        let (mut stored, mut decompressed) = (0, 0);
        for (member, payload) in members.iter().zip(&payloads) {
            if !payload.is_empty() {
                let location = input.locator.locate(decompressed);
                assert_eq!(
                    location,
                    Location {
                        offset: stored,
                        stored: true
                    }
                );
            }
            stored += member.len() as u64;
            decompressed += payload.len() as u64;
        }
    }

    #[test]
    fn a_member_with_a_bad_checksum_is_an_error_and_reading_resumes() {
        let payloads = [noise(5000, 1), noise(300, 2), noise(20_000, 3), noise(9000, 4)];
        let mut bad_trailer = gzip(&payloads[1]);
        let at = bad_trailer.len() - 8;
        bad_trailer[at] ^= 1;
        let last = gzip_with_header_crc(&payloads[3], 0);
        for (bad, given) in [
            (bad_trailer, &payloads[1][..]),
            (gzip_with_header_crc(&payloads[1], 1), &[]),
        ] {
            let stored = [gzip(&payloads[0]), bad, gzip(&payloads[2]), last.clone()].concat();
            let (_file, mut input, _) = open_bytes(&stored);
            let (out, errors) = read_all(&mut *input.reader, &[0, 4096]);
            assert_eq!(errors[0].kind(), io::ErrorKind::InvalidInput);
            // A bad trailer comes after its member's bytes; a bad header, before.
            assert!(out.starts_with(&[&payloads[0][..], given].concat()));
            // The search for the next member starts a byte further on, so the
            // member after the bad one may be lost, but not the last one.
            assert!(out.ends_with(&payloads[3]));
        }
    }

    #[test]
    fn member_offsets_are_the_files_own_whatever_the_shared_counter_holds() {
        let first = gzip(b"hello ");
        let stored = [first.clone(), gzip(b"world")].concat();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&stored).unwrap();
        // A task's progress counter, after an earlier file of 1,000 bytes.
        let progress = Arc::new(AtomicU64::new(1000));
        let mut input = open(file.path(), progress.clone()).unwrap();
        io::copy(&mut input.reader, &mut io::sink()).unwrap();
        assert_eq!(input.locator.locate(6).offset, first.len() as u64);
        assert_eq!(progress.load(Ordering::Relaxed), 1000 + stored.len() as u64);
    }

    #[test]
    fn a_truncated_member_is_an_error_not_an_end() {
        let data = gzip(&vec![b'x'; 100_000]);
        let (_file, mut input, _) = open_bytes(&data[..data.len() / 2]);
        let err = io::copy(&mut input.reader, &mut io::sink()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn zstd_and_plain_are_detected() {
        let compressed = zstd::encode_all(&b"abc"[..], 3).unwrap();
        let (_f, mut input, _) = open_bytes(&compressed);
        assert_eq!(input.locator.codec, Codec::Zstd);
        let mut text = String::new();
        input.reader.read_to_string(&mut text).unwrap();
        assert_eq!(text, "abc");
        let (_f, input, _) = open_bytes(b"plain");
        assert_eq!(input.locator.codec, Codec::None);
    }
}
