//! `minhash_dedup`: near-duplicate removal with MinHash LSH, in the phases of
//! datatrove's `MinhashDedupSignature` / `Buckets` / `Cluster` / `Filter`
//! (0.10.1, `pipeline/dedup/minhash.py`), with the same signatures.
//!
//! Files under the step's directory:
//! - record, per shard: `sigs/b<bucket>/<shard>.<n>.run`, records
//!   `[hash × hashes_per_bucket, key]` sorted, spilled in runs under the memory
//!   budget (datatrove sorts each task's bucket file in memory);
//! - `buckets`, one unit per bucket: k-way merge of the bucket's runs; documents
//!   with an identical band form a group, and each member after the first is
//!   paired with the first (smallest key): `pairs/b<bucket>.run`, `[first, member]`;
//! - `clusters`, one unit: connected components of all pairs with the parallel
//!   union-find of [`crate::clusters`]; the keeper of a cluster is its first
//!   document in input order (datatrove keeps the union-find root, which depends
//!   on the order pairs are read); cluster files per shard;
//! - filter, per shard: drop every clustered document but the keeper, as
//!   `minhash_duplicate`, with `minhash_cluster` naming the keeper
//!   (`<shard>#<ordinal>`); every kept document gets `minhash_cluster_size`, as
//!   FineWeb-2's `save_cluster_size`.

use crate::clusters::{self, ClusterDecider, Names};
use crate::runs::{self, RunWriter};
use crate::signature::{Minhasher, SignatureConfig};
use crate::words::WordSplitter;
use serde::Deserialize;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use tamis_api::{Counters, Document, GlobalContext, GlobalDecider, GlobalRecorder, GlobalStep};

const NAME: &str = "minhash_dedup";
const NAMES: Names = Names {
    reason: "minhash_duplicate",
    cluster: "minhash_cluster",
    size: "minhash_cluster_size",
};

/// Configuration of `minhash_dedup`: the signature's parameters (datatrove's
/// `MinhashConfig` defaults).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
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
    buckets: Vec<RunWriter>,
    record: Vec<u64>,
}

impl GlobalRecorder for Recorder {
    fn record(&mut self, summary: &[u64]) -> io::Result<()> {
        if !summary.is_empty() {
            let key = clusters::key(self.shard, self.ordinal);
            for (band, writer) in summary.chunks_exact(self.rows).zip(&mut self.buckets) {
                self.record.clear();
                self.record.extend_from_slice(band);
                self.record.push(key);
                writer.push(&self.record)?;
            }
        }
        self.ordinal += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        for writer in self.buckets {
            writer.finish()?;
        }
        Ok(())
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
        let budget = context.mem_budget / config.num_buckets;
        let buckets = (0..config.num_buckets)
            .map(|b| {
                let prefix = context
                    .dir
                    .join("sigs")
                    .join(format!("b{b:03}"))
                    .join(format!("{shard:06}"));
                RunWriter::new(prefix, config.hashes_per_bucket + 1, budget)
            })
            .collect();
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
        let dir = context.dir.join("sigs").join(format!("b{bucket:03}"));
        let runs = runs::list_runs(&dir)?;
        // Pairs go to the file as they are found: the bucket's merge holds one
        // record per run and one group head, whatever the number of duplicates.
        let mut pairs = runs::StreamWriter::create(&pairs_file(context, bucket))?;
        let mut written = 0u64;
        let mut failed = None;
        let mut first: Option<Vec<u64>> = None;
        let mut signatures = 0u64;
        runs::merge(&runs, rows + 1, &dir.join("merge"), &mut |record| {
            signatures += 1;
            let key = record[rows];
            match &first {
                Some(group) if group[..rows] == record[..rows] => {
                    if failed.is_none() {
                        failed = pairs.push(&[group[rows], key]).err();
                    }
                    written += 1;
                }
                _ => first = Some(record.to_vec()),
            }
        })?;
        if let Some(error) = failed {
            return Err(error);
        }
        pairs.finish()?;
        let mut counters = Counters::default();
        counters.add("signatures", signatures);
        counters.add("pairs", written);
        Ok(counters)
    }

    /// Phase `clusters`: connected components over every bucket's pairs.
    fn cluster(&self, context: &GlobalContext) -> io::Result<Counters> {
        let files: Vec<PathBuf> = (0..self.config().num_buckets).map(|b| pairs_file(context, b)).collect();
        // The distinct documents named by a pair: every end, sorted externally
        // under the memory budget, then merged without repeats.
        let scratch = context.dir.join("nodes");
        let mut ends = RunWriter::new(scratch.join("ends"), 1, context.mem_budget);
        for file in &files {
            let mut failed = None;
            runs::for_each(file, 2, &mut |pair| {
                if failed.is_none() {
                    failed = ends.push(&pair[..1]).and_then(|()| ends.push(&pair[1..])).err();
                }
            })?;
            if let Some(error) = failed {
                return Err(error);
            }
        }
        let end_runs = ends.finish()?;
        let mut nodes: Vec<u64> = Vec::new();
        runs::merge(&end_runs, 1, &scratch.join("merge"), &mut |end| {
            if nodes.last() != Some(&end[0]) {
                nodes.push(end[0]);
            }
        })?;
        if scratch.exists() {
            std::fs::remove_dir_all(&scratch)?;
        }
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
        let records = nodes.iter().zip(&roots).map(|(&node, &root)| {
            let root = root as usize;
            [node, nodes[root], u64::from(sizes[root])]
        });
        clusters::write_cluster_files(context.dir, 0, records)?;
        Ok(counters)
    }
}

fn pairs_file(context: &GlobalContext, bucket: usize) -> PathBuf {
    context.dir.join("pairs").join(format!("b{bucket:03}.run"))
}
