//! Documents per domain in bounded memory.
//!
//! A task counts exactly in a map; when the map holds more than
//! [`DomainCounter::CAPACITY`] names it is cut back Misra–Gries style (the
//! count of the `CAPACITY`-th name is taken off every name, the names left at
//! zero go), always at the same points of the input (batch ends), so the
//! result does not depend on the number of workers. Stats keep the
//! [`TOP_DOMAINS`] largest counts; merging adds them and cuts again. Counts
//! are exact while no cut happened (`exact`); after one they are lower bounds,
//! and a name past the top of one task may be missing from the merged top.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Names kept in stats, by decreasing count.
pub const TOP_DOMAINS: usize = 200;

/// The most frequent names and their counts, the rest summed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopCounts {
    /// `(name, count)` by decreasing count, then name; at most [`TOP_DOMAINS`].
    pub top: Vec<(String, u64)>,
    /// Documents counted but not under a name of `top`.
    pub other: u64,
    /// Whether the counts of `top` are exact (no cut happened before the last).
    pub exact: bool,
}

impl Default for TopCounts {
    fn default() -> Self {
        TopCounts {
            top: Vec::new(),
            other: 0,
            exact: true,
        }
    }
}

impl TopCounts {
    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.top.is_empty() && self.other == 0
    }

    /// Documents counted.
    pub fn total(&self) -> u64 {
        self.top.iter().map(|(_, n)| n).sum::<u64>() + self.other
    }

    /// The top of `counts`, `total` documents counted in all.
    fn cut(counts: HashMap<String, u64>, total: u64, exact: bool) -> Self {
        let mut top: Vec<(String, u64)> = counts.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(TOP_DOMAINS);
        let listed: u64 = top.iter().map(|(_, n)| n).sum();
        TopCounts {
            top,
            other: total.saturating_sub(listed),
            exact,
        }
    }

    /// Adds `other` into `self`. The result is exact when both were and
    /// neither had dropped a name (their `other` was 0).
    pub fn merge(&mut self, other: &TopCounts) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            *self = other.clone();
            return;
        }
        let exact = self.exact && other.exact && self.other == 0 && other.other == 0;
        let total = self.total() + other.total();
        let mut counts: HashMap<String, u64> = std::mem::take(&mut self.top).into_iter().collect();
        for (name, n) in &other.top {
            *counts.entry(name.clone()).or_insert(0) += n;
        }
        *self = TopCounts::cut(counts, total, exact);
    }
}

/// A task's count of documents per name, in bounded memory.
#[derive(Debug, Clone, Default)]
pub struct DomainCounter {
    counts: HashMap<String, u64>,
    total: u64,
    cut: bool,
}

impl DomainCounter {
    /// Names held before a cut.
    pub const CAPACITY: usize = 1 << 16;

    /// Counts `n` documents of `name`.
    pub fn add(&mut self, name: &str, n: u64) {
        self.total += n;
        match self.counts.get_mut(name) {
            Some(count) => *count += n,
            None => {
                self.counts.insert(name.to_string(), n);
            }
        }
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: DomainCounter) {
        self.total += other.total;
        self.cut |= other.cut;
        for (name, n) in other.counts {
            *self.counts.entry(name).or_insert(0) += n;
        }
    }

    /// Cuts the map back if it grew past [`Self::CAPACITY`]; call at points
    /// of the input that do not depend on the number of workers.
    pub fn bound(&mut self) {
        if self.counts.len() <= Self::CAPACITY {
            return;
        }
        let mut values: Vec<u64> = self.counts.values().copied().collect();
        let (_, &mut floor, _) = values.select_nth_unstable_by(Self::CAPACITY - 1, |a, b| b.cmp(a));
        self.counts.retain(|_, n| {
            *n = n.saturating_sub(floor);
            *n > 0
        });
        self.cut = true;
    }

    /// The top names, for stats.
    pub fn top(self) -> TopCounts {
        TopCounts::cut(self.counts, self.total, !self.cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_tops_are_exact_below_the_bound() {
        let names: Vec<String> = (0..50).map(|i| format!("site{}.example", i % 7)).collect();
        let mut whole = DomainCounter::default();
        names.iter().for_each(|n| whole.add(n, 1));
        let whole = whole.top();
        let mut merged = TopCounts::default();
        for part in names.chunks(9) {
            let mut counter = DomainCounter::default();
            part.iter().for_each(|n| counter.add(n, 1));
            counter.bound();
            merged.merge(&counter.top());
        }
        assert_eq!(merged, whole);
        assert!(whole.exact);
        assert_eq!(whole.total(), 50);
        assert_eq!(whole.top[0], ("site0.example".to_string(), 8));
    }

    #[test]
    fn a_cut_keeps_the_frequent_names() {
        let mut counter = DomainCounter::default();
        counter.add("big.example", 1000);
        for i in 0..DomainCounter::CAPACITY + 10 {
            counter.add(&format!("s{i}"), 1);
        }
        counter.bound();
        let top = counter.top();
        assert!(!top.exact);
        assert_eq!(top.top[0].0, "big.example");
        assert_eq!(top.total(), 1000 + DomainCounter::CAPACITY as u64 + 10);
    }
}
