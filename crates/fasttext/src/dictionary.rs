//! The vocabulary and how a line of text becomes input-matrix rows
//! (fastText's `Dictionary`: `load`, `getLine`, `addSubwords`,
//! `computeSubwords`, `addWordNgrams`, `pushHash`).

use crate::format::{Args, LoadError, ModelReader};
use crate::subword_cache::SubwordCache;
use std::io::Read;

/// The end-of-sentence token: what a newline reads as, and where a line stops.
const EOS: &[u8] = b"</s>";
/// Tokens not in the vocabulary that start with this are labels, not words.
const LABEL_PREFIX: &[u8] = b"__label__";
/// fastText splits tokens on exactly these bytes (`Dictionary::readWord`).
fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c | 0)
}

/// 32-bit FNV-1a as fastText computes it: each byte is sign-extended first
/// (`uint32_t(int8_t(c))`), which changes every hash of non-ASCII text.
fn fnv1a(bytes: &[u8], mut h: u32) -> u32 {
    for &b in bytes {
        h ^= b as i8 as i32 as u32;
        h = h.wrapping_mul(16_777_619);
    }
    h
}
const FNV_OFFSET: u32 = 2_166_136_261;

/// Word or label, as stored in the model (`entry_type`, one byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Word,
    Label,
}

/// The buffers [`Dictionary::line_rows`] fills or reuses.
pub(crate) struct LineBuffers<'a> {
    /// The line's input rows, the result.
    pub rows: &'a mut Vec<i32>,
    /// Each word's hash, for the word n-grams.
    pub word_hashes: &'a mut Vec<i32>,
    /// `<token>`, whose character n-grams are hashed.
    pub word: &'a mut Vec<u8>,
    /// The rows of unknown tokens seen before.
    pub cache: &'a mut SubwordCache,
}

/// The model's vocabulary: words first, then labels, as fastText orders them.
pub(crate) struct Dictionary {
    /// All entries' bytes, back to back; `spans[i]` locates entry `i`.
    arena: Vec<u8>,
    spans: Vec<(u32, u32)>,
    kinds: Vec<EntryKind>,
    counts: Vec<i64>,
    nwords: usize,
    /// Open-addressed table of entry ids by FNV hash (fastText's `word2int_`).
    table: Vec<i32>,
    /// Where a hashed n-gram's row is after quantization pruned the buckets:
    /// `None` when the model was not pruned.
    pruned: Option<BucketMap>,
    bucket: u32,
    /// `u64::MAX / bucket + 1`, for [`Dictionary::bucket_of`].
    bucket_magic: u64,
    minn: usize,
    maxn: usize,
    word_ngrams: usize,
    /// The character n-gram rows of each word, computed once at load as
    /// fastText's `initNgrams` does: word `i`'s are
    /// `word_ngram_rows[word_ngram_starts[i]..word_ngram_starts[i + 1]]`.
    /// Most tokens of real text are known words, so this skips most hashing.
    word_ngram_starts: Vec<u32>,
    word_ngram_rows: Vec<i32>,
}

impl Dictionary {
    pub fn load<R: Read>(reader: &mut ModelReader<R>, args: &Args) -> Result<Self, LoadError> {
        const PART: &str = "dictionary";
        let size = reader.i32(PART)?;
        let nwords = reader.i32(PART)?;
        let nlabels = reader.i32(PART)?;
        let _ntokens = reader.i64(PART)?;
        let prune_size = reader.i64(PART)?;
        let size = reader.count(size.into(), "dictionary size")?;
        let nwords = reader.count(nwords.into(), "word count")?;
        let nlabels = reader.count(nlabels.into(), "label count")?;
        if nwords + nlabels != size {
            return Err(LoadError::Invalid(format!(
                "{nwords} words and {nlabels} labels in a dictionary of {size}"
            )));
        }
        let mut arena = Vec::new();
        let (mut spans, mut kinds, mut counts) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..size {
            let start = arena.len();
            reader.c_string(&mut arena, PART)?;
            counts.push(reader.i64(PART)?);
            let kind = match reader.u8(PART)? {
                0 => EntryKind::Word,
                1 => EntryKind::Label,
                other => return Err(LoadError::Invalid(format!("entry {i} has type {other}"))),
            };
            if (kind == EntryKind::Word) != (i < nwords) {
                return Err(LoadError::Invalid("words and labels are out of order".into()));
            }
            kinds.push(kind);
            let span = (u32::try_from(start), u32::try_from(arena.len() - start));
            match span {
                (Ok(start), Ok(len)) => spans.push((start, len)),
                _ => return Err(LoadError::Invalid("dictionary larger than 4 GiB".into())),
            }
        }
        // pruneidx_size_ is -1 for a model that was never pruned, else the
        // number of (bucket, row) pairs kept.
        let pruned = if prune_size < 0 {
            None
        } else {
            let mut pairs = Vec::new();
            for _ in 0..prune_size {
                let from = reader.i32("pruned bucket index")?;
                let to = reader.i32("pruned bucket index")?;
                pairs.push((from, to));
            }
            Some(BucketMap::new(&pairs))
        };
        let mut dictionary = Dictionary {
            arena,
            spans,
            kinds,
            counts,
            nwords,
            table: Vec::new(),
            pruned,
            bucket: args.bucket as u32,
            bucket_magic: (u64::MAX / u64::from((args.bucket as u32).max(1))).wrapping_add(1),
            minn: usize::try_from(args.minn).unwrap_or(0),
            maxn: usize::try_from(args.maxn).unwrap_or(0),
            word_ngrams: usize::try_from(args.word_ngrams).unwrap_or(0),
            word_ngram_starts: Vec::new(),
            word_ngram_rows: Vec::new(),
        };
        dictionary.build_table();
        dictionary.precompute_word_ngrams()?;
        Ok(dictionary)
    }

    /// Fills `word_ngram_starts` and `word_ngram_rows` (`Dictionary::initNgrams`).
    fn precompute_word_ngrams(&mut self) -> Result<(), LoadError> {
        let (mut starts, mut rows) = (vec![0u32], Vec::new());
        let mut word = Vec::new();
        for id in 0..self.nwords {
            let entry = self.entry(id);
            if self.maxn > 0 && entry != EOS {
                word.clear();
                word.push(b'<');
                word.extend_from_slice(entry);
                word.push(b'>');
                self.add_char_ngrams(&mut rows, &word);
            }
            let end = u32::try_from(rows.len()).map_err(|_| LoadError::Invalid("more than 4 G word n-grams".into()))?;
            starts.push(end);
        }
        self.word_ngram_starts = starts;
        self.word_ngram_rows = rows;
        Ok(())
    }

    fn build_table(&mut self) {
        let len = (2 * self.spans.len()).next_power_of_two().max(16);
        self.table = vec![-1; len];
        for id in 0..self.spans.len() {
            let word = self.entry(id);
            let slot = self.slot(word, fnv1a(word, FNV_OFFSET));
            // A duplicate entry keeps the later id, as `word2int_` does.
            self.table[slot] = id as i32;
        }
    }

    /// The table slot holding `word`, or the empty slot where it would go.
    fn slot(&self, word: &[u8], hash: u32) -> usize {
        let mask = self.table.len() - 1;
        let mut slot = hash as usize & mask;
        loop {
            let id = self.table[slot];
            if id < 0 || self.entry(id as usize) == word {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    fn entry(&self, id: usize) -> &[u8] {
        let (start, len) = self.spans[id];
        &self.arena[start as usize..(start + len) as usize]
    }

    fn id(&self, word: &[u8], hash: u32) -> Option<usize> {
        let id = self.table[self.slot(word, hash)];
        (id >= 0).then_some(id as usize)
    }

    pub fn nwords(&self) -> usize {
        self.nwords
    }

    pub fn nlabels(&self) -> usize {
        self.spans.len() - self.nwords
    }

    /// The label's text (`__label__en`); labels are numbered from 0.
    pub fn label(&self, index: usize) -> &str {
        // Labels are matched as bytes; a label that is not UTF-8 is shown lossily
        // by `Model`, which validates them once at load.
        std::str::from_utf8(self.entry(self.nwords + index)).unwrap_or("")
    }

    pub fn label_bytes(&self, index: usize) -> &[u8] {
        self.entry(self.nwords + index)
    }

    /// Training counts of the labels, which shape the hierarchical-softmax tree.
    pub fn label_counts(&self) -> &[i64] {
        &self.counts[self.nwords..]
    }

    /// The largest row index `line_rows` can produce, plus one.
    pub fn rows_needed(&self) -> usize {
        match &self.pruned {
            None => self.nwords + self.bucket as usize,
            Some(map) => self.nwords + map.values().map(|to| to.max(0) as usize + 1).max().unwrap_or(0),
        }
    }

    /// Whether a pruned bucket index is negative, which fastText never writes.
    pub fn has_negative_pruned_rows(&self) -> bool {
        self.pruned.as_ref().is_some_and(|map| map.values().any(|to| to < 0))
    }

    pub fn is_pruned(&self) -> bool {
        self.pruned.is_some()
    }

    /// The input rows of one line of text, as `Dictionary::getLine` finds them
    /// for prediction: words (with their subwords), then word n-grams. The text
    /// is read as if a newline followed it; reading stops at the first newline
    /// or literal `</s>` token, as fastText's does, unless `newlines_are_spaces`
    /// (the text then reads as if each newline were a space). An unknown
    /// token's rows come from `cache` when it remembers them.
    pub fn line_rows(&self, text: &[u8], newlines_are_spaces: bool, buffers: &mut LineBuffers<'_>) {
        let LineBuffers {
            rows,
            word_hashes,
            word: scratch,
            cache,
        } = buffers;
        rows.clear();
        word_hashes.clear();
        let stops = |b: u8| b == b'\n' && !newlines_are_spaces;
        let mut rest = text;
        loop {
            let start = rest.iter().position(|&b| !is_separator(b) || stops(b));
            let token: &[u8] = match start {
                // Only separators left: the appended newline ends the line.
                None => EOS,
                Some(start) if stops(rest[start]) => EOS,
                Some(start) => {
                    let len = rest[start..]
                        .iter()
                        .position(|&b| is_separator(b))
                        .unwrap_or(rest.len() - start);
                    let token = &rest[start..start + len];
                    rest = &rest[start + len..];
                    token
                }
            };
            let hash = fnv1a(token, FNV_OFFSET);
            let id = self.id(token, hash);
            let is_word = match id {
                Some(id) => self.kinds[id] == EntryKind::Word,
                None => !token.starts_with(LABEL_PREFIX),
            };
            if is_word {
                self.add_subwords(rows, token, hash, id, scratch, cache);
                word_hashes.push(hash as i32);
            }
            if token == EOS {
                break;
            }
        }
        self.add_word_ngrams(rows, word_hashes);
    }

    /// `Dictionary::addSubwords`: a known word's own row and its character
    /// n-grams; an unknown word's n-grams only; `</s>` has no n-grams.
    fn add_subwords(
        &self,
        rows: &mut Vec<i32>,
        token: &[u8],
        hash: u32,
        id: Option<usize>,
        scratch: &mut Vec<u8>,
        cache: &mut SubwordCache,
    ) {
        if let Some(id) = id {
            rows.push(id as i32);
            let (start, end) = (self.word_ngram_starts[id], self.word_ngram_starts[id + 1]);
            rows.extend_from_slice(&self.word_ngram_rows[start as usize..end as usize]);
            return;
        }
        if token != EOS {
            cache.rows(token, hash, rows, |rows| {
                scratch.clear();
                scratch.push(b'<');
                scratch.extend_from_slice(token);
                scratch.push(b'>');
                self.add_char_ngrams(rows, scratch);
            });
        }
    }

    /// `Dictionary::computeSubwords`: every n-gram of `minn..=maxn` UTF-8
    /// characters of `<word>`, except the lone `<` and `>`, hashed into buckets.
    fn add_char_ngrams(&self, rows: &mut Vec<i32>, word: &[u8]) {
        if self.bucket == 0 {
            return;
        }
        if word.is_ascii() {
            // One byte per character, and sign extension changes no ASCII
            // byte: the loop below without its character boundaries.
            let len = word.len();
            for i in 0..len {
                let mut hash = FNV_OFFSET;
                for (n, &b) in (1..=self.maxn).zip(&word[i..]) {
                    hash = (hash ^ u32::from(b)).wrapping_mul(16_777_619);
                    if n >= self.minn && !(n == 1 && (i == 0 || i + 1 == len)) {
                        self.push_bucket(rows, self.bucket_of(hash));
                    }
                }
            }
            return;
        }
        let is_continuation = |b: u8| b & 0xC0 == 0x80;
        for i in 0..word.len() {
            if is_continuation(word[i]) {
                continue;
            }
            // FNV-1a is sequential, so each longer n-gram extends the hash of
            // the shorter one.
            let mut hash = FNV_OFFSET;
            let mut j = i;
            let mut n = 1;
            while j < word.len() && n <= self.maxn {
                let char_start = j;
                j += 1;
                while j < word.len() && is_continuation(word[j]) {
                    j += 1;
                }
                hash = fnv1a(&word[char_start..j], hash);
                if n >= self.minn && !(n == 1 && (i == 0 || j == word.len())) {
                    self.push_bucket(rows, self.bucket_of(hash));
                }
                n += 1;
            }
        }
    }

    /// `hash % bucket` by Lemire's multiply-shift (*Faster Remainder by
    /// Direct Computation*, 2019), exact for 32-bit operands: the division
    /// is the slowest instruction of the n-gram loop.
    fn bucket_of(&self, hash: u32) -> i32 {
        let low = self.bucket_magic.wrapping_mul(u64::from(hash));
        ((u128::from(low) * u128::from(self.bucket)) >> 64) as i32
    }

    /// `Dictionary::addWordNgrams`. The word hashes are stored as `int32_t`
    /// and widen to `uint64_t` with sign extension, as in C++.
    fn add_word_ngrams(&self, rows: &mut Vec<i32>, hashes: &[i32]) {
        if self.bucket == 0 {
            return;
        }
        for i in 0..hashes.len() {
            let mut h = hashes[i] as i64 as u64;
            for &next in hashes.iter().take(i + self.word_ngrams).skip(i + 1) {
                h = h.wrapping_mul(116_049_371).wrapping_add(next as i64 as u64);
                self.push_bucket(rows, (h % u64::from(self.bucket)) as i32);
            }
        }
    }

    /// `Dictionary::pushHash`: a bucket's row follows the words, or its
    /// pruned position; buckets pruned away are skipped.
    fn push_bucket(&self, rows: &mut Vec<i32>, bucket: i32) {
        let bucket = match &self.pruned {
            None => bucket,
            Some(map) => match map.get(bucket) {
                Some(to) => to,
                None => return,
            },
        };
        rows.push(self.nwords as i32 + bucket);
    }
}

/// The buckets a pruned model kept, and their rows: an open-addressed table,
/// because this lookup runs for every character n-gram of every word (a
/// general-purpose hash map made it half of the prediction time). Keys and
/// rows are apart so that probing touches only the keys, which stay in cache.
struct BucketMap {
    /// Bucket ids, `EMPTY` for a free slot.
    keys: Vec<i32>,
    rows: Vec<i32>,
    shift: u32,
}

const EMPTY: i32 = -1;

impl BucketMap {
    fn new(pairs: &[(i32, i32)]) -> Self {
        let len = (2 * pairs.len()).next_power_of_two().max(2);
        let mut map = BucketMap {
            keys: vec![EMPTY; len],
            rows: vec![0; len],
            shift: 32 - len.trailing_zeros(),
        };
        // A bucket listed twice keeps its last row, as fastText's std::map does;
        // a negative bucket can never be looked up.
        for &(bucket, row) in pairs.iter().filter(|(bucket, _)| *bucket >= 0) {
            let slot = map.slot(bucket);
            map.keys[slot] = bucket;
            map.rows[slot] = row;
        }
        map
    }

    /// The slot holding `bucket`, or the free slot where it would go.
    fn slot(&self, bucket: i32) -> usize {
        let mask = self.keys.len() - 1;
        // Fibonacci hashing: bucket ids are dense small integers.
        let mut slot = (u64::from((bucket as u32).wrapping_mul(0x9E37_79B9)) >> self.shift) as usize & mask;
        while self.keys[slot] != EMPTY && self.keys[slot] != bucket {
            slot = (slot + 1) & mask;
        }
        slot
    }

    fn get(&self, bucket: i32) -> Option<i32> {
        let slot = self.slot(bucket);
        (self.keys[slot] == bucket).then(|| self.rows[slot])
    }

    fn values(&self) -> impl Iterator<Item = i32> + '_ {
        self.keys
            .iter()
            .zip(&self.rows)
            .filter(|(key, _)| **key != EMPTY)
            .map(|(_, row)| *row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_sign_extends_bytes_like_fasttext() {
        // ASCII is plain FNV-1a 32.
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xe40c292c);
        // 0xC3 becomes 0xFFFFFFC3 before the xor, so "é" differs from plain FNV-1a.
        let plain = (FNV_OFFSET ^ 0xC3).wrapping_mul(16_777_619);
        let plain = (plain ^ 0xA9).wrapping_mul(16_777_619);
        assert_ne!(fnv1a("é".as_bytes(), FNV_OFFSET), plain);
        let extended = (FNV_OFFSET ^ 0xFFFF_FFC3).wrapping_mul(16_777_619);
        let extended = (extended ^ 0xFFFF_FFA9).wrapping_mul(16_777_619);
        assert_eq!(fnv1a("é".as_bytes(), FNV_OFFSET), extended);
    }

    #[test]
    fn bucket_map_finds_what_it_holds() {
        let pairs: Vec<(i32, i32)> = (0..1000).map(|i| (i * 7919 % 100_003, i)).collect();
        let map = BucketMap::new(&pairs);
        for &(bucket, row) in &pairs {
            assert_eq!(map.get(bucket), Some(row));
        }
        assert_eq!(map.get(5), None);
        assert_eq!(map.values().count(), 1000);
        assert_eq!(BucketMap::new(&[]).get(0), None);
    }

    #[test]
    fn fast_remainder_is_the_remainder() {
        for bucket in [1u32, 2, 3, 7, 2_000_000, 2_000_003, u32::MAX] {
            let magic = (u64::MAX / u64::from(bucket)).wrapping_add(1);
            for hash in [0u32, 1, 2, 1_999_999, 2_000_000, 0x8000_0000, u32::MAX - 1, u32::MAX]
                .into_iter()
                .chain((0..10_000u32).map(|i| i.wrapping_mul(2_654_435_761)))
            {
                let fast = ((u128::from(magic.wrapping_mul(u64::from(hash))) * u128::from(bucket)) >> 64) as u32;
                assert_eq!(fast, hash % bucket, "{hash} % {bucket}");
            }
        }
    }

    #[test]
    fn fnv_extends_incrementally() {
        let whole = fnv1a(b"<chat>", FNV_OFFSET);
        assert_eq!(fnv1a(b"at>", fnv1a(b"<ch", FNV_OFFSET)), whole);
    }
}
