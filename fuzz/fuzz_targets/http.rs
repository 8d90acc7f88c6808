//! The bytes as the HTTP block of one WARC `response` record (status line,
//! headers, chunking, content coding, then charset decoding): exactly one
//! record comes out, a document whose payload fits the limit, a skip if the
//! block is not HTTP, or `record_too_large`. Then `tamis_read::charset` on
//! the bytes directly, with and without a declared charset (docs/hardening.md).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use tamis_read::charset::{self, CharsetSource};
use tamis_read::{Format, ReadErrorKind, ReadOptions, Record};

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

fuzz_target!(|data: &[u8]| {
    response_record(data);
    // First byte: the length of a declared charset label taken from the next bytes.
    let (label, bytes) = match data.split_first() {
        Some((&n, rest)) => rest.split_at((n as usize % 32).min(rest.len())),
        None => (&data[..0], data),
    };
    let label = String::from_utf8_lossy(label);
    for declared in [None, Some(label.as_ref())] {
        check_decoded(bytes, declared);
    }
    let utf8 = charset::into_string(bytes.to_vec());
    assert_eq!(utf8.is_ok(), std::str::from_utf8(bytes).is_ok());
    if let Err(back) = utf8 {
        assert_eq!(back, bytes);
    }
});

fn response_record(block: &[u8]) {
    let mut warc = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/\r\n\
         WARC-Record-ID: <urn:uuid:fuzz>\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    warc.extend_from_slice(block);
    warc.extend_from_slice(b"\r\n\r\n");
    let options = ReadOptions {
        max_record_bytes: common::MAX_RECORD_BYTES,
        ..ReadOptions::default()
    };
    let records: Vec<Record> = tamis_read::open_reader(
        Box::new(std::io::Cursor::new(warc)),
        "fuzz.warc".into(),
        Format::Warc,
        &options,
        std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0)),
    )
    .collect();
    assert_eq!(records.len(), 1, "{records:?}");
    match records.into_iter().next().unwrap() {
        Record::Document(undecoded) => {
            assert!(block.starts_with(b"HTTP/"));
            let len = undecoded.len();
            assert!(len as u64 <= common::MAX_RECORD_BYTES);
            let doc = undecoded.decode().expect("web payloads always decode");
            assert!(doc.text.len() <= 3 * len + 3);
            assert_eq!(doc.url.as_deref(), Some("http://example.com/"));
            assert!(doc.metadata.contains_key("charset"));
        }
        Record::Skipped(kind) => {
            assert_eq!(kind, "response_not_http");
            assert!(!block.starts_with(b"HTTP/"));
        }
        Record::Error(err) => assert_eq!(err.kind, ReadErrorKind::RecordTooLarge, "{err}"),
    }
}

fn check_decoded(bytes: &[u8], declared: Option<&str>) {
    let decoded = charset::decode(bytes.to_vec(), declared);
    assert!(decoded.text.len() <= 3 * bytes.len() + 3);
    if declared.is_none() {
        assert_ne!(decoded.source, CharsetSource::Declared);
    }
    if std::str::from_utf8(bytes).is_ok() && decoded.source != CharsetSource::Bom && !bytes.is_ascii() {
        // Valid UTF-8 with non-ASCII bytes is UTF-8 whatever is declared.
        assert_eq!(decoded.encoding, "UTF-8");
    }
    if decoded.encoding == "UTF-8" && !decoded.had_errors {
        let text = decoded.text.as_bytes();
        assert!(
            text == bytes || (bytes.starts_with(UTF8_BOM) && text == &bytes[UTF8_BOM.len()..]),
            "UTF-8 without errors changed the bytes"
        );
    }
}
