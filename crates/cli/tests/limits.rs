//! Resources a task cannot exceed, whatever its input: the worst inputs we can
//! build — every hostile page shape of the extractor, at the largest size
//! `extract` takes, decompression bombs, lying lengths, a huge line — run
//! with two workers inside a memory cgroup whose limit is the stated bound
//! (the README's "Limits"), and within the per-page time budget times the
//! pages. The cgroup needs root, as CI has.

use crate::util::{gzip, gzip_members, warc_record, warc_record_with_length, Dir};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

#[allow(dead_code)]
#[path = "../../extract/tests/support/hostile_pages.rs"]
mod hostile_pages;

/// The memory a task with two workers may use: the README states it as
/// 256 MiB + 600 MiB per worker (a page at `extract`'s 8 MiB limit, parsed
/// up to its node budget) — with the defaults, 1,456 MiB.
const BOUND: u64 = (256 + 2 * 600) << 20;

/// A memory cgroup holding one process, removed when dropped: cgroup v1's
/// memory controller where it is mounted (as here), else cgroup v2.
struct Cgroup {
    dir: PathBuf,
    v2: bool,
}

impl Cgroup {
    fn new(limit: u64) -> Cgroup {
        let v1 = PathBuf::from("/sys/fs/cgroup/memory");
        let v2 = !v1.is_dir();
        let root = if v2 { PathBuf::from("/sys/fs/cgroup") } else { v1 };
        let dir = root.join(format!("tamis-limits-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creating a memory cgroup needs root (/sys/fs/cgroup)");
        let cgroup = Cgroup { dir, v2 };
        // No swap to hide in: over the limit, the process is killed.
        if v2 {
            cgroup.write("memory.max", limit);
            let _ = std::fs::write(cgroup.dir.join("memory.swap.max"), "0");
        } else {
            cgroup.write("memory.limit_in_bytes", limit);
            let _ = std::fs::write(cgroup.dir.join("memory.memsw.limit_in_bytes"), limit.to_string());
        }
        cgroup
    }

    fn write(&self, file: &str, value: u64) {
        std::fs::write(self.dir.join(file), value.to_string()).unwrap();
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.dir.join(file)).unwrap_or_default()
    }

    fn peak(&self) -> u64 {
        let file = if self.v2 {
            "memory.peak"
        } else {
            "memory.max_usage_in_bytes"
        };
        self.read(file).trim().parse().unwrap()
    }

    /// How many times the limit was hit.
    fn failures(&self) -> u64 {
        if self.v2 {
            let events = self.read("memory.events");
            let count = |key: &str| {
                events
                    .lines()
                    .find_map(|l| l.strip_prefix(key)?.trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            count("max ") + count("oom_kill ")
        } else {
            self.read("memory.failcnt").trim().parse().unwrap_or(0)
        }
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Runs `tamis run pipeline.yaml` with two workers in a cgroup limited to
/// `BOUND`; returns its output, peak memory and wall time.
fn run_bounded(dir: &Dir) -> (std::process::Output, u64, Duration) {
    let cgroup = Cgroup::new(BOUND);
    let procs = cgroup.dir.join("cgroup.procs");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tamis"));
    command
        .args(["run", "pipeline.yaml", "--workers", "2", "--quiet"])
        .current_dir(dir.dir.path());
    // SAFETY: between fork and exec the child only writes its pid into the
    // cgroup's file (open, write, close: async-signal-safe system calls).
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(move || std::fs::write(&procs, std::process::id().to_string()));
    }
    let started = Instant::now();
    let output = command.output().unwrap();
    let elapsed = started.elapsed();
    assert_eq!(cgroup.failures(), 0, "the run hit the memory bound");
    (output, cgroup.peak(), elapsed)
}

fn response(n: usize, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut block = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{headers}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    block.extend_from_slice(body);
    let id = format!("00000000-0000-0000-0000-{n:012}");
    warc_record(
        "response",
        &format!("http://hostile.example/{n}"),
        &id,
        "application/http; msgtype=response",
        &block,
    )
}

fn write_warc(dir: &Dir, name: &str, records: &[Vec<u8>]) -> PathBuf {
    dir.write(name, &gzip_members(records))
}

fn stats_of(dir: &Dir) -> serde_json::Value {
    dir.stats("out")
}

fn check(dir: &Dir, what: &str, pages: u64) -> serde_json::Value {
    let (output, peak, elapsed) = run_bounded(dir);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{what}: {:?} {stderr}", output.status);
    eprintln!("{what}: peak {} MiB, {:.1} s", peak >> 20, elapsed.as_secs_f64());
    // Each page may take the 2 s time budget (a debug build counts work
    // more slowly: allow it 4x), plus reading and writing.
    let budget = Duration::from_secs(8 * pages + 30);
    assert!(elapsed < budget, "{what}: {elapsed:?} for {pages} pages");
    stats_of(dir)
}

#[test]
fn the_hostile_page_shapes_at_extracts_size_limit_stay_within_the_bound() {
    let dir = Dir::new();
    // Every shape, at just under `extract`'s 8 MiB limit.
    let size = (8 << 20) - 4096;
    let records: Vec<Vec<u8>> = hostile_pages::all()
        .iter()
        .enumerate()
        .map(|(n, (_, _, build))| response(n, "", build(size).as_bytes()))
        .collect();
    let pages = records.len() as u64;
    write_warc(&dir, "hostile.warc.gz", &records);
    dir.pipeline(
        "input: { paths: [hostile.warc.gz], format: warc }\n\
         output: { path: out/, removed: out/removed/ }\nsteps:\n  - extract: {}\n",
    );
    let stats = check(&dir, "hostile pages", pages);
    assert_eq!(stats["read"]["documents"], pages);
    // Stopped by the node budget or the clock, whichever comes first (a
    // debug build is slower, so the clock more often).
    let dropped = &stats["steps"][0]["dropped"];
    let stopped = ["too_many_nodes", "timeout"]
        .iter()
        .map(|r| dropped[*r].as_u64().unwrap_or(0))
        .sum::<u64>();
    assert!(stopped >= pages / 2, "{dropped}");
}

#[test]
fn bombs_and_lying_lengths_stay_within_the_bound() {
    let dir = Dir::new();
    let zeros = vec![0u8; 256 << 20];
    let bomb = gzip(&zeros);
    let records = vec![
        // A body that inflates to 256 MiB (Content-Encoding: gzip).
        response(1, "Content-Encoding: gzip\r\n", &bomb),
        // A record claiming 10 GB.
        warc_record_with_length(
            "resource",
            "http://hostile.example/2",
            "00000000-0000-0000-0000-000000000002",
            "text/html",
            b"<html><body><p>short</p></body></html>",
            10_000_000_000,
        ),
        response(
            3,
            "",
            b"<html><body><p>The record after the liars is read.</p></body></html>",
        ),
    ];
    let mut warc = gzip_members(&records);
    // A gzip member that inflates to 256 MiB of zeros where a record should be.
    warc.extend(gzip(&zeros));
    warc.extend(gzip_members(&[response(
        4,
        "",
        b"<html><body><p>And the one after the bomb.</p></body></html>",
    )]));
    dir.write("bombs.warc.gz", &warc);
    // A JSONL file with one 64 MiB line between two good ones.
    let line = format!("{{\"text\": \"{}\"}}\n", "a".repeat(64 << 20));
    dir.write(
        "lines.jsonl",
        format!("{{\"text\": \"before\"}}\n{line}{{\"text\": \"after\"}}\n").as_bytes(),
    );
    dir.pipeline(
        "input: { paths: [bombs.warc.gz], format: warc }\n\
         output: { path: out/, removed: out/removed/ }\nsteps:\n  - extract: {}\n",
    );
    let stats = check(&dir, "bombs", 4);
    let errors = &stats["read"]["errors"];
    // The gzip bomb in the body, the liar, the bomb member between records:
    // each costs itself only; records 3 and 4 are read.
    assert_eq!(errors["record_too_large"]["count"], 1, "{errors}");
    assert_eq!(errors["content_length_mismatch"]["count"], 1, "{errors}");
    assert_eq!(errors["not_warc"]["count"], 1, "{errors}");
    assert_eq!(stats["read"]["documents"], 2, "{errors}");
    let json = Dir::new();
    std::fs::copy(dir.path("lines.jsonl"), json.path("lines.jsonl")).unwrap();
    json.pipeline("input: { paths: [lines.jsonl], format: jsonl }\noutput: { path: out/ }\n");
    let stats = check(&json, "a 64 MiB line", 3);
    assert_eq!(stats["kept"], 2);
    assert_eq!(stats["read"]["errors"]["record_too_large"]["count"], 1);
}
