//! Opening a stored file as one decompressed byte stream.
//!
//! The codec is detected from the first bytes, not the file name: gzip (`1f 8b`),
//! zstd (`28 b5 2f fd`) or none. Gzip files may hold one member (whole-file
//! compression) or one member per record (Common Crawl); both read as one stream,
//! and the start of every member is logged so that a record can be located by the
//! offset of its member in the stored file, the offset a CDX index gives.

use crate::{ReadError, ReadErrorKind};
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
/// Member starts remembered for locating records; a record is located soon after
/// it starts, so a short history is enough.
const MEMBER_HISTORY: usize = 4096;

/// A decompressed stream, plus what is needed to locate a position in it.
pub struct Decompressed {
    /// The decompressed bytes, buffered once: plain files are read straight
    /// from the buffer that detected their codec.
    pub reader: Box<dyn BufRead + Send>,
    /// Maps positions in `reader` back to the stored file.
    pub locator: Locator,
}

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
    let reader: Box<dyn BufRead + Send> = match codec {
        Codec::None => Box::new(buffered),
        Codec::Zstd => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            zstd::stream::read::Decoder::with_buffer(buffered)?,
        )),
        Codec::Gzip => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            GzipMembers::new(buffered, stored, members.clone()),
        )),
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
struct GzipMembers {
    state: Members,
    stored_count: Arc<AtomicU64>,
    decompressed: u64,
    members: Arc<Mutex<MemberLog>>,
}

enum Members {
    /// Inside a member.
    Decoding(Box<flate2::bufread::GzDecoder<Buffered>>),
    /// After a corrupt member: the next read looks for the next member.
    Resync(Buffered),
    /// At the end of the file, or after a truncated member.
    Done,
}

/// The first bytes of every gzip member: magic number, deflate method.
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

impl GzipMembers {
    fn new(input: Buffered, stored_count: Arc<AtomicU64>, members: Arc<Mutex<MemberLog>>) -> Self {
        let mut this = GzipMembers {
            state: Members::Done,
            stored_count,
            decompressed: 0,
            members,
        };
        this.start_member(input);
        this
    }

    fn start_member(&mut self, input: Buffered) {
        let start = MemberStart {
            decompressed: self.decompressed,
            // The stored offset of the next byte the buffered reader will give.
            stored: self.stored_count.load(Ordering::Relaxed) - input.buffer().len() as u64,
        };
        let mut log = self.members.lock().unwrap_or_else(|e| e.into_inner());
        if log.starts.len() == MEMBER_HISTORY {
            log.starts.pop_front();
        }
        log.starts.push_back(start);
        drop(log);
        self.state = Members::Decoding(Box::new(flate2::bufread::GzDecoder::new(input)));
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
            // the decoder will check it.
            let candidate = &buf[at..buf.len().min(at + GZIP_MAGIC.len())];
            if GZIP_MAGIC.starts_with(candidate) {
                input.consume(at);
                return Ok(true);
            }
            input.consume(at + 1);
        }
    }
}

impl Read for GzipMembers {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match std::mem::replace(&mut self.state, Members::Done) {
                Members::Done => return Ok(0),
                Members::Resync(mut input) => {
                    if Self::find_next_member(&mut input)? {
                        self.start_member(input);
                    }
                }
                Members::Decoding(mut decoder) => match decoder.read(buf) {
                    Ok(n) if n > 0 || buf.is_empty() => {
                        self.decompressed += n as u64;
                        self.state = Members::Decoding(decoder);
                        return Ok(n);
                    }
                    Ok(_) => {
                        // The member ended: another one follows, or the file ends.
                        let mut input = decoder.into_inner();
                        if !input.fill_buf()?.is_empty() {
                            self.start_member(input);
                        }
                    }
                    Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Err(err),
                    Err(err) => {
                        self.state = Members::Resync(decoder.into_inner());
                        return Err(err);
                    }
                },
            }
        }
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
