//! Differential target for the gzip member reader (`GzipMembers`, behind
//! `compression::open_reader`): members are inflated whole by libdeflate or
//! streamed by flate2, and its doc comments say either way gives the same
//! bytes and errors, and that reading resumes at the next member after a bad one.
//!
//! The bytes give a few payloads, gzipped in several ways (levels, header
//! fields, a header CRC, the bytes taken as a member or as deflate data), and
//! up to four damages (flipped byte, cut, junk between members, header flags,
//! bad trailer, duplicate, zero padding, lost first bytes). The stream is read
//! in one go, then with the source's reads and the reader's cut to sizes the
//! bytes choose (and `Interrupted` now and then). The reference is flate2's
//! `GzDecoder`, one member at a time, from the start and from each place a
//! piece was built at: a member it takes is good, one it rejects bad.
//!
//! Checked: no panic, an end, at most one error per stored byte, bounded
//! output; all members good: their payloads exactly, no error; a bad member:
//! an error; wherever the reader starts a good member (its `Locator` tells),
//! the good members from there are read whole; after a bad member, reading
//! resumes at the first gzip magic past where flate2 stopped (junk: past its
//! first byte) when that magic opens a good member. A false magic before it
//! may cost the members its decoding runs over: nothing is asserted then.
//! Run it also with the reader's small buffer limits (docs/hardening.md,
//! sessions 12 and 13).
//!
//! libdeflate takes some members zlib rejects (length code 286, read as 258;
//! RFC 1951 rules it out): read whole, no error; streamed, an error. Such
//! members are left out of the checks unless `GZIP_DIFF_STRICT` is set.
#![no_main]

use flate2::bufread::GzDecoder;
use flate2::{Compression, Crc, GzBuilder};
use libdeflate_sys::*;
use libfuzzer_sys::fuzz_target;
use std::io::{self, BufRead, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tamis_read::compression::{open_reader, Codec, Decompressed};

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
/// How far zlib's read-ahead may leave the input from where a deflate data
/// error is found, depending on how the input was cut (fast or slow path).
const SLACK: usize = 16;
/// Past this much expected output the comparison is skipped (time).
const OUTPUT_LIMIT: usize = 16 << 20;

/// Whether a member libdeflate takes and flate2 rejects must be an error too.
fn strict() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("GZIP_DIFF_STRICT").is_some())
}

/// Takes control bytes from the front of the input; zeros once it is used up.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn byte(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.0.split_at(n.min(self.0.len()));
        self.0 = rest;
        head
    }
}

// ---------------------------------------------------------------- building

fn level(spec: u8) -> Compression {
    match spec & 3 {
        0 => Compression::none(),
        1 => Compression::fast(),
        2 => Compression::default(),
        _ => Compression::best(),
    }
}

fn deflate_raw(payload: &[u8], level: Compression) -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), level);
    encoder.write_all(payload).unwrap();
    encoder.finish().unwrap()
}

fn trailer(out: &[u8]) -> [u8; 8] {
    let mut crc = Crc::new();
    crc.update(out);
    let mut t = [0; 8];
    t[..4].copy_from_slice(&crc.sum().to_le_bytes());
    t[4..].copy_from_slice(&(out.len() as u32).to_le_bytes());
    t
}

/// A libdeflate decompression call (`libdeflate_deflate_decompress_ex` or
/// `libdeflate_gzip_decompress_ex`).
type Decompress = unsafe extern "C" fn(
    *mut libdeflate_decompressor,
    *const std::ffi::c_void,
    usize,
    *mut std::ffi::c_void,
    usize,
    *mut usize,
    *mut usize,
) -> libdeflate_result;

/// What `decompress` inflates from the start of `data` into `room` bytes, and how
/// much of `data` it took; `None` if it fails.
fn libdeflate(decompress: Decompress, data: &[u8], room: usize) -> Option<(usize, Vec<u8>)> {
    let mut out = vec![0u8; room];
    let (mut taken, mut written) = (0usize, 0usize);
    // SAFETY: live slices with their lengths; the decompressor is freed once.
    unsafe {
        let d = libdeflate_alloc_decompressor();
        assert!(!d.is_null());
        let result = decompress(
            d,
            data.as_ptr().cast(),
            data.len(),
            out.as_mut_ptr().cast(),
            out.len(),
            &mut taken,
            &mut written,
        );
        libdeflate_free_decompressor(d);
        if result != libdeflate_result_LIBDEFLATE_SUCCESS {
            return None;
        }
    }
    out.truncate(written);
    Some((taken, out))
}

/// What libdeflate inflates from raw deflate data, and how much it took.
fn libdeflate_raw(data: &[u8]) -> Option<(usize, Vec<u8>)> {
    libdeflate(libdeflate_deflate_decompress_ex, data, 1 << 20)
}

/// Whether libdeflate takes a gzip member at the start of `data` (any output size
/// up to 5 MiB, more than the reader's room of 4 MiB).
fn libdeflate_takes_member(data: &[u8]) -> bool {
    libdeflate(libdeflate_gzip_decompress_ex, data, 5 << 20).is_some()
}

/// One member for `payload`, in the form `spec` picks.
fn member(spec: u8, payload: &[u8]) -> Vec<u8> {
    let level = level(spec);
    match (spec >> 2) & 7 {
        0..=2 => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), level);
            e.write_all(payload).unwrap();
            e.finish().unwrap()
        }
        3 => {
            let mut e = GzBuilder::new()
                .filename(&b"name.warc"[..])
                .comment(&b"a comment"[..])
                .mtime(0x1f8b_0800)
                .write(Vec::new(), level);
            e.write_all(payload).unwrap();
            e.finish().unwrap()
        }
        4 => {
            let extra: Vec<u8> = payload.iter().take(40).copied().collect();
            let mut e = GzBuilder::new()
                .extra(extra)
                .operating_system(3)
                .write(Vec::new(), level);
            e.write_all(payload).unwrap();
            e.finish().unwrap()
        }
        5 => {
            // FHCRC and FNAME, header CRC right (the reader streams these).
            let mut m = vec![0x1f, 0x8b, 8, 2 | 8, 0, 0, 0, 0, 0, 255];
            m.extend_from_slice(b"f\0");
            let mut crc = Crc::new();
            crc.update(&m);
            m.extend_from_slice(&(crc.sum() as u16).to_le_bytes());
            m.extend(deflate_raw(payload, level));
            m.extend(trailer(payload));
            m
        }
        6 => payload.to_vec(),
        _ => {
            // The bytes as deflate data, the trailer what libdeflate (else
            // flate2, else nothing) inflates from them.
            let mut m = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
            match libdeflate_raw(payload) {
                Some((taken, out)) => {
                    m.extend_from_slice(&payload[..taken]);
                    m.extend(trailer(&out));
                }
                None => {
                    let mut out = Vec::new();
                    let _ = flate2::read::DeflateDecoder::new(payload)
                        .take(1 << 20)
                        .read_to_end(&mut out);
                    m.extend_from_slice(payload);
                    m.extend(trailer(&out));
                }
            }
            m
        }
    }
}

/// The stored stream, and where each piece it was built from starts.
fn build(data: &[u8]) -> (Vec<u8>, Vec<usize>, Bytes<'_>) {
    let mut b = Bytes(data);
    let first = b.byte();
    let count = 1 + first as usize % 8;
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    // At most one large payload, and only when the first byte's top bits
    // allow it: it costs a hundred times a small input.
    let mut big = first >> 5 != 7;
    for _ in 0..count {
        let spec = b.byte();
        let len = b.u16() as usize % 4096;
        let mut payload = b.take(len).to_vec();
        // Rarely, a payload past the first output room (1 MiB) or the
        // largest (4 MiB), so that the room grows or the member is streamed;
        // stored (level 0) it is also longer than the read buffer.
        let mut spec = spec;
        if spec >> 5 == 7 && !payload.is_empty() && !big && (spec >> 2) & 7 < 6 {
            big = true;
            let target = if spec & 4 == 0 { (3 << 19) + 7 } else { (4 << 20) + 1 };
            payload = payload.iter().copied().cycle().take(target).collect();
            if spec & 3 == 3 {
                spec -= 2; // fast, not best: time
            }
        }
        pieces.push(member(spec, &payload));
    }
    let mutations = b.byte() % 5;
    for _ in 0..mutations {
        let (kind, target, pos, value) = (b.byte(), b.byte() as usize, b.u16() as usize, b.byte());
        let i = target % pieces.len();
        let piece = &mut pieces[i];
        match kind % 8 {
            0 if !piece.is_empty() => {
                let at = pos % piece.len();
                piece[at] ^= value.max(1);
            }
            1 => piece.truncate(pos % (piece.len() + 1)),
            2 => {
                let n = 1 + value as usize % 24;
                let junk = (0..n)
                    .map(|j| if j % 2 == 0 { pos as u8 } else { (pos >> 8) as u8 })
                    .collect();
                pieces.insert(i, junk);
            }
            3 if piece.len() > 3 => piece[3] |= value,
            4 if !piece.is_empty() => {
                let at = piece.len() - 1 - pos % piece.len().min(8);
                piece[at] ^= value.max(1);
            }
            5 => {
                let copy = piece.clone();
                pieces.insert(i + 1, copy);
            }
            6 => pieces.push(vec![0; 1 + value as usize % 16]),
            7 => {
                let n = (1 + pos % 4).min(piece.len());
                piece.drain(..n);
            }
            _ => {}
        }
    }
    let mut stream = Vec::new();
    let mut starts = Vec::new();
    for piece in pieces.iter().filter(|p| !p.is_empty()) {
        starts.push(stream.len());
        stream.extend_from_slice(piece);
    }
    (stream, starts, b)
}

// ---------------------------------------------------------------- reference

enum Kind {
    /// flate2 takes the member whole: its output.
    Good(Vec<u8>),
    /// flate2 rejects it. `stop`: where flate2 left the input (`None` for a
    /// truncation, which ends the stream); `exact`: whether that does not
    /// depend on how the input was cut (a header or trailer error); `junk`:
    /// not even the gzip magic; `lenient`: libdeflate takes it all the same.
    Bad {
        stop: Option<usize>,
        exact: bool,
        junk: bool,
        lenient: bool,
    },
}

impl std::fmt::Debug for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Kind::Good(out) => write!(f, "Good({} bytes)", out.len()),
            Kind::Bad {
                stop,
                exact,
                junk,
                lenient,
            } => {
                write!(
                    f,
                    "Bad {{ stop: {stop:?}, exact: {exact}, junk: {junk}, lenient: {lenient} }}"
                )
            }
        }
    }
}

#[derive(Debug)]
struct Segment {
    start: usize,
    kind: Kind,
}

/// One member at the start of `rest`, as flate2 reads it: how many bytes it
/// took, and its output or error.
fn flate2_member(rest: &[u8]) -> (usize, io::Result<Vec<u8>>) {
    let mut input = rest;
    let mut out = Vec::new();
    let result = GzDecoder::new(&mut input).read_to_end(&mut out).map(|_| out);
    (rest.len() - input.len(), result)
}

fn reference(stream: &[u8], starts: &[usize]) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut p = 0;
    while p < stream.len() {
        let (used, result) = flate2_member(&stream[p..]);
        match result {
            Ok(out) => {
                segments.push(Segment {
                    start: p,
                    kind: Kind::Good(out),
                });
                p += used;
            }
            Err(err) => {
                let eof = err.kind() == io::ErrorKind::UnexpectedEof;
                segments.push(Segment {
                    start: p,
                    kind: Kind::Bad {
                        stop: (!eof).then_some(p + used),
                        exact: err.to_string() != "corrupt deflate stream",
                        junk: !stream[p..].starts_with(&GZIP_MAGIC),
                        lenient: !strict()
                            && stream[p..].starts_with(&GZIP_MAGIC)
                            && libdeflate_takes_member(&stream[p..]),
                    },
                });
                p = starts.iter().copied().find(|&s| s > p).unwrap_or(stream.len());
            }
        }
    }
    segments
}

// ---------------------------------------------------------------- reading

/// A source giving the stream in the sizes chosen, with `Interrupted` now and then.
struct Chunked {
    data: Vec<u8>,
    at: usize,
    sizes: Vec<usize>,
    calls: usize,
    interrupt_every: usize,
}

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.interrupt_every != 0 && self.calls % self.interrupt_every == 0 {
            return Err(io::ErrorKind::Interrupted.into());
        }
        let size = self.sizes[self.calls % self.sizes.len()];
        let n = buf.len().min(size).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[derive(Debug, Clone, Copy)]
enum Event {
    /// The reader started a member at this stored offset, and its first
    /// bytes are at this output position.
    Start { stored: u64, at: usize },
    /// An error, with the output length when it came.
    Error { at: usize },
}

struct Run {
    codec: Codec,
    out: Vec<u8>,
    events: Vec<Event>,
}

/// How the output is taken: `fill_buf` then `consume` of up to that many
/// bytes (0: all), `read_to_vec`, or `read` into a buffer of that size.
#[derive(Clone, Copy)]
enum Take {
    FillBuf(usize),
    ToVec(usize),
    Read(usize),
}

/// `f` until it gives something other than `Interrupted` (a plain file's
/// `BufReader` passes the source's on).
fn retry<T>(mut f: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match f() {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// `None` for a zstd stream (not this target's business).
fn read_through(stream: &[u8], source: Chunked, takes: &[Take]) -> Option<Run> {
    let counter = Arc::new(AtomicU64::new(0));
    let Decompressed { mut reader, locator } =
        open_reader(Box::new(source), counter.clone()).expect("detecting the codec cannot fail here");
    if locator.codec == Codec::Zstd {
        return None;
    }
    let (mut out, mut events) = (Vec::new(), Vec::new());
    let mut buf = vec![0u8; 64 << 10];
    let out_bound = 1100 * stream.len() + (1 << 20);
    let mut errors = 0usize;
    for &take in takes.iter().cycle() {
        let at = out.len();
        let result = match take {
            Take::FillBuf(n) => reader.fill_buf().map(|got| {
                let n = if n == 0 { got.len() } else { got.len().min(n) };
                out.extend_from_slice(&got[..n]);
                n
            }),
            Take::ToVec(n) => reader.read_to_vec(n, &mut out),
            Take::Read(n) => reader
                .read(&mut buf[..n])
                .inspect(|&got| out.extend_from_slice(&buf[..got])),
        };
        match result {
            Ok(0) => {
                assert!(matches!(take, Take::FillBuf(_)) || retry(|| Ok(reader.fill_buf()?.is_empty())).unwrap());
                break;
            }
            Ok(n) => {
                if let Take::FillBuf(_) = take {
                    reader.consume(n);
                }
                let location = locator.locate(at as u64);
                if location.stored {
                    events.push(Event::Start {
                        stored: location.offset,
                        at,
                    });
                }
            }
            // As std's readers do: try again.
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => {
                // flate2's kinds: a bad header, data or checksum; a truncation.
                let kind = err.kind();
                assert!(
                    matches!(kind, io::ErrorKind::InvalidInput | io::ErrorKind::UnexpectedEof),
                    "{err}"
                );
                errors += 1;
                events.push(Event::Error { at });
                if err.kind() == io::ErrorKind::UnexpectedEof {
                    // A truncated member ends the stream, and the end stays.
                    let mut rest = Vec::new();
                    assert_eq!(reader.read_to_end(&mut rest).unwrap(), 0, "output after a truncation");
                    break;
                }
            }
        }
        assert!(
            errors <= stream.len() + 1,
            "{errors} errors from {} stored bytes",
            stream.len()
        );
        assert!(
            out.len() <= out_bound,
            "{} bytes out of {} stored",
            out.len(),
            stream.len()
        );
    }
    // The end stays an end, and every stored byte was read.
    assert_eq!(retry(|| reader.read(&mut buf)).unwrap(), 0);
    assert_eq!(counter.load(Ordering::Relaxed), stream.len() as u64);
    Some(Run {
        codec: locator.codec,
        out,
        events,
    })
}

// ---------------------------------------------------------------- checks

/// Where reading must resume after the bad segment `k`, when that can be
/// told: the start of the first good member with output from there on.
fn resume_point(stream: &[u8], segments: &[Segment], k: usize) -> Option<usize> {
    let s = segments[k].start;
    let Kind::Bad {
        stop,
        exact,
        junk,
        lenient,
    } = segments[k].kind
    else {
        unreachable!()
    };
    if lenient {
        return None;
    }
    let (scan, exact) = if junk {
        // Not a member at all: nothing is read as one; the search starts past
        // its first byte.
        if stream.len() - s < GZIP_MAGIC.len() {
            return None;
        }
        (s + 1, true)
    } else {
        let stop = stop?;
        if exact && stop > s && stream[stop..].starts_with(&GZIP_MAGIC) {
            (stop, true)
        } else {
            (stop + 1, exact)
        }
    };
    let from = if exact {
        scan
    } else {
        scan.saturating_sub(SLACK).max(s + 1)
    };
    // The first magic from there on. A lone 0x1f before it may end a read of
    // the source and be tried as a candidate (it cannot be checked whole).
    let f = from + stream.get(from..)?.iter().position(|&b| b == GZIP_MAGIC[0])?;
    if !stream[f..].starts_with(&GZIP_MAGIC) || (!exact && f <= scan + SLACK) {
        return None;
    }
    let j = segments.iter().position(|seg| seg.start == f)?;
    // The first good member with output from j on, all good up to it.
    for seg in &segments[j..] {
        match &seg.kind {
            Kind::Good(out) if out.is_empty() => {}
            Kind::Good(_) => return Some(seg.start),
            Kind::Bad { .. } => return None,
        }
    }
    None
}

fn check(stream: &[u8], segments: &[Segment], run: &Run, what: &str) {
    let outs: Vec<&[u8]> = segments
        .iter()
        .map(|s| match &s.kind {
            Kind::Good(out) => &out[..],
            Kind::Bad { .. } => &[][..],
        })
        .collect();
    let good = |i: usize| matches!(segments[i].kind, Kind::Good(_));
    let errors = run.events.iter().filter(|e| matches!(e, Event::Error { .. })).count();
    // Bad segments whose fate is known: libdeflate's leniency aside.
    let strict = |i: usize| !matches!(segments[i].kind, Kind::Bad { lenient: true, .. });

    if (0..segments.len()).all(good) {
        assert!(errors == 0, "{what}: errors on good members: {:?}", run.events);
        assert!(
            run.out == outs.concat(),
            "{what}: the output is not the members' payloads"
        );
        return;
    }
    if (0..segments.len()).all(|i| good(i) || strict(i)) {
        assert!(errors > 0, "{what}: no error for a bad member: {segments:?}");
    }
    // Wherever the reader starts a good member, it reads the good run from there.
    for (e, event) in run.events.iter().enumerate() {
        let Event::Start { stored, at } = *event else { continue };
        let Some(i) = segments.iter().position(|s| s.start as u64 == stored) else {
            continue;
        };
        if !good(i) {
            continue;
        }
        let end = (i..segments.len()).find(|&j| !good(j)).unwrap_or(segments.len());
        let expected = outs[i..end].concat();
        assert!(
            run.out[at..].starts_with(&expected),
            "{what}: good members {i}..{end} from stored {stored} are not read whole"
        );
        // An error after the run (not inside it), for the bad segment that ends it.
        let later_error = run.events[e..].iter().any(|ev| match *ev {
            Event::Error { at: error_at, .. } => {
                assert!(
                    error_at >= at + expected.len(),
                    "{what}: an error inside good members {i}..{end}"
                );
                true
            }
            _ => false,
        });
        if end == segments.len() {
            assert!(
                run.out.len() == at + expected.len(),
                "{what}: output after the last member"
            );
            assert!(
                !later_error,
                "{what}: an error after good members to the end: {:?}",
                run.events
            );
        } else if strict(end) {
            assert!(later_error, "{what}: no error for bad segment {end} after good members");
        }
    }
    // After a bad segment the reader was in step for, reading resumes where
    // the reference says, when it can tell.
    for k in 0..segments.len() {
        if good(k) {
            continue;
        }
        let in_step = (0..k).all(good)
            || run.events.iter().any(|ev| match *ev {
                Event::Start { stored, .. } => segments[..k]
                    .iter()
                    .position(|s| s.start as u64 == stored)
                    .is_some_and(|i| (i..k).all(good)),
                _ => false,
            });
        if !in_step {
            continue;
        }
        if let Some(at) = resume_point(stream, segments, k) {
            assert!(
                run.events
                    .iter()
                    .any(|ev| matches!(*ev, Event::Start { stored, .. } if stored == at as u64)),
                "{what}: after bad segment {k} (stored {}), reading does not resume at the member at {at}: \
                 {segments:?} {:?}",
                segments[k].start,
                run.events
            );
        }
    }
}

fn takes(rng: &mut u32) -> Vec<Take> {
    const SIZES: [usize; 8] = [1, 2, 7, 100, 511, 4096, 30_000, 64 << 10];
    (0..8)
        .map(|_| {
            let r = next(rng);
            let size = SIZES[(r >> 8) as usize % SIZES.len()];
            match r % 3 {
                0 => Take::FillBuf(if r & 0x80 != 0 { 0 } else { size }),
                1 => Take::ToVec(if r & 0x80 != 0 { 1 << 20 } else { size }),
                _ => Take::Read(size),
            }
        })
        .collect()
}

fn next(state: &mut u32) -> u32 {
    // xorshift32
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    x
}

fuzz_target!(|data: &[u8]| {
    let (stream, starts, mut rest) = build(data);
    let schedule = rest.u16();
    let interrupt = rest.byte();
    let segments = reference(&stream, &starts);
    let expected_len: usize = segments
        .iter()
        .map(|s| match &s.kind {
            Kind::Good(out) => out.len(),
            _ => 0,
        })
        .sum();

    let whole = Chunked {
        data: stream.clone(),
        at: 0,
        sizes: vec![usize::MAX],
        calls: 0,
        interrupt_every: 0,
    };
    let mut rng = schedule as u32 | 0x1_0000;
    let cut = Chunked {
        data: stream.clone(),
        at: 0,
        sizes: (0..7)
            .map(|_| [1, 3, 64, 511, 4096, 70_000][next(&mut rng) as usize % 6])
            .collect(),
        calls: 0,
        interrupt_every: if interrupt & 0xc0 == 0xc0 {
            2 + interrupt as usize % 5
        } else {
            0
        },
    };
    let runs = [
        (read_through(&stream, whole, &[Take::Read(64 << 10)]), "one go"),
        (read_through(&stream, cut, &takes(&mut rng)), "cut"),
    ];
    for (run, what) in &runs {
        let Some(run) = run else { return };
        match run.codec {
            Codec::Gzip => {}
            // Not gzip from the first bytes: read as it is (or as zstd).
            Codec::None => {
                assert!(run.out == stream && run.events.iter().all(|e| matches!(e, Event::Start { .. })));
                continue;
            }
            Codec::Zstd => unreachable!(),
        }
        if expected_len <= OUTPUT_LIMIT {
            check(&stream, &segments, run, what);
        }
    }
});
