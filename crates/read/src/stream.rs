//! A buffered byte stream with position tracking and push-back, the primitive the
//! line-oriented parsers are written on.

use crate::compression::Source;
use std::io;

/// What a bounded line read found.
pub(crate) enum Line {
    /// A whole line (with its terminator, if any), shorter than the limit.
    Complete,
    /// The line was longer than the limit and has been skipped to its end.
    TooLong,
    /// The stream had ended.
    End,
}

pub(crate) struct Stream {
    inner: Box<dyn Source>,
    /// Bytes given back to be read again, before `inner`.
    pushed: Vec<u8>,
    pushed_at: usize,
    /// Offset in the decompressed stream of the next byte to be read.
    position: u64,
    /// An error found ahead of what was read, given by the next read.
    deferred: Option<io::Error>,
}

impl Stream {
    pub(crate) fn new(inner: Box<dyn Source>) -> Self {
        Stream {
            inner,
            pushed: Vec::new(),
            pushed_at: 0,
            position: 0,
            deferred: None,
        }
    }

    pub(crate) fn position(&self) -> u64 {
        self.position
    }

    /// Gives `bytes`, which were just read, back to the stream.
    pub(crate) fn push_back(&mut self, bytes: &[u8]) {
        let mut pushed = bytes.to_vec();
        pushed.extend_from_slice(&self.pushed[self.pushed_at..]);
        self.pushed = pushed;
        self.pushed_at = 0;
        self.position -= bytes.len() as u64;
    }

    fn fill(&mut self) -> io::Result<&[u8]> {
        if let Some(err) = self.deferred.take() {
            return Err(err);
        }
        if self.pushed_at < self.pushed.len() {
            Ok(&self.pushed[self.pushed_at..])
        } else {
            self.inner.fill_buf()
        }
    }

    /// Makes the next bytes ready without reading them: an error the source
    /// finds only past what was read (a gzip member's CRC, after its last
    /// byte) comes out now, while the reader still knows whose bytes they were.
    pub(crate) fn look_ahead(&mut self) -> io::Result<()> {
        self.fill().map(|_| ())
    }

    /// Gives back an error [`Stream::look_ahead`] found: the next read returns it.
    pub(crate) fn defer(&mut self, err: io::Error) {
        self.deferred = Some(err);
    }

    fn consume(&mut self, n: usize) {
        if self.pushed_at < self.pushed.len() {
            self.pushed_at += n;
            if self.pushed_at == self.pushed.len() {
                self.pushed.clear();
                self.pushed_at = 0;
            }
        } else {
            self.inner.consume(n);
        }
        self.position += n as u64;
    }

    /// Reads one line into `line` (cleared first), terminator included. A line
    /// longer than `limit` is skipped to its end without being buffered.
    pub(crate) fn read_line(&mut self, line: &mut Vec<u8>, limit: usize) -> io::Result<Line> {
        self.read_line_until(line, limit, false)
    }

    /// As [`Stream::read_line`], but a line longer than `limit` is left
    /// where the limit falls: what follows may be something to look for
    /// (the junk before a WARC record need not end with a newline).
    pub(crate) fn read_line_or_stop(&mut self, line: &mut Vec<u8>, limit: usize) -> io::Result<Line> {
        self.read_line_until(line, limit, true)
    }

    fn read_line_until(&mut self, line: &mut Vec<u8>, limit: usize, stop: bool) -> io::Result<Line> {
        line.clear();
        let mut too_long = false;
        loop {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(match (too_long, line.is_empty()) {
                    (true, _) => Line::TooLong,
                    (false, true) => Line::End,
                    (false, false) => Line::Complete,
                });
            }
            let (mut take, mut done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if !too_long {
                if line.len() + take > limit {
                    too_long = true;
                    if stop {
                        (take, done) = (limit - line.len(), true);
                    }
                    line.clear();
                } else {
                    line.extend_from_slice(&buf[..take]);
                }
            }
            self.consume(take);
            if done {
                return Ok(if too_long { Line::TooLong } else { Line::Complete });
            }
        }
    }

    /// Appends exactly `n` bytes to `out`, or as many as there are before the end
    /// of the stream; returns how many were appended. Bytes not already
    /// buffered go straight from the source into `out`.
    pub(crate) fn read_up_to(&mut self, n: u64, out: &mut Vec<u8>) -> io::Result<u64> {
        let mut left = n;
        while left > 0 {
            let want = usize::try_from(left).unwrap_or(usize::MAX);
            let took = if self.pushed_at < self.pushed.len() {
                let take = want.min(self.pushed.len() - self.pushed_at);
                out.extend_from_slice(&self.pushed[self.pushed_at..self.pushed_at + take]);
                self.consume(take);
                take
            } else {
                let took = self.inner.read_to_vec(want, out)?;
                self.position += took as u64;
                took
            };
            if took == 0 {
                break;
            }
            left -= took as u64;
        }
        Ok(n - left)
    }

    /// Appends bytes to `out` through the first `needle`, reading at most
    /// `limit` bytes; returns whether the needle was found. Nothing past the
    /// needle is read.
    pub(crate) fn read_through(&mut self, needle: &[u8], limit: u64, out: &mut Vec<u8>) -> io::Result<bool> {
        let start = out.len();
        let mut left = limit;
        while left > 0 {
            let buf = self.fill()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let take = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            // A needle may start in the bytes already appended.
            let back = (out.len() - start).min(needle.len() - 1);
            let straddling = (back > 0)
                .then(|| {
                    let mut joined = out[out.len() - back..].to_vec();
                    joined.extend_from_slice(&buf[..take.min(needle.len() - 1)]);
                    memchr::memmem::find(&joined, needle).map(|at| at + needle.len() - back)
                })
                .flatten();
            let end = straddling.or_else(|| memchr::memmem::find(&buf[..take], needle).map(|at| at + needle.len()));
            let used = end.unwrap_or(take);
            out.extend_from_slice(&buf[..used]);
            self.consume(used);
            if end.is_some() {
                return Ok(true);
            }
            left -= used as u64;
        }
        Ok(false)
    }

    /// Skips up to `n` bytes, stopping before the first `needle` that starts
    /// within them (left to be read). Returns how many bytes were skipped and
    /// whether the needle was found. Holds at most `needle.len()` bytes.
    pub(crate) fn skip_to(&mut self, n: u64, needle: &[u8]) -> io::Result<(u64, bool)> {
        let keep = needle.len() - 1;
        // The last bytes skipped, for a needle that spans two buffers.
        let mut carry: Vec<u8> = Vec::with_capacity(2 * keep);
        let mut skipped = 0u64;
        loop {
            let buf = self.fill()?;
            let mut joined = carry.clone();
            joined.extend_from_slice(&buf[..buf.len().min(keep)]);
            if let Some(at) = memchr::memmem::find(&joined, needle).filter(|&at| at < carry.len()) {
                let back = carry[at..].to_vec();
                self.push_back(&back);
                return Ok((skipped - back.len() as u64, true));
            }
            let left = usize::try_from(n - skipped).unwrap_or(usize::MAX);
            let limit = buf.len().min(left);
            if limit == 0 {
                return Ok((skipped, false));
            }
            if let Some(at) = memchr::memmem::find(buf, needle).filter(|&at| at < limit) {
                self.consume(at);
                return Ok((skipped + at as u64, true));
            }
            carry.extend_from_slice(&buf[limit.saturating_sub(keep)..limit]);
            carry.drain(..carry.len().saturating_sub(keep));
            self.consume(limit);
            skipped += limit as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that gives `data` in reads of `chunk` bytes.
    fn chunked(data: &[u8], chunk: usize) -> Stream {
        Stream::new(Box::new(std::io::BufReader::with_capacity(
            chunk,
            io::Cursor::new(data.to_vec()),
        )))
    }

    #[test]
    fn read_through_stops_after_the_needle_across_buffers_and_within_the_limit() {
        let data = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody\r\n\r\n";
        let head = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n";
        for chunk in 1..data.len() + 1 {
            let mut stream = chunked(data, chunk);
            let mut out = b"kept".to_vec();
            assert!(
                stream.read_through(b"\r\n\r\n", 100, &mut out).unwrap(),
                "chunk {chunk}"
            );
            assert_eq!(out, [&b"kept"[..], head].concat(), "chunk {chunk}");
            assert_eq!(stream.position(), head.len() as u64);
            let mut rest = Vec::new();
            stream.read_up_to(100, &mut rest).unwrap();
            assert_eq!(rest, b"body\r\n\r\n", "chunk {chunk}");
            // A needle that ends past the limit is not found, and the limit holds.
            let mut stream = chunked(data, chunk);
            let mut out = Vec::new();
            assert!(!stream
                .read_through(b"\r\n\r\n", head.len() as u64 - 1, &mut out)
                .unwrap());
            assert_eq!(out, head[..head.len() - 1], "chunk {chunk}");
            let mut stream = chunked(data, chunk);
            let mut out = Vec::new();
            assert!(!stream.read_through(b"ABSENT", 100, &mut out).unwrap());
            assert_eq!(out, data, "chunk {chunk}");
        }
    }

    #[test]
    fn read_up_to_takes_pushed_back_bytes_first() {
        let mut stream = chunked(b"0123456789", 3);
        let mut out = Vec::new();
        assert_eq!(stream.read_up_to(5, &mut out).unwrap(), 5);
        stream.push_back(b"34");
        assert_eq!(stream.read_up_to(100, &mut out).unwrap(), 7);
        assert_eq!(
            out,
            b"01234 3456789"
                .iter()
                .filter(|&&b| b != b' ')
                .copied()
                .collect::<Vec<u8>>()
        );
        assert_eq!(stream.position(), 10);
    }

    #[test]
    fn skip_to_finds_a_needle_across_buffers_and_within_the_limit_only() {
        let data = b"0123456789NEEDLE-rest";
        for chunk in 1..data.len() + 1 {
            let mut stream = chunked(data, chunk);
            assert_eq!(stream.skip_to(100, b"NEEDLE").unwrap(), (10, true), "chunk {chunk}");
            let mut rest = Vec::new();
            stream.read_up_to(100, &mut rest).unwrap();
            assert_eq!(rest, b"NEEDLE-rest", "chunk {chunk}");
            assert_eq!(stream.position(), data.len() as u64);
            // A needle that starts at the limit is not within it.
            let mut stream = chunked(data, chunk);
            assert_eq!(stream.skip_to(10, b"NEEDLE").unwrap(), (10, false), "chunk {chunk}");
            assert_eq!(stream.skip_to(100, b"NEEDLE").unwrap(), (0, true), "chunk {chunk}");
            let mut stream = chunked(data, chunk);
            assert_eq!(stream.skip_to(100, b"ABSENT").unwrap(), (data.len() as u64, false));
        }
    }
}
