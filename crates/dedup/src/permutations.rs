//! The MinHash permutations `h ↦ (a·h + b) mod (2^61 − 1)` and their
//! parameters, drawn exactly as datatrove draws them.
//!
//! datatrove 0.10.1 (`pipeline/dedup/minhash.py`, `MinhashDedupSignature.parameters`)
//! calls `np.random.RandomState(seed).randint(1, P, dtype=uint64, size=n)` for the
//! `a`s, then `randint(0, P, ...)` for the `b`s. That is numpy's legacy
//! MT19937 (`init_genrand(seed)`), and its masked rejection sampler for 64-bit
//! bounds (`random_bounded_uint64_fill` in numpy/random/src/distributions):
//! each draw is `(next32 << 32) | next32`, masked to 61 bits, rejected while
//! larger than the range. Reproduced here so that any seed gives datatrove's
//! signatures; `tests::seed_1_matches_numpy` pins the values numpy 2.4 gives.
//!
//! The arithmetic is numpy's `uint64` arithmetic: `h·a + b` wraps modulo 2^64
//! *before* the reduction modulo `P`, which is not a true affine map modulo `P`
//! but is what the reference computes, so it is what we compute.

/// The Mersenne prime 2^61 − 1.
pub const MERSENNE_PRIME: u64 = (1 << 61) - 1;

/// The 32-bit Mersenne Twister (Matsumoto & Nishimura 1998), as numpy's legacy
/// `RandomState` seeds and steps it.
struct Mt19937 {
    state: [u32; 624],
    index: usize,
}

impl Mt19937 {
    fn new(seed: u32) -> Self {
        let mut state = [0u32; 624];
        state[0] = seed;
        for i in 1..624 {
            let prev = state[i - 1];
            state[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        Mt19937 { state, index: 624 }
    }

    fn twist(&mut self) {
        for i in 0..624 {
            let y = (self.state[i] & 0x8000_0000) | (self.state[(i + 1) % 624] & 0x7fff_ffff);
            let mut next = self.state[(i + 397) % 624] ^ (y >> 1);
            if y & 1 != 0 {
                next ^= 0x9908_b0df;
            }
            self.state[i] = next;
        }
        self.index = 0;
    }

    fn next_u32(&mut self) -> u32 {
        if self.index >= 624 {
            self.twist();
        }
        let mut y = self.state[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    fn next_u64(&mut self) -> u64 {
        let high = u64::from(self.next_u32());
        (high << 32) | u64::from(self.next_u32())
    }

    /// numpy's `randint(low, high, dtype=uint64)` for one value, masked sampler.
    fn bounded(&mut self, low: u64, high: u64) -> u64 {
        let range = high - low - 1;
        let mask = u64::MAX >> range.leading_zeros();
        loop {
            let value = self.next_u64() & mask;
            if value <= range {
                return low + value;
            }
        }
    }
}

/// The `a` and `b` of `count` permutations for `seed`, as datatrove draws them.
/// `range > 2^32` in both draws, so numpy's 64-bit path applies.
pub fn parameters(seed: u32, count: usize) -> (Vec<u64>, Vec<u64>) {
    let mut rng = Mt19937::new(seed);
    let a = (0..count).map(|_| rng.bounded(1, MERSENNE_PRIME)).collect();
    let b = (0..count).map(|_| rng.bounded(0, MERSENNE_PRIME)).collect();
    (a, b)
}

/// `v mod (2^61 − 1)` without a division: `v = hi·2^61 + lo` and `2^61 ≡ 1`.
#[inline(always)]
pub fn mod_mersenne(v: u64) -> u64 {
    let r = (v & MERSENNE_PRIME) + (v >> 61);
    if r >= MERSENNE_PRIME {
        r - MERSENNE_PRIME
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_1_matches_numpy() {
        // np.random.RandomState(1).randint(1, 2**61-1, dtype=np.uint64, size=112), then the bs.
        let (a, b) = parameters(1, 112);
        assert_eq!(&a[..3], &[A0, A1, A2]);
        assert_eq!(&b[..3], &[B0, B1, B2]);
        assert_eq!((a[111], b[111]), (A111, B111));
    }

    const A0: u64 = 775_169_054_918_279_404;
    const A1: u64 = 1_758_426_461_858_698_313;
    const A2: u64 = 2_109_959_069_025_162;
    const B0: u64 = 1_062_448_801_025_099_917;
    const B1: u64 = 1_324_811_268_927_594_100;
    const B2: u64 = 1_217_488_311_597_731_462;
    const A111: u64 = 223_865_076_026_037_746;
    const B111: u64 = 1_097_409_548_522_419_201;

    #[test]
    fn reduction_matches_the_remainder() {
        for v in [
            0,
            1,
            MERSENNE_PRIME - 1,
            MERSENNE_PRIME,
            MERSENNE_PRIME + 1,
            u64::MAX,
            1 << 63,
            12345 << 50,
        ] {
            assert_eq!(mod_mersenne(v), v % MERSENNE_PRIME, "{v}");
        }
    }
}
