//! The quality steps and presets through the binary: the `fineweb` preset on the bundled
//! example, `fineweb2` on French text, and the drop reasons in the stats.

use crate::util::{documents, jsonl_line, Dir};

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn fineweb_preset_runs_end_to_end_on_the_example() {
    let dir = Dir::new();
    dir.pipeline(&format!(
        "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: out/, removed: out/removed/ }}\nsteps:\n  - preset: {{ name: fineweb }}\n",
        example("news.warc.gz")
    ));
    dir.run_ok(&[]);
    let stats = dir.stats("out");
    assert_eq!(stats["read"]["documents"], 36);
    let steps: Vec<&str> = stats["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "extract",
            "language",
            "gopher_repetition",
            "gopher_quality",
            "c4_quality",
            "fineweb_quality",
            "pii"
        ]
    );
    // The example is a French site: the English filter keeps only the English pages.
    assert_eq!(stats["steps"][1]["dropped"]["wrong_language"], 34);
    let kept = documents(&dir.path("out")).len();
    let removed = documents(&dir.path("out/removed")).len();
    assert_eq!(kept + removed, 36);
}

#[test]
fn fineweb2_preset_takes_a_language() {
    let dir = Dir::new();
    let good = "Le ministre de la Défense a parlé avec son homologue pendant une heure et les deux pays ont \
                décidé de renforcer leur coopération dans le domaine de la sécurité maritime. "
        .repeat(3);
    let input = format!(
        "{}{}",
        jsonl_line("fr-1", &good),
        jsonl_line("fr-2", "Accueil\nContact\nMenu")
    );
    dir.write("in.jsonl", input.as_bytes());
    dir.pipeline(
        "input: { paths: [in.jsonl], format: jsonl }\noutput: { path: out/, removed: out/removed/ }\nsteps:\n  - preset: { name: fineweb2, language: fra_Latn }\n",
    );
    dir.run_ok(&[]);
    let kept = documents(&dir.path("out"));
    let removed = documents(&dir.path("out/removed"));
    assert_eq!(kept.len() + removed.len(), 2);
    assert!(removed.iter().any(|d| d["id"] == "fr-2"));
}

#[test]
fn unknown_fineweb2_language_is_a_config_error() {
    let dir = Dir::new();
    dir.write("in.jsonl", b"");
    dir.pipeline(
        "input: { paths: [in.jsonl], format: jsonl }\noutput: { path: out/ }\nsteps:\n  - preset: { name: fineweb2, language: qqq }\n",
    );
    let out = dir.tamis(&["run", "pipeline.yaml"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("FineWeb-2"));
}
