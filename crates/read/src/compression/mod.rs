//! Opening a stored file as one decompressed byte stream.
//!
//! The codec is detected from the first bytes, not the file name: gzip (`1f 8b`),
//! zstd (`28 b5 2f fd`) or none. Gzip files may hold one member (whole-file
//! compression) or one member per record (Common Crawl); both read as one stream,
//! and the start of every member is logged so that a record can be located by the
//! offset of its member in the stored file, the offset a CDX index gives.

mod gzip;
mod whole_member;

use crate::{ReadError, ReadErrorKind};
use gzip::GzipMembers;
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
    pub reader: Box<dyn Source>,
    /// Maps positions in `reader` back to the stored file.
    pub locator: Locator,
}

/// A decompressed stream as the readers take it: buffered, and able to append
/// a long read (a record's block) to a `Vec`.
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
pub fn open_reader(mut source: Box<dyn Read + Send>, bytes_read: Arc<AtomicU64>) -> io::Result<Decompressed> {
    let (magic, len) = read_magic(&mut source)?;
    let codec = if magic[..len].starts_with(&[0x1f, 0x8b]) {
        Codec::Gzip
    } else if magic[..len].starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Codec::Zstd
    } else {
        Codec::None
    };
    // The magic bytes are read again, in front of the rest, and counted then.
    let source: Box<dyn Read + Send> = Box::new(io::Cursor::new(magic).take(len as u64).chain(source));
    // `bytes_read` may be shared by every file of a task (it drives progress):
    // member offsets are counted in this file's own bytes.
    let stored = Arc::new(AtomicU64::new(0));
    let file = CountingReader {
        inner: source,
        progress: bytes_read,
        stored: stored.clone(),
    };
    let buffered = BufReader::with_capacity(READ_BUFFER, file);
    let members = Arc::new(Mutex::new(MemberLog::default()));
    let reader: Box<dyn Source> = match codec {
        Codec::None => Box::new(buffered),
        Codec::Zstd => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            zstd::stream::read::Decoder::with_buffer(buffered)?,
        )),
        // Read from its own buffer: the members it inflates whole are not copied again.
        Codec::Gzip => Box::new(GzipMembers::new(buffered, stored, members.clone())),
    };
    Ok(Decompressed {
        reader,
        locator: Locator { codec, members },
    })
}

/// The first four bytes of a stored stream (fewer if it is shorter), read until
/// there are enough to tell its codec: a source may give fewer bytes than asked
/// for (an HTTP body passes its chunks on as they come).
fn read_magic(source: &mut impl Read) -> io::Result<([u8; 4], usize)> {
    let mut magic = [0u8; 4];
    let mut len = 0;
    while len < magic.len() {
        match source.read(&mut magic[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((magic, len))
}

/// Counts the bytes read through it: into the caller's progress counter, and
/// into this file's own count (the stored offset of the next byte).
pub(super) struct CountingReader<R> {
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
pub(super) struct MemberLog {
    starts: VecDeque<MemberStart>,
}

pub(super) struct MemberStart {
    decompressed: u64,
    stored: u64,
}

#[cfg(test)]
mod tests {
    use super::gzip::WHOLE_OUTPUT_MAX;
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Crc;
    use std::io::Write;

    /// Gzip header flags (RFC 1952 §2.3.1).
    const FHCRC: u8 = 1 << 1;
    const FNAME: u8 = 1 << 3;

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
                2 => tamis_testkit::noise(70_000, i),
                3 => tamis_testkit::noise(READ_BUFFER + 1000, i),
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
        let payloads = [
            tamis_testkit::noise(5000, 1),
            tamis_testkit::noise(300, 2),
            tamis_testkit::noise(20_000, 3),
            tamis_testkit::noise(9000, 4),
        ];
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
            // Reading resumes at the member right after the bad one.
            assert!(out == [&payloads[0][..], given, &payloads[2], &payloads[3]].concat());
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
    fn members_inflated_whole_or_streamed_read_the_same_and_are_located() {
        let parts: Vec<Vec<u8>> = vec![
            b"small ".to_vec(),
            // Inflates past the first output room: the room grows.
            vec![b'a'; 3 << 20],
            // Past the largest room: streamed.
            vec![b'b'; WHOLE_OUTPUT_MAX + 1],
            // Longer compressed than the input buffer: streamed.
            tamis_testkit::noise(READ_BUFFER + 1000, 7),
            b"last".to_vec(),
        ];
        let members: Vec<Vec<u8>> = parts.iter().map(|p| gzip(p)).collect();
        // Members start at every offset of the input buffer.
        let mut stored = Vec::new();
        let mut expected = Vec::new();
        let mut starts = Vec::new();
        for i in 0..200 {
            let member = &members[i % members.len()];
            starts.push((expected.len() as u64, stored.len() as u64));
            stored.extend_from_slice(member);
            expected.extend_from_slice(&parts[i % parts.len()]);
            if i % 7 == 0 {
                let filler = gzip(&tamis_testkit::noise(i * 97 + 1, 7));
                starts.push((expected.len() as u64, stored.len() as u64));
                stored.extend_from_slice(&filler);
                expected.extend_from_slice(&tamis_testkit::noise(i * 97 + 1, 7));
            }
        }
        let (_file, mut input, _) = open_bytes(&stored);
        let mut read = Vec::new();
        let mut buf = vec![0; 100_000];
        loop {
            let n = input.reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            read.extend_from_slice(&buf[..n]);
            // Members are located while they are read (the log keeps the latest).
            for &(decompressed, offset) in starts.iter().filter(|(d, _)| *d < read.len() as u64).rev().take(3) {
                let location = input.locator.locate(decompressed);
                if location.stored {
                    assert_eq!(location.offset, offset);
                }
            }
        }
        assert!(read == expected, "the stream differs from the members' contents");
    }

    #[test]
    fn a_corrupt_member_is_an_error_and_reading_resumes_after_it() {
        let good = gzip(b"good ");
        let mut bad = gzip(&vec![b'z'; 10_000]);
        let crc = bad.len() - 8;
        bad[crc] ^= 0xff;
        let stored = [good.clone(), bad, good.clone(), gzip(b"end")].concat();
        let (_file, mut input, _) = open_bytes(&stored);
        let mut read = Vec::new();
        let mut errors = 0;
        loop {
            let mut buf = [0; 4096];
            match input.reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => read.extend_from_slice(&buf[..n]),
                Err(err) => {
                    assert_ne!(err.kind(), io::ErrorKind::UnexpectedEof);
                    errors += 1;
                }
            }
        }
        assert_eq!(errors, 1);
        // What the corrupt member held comes out before its CRC is found
        // wrong; reading resumes at the member right after it.
        let mut expected = b"good ".to_vec();
        expected.extend_from_slice(&[b'z'; 10_000]);
        expected.extend_from_slice(b"good end");
        assert!(
            read == expected,
            "{:?}",
            String::from_utf8_lossy(&read[read.len() - 20..])
        );
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

    /// Gives the bytes in reads that end where `cuts` say.
    struct Cut(io::Cursor<Vec<u8>>, Vec<u64>);

    impl Cut {
        /// One byte a read, as a remote body may give at first.
        fn trickle(bytes: Vec<u8>) -> Cut {
            let cuts = (1..=bytes.len() as u64).collect();
            Cut(io::Cursor::new(bytes), cuts)
        }
    }

    impl Read for Cut {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let at = self.0.position();
            let cut = self
                .1
                .iter()
                .find(|&&cut| cut > at)
                .map_or(buf.len() as u64, |cut| cut - at);
            let n = buf.len().min(cut as usize);
            self.0.read(&mut buf[..n])
        }
    }

    #[test]
    fn the_codec_is_told_when_the_first_reads_are_short() {
        let zstd = zstd::encode_all(&b"abc"[..], 3).unwrap();
        for (stored, codec) in [
            (gzip(b"abc"), Codec::Gzip),
            (zstd, Codec::Zstd),
            (b"abc".to_vec(), Codec::None),
        ] {
            let counter = Arc::new(AtomicU64::new(0));
            let trickle = Box::new(Cut::trickle(stored.clone()));
            let mut input = open_reader(trickle, counter.clone()).unwrap();
            assert_eq!(input.locator.codec, codec);
            let mut text = String::new();
            input.reader.read_to_string(&mut text).unwrap();
            assert_eq!(text, "abc");
            assert_eq!(counter.load(Ordering::Relaxed), stored.len() as u64);
        }
        let mut input = open_reader(Box::new(io::Cursor::new(vec![0x1f])), Arc::default()).unwrap();
        assert_eq!(input.locator.codec, Codec::None);
        let mut bytes = Vec::new();
        input.reader.read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, [0x1f]);
    }

    #[test]
    fn junk_shorter_than_a_gzip_header_does_not_cost_the_member_after_it() {
        // Bytes that are not a member, between members: a stray line end, a
        // few letters. Reading resumes at the member right after each.
        let stored = [
            gzip(b"one "),
            b"\r\n".to_vec(),
            gzip(b"two "),
            b"xyz".to_vec(),
            gzip(b"three"),
        ]
        .concat();
        let (_file, mut input, _) = open_bytes(&stored);
        let (out, errors) = read_all(&mut *input.reader, &[0]);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors.iter().all(|e| e.kind() == io::ErrorKind::InvalidInput));
        assert_eq!(String::from_utf8_lossy(&out), "one two three");
    }

    #[test]
    fn a_lone_magic_byte_at_the_end_of_a_read_costs_no_member() {
        // After a bad member, junk longer than the read buffer whose last
        // byte, `0x1f`, the first of a gzip magic, ends a read of the source:
        // the search for the next member tries it before the bytes after it
        // are read.
        let mut bad = gzip(&tamis_testkit::noise(2000, 5));
        let crc = bad.len() - 8;
        bad[crc] ^= 1;
        let junk = [vec![b'a'; READ_BUFFER + 1000], vec![0x1f]].concat();
        let stored = [&gzip(b"one ")[..], &bad, &junk, &gzip(b"two")].concat();
        let cut = (stored.len() - gzip(b"two").len()) as u64;
        let source = Box::new(Cut(io::Cursor::new(stored), vec![cut]));
        let mut input = open_reader(source, Arc::default()).unwrap();
        let (out, errors) = read_all(&mut *input.reader, &[0]);
        assert!(!errors.is_empty());
        assert!(
            out.starts_with(b"one ") && out.ends_with(b"two"),
            "{} errors",
            errors.len()
        );
    }

    /// Gives the bytes 100 at a time, with an `Interrupted` error before every other read.
    struct Interrupting(io::Cursor<Vec<u8>>, bool);

    impl Read for Interrupting {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.1 = !self.1;
            if self.1 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(100);
            self.0.read(&mut buf[..n])
        }
    }

    #[test]
    fn an_interrupted_read_of_the_source_loses_nothing() {
        // Streamed (a header CRC), and longer than the read buffer: flate2
        // asks for more once the buffer is used up.
        let long = tamis_testkit::noise(READ_BUFFER + 50_000, 3);
        let stored = [gzip_with_header_crc(&long, 0), gzip(b"end")].concat();
        let source = Box::new(Interrupting(io::Cursor::new(stored), false));
        let mut input = open_reader(source, Arc::default()).unwrap();
        // As std's readers do, `read_to_end` tries again after `Interrupted`.
        let mut out = Vec::new();
        input.reader.read_to_end(&mut out).unwrap();
        assert!(
            out == [&long[..], b"end"].concat(),
            "{} bytes of {}",
            out.len(),
            long.len() + 3
        );
    }
}
