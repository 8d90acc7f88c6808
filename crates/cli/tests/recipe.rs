//! The rest of the recipe (issue 17) through the binary: `sample`,
//! `decontaminate` and `bloom_dedup` in pipeline files, their reasons and
//! counters in the stats, and their results for several task counts.

use crate::util::{documents, Dir};
use serde_json::Value;

/// `shards` JSONL files `in/<shard>.jsonl` of `per_shard` documents each, the
/// text given by `text(shard, i)`.
fn shards(dir: &Dir, shards: usize, per_shard: usize, text: impl Fn(usize, usize) -> String) {
    for shard in 0..shards {
        let lines: String = (0..per_shard)
            .map(|i| format!("{}\n", serde_json::json!({"id": format!("{shard}-{i}"), "text": text(shard, i)})))
            .collect();
        dir.write(&format!("in/{shard}.jsonl"), lines.as_bytes());
    }
}

fn pipeline(dir: &Dir, output: &str, steps: &str) {
    dir.pipeline(&format!(
        "input: {{ paths: ['in/*.jsonl'], format: jsonl }}\noutput: {{ path: {output}/, removed: {output}/removed/ }}\nsteps:\n{steps}"
    ));
}

fn ids(docs: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = docs.iter().map(|d| d["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids
}

fn step<'s>(stats: &'s Value, name: &str) -> &'s Value {
    stats["steps"].as_array().unwrap().iter().find(|s| s["name"] == name).unwrap()
}

#[test]
fn sample_keeps_the_same_documents_for_any_task_count() {
    let dir = Dir::new();
    shards(&dir, 4, 500, |shard, i| format!("document {i} of shard {shard}"));
    let mut kept = Vec::new();
    for tasks in ["1", "3"] {
        let output = format!("out{tasks}");
        pipeline(&dir, &output, "  - sample: { rate: 0.3, seed: 17 }\n");
        dir.run_ok(&["--tasks", tasks]);
        let stats = dir.stats(&output);
        let sample = step(&stats, "sample");
        let docs = documents(&dir.path(&output));
        assert_eq!(sample["kept"].as_u64().unwrap(), docs.len() as u64);
        assert_eq!(
            sample["dropped"]["sampled_out"].as_u64().unwrap(),
            2000 - docs.len() as u64,
            "{sample}"
        );
        // 2,000 draws at 0.3: four standard deviations are ±82.
        assert!((518..=682).contains(&docs.len()), "kept {}", docs.len());
        kept.push(ids(&docs));
    }
    assert_eq!(kept[0], kept[1]);
}
