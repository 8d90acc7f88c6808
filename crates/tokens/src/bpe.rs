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
    /// `pairs[left << 32 | right]`: the rank of the token that tokens `left` and
    /// `right` make when joined, for every such pair (a token's rank is its id, so
    /// merging works on ids, never hashing bytes).
    pairs: foldhash::HashMap<u64, u32>,
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
        let mut pairs = foldhash::HashMap::default();
        for (rank, token) in tokens.iter().enumerate() {
            for split in 1..token.len() {
                if let (Some(&left), Some(&right)) = (map.get(&token[..split]), map.get(&token[split..])) {
                    pairs.insert(pair_key(left, right), rank as u32);
                }
            }
        }
        Ok(Ranks {
            map,
            byte_rank,
            tokens,
            pairs,
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
                return Err(RanksError(format!(
                    "line {}: rank {rank}, expected {}",
                    n + 1,
                    tokens.len()
                )));
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
            self.merge_short(piece, |_| ())
        } else {
            self.merge_long(piece, |_| ())
        }
    }

    /// Appends the tokens of `piece` to `out`.
    pub fn encode_into(&self, piece: &[u8], out: &mut Vec<u32>) {
        if piece.is_empty() {
            return;
        }
        if let Some(rank) = self.rank(piece) {
            out.push(rank);
            return;
        }
        if piece.len() <= SHORT {
            self.merge_short(piece, |id| out.push(id));
        } else {
            self.merge_long(piece, |id| out.push(id));
        }
    }

    /// The rank of the token `left` and `right` make, if they make one.
    #[inline]
    fn pair(&self, left: u32, right: u32) -> u32 {
        self.pairs.get(&pair_key(left, right)).copied().unwrap_or(u32::MAX)
    }

    /// The rank of each byte of `piece`.
    #[inline]
    fn byte_ranks<'a>(&'a self, piece: &'a [u8]) -> impl Iterator<Item = u32> + 'a {
        // Ranks::new checked that every byte is a token.
        piece.iter().map(|&b| self.byte_rank[b as usize].unwrap_or(u32::MAX))
    }

    /// tiktoken's `byte_pair_merge` on token ids: `ids[i]` is part i, `joined[i]`
    /// the rank of part i joined with part i + 1. Calls `emit` with each final
    /// token; returns their number. `piece` is at most `SHORT` bytes.
    fn merge_short(&self, piece: &[u8], mut emit: impl FnMut(u32)) -> usize {
        let mut ids = [0u32; SHORT];
        let mut joined = [u32::MAX; SHORT];
        let mut len = piece.len();
        for (slot, id) in ids.iter_mut().zip(self.byte_ranks(piece)) {
            *slot = id;
        }
        for i in 0..len - 1 {
            joined[i] = self.pair(ids[i], ids[i + 1]);
        }
        while len > 1 {
            let (mut best, mut at) = (u32::MAX, 0);
            for (i, &rank) in joined[..len - 1].iter().enumerate() {
                if rank < best {
                    best = rank;
                    at = i;
                }
            }
            if best == u32::MAX {
                break;
            }
            ids[at] = best;
            ids.copy_within(at + 2..len, at + 1);
            joined.copy_within(at + 2..len, at + 1);
            len -= 1;
            joined[len - 1] = u32::MAX;
            if at > 0 {
                joined[at - 1] = self.pair(ids[at - 1], best);
            }
            if at + 1 < len {
                joined[at] = self.pair(best, ids[at + 1]);
            }
        }
        for &id in &ids[..len] {
            emit(id);
        }
        len
    }

    /// The same merges with a heap of candidate pairs and a linked list of parts.
    fn merge_long(&self, piece: &[u8], mut emit: impl FnMut(u32)) -> usize {
        const NONE: usize = usize::MAX;
        let n = piece.len();
        // Part i spans piece[i..end[i]] and is token id[i]; prev/next link the live parts.
        let mut id: Vec<u32> = self.byte_ranks(piece).collect();
        let mut end: Vec<usize> = (1..=n).collect();
        let mut prev: Vec<usize> = (0..n).map(|i| i.wrapping_sub(1)).collect();
        let mut next: Vec<usize> = (1..=n).map(|i| if i == n { NONE } else { i }).collect();
        let mut live = vec![true; n];
        // (rank, left part, right part's end when pushed): the smallest rank, then
        // the leftmost pair; an entry is stale when its parts changed since.
        let mut heap: BinaryHeap<Reverse<(u32, usize, usize)>> = BinaryHeap::with_capacity(n);
        for i in 0..n - 1 {
            let rank = self.pair(id[i], id[i + 1]);
            if rank != u32::MAX {
                heap.push(Reverse((rank, i, i + 2)));
            }
        }
        let mut parts = n;
        while let Some(Reverse((rank, left, right_end))) = heap.pop() {
            if !live[left] {
                continue;
            }
            let right = next[left];
            if right == NONE || end[right] != right_end {
                continue;
            }
            // Join right into left.
            id[left] = rank;
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
                let joined = self.pair(id[before], rank);
                if joined != u32::MAX {
                    heap.push(Reverse((joined, before, right_end)));
                }
            }
            if after != NONE {
                let joined = self.pair(rank, id[after]);
                if joined != u32::MAX {
                    heap.push(Reverse((joined, left, end[after])));
                }
            }
        }
        let mut i = 0;
        while i != NONE {
            emit(id[i]);
            i = next[i];
        }
        parts
    }
}

#[inline]
fn pair_key(left: u32, right: u32) -> u64 {
    (left as u64) << 32 | right as u64
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

    fn both(ranks: &Ranks, piece: &[u8]) -> (Vec<u32>, Vec<u32>) {
        let (mut short, mut long) = (Vec::new(), Vec::new());
        let a = ranks.merge_short(piece, |id| short.push(id));
        let b = ranks.merge_long(piece, |id| long.push(id));
        assert_eq!((a, b), (short.len(), long.len()));
        (short, long)
    }

    #[test]
    fn lowest_rank_first_then_leftmost() {
        let ranks = toy();
        // "abc": ab (256) before bc (258), then abc (257).
        let (short, long) = both(&ranks, b"abc");
        assert_eq!(short, [257]);
        assert_eq!(long, short);
        // "aaa": the leftmost aa.
        let (short, long) = both(&ranks, b"aaa");
        assert_eq!(short, [259, b'a' as u32]);
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
