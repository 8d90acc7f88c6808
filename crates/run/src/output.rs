//! The output directory: staging, atomic commit, completion markers and stats.
//!
//! ```text
//! OUTPUT/<shard>_00000.jsonl.gz     kept documents, named after their input shard
//! OUTPUT/stats/00003.json           stats of task 3
//! OUTPUT/completions/00003          task 3 is complete (the commit point)
//! OUTPUT/stats.json                 stats of all completed tasks, merged
//! OUTPUT/.staging-00003/            task 3 while it runs
//! REMOVED/<shard>_00000.jsonl.gz    removed documents, with step and reason
//! ```
//!
//! A task writes only under its staging directories. When it has finished it
//! renames its files into place, then writes its completion marker. A task
//! killed at any point before the marker is redone from scratch by the next run;
//! since its output names and contents are deterministic, the redo overwrites
//! whatever the killed attempt had renamed, and every kept document ends up in
//! the output exactly once.

use serde::{Deserialize, Serialize};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tamis_api::Stats;

/// What a completion marker records, so that a re-run can tell whether the
/// finished task belongs to the same job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// Fingerprint of the pipeline file.
    pub pipeline: String,
    /// Number of tasks the job was split into.
    pub tasks: usize,
}

/// Paths of the output and removed directories.
#[derive(Debug, Clone)]
pub struct Layout {
    output: PathBuf,
    removed: Option<PathBuf>,
}

/// A task's staging directories.
#[derive(Debug, Clone)]
pub struct Staging {
    /// Kept documents and temporary files.
    pub output: PathBuf,
    /// Removed documents.
    pub removed: Option<PathBuf>,
}

fn task_name(task: usize) -> String {
    format!("{task:05}")
}

impl Layout {
    /// The layout under `output` (and `removed`, if removed documents are kept).
    pub fn new(output: &Path, removed: Option<&Path>) -> Self {
        Layout {
            output: output.to_path_buf(),
            removed: removed.map(Path::to_path_buf),
        }
    }

    fn marker_path(&self, task: usize) -> PathBuf {
        self.output.join("completions").join(task_name(task))
    }

    fn stats_path(&self, task: usize) -> PathBuf {
        self.output.join("stats").join(format!("{}.json", task_name(task)))
    }

    /// The marker of `task`, if it completed.
    pub fn marker(&self, task: usize) -> io::Result<Option<Marker>> {
        let path = self.marker_path(task);
        let in_file = |kind, err: &dyn std::fmt::Display| io::Error::new(kind, format!("{}: {err}", path.display()));
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| in_file(io::ErrorKind::InvalidData, &e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(in_file(e.kind(), &e)),
        }
    }

    /// The stats a completed task wrote.
    pub fn task_stats(&self, task: usize) -> io::Result<Stats> {
        let bytes = fs::read(self.stats_path(task))?;
        serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// Empties and creates the staging directories of `task`.
    pub fn stage(&self, task: usize) -> io::Result<Staging> {
        let staging = Staging {
            output: self.output.join(format!(".staging-{}", task_name(task))),
            removed: self
                .removed
                .as_ref()
                .map(|r| r.join(format!(".staging-{}", task_name(task)))),
        };
        for dir in std::iter::once(&staging.output).chain(&staging.removed) {
            let in_dir = |err: io::Error| io::Error::new(err.kind(), format!("{}: {err}", dir.display()));
            if dir.exists() {
                fs::remove_dir_all(dir).map_err(in_dir)?;
            }
            fs::create_dir_all(dir).map_err(in_dir)?;
        }
        Ok(staging)
    }

    /// Moves the staged files into place, then writes the task's stats and its
    /// completion marker, in that order.
    pub fn commit(
        &self,
        task: usize,
        staging: &Staging,
        files: &[PathBuf],
        stats: &Stats,
        marker: &Marker,
    ) -> io::Result<()> {
        for file in files {
            let destination = if staging.removed.as_ref().is_some_and(|r| file.starts_with(r)) {
                self.removed.as_ref().unwrap_or(&self.output)
            } else {
                &self.output
            };
            let name = file
                .file_name()
                .ok_or_else(|| io::Error::other("staged file without a name"))?;
            fs::rename(file, destination.join(name))?;
        }
        write_atomically(&self.stats_path(task), &to_json(stats)?)?;
        write_atomically(&self.marker_path(task), &to_json(marker)?)?;
        for dir in std::iter::once(&staging.output).chain(&staging.removed) {
            fs::remove_dir_all(dir)?;
        }
        Ok(())
    }

    /// Merges the stats of every completed task into `OUTPUT/stats.json` and
    /// returns them.
    pub fn merge_stats(&self) -> io::Result<Stats> {
        let mut merged = Stats::default();
        let completions = self.output.join("completions");
        let mut tasks: Vec<usize> = match fs::read_dir(&completions) {
            Ok(entries) => entries
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        tasks.sort_unstable();
        for task in tasks {
            let stats = self.task_stats(task)?;
            merged
                .merge(&stats)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("task {task}: {e}")))?;
        }
        write_atomically(&self.output.join("stats.json"), &to_json(&merged)?)?;
        Ok(merged)
    }
}

fn to_json(value: &impl Serialize) -> io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it
/// over `path`: readers see the old file or the new one, never a part.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut file = tempfile_in(dir, path)?;
    file.1.write_all(bytes)?;
    file.1.sync_all()?;
    fs::rename(&file.0, path)
}

fn tempfile_in(dir: &Path, path: &Path) -> io::Result<(PathBuf, fs::File)> {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    Ok((temp.clone(), fs::File::create(temp)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_moves_files_then_marks_the_task_complete() {
        let root = tempfile::tempdir().unwrap();
        let layout = Layout::new(&root.path().join("out"), Some(&root.path().join("removed")));
        let staging = layout.stage(3).unwrap();
        let kept = staging.output.join("a_00000.jsonl");
        let removed = staging.removed.as_ref().unwrap().join("a_00000.jsonl");
        fs::write(&kept, "{}\n").unwrap();
        fs::write(&removed, "{}\n").unwrap();
        assert!(layout.marker(3).unwrap().is_none());
        let marker = Marker {
            pipeline: "f".into(),
            tasks: 4,
        };
        let stats = Stats {
            tasks: 1,
            ..Stats::default()
        };
        layout.commit(3, &staging, &[kept, removed], &stats, &marker).unwrap();
        assert!(root.path().join("out/a_00000.jsonl").exists());
        assert!(root.path().join("removed/a_00000.jsonl").exists());
        assert_eq!(layout.marker(3).unwrap(), Some(marker));
        assert!(!staging.output.exists());
        assert_eq!(layout.merge_stats().unwrap().tasks, 1);
        assert!(root.path().join("out/stats.json").exists());
    }

    #[test]
    fn staging_again_clears_a_killed_attempt() {
        let root = tempfile::tempdir().unwrap();
        let layout = Layout::new(root.path(), None);
        let staging = layout.stage(0).unwrap();
        fs::write(staging.output.join("partial"), "x").unwrap();
        let staging = layout.stage(0).unwrap();
        assert_eq!(fs::read_dir(&staging.output).unwrap().count(), 0);
    }
}
