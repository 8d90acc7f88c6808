//! A buffered byte stream with position tracking and push-back, the primitive the
//! line-oriented parsers are written on.

use std::io::{self, BufRead};

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
    inner: Box<dyn BufRead + Send>,
    /// Bytes given back to be read again, before `inner`.
    pushed: Vec<u8>,
    pushed_at: usize,
    /// Offset in the decompressed stream of the next byte to be read.
    position: u64,
}

impl Stream {
    pub(crate) fn new(inner: Box<dyn BufRead + Send>) -> Self {
        Stream {
            inner,
            pushed: Vec::new(),
            pushed_at: 0,
            position: 0,
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
        if self.pushed_at < self.pushed.len() {
            Ok(&self.pushed[self.pushed_at..])
        } else {
            self.inner.fill_buf()
        }
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
            let (take, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if !too_long {
                if line.len() + take > limit {
                    too_long = true;
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
    /// of the stream; returns how many were appended.
    pub(crate) fn read_up_to(&mut self, n: u64, out: &mut Vec<u8>) -> io::Result<u64> {
        let mut left = n;
        while left > 0 {
            let buf = self.fill()?;
            if buf.is_empty() {
                break;
            }
            let take = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            out.extend_from_slice(&buf[..take]);
            self.consume(take);
            left -= take as u64;
        }
        Ok(n - left)
    }

    /// Skips up to `n` bytes without keeping them; returns how many were skipped.
    pub(crate) fn skip(&mut self, n: u64) -> io::Result<u64> {
        let mut left = n;
        while left > 0 {
            let available = self.fill()?.len();
            if available == 0 {
                break;
            }
            let take = available.min(usize::try_from(left).unwrap_or(usize::MAX));
            self.consume(take);
            left -= take as u64;
        }
        Ok(n - left)
    }
}
