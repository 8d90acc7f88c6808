//! What the reader targets share: how the fuzz bytes are stored (the first
//! byte picks the compression) and the invariants every reader must keep.
#![allow(dead_code)]

use std::io::{Cursor, Read, Write};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use tamis_read::{Format, ReadErrorKind, ReadOptions, Record};

/// Small, so that the `record_too_large` paths are reached by small inputs.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;
/// Raw input is decompressed once to bound the records; a stream that
/// inflates past this is not measured (the bound is then not checked).
const MEASURE_LIMIT: u64 = 64 << 20;
/// The suffix a read error's detail gets when its offset is not in the stored file.
const DECOMPRESSED_SUFFIX: &str = "(offset in the decompressed stream)";

/// How the fuzz bytes reach the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// As they are (which covers gzip and zstd bytes the fuzzer made itself).
    Raw,
    /// One gzip member.
    Gzip,
    /// One zstd frame.
    Zstd,
    /// One gzip member per record (Common Crawl's layout).
    Members,
}

/// Splits `data` into its storage (first byte) and payload (the rest), and
/// stores it: the stored bytes and, when known, the decompressed length.
/// `record_starts` gives where the payload's records start, for `Members`.
pub fn store(data: &[u8], record_starts: fn(&[u8]) -> Vec<usize>) -> (Storage, Vec<u8>, Option<u64>) {
    let Some((&first, payload)) = data.split_first() else {
        return (Storage::Raw, Vec::new(), Some(0));
    };
    let storage = match first % 4 {
        0 => Storage::Raw,
        1 => Storage::Gzip,
        2 => Storage::Zstd,
        _ => Storage::Members,
    };
    let stored = match storage {
        Storage::Raw => return (storage, payload.to_vec(), decompressed_len(payload)),
        Storage::Gzip => gzip(payload),
        Storage::Zstd => zstd::encode_all(payload, 1).unwrap(),
        Storage::Members => {
            let mut cuts = record_starts(payload);
            cuts.retain(|&at| at > 0 && at < payload.len());
            cuts.insert(0, 0);
            cuts.push(payload.len());
            cuts.dedup();
            cuts.windows(2).flat_map(|w| gzip(&payload[w[0]..w[1]])).collect()
        }
    };
    // Empty payloads: gzip and zstd of nothing decompress to nothing.
    (storage, stored, Some(payload.len() as u64))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// How many bytes the reader's own decompression gives for `stored`, errors
/// and resyncs included; `None` past `MEASURE_LIMIT`.
fn decompressed_len(stored: &[u8]) -> Option<u64> {
    let input =
        tamis_read::compression::open_reader(Box::new(Cursor::new(stored.to_vec())), Arc::new(AtomicU64::new(0)))
            .ok()?;
    // As the readers do: only a corrupt gzip member is read past (the stream
    // resumes at the next member, having consumed at least one stored byte);
    // any other failure ends the file.
    let resumes = input.locator.codec == tamis_read::compression::Codec::Gzip;
    let mut reader = input.reader;
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 << 10];
    let mut failures = 0usize;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Some(total),
            Ok(n) => total += n as u64,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) if !resumes || err.kind() == std::io::ErrorKind::UnexpectedEof => return Some(total),
            Err(_) => {
                failures += 1;
                assert!(
                    failures <= stored.len() + 1,
                    "gzip decompression fails forever on {} stored bytes",
                    stored.len()
                );
            }
        }
        if total > MEASURE_LIMIT {
            return None;
        }
    }
}

/// Reads `stored` as `format` and decodes every document, checking what
/// must hold whatever the bytes. Returns the records, kinds only.
pub fn read_all(stored: Vec<u8>, decompressed: Option<u64>, format: Format) -> Vec<&'static str> {
    let stored_len = stored.len() as u64;
    let options = ReadOptions {
        max_record_bytes: MAX_RECORD_BYTES,
        ..ReadOptions::default()
    };
    let records = tamis_read::open_reader(
        Box::new(Cursor::new(stored)),
        "fuzz.input".into(),
        format,
        &options,
        Arc::new(AtomicU64::new(0)),
    );
    // Every record consumes at least one decompressed byte, or one stored
    // byte when a corrupt gzip member is skipped; the first may be reported
    // with the junk before it.
    let bound = decompressed.map(|d| d + stored_len + 2);
    let mut kinds = Vec::new();
    for record in records {
        if let Some(bound) = bound {
            assert!(
                (kinds.len() as u64) < bound,
                "more than {bound} records from {stored_len} stored bytes"
            );
        }
        match record {
            Record::Document(undecoded) => {
                let len = undecoded.len();
                assert!(len as u64 <= MAX_RECORD_BYTES, "a document of {len} bytes");
                match undecoded.decode() {
                    Ok(doc) => {
                        // At worst every byte becomes a 3-byte U+FFFD.
                        assert!(
                            doc.text.len() <= 3 * len + 3,
                            "{} bytes of text from {len}",
                            doc.text.len()
                        );
                        if format == Format::Warc {
                            let offset = doc.metadata["offset"].as_u64().unwrap();
                            if !doc.metadata.contains_key("offset_in") {
                                assert!(offset < stored_len, "document at offset {offset} of {stored_len}");
                            }
                            let kind = doc.metadata["warc_type"].as_str().unwrap();
                            assert!(matches!(kind, "response" | "resource" | "conversion"), "{kind}");
                        }
                        kinds.push("document");
                    }
                    Err(err) => {
                        assert_ne!(err.kind, ReadErrorKind::DecodePanic, "{err}");
                        let expected: &[ReadErrorKind] = match format {
                            Format::Warc => &[ReadErrorKind::InvalidUtf8],
                            _ => &[
                                ReadErrorKind::InvalidUtf8,
                                ReadErrorKind::BadJson,
                                ReadErrorKind::MissingText,
                            ],
                        };
                        assert!(expected.contains(&err.kind), "{err}");
                        kinds.push("decode_error");
                    }
                }
            }
            Record::Skipped(_) => kinds.push("skipped"),
            Record::Error(err) => {
                assert_ne!(err.kind, ReadErrorKind::DecodePanic, "{err}");
                if !err.detail.ends_with(DECOMPRESSED_SUFFIX) {
                    assert!(err.offset <= stored_len, "{err} (of {stored_len} bytes)");
                }
                kinds.push(err.kind.as_str());
            }
        }
    }
    kinds
}
