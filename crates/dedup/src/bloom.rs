//! A Bloom filter over 128-bit key hashes: fixed memory, no false negatives,
//! false positives at a rate set by its size.
//!
//! Sized with the standard formulas for `n` expected items and a target
//! false-positive rate `p`: `m = ⌈−n·ln p / (ln 2)²⌉` bits (rounded up to whole
//! 64-bit words) and `k = ⌈(m/n)·ln 2⌉` hash functions, `k` rounded up as
//! Dolma's `BloomFilter::optimal_number_of_hashers` does (allenai/dolma,
//! `src/bloom_filter.rs`). Dolma then doubles the size from 1 MiB until its
//! estimate meets `p`; this filter takes the exact size instead, so it is
//! smaller for the same bound.
//!
//! Dolma hashes each key `k` times with randomly seeded `ahash` states (a
//! filter differs from run to run unless saved); here the `k` positions come
//! from one 128-bit xxh3 of the key by double hashing (Kirsch & Mitzenmacher
//! 2006, `h1 + i·h2`, each mixed), so the same keys set the same bits in every run.

/// The filter's shape for `expected` items and false-positive rate `rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BloomShape {
    /// Bits, a multiple of 64.
    pub bits: u64,
    /// Hash functions.
    pub hashes: u32,
}

impl BloomShape {
    /// `m` and `k` from the standard formulas; `expected ≥ 1`, `0 < rate < 1`.
    /// Then `m` grows, by a few words at most, until the rate with the
    /// whole number `k` is at most `p`: `m ≥ −k·n / ln(1 − p^(1/k))`.
    pub fn for_rate(expected: u64, rate: f64) -> BloomShape {
        let n = expected.max(1) as f64;
        let ln2 = std::f64::consts::LN_2;
        let bits = (-n * rate.ln() / (ln2 * ln2)).ceil().max(64.0) as u64;
        let shape = BloomShape::for_bits(bits, expected);
        let k = f64::from(shape.hashes);
        let enough = (-k * n / (1.0 - rate.powf(1.0 / k)).ln()).ceil() as u64;
        BloomShape {
            bits: enough.max(shape.bits).div_ceil(64) * 64,
            ..shape
        }
    }

    /// A filter of (about) `bits` bits for `expected` items: `k = ⌈(m/n)·ln 2⌉`.
    pub fn for_bits(bits: u64, expected: u64) -> BloomShape {
        let bits = bits.max(64).div_ceil(64) * 64;
        let k = (bits as f64 / expected.max(1) as f64 * std::f64::consts::LN_2).ceil();
        BloomShape {
            bits,
            hashes: k.clamp(1.0, 64.0) as u32,
        }
    }

    /// The filter's size in bytes.
    pub fn bytes(&self) -> u64 {
        self.bits / 8
    }

    /// The expected false-positive rate once `items` distinct keys are in:
    /// `(1 − e^(−k·n/m))^k`.
    pub fn false_positive_rate(&self, items: u64) -> f64 {
        let k = f64::from(self.hashes);
        (1.0 - (-k * items as f64 / self.bits as f64).exp()).powf(k)
    }
}

/// The filter's bits.
pub struct BloomFilter {
    words: Vec<u64>,
    shape: BloomShape,
}

impl BloomFilter {
    /// An empty filter; allocates `shape.bytes()`.
    pub fn new(shape: BloomShape) -> BloomFilter {
        BloomFilter {
            words: vec![0; (shape.bits / 64) as usize],
            shape,
        }
    }

    /// Its shape.
    pub fn shape(&self) -> BloomShape {
        self.shape
    }

    /// The `k` bit positions of the key hashed to `(h1, h2)`; of the shape,
    /// not the filter, so the bits can be changed while they are walked.
    fn positions(shape: BloomShape, h1: u64, h2: u64) -> impl Iterator<Item = u64> {
        // Double hashing, each value through a 64-bit finaliser before the
        // multiply-shift maps it onto [0, m): plain `h1 + i·h2` positions form
        // an arithmetic progression, which measurably raised the rate.
        let bits = shape.bits;
        (0..u64::from(shape.hashes)).map(move |i| {
            let h = mix(h1.wrapping_add(i.wrapping_mul(h2)));
            ((u128::from(h) * u128::from(bits)) >> 64) as u64
        })
    }

    /// Whether the key may be in the filter (false: certainly not).
    pub fn contains(&self, h1: u64, h2: u64) -> bool {
        Self::positions(self.shape, h1, h2).all(|p| self.words[(p / 64) as usize] & (1 << (p % 64)) != 0)
    }

    /// Adds the key.
    pub fn insert(&mut self, h1: u64, h2: u64) {
        self.check_and_insert(h1, h2);
    }

    /// Adds the key; whether it may have been there already (Dolma's
    /// `contains`-then-`insert`, in one pass over the positions: setting a
    /// bit already set changes nothing).
    pub fn check_and_insert(&mut self, h1: u64, h2: u64) -> bool {
        let mut present = true;
        for p in Self::positions(self.shape, h1, h2) {
            let (word, bit) = (&mut self.words[(p / 64) as usize], 1 << (p % 64));
            present &= *word & bit != 0;
            *word |= bit;
        }
        present
    }

    /// Bits set, for the fill-based estimate `(set/m)^k` of the rate.
    pub fn bits_set(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }
}

/// SplitMix64's finaliser: every input bit affects every output bit.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The two 64-bit halves of the 128-bit xxh3 of `bytes`.
pub fn key_hash(bytes: &[u8]) -> (u64, u64) {
    let h = xxhash_rust::xxh3::xxh3_128(bytes);
    ((h >> 64) as u64, h as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_follows_the_standard_formulas() {
        // n = 1e6, p = 1e-3: m = 14,377,588 bits (1.71 MiB), k = 10; with
        // k = 10 the rate is 1.00002e-3, so m grows by one word.
        let shape = BloomShape::for_rate(1_000_000, 0.001);
        assert_eq!(shape.bits, 14_377_664);
        assert_eq!(shape.hashes, 10);
        assert!(shape.false_positive_rate(1_000_000) <= 0.001);
        for (n, p) in [(200_000, 0.01), (200_000, 0.001), (1_000, 1e-6), (1, 0.5)] {
            assert!(
                BloomShape::for_rate(n, p).false_positive_rate(n) <= p,
                "n = {n}, p = {p}"
            );
        }
        assert_eq!(BloomShape::for_bits(8 << 20, 1_000_000).hashes, 6);
    }

    /// Inserts `n` random keys, queries `n` fresh ones: the measured rate is
    /// within the configured bound (with room for sampling noise).
    #[test]
    fn measured_false_positive_rate_is_within_the_bound() {
        let n = 200_000u64;
        for rate in [0.01, 0.001] {
            let shape = BloomShape::for_rate(n, rate);
            let mut filter = BloomFilter::new(shape);
            for i in 0..n {
                let (h1, h2) = key_hash(format!("inserted {i}").as_bytes());
                filter.insert(h1, h2);
            }
            for i in 0..n {
                let (h1, h2) = key_hash(format!("inserted {i}").as_bytes());
                assert!(filter.contains(h1, h2), "no false negative");
            }
            // Ten times as many queries as items: the measure's own noise
            // (its standard deviation) is then a tenth of the bound or less.
            let queries = 10 * n;
            let false_positives = (0..queries)
                .filter(|i| {
                    let (h1, h2) = key_hash(format!("fresh {i}").as_bytes());
                    filter.contains(h1, h2)
                })
                .count();
            let measured = false_positives as f64 / queries as f64;
            let sd = (rate * (1.0 - rate) / queries as f64).sqrt();
            eprintln!(
                "bloom: n = {n}, p = {rate}: {} bytes, k = {}, measured false-positive rate {measured:.5}",
                shape.bytes(),
                shape.hashes
            );
            assert!(measured <= rate + 3.0 * sd, "p = {rate}: measured {measured}");
            let fill = filter.bits_set() as f64 / shape.bits as f64;
            assert!((fill - 0.5).abs() < 0.05, "an optimal filter is half full: {fill}");
        }
    }
}
