//! Byte-pair encoding of one piece, from the ranks of the vocabulary's tokens.
//!
//! The rule is GPT-2's and tiktoken's: start from single bytes and, while two
//! neighbouring parts join into a token, join the pair whose token has the lowest
//! rank (the leftmost such pair on a tie). A vocabulary whose merges are its tokens
//! in rank order (GPT-2's `merges.txt` is) gives the same tokens as Hugging Face's
//! `BPE` model with those merges.
//!
//! Short pieces (almost all of them) go through tiktoken's quadratic scan, which
//! is fastest for a handful of parts; long ones (a line of Chinese or Thai is one
//! piece) through a heap, in O(n log n).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Pieces up to this many bytes take the quadratic scan.
const SHORT: usize = 64;

/// Token ranks (= ids) by the bytes of the token.
#[derive(Debug, Clone)]
pub struct Ranks {
    map: foldhash::HashMap<Box<[u8]>, u32>,
    /// `byte_rank[b]`: the rank of the single byte `b`, if it is a token.
    byte_rank: [Option<u32>; 256],
    /// The bytes of each rank (ranks are dense from 0).
    tokens: Vec<Box<[u8]>>,
}

/// The vocabulary is not a byte-pair vocabulary this module can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RanksError(pub String);

impl std::fmt::Display for RanksError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RanksError {}

impl Ranks {
    /// The ranks of `tokens` (a token's rank is its position); every single byte
    /// must be a token, and no token may repeat.
    pub fn new(tokens: Vec<Box<[u8]>>) -> Result<Ranks, RanksError> {
        let mut map = foldhash::HashMap::default();
        map.reserve(tokens.len());
        let mut byte_rank = [None; 256];
        for (rank, token) in tokens.iter().enumerate() {
            let rank = u32::try_from(rank).map_err(|_| RanksError("too many tokens".into()))?;
            if token.is_empty() {
                return Err(RanksError(format!("token {rank} is empty")));
            }
            if token.len() == 1 {
                byte_rank[token[0] as usize] = Some(rank);
            }
            if map.insert(token.clone(), rank).is_some() {
                return Err(RanksError(format!("token {rank} repeats an earlier token")));
            }
        }
        if let Some(b) = byte_rank.iter().position(Option::is_none) {
            return Err(RanksError(format!("the byte 0x{b:02x} is not a token")));
        }
        Ok(Ranks {
            map,
            byte_rank,
            tokens,
        })
    }

    /// Parses tiktoken's format: one `<base64 token> <rank>` line per token, ranks
    /// 0, 1, 2… in order.
    pub fn from_tiktoken(text: &str) -> Result<Ranks, RanksError> {
        let mut tokens = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let bad = || RanksError(format!("line {}: not `<base64> <rank>`", n + 1));
            let (token, rank) = line.split_once(' ').ok_or_else(bad)?;
            let rank: usize = rank.trim().parse().map_err(|_| bad())?;
            if rank != tokens.len() {
                return Err(RanksError(format!("line {}: rank {rank}, expected {}", n + 1, tokens.len())));
            }
            tokens.push(base64_decode(token).ok_or_else(bad)?.into_boxed_slice());
        }
        Ranks::new(tokens)
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True if there is no token.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The rank of `token`, if it is one.
    #[inline]
    pub fn rank(&self, token: &[u8]) -> Option<u32> {
        self.map.get(token).copied()
    }

    /// The bytes of the token of rank `rank`.
    pub fn token(&self, rank: u32) -> Option<&[u8]> {
        self.tokens.get(rank as usize).map(|t| &**t)
    }

    /// The number of tokens `piece` encodes to.
    #[inline]
    pub fn count(&self, piece: &[u8]) -> usize {
        if piece.len() <= 1 || self.map.contains_key(piece) {
            return piece.len().min(1);
        }
        if piece.len() <= SHORT {
            self.merge_short(piece, |_, _| ())
        } else {
            self.merge_long(piece, |_, _| ())
        }
    }

    /// Appends the tokens of `piece` to `out`.
    pub fn encode_into(&self, piece: &[u8], out: &mut Vec<u32>) {
        if piece.is_empty() {
            return;
        }
        if piece.len() == 1 {
            out.extend(self.byte_rank[piece[0] as usize]);
            return;
        }
        if let Some(rank) = self.rank(piece) {
            out.push(rank);
            return;
        }
        let mut push = |start: usize, end: usize| {
            // Every part is a token: a single byte, or a pair that had a rank.
            out.extend(self.rank(&piece[start..end]));
        };
        if piece.len() <= SHORT {
            self.merge_short(piece, &mut push);
        } else {
            self.merge_long(piece, &mut push);
        }
    }

    /// tiktoken's `byte_pair_merge`: `parts[i]` = (start of part i, rank of part i
    /// joined with part i + 1). Calls `emit` with each final part; returns their number.
    fn merge_short(&self, piece: &[u8], mut emit: impl FnMut(usize, usize)) -> usize {
        let mut parts: [(usize, u32); SHORT + 1] = [(0, u32::MAX); SHORT + 1];
        let n = piece.len() + 1;
        let pair_rank = |parts: &[(usize, u32)], i: usize, len: usize| -> u32 {
            if i + 3 < len {
                self.rank(&piece[parts[i].0..parts[i + 3].0]).unwrap_or(u32::MAX)
            } else {
                u32::MAX
            }
        };
        for (i, part) in parts.iter_mut().enumerate().take(n) {
            part.0 = i;
        }
        for i in 0..n.saturating_sub(2) {
            parts[i].1 = self.rank(&piece[i..i + 2]).unwrap_or(u32::MAX);
        }
        let mut len = n;
        loop {
            if len <= 2 {
                break;
            }
            let (mut best, mut at) = (u32::MAX, 0);
            for (i, part) in parts[..len - 1].iter().enumerate() {
                if part.1 < best {
                    best = part.1;
                    at = i;
                }
            }
            if best == u32::MAX {
                break;
            }
            if at > 0 {
                parts[at - 1].1 = pair_rank(&parts[..len], at - 1, len);
            }
            parts[at].1 = pair_rank(&parts[..len], at, len);
            parts.copy_within(at + 2..len, at + 1);
            len -= 1;
        }
        for i in 0..len - 1 {
            emit(parts[i].0, parts[i + 1].0);
        }
        len - 1
    }

    /// The same merges with a heap of candidate pairs and a linked list of parts.
    fn merge_long(&self, piece: &[u8], mut emit: impl FnMut(usize, usize)) -> usize {
        const NONE: usize = usize::MAX;
        let n = piece.len();
        // Part i spans piece[i..end[i]]; prev/next link the live parts.
        let mut end: Vec<usize> = (1..=n).collect();
        let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
        let mut next: Vec<usize> = (1..=n).map(|i| if i == n { NONE } else { i }).collect();
        let mut live = vec![true; n];
        // (rank, left part, right part's end when pushed): the smallest rank, then
        // the leftmost pair; an entry is stale when its parts changed since.
        let mut heap: BinaryHeap<Reverse<(u32, usize, usize)>> = BinaryHeap::with_capacity(n);
        for i in 0..n - 1 {
            if let Some(rank) = self.rank(&piece[i..i + 2]) {
                heap.push(Reverse((rank, i, i + 2)));
            }
        }
        let mut parts = n;
        while let Some(Reverse((_, left, right_end))) = heap.pop() {
            if !live[left] {
                continue;
            }
            let right = next[left];
            if right == NONE || end[right] != right_end {
                continue;
            }
            // Join right into left.
            end[left] = right_end;
            live[right] = false;
            let after = next[right];
            next[left] = after;
            if after != NONE {
                prev[after] = left;
            }
            parts -= 1;
            let before = prev[left];
            if before != NONE {
                if let Some(rank) = self.rank(&piece[before..right_end]) {
                    heap.push(Reverse((rank, before, right_end)));
                }
            }
            if after != NONE {
                if let Some(rank) = self.rank(&piece[left..end[after]]) {
                    heap.push(Reverse((rank, left, end[after])));
                }
            }
        }
        let mut i = 0;
        while i != NONE {
            emit(i, end[i]);
            i = next[i];
        }
        parts
    }
}

/// Standard base64 (with padding) to bytes; `None` if `text` is not base64.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = text.trim_end_matches('=').as_bytes();
    if !text.len().is_multiple_of(4) || text.len() - bytes.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = acc << 6 | value(c)?;
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        let all = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        match chunk.len() {
            4 => out.extend_from_slice(&all),
            3 => out.extend_from_slice(&all[..2]),
            2 => out.push(all[0]),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy vocabulary: the 256 bytes, then `ab`, `abc`, `bc`, `aa`.
    fn toy() -> Ranks {
        let mut tokens: Vec<Box<[u8]>> = (0..=255u8).map(|b| vec![b].into_boxed_slice()).collect();
        for t in ["ab", "abc", "bc", "aa"] {
            tokens.push(t.as_bytes().into());
        }
        Ranks::new(tokens).unwrap()
    }

    fn both(ranks: &Ranks, piece: &[u8]) -> (Vec<(usize, usize)>, Vec<(usize, usize)>) {
        let (mut short, mut long) = (Vec::new(), Vec::new());
        let a = ranks.merge_short(piece, |s, e| short.push((s, e)));
        let b = ranks.merge_long(piece, |s, e| long.push((s, e)));
        assert_eq!((a, b), (short.len(), long.len()));
        (short, long)
    }

    #[test]
    fn lowest_rank_first_then_leftmost() {
        let ranks = toy();
        // "abc": ab (256) before bc (258), then abc (257).
        let (short, long) = both(&ranks, b"abc");
        assert_eq!(short, [(0, 3)]);
        assert_eq!(long, short);
        // "aaa": the leftmost aa.
        let (short, long) = both(&ranks, b"aaa");
        assert_eq!(short, [(0, 2), (2, 3)]);
        assert_eq!(long, short);
        // "xbc": bc.
        assert_eq!(ranks.count(b"xbc"), 2);
    }

    #[test]
    fn short_and_long_agree() {
        let ranks = toy();
        let mut seed = 7u64;
        for len in 2..=SHORT {
            let piece: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    b"abcx"[(seed >> 33) as usize % 4]
                })
                .collect();
            let (short, long) = both(&ranks, &piece);
            assert_eq!(short, long, "{}", String::from_utf8_lossy(&piece));
        }
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("IQ==").unwrap(), b"!");
        assert_eq!(base64_decode("IHRoZQ==").unwrap(), b" the");
        assert_eq!(base64_decode("YWJj").unwrap(), b"abc");
        assert_eq!(base64_decode("YWI=").unwrap(), b"ab");
        assert!(base64_decode("YW=").is_none());
        assert!(base64_decode("Y!==").is_none());
    }
}
