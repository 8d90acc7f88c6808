//! Corpus-wide deduplication: `exact_dedup` and `minhash_dedup` in pipelines and
//! `tamis dedup`, phases, determinism across task counts, removed reasons.

use crate::util::Dir;
use serde_json::Value;

const WORDS: &[&str] = &[
    "river", "market", "morning", "people", "teacher", "library", "bridge", "garden", "winter", "summer", "walked",
    "opened", "closed", "painted", "quietly", "slowly", "report", "council", "budget", "museum", "harbour", "station",
    "festival", "weather", "storm", "shadow", "valley", "village", "street", "window", "kitchen",
];

/// A pseudo-random text of `n` words from `seed`.
fn text(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            WORDS[(x % WORDS.len() as u64) as usize]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Four JSONL shards: originals, exact copies, copies with one word changed
/// (near-duplicates), and unrelated documents.
fn corpus(dir: &Dir) {
    for shard in 0..4u64 {
        let mut lines = String::new();
        for i in 0..12u64 {
            let original = i % 5;
            let body = match i % 4 {
                0 => text(100 + original, 80),
                1 => text(100 + original, 80).to_uppercase() + "!",
                2 => text(100 + original, 80).replacen("river", "lake", 1),
                _ => text(1000 + shard * 100 + i, 80),
            };
            let doc =
                serde_json::json!({"id": format!("{shard}-{i}"), "text": body, "url": format!("http://x/{}", i % 3)});
            lines.push_str(&format!("{doc}\n"));
        }
        dir.write(&format!("in/{shard}.jsonl"), lines.as_bytes());
    }
}

fn read_lines(dir: &Dir, folder: &str) -> Vec<Value> {
    let mut files: Vec<_> = std::fs::read_dir(dir.path(folder))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<Value>>()
        })
        .collect()
}

fn kept_ids(dir: &Dir, folder: &str) -> Vec<String> {
    read_lines(dir, folder)
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

fn pipeline(dir: &Dir, output: &str, step: &str) {
    dir.pipeline(&format!(
        "input: {{ paths: [in], format: jsonl }}\noutput: {{ path: {output}, format: jsonl, removed: {output}-removed }}\nsteps:\n  - {step}\n"
    ));
}

#[test]
fn minhash_dedup_keeps_the_same_documents_for_any_task_count() {
    let dir = Dir::new();
    corpus(&dir);
    let mut kept = Vec::new();
    for tasks in ["1", "3", "4"] {
        let output = format!("out{tasks}");
        pipeline(&dir, &output, "minhash_dedup: {}");
        dir.run_ok(&["--tasks", tasks]);
        let stats = dir.stats(&output);
        assert!(
            stats["steps"][0]["dropped"]["minhash_duplicate"].as_u64().unwrap() > 10,
            "{stats}"
        );
        kept.push(kept_ids(&dir, &output));
    }
    assert_eq!(kept[0], kept[1]);
    assert_eq!(kept[0], kept[2]);
    // The first occurrence in input order is kept: shard 0's originals.
    for id in ["0-0", "0-1", "0-2", "0-3", "0-4"] {
        assert!(kept[0].contains(&id.to_string()), "{id} not kept: {:?}", kept[0]);
    }
}

#[test]
fn removed_duplicates_name_their_cluster_and_keepers_carry_its_size() {
    let dir = Dir::new();
    corpus(&dir);
    pipeline(&dir, "out", "minhash_dedup: {}");
    dir.run_ok(&[]);
    let removed = read_lines(&dir, "out-removed");
    let copy = removed.iter().find(|d| d["id"] == "1-0").expect("1-0 removed");
    assert_eq!(copy["removed"]["reason"], "minhash_duplicate");
    assert_eq!(copy["metadata"]["minhash_cluster"], "0#0");
    let kept = read_lines(&dir, "out");
    let keeper = kept.iter().find(|d| d["id"] == "0-0").unwrap();
    assert!(
        keeper["metadata"]["minhash_cluster_size"].as_u64().unwrap() >= 4,
        "{keeper}"
    );
    let alone = kept.iter().find(|d| d["id"] == "0-3").unwrap();
    assert_eq!(alone["metadata"]["minhash_cluster_size"], 1);
}

#[test]
fn exact_dedup_on_text_and_on_url() {
    let dir = Dir::new();
    corpus(&dir);
    pipeline(&dir, "text", "exact_dedup: {}");
    dir.run_ok(&["--tasks", "2"]);
    let by_text = kept_ids(&dir, "text");
    // 0-5 is 0-0 upper-cased with a `!`: the same normalised text; 0-2 is edited.
    assert!(!by_text.contains(&"0-5".to_string()), "{by_text:?}");
    assert!(by_text.contains(&"0-2".to_string()), "{by_text:?}");
    pipeline(&dir, "url", "exact_dedup: { field: url }");
    dir.run_ok(&[]);
    assert_eq!(kept_ids(&dir, "url"), ["0-0", "0-1", "0-2"]);
}

#[test]
fn an_array_job_runs_each_phase_once_every_task_finished_the_previous_one() {
    let dir = Dir::new();
    corpus(&dir);
    pipeline(&dir, "out", "minhash_dedup: {}");
    let run = |index: &str| dir.tamis(&["run", "pipeline.yaml", "-q", "--tasks", "2", "--task-index", index]);
    let first = run("0");
    assert_eq!(
        first.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stderr).contains("waits for phase record"));
    let mut codes = Vec::new();
    for index in ["1", "0", "1", "0"] {
        codes.push(run(index).status.code());
    }
    assert_eq!(codes.last(), Some(&Some(0)), "{codes:?}");
    pipeline(&dir, "whole", "minhash_dedup: {}");
    dir.run_ok(&[]);
    assert_eq!(kept_ids(&dir, "out"), kept_ids(&dir, "whole"));
}

/// What the Slurm example does: `tamis phases`, then one array job per phase
/// (here: each task of the phase in turn, from Slurm's environment), each
/// task exiting 0 since the phase before is complete.
#[test]
fn one_array_job_per_phase_from_tamis_phases_runs_the_pipeline() {
    let dir = Dir::new();
    corpus(&dir);
    pipeline(&dir, "out", "minhash_dedup: {}");
    let phases = dir.tamis(&["phases", "pipeline.yaml"]);
    let phases = String::from_utf8_lossy(&phases.stdout).to_string();
    assert_eq!(
        phases.lines().collect::<Vec<_>>(),
        ["record", "buckets", "clusters", "filter"]
    );
    for phase in phases.lines() {
        for index in ["0", "1", "2"] {
            let env = [("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_ID", index)];
            let done = dir.tamis_with_env(&["run", "pipeline.yaml", "-q", "--phase", phase], &env);
            assert_eq!(
                done.status.code(),
                Some(0),
                "{phase} {index}: {}",
                String::from_utf8_lossy(&done.stderr)
            );
        }
    }
    pipeline(&dir, "whole", "minhash_dedup: {}");
    dir.run_ok(&[]);
    assert_eq!(kept_ids(&dir, "out"), kept_ids(&dir, "whole"));
    pipeline(&dir, "plain", "line_dedup: {}");
    let plain = dir.tamis(&["phases", "pipeline.yaml"]);
    assert_eq!(String::from_utf8_lossy(&plain.stdout), "run\n");
}

#[test]
fn tamis_dedup_minhash_runs_every_phase_and_spills_under_a_small_budget() {
    let dir = Dir::new();
    corpus(&dir);
    pipeline(&dir, "reference", "minhash_dedup: {}");
    dir.run_ok(&[]);
    let args = [
        "dedup",
        "minhash",
        "in",
        "-o",
        "small",
        "--format",
        "jsonl",
        "--mem-budget",
        "1M",
        "-q",
        "--tasks",
        "2",
    ];
    let output = dir.tamis(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(kept_ids(&dir, "small"), kept_ids(&dir, "reference"));
    let only = dir.tamis(&["dedup", "minhash", "in", "-o", "x", "--phase", "sideways", "-q"]);
    assert_eq!(only.status.code(), Some(2));
}

#[test]
fn eval_dedup_scores_the_clusters_of_a_generated_corpus() {
    let dir = Dir::new();
    for i in 0..30u64 {
        let paragraphs: Vec<String> = (0..4).map(|p| text(5000 + i * 10 + p, 40)).collect();
        dir.write(&format!("set/truth/{i:03}.txt"), paragraphs.join("\n").as_bytes());
    }
    let args = [
        "eval",
        "dedup",
        "set",
        "--originals",
        "10",
        "--copies",
        "5",
        "--json",
        "report.json",
        "--work",
        "work",
    ];
    let output = dir.tamis(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("S-curve recall"), "{stdout}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.path("report.json")).unwrap()).unwrap();
    assert_eq!(report["documents"], 10 * 6 + 20);
    let at_08 = &report["scores"][0];
    assert_eq!(at_08["threshold"], 0.8);
    assert!(at_08["true_pairs"].as_u64().unwrap() >= 10, "{report}");
    assert!(at_08["pair_recall"].as_f64().unwrap() >= 0.9, "{report}");
    assert!(at_08["removed_recall"].as_f64().unwrap() >= 0.9, "{report}");
    // The same seed gives the same corpus and the same scores.
    let again = dir.tamis(&args);
    assert!(again.status.success());
    let second: Value = serde_json::from_str(&std::fs::read_to_string(dir.path("report.json")).unwrap()).unwrap();
    assert_eq!(report["scores"], second["scores"]);
}

#[test]
fn global_files_are_removed_once_every_task_completed_unless_kept() {
    let dir = Dir::new();
    corpus(&dir);
    pipeline(&dir, "out", "minhash_dedup: {}");
    // An array job: .global/ stays while a task has not completed the run.
    let run = |index: &str| dir.tamis(&["run", "pipeline.yaml", "-q", "--tasks", "2", "--task-index", index]);
    for index in ["0", "1", "0", "1"] {
        run(index);
    }
    assert!(dir.path("out/completions/00001").exists());
    assert!(
        dir.path("out/.global").exists(),
        "removed while task 0 has not filtered"
    );
    assert_eq!(run("0").status.code(), Some(0));
    assert!(!dir.path("out/.global").exists());
    // A re-run of the completed job skips every phase and changes nothing.
    let before = kept_ids(&dir, "out");
    dir.run_ok(&["--tasks", "2"]);
    assert_eq!(kept_ids(&dir, "out"), before);
    assert!(!dir.path("out/.global").exists());
    pipeline(&dir, "kept", "minhash_dedup: {}");
    dir.run_ok(&["--keep-global"]);
    assert!(dir.path("kept/.global/minhash_dedup/clusters").is_dir());
    assert_eq!(kept_ids(&dir, "kept"), before);
}

/// A sentence of 6 to 9 words from `seed`, capitalised, with a full stop.
fn sentence(seed: u64) -> String {
    let words = text(seed, 6 + (seed % 4) as usize);
    let mut chars = words.chars();
    let first = chars.next().unwrap().to_uppercase().to_string();
    format!("{first}{}.", chars.as_str())
}

fn sentences(seeds: impl IntoIterator<Item = u64>) -> String {
    seeds.into_iter().map(sentence).collect::<Vec<_>>().join(" ")
}

/// Five JSONL shards of documents made of sentences: originals, documents
/// embedding a shared 3-sentence block, short copies of an original's start,
/// unrelated documents.
fn sentence_corpus(dir: &Dir) {
    for shard in 0..5u64 {
        let mut lines = String::new();
        for i in 0..10u64 {
            let own = 100_000 + shard * 10_000 + i * 100;
            let body = match i % 4 {
                0 => sentences(1000 * (i % 3 + 1)..1000 * (i % 3 + 1) + 12),
                1 => {
                    let block = 50_000 + 10 * (i % 3);
                    sentences((own..own + 5).chain(block..block + 3).chain(own + 5..own + 10))
                }
                2 => sentences((1000..1004).chain(own..own + 2)),
                _ => sentences(own..own + 12),
            };
            let doc = serde_json::json!({"id": format!("{shard}-{i}"), "text": body});
            lines.push_str(&format!("{doc}\n"));
        }
        dir.write(&format!("in/{shard}.jsonl"), lines.as_bytes());
    }
}

/// The bytes of every JSONL file of `folder`, in name order.
fn output_bytes(dir: &Dir, folder: &str) -> Vec<(String, Vec<u8>)> {
    crate::util::jsonl_files(&dir.path(folder))
        .into_iter()
        .map(|f| {
            (
                f.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&f).unwrap(),
            )
        })
        .collect()
}

#[test]
fn sentence_dedup_gives_the_same_bytes_for_any_task_count_and_budget() {
    let dir = Dir::new();
    sentence_corpus(&dir);
    let mut outputs = Vec::new();
    for (tasks, budget) in [("1", "512M"), ("3", "512M"), ("4", "512M"), ("3", "1M")] {
        let output = format!("out{tasks}-{budget}");
        pipeline(&dir, &output, "sentence_dedup: { partitions: 3 }");
        dir.run_ok(&["--tasks", tasks, "--mem-budget", budget]);
        let stats = dir.stats(&output);
        let step = &stats["steps"][0];
        assert_eq!(step["name"], "sentence_dedup", "{stats}");
        assert!(step["dropped"]["too_few_words"].as_u64().unwrap() >= 10, "{stats}");
        assert!(step["dropped"]["empty"].as_u64().unwrap() >= 5, "{stats}");
        assert!(step["counters"]["edited_documents"].as_u64().unwrap() >= 5, "{stats}");
        assert!(step["counters"]["duplicate_spans"].as_u64().unwrap() > 0, "{stats}");
        outputs.push((
            output_bytes(&dir, &output),
            output_bytes(&dir, &format!("{output}-removed")),
        ));
    }
    assert!(!outputs[0].0.is_empty() && !outputs[0].1.is_empty());
    for other in &outputs[1..] {
        assert!(
            other == &outputs[0],
            "the output depends on the task count or the budget"
        );
    }
    let kept = read_lines(&dir, "out1-512M");
    // The first occurrence stays whole; a later document loses the block only.
    let first = kept.iter().find(|d| d["id"] == "0-1").unwrap();
    assert!(first["text"].as_str().unwrap().contains(&sentence(50_010)));
    assert!(first["metadata"].get("sentence_dedup_removed").is_none());
    let later = kept.iter().find(|d| d["id"] == "1-1").unwrap();
    assert!(!later["text"].as_str().unwrap().contains(&sentence(50_010)), "{later}");
    assert_eq!(later["metadata"]["sentence_dedup_removed"], 3);
    let removed = read_lines(&dir, "out1-512M-removed");
    let short = removed.iter().find(|d| d["id"] == "0-2").unwrap();
    assert_eq!(short["removed"]["reason"], "too_few_words");
    // The removed output holds the document as it came, before the cut.
    assert!(short["text"].as_str().unwrap().starts_with(&sentence(1000)), "{short}");
}

#[test]
fn sentence_dedup_options_are_checked() {
    let dir = Dir::new();
    sentence_corpus(&dir);
    pipeline(&dir, "out", "sentence_dedup: { n_sentences: 0 }");
    let output = dir.tamis(&["run", "pipeline.yaml", "-q"]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("sentence_dedup.n_sentences"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    pipeline(&dir, "out", "sentence_dedup: {}");
    let phases = dir.tamis(&["phases", "pipeline.yaml"]);
    assert_eq!(String::from_utf8_lossy(&phases.stdout), "record\nfind\nfilter\n");
    pipeline(&dir, "out", "sentence_dedup: { n_sentence: 3 }");
    let output = dir.tamis(&["run", "pipeline.yaml", "-q"]);
    assert!(!output.status.success());
    pipeline(
        &dir,
        "lines",
        "sentence_dedup: { split_sentences: false, min_doc_words: 0, min_num_sentences: 0, hash_config: { hash_fc: sha1, precision: 32 } }",
    );
    dir.run_ok(&["--tasks", "2"]);
}
