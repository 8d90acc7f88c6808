//! `exact_dedup`: keep the first document of every group with the same key — the
//! normalised text by default, or any field (`url`, `id`, a metadata key).
//!
//! Phases, and their exchange files under the step's directory (the rules in
//! [`crate::exchange`]):
//! - record, per shard: the 128-bit xxh3 of each document's key, in
//!   `hashes/<shard>/p<partition>.run` of `[hash high, hash low, key]` sorted,
//!   the partition being `high mod partitions` (sorted under the memory budget
//!   in local scratch, spilled runs merged into that one file);
//! - `keepers`, one unit per partition: k-way merge of the partition's file of
//!   every shard; in each group of equal hashes the smallest document key
//!   (first in input order) is the keeper; the group's records are re-sorted by
//!   key (an external sort in local scratch) into cluster files
//!   `clusters/<partition>/<shard>.run`, as for MinHash;
//! - filter, per shard: drop the others as `exact_duplicate`, with
//!   `exact_cluster` naming the keeper; kept documents get `exact_cluster_size`.
//!
//! Documents without the field are never duplicates (counted as `no_key`).

use crate::clusters::{self, ClusterDecider, ClusterWriter, Names};
use crate::exchange::{RecordLayout, ShardRecorder};
use crate::runs::{self, RunWriter, Scratch};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::io;
use tamis_api::{Counters, Document, GlobalContext, GlobalDecider, GlobalRecorder, GlobalStep};
use tamis_text::normalize::Normalizer;

const NAME: &str = "exact_dedup";
const NAMES: Names = Names {
    reason: "exact_duplicate",
    cluster: "exact_cluster",
    size: "exact_cluster_size",
};
/// The record phase's files: `hashes/<shard>/p<partition>.run`.
const HASHES: RecordLayout = RecordLayout {
    kind: "hashes",
    prefix: "p",
};

/// Configuration of `exact_dedup`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExactDedupConfig {
    /// What must be equal: `text`, `url`, `id`, or a metadata key.
    pub field: String,
    /// Normalise the text first, as MinHash does (lowercase, no punctuation,
    /// digits as 0, whitespace collapsed, no diacritics). Only for `text`.
    pub normalize: bool,
    /// Units of the `keepers` phase (1 to 4096).
    pub partitions: usize,
}

impl Default for ExactDedupConfig {
    fn default() -> Self {
        ExactDedupConfig {
            field: "text".into(),
            normalize: true,
            partitions: 16,
        }
    }
}

impl ExactDedupConfig {
    /// `Err(key, message)` for a value out of range.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if !(1..=4096).contains(&self.partitions) {
            return Err(("partitions", format!("{} is not between 1 and 4096", self.partitions)));
        }
        if self.field.is_empty() {
            return Err(("field", "must name a field".into()));
        }
        Ok(())
    }
}

/// The built step.
pub struct ExactDedup {
    config: ExactDedupConfig,
}

impl ExactDedup {
    /// The step for a checked configuration.
    pub fn new(config: ExactDedupConfig) -> Self {
        ExactDedup { config }
    }
}

thread_local! {
    static NORMALIZER: RefCell<Normalizer> = RefCell::new(Normalizer::default());
}

fn hash(bytes: &[u8]) -> Vec<u64> {
    let h = xxhash_rust::xxh3::xxh3_128(bytes);
    vec![(h >> 64) as u64, h as u64]
}

struct Recorder {
    shard: usize,
    ordinal: u64,
    count: usize,
    partitions: ShardRecorder,
}

impl GlobalRecorder for Recorder {
    fn record(&mut self, summary: &[u64]) -> io::Result<()> {
        if let [high, low] = *summary {
            let partition = (high % self.count as u64) as usize;
            let key = clusters::key(self.shard, self.ordinal);
            self.partitions.push(partition, &[high, low, key])?;
        }
        self.ordinal += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        self.partitions.finish()
    }
}

impl GlobalStep for ExactDedup {
    fn name(&self) -> &'static str {
        NAME
    }

    fn summarize(&self, doc: &Document) -> Vec<u64> {
        match self.config.field.as_str() {
            "text" if self.config.normalize => {
                NORMALIZER.with(|n| hash(n.borrow_mut().normalize(&doc.text).as_bytes()))
            }
            "text" => hash(doc.text.as_bytes()),
            "id" => hash(doc.id.as_bytes()),
            "url" => doc.url.as_deref().map(|u| hash(u.as_bytes())).unwrap_or_default(),
            field => match doc.metadata.get(field) {
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(serde_json::Value::String(s)) => hash(s.as_bytes()),
                Some(other) => hash(other.to_string().as_bytes()),
            },
        }
    }

    fn recorder(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalRecorder>> {
        let count = self.config.partitions;
        Ok(Box::new(Recorder {
            shard,
            ordinal: 0,
            count,
            partitions: ShardRecorder::start(HASHES, context, shard, count, 3)?,
        }))
    }

    fn phases(&self) -> Vec<&'static str> {
        vec!["keepers"]
    }

    fn units(&self, _phase: usize, _context: &GlobalContext) -> usize {
        self.config.partitions
    }

    fn run_unit(&self, _phase: usize, unit: usize, context: &GlobalContext) -> io::Result<Counters> {
        let inputs = HASHES.partition_files(context.dir, context.shards.len(), unit);
        let mut clusters = ClusterWriter::create(context.dir, unit)?;
        let scratch = Scratch::create(context.scratch, &format!("keepers-p{unit:03}"))?;
        // `[key, keeper, size]` of every document in a group of two or more,
        // re-sorted by key (spilled under the budget) to split them per shard.
        let mut by_key = RunWriter::new(scratch.path(), "by-key", 3, context.mem_budget);
        let mut group: Vec<u64> = Vec::new();
        let mut current = (0u64, 0u64);
        let (mut hashes, mut duplicates) = (0u64, 0u64);
        let mut flush = |group: &mut Vec<u64>, by_key: &mut RunWriter| -> io::Result<()> {
            if group.len() > 1 {
                let keeper = group[0];
                duplicates += group.len() as u64 - 1;
                for &key in group.iter() {
                    by_key.push(&[key, keeper, group.len() as u64])?;
                }
            }
            group.clear();
            Ok(())
        };
        runs::merge(&inputs, 3, scratch.path(), &mut |record| {
            hashes += 1;
            if (record[0], record[1]) != current || group.is_empty() {
                flush(&mut group, &mut by_key)?;
                current = (record[0], record[1]);
            }
            group.push(record[2]);
            Ok(())
        })?;
        flush(&mut group, &mut by_key)?;
        by_key.drain_sorted(&mut |r| clusters.push(r[0], r[1], r[2]))?;
        clusters.finish()?;
        let mut counters = Counters::default();
        counters.add("hashes", hashes);
        counters.add("duplicates", duplicates);
        Ok(counters)
    }

    fn decider(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalDecider>> {
        let units = self.config.partitions;
        Ok(Box::new(ClusterDecider::load(
            context.dir,
            shard,
            units,
            context.shards,
            NAMES,
        )?))
    }
}
