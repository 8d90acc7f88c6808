//! The storage layer against real servers on 127.0.0.1: SeaweedFS for S3 (the
//! conformance suite, resets, a crash, a vanished object) and a static HTTP
//! server with range requests. Each test starts and stops its own servers.

use std::io::{ErrorKind, Read};
use std::sync::Arc;
use std::time::Duration;
use tamis_io::{conformance, registry, Location, RetryPolicy, Storage};
use tamis_testkit::{FaultProxy, HttpServer, SeaweedFs};

fn bucket(endpoint: &str, retry: RetryPolicy) -> Arc<dyn Storage> {
    let settings = [
        ("aws_endpoint", endpoint),
        ("aws_access_key_id", tamis_testkit::seaweedfs::ACCESS_KEY),
        ("aws_secret_access_key", tamis_testkit::seaweedfs::SECRET_KEY),
        ("aws_region", "us-east-1"),
    ];
    registry::s3_bucket("tamis-test", &settings, retry).unwrap()
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 40,
        timeout: Duration::from_secs(120),
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_secs(3),
    }
}

/// Bytes that do not compress or repeat, so a misplaced range shows.
fn noise(len: usize) -> Vec<u8> {
    tamis_testkit::noise(len, 0x9e37_79b9_7f4a_7c15)
}

#[test]
fn s3_storage_conforms() {
    let server = SeaweedFs::start();
    let root = Location::new(bucket(&server.endpoint(), RetryPolicy::default()), "conformance".into());
    conformance::check_all(&root);
}

#[test]
fn s3_reads_resume_after_connection_resets() {
    let server = SeaweedFs::start();
    let direct = Location::new(bucket(&server.endpoint(), quick_retries()), "big.bin".into());
    let bytes = noise(20 << 20);
    direct.write(&bytes).unwrap();
    let proxy = FaultProxy::start(server.s3_port());
    let through = Location::new(
        bucket(&format!("http://127.0.0.1:{}", proxy.port()), quick_retries()),
        "big.bin".into(),
    );
    proxy.reset_next(3, 3 << 20);
    let mut back = Vec::new();
    through.open().unwrap().read_to_end(&mut back).unwrap();
    assert_eq!(proxy.resets(), 3, "the proxy cut three responses");
    assert!(back == bytes, "the resumed read differs ({} bytes read)", back.len());
}

#[test]
fn s3_reads_fail_cleanly_while_the_server_is_down_and_resume_once_it_is_back() {
    let mut server = SeaweedFs::start();
    let file = Location::new(bucket(&server.endpoint(), quick_retries()), "restart.bin".into());
    let bytes = noise(12 << 20);
    file.write(&bytes).unwrap();
    let mut reader = file.open().unwrap();
    let mut first = vec![0; 1 << 20];
    reader.read_exact(&mut first).unwrap();

    server.kill();
    let impatient = RetryPolicy {
        max_retries: 2,
        timeout: Duration::from_secs(5),
        ..quick_retries()
    };
    let down = Location::new(bucket(&server.endpoint(), impatient), "restart.bin".into());
    let err = down.read().unwrap_err();
    assert!(
        err.to_string().contains("s3://tamis-test/restart.bin"),
        "the error names the object: {err}"
    );

    // The reader opened before the crash resumes from where it stopped.
    server.restart();
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).unwrap();
    first.extend(rest);
    assert!(first == bytes, "the read across the restart differs");
}

#[test]
fn an_object_that_vanishes_after_listing_is_a_named_not_found() {
    let server = SeaweedFs::start();
    let dir = Location::new(bucket(&server.endpoint(), quick_retries()), "vanish".into());
    dir.join("a.jsonl").write(b"{}\n").unwrap();
    let listed = dir.list().unwrap();
    dir.join("a.jsonl").delete().unwrap();
    let err = listed[0].0.open().err().expect("opening a deleted object fails");
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(err.to_string().contains("s3://tamis-test/vanish/a.jsonl"), "{err}");
}

#[test]
fn http_reads_stream_resume_and_refuse_writes() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = noise(6 << 20);
    std::fs::create_dir_all(dir.path().join("crawl-data")).unwrap();
    std::fs::write(dir.path().join("crawl-data/a.warc.gz"), &bytes).unwrap();
    let server = HttpServer::start(dir.path());
    let proxy = FaultProxy::start(server.port());
    let file = Location::parse(&format!("http://127.0.0.1:{}/crawl-data/a.warc.gz", proxy.port())).unwrap();
    assert_eq!(file.size().unwrap(), bytes.len() as u64);
    assert_eq!(file.read_range(100..110).unwrap(), &bytes[100..110]);
    proxy.reset_next(2, 1 << 20);
    let mut back = Vec::new();
    file.open().unwrap().read_to_end(&mut back).unwrap();
    assert_eq!(proxy.resets(), 2);
    assert!(back == bytes, "the resumed HTTP read differs");
    let missing = Location::parse(&format!("{}/nothing.gz", server.url())).unwrap();
    assert_eq!(missing.open().err().unwrap().kind(), ErrorKind::NotFound);
    let refused = file.write(b"x").unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Unsupported, "{refused}");
}
