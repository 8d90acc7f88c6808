//! Parity with datatrove 0.10.1: the fixture `fixtures/minhash_parity.jsonl` holds
//! generated texts with what datatrove computed for them (normalised text, words
//! of its spaCy English tokenizer, signature), recorded once by
//! `bench/minhash_parity.py`.

use serde::Deserialize;
use tamis_dedup::normalize::Normalizer;
use tamis_dedup::{HashFunction, Minhasher, SignatureConfig};

#[derive(Deserialize)]
struct Case {
    config: String,
    text: String,
    normalized: String,
    words: Vec<String>,
    signature: Option<Vec<u64>>,
}

fn cases() -> Vec<Case> {
    let text = include_str!("fixtures/minhash_parity.jsonl");
    text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

fn config(name: &str) -> SignatureConfig {
    let default = SignatureConfig::default();
    match name {
        "default" => default,
        "sha1" => SignatureConfig {
            hash: HashFunction::Sha1,
            ..default
        },
        "xxhash32" => SignatureConfig {
            precision: 32,
            ..default
        },
        "small" => SignatureConfig {
            n_grams: 3,
            num_buckets: 4,
            hashes_per_bucket: 5,
            seed: 42,
            ..default
        },
        other => panic!("unknown config {other}"),
    }
}

#[test]
fn normalisation_matches_simplify_text() {
    let mut normalizer = Normalizer::default();
    for case in cases() {
        assert_eq!(
            normalizer.normalize(&case.text),
            case.normalized,
            "text {:?}",
            case.text
        );
    }
}

#[test]
fn signatures_of_the_reference_words_are_bit_identical() {
    let cases = cases();
    let mut checked = 0;
    for case in &cases {
        let hasher = Minhasher::with_space_words(config(&case.config));
        let words: Vec<&str> = case.words.iter().map(String::as_str).collect();
        let mut signature = Vec::new();
        let some = hasher.permute(&hasher.shingles_of_words(&words), &mut signature);
        assert_eq!(some, case.signature.is_some(), "text {:?}", case.text);
        if let Some(expected) = &case.signature {
            assert_eq!(&signature, expected, "config {} text {:?}", case.config, case.text);
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked}");
}

/// End to end, text → signature, with tamis-text's spaCy-compatible tokenizer.
#[test]
fn signatures_of_texts_are_bit_identical() {
    for case in cases() {
        let hasher = Minhasher::with_text_words(config(&case.config));
        let mut signature = Vec::new();
        hasher.signature(&case.text, &mut signature);
        assert_eq!(
            Some(signature).filter(|s| !s.is_empty()),
            case.signature,
            "text {:?}",
            case.text
        );
    }
}

/// The tokenizer gives spaCy's words on normalised text.
#[test]
fn words_match_spacy() {
    let tokenizer = tamis_dedup::TextWords::for_language("en");
    for case in cases() {
        let mut words = Vec::new();
        tamis_dedup::WordSplitter::split(&tokenizer, &case.normalized, &mut words);
        assert_eq!(words, case.words, "normalised {:?}", case.normalized);
    }
}
