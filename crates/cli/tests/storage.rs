//! Pipelines where corpora live: the running example from `s3://` to `s3://`
//! on a real S3 server (SeaweedFS on 127.0.0.1), through connection resets,
//! across a server killed in the middle of a run, with a truncated object and
//! a missing one; and from `http://` through a paths file.

use crate::util::{gzip, read_text, Dir};
use serde_json::Value;
use std::io::Read;
use std::sync::Arc;
use tamis_io::{registry, Location, RetryPolicy, Storage};
use tamis_testkit::{FaultProxy, HttpServer, SeaweedFs};

const BUCKET: &str = "tamis-test";

pub(crate) fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn bucket(server: &SeaweedFs) -> Arc<dyn Storage> {
    let endpoint = server.endpoint();
    let settings = [
        ("aws_endpoint", endpoint.as_str()),
        ("aws_access_key_id", tamis_testkit::seaweedfs::ACCESS_KEY),
        ("aws_secret_access_key", tamis_testkit::seaweedfs::SECRET_KEY),
        ("aws_region", "us-east-1"),
    ];
    registry::s3_bucket(BUCKET, &settings, RetryPolicy::default()).unwrap()
}

pub(crate) fn object(server: &SeaweedFs, key: &str) -> Location {
    Location::new(bucket(server), key.to_string())
}

/// The example pipeline with its input and output moved to `input` and `output`.
fn example_pipeline(input: &str, output: &str) -> String {
    std::fs::read_to_string(example("pipeline.yaml"))
        .unwrap()
        .replace("\"examples/news.warc.gz\"", &format!("{input:?}"))
        .replace("out/example/", output)
}

/// Runs `tamis ARGS` with the server's credentials and endpoint (or `endpoint`).
pub(crate) fn tamis_on(dir: &Dir, server: &SeaweedFs, endpoint: Option<&str>, args: &[&str]) -> std::process::Output {
    let env = match endpoint {
        Some(endpoint) => server.env_for(endpoint),
        None => server.env(),
    };
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    dir.tamis_with_env(args, &env)
}

pub(crate) fn succeeded(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "tamis failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every document in the JSONL parts directly under `dir`, sorted by id, with
/// `metadata.source` (the input's own path or URL) left out.
fn documents_in(dir: &Location) -> Vec<Value> {
    let mut docs: Vec<Value> = dir
        .list_dir()
        .unwrap()
        .files
        .iter()
        .filter(|(file, _)| file.file_name().contains(".jsonl"))
        .flat_map(|(file, _)| {
            let bytes = file.read().unwrap();
            let mut text = String::new();
            flate2::read::MultiGzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .unwrap();
            text.lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .collect::<Vec<_>>()
        })
        .map(|mut doc| {
            doc["metadata"].as_object_mut().unwrap().remove("source");
            doc
        })
        .collect();
    docs.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    docs
}

fn local_documents(dir: &Dir, output: &str) -> Vec<Value> {
    documents_in(&Location::parse(dir.path(output).to_str().unwrap()).unwrap())
}

pub(crate) fn s3_stats(server: &SeaweedFs, output: &str) -> Value {
    let stats = object(server, &format!("{output}/stats.json")).read().unwrap();
    let checked: tamis_api::Stats = serde_json::from_slice(&stats).unwrap();
    checked.check_conservation().unwrap();
    serde_json::from_slice(&stats).unwrap()
}

/// The example's kept and removed documents, run locally.
fn local_run() -> (Vec<Value>, Vec<Value>) {
    let dir = Dir::new();
    dir.pipeline(&example_pipeline(&example("news.warc.gz"), "out/"));
    dir.run_ok(&[]);
    (local_documents(&dir, "out"), local_documents(&dir, "out/removed"))
}

#[test]
fn the_example_runs_from_s3_to_s3_as_it_runs_locally() {
    let server = SeaweedFs::start();
    object(&server, "crawl/CC-MAIN-2024-10/news.warc.gz")
        .write(&std::fs::read(example("news.warc.gz")).unwrap())
        .unwrap();
    let dir = Dir::new();
    dir.pipeline(&example_pipeline(
        "s3://tamis-test/crawl/*/*.warc.gz",
        "s3://tamis-test/out/",
    ));
    succeeded(&tamis_on(&dir, &server, None, &["run", "pipeline.yaml", "--quiet"]));

    let (kept, removed) = local_run();
    assert_eq!(documents_in(&object(&server, "out")), kept);
    assert_eq!(documents_in(&object(&server, "out/removed")), removed);
    let stats = s3_stats(&server, "out");
    assert_eq!(stats["kept"], 30);
    assert!(object(&server, "out/completions/00000").exists().unwrap());
    assert!(
        !object(&server, "out/.locks/00000").exists().unwrap(),
        "the lease outlived the run"
    );

    // Run again: the completed task is skipped, nothing is rewritten.
    let again = tamis_on(&dir, &server, None, &["run", "pipeline.yaml"]);
    succeeded(&again);
    assert!(String::from_utf8_lossy(&again.stderr).contains("task 0 was already complete"));
}

#[test]
fn connection_resets_in_the_middle_of_bodies_are_resumed() {
    let server = SeaweedFs::start();
    object(&server, "crawl/news.warc.gz")
        .write(&std::fs::read(example("news.warc.gz")).unwrap())
        .unwrap();
    let proxy = FaultProxy::start(server.s3_port());
    proxy.reset_next(3, 40_000);
    let dir = Dir::new();
    dir.pipeline(&example_pipeline(
        "s3://tamis-test/crawl/news.warc.gz",
        "s3://tamis-test/out/",
    ));
    let endpoint = format!("http://127.0.0.1:{}", proxy.port());
    succeeded(&tamis_on(
        &dir,
        &server,
        Some(&endpoint),
        &["run", "pipeline.yaml", "--quiet"],
    ));
    assert_eq!(proxy.resets(), 3, "the proxy cut three responses");
    let stats = s3_stats(&server, "out");
    assert_eq!(stats["read"]["errors"], serde_json::json!({}), "a reset cost records");
    assert_eq!(documents_in(&object(&server, "out")), local_run().0);
}

#[test]
fn a_server_killed_mid_run_fails_the_task_cleanly_and_a_rerun_completes_it_once() {
    let mut server = SeaweedFs::start();
    // Many shards, so that the server dies while tasks are writing.
    let site = crate::util::synthetic_site(3000);
    for shard in 0..6 {
        let lines: String = site
            .iter()
            .enumerate()
            .map(|(i, text)| crate::util::jsonl_line(&format!("s{shard}-{i}"), &format!("Shard {shard}\n{text}")))
            .collect();
        object(&server, &format!("in/shard-{shard}.jsonl.gz"))
            .write(&gzip(lines.as_bytes()))
            .unwrap();
    }
    let pipeline = "input: { paths: [\"s3://tamis-test/in/\"], format: jsonl }\n\
                    output: { path: \"s3://tamis-test/out/\", format: jsonl.gz, removed: \"s3://tamis-test/out/removed/\" }\n\
                    steps:\n  - line_dedup: { min_docs: 3 }\n";
    let dir = Dir::new();
    dir.pipeline(pipeline);
    let mut env = server.env();
    env.push(("TAMIS_IO_MAX_RETRIES".into(), "1".into()));
    env.push(("TAMIS_IO_RETRY_TIMEOUT".into(), "2".into()));
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_tamis"))
        .args(["run", "pipeline.yaml", "--tasks", "6", "--workers", "2", "--quiet"])
        .current_dir(dir.dir.path())
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Kill the server once the first task has committed, while others run.
    let first = object(&server, "out/completions/00000");
    let started = std::time::Instant::now();
    while !first.exists().unwrap_or(false) && started.elapsed().as_secs() < 120 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    server.kill();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        eprintln!("the run finished before the server died; the re-run below still checks the output");
    } else {
        assert_eq!(
            output.status.code(),
            Some(1),
            "a dead server fails tasks, not the configuration: {stderr}"
        );
        assert!(
            stderr.contains("s3://tamis-test/"),
            "the error names the object: {stderr}"
        );
    }
    server.restart();
    succeeded(&tamis_on(
        &dir,
        &server,
        None,
        &["run", "pipeline.yaml", "--tasks", "6", "--workers", "2", "--quiet"],
    ));

    let clean = Dir::new();
    for shard in 0..6 {
        let bytes = object(&server, &format!("in/shard-{shard}.jsonl.gz")).read().unwrap();
        clean.write(&format!("in/shard-{shard}.jsonl.gz"), &bytes);
    }
    clean.pipeline("input: { paths: [in/], format: jsonl }\noutput: { path: out/, format: jsonl.gz, removed: out/removed/ }\nsteps:\n  - line_dedup: { min_docs: 3 }\n");
    clean.run_ok(&["--tasks", "6"]);
    for sub in ["out", "out/removed"] {
        let local = local_documents(&clean, sub);
        assert_eq!(
            documents_in(&object(&server, sub)),
            local,
            "{sub} differs from a clean run"
        );
    }
    // Byte for byte, file by file.
    for (file, _) in object(&server, "out").list_dir().unwrap().files {
        let name = file.file_name().to_string();
        if name.contains(".jsonl") {
            assert!(
                file.read().unwrap() == std::fs::read(clean.path("out").join(&name)).unwrap(),
                "{name}"
            );
        }
    }
    assert_eq!(s3_stats(&server, "out")["read"]["documents"], 18000);
}

#[test]
fn truncated_and_missing_objects_are_counted_read_errors() {
    let server = SeaweedFs::start();
    let bytes = std::fs::read(example("news.warc.gz")).unwrap();
    object(&server, "crawl/whole.warc.gz").write(&bytes).unwrap();
    object(&server, "crawl/truncated.warc.gz")
        .write(&bytes[..bytes.len() / 2])
        .unwrap();
    let dir = Dir::new();
    dir.write(
        "paths.txt",
        b"crawl/whole.warc.gz\ncrawl/truncated.warc.gz\ncrawl/gone.warc.gz\n",
    );
    dir.pipeline(
        "input: { paths_file: paths.txt, base: \"s3://tamis-test/\", format: warc }\n\
         output: { path: \"s3://tamis-test/out/\", format: jsonl.gz }\nsteps:\n  - extract: {}\n",
    );
    succeeded(&tamis_on(&dir, &server, None, &["run", "pipeline.yaml", "--quiet"]));
    let stats = s3_stats(&server, "out");
    let errors = &stats["read"]["errors"];
    assert_eq!(errors["gzip_truncated"]["count"], 1, "{errors}");
    assert_eq!(errors["io"]["count"], 1, "{errors}");
    let missing = &errors["io"]["samples"][0];
    assert_eq!(missing["file"], "s3://tamis-test/crawl/gone.warc.gz");
    assert!(missing["detail"].as_str().unwrap().contains("cannot open"), "{missing}");
    assert_eq!(stats["read"]["files"], 3);
    assert!(
        stats["kept"].as_u64().unwrap() >= 36,
        "the whole file and the truncated one's first half are read"
    );
}

#[test]
fn http_inputs_come_through_a_paths_file_with_a_base() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("crawl-data/CC-MAIN-2024-10")).unwrap();
    std::fs::copy(
        example("news.warc.gz"),
        site.path().join("crawl-data/CC-MAIN-2024-10/news.warc.gz"),
    )
    .unwrap();
    let server = HttpServer::start(site.path());
    let dir = Dir::new();
    dir.write("warc.paths.gz", &gzip(b"crawl-data/CC-MAIN-2024-10/news.warc.gz\n"));
    let pipeline = example_pipeline("unused", "out/").replace(
        "paths: [\"unused\"]",
        &format!("paths_file: warc.paths.gz\n  base: {}/", server.url()),
    );
    dir.pipeline(&pipeline);
    dir.run_ok(&[]);
    assert!(server.requests() > 0);
    let kept = local_documents(&dir, "out");
    assert_eq!(kept, local_run().0);
    let text = read_text(&dir.path("out/stats.json"));
    assert!(text.contains("\"documents\": 36"), "{text}");
}
