//! Which task reads which input files, and what their outputs are called.
//!
//! Task `i` of `N` takes the sorted inputs `i, i+N, i+2N…`: deterministic, so a
//! re-run or another machine given the same index takes the same files. Each
//! input file is one shard, named after the file without its format extensions
//! (`CC-MAIN-…-00042.warc.wet.gz` → `CC-MAIN-…-00042`); outputs carry that name.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// One input file and the name its outputs carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// The input file.
    pub path: PathBuf,
    /// Unique among the pipeline's inputs; safe as a file name.
    pub name: String,
}

/// Extensions that say how a file is stored, not what it holds.
const FORMAT_EXTENSIONS: &[&str] = &[
    "gz", "zst", "zstd", "warc", "wet", "wat", "arc", "jsonl", "json", "ndjson", "txt",
];

/// Names every input; when two files share a name (same file in two
/// directories), their paths below the common directory are used instead.
pub fn shards(inputs: &[PathBuf]) -> Vec<Shard> {
    let stems: Vec<String> = inputs.iter().map(|p| strip_extensions(&file_name(p))).collect();
    let unique: HashSet<&String> = stems.iter().collect();
    let names = if unique.len() == stems.len() {
        stems
    } else {
        let common = common_dir(inputs);
        inputs
            .iter()
            .map(|p| {
                let relative = p.strip_prefix(&common).unwrap_or(p);
                let parts: Vec<String> = relative.iter().map(|c| c.to_string_lossy().into_owned()).collect();
                strip_extensions(&parts.join("__"))
            })
            .collect()
    };
    let mut seen = HashSet::new();
    inputs
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, (path, name))| {
            let name = if seen.insert(name.clone()) {
                name
            } else {
                format!("{name}_{i}")
            };
            Shard {
                path: path.clone(),
                name,
            }
        })
        .collect()
}

/// The shards task `index` of `count` processes.
pub fn task_shards(shards: &[Shard], count: usize, index: usize) -> Vec<Shard> {
    shards.iter().skip(index).step_by(count.max(1)).cloned().collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| "input".into(), |n| n.to_string_lossy().into_owned())
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

fn common_dir(paths: &[PathBuf]) -> PathBuf {
    let mut common: Option<PathBuf> = None;
    for path in paths {
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        common = Some(match common {
            None => dir,
            Some(c) => c
                .iter()
                .zip(dir.iter())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names.iter().map(PathBuf::from).collect()
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
    fn tasks_split_the_shards_without_overlap() {
        let all = shards(&paths(&["a", "b", "c", "d", "e"]));
        let mut seen: Vec<String> = (0..2).flat_map(|i| task_shards(&all, 2, i)).map(|s| s.name).collect();
        assert_eq!(task_shards(&all, 2, 1).len(), 2);
        seen.sort();
        assert_eq!(seen, ["a", "b", "c", "d", "e"]);
    }
}
