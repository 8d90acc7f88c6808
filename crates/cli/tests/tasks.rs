//! Tasks and workers: deterministic splits, byte-identical output for any number
//! of workers, resumption after a kill.

use crate::util::*;
use std::collections::BTreeMap;
use std::time::Duration;

/// Writes `shards` gzipped JSONL shards of a synthetic site, `pages` each, and a
/// pipeline writing jsonl.gz.
fn write_site(dir: &Dir, shards: usize, pages: usize) {
    write_site_as(dir, shards, pages, "jsonl.gz");
}

fn write_site_as(dir: &Dir, shards: usize, pages: usize, format: &str) {
    for s in 0..shards {
        let lines: String = synthetic_site(pages)
            .iter()
            .enumerate()
            .map(|(i, text)| jsonl_line(&format!("s{s}-{i}"), &format!("Shard {s}\n{text}")))
            .collect();
        dir.write(&format!("in/shard-{s}.jsonl.gz"), &gzip(lines.as_bytes()));
    }
    dir.pipeline(&format!(
        "input: {{ paths: [in/], format: jsonl }}\noutput: {{ path: out/, format: {format}, removed: out/removed/ }}\nsteps:\n  - line_dedup: {{ min_docs: 3 }}\n"
    ));
}

/// Every output file (kept and removed) by name, with its bytes.
fn output_files(dir: &Dir) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for sub in ["out", "out/removed"] {
        for file in jsonl_files(&dir.path(sub)) {
            files.insert(
                format!("{sub}/{}", file.file_name().unwrap().to_string_lossy()),
                std::fs::read(&file).unwrap(),
            );
        }
    }
    files
}

#[test]
fn output_is_byte_identical_for_any_number_of_workers() {
    for format in ["jsonl.gz", "jsonl.zst"] {
        let mut outputs = Vec::new();
        for workers in ["1", "2", "5"] {
            let dir = Dir::new();
            write_site_as(&dir, 2, 3000, format);
            dir.run_ok(&["--workers", workers]);
            dir.stats("out");
            outputs.push(output_files(&dir));
        }
        assert!(!outputs[0].is_empty());
        assert_eq!(outputs[0], outputs[1], "{format}");
        assert_eq!(outputs[0], outputs[2], "{format}");
    }
}

#[test]
fn tasks_split_the_inputs_and_merge_their_stats() {
    let whole = Dir::new();
    write_site(&whole, 5, 200);
    whole.run_ok(&[]);

    let split = Dir::new();
    write_site(&split, 5, 200);
    for index in ["0", "1", "2"] {
        split.run_ok(&["--tasks", "3", "--task-index", index]);
    }
    assert_eq!(output_files(&whole), output_files(&split));
    let stats = split.stats("out");
    assert_eq!(stats["tasks"], 3);
    assert_eq!(stats["read"]["documents"], 1000);
    assert_eq!(stats["read"]["files"], 5);
    assert!(split.path("out/completions/00002").exists());
    assert!(split.path("out/stats/00001.json").exists());
}

#[test]
fn array_job_environments_select_the_task() {
    let dir = Dir::new();
    write_site(&dir, 4, 10);
    let slurm = [
        ("SLURM_ARRAY_TASK_COUNT", "4"),
        ("SLURM_ARRAY_TASK_ID", "11"),
        ("SLURM_ARRAY_TASK_MIN", "10"),
    ];
    let output = dir.tamis_with_env(&["run", "pipeline.yaml", "--quiet"], &slurm);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(dir.path("out/completions/00001").exists());
    let output = dir.tamis_with_env(
        &["run", "pipeline.yaml", "--quiet", "--tasks", "4"],
        &[("JOB_COMPLETION_INDEX", "3")],
    );
    assert!(output.status.success());
    assert!(dir.path("out/completions/00003").exists());
    assert!(!dir.path("out/completions/00000").exists());
}

#[test]
fn a_rerun_skips_completed_tasks_and_refuses_another_job() {
    let dir = Dir::new();
    write_site(&dir, 2, 50);
    dir.run_ok(&["--tasks", "2", "--task-index", "0"]);
    let before = output_files(&dir);
    let output = dir.tamis(&["run", "pipeline.yaml", "--tasks", "2"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("task 0 was already complete"));
    assert!(output_files(&dir).len() > before.len());
    assert_eq!(dir.stats("out")["tasks"], 2);

    // Same output directory, different pipeline: refused, nothing overwritten.
    dir.pipeline("input: { paths: [in/], format: jsonl }\noutput: { path: out/, format: jsonl.gz }\n");
    let output = dir.tamis(&["run", "pipeline.yaml", "--tasks", "2", "--quiet"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "running again cannot help: {stderr}");
    assert!(
        stderr.contains("different job") && stderr.contains("write to a new output directory"),
        "{stderr}"
    );
}

#[test]
fn killed_runs_resume_to_exactly_the_same_output() {
    let clean = Dir::new();
    write_site(&clean, 6, 4000);
    clean.run_ok(&["--tasks", "3", "--workers", "2"]);
    let expected = output_files(&clean);

    let dir = Dir::new();
    write_site(&dir, 6, 4000);
    let mut kills = 0;
    for delay_ms in [30, 80, 150, 250, 400, 600, 900, 1300] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tamis"))
            .args(["run", "pipeline.yaml", "--tasks", "3", "--workers", "2", "--quiet"])
            .current_dir(dir.dir.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL: no cleanup of any kind
            kills += 1;
        }
        child.wait().unwrap();
    }
    assert!(kills > 0, "the run always finished before it could be killed");
    dir.run_ok(&["--tasks", "3", "--workers", "2"]);
    assert_eq!(output_files(&dir), expected);
    let stats = dir.stats("out");
    assert_eq!(stats["tasks"], 3);
    assert_eq!(stats["read"]["documents"], 24000);
    let ids: Vec<String> = documents(&dir.path("out"))
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect();
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a document was written twice");
}

#[test]
fn concurrent_tasks_give_the_same_output_as_one_at_a_time() {
    let mut outputs = Vec::new();
    for concurrent in ["1", "3"] {
        let dir = Dir::new();
        write_site(&dir, 5, 300);
        dir.run_ok(&["--tasks", "4", "--concurrent-tasks", concurrent, "--workers", "2"]);
        assert_eq!(dir.stats("out")["tasks"], 4);
        outputs.push(output_files(&dir));
    }
    assert_eq!(outputs[0], outputs[1]);
}

/// Varied English-like text: sentences of made-up words and stop words.
fn prose(seed: usize) -> String {
    let syllables = [
        "ka", "lo", "mi", "tre", "sun", "dor", "vel", "pa", "rin", "gu", "ste", "bo",
    ];
    let stop = ["the", "and", "of", "to", "with", "that"];
    let mut state = (seed as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut lines = Vec::new();
    for _ in 0..4 + next(6) {
        let mut words = Vec::new();
        for w in 0..8 + next(12) {
            if w % 3 == 1 {
                words.push(stop[next(stop.len())].to_string());
            } else {
                words.push((0..1 + next(3)).map(|_| syllables[next(syllables.len())]).collect());
            }
        }
        lines.push(format!("{}.", words.join(" ")));
    }
    lines.join("\n")
}

/// Stats, histograms, domain counts and samples included, are the same for
/// any number of tasks and workers; only the times differ.
#[test]
fn stats_merged_from_1_3_and_8_tasks_are_identical() {
    fn without_times(mut stats: serde_json::Value) -> serde_json::Value {
        stats.as_object_mut().unwrap().remove("seconds");
        stats["write"].as_object_mut().unwrap().remove("seconds");
        stats["read"].as_object_mut().unwrap().remove("seconds");
        for step in stats["steps"].as_array_mut().unwrap() {
            step.as_object_mut().unwrap().remove("seconds");
        }
        stats
    }
    let mut merged = Vec::new();
    for (tasks, workers) in [("1", "1"), ("3", "2"), ("8", "3")] {
        let dir = Dir::new();
        for s in 0..8 {
            let lines: String = synthetic_site(40)
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let url = format!("https://site{}.example/page/{i}", (s * 7 + i) % 5);
                    let text = match i % 9 {
                        0 => "too short".to_string(),
                        1 => format!("Shard {s}\n{text}"),
                        _ => prose(s * 1000 + i),
                    };
                    format!(
                        "{}\n",
                        serde_json::json!({"id": format!("s{s}-{i}"), "text": text, "url": url})
                    )
                })
                .collect();
            dir.write(&format!("in/shard-{s}.jsonl"), lines.as_bytes());
        }
        dir.pipeline(
            "input: { paths: [in/], format: jsonl }\noutput: { path: out/, format: jsonl, removed: out/removed/ }\nsteps:\n  - line_dedup: { min_docs: 3 }\n  - gopher_repetition: {}\n  - fineweb_quality: {}\n  - gopher_quality: { min_doc_words: 20 }\n  - token_count: {}\n",
        );
        dir.run_ok(&["--tasks", tasks, "--workers", workers]);
        let stats = dir.stats("out");
        assert_eq!(stats["tasks"].as_u64(), Some(tasks.parse().unwrap()));
        merged.push(without_times(stats));
    }
    let stats = &merged[0];
    assert_eq!(stats["schema_version"], 2);
    assert!(
        stats["output"]["histograms"]["tokens"]["counts"].as_object().is_some(),
        "{stats}"
    );
    assert!(stats["steps"][1]["histograms"]["dup_line_frac"].is_object(), "{stats}");
    assert_eq!(stats["steps"][3]["config"]["min_doc_words"], 20);
    let samples = stats["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["samples"].as_object());
    assert!(
        samples
            .flat_map(|s| s.values())
            .any(|v| !v.as_array().unwrap().is_empty()),
        "{stats}"
    );
    assert!(
        !stats["domains"]["kept"]["top"].as_array().unwrap().is_empty(),
        "{stats}"
    );
    assert!(
        !stats["steps"][0]["edits"].as_array().unwrap().is_empty(),
        "line_dedup's edits: {stats}"
    );
    for (tasks, other) in ["3", "8"].iter().zip(&merged[1..]) {
        let mut other = other.clone();
        other["tasks"] = stats["tasks"].clone();
        assert_eq!(stats, &other, "1 task and {tasks} tasks differ");
    }
}
