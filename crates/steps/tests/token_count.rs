//! `token_count` against Hugging Face `tokenizers` with the `gpt2` tokenizer, on the committed
//! fixture `tests/fixtures/token_count.jsonl`: texts written by `bench/tokens.py fixture` to hit
//! the tokenizer's edge cases (contractions, whitespace runs, numbers, long pieces, scripts
//! without spaces, combining marks, emoji, `<|endoftext|>`, letters of recent Unicode
//! versions), with the counts and ids that `tokenizers` 0.23.3 gave, recorded once by that
//! script. CI does not run `tokenizers`; this test replays its answers.

use std::path::Path;
use tamis_api::{Counters, Document, Verdict};
use tamis_steps::{BuiltStep, StepConfig};

#[test]
fn token_count_reproduces_hugging_face_gpt2() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/token_count.jsonl");
    let fixture = std::fs::read_to_string(path).unwrap();
    let config: Vec<StepConfig> = serde_saphyr::from_str("- token_count: {}").unwrap();
    let BuiltStep::Document(step) = config[0].build().unwrap() else {
        panic!("token_count is a per-document step")
    };
    let (mut counters, mut failures, mut total, mut cases) = (Counters::default(), Vec::new(), 0, 0);
    for line in fixture.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = case["text"].as_str().unwrap();
        let expected = case["token_count"].as_u64().unwrap();
        let ids: Vec<u32> = serde_json::from_value(case["ids"].clone()).unwrap();
        let mut doc = Document::new("d", text);
        assert!(matches!(step.process(&mut doc, &mut counters), Verdict::Keep));
        if doc.metadata["token_count"] != expected {
            failures.push(format!(
                "{text:?}: {} tokens, expected {expected}",
                doc.metadata["token_count"]
            ));
        }
        let ours = tamis_tokens::gpt2().encode(text);
        if ours != ids {
            failures.push(format!("{text:?}: ids {ours:?}, expected {ids:?}"));
        }
        total += expected;
        cases += 1;
    }
    assert!(cases >= 50, "the fixture has {cases} texts");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(counters.iter().collect::<Vec<_>>(), [("tokens", total)]);
}
