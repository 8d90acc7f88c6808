//! A deterministic sample of removed documents: the `k` with the smallest hash
//! of their id (a bottom-k sample). The union of two samples cut back to `k`
//! is the sample of the union, so samples merge exactly across workers and
//! tasks, and a report can show examples without reading the removed files.

use serde::{Deserialize, Serialize};

/// Documents kept per (step, reason).
pub const SAMPLES_PER_REASON: usize = 8;
/// Bytes of text kept per sampled document (cut at a character boundary).
pub const SAMPLE_TEXT_BYTES: usize = 1000;
/// Bytes of text kept before and after an edit: more, so that the lines a
/// step cut are seen in context.
pub const EDIT_TEXT_BYTES: usize = 4000;

/// One sampled removed document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// The document's id.
    pub id: String,
    /// The hash of the id that ranks it (xxh3, hex).
    pub hash: String,
    /// Its URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The start of its text as the removed output got it (redacted).
    pub text: String,
    /// The size of its whole text, in bytes.
    pub text_bytes: u64,
    /// For a document a step edited and kept: the start of its text before
    /// the step ([`EDIT_TEXT_BYTES`]; `text` is then the start after it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

/// The hash that ranks a document for sampling.
pub fn sample_hash(id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id.as_bytes())
}

/// The first [`SAMPLE_TEXT_BYTES`] of `text`, cut at a character boundary.
pub fn excerpt(text: &str) -> &str {
    excerpt_of(text, SAMPLE_TEXT_BYTES)
}

/// The first `bytes` of `text`, cut at a character boundary.
pub fn excerpt_of(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The bottom-k sample of one (step, reason).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BottomK {
    /// Sorted by (hash, id), at most [`SAMPLES_PER_REASON`].
    entries: Vec<(u64, Sample)>,
}

impl BottomK {
    /// Whether a document whose id hashes to `hash` would enter the sample:
    /// ask before building its [`Sample`].
    pub fn wants(&self, hash: u64) -> bool {
        self.entries.len() < SAMPLES_PER_REASON || self.entries.last().is_some_and(|(h, _)| hash <= *h)
    }

    /// Offers a document; keeps it if it is among the `k` smallest.
    pub fn offer(&mut self, hash: u64, sample: Sample) {
        let key = (hash, sample.id.as_str());
        match self.entries.binary_search_by(|(h, s)| (*h, s.id.as_str()).cmp(&key)) {
            Ok(_) => {}
            Err(at) => {
                self.entries.insert(at, (hash, sample));
                self.entries.truncate(SAMPLES_PER_REASON);
            }
        }
    }

    /// Offers every document of `other`.
    pub fn merge(&mut self, other: BottomK) {
        for (hash, sample) in other.entries {
            if self.wants(hash) {
                self.offer(hash, sample);
            }
        }
    }

    /// The samples, by increasing hash.
    pub fn into_samples(self) -> Vec<Sample> {
        self.entries.into_iter().map(|(_, s)| s).collect()
    }

    /// A sample from stored samples.
    pub fn from_samples(samples: &[Sample]) -> Self {
        let mut this = BottomK::default();
        for s in samples {
            let hash = u64::from_str_radix(&s.hash, 16).unwrap_or_else(|_| sample_hash(&s.id));
            this.offer(hash, s.clone());
        }
        this
    }
}

/// Merges stored samples `theirs` into `mine`, as bottom-k samples.
pub fn merge_samples(mine: &mut Vec<Sample>, theirs: &[Sample]) {
    let mut merged = BottomK::from_samples(mine);
    merged.merge(BottomK::from_samples(theirs));
    *mine = merged.into_samples();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(id: &str) -> (u64, Sample) {
        let hash = sample_hash(id);
        let s = Sample {
            id: id.into(),
            hash: format!("{hash:016x}"),
            url: None,
            text: String::new(),
            text_bytes: 0,
            before: None,
        };
        (hash, s)
    }

    #[test]
    fn the_sample_of_a_union_is_the_merge_of_the_samples() {
        let ids: Vec<String> = (0..100).map(|i| format!("doc-{i}")).collect();
        let mut whole = BottomK::default();
        let mut parts = [BottomK::default(), BottomK::default(), BottomK::default()];
        for (i, id) in ids.iter().enumerate() {
            let (h, s) = sample(id);
            whole.offer(h, s.clone());
            parts[i % 3].offer(h, s);
        }
        let [a, b, c] = parts;
        let mut merged = c;
        merged.merge(a);
        merged.merge(b);
        assert_eq!(merged, whole);
        assert_eq!(whole.clone().into_samples().len(), SAMPLES_PER_REASON);
        let mut stored = Vec::new();
        merge_samples(&mut stored, &whole.clone().into_samples());
        merge_samples(&mut stored, &whole.clone().into_samples());
        assert_eq!(stored, whole.into_samples());
    }

    #[test]
    fn excerpts_cut_at_a_character_boundary() {
        let text = "é".repeat(SAMPLE_TEXT_BYTES);
        assert!(excerpt(&text).len() <= SAMPLE_TEXT_BYTES);
        assert_eq!(excerpt("short"), "short");
    }
}
