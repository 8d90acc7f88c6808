//! Test helpers: a temporary directory, running the `tamis` binary, building WARC
//! records, and reading outputs back.

use flate2::write::GzEncoder;
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Dir {
    pub dir: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Writes `pipeline.yaml` and returns its path.
    pub fn pipeline(&self, yaml: &str) -> PathBuf {
        self.write("pipeline.yaml", yaml.as_bytes())
    }

    /// Runs `tamis ARGS` in this directory.
    pub fn tamis(&self, args: &[&str]) -> Output {
        self.tamis_with_env(args, &[])
    }

    pub fn tamis_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tamis"));
        command.args(args).current_dir(self.dir.path());
        for name in [
            "TAMIS_TASKS",
            "TAMIS_TASK_INDEX",
            "SLURM_ARRAY_TASK_ID",
            "SLURM_ARRAY_TASK_COUNT",
            "SLURM_ARRAY_TASK_MIN",
            "JOB_COMPLETION_INDEX",
        ] {
            command.env_remove(name);
        }
        command.envs(env.iter().copied());
        command.output().unwrap()
    }

    /// Runs `tamis run pipeline.yaml ARGS`, expecting success.
    pub fn run_ok(&self, args: &[&str]) -> Output {
        let mut all = vec!["run", "pipeline.yaml", "--quiet"];
        all.extend_from_slice(args);
        let output = self.tamis(&all);
        assert!(
            output.status.success(),
            "tamis failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// `OUTPUT/stats.json`, after checking its conservation law.
    pub fn stats(&self, output: &str) -> Value {
        let text = std::fs::read_to_string(self.path(output).join("stats.json")).unwrap();
        let stats: tamis_api::Stats = serde_json::from_str(&text).unwrap();
        stats.check_conservation().unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

/// Decompresses a file by its extension.
pub fn read_text(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let mut text = String::new();
    match path.extension().and_then(|e| e.to_str()) {
        Some("gz") => flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap(),
        Some("zst") => zstd::Decoder::new(&bytes[..])
            .unwrap()
            .read_to_string(&mut text)
            .unwrap(),
        _ => return String::from_utf8(bytes).unwrap(),
    };
    text
}

/// The document files directly in `dir`, sorted by name.
pub fn jsonl_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.to_string_lossy().contains(".jsonl"))
        .collect();
    files.sort();
    files
}

/// Every document written in `dir`, file by file, line by line.
pub fn documents(dir: &Path) -> Vec<Value> {
    jsonl_files(dir)
        .iter()
        .flat_map(|f| {
            read_text(f)
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<Value>>()
        })
        .collect()
}

/// One WARC record, uncompressed.
pub fn warc_record(kind: &str, uri: &str, id: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    warc_record_with_length(kind, uri, id, content_type, block, block.len())
}

/// One WARC record whose Content-Length says `length`, whatever the block is.
pub fn warc_record_with_length(
    kind: &str,
    uri: &str,
    id: &str,
    content_type: &str,
    block: &[u8],
    length: usize,
) -> Vec<u8> {
    let mut record = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-05-18T12:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{id}>\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    )
    .into_bytes();
    record.extend_from_slice(block);
    record.extend_from_slice(b"\r\n\r\n");
    record
}

/// A WET `conversion` record.
pub fn wet_record(n: usize, text: &str) -> Vec<u8> {
    warc_record(
        "conversion",
        &format!("http://example.com/{n}"),
        &format!("00000000-0000-0000-0000-{n:012}"),
        "text/plain",
        text.as_bytes(),
    )
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// Records gzipped one member each, as Common Crawl stores them.
pub fn gzip_members(records: &[Vec<u8>]) -> Vec<u8> {
    records.iter().flat_map(|r| gzip(r)).collect()
}

/// A JSONL line for a document.
pub fn jsonl_line(id: &str, text: &str) -> String {
    format!("{}\n", serde_json::json!({"id": id, "text": text, "source_lang": "en"}))
}

/// Lines of a synthetic site: `n` pages, each with its own paragraphs and a
/// rotating selection of shared navigation lines, for line-dedup workloads.
pub fn synthetic_site(n: usize) -> Vec<String> {
    let nav: Vec<String> = (0..12)
        .map(|i| format!("Menu entry {} of the site", spelled(i)))
        .collect();
    (0..n)
        .map(|page| {
            let mut lines: Vec<String> = (0..4).map(|k| nav[(page + k * 3) % nav.len()].clone()).collect();
            for p in 0..3 {
                // Numbers normalise to 0: tell pages apart with words.
                lines.push(format!("Page {} paragraph {}: its own text", spelled(page), spelled(p)));
            }
            lines.push("Follow us on every network!".to_string());
            lines.join("\n")
        })
        .collect()
}

/// `n` in letters, one per decimal digit: 120 → "bca".
fn spelled(n: usize) -> String {
    n.to_string().bytes().map(|d| char::from(b'a' + d - b'0')).collect()
}
