//! A per-thread memo of the input rows of tokens the dictionary does not
//! know.
//!
//! Most tokens of web text are not among `lid.176`'s 7,235 words
//! (capitalised words, words with punctuation attached), so each costs
//! hashing every character n-gram and looking its bucket up: about 1,600
//! instructions, two thirds of a prediction. Tokens repeat within and
//! across documents, so the rows, a pure function of the token and the model,
//! are remembered and copied back in the same order. Scores cannot change.

use std::sync::atomic::{AtomicU64, Ordering};

/// Slots per model; a power of two. About 4 MB per thread for web text. On
/// the FineWeb chain's 5,000 pages it answers 70 % of unknown tokens (8,192
/// slots: 61 %), which saves about 1 % of the chain's instructions.
const SLOTS: usize = 32_768;
/// Longer tokens (URLs, hashes) rarely repeat and are not remembered.
const MAX_TOKEN: usize = 48;
/// Models remembered per thread: a chain may use a few models in turn.
const MODELS: usize = 4;

/// A number no other model loaded in this process has, naming the model a
/// memo belongs to.
pub(crate) fn new_model_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The memos of the last models predicted with on this thread.
#[derive(Debug, Default)]
pub(crate) struct SubwordCaches {
    /// `(model id, memo)`, most recently used last.
    caches: Vec<(u64, SubwordCache)>,
}

impl SubwordCaches {
    /// The memo of `model`, made (or taken from the least recently used
    /// model) if needed.
    pub fn of(&mut self, model: u64) -> &mut SubwordCache {
        let position = self.caches.iter().position(|(id, _)| *id == model);
        let entry = match position {
            Some(i) => self.caches.remove(i),
            None if self.caches.len() < MODELS => (model, SubwordCache::default()),
            None => {
                let (_, mut cache) = self.caches.remove(0);
                cache.clear();
                (model, cache)
            }
        };
        self.caches.push(entry);
        &mut self.caches.last_mut().expect("just pushed").1
    }
}

/// Direct-mapped: a token's slot is chosen by its hash, and a new token
/// replaces the old one.
#[derive(Debug, Default)]
pub(crate) struct SubwordCache {
    slots: Vec<Slot>,
}

#[derive(Debug, Default, Clone)]
struct Slot {
    /// Empty for a free slot: tokens are never empty.
    token: Vec<u8>,
    rows: Vec<i32>,
}

impl SubwordCache {
    fn clear(&mut self) {
        for slot in &mut self.slots {
            slot.token.clear();
        }
    }

    /// Appends the rows of `token` (whose FNV hash is `hash`) to `rows`,
    /// computed by `compute`, which appends them, unless remembered.
    pub fn rows(&mut self, token: &[u8], hash: u32, rows: &mut Vec<i32>, compute: impl FnOnce(&mut Vec<i32>)) {
        if token.len() > MAX_TOKEN {
            return compute(rows);
        }
        if self.slots.is_empty() {
            self.slots.resize(SLOTS, Slot::default());
        }
        // FNV's low bits mix poorly for short tokens: take the high bits of a
        // multiplicative hash.
        let index = (hash.wrapping_mul(0x9E37_79B9) >> (32 - SLOTS.trailing_zeros())) as usize;
        let slot = &mut self.slots[index];
        if slot.token == token {
            rows.extend_from_slice(&slot.rows);
            return;
        }
        let start = rows.len();
        compute(rows);
        slot.token.clear();
        slot.token.extend_from_slice(token);
        slot.rows.clear();
        slot.rows.extend_from_slice(&rows[start..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_replaces() {
        let mut cache = SubwordCache::default();
        let mut rows = Vec::new();
        cache.rows(b"chat", 7, &mut rows, |r| r.extend([1, 2, 3]));
        cache.rows(b"chat", 7, &mut rows, |_| panic!("remembered"));
        assert_eq!(rows, [1, 2, 3, 1, 2, 3]);
        // Same slot, another token: computed, then remembered in its place.
        rows.clear();
        cache.rows(b"chien", 7, &mut rows, |r| r.push(9));
        cache.rows(b"chien", 7, &mut rows, |_| panic!("remembered"));
        assert_eq!(rows, [9, 9]);
        let long = [b'a'; MAX_TOKEN + 1];
        let mut computed = 0;
        for _ in 0..2 {
            cache.rows(&long, 1, &mut rows, |_| computed += 1);
        }
        assert_eq!(computed, 2);
    }

    #[test]
    fn models_do_not_share_memos() {
        let mut caches = SubwordCaches::default();
        let mut rows = Vec::new();
        caches.of(1).rows(b"x", 0, &mut rows, |r| r.push(1));
        caches.of(2).rows(b"x", 0, &mut rows, |r| r.push(2));
        caches.of(1).rows(b"x", 0, &mut rows, |_| panic!("remembered"));
        assert_eq!(rows, [1, 2, 1]);
        for model in 3..=6 {
            caches.of(model);
        }
        caches.of(1).rows(b"x", 0, &mut rows, |r| r.push(3));
        assert_eq!(rows, [1, 2, 1, 3]);
    }
}
