//! `minhash_dedup`: near-duplicate removal with MinHash LSH, in the phases of
//! datatrove's `MinhashDedupSignature` / `Buckets` / `Cluster` / `Filter`
//! (0.10.1, `pipeline/dedup/minhash.py`), with the same signatures.
//!
//! Exchange files under the step's directory (the rules in [`crate::exchange`]):
//! - record, per shard: `sigs/<shard>/b<bucket>.run`, records
//!   `[hash × hashes_per_bucket, key]` sorted (datatrove sorts each task's
//!   bucket file in memory); sorted under the memory budget in local scratch,
//!   spilled runs merged into that one file;
//! - `buckets`, one unit per bucket: k-way merge of the bucket's file of every
//!   shard; documents with an identical band form a group, and each member
//!   after the first is paired with the first (smallest key):
//!   `pairs/b<bucket>.run`, `[first, member]`;
//! - `clusters`, one unit: connected components of all pairs with the parallel
//!   union-find of [`crate::clusters`]; the keeper of a cluster is its first
//!   document in input order (datatrove keeps the union-find root, which depends
//!   on the order pairs are read); cluster files `clusters/0000/<shard>.run`;
//! - filter, per shard: drop every clustered document but the keeper, as
//!   `minhash_duplicate`, with `minhash_cluster` naming the keeper
//!   (`<shard>#<ordinal>`); every kept document gets `minhash_cluster_size`, as
//!   FineWeb-2's `save_cluster_size`.
//!
//! Local scratch (removed when the recorder or unit ends): the recorder's
//! spilled runs, the merge's intermediate runs when a bucket has more than
//! [`FAN_IN`](crate::runs::FAN_IN) files, and the `clusters` unit's external
//! sort of the pairs' ends.

use crate::clusters::{self, ClusterDecider, ClusterWriter, Names};
use crate::exchange::{RecordLayout, ShardRecorder, StoredRecords};
use crate::runs::{self, RunWriter, Scratch};
use crate::signature::{Minhasher, SignatureConfig};
use crate::words::WordSplitter;
use serde::{Deserialize, Serialize};
use std::io;
use std::sync::Arc;
use tamis_api::{Counters, Document, GlobalContext, GlobalDecider, GlobalRecorder, GlobalStep};
use tamis_io::Location;

const NAME: &str = "minhash_dedup";
const NAMES: Names = Names {
    reason: "minhash_duplicate",
    cluster: "minhash_cluster",
    size: "minhash_cluster_size",
};
/// The record phase's files: `sigs/<shard>/b<bucket>.run`.
const SIGNATURES: RecordLayout = RecordLayout {
    kind: "sigs",
    prefix: "b",
};

/// Configuration of `minhash_dedup`: the signature's parameters (datatrove's
/// `MinhashConfig` defaults).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(transparent)]
pub struct MinhashDedupConfig {
    /// Shingles, bands and hash.
    pub signature: SignatureConfig,
}

/// The built step.
pub struct MinhashDedup {
    hasher: Minhasher,
}

impl MinhashDedup {
    /// The step for a checked configuration, with its word splitter.
    pub fn new(config: MinhashDedupConfig, words: Arc<dyn WordSplitter>) -> Self {
        MinhashDedup {
            hasher: Minhasher::new(config.signature, words),
        }
    }

    fn config(&self) -> &SignatureConfig {
        self.hasher.config()
    }
}

struct Recorder {
    shard: usize,
    ordinal: u64,
    rows: usize,
    buckets: ShardRecorder,
    record: Vec<u64>,
}

impl GlobalRecorder for Recorder {
    fn record(&mut self, summary: &[u64]) -> io::Result<()> {
        if !summary.is_empty() {
            let key = clusters::key(self.shard, self.ordinal);
            for (bucket, band) in summary.chunks_exact(self.rows).enumerate() {
                self.record.clear();
                self.record.extend_from_slice(band);
                self.record.push(key);
                self.buckets.push(bucket, &self.record)?;
            }
        }
        self.ordinal += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        self.buckets.finish()
    }
}

impl GlobalStep for MinhashDedup {
    fn name(&self) -> &'static str {
        NAME
    }

    fn summarize(&self, doc: &Document) -> Vec<u64> {
        let mut signature = Vec::new();
        self.hasher.signature(&doc.text, &mut signature);
        signature
    }

    fn recorder(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalRecorder>> {
        let config = self.config();
        let width = config.hashes_per_bucket + 1;
        let buckets = ShardRecorder::start(SIGNATURES, context, shard, config.num_buckets, width)?;
        Ok(Box::new(Recorder {
            shard,
            ordinal: 0,
            rows: config.hashes_per_bucket,
            buckets,
            record: Vec::new(),
        }))
    }

    fn phases(&self) -> Vec<&'static str> {
        vec!["buckets", "clusters"]
    }

    fn units(&self, phase: usize, _context: &GlobalContext) -> usize {
        if phase == 0 {
            self.config().num_buckets
        } else {
            1
        }
    }

    fn run_unit(&self, phase: usize, unit: usize, context: &GlobalContext) -> io::Result<Counters> {
        if phase == 0 {
            self.match_bucket(unit, context)
        } else {
            self.cluster(context)
        }
    }

    fn decider(&self, context: &GlobalContext, shard: usize) -> io::Result<Box<dyn GlobalDecider>> {
        Ok(Box::new(ClusterDecider::load(
            context.dir,
            shard,
            1,
            context.shards,
            NAMES,
        )?))
    }
}

impl MinhashDedup {
    /// Phase `buckets`: the pairs of documents that share band `bucket`.
    fn match_bucket(&self, bucket: usize, context: &GlobalContext) -> io::Result<Counters> {
        let rows = self.config().hashes_per_bucket;
        let inputs = SIGNATURES.partition_files(context.dir, context.shards.len(), bucket);
        let scratch = Scratch::create(context.scratch, &format!("pairs-b{bucket:03}"))?;
        // Pairs go to the file as they are found: the bucket's merge holds one
        // record per run and one group head, whatever the number of duplicates.
        let mut pairs = StoredRecords::create(&pairs_file(context.dir, bucket))?;
        let mut written = 0u64;
        let mut first: Option<Vec<u64>> = None;
        let mut signatures = 0u64;
        runs::merge(&inputs, rows + 1, scratch.path(), &mut |record| {
            signatures += 1;
            let key = record[rows];
            match &first {
                Some(group) if group[..rows] == record[..rows] => {
                    written += 1;
                    pairs.push(&[group[rows], key])
                }
                _ => {
                    first = Some(record.to_vec());
                    Ok(())
                }
            }
        })?;
        pairs.commit()?;
        let mut counters = Counters::default();
        counters.add("signatures", signatures);
        counters.add("pairs", written);
        Ok(counters)
    }

    /// Phase `clusters`: connected components over every bucket's pairs.
    fn cluster(&self, context: &GlobalContext) -> io::Result<Counters> {
        let files: Vec<Location> = (0..self.config().num_buckets)
            .map(|b| pairs_file(context.dir, b))
            .collect();
        let mut clusters = ClusterWriter::create(context.dir, 0)?;
        // The distinct documents named by a pair: every end, sorted externally
        // under the memory budget, then taken without repeats.
        let scratch = Scratch::create(context.scratch, "clusters")?;
        let mut ends = RunWriter::new(scratch.path(), "ends", 1, context.mem_budget);
        for file in &files {
            runs::for_each(file, 2, &mut |pair| {
                ends.push(&pair[..1])?;
                ends.push(&pair[1..])
            })?;
        }
        let mut nodes: Vec<u64> = Vec::new();
        ends.drain_sorted(&mut |end| {
            if nodes.last() != Some(&end[0]) {
                nodes.push(end[0]);
            }
            Ok(())
        })?;
        drop(scratch);
        nodes.shrink_to_fit();
        // In memory: the nodes (8 bytes each), the union-find's parents and the
        // roots (4 + 4) and the sizes (4): 20 bytes per clustered document.
        let roots = clusters::components(&nodes, &files)?;
        let mut sizes = vec![0u32; nodes.len()];
        for &root in &roots {
            sizes[root as usize] += 1;
        }
        let mut counters = Counters::default();
        counters.add("clustered_documents", nodes.len() as u64);
        counters.add("clusters", sizes.iter().filter(|&&s| s > 0).count() as u64);
        counters.add("union_find_bytes", nodes.len() as u64 * 20);
        for (&node, &root) in nodes.iter().zip(&roots) {
            let root = root as usize;
            clusters.push(node, nodes[root], u64::from(sizes[root]))?;
        }
        clusters.finish()?;
        Ok(counters)
    }
}

/// The pairs found by unit `bucket` of phase `buckets`.
fn pairs_file(dir: &Location, bucket: usize) -> Location {
    dir.join(&format!("pairs/b{bucket:03}.run"))
}
