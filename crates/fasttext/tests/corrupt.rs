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

/// A minimal dense supervised model: the words given (`</s>` first), two
/// labels, dimension 1, eight buckets, and the n-gram settings given.
fn tiny_model(words: &[&[u8]], minn: i32, maxn: i32, word_ngrams: i32) -> Vec<u8> {
    tiny_model_with(words, minn, maxn, word_ngrams, 3, [1, 1])
}

/// [`tiny_model`] with a loss (1 hierarchical softmax, 2 negative sampling,
/// 3 softmax, 4 one-vs-all) and the two labels' training counts.
fn tiny_model_with(
    words: &[&[u8]],
    minn: i32,
    maxn: i32,
    word_ngrams: i32,
    loss: i32,
    label_counts: [i64; 2],
) -> Vec<u8> {
    let mut out = Vec::new();
    let i32s = |out: &mut Vec<u8>, values: &[i32]| values.iter().for_each(|v| out.extend(v.to_le_bytes()));
    let (dim, bucket) = (1, 8);
    i32s(&mut out, &[793_712_314, 12]);
    // dim ws epoch minCount neg wordNgrams loss model(sup) bucket minn maxn lrUpdateRate, then t.
    i32s(
        &mut out,
        &[dim, 5, 5, 1, 5, word_ngrams, loss, 3, bucket, minn, maxn, 100],
    );
    out.extend(1e-4f64.to_le_bytes());
    let labels: [&[u8]; 2] = [b"__label__a", b"__label__b"];
    i32s(&mut out, &[(words.len() + 2) as i32, words.len() as i32, 2]);
    out.extend(1000i64.to_le_bytes());
    out.extend((-1i64).to_le_bytes());
    let entries = words.iter().map(|w| (w, 1, 0u8));
    let entries = entries.chain(labels.iter().zip(label_counts).map(|(l, count)| (l, count, 1u8)));
    for (entry, count, kind) in entries {
        out.extend_from_slice(entry);
        out.push(0);
        out.extend(count.to_le_bytes());
        out.push(kind);
    }
    for rows in [words.len() as i64 + i64::from(bucket), 2] {
        out.push(0);
        out.extend(rows.to_le_bytes());
        out.extend(i64::from(dim).to_le_bytes());
        out.extend(std::iter::repeat_n(0.5f32.to_le_bytes(), rows as usize).flatten());
    }
    out
}

#[test]
fn a_tiny_model_loads_and_predicts() {
    let model = Model::from_bytes(&tiny_model(&[b"</s>", b"chat"], 2, 4, 2)).unwrap();
    assert_eq!(model.labels().count(), 2);
    assert_eq!(model.predict("le chat", 2, 0.0).len(), 2);
}

/// Found writing `fuzz/fuzz_targets/fasttext.rs`: a long word and a huge `maxn`
/// made loading quadratic (this model took 10 s and 800 MB); a huge
/// `wordNgrams` would do the same to every prediction.
#[test]
fn huge_ngram_lengths_are_refused_at_once() {
    let word = vec![b'x'; 20_000];
    for (maxn, word_ngrams) in [(i32::MAX, 1), (4, i32::MAX), (65, 1)] {
        let started = std::time::Instant::now();
        match Model::from_bytes(&tiny_model(&[b"</s>", &word], 1, maxn, word_ngrams)) {
            Err(LoadError::Invalid(detail)) => assert!(detail.contains("n-grams"), "{detail}"),
            Err(other) => panic!("unexpected {other}"),
            Ok(_) => panic!("maxn {maxn}, wordNgrams {word_ngrams} loaded"),
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
    // The largest accepted values still load, the long word included.
    let model = Model::from_bytes(&tiny_model(&[b"</s>", &word], 1, 64, 64)).unwrap();
    assert_eq!(model.predict("x y z", 1, 0.0).len(), 1);
}

/// Fuzzing (`fuzz/fuzz_targets/fasttext.rs`): a label count at or above
/// fastText's 10^15 placeholder made building the hierarchical-softmax tree
/// index past its end (an out-of-bounds read in fastText itself).
#[test]
fn huge_label_counts_build_a_tree() {
    for counts in [[6, 0x0200_0000_0000_0007], [i64::MAX, i64::MAX], [1 << 50, -1]] {
        let model = Model::from_bytes(&tiny_model_with(&[b"</s>", b"chat"], 2, 4, 1, 1, counts)).unwrap();
        assert_eq!(model.predict("le chat", usize::MAX, 0.0).len(), 2);
    }
}
