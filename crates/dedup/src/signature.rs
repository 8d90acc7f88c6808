//! MinHash signatures, bit-identical to datatrove 0.10.1's `MinhashDedupSignature`
//! (`pipeline/dedup/minhash.py`, `get_shingles` and `get_signature`):
//!
//! - the text is normalised ([`tamis_text::normalize`]) and split into words
//!   ([`crate::words`]);
//! - each word n-gram, joined with single spaces, is hashed as UTF-8 — xxHash64
//!   (seed 0), or the first 8 bytes of its SHA-1 read little-endian;
//! - each of the `buckets × hashes_per_bucket` permutations maps every shingle
//!   hash `h` to `(h·a + b mod 2^64) mod (2^61 − 1)` ([`crate::permutations`]),
//!   and the signature keeps the minimum of each;
//! - a text with fewer than `n_grams` words has no shingle and no signature
//!   (datatrove writes nothing for it, so it is never a duplicate).
//!
//! With 32-bit precision the shingle hash is xxHash32 (or the first 4 bytes of
//! the SHA-1) and every permuted value is masked to 32 bits before the minimum.

use crate::permutations::{mod_mersenne, parameters};
use crate::words::{SpaceWords, WordSplitter};
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use std::cell::RefCell;
use std::sync::Arc;
use tamis_text::normalize::Normalizer;

/// The hash of a shingle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HashFunction {
    /// xxHash (64 or 32 bits, seed 0): datatrove's default, FineWeb-2's choice.
    #[default]
    Xxhash,
    /// The first bytes of SHA-1: FineWeb's choice.
    Sha1,
}

/// The parameters of a MinHash signature; the defaults are datatrove's
/// `MinhashConfig()` (5-grams, 14 buckets × 8 hashes, seed 1, xxHash64).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SignatureConfig {
    /// Words per shingle.
    pub n_grams: usize,
    /// LSH bands: two documents are candidates when one band is identical.
    pub num_buckets: usize,
    /// Rows per band.
    pub hashes_per_bucket: usize,
    /// Seed of the permutation parameters (numpy's legacy MT19937).
    pub seed: u32,
    /// Shingle hash.
    pub hash: HashFunction,
    /// 64 or 32 bits.
    pub precision: u32,
    /// Language of the word tokenizer (datatrove's `language`, default `en`).
    pub language: String,
}

impl Default for SignatureConfig {
    fn default() -> Self {
        SignatureConfig {
            n_grams: 5,
            num_buckets: 14,
            hashes_per_bucket: 8,
            seed: 1,
            hash: HashFunction::Xxhash,
            precision: 64,
            language: "en".into(),
        }
    }
}

impl SignatureConfig {
    /// `Err(key, message)` for a value out of range.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if !(1..=64).contains(&self.n_grams) {
            return Err(("n_grams", format!("{} is not between 1 and 64", self.n_grams)));
        }
        if !(1..=1024).contains(&self.num_buckets) {
            return Err(("num_buckets", format!("{} is not between 1 and 1024", self.num_buckets)));
        }
        if !(1..=64).contains(&self.hashes_per_bucket) {
            return Err((
                "hashes_per_bucket",
                format!("{} is not between 1 and 64", self.hashes_per_bucket),
            ));
        }
        if self.precision != 64 && self.precision != 32 {
            return Err(("precision", format!("{} is neither 64 nor 32", self.precision)));
        }
        Ok(())
    }

    /// Hashes in a signature.
    pub fn len(&self) -> usize {
        self.num_buckets * self.hashes_per_bucket
    }

    /// Whether a signature is empty (never, for a checked config).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Buffers reused from one document to the next on a thread.
#[derive(Default)]
struct Scratch {
    normalizer: Normalizer,
    words: Vec<&'static str>,
    shingle: String,
    hashes: Vec<u64>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// An empty vector of another lifetime that keeps `v`'s allocation.
fn recycle<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter().map(|_| "").collect()
}

/// Computes signatures; cheap to share between threads.
#[derive(Clone)]
pub struct Minhasher {
    config: SignatureConfig,
    a: Arc<[u64]>,
    b: Arc<[u64]>,
    words: Arc<dyn WordSplitter>,
}

impl std::fmt::Debug for Minhasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Minhasher").field("config", &self.config).finish()
    }
}

impl Minhasher {
    /// A hasher for a checked `config`, splitting words with `words`.
    pub fn new(config: SignatureConfig, words: Arc<dyn WordSplitter>) -> Self {
        let (a, b) = parameters(config.seed, config.len());
        Minhasher {
            config,
            a: a.into(),
            b: b.into(),
            words,
        }
    }

    /// A hasher with datatrove's word tokenizer for the configured language.
    pub fn with_text_words(config: SignatureConfig) -> Self {
        let words = Arc::new(crate::words::TextWords::for_language(&config.language));
        Minhasher::new(config, words)
    }

    /// A hasher that splits words on spaces only ([`SpaceWords`]).
    pub fn with_space_words(config: SignatureConfig) -> Self {
        Minhasher::new(config, Arc::new(SpaceWords))
    }

    /// The configuration.
    pub fn config(&self) -> &SignatureConfig {
        &self.config
    }

    /// The shingle hashes of `text`, in order (duplicates included).
    pub fn shingles(&self, text: &str) -> Vec<u64> {
        SCRATCH.with(|scratch| {
            let scratch = &mut *scratch.borrow_mut();
            self.shingle_hashes(scratch, text);
            scratch.hashes.clone()
        })
    }

    /// The signature of `text` into `signature` (`buckets × hashes_per_bucket`
    /// values, bucket by bucket); `false`, and `signature` empty, when the text
    /// has fewer than `n_grams` words.
    pub fn signature(&self, text: &str, signature: &mut Vec<u64>) -> bool {
        SCRATCH.with(|scratch| {
            let scratch = &mut *scratch.borrow_mut();
            self.shingle_hashes(scratch, text);
            self.permute(&scratch.hashes, signature)
        })
    }

    /// The shingle hashes of words already split (joined with single spaces).
    pub fn shingles_of_words(&self, words: &[&str]) -> Vec<u64> {
        let n = self.config.n_grams;
        if words.len() < n {
            return Vec::new();
        }
        words
            .windows(n)
            .map(|window| self.hash(window.join(" ").as_bytes()))
            .collect()
    }

    /// The signature of a set of shingle hashes.
    pub fn permute(&self, hashes: &[u64], signature: &mut Vec<u64>) -> bool {
        signature.clear();
        if hashes.is_empty() {
            return false;
        }
        let mask = if self.config.precision == 32 {
            u64::from(u32::MAX)
        } else {
            u64::MAX
        };
        signature.resize(self.a.len(), u64::MAX);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512dq") {
            // SAFETY: the CPU has the features the function is compiled for.
            unsafe { min_hashes_avx512(hashes, &self.a, &self.b, mask, signature) };
            return true;
        }
        min_hashes(hashes, &self.a, &self.b, mask, signature);
        true
    }

    fn shingle_hashes(&self, scratch: &mut Scratch, text: &str) {
        let Scratch {
            normalizer,
            words,
            shingle,
            hashes,
        } = scratch;
        hashes.clear();
        let normalized = normalizer.normalize(text);
        let mut split = recycle(std::mem::take(words));
        self.words.split(normalized, &mut split);
        let n = self.config.n_grams;
        if split.len() >= n {
            let base = normalized.as_ptr() as usize;
            for window in split.windows(n) {
                let first = window[0].as_ptr() as usize - base;
                let last = window[n - 1];
                let end = last.as_ptr() as usize - base + last.len();
                let joined_len: usize = window.iter().map(|w| w.len()).sum::<usize>() + n - 1;
                // Words separated by exactly one space: the n-gram is a slice of the text.
                let bytes = if first <= end && end <= normalized.len() && end - first == joined_len {
                    &normalized.as_bytes()[first..end]
                } else {
                    shingle.clear();
                    for (i, word) in window.iter().enumerate() {
                        if i > 0 {
                            shingle.push(' ');
                        }
                        shingle.push_str(word);
                    }
                    shingle.as_bytes()
                };
                hashes.push(self.hash(bytes));
            }
        }
        *words = recycle(split);
    }

    fn hash(&self, bytes: &[u8]) -> u64 {
        hash_bytes(self.config.hash, self.config.precision, bytes)
    }
}

/// datatrove's `create_hash_func(HashConfig(precision, hash_fc))` on UTF-8
/// bytes: xxHash64 or xxHash32 (seed 0), or the first 8 bytes of SHA-1 read
/// little-endian (masked to 32 bits for precision 32).
pub fn hash_bytes(function: HashFunction, precision: u32, bytes: &[u8]) -> u64 {
    match (function, precision) {
        (HashFunction::Xxhash, 32) => u64::from(xxhash_rust::xxh32::xxh32(bytes, 0)),
        (HashFunction::Xxhash, _) => xxhash_rust::xxh64::xxh64(bytes, 0),
        (HashFunction::Sha1, precision) => {
            let digest = Sha1::digest(bytes);
            let mut first = [0u8; 8];
            first.copy_from_slice(&digest[..8]);
            let value = u64::from_le_bytes(first);
            if precision == 32 {
                value & u64::from(u32::MAX)
            } else {
                value
            }
        }
    }
}

/// For every permutation `i`, the least `((a[i]·h + b[i]) mod (2^61 − 1)) & mask`
/// over the shingle hashes `h` (the multiply and add wrap at 64 bits, as
/// datatrove's numpy uint64 arithmetic does). Permutations are the inner loop,
/// so the compiler can run it on vector lanes.
#[inline(always)]
fn min_hashes(hashes: &[u64], a: &[u64], b: &[u64], mask: u64, mins: &mut [u64]) {
    for &h in hashes {
        for ((min, &a), &b) in mins.iter_mut().zip(a).zip(b) {
            *min = (*min).min(mod_mersenne(h.wrapping_mul(a).wrapping_add(b)) & mask);
        }
    }
}

/// [`min_hashes`] compiled for AVX-512 (64-bit lane multiplies): same result.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn min_hashes_avx512(hashes: &[u64], a: &[u64], b: &[u64], mask: u64, mins: &mut [u64]) {
    min_hashes(hashes, a, b, mask, mins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vector_and_scalar_permutations_agree() {
        let (a, b) = parameters(1, 112);
        let hashes: Vec<u64> = (0..1000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i << 40))
            .collect();
        for mask in [u64::MAX, u64::from(u32::MAX)] {
            let mut scalar = vec![u64::MAX; a.len()];
            min_hashes(&hashes, &a, &b, mask, &mut scalar);
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("avx512dq") {
                let mut vector = vec![u64::MAX; a.len()];
                // SAFETY: the features were just detected.
                unsafe { min_hashes_avx512(&hashes, &a, &b, mask, &mut vector) };
                assert_eq!(vector, scalar);
            }
            assert!(scalar.iter().all(|&m| m < (1 << 61) - 1));
        }
    }

    #[test]
    fn short_texts_have_no_signature() {
        let hasher = Minhasher::with_space_words(SignatureConfig::default());
        let mut sig = Vec::new();
        assert!(!hasher.signature("only four words here", &mut sig));
        assert!(sig.is_empty());
        assert!(hasher.signature("now there are five words", &mut sig));
        assert_eq!(sig.len(), 112);
    }

    #[test]
    fn shingles_hash_the_joined_words() {
        let hasher = Minhasher::with_space_words(SignatureConfig {
            n_grams: 2,
            ..SignatureConfig::default()
        });
        let shingles = hasher.shingles("A  b, C");
        assert_eq!(
            shingles,
            vec![
                xxhash_rust::xxh64::xxh64(b"a b", 0),
                xxhash_rust::xxh64::xxh64(b"b c", 0)
            ]
        );
    }
}
