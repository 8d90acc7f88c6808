//! The output directory and the commit protocol: what a task writes where, in
//! which order, so that a task killed at any moment and run again gives
//! byte-identical output — on local disk and on object storage alike, with no
//! rename anywhere.
//!
//! ```text
//! OUTPUT/<shard>_00000.jsonl.gz     kept documents, named after their input shard
//! OUTPUT/stats/00003.json           stats of task 3
//! OUTPUT/completions/00003          task 3 is complete (the commit point)
//! OUTPUT/stats.json                 stats of all completed tasks, merged
//! OUTPUT/.locks/00003               held while a process runs task 3
//! REMOVED/<shard>_00000.jsonl.gz    removed documents, with step and reason
//! ```
//!
//! A task:
//! 1. takes its lock (a second process on the same task is told who holds it);
//! 2. skips itself if its completion marker is there (same job) — or refuses
//!    to run if another job's marker is;
//! 3. deletes what an unfinished attempt may have left: the parts named after
//!    its shards, its stats file;
//! 4. writes its parts directly under their final names; each part appears
//!    whole when finished (an atomic upload), never half written;
//! 5. writes its stats file, then its completion marker: the commit point.
//!
//! Killed before 5, the task has no marker: the next run redoes it from step 3,
//! and since output names and contents depend on the inputs only, the redo
//! writes the same files, and every kept document is in the output exactly
//! once. Temporary files (spills of shard steps) live in a local scratch
//! directory, removed when the task ends.

use serde::{Deserialize, Serialize};
use std::io;
use std::path::PathBuf;
use tamis_api::Stats;
use tamis_io::failpoint::failpoint;
use tamis_io::{Location, Lock};

/// What a completion marker records, so that a re-run can tell whether the
/// finished task belongs to the same job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// Fingerprint of the pipeline's configuration.
    pub pipeline: String,
    /// Number of tasks the job was split into.
    pub tasks: usize,
}

/// The output and removed directories of a job.
#[derive(Debug, Clone)]
pub struct Layout {
    output: Location,
    removed: Option<Location>,
}

/// A task being run by this process: its lock, and its scratch directory
/// (removed, with everything in it, when the claim is dropped).
pub struct Claim {
    _lock: Box<dyn Lock>,
    /// Local directory for the task's temporary files.
    pub scratch: PathBuf,
}

impl Drop for Claim {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// A task's name in file names: `00003`.
pub(crate) fn task_name(task: usize) -> String {
    format!("{task:05}")
}

impl Layout {
    /// The layout under `output` (and `removed`, if removed documents are kept).
    pub fn new(output: Location, removed: Option<Location>) -> Self {
        Layout { output, removed }
    }

    /// The output directory.
    pub fn output(&self) -> &Location {
        &self.output
    }

    /// The removed directory, if removed documents are kept.
    pub fn removed(&self) -> Option<&Location> {
        self.removed.as_ref()
    }

    fn marker_file(&self, task: usize) -> Location {
        self.output.join(&format!("completions/{}", task_name(task)))
    }

    fn stats_file(&self, task: usize) -> Location {
        self.output.join(&format!("stats/{}.json", task_name(task)))
    }

    /// The marker of `task`, if it completed.
    pub fn marker(&self, task: usize) -> io::Result<Option<Marker>> {
        let file = self.marker_file(task);
        match file.read_if_exists()? {
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{file}: {e}"))),
            None => Ok(None),
        }
    }

    /// The stats a completed task wrote.
    pub fn task_stats(&self, task: usize) -> io::Result<Stats> {
        let file = self.stats_file(task);
        let bytes = file.read()?;
        serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{file}: {e}")))
    }

    /// Takes the lock of `task` for this process and prepares its scratch
    /// directory. Fails with `WouldBlock`, naming the holder, if another
    /// process is running the task.
    pub fn claim(&self, task: usize) -> io::Result<Claim> {
        let lock = self.output.join(&format!(".locks/{}", task_name(task))).lock()?;
        let scratch = match self.output.local_path() {
            Some(dir) => dir.join(format!(".staging-{}", task_name(task))),
            // A remote output's lock does not tell two processes of this
            // machine apart when their outputs have the same URL on two
            // servers (two endpoints): the directory names the process, and
            // those of dead processes are removed.
            None => {
                let job = xxhash_rust::xxh3::xxh3_64(self.output.to_string().as_bytes());
                let prefix = format!("tamis-{job:016x}-{}-", task_name(task));
                remove_abandoned_scratch(&prefix);
                std::env::temp_dir().join(format!("{prefix}{}", std::process::id()))
            }
        };
        let in_scratch = |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", scratch.display()));
        match std::fs::remove_dir_all(&scratch) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(in_scratch(e)),
            _ => {}
        }
        std::fs::create_dir_all(&scratch).map_err(in_scratch)?;
        Ok(Claim { _lock: lock, scratch })
    }

    /// Deletes, in `dir`, the parts an unfinished attempt may have left: files
    /// named `<prefix>_<5 digits>.<extension>` for each of `prefixes`, and the
    /// uploads of such files that killed processes left unfinished.
    pub fn clear_parts(dir: &Location, prefixes: &[String]) -> io::Result<()> {
        let is_part = |name: &str| prefixes.iter().any(|prefix| is_part_of(name, prefix));
        for (file, _) in dir.list_dir()?.files {
            if is_part(file.file_name()) {
                file.delete()?;
            }
        }
        for (name, leftover) in dir.abandoned_uploads()? {
            if is_part(&name) {
                leftover.delete()?;
            }
        }
        Ok(())
    }

    /// Deletes the stats file of an unfinished attempt of `task`, and what
    /// killed processes left of the small files (stats, markers, `stats.json`).
    pub fn clear_stats(&self, task: usize) -> io::Result<()> {
        self.stats_file(task).delete()?;
        for dir in [
            self.output.clone(),
            self.output.join("stats"),
            self.output.join("completions"),
        ] {
            for (_, leftover) in dir.abandoned_uploads()? {
                leftover.delete()?;
            }
        }
        Ok(())
    }

    /// Writes the task's stats, then its completion marker: the commit point.
    pub fn commit(&self, task: usize, stats: &Stats, marker: &Marker) -> io::Result<()> {
        failpoint("task.parts_written");
        self.stats_file(task).write(&to_json(stats)?)?;
        failpoint("task.stats_written");
        self.marker_file(task).write(&to_json(marker)?)?;
        failpoint("task.marker_written");
        Ok(())
    }

    /// The tasks that have a completion marker, in order.
    pub fn completed_tasks(&self) -> io::Result<Vec<usize>> {
        let listing = self.output.join("completions").list_dir()?;
        let mut tasks: Vec<usize> = listing
            .files
            .iter()
            .filter_map(|(f, _)| f.file_name().parse().ok())
            .collect();
        tasks.sort_unstable();
        Ok(tasks)
    }

    /// Merges the stats of every completed task into `OUTPUT/stats.json` and
    /// returns them.
    pub fn merge_stats(&self) -> io::Result<Stats> {
        let mut merged = Stats::default();
        for task in self.completed_tasks()? {
            let stats = self.task_stats(task)?;
            merged
                .merge(&stats)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("task {task}: {e}")))?;
        }
        failpoint("merge.stats_read");
        self.output.join("stats.json").write(&to_json(&merged)?)?;
        Ok(merged)
    }
}

/// Whether `name` is a part file of `prefix`: `<prefix>_00000.jsonl.gz`.
fn is_part_of(name: &str, prefix: &str) -> bool {
    let Some(rest) = name.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits == 5 && rest.as_bytes().get(5) == Some(&b'.')
}

/// Pretty JSON with a final newline, as every small file of the layout is written.
pub(crate) fn to_json(value: &impl Serialize) -> io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Removes the scratch directories `<prefix><pid>` in the temporary folder
/// whose process no longer runs (killed before it could remove its own).
fn remove_abandoned_scratch(prefix: &str) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(tamis_io::pid_is_gone) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A layout on local disk and one in memory, named after the test.
    fn layouts(test: &str) -> Vec<(Option<tempfile::TempDir>, Layout)> {
        let dir = tempfile::tempdir().unwrap();
        let root = Location::parse(dir.path().to_str().unwrap()).unwrap();
        let memory = Location::parse(&format!("memory://output-tests/{test}")).unwrap();
        [(Some(dir), root), (None, memory)]
            .into_iter()
            .map(|(guard, root)| (guard, Layout::new(root.join("out"), Some(root.join("removed")))))
            .collect()
    }

    #[test]
    fn commit_writes_stats_then_the_marker() {
        for (_guard, layout) in layouts("commit") {
            assert!(layout.marker(3).unwrap().is_none());
            let marker = Marker {
                pipeline: "f".into(),
                tasks: 4,
            };
            let stats = Stats {
                tasks: 1,
                ..Stats::default()
            };
            layout.commit(3, &stats, &marker).unwrap();
            assert_eq!(layout.marker(3).unwrap(), Some(marker));
            assert_eq!(layout.completed_tasks().unwrap(), [3]);
            assert_eq!(layout.merge_stats().unwrap().tasks, 1);
            assert!(layout.output().join("stats.json").exists().unwrap());
        }
    }

    #[test]
    fn clearing_deletes_the_parts_of_the_named_shards_only() {
        for (_guard, layout) in layouts("clearing") {
            let out = layout.output();
            for name in [
                "a_00000.jsonl.gz",
                "a_00001.jsonl.gz",
                "a.minhash_dedup_00000.jsonl",
                "ab_00000.jsonl",
                "a_b_00000.jsonl",
                "a_0000.jsonl",
            ] {
                out.join(name).write(b"x").unwrap();
            }
            Layout::clear_parts(out, &["a".into(), "a.minhash_dedup".into()]).unwrap();
            let left: Vec<String> = out
                .list()
                .unwrap()
                .iter()
                .map(|(f, _)| f.file_name().to_string())
                .collect();
            assert_eq!(left, ["a_0000.jsonl", "a_b_00000.jsonl", "ab_00000.jsonl"]);
        }
    }

    #[test]
    fn scratch_directories_of_dead_processes_are_removed() {
        let prefix = format!("tamis-scratch-test-{}-", std::process::id());
        // A pid above any pid_max runs nothing; this process runs.
        let dead = std::env::temp_dir().join(format!("{prefix}4294967"));
        let alive = std::env::temp_dir().join(format!("{prefix}{}", std::process::id()));
        for dir in [&dead, &alive] {
            std::fs::create_dir_all(dir).unwrap();
        }
        remove_abandoned_scratch(&prefix);
        assert!(!dead.exists());
        assert!(alive.exists());
        std::fs::remove_dir_all(alive).unwrap();
    }

    #[test]
    fn a_claimed_task_is_refused_to_a_second_claim() {
        for (_guard, layout) in layouts("claim") {
            let claim = layout.claim(0).unwrap();
            assert!(claim.scratch.is_dir());
            let refused = layout.claim(0).err().expect("claimed twice");
            assert_eq!(refused.kind(), io::ErrorKind::WouldBlock);
            assert!(
                refused.to_string().contains(&format!("pid {}", std::process::id())),
                "{refused}"
            );
            let scratch = claim.scratch.clone();
            drop(claim);
            assert!(!scratch.exists(), "the scratch directory outlived its claim");
            assert!(layout.claim(0).is_ok());
        }
    }
}
