//! Damaged model files give an error, never a panic or a huge allocation: a
//! model path comes from a user's pipeline file.

use std::path::Path;
use tamis_fasttext::{LoadError, Model};

const MODELS: [&str; 3] = ["softmax.bin", "hs-quantized.ftz", "softmax-pruned.ftz"];

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)).unwrap()
}

#[test]
fn every_truncation_is_an_error() {
    for name in MODELS {
        let whole = bytes(name);
        for len in (0..whole.len()).step_by(37) {
            match Model::from_bytes(&whole[..len]) {
                Err(LoadError::Truncated(_) | LoadError::NotFastText) => {}
                Err(other) => panic!("{name} cut at {len}: unexpected {other}"),
                Ok(_) => panic!("{name} cut at {len} loaded"),
            }
        }
    }
}

#[test]
fn flipped_bytes_never_panic() {
    // A fixed linear congruential generator: the same damage on every run.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for name in MODELS {
        let whole = bytes(name);
        for _ in 0..300 {
            let mut damaged = whole.clone();
            // Damage the header and dictionary more often: that is where sizes live.
            let position = if next() % 2 == 0 {
                next() % 400.min(whole.len())
            } else {
                next() % whole.len()
            };
            damaged[position] ^= 1 << (next() % 8);
            if let Ok(model) = Model::from_bytes(&damaged) {
                for text in ["le chat dort", "", "</s> x", "ñandú 東京 🙂"] {
                    let _ = model.predict(text, usize::MAX, 0.0);
                }
            }
        }
    }
}

#[test]
fn other_files_are_refused_by_name() {
    assert!(matches!(
        Model::from_bytes(b"WARC/1.1\r\n"),
        Err(LoadError::NotFastText)
    ));
    let mut newer = bytes("softmax.bin");
    newer[4] = 13;
    assert!(matches!(
        Model::from_bytes(&newer),
        Err(LoadError::UnsupportedVersion(13))
    ));
    assert!(matches!(
        Model::load(Path::new("/nonexistent.bin")),
        Err(LoadError::Io(_))
    ));
}
