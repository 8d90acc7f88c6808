//! `pii` through the binary: kept documents redacted, removed ones too (the
//! default) or not (`redact_removed: false`), counters in the stats.

use crate::util::*;
use serde_json::Value;

fn run(redact_removed: bool) -> (Vec<Value>, Vec<Value>, Value) {
    let dir = Dir::new();
    let input = [
        jsonl_line(
            "kept",
            "Please write to jane.doe@mail.example or use the server at 8.8.8.8, not the one at home (192.168.0.1).",
        ),
        jsonl_line(
            "french",
            "Écrivez-moi à a@b.org, je vous répondrai dès que possible, merci beaucoup.",
        ),
    ]
    .concat();
    dir.write("in.jsonl", input.as_bytes());
    dir.pipeline(&format!(
        "input: {{ paths: [in.jsonl], format: jsonl }}\noutput: {{ path: out/, removed: out/removed/ }}\nsteps:\n  \
         - language: {{ languages: [en] }}\n  \
         - pii: {{ redact_removed: {redact_removed} }}\n"
    ));
    dir.run_ok(&[]);
    (
        documents(&dir.path("out")),
        documents(&dir.path("out/removed")),
        dir.stats("out"),
    )
}

#[test]
fn kept_and_removed_documents_are_redacted() {
    let (kept, removed, stats) = run(true);
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0]["text"],
        "Please write to email@example.com or use the server at 22.214.171.124, not the one at home (192.168.0.1)."
    );
    // Removed by the step before `pii`, redacted all the same.
    assert_eq!(removed.len(), 1);
    assert_eq!(
        removed[0]["text"],
        "Écrivez-moi à email@example.com, je vous répondrai dès que possible, merci beaucoup."
    );
    let pii = stats["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "pii")
        .unwrap();
    assert_eq!(pii["counters"]["emails"], 1, "{pii}");
    assert_eq!(pii["counters"]["ips"], 1, "{pii}");

    let (_, removed, _) = run(false);
    assert!(removed[0]["text"].as_str().unwrap().contains("a@b.org"));
}
