//! Bounded memo tables keyed by short strings, for per-thread caches.
//!
//! The extractor's marks of class names and the word tokenizer's cache of
//! runs each look up millions of short strings per thread. In a
//! `HashMap<String, V>` every key is an allocation of its own: a lookup
//! follows a pointer to compare it, and emptying a full table frees tens of
//! thousands of them at once (glibc's `malloc_consolidate` and
//! `unlink_chunk` showed in profiles of the FineWeb chain). Here the keys are
//! copied back to back into one buffer and the table holds their offsets, so
//! a full table empties by truncating the buffer, and its memory is reused.

use hashbrown::HashTable;
use std::hash::BuildHasher;

/// A map from strings to `V` that holds at most `max_entries` keys of at most
/// `max_key_bytes` each, and starts again empty when full (a memo of values
/// that can always be computed again, not a store).
pub struct StrMemo<V> {
    /// Every key, back to back.
    keys: Vec<u8>,
    table: HashTable<Slot<V>>,
    /// Seeded at random, as keys come from untrusted pages: no page can pick keys that
    /// collide.
    hasher: foldhash::fast::RandomState,
    max_entries: usize,
    max_key_bytes: usize,
}

/// A key (`keys[start..start + len]`), its hash, and its value.
#[derive(Clone, Copy)]
struct Slot<V> {
    hash: u64,
    start: u32,
    len: u32,
    value: V,
}

impl<V: Copy> StrMemo<V> {
    /// An empty memo; keys longer than `max_key_bytes` are never kept.
    ///
    /// # Panics
    /// If `max_entries * max_key_bytes` does not fit offsets of 32 bits.
    pub fn new(max_entries: usize, max_key_bytes: usize) -> StrMemo<V> {
        assert!(
            max_entries
                .checked_mul(max_key_bytes)
                .is_some_and(|n| n <= u32::MAX as usize),
            "memo keys must fit 32-bit offsets"
        );
        StrMemo {
            keys: Vec::new(),
            table: HashTable::new(),
            hasher: foldhash::fast::RandomState::default(),
            max_entries,
            max_key_bytes,
        }
    }

    /// The value kept for `key`.
    pub fn get(&self, key: &str) -> Option<V> {
        let hash = self.hasher.hash_one(key);
        self.table
            .find(hash, |slot| slot.hash == hash && self.key(slot) == key.as_bytes())
            .map(|slot| slot.value)
    }

    /// Keeps `value` for `key` (not already kept), emptying the memo first if
    /// it is full; a key longer than the limit is left out.
    pub fn insert(&mut self, key: &str, value: V) {
        if key.len() > self.max_key_bytes {
            return;
        }
        if self.is_full() {
            self.clear();
        }
        let hash = self.hasher.hash_one(key);
        let start = self.keys.len() as u32;
        self.keys.extend_from_slice(key.as_bytes());
        let slot = Slot {
            hash,
            start,
            len: key.len() as u32,
            value,
        };
        self.table.insert_unique(hash, slot, |slot| slot.hash);
    }

    /// Whether the next [`insert`](Self::insert) empties the memo: owners of
    /// data the values point into clear it then too.
    pub fn is_full(&self) -> bool {
        self.table.len() >= self.max_entries
    }

    /// Forgets every key, keeping the memory for the next ones.
    pub fn clear(&mut self) {
        self.keys.clear();
        self.table.clear();
    }

    /// Keys kept.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no key is kept.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    fn key(&self, slot: &Slot<V>) -> &[u8] {
        &self.keys[slot.start as usize..(slot.start + slot.len) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::StrMemo;
    use std::collections::HashMap;

    #[test]
    fn agrees_with_a_map_and_starts_again_when_full() {
        let mut memo = StrMemo::new(100, 8);
        let mut map = HashMap::new();
        let key = |i: u32| format!("k{}", i.wrapping_mul(2_654_435_761) % 997);
        for i in 0..5_000u32 {
            let k = key(i);
            match memo.get(&k) {
                Some(v) => assert_eq!(map.get(&k), Some(&v), "{k}"),
                None => {
                    if memo.is_full() {
                        map.clear();
                    }
                    memo.insert(&k, i);
                    map.insert(k, i);
                }
            }
            assert_eq!(memo.len(), map.len());
            assert!(memo.len() <= 100);
        }
    }

    #[test]
    fn leaves_out_long_keys_and_tells_apart_keys_of_one_prefix() {
        let mut memo = StrMemo::new(10, 4);
        memo.insert("abcde", 1);
        assert_eq!(memo.get("abcde"), None);
        memo.insert("ab", 2);
        memo.insert("abc", 3);
        memo.insert("", 4);
        assert_eq!(
            (memo.get("ab"), memo.get("abc"), memo.get(""), memo.get("a")),
            (Some(2), Some(3), Some(4), None)
        );
        memo.clear();
        assert!(memo.is_empty() && memo.get("ab").is_none());
    }
}
