//! Decision-level parity of the quality steps with datatrove 0.10.1, on the committed fixture
//! `tests/data/quality_fixture.jsonl`: documents written by `bench/quality/make_fixture.py` to hit
//! every rule and tokenizer edge case, with datatrove's decisions (and C4's rewritten text)
//! recorded once by that script. CI does not run datatrove; this test replays its answers.

use std::path::Path;
use tamis_api::{Counters, Document, Step, Verdict};
use tamis_steps::c4_badwords::C4BadWordsConfig;
use tamis_steps::c4_paragraph::C4ParagraphConfig;
use tamis_steps::c4_quality::C4QualityConfig;
use tamis_steps::fineweb_quality::FineWebQualityConfig;
use tamis_steps::gopher_quality::GopherQualityConfig;
use tamis_steps::gopher_repetition::GopherRepetitionConfig;
use tamis_text::{Tokenized, WordTokenizer};

#[test]
fn quality_steps_reproduce_datatrove_decisions() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let badwords: C4BadWordsConfig = serde_json::from_value(
        serde_json::json!({"badwords_dir": data.join("badwords"), "fail_on_missing_language": false}),
    )
    .unwrap();
    let steps: Vec<(&str, Box<dyn Step>)> = vec![
        (
            "gopher_repetition",
            Box::new(GopherRepetitionConfig::default().build().unwrap()),
        ),
        (
            "gopher_quality",
            Box::new(GopherQualityConfig::default().build().unwrap()),
        ),
        ("c4_quality", Box::new(C4QualityConfig::default().build().unwrap())),
        ("c4_paragraph", Box::new(C4ParagraphConfig::default().build().unwrap())),
        (
            "fineweb_quality",
            Box::new(FineWebQualityConfig::default().build().unwrap()),
        ),
        ("c4_badwords", Box::new(badwords.build().unwrap())),
    ];
    let fixture = std::fs::read_to_string(data.join("quality_fixture.jsonl")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in fixture.lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = rec["id"].as_str().unwrap();
        let text = match rec.get("repeat") {
            Some(r) => vec![r[0].as_str().unwrap(); r[1].as_u64().unwrap() as usize].join(" "),
            None => rec["text"].as_str().unwrap().to_string(),
        };
        // The same document as it reaches a step in a pipeline: with the tokens an earlier
        // step built (a document view). Each step must decide as it does alone.
        let tokenizer = WordTokenizer::for_language("en");
        let mut primed = Document::new(id, text.clone());
        primed.metadata.insert("language".into(), rec["lang"].clone());
        primed.view(tokenizer.rules_language(), |t| tokenizer.tokenized(t));
        for (name, step) in &steps {
            let fresh = Document::new(id, text.clone());
            for (mut doc, how) in [(fresh, "alone"), (primed.clone(), "with views")] {
                doc.metadata.insert("language".into(), rec["lang"].clone());
                let got = match step.process(&mut doc, &mut Counters::default()) {
                    Verdict::Keep => "keep".to_string(),
                    Verdict::Drop(r) => r.as_str().to_string(),
                };
                let want = rec["expected"][name].as_str().unwrap();
                checked += 1;
                if got != want {
                    failures.push(format!("{id} {name} ({how}): datatrove {want}, tamis {got}"));
                } else if *name == "c4_quality" && got == "keep" {
                    if doc.text != rec["c4_quality_text"].as_str().unwrap() {
                        failures.push(format!("{id} c4_quality ({how}): rewritten text differs"));
                    }
                    // C4 hands the rewritten text's tokens on: they must be the text's own.
                    let handed = doc.views.get::<Tokenized>(&doc.text, tokenizer.rules_language());
                    if handed.is_some_and(|t| *t != tokenizer.tokenized(&doc.text)) {
                        failures.push(format!("{id} c4_quality ({how}): the rewritten text's tokens differ"));
                    }
                }
            }
        }
    }
    assert!(checked > 1600, "fixture too small: {checked}");
    assert!(
        failures.is_empty(),
        "{} of {checked} decisions differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The FineWeb order on one document, as a pipeline runs it (each step reading the views the
/// steps before it left, C4's rewritten text and tokens included), decides as the same steps
/// on fresh copies of the text.
#[test]
fn a_chain_with_shared_views_decides_as_steps_alone() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let chain: Vec<Box<dyn Step>> = vec![
        Box::new(GopherRepetitionConfig::default().build().unwrap()),
        Box::new(GopherQualityConfig::default().build().unwrap()),
        Box::new(C4QualityConfig::default().build().unwrap()),
        Box::new(FineWebQualityConfig::default().build().unwrap()),
    ];
    let fixture = std::fs::read_to_string(data.join("quality_fixture.jsonl")).unwrap();
    let (mut through, mut rewritten) = (0, 0);
    for line in fixture.lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = match rec.get("repeat") {
            Some(r) => vec![r[0].as_str().unwrap(); r[1].as_u64().unwrap() as usize].join(" "),
            None => rec["text"].as_str().unwrap().to_string(),
        };
        // Also with a citation on a line of its own and lines C4 drops, so that C4 rewrites.
        for text in [
            text.clone(),
            format!("Menu\n{text}\nA line with a citation [1] in it, to be rewritten.\nHome"),
        ] {
            let mut shared = Document::new("d", text.clone());
            let mut alone_text = text;
            for step in &chain {
                let mut alone = Document::new("d", alone_text.clone());
                let want = step.process(&mut alone, &mut Counters::default());
                let got = step.process(&mut shared, &mut Counters::default());
                assert_eq!(got, want, "{}: {:?}", step.name(), alone_text);
                assert_eq!(shared.text, alone.text, "{}", step.name());
                if want != Verdict::Keep {
                    break;
                }
                rewritten += usize::from(alone.text != alone_text);
                alone_text = alone.text;
                through += usize::from(step.name() == "fineweb_quality");
            }
        }
    }
    assert!(
        through > 10 && rewritten > 10,
        "the fixture reaches the end of the chain: {through}, {rewritten}"
    );
}
