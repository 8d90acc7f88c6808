//! Which task reads which input files, and what their outputs are called.
//!
//! Task `i` of `N` takes the sorted inputs `i, i+N, i+2N…`: deterministic, so a
//! re-run or another machine given the same index takes the same files. Each
//! input file is one shard, named after the file without its format extensions
//! (`CC-MAIN-…-00042.warc.wet.gz` → `CC-MAIN-…-00042`); outputs carry that name.

use crate::pipeline::Input;
use std::collections::HashSet;
use tamis_io::Location;

/// One input file and the name its outputs carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// The input file.
    pub location: Location,
    /// Its size, when known before it is read.
    pub size: Option<u64>,
    /// Unique among the pipeline's inputs; safe as a file name.
    pub name: String,
}

/// Extensions that say how a file is stored, not what it holds.
const FORMAT_EXTENSIONS: &[&str] = &[
    "gz", "zst", "zstd", "warc", "wet", "wat", "arc", "jsonl", "json", "ndjson", "txt", "parquet",
];

/// Names every input; when two files share a name (same file name in two
/// directories), their paths below the common directory are used instead.
pub fn shards(inputs: &[Input]) -> Vec<Shard> {
    let urls: Vec<String> = inputs.iter().map(|i| i.location.to_string()).collect();
    let stems: Vec<String> = inputs
        .iter()
        .map(|i| strip_extensions(i.location.file_name()))
        .collect();
    let unique: HashSet<&String> = stems.iter().collect();
    let names = if unique.len() == stems.len() {
        stems
    } else {
        let common = common_dir(&urls);
        urls.iter()
            .map(|url| {
                let relative = url[common.len()..].trim_start_matches('/');
                let parts: Vec<&str> = relative.split('/').filter(|p| !p.is_empty()).collect();
                strip_extensions(&parts.join("__"))
            })
            .collect()
    };
    let mut seen = HashSet::new();
    inputs
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, (input, name))| {
            let name = if name.is_empty() { "input".to_string() } else { name };
            let name = if seen.insert(name.clone()) {
                name
            } else {
                format!("{name}_{i}")
            };
            Shard {
                location: input.location.clone(),
                size: input.size,
                name,
            }
        })
        .collect()
}

/// The shards task `index` of `count` processes.
pub fn task_shards(shards: &[Shard], count: usize, index: usize) -> Vec<Shard> {
    indexed_task_shards(shards, count, index)
        .into_iter()
        .map(|(_, shard)| shard)
        .collect()
}

/// [`task_shards`], each with its index among `shards`.
pub fn indexed_task_shards(shards: &[Shard], count: usize, index: usize) -> Vec<(usize, Shard)> {
    shards
        .iter()
        .cloned()
        .enumerate()
        .skip(index)
        .step_by(count.max(1))
        .collect()
}

fn strip_extensions(name: &str) -> String {
    let mut stem = name;
    while let Some((head, extension)) = stem.rsplit_once('.') {
        if head.is_empty() || !FORMAT_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str()) {
            break;
        }
        stem = head;
    }
    stem.to_string()
}

/// The longest directory prefix (ending before a `/`) the URLs share.
fn common_dir(urls: &[String]) -> String {
    let dirs: Vec<&str> = urls
        .iter()
        .map(|u| u.rsplit_once('/').map_or("", |(dir, _)| dir))
        .collect();
    let Some(first) = dirs.first() else {
        return String::new();
    };
    let mut common: Vec<&str> = first.split('/').collect();
    for dir in &dirs[1..] {
        let parts: Vec<&str> = dir.split('/').collect();
        let same = common.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        common.truncate(same);
    }
    common.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<Input> {
        names
            .iter()
            .map(|n| Input {
                location: Location::parse(n).unwrap(),
                size: None,
            })
            .collect()
    }

    #[test]
    fn names_drop_format_extensions() {
        let names: Vec<String> = shards(&paths(&["crawl/CC-1.warc.wet.gz", "x/a.jsonl.zst", "b.v2.json"]))
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["CC-1", "a", "b.v2"]);
    }

    #[test]
    fn clashing_names_use_their_paths() {
        let names: Vec<String> = shards(&paths(&["in/2024/a.warc.gz", "in/2025/a.warc.gz"]))
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["2024__a", "2025__a"]);
    }

    #[test]
    fn clashing_names_on_object_storage_use_their_keys() {
        let names: Vec<String> = shards(&paths(&[
            "s3://b/crawl/seg1/warc/a.warc.gz",
            "s3://b/crawl/seg2/warc/a.warc.gz",
        ]))
        .into_iter()
        .map(|s| s.name)
        .collect();
        assert_eq!(names, ["seg1__warc__a", "seg2__warc__a"]);
    }

    #[test]
    fn tasks_split_the_shards_without_overlap() {
        let all = shards(&paths(&["a", "b", "c", "d", "e"]));
        let mut seen: Vec<String> = (0..2).flat_map(|i| task_shards(&all, 2, i)).map(|s| s.name).collect();
        assert_eq!(task_shards(&all, 2, 1).len(), 2);
        seen.sort();
        assert_eq!(seen, ["a", "b", "c", "d", "e"]);
    }
}
