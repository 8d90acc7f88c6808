//! Fixed-bucket histograms: a value's bucket depends on the value alone, so
//! histograms of different workers and tasks merge exactly by adding counts.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How values map to buckets. Fixed per metric, so that histograms merge by
/// adding counts; a report computes the edges from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scale {
    /// Bucket `i` holds `2^(i/per_octave) - 1 <= v < 2^((i+1)/per_octave) - 1`:
    /// for counts and lengths (0 falls in bucket 0, negative values too).
    Log {
        /// Buckets per doubling of `1 + v`.
        per_octave: u32,
    },
    /// Bucket `i` holds `i * width <= v < (i + 1) * width`: for ratios and scores.
    Linear {
        /// Width of a bucket.
        width: f64,
    },
}

impl Scale {
    /// Lengths and counts: four buckets per doubling.
    pub const COUNT: Scale = Scale::Log { per_octave: 4 };
    /// Ratios and scores in [0, 1]: buckets of 0.01.
    pub const RATIO: Scale = Scale::Linear { width: 0.01 };

    /// The bucket of `v` (finite).
    pub fn bucket(&self, v: f64) -> i64 {
        match *self {
            Scale::Log { per_octave } => {
                if v <= 0.0 {
                    0
                } else {
                    ((1.0 + v).log2() * per_octave as f64).floor() as i64
                }
            }
            Scale::Linear { width } => (v / width).floor() as i64,
        }
    }

    /// The lower and upper edges of bucket `i`.
    pub fn edges(&self, i: i64) -> (f64, f64) {
        match *self {
            Scale::Log { per_octave } => {
                let p = per_octave as f64;
                ((i as f64 / p).exp2() - 1.0, ((i + 1) as f64 / p).exp2() - 1.0)
            }
            Scale::Linear { width } => (i as f64 * width, (i + 1) as f64 * width),
        }
    }
}

/// Counts of values per bucket of a fixed [`Scale`]; only non-empty buckets
/// are stored (in JSON: `{"scale": …, "counts": {"12": 40, …}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// How values map to buckets.
    pub scale: Scale,
    /// Values per bucket index.
    pub counts: BTreeMap<i64, u64>,
}

impl Histogram {
    /// An empty histogram.
    pub fn new(scale: Scale) -> Self {
        Histogram {
            scale,
            counts: BTreeMap::new(),
        }
    }

    /// Counts `v`; a NaN or infinite value is not counted (a ratio with a
    /// zero denominator has no value).
    pub fn observe(&mut self, v: f64) {
        if v.is_finite() {
            *self.counts.entry(self.scale.bucket(v)).or_insert(0) += 1;
        }
    }

    /// Values counted.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Adds `other`'s counts. Histograms of one metric share their scale; if
    /// they do not (a metric whose scale changed between versions), `other`'s
    /// values are put in the buckets of `self`'s scale at their lower edges.
    pub fn merge(&mut self, other: &Histogram) {
        for (&i, &n) in &other.counts {
            let i = if other.scale == self.scale {
                i
            } else {
                self.scale.bucket(other.scale.edges(i).0)
            };
            *self.counts.entry(i).or_insert(0) += n;
        }
    }
}

/// Histograms by metric name, merged by name.
pub fn merge_histograms(into: &mut BTreeMap<String, Histogram>, from: &BTreeMap<String, Histogram>) {
    for (name, theirs) in from {
        merge_histogram(into, name, theirs);
    }
}

/// Merges `theirs` into the histogram named `name`, or adds it under that name.
pub fn merge_histogram(into: &mut BTreeMap<String, Histogram>, name: &str, theirs: &Histogram) {
    match into.get_mut(name) {
        Some(mine) => mine.merge(theirs),
        None => {
            into.insert(name.to_string(), theirs.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fall_between_their_bucket_edges() {
        for scale in [Scale::COUNT, Scale::RATIO, Scale::Log { per_octave: 1 }] {
            for v in [0.0, 0.5, 1.0, 3.0, 49.0, 50.0, 1e6, 0.37] {
                let (lo, hi) = scale.edges(scale.bucket(v));
                assert!(lo <= v + 1e-9 && v < hi + 1e-9, "{scale:?} {v} in [{lo}, {hi})");
            }
        }
        assert_eq!(Scale::COUNT.bucket(0.0), 0);
        assert_eq!(Scale::COUNT.bucket(-3.0), 0);
    }

    #[test]
    fn merging_adds_counts_in_any_order() {
        let values = [0.0, 1.0, 2.0, 7.0, 100.0, f64::NAN, 1000.0, 7.0];
        let mut whole = Histogram::new(Scale::COUNT);
        values.iter().for_each(|&v| whole.observe(v));
        let (mut a, mut b) = (Histogram::new(Scale::COUNT), Histogram::new(Scale::COUNT));
        values[..3].iter().for_each(|&v| a.observe(v));
        values[3..].iter().for_each(|&v| b.observe(v));
        b.merge(&a);
        assert_eq!(b, whole);
        assert_eq!(whole.total(), 7);
        let json = serde_json::to_string(&whole).unwrap();
        assert_eq!(serde_json::from_str::<Histogram>(&json).unwrap(), whole);
    }
}
