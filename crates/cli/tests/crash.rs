//! The commit protocol under crashes and contention: the process killed
//! (SIGKILL, by a failpoint) at every step of a commit, then run again, gives
//! the output of a clean run; two processes on one output share its tasks
//! safely; a full disk fails the task, names the file, and leaves nothing a
//! re-run cannot clean up.

use crate::util::{gzip, jsonl_line, synthetic_site, Dir};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Every failpoint of the commit protocol (see `tamis_io::failpoint`).
const TASK_FAILPOINTS: &[&str] = &[
    "write.part_opened",
    "task.parts_written",
    "task.stats_written",
    "task.marker_written",
    "merge.stats_read",
];

/// Four shards of a synthetic site, a pipeline with a shard step and kept and
/// removed outputs; `dedup` adds a corpus-wide MinHash step (global phases).
fn job(dir: &Dir, dedup: bool) {
    for shard in 0..4 {
        let lines: String = synthetic_site(400)
            .iter()
            .enumerate()
            .map(|(i, text)| {
                // Every 5th page is a copy of another shard's: MinHash removes it.
                let owner = if i % 5 == 0 { 0 } else { shard };
                jsonl_line(&format!("s{shard}-{i}"), &format!("Shard {owner}\n{text}"))
            })
            .collect();
        dir.write(&format!("in/shard-{shard}.jsonl.gz"), &gzip(lines.as_bytes()));
    }
    let global = if dedup { "  - minhash_dedup: {}\n" } else { "" };
    dir.pipeline(&format!(
        "input: {{ paths: [in/], format: jsonl }}\n\
         output: {{ path: out/, format: jsonl.zst, removed: out/removed/, max_file_bytes: 20000 }}\n\
         steps:\n  - line_dedup: {{ min_docs: 3 }}\n{global}"
    ));
}

/// Every file under `out/` that a user reads — documents, stats, markers —
/// with its bytes (stats without their timings).
fn snapshot(dir: &Dir) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect(&dir.path("out"), "", &mut files);
    files
}

fn collect(at: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(at) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if name.ends_with(".locks") {
            continue;
        }
        if entry.path().is_dir() {
            collect(&entry.path(), &format!("{name}/"), files);
        } else {
            let bytes = std::fs::read(entry.path()).unwrap();
            files.insert(
                name.clone(),
                if name.contains("stats") {
                    without_timings(&bytes)
                } else {
                    bytes
                },
            );
        }
    }
}

/// Stats with every `seconds` set to zero: timings differ from run to run.
fn without_timings(bytes: &[u8]) -> Vec<u8> {
    fn zero(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    if key == "seconds" {
                        *v = 0.into();
                    } else {
                        zero(v);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(zero),
            _ => {}
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    zero(&mut value);
    serde_json::to_vec_pretty(&value).unwrap()
}

fn run(dir: &Dir, failpoint: Option<&str>) -> std::process::Output {
    let args = ["run", "pipeline.yaml", "--tasks", "3", "--workers", "2", "--quiet"];
    dir.tamis_with_env(&args, &[("TAMIS_FAILPOINT", failpoint.unwrap_or(""))])
}

fn clean_run(dedup: bool) -> BTreeMap<String, Vec<u8>> {
    let dir = Dir::new();
    job(&dir, dedup);
    assert!(run(&dir, None).status.success());
    snapshot(&dir)
}

/// Kills the run at `failpoint`, runs it again to the end, and compares.
fn killed_then_resumed(dedup: bool, failpoint: &str, expected: &BTreeMap<String, Vec<u8>>) {
    let dir = Dir::new();
    job(&dir, dedup);
    let killed = run(&dir, Some(failpoint));
    let stderr = String::from_utf8_lossy(&killed.stderr);
    assert!(
        stderr.contains(&format!("failpoint {failpoint}")),
        "the run never reached {failpoint}: {stderr}"
    );
    assert_eq!(
        killed.status.code(),
        None,
        "{failpoint}: the process was not killed: {stderr}"
    );
    let resumed = run(&dir, None);
    assert!(
        resumed.status.success(),
        "{failpoint}: {}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let got = snapshot(&dir);
    let names = |files: &BTreeMap<String, Vec<u8>>| files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&got),
        names(expected),
        "{failpoint}: other files than a clean run's"
    );
    for (name, bytes) in expected {
        assert!(got[name] == *bytes, "{failpoint}: {name} differs from a clean run's");
    }
}

#[test]
fn a_kill_at_any_step_of_the_commit_then_a_rerun_gives_the_clean_output() {
    let expected = clean_run(false);
    assert!(
        expected.keys().any(|name| name.starts_with("shard-0_00001")),
        "the job writes several parts"
    );
    for failpoint in TASK_FAILPOINTS {
        killed_then_resumed(false, failpoint, &expected);
    }
}

#[test]
fn a_kill_in_any_phase_of_a_corpus_wide_step_then_a_rerun_gives_the_clean_output() {
    let expected = clean_run(true);
    let removed: Vec<&String> = expected.keys().filter(|n| n.contains("minhash_dedup_")).collect();
    assert!(!removed.is_empty(), "MinHash removed nothing: {:?}", expected.keys());
    for failpoint in TASK_FAILPOINTS.iter().chain(&["phase.outputs_written"]) {
        killed_then_resumed(true, failpoint, &expected);
    }
}

#[test]
fn two_processes_on_one_output_share_its_tasks() {
    let expected = {
        let dir = Dir::new();
        job(&dir, false);
        assert!(run(&dir, None).status.success());
        snapshot(&dir)
    };
    let dir = Dir::new();
    job(&dir, false);
    let args = [
        "run",
        "pipeline.yaml",
        "--tasks",
        "3",
        "--workers",
        "1",
        "--concurrent-tasks",
        "1",
        "--quiet",
    ];
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_tamis"))
            .args(args)
            .current_dir(dir.dir.path())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (start(), start());
    let outputs = [first.wait_with_output().unwrap(), second.wait_with_output().unwrap()];
    let mut busy = 0;
    for output in &outputs {
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => {}
            // Some tasks were being run by the other process: run again later.
            Some(75) => {
                assert!(stderr.contains("being run by another process: "), "{stderr}");
                assert!(stderr.contains("tamis pid "), "the holder is named: {stderr}");
                busy += 1;
            }
            code => panic!("exit {code:?}: {stderr}"),
        }
    }
    // Whatever each did, one more run completes the job, and nothing was written twice.
    assert!(run(&dir, None).status.success());
    assert_eq!(
        snapshot(&dir),
        expected,
        "two processes at once gave another output ({busy} saw busy tasks)"
    );
}

/// A tmpfs mounted over a directory for the length of a test (needs root, as
/// CI has), unmounted when dropped.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(at).unwrap();
        let status = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "tamis-test",
                at.to_str().unwrap(),
            ])
            .status()
            .unwrap();
        assert!(status.success(), "mounting a tmpfs needs root");
        Tmpfs(at.to_path_buf())
    }

    fn resize(&self, size: &str) {
        let options = format!("remount,size={size}");
        let status = Command::new("mount")
            .args(["-o", &options, self.0.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_task_names_the_file_and_leaves_nothing_behind() {
    let expected = clean_run(false);
    let dir = Dir::new();
    job(&dir, false);
    let disk = Tmpfs::mount(&dir.path("out"), "48k");
    let full = run(&dir, None);
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert_eq!(
        full.status.code(),
        Some(1),
        "a full disk is not a configuration error: {stderr}"
    );
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(
        stderr.contains("out/") && stderr.contains("shard-0_00000.jsonl"),
        "the error names the file: {stderr}"
    );
    let leftovers: Vec<String> = snapshot(&dir)
        .into_keys()
        .chain(
            std::fs::read_dir(dir.path("out"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned()),
        )
        .filter(|name| name.contains(".tmp") || name.contains(".staging"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
    // With space again, a re-run completes the job from what is there.
    disk.resize("64m");
    let resumed = run(&dir, None);
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    assert_eq!(snapshot(&dir), expected);
}
