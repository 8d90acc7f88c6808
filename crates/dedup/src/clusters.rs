//! Clusters of duplicates: document keys, the parallel deterministic union-find,
//! the per-shard cluster files and the decider that reads them.
//!
//! A document is known by its key `shard << 32 | ordinal`: its input file's
//! position among the sorted inputs, then its position in that file. Key order
//! is input order, so "the first occurrence in input order" — the keeper of a
//! cluster — is the cluster's smallest key, whichever task found which pair.
//!
//! Cluster file `clusters/<shard>.<unit>.run`: records `[ordinal, keeper key,
//! cluster size]`, sorted by ordinal, one per document of the shard that belongs
//! to a cluster of two or more (keepers included, for their size).

use crate::runs;
use rayon::prelude::*;
use serde_json::Value;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use tamis_api::{Counters, Document, GlobalDecider, Reason, Verdict};

/// The key of document `ordinal` of input shard `shard`.
pub fn key(shard: usize, ordinal: u64) -> u64 {
    ((shard as u64) << 32) | (ordinal & 0xffff_ffff)
}

/// The shard and ordinal of a key.
pub fn split(key: u64) -> (usize, u64) {
    ((key >> 32) as usize, key & 0xffff_ffff)
}

/// `<shard name>#<ordinal>`: how a cluster is named, after its keeper.
pub fn label(key: u64, shards: &[String]) -> String {
    let (shard, ordinal) = split(key);
    let name = shards.get(shard).map_or("?", String::as_str);
    format!("{name}#{ordinal}")
}

/// The cluster file of `shard` written by `unit` under `dir`.
pub fn cluster_file(dir: &Path, shard: usize, unit: usize) -> PathBuf {
    dir.join("clusters").join(format!("{shard:06}.{unit:04}.run"))
}

/// Writes the cluster files from `[key, keeper, size]` records sorted by key.
pub fn write_cluster_files(dir: &Path, unit: usize, records: impl Iterator<Item = [u64; 3]>) -> io::Result<u64> {
    let mut current: Option<usize> = None;
    let mut words = Vec::new();
    let mut written = 0;
    let flush = |shard: Option<usize>, words: &mut Vec<u64>| -> io::Result<()> {
        if let Some(shard) = shard {
            runs::write_atomically(&cluster_file(dir, shard, unit), &runs::to_bytes(words))?;
        }
        words.clear();
        Ok(())
    };
    for [key, keeper, size] in records {
        let (shard, ordinal) = split(key);
        if current != Some(shard) {
            flush(current, &mut words)?;
            current = Some(shard);
        }
        words.extend_from_slice(&[ordinal, keeper, size]);
        written += 1;
    }
    flush(current, &mut words)?;
    Ok(written)
}

/// Connected components of the graph whose edges `pairs` yields, over the
/// sorted distinct `nodes`: the smallest node of each node's component.
///
/// Union-find with atomic parents, run on all threads: a root is only ever
/// linked under a smaller root, so every component ends up rooted at its
/// smallest node whatever the order of the unions — the result is a function of
/// the edges alone.
pub fn components(nodes: &[u64], edge_files: &[PathBuf]) -> io::Result<Vec<u32>> {
    let parent: Vec<AtomicU32> = (0..nodes.len() as u32).map(AtomicU32::new).collect();
    let index = |key: u64| -> io::Result<u32> {
        nodes
            .binary_search(&key)
            .map(|i| i as u32)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a pair names an unknown document"))
    };
    edge_files.par_iter().try_for_each(|file| -> io::Result<()> {
        let mut failed = None;
        runs::for_each(file, 2, &mut |pair| {
            if failed.is_none() {
                match (index(pair[0]), index(pair[1])) {
                    (Ok(a), Ok(b)) => union(&parent, a, b),
                    (Err(e), _) | (_, Err(e)) => failed = Some(e),
                }
            }
        })?;
        failed.map_or(Ok(()), Err)
    })?;
    Ok((0..nodes.len() as u32).map(|i| find(&parent, i)).collect())
}

fn find(parent: &[AtomicU32], mut x: u32) -> u32 {
    loop {
        let p = parent[x as usize].load(Ordering::Acquire);
        if p == x {
            return x;
        }
        let grandparent = parent[p as usize].load(Ordering::Acquire);
        if grandparent != p {
            // Path halving; losing the race only leaves a longer path.
            let _ = parent[x as usize].compare_exchange_weak(p, grandparent, Ordering::AcqRel, Ordering::Relaxed);
        }
        x = p;
    }
}

fn union(parent: &[AtomicU32], a: u32, b: u32) {
    loop {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra == rb {
            return;
        }
        let (low, high) = (ra.min(rb), ra.max(rb));
        if parent[high as usize]
            .compare_exchange(high, low, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            return;
        }
    }
}

/// The names a decider writes: reason, and metadata keys.
#[derive(Debug, Clone, Copy)]
pub struct Names {
    /// Why a duplicate is removed, e.g. `minhash_duplicate`.
    pub reason: &'static str,
    /// Metadata key naming the cluster (its keeper), on removed documents and
    /// on the keepers of clusters of two or more.
    pub cluster: &'static str,
    /// Metadata key for the cluster size, on every kept document.
    pub size: &'static str,
}

/// Decides about one shard's documents from its cluster files.
pub struct ClusterDecider {
    /// `[ordinal, keeper, size]`, sorted by ordinal.
    records: Vec<u64>,
    shard: usize,
    shards: Vec<String>,
    names: Names,
}

impl ClusterDecider {
    /// Reads the cluster files of `shard` written by units `0..units`.
    pub fn load(dir: &Path, shard: usize, units: usize, shards: &[String], names: Names) -> io::Result<Self> {
        let mut records = Vec::new();
        for unit in 0..units {
            records.extend(runs::read_all(&cluster_file(dir, shard, unit), 3)?);
        }
        if units > 1 {
            let mut triples: Vec<[u64; 3]> = records.chunks_exact(3).map(|r| [r[0], r[1], r[2]]).collect();
            triples.sort_unstable();
            records = triples.concat();
        }
        Ok(ClusterDecider {
            records,
            shard,
            shards: shards.to_vec(),
            names,
        })
    }

    fn lookup(&self, ordinal: u64) -> Option<(u64, u64)> {
        let count = self.records.len() / 3;
        let (mut low, mut high) = (0, count);
        while low < high {
            let mid = (low + high) / 2;
            match self.records[mid * 3].cmp(&ordinal) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some((self.records[mid * 3 + 1], self.records[mid * 3 + 2])),
            }
        }
        None
    }
}

impl GlobalDecider for ClusterDecider {
    fn decide(&self, ordinal: u64, doc: &mut Document, counters: &mut Counters) -> Verdict {
        let me = key(self.shard, ordinal);
        match self.lookup(ordinal) {
            None => {
                doc.metadata.insert(self.names.size.into(), Value::from(1));
                Verdict::Keep
            }
            Some((keeper, size)) => {
                doc.metadata
                    .insert(self.names.cluster.into(), Value::from(label(keeper, &self.shards)));
                if keeper == me {
                    counters.add("clusters", 1);
                    doc.metadata.insert(self.names.size.into(), Value::from(size));
                    Verdict::Keep
                } else {
                    Verdict::Drop(Reason(self.names.reason))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_rooted_at_their_smallest_node_in_any_edge_order() {
        let dir = tempfile::tempdir().unwrap();
        let nodes = vec![3, 5, 8, 13, 21, 34];
        // 5-21, 21-3 (one component rooted at 3), 8-34; 13 alone.
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        runs::write_atomically(&a, &runs::to_bytes(&[21, 5, 34, 8])).unwrap();
        runs::write_atomically(&b, &runs::to_bytes(&[3, 21])).unwrap();
        for files in [vec![a.clone(), b.clone()], vec![b, a]] {
            let roots = components(&nodes, &files).unwrap();
            assert_eq!(roots, vec![0, 0, 2, 3, 0, 2]);
        }
    }
}
