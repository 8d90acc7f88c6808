//! Clusters of duplicates: document keys, the parallel deterministic union-find,
//! the per-shard cluster files and the decider that reads them.
//!
//! A document is known by its key `shard << 32 | ordinal`: its input file's
//! position among the sorted inputs, then its position in that file. Key order
//! is input order, so "the first occurrence in input order" — the keeper of a
//! cluster — is the cluster's smallest key, whichever task found which pair.
//!
//! Cluster files `clusters/<unit>/<shard>.run` (exchange files, see
//! [`crate::exchange`]): records `[ordinal, keeper key, cluster size]`, sorted by
//! ordinal, one per document of the shard that belongs to a cluster of two or
//! more (keepers included, for their size). Unit `<unit>` writes the files of
//! its directory and nothing else, so it deletes the directory when it starts.

use crate::exchange::ShardFiles;
use crate::runs;
use rayon::prelude::*;
use serde_json::Value;
use std::io;
use std::sync::atomic::{AtomicU32, Ordering};
use tamis_api::{Counters, Document, GlobalDecider, Reason, Scale, Verdict};
use tamis_io::Location;

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

/// The cluster files written by `unit` under the step's directory `dir`.
pub fn cluster_dir(dir: &Location, unit: usize) -> Location {
    dir.join(&format!("clusters/{unit:04}"))
}

/// The cluster file of `shard` written by `unit` under `dir`.
pub fn cluster_file(dir: &Location, unit: usize, shard: usize) -> Location {
    ShardFiles::file(&cluster_dir(dir, unit), shard)
}

/// Writes one unit's cluster files from `[key, keeper, size]` records sorted
/// by key, streaming: one file open at a time.
pub struct ClusterWriter {
    files: ShardFiles,
}

impl ClusterWriter {
    /// Deletes what an earlier attempt of `unit` wrote, then starts.
    pub fn create(dir: &Location, unit: usize) -> io::Result<Self> {
        Ok(ClusterWriter {
            files: ShardFiles::create(&cluster_dir(dir, unit))?,
        })
    }

    /// Adds the record of document `key`; keys come in increasing order.
    pub fn push(&mut self, key: u64, keeper: u64, size: u64) -> io::Result<()> {
        let (shard, ordinal) = split(key);
        self.files.push(shard, &[ordinal, keeper, size])
    }

    /// Commits the last file; returns how many records were written.
    pub fn finish(self) -> io::Result<u64> {
        self.files.finish()
    }
}

/// Connected components of the graph whose edges `pairs` yields, over the
/// sorted distinct `nodes`: the smallest node of each node's component.
///
/// Union-find with atomic parents, run on all threads: a root is only ever
/// linked under a smaller root, so every component ends up rooted at its
/// smallest node whatever the order of the unions — the result is a function of
/// the edges alone.
pub fn components(nodes: &[u64], edge_files: &[Location]) -> io::Result<Vec<u32>> {
    let parent: Vec<AtomicU32> = (0..nodes.len() as u32).map(AtomicU32::new).collect();
    let index = |key: u64| -> io::Result<u32> {
        nodes
            .binary_search(&key)
            .map(|i| i as u32)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a pair names an unknown document"))
    };
    edge_files.par_iter().try_for_each(|file| {
        runs::for_each(file, 2, &mut |pair| {
            union(&parent, index(pair[0])?, index(pair[1])?);
            Ok(())
        })
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
    records: Vec<[u64; 3]>,
    shard: usize,
    shards: Vec<String>,
    names: Names,
}

impl ClusterDecider {
    /// Reads the cluster files of `shard` written by units `0..units` under the
    /// step's directory `dir`. They are small by construction (24 bytes per
    /// clustered document of one shard) and held whole, but read streaming.
    pub fn load(dir: &Location, shard: usize, units: usize, shards: &[String], names: Names) -> io::Result<Self> {
        let mut records = Vec::new();
        for unit in 0..units {
            runs::for_each(&cluster_file(dir, unit, shard), 3, &mut |r| {
                records.push([r[0], r[1], r[2]]);
                Ok(())
            })?;
        }
        if units > 1 {
            records.sort_unstable();
        }
        Ok(ClusterDecider {
            records,
            shard,
            shards: shards.to_vec(),
            names,
        })
    }

    fn lookup(&self, ordinal: u64) -> Option<(u64, u64)> {
        let found = self.records.binary_search_by_key(&ordinal, |r| r[0]).ok()?;
        let [_, keeper, size] = self.records[found];
        Some((keeper, size))
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
                    // Each cluster once, at its keeper.
                    counters.observe("cluster_size", Scale::COUNT, size as f64);
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
        let dir = Location::parse("memory://clusters-components/edges").unwrap();
        let nodes = vec![3, 5, 8, 13, 21, 34];
        // 5-21, 21-3 (one component rooted at 3), 8-34; 13 alone.
        let (a, b) = (dir.join("a"), dir.join("b"));
        let bytes = |words: &[u64]| words.iter().flat_map(|w| w.to_le_bytes()).collect::<Vec<u8>>();
        a.write(&bytes(&[21, 5, 34, 8])).unwrap();
        b.write(&bytes(&[3, 21])).unwrap();
        for files in [vec![a.clone(), b.clone()], vec![b, a]] {
            let roots = components(&nodes, &files).unwrap();
            assert_eq!(roots, vec![0, 0, 2, 3, 0, 2]);
        }
    }

    #[test]
    fn a_unit_rewriting_its_cluster_files_leaves_none_of_the_old_ones() {
        let dir = Location::parse("memory://clusters-rewrite/step").unwrap();
        let mut writer = ClusterWriter::create(&dir, 2).unwrap();
        writer.push(key(0, 1), key(0, 1), 2).unwrap();
        writer.push(key(3, 0), key(0, 1), 2).unwrap();
        assert_eq!(writer.finish().unwrap(), 2);
        let mut writer = ClusterWriter::create(&dir, 2).unwrap();
        writer.push(key(1, 4), key(1, 4), 1).unwrap();
        writer.finish().unwrap();
        let names: Vec<String> = dir.list().unwrap().iter().map(|(l, _)| l.to_string()).collect();
        assert_eq!(names, [cluster_file(&dir, 2, 1).to_string()]);
    }
}
