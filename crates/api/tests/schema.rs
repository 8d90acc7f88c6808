//! `stats.json` files of every schema version stay readable: fixtures written
//! by the tamis of each version (the example pipeline's run) are frozen here.

use tamis_api::{Stats, SCHEMA_VERSION};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn version_1_stats_still_read() {
    let stats: Stats = serde_json::from_str(&fixture("stats-v1.json")).unwrap();
    assert_eq!(stats.schema_version, 1);
    assert_eq!(stats.read.documents, 36);
    assert_eq!(stats.kept, 30);
    assert!(stats
        .steps
        .iter()
        .all(|s| s.config.is_null() && s.histograms.is_empty()));
    assert!(stats.domains.is_empty());
    stats.check_conservation().unwrap();
}

#[test]
fn version_2_stats_still_read_and_write_back_the_same() {
    let text = fixture("stats-v2.json");
    let stats: Stats = serde_json::from_str(&text).unwrap();
    assert_eq!(stats.schema_version, 2);
    const { assert!(SCHEMA_VERSION >= 2) };
    stats.check_conservation().unwrap();
    let language = stats.steps.iter().find(|s| s.name == "language").unwrap();
    assert_eq!(language.config["language_threshold"], 0.65);
    assert_eq!(language.histograms["language_score"].total(), 36);
    assert_eq!(language.samples["wrong_language"].len(), 6);
    assert_eq!(stats.output.histograms["tokens"].total(), 30);
    assert!(stats.output.tokens > 0);
    assert_eq!(stats.output.languages["fr"], 30);
    assert_eq!(stats.domains.kept.top[0].1, 30);
    // What this version reads, it writes back unchanged.
    let written: serde_json::Value = serde_json::to_value(&stats).unwrap();
    let frozen: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(written, frozen);
    // Merging into empty stats changes nothing but the times' sum.
    let mut merged = Stats::default();
    merged.merge(&stats).unwrap();
    assert_eq!(merged, stats);
}
