//! Gzip files as one stream of their members, inflated whole with
//! libdeflate when they fit the buffers, streamed through flate2 otherwise.

use super::whole_member::{NotWhole, WholeInflater};
use super::{CountingReader, MemberLog, MemberStart, Source, MEMBER_HISTORY, READ_BUFFER};
use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The stored bytes of a gzip file. Unlike a `BufReader`, which refills only
/// once empty, it can move what is left to the front and top the buffer up, so
/// that a member no longer than the buffer can be held whole.
struct Input {
    source: CountingReader<Box<dyn Read + Send>>,
    buf: Box<[u8]>,
    /// `buf[start..end]` is read and not yet consumed.
    start: usize,
    end: usize,
    /// The source has ended.
    ended: bool,
}

impl Input {
    /// Takes over the bytes `reader` has buffered, and its source.
    fn new(reader: BufReader<CountingReader<Box<dyn Read + Send>>>) -> Self {
        let mut buf = vec![0; READ_BUFFER.max(reader.buffer().len())].into_boxed_slice();
        let end = reader.buffer().len();
        buf[..end].copy_from_slice(reader.buffer());
        Input {
            source: reader.into_inner(),
            buf,
            start: 0,
            end,
            ended: false,
        }
    }

    fn buffered(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Whether `buffered` holds all it can: a full buffer, or the rest of the file.
    fn is_full(&self) -> bool {
        self.ended || (self.start == 0 && self.end == self.buf.len())
    }

    /// Moves the buffered bytes to the front and reads until the buffer is
    /// full or the file ends.
    fn top_up(&mut self) -> io::Result<()> {
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        while self.end < self.buf.len() && !self.ended {
            self.read_more()?;
        }
        Ok(())
    }

    /// One read of the source after `end`, tried again on `Interrupted`: passed
    /// on, it would fail the member being streamed, and a caller that tries
    /// again would find the rest of it skipped.
    fn read_more(&mut self) -> io::Result<()> {
        loop {
            match self.source.read(&mut self.buf[self.end..]) {
                Ok(0) => self.ended = true,
                Ok(n) => self.end += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            }
            return Ok(());
        }
    }
}

impl Read for Input {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.fill_buf()?.read(out)?;
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Input {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.start == self.end && !self.ended {
            self.start = 0;
            self.end = 0;
            self.read_more()?;
        }
        Ok(self.buffered())
    }

    fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
    }
}

/// Output room for a member inflated whole: it grows (by 4×) when a member
/// needs more, up to `WHOLE_OUTPUT_MAX`; longer members are streamed.
const WHOLE_OUTPUT_FIRST: usize = 1 << 20;
pub(super) const WHOLE_OUTPUT_MAX: usize = 4 << 20;

/// Reads gzip members one after another as one stream, logging where each
/// starts. Unlike `flate2::read::MultiGzDecoder`, a truncated last member is an
/// error (`UnexpectedEof`), never a silent end of file; and a corrupt member is
/// an error after which reading resumes at the next gzip member, so one bad
/// record of a Common Crawl file does not cost the records after it.
///
/// A member that fits the buffers is inflated whole by libdeflate
/// ([`super::whole_member`]); any other is streamed through flate2.
pub(super) struct GzipMembers {
    state: Members,
    stored_count: Arc<AtomicU64>,
    decompressed: u64,
    members: Arc<Mutex<MemberLog>>,
    inflater: WholeInflater,
    /// What was decompressed last (a member inflated whole, or a streamed
    /// member's next bytes): `whole[served..filled]` is still to be read.
    whole: Vec<u8>,
    served: usize,
    filled: usize,
}

enum Members {
    /// At the start of a member.
    Start(Input),
    /// After a member inflated whole (being read from `whole`).
    Whole(Input),
    /// Inside a streamed member.
    Decoding(Box<flate2::bufread::GzDecoder<Input>>),
    /// After a corrupt member: the next read looks for the next member.
    Resync(Input),
    /// At the end of the file, or after a truncated member.
    Done,
}

/// The first bytes of every gzip member: magic number, deflate method.
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// Header flags libdeflate skips without checking (the header CRC) or that
/// are reserved: members with any are streamed, so that flate2 judges them.
const FLAGS_STREAMED: u8 = 0xe2;

impl GzipMembers {
    /// Reads the file `reader` buffers, taking over its buffer; `stored_count`
    /// is this file's own count of stored bytes read, and `members` the log
    /// of member starts the file's [`super::Locator`] reads.
    pub(super) fn new(
        reader: BufReader<CountingReader<Box<dyn Read + Send>>>,
        stored_count: Arc<AtomicU64>,
        members: Arc<Mutex<MemberLog>>,
    ) -> Self {
        GzipMembers {
            state: Members::Start(Input::new(reader)),
            stored_count,
            decompressed: 0,
            members,
            inflater: WholeInflater::new(),
            whole: Vec::new(),
            served: 0,
            filled: 0,
        }
    }

    /// Logs the member starting at `input`'s next byte, then inflates it whole
    /// or starts streaming it; bytes that do not start with the gzip magic are
    /// an error, after which the search for a member starts past their first.
    fn start_member(&mut self, mut input: Input) -> io::Result<Members> {
        let start = MemberStart {
            decompressed: self.decompressed,
            stored: self.stored_offset(&input),
        };
        let mut log = self.members.lock().unwrap_or_else(|e| e.into_inner());
        if log.starts.len() == MEMBER_HISTORY {
            log.starts.pop_front();
        }
        log.starts.push_back(start);
        drop(log);
        if self.inflate_whole(&mut input)? {
            return Ok(Members::Whole(input));
        }
        // Bytes that are not a member (junk between members) fail here, none
        // of them consumed: flate2 would read a whole 10-byte header before
        // checking it, and with it the start of a member right after.
        let head = input.buffered();
        if head.len() >= GZIP_MAGIC.len() && !head.starts_with(&GZIP_MAGIC) {
            self.state = Members::Resync(input);
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "invalid gzip header"));
        }
        Ok(Members::Decoding(Box::new(flate2::bufread::GzDecoder::new(input))))
    }

    /// Inflates the member at the start of `input` into `whole`, consuming it;
    /// false (nothing consumed) when it is to be streamed.
    fn inflate_whole(&mut self, input: &mut Input) -> io::Result<bool> {
        // A member is tens of KiB: top up when less than a quarter is left, so
        // that most members are tried once, on bytes that hold them whole.
        if input.buffered().len() < input.buf.len() / 4 && !input.ended {
            input.top_up()?;
        }
        let header = input.buffered();
        if header.len() < 4 || !header.starts_with(&GZIP_MAGIC) || header[3] & FLAGS_STREAMED != 0 {
            return Ok(false);
        }
        if self.whole.is_empty() {
            self.whole = vec![0; WHOLE_OUTPUT_FIRST];
        }
        loop {
            match self.inflater.inflate(input.buffered(), &mut self.whole) {
                Ok((taken, written)) => {
                    input.consume(taken);
                    (self.served, self.filled) = (0, written);
                    self.decompressed += written as u64;
                    return Ok(true);
                }
                Err(NotWhole::NoRoom) if self.whole.len() < WHOLE_OUTPUT_MAX => {
                    let room = (self.whole.len() * 4).min(WHOLE_OUTPUT_MAX);
                    self.whole.resize(room, 0);
                }
                Err(NotWhole::Invalid) if !input.is_full() => input.top_up()?,
                Err(_) => return Ok(false),
            }
        }
    }

    /// The stored offset of the next byte `input` will give.
    fn stored_offset(&self, input: &Input) -> u64 {
        self.stored_count.load(Ordering::Relaxed) - input.buffered().len() as u64
    }

    /// After a corrupt member: whether the next one starts where the error left
    /// the input. A bad CRC is found after the member's last byte, so the next
    /// member is right there; the input must have moved past the corrupt
    /// member's start (the last one logged), or the same bytes would be tried
    /// again forever.
    fn next_member_is_here(&self, input: &mut Input) -> io::Result<bool> {
        let log = self.members.lock().unwrap_or_else(|e| e.into_inner());
        let corrupt_start = log.starts.back().map_or(0, |start| start.stored);
        drop(log);
        if self.stored_offset(input) <= corrupt_start {
            return Ok(false);
        }
        if input.buffered().len() < GZIP_MAGIC.len() && !input.ended {
            input.top_up()?;
        }
        Ok(input.buffered().starts_with(&GZIP_MAGIC))
    }

    /// Skips at least one byte, then up to the next gzip magic number; false at
    /// the end of the file. A false match (the magic bytes inside compressed
    /// data) fails as a corrupt member in turn, and the search goes on past it.
    fn find_next_member(input: &mut Input) -> io::Result<bool> {
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

    /// After a member: the next one, or the end of the file.
    fn next_member(mut input: Input) -> io::Result<Members> {
        Ok(if input.fill_buf()?.is_empty() {
            Members::Done
        } else {
            Members::Start(input)
        })
    }
}

/// Gzip files: read from the buffer the members are inflated into.
impl Source for GzipMembers {}

impl BufRead for GzipMembers {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.served == self.filled {
            match std::mem::replace(&mut self.state, Members::Done) {
                Members::Done => break,
                // On an error, `start_member` has set the state to resume from.
                Members::Start(input) => self.state = self.start_member(input)?,
                // The member has been read: another one follows, or the file ends.
                Members::Whole(input) => self.state = Self::next_member(input)?,
                Members::Resync(mut input) => {
                    if self.next_member_is_here(&mut input)? || Self::find_next_member(&mut input)? {
                        self.state = Members::Start(input);
                    }
                }
                Members::Decoding(mut decoder) => {
                    if self.whole.len() < READ_BUFFER {
                        self.whole = vec![0; WHOLE_OUTPUT_FIRST];
                    }
                    match decoder.read(&mut self.whole[..READ_BUFFER]) {
                        Ok(0) => self.state = Self::next_member(decoder.into_inner())?,
                        Ok(n) => {
                            (self.served, self.filled) = (0, n);
                            self.decompressed += n as u64;
                            self.state = Members::Decoding(decoder);
                        }
                        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Err(err),
                        Err(err) => {
                            self.state = Members::Resync(decoder.into_inner());
                            return Err(err);
                        }
                    }
                }
            }
        }
        Ok(&self.whole[self.served..self.filled])
    }

    fn consume(&mut self, n: usize) {
        self.served = (self.served + n).min(self.filled);
    }
}

impl Read for GzipMembers {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.fill_buf()?.read(out)?;
        self.consume(n);
        Ok(n)
    }
}
