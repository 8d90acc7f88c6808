//! `sample`: keeps a deterministic fraction of the documents, for building
//! mixes and test subsets.
//!
//! The parameters are datatrove 0.10.1's `SamplerFilter`
//! (`src/datatrove/pipeline/filters/sampler_filter.py`): `rate` (the share to
//! keep, 0.5 by default) and `seed`. datatrove draws from numpy's
//! `default_rng(seed)` in the order a worker sees documents, so the sample
//! depends on the task split; here the draw is the seeded 64-bit xxh3 hash of
//! the document id, mapped to `[0, 1)`: the same id gets the same decision in
//! any task, on any worker, in any order, and samples taken with the same seed
//! nest (every document kept at rate 0.1 is kept at rate 0.2). Same rate as
//! datatrove, not the same documents.

use serde::{Deserialize, Serialize};
use tamis_api::{Counters, Document, Reason, Step, Verdict};

const NAME: &str = "sample";
/// The one reason `sample` gives.
pub const SAMPLED_OUT: Reason = Reason("sampled_out");

/// Configuration of `sample` (datatrove's `SamplerFilter` arguments).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SampleConfig {
    /// Share of documents to keep, in `[0, 1]`.
    pub rate: f64,
    /// Seed of the hash; another seed gives an independent sample.
    pub seed: u64,
}

impl Default for SampleConfig {
    fn default() -> Self {
        SampleConfig { rate: 0.5, seed: 0 }
    }
}

/// The built step.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Kept when the id's hash is below this (`rate · 2^64`, saturated).
    threshold: u64,
    keep_all: bool,
    seed: u64,
}

impl SampleConfig {
    /// Checks `rate` and builds the step.
    pub fn build(&self) -> Result<Sample, crate::ConfigError> {
        if !(0.0..=1.0).contains(&self.rate) {
            return Err(crate::ConfigError {
                step: NAME,
                key: "rate",
                message: format!("{} is not within [0, 1]", self.rate),
            });
        }
        // `rate · 2^64` as an integer: comparisons on the full hash, no float
        // rounding per document.
        let threshold = (self.rate * 18_446_744_073_709_551_616.0) as u64;
        Ok(Sample {
            threshold,
            keep_all: self.rate >= 1.0,
            seed: self.seed,
        })
    }
}

impl Sample {
    /// Whether the document with id `id` is in the sample.
    pub fn keeps(&self, id: &str) -> bool {
        self.keep_all || xxhash_rust::xxh3::xxh3_64_with_seed(id.as_bytes(), self.seed) < self.threshold
    }
}

impl Step for Sample {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, _counters: &mut Counters) -> Verdict {
        if self.keeps(&doc.id) {
            Verdict::Keep
        } else {
            Verdict::Drop(SAMPLED_OUT)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rate: f64, seed: u64) -> Sample {
        SampleConfig { rate, seed }.build().unwrap()
    }

    fn kept(step: &Sample, ids: std::ops::Range<u32>) -> Vec<u32> {
        ids.filter(|i| step.keeps(&format!("doc-{i}"))).collect()
    }

    #[test]
    fn measured_fraction_is_within_tolerance() {
        const N: u32 = 100_000;
        for (rate, seed) in [(0.5, 0), (0.1, 7), (0.01, 42), (0.9, 3)] {
            let share = kept(&sample(rate, seed), 0..N).len() as f64 / N as f64;
            // Four binomial standard deviations.
            let tolerance = 4.0 * (rate * (1.0 - rate) / N as f64).sqrt();
            assert!((share - rate).abs() < tolerance, "rate {rate}: kept {share}");
        }
        assert!(kept(&sample(0.0, 0), 0..N).is_empty());
        assert_eq!(kept(&sample(1.0, 0), 0..N).len(), N as usize);
    }

    #[test]
    fn deterministic_nested_and_seeded() {
        let a = kept(&sample(0.2, 5), 0..20_000);
        // Same decision whatever the order or the split of the ids.
        let split: Vec<u32> = [kept(&sample(0.2, 5), 0..7_000), kept(&sample(0.2, 5), 7_000..20_000)].concat();
        assert_eq!(a, split);
        // A smaller rate keeps a subset.
        let smaller = kept(&sample(0.1, 5), 0..20_000);
        assert!(smaller.iter().all(|i| a.binary_search(i).is_ok()));
        // Another seed, another sample.
        assert_ne!(a, kept(&sample(0.2, 6), 0..20_000));
    }

    #[test]
    fn configuration() {
        let config: SampleConfig = serde_saphyr::from_str("rate: 0.25\nseed: 9").unwrap();
        assert_eq!(config, SampleConfig { rate: 0.25, seed: 9 });
        assert_eq!(serde_saphyr::from_str::<SampleConfig>("{}").unwrap().rate, 0.5);
        assert!(serde_saphyr::from_str::<SampleConfig>("ratio: 0.25").is_err());
        for bad in [-0.1, 1.5, f64::NAN] {
            assert_eq!(SampleConfig { rate: bad, seed: 0 }.build().unwrap_err().key, "rate");
        }
        let mut doc = Document::new("x", "text");
        let verdict = sample(0.0, 0).process(&mut doc, &mut Counters::default());
        assert_eq!(verdict, Verdict::Drop(SAMPLED_OUT));
    }
}
