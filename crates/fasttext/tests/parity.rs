//! Every format variant against the reference implementation's own outputs.
//!
//! `tests/fixtures` holds small random models in each variant (dense `.bin`;
//! quantized `.ftz` with quantized norms, an uneven last sub-quantizer, a
//! quantized output matrix and a pruned dictionary; softmax, hierarchical
//! softmax and one-vs-all; a version-11 model) and what fasttext-predict
//! 0.9.2.4 returned for each line of `texts.txt` with `k = -1`, recorded once
//! by `bench/make_fasttext_fixtures.py`. Labels and probabilities must be
//! bit-identical.

use std::path::Path;
use tamis_fasttext::Model;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn check(model_file: &str) {
    let model = Model::load(&fixtures().join(model_file)).unwrap();
    let texts = std::fs::read_to_string(fixtures().join("texts.txt")).unwrap();
    let expected = std::fs::read_to_string(fixtures().join(format!("{model_file}.expected.jsonl"))).unwrap();
    let texts: Vec<&str> = texts.split('\n').filter(|t| !t.is_empty()).collect();
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(texts.len(), expected.len());
    for (text, line) in texts.iter().zip(expected) {
        let want: serde_json::Value = serde_json::from_str(line).unwrap();
        let got = model.predict(text, usize::MAX, 0.0);
        let labels: Vec<&str> = got.iter().map(|p| p.label).collect();
        let probabilities: Vec<f32> = got.iter().map(|p| p.probability).collect();
        assert_eq!(
            labels,
            want["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap())
                .collect::<Vec<_>>(),
            "{model_file}: {text:?}"
        );
        // The recorded doubles are exact float32 values; serde_json's parse may be
        // one double ulp off, which the narrowing to f32 absorbs.
        let want_probabilities: Vec<f32> = want["probabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(probabilities, want_probabilities, "{model_file}: {text:?}");
    }
}

#[test]
fn dense_softmax() {
    check("softmax.bin");
}

#[test]
fn dense_hierarchical_softmax() {
    check("hs.bin");
}

#[test]
fn dense_one_vs_all() {
    check("ova.bin");
}

#[test]
fn version_11_has_no_subwords() {
    check("v11.bin");
}

#[test]
fn quantized_with_norms_and_uneven_subquantizers() {
    check("hs-quantized.ftz");
}

#[test]
fn quantized_output_and_pruned_dictionary() {
    check("softmax-pruned.ftz");
}
