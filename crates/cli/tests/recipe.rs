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
            .map(|i| {
                format!(
                    "{}\n",
                    serde_json::json!({"id": format!("{shard}-{i}"), "text": text(shard, i)})
                )
            })
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
    stats["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap()
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

/// Benchmark-like items written for the test: a question and its gold answer.
const QUIZ: &[(&str, &str)] = &[
    (
        "Which river flows through the old town of the fictional city of Varnholm before reaching the sea?",
        "The Silverbrook river, which runs past the cathedral and the market square before it reaches the northern sea.",
    ),
    (
        "What did the apprentice baker in the story forget to add to the bread on the morning of the festival?",
        "She forgot to add salt to the dough, so every loaf sold at the festival tasted flat and oddly sweet.",
    ),
    (
        "How many steps lead up to the lighthouse on the island described in the second passage of the test?",
        "Exactly three hundred and twelve steps lead up to the lamp room at the top of the lighthouse.",
    ),
];

fn corpus_text(shard: usize, i: usize) -> String {
    let clean = format!(
        "Shard {shard} page {i}: the weather was mild and the council met to discuss the budget for the new library."
    );
    match i % 5 {
        // An answer quoted in a blog post, with other case and punctuation.
        0 => format!(
            "{clean}\nQuiz night recap! {}\nThanks for coming.",
            QUIZ[(shard + i) % 3].1.to_uppercase().replace(',', " ;")
        ),
        // Question and the start of the answer, as a test page would print them.
        1 => format!("{} {}", QUIZ[i % 3].0, &QUIZ[i % 3].1[..40]),
        _ => clean,
    }
}

/// The quiz as JSONL (`question`, `answer`), then as Parquet written by tamis
/// itself (`text` = answer, a `question` column).
fn quiz_files(dir: &Dir) {
    let lines: String = QUIZ
        .iter()
        .enumerate()
        .map(|(i, (q, a))| {
            format!(
                "{}\n",
                serde_json::json!({"id": format!("q{i}"), "question": q, "answer": a})
            )
        })
        .collect();
    dir.write("bench/quiz.jsonl", lines.as_bytes());
    dir.pipeline(
        "input: { paths: [bench/quiz.jsonl], format: jsonl, text_field: answer }\n\
         output: { path: bench/parquet/, format: parquet, columns: [{ name: question, type: string }] }\nsteps: []\n",
    );
    dir.run_ok(&[]);
}

#[test]
fn decontaminate_drops_or_cuts_benchmark_text() {
    let dir = Dir::new();
    quiz_files(&dir);
    let parquet: Vec<_> = std::fs::read_dir(dir.path("bench/parquet"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .collect();
    assert_eq!(parquet.len(), 1);
    shards(&dir, 3, 20, corpus_text);
    let benchmarks = [
        "[{ path: bench/quiz.jsonl, text_field: answer, query_field: question }]".to_string(),
        format!(
            "[{{ path: {:?}, name: quiz, query_field: question }}]",
            parquet[0].to_string_lossy()
        ),
    ];
    for (run, benchmarks) in benchmarks.iter().enumerate() {
        let output = format!("drop{run}");
        pipeline(
            &dir,
            &output,
            &format!("  - decontaminate: {{ benchmarks: {benchmarks}, n_grams: 8 }}\n"),
        );
        dir.run_ok(&["--tasks", "2"]);
        let stats = dir.stats(&output);
        let decont = step(&stats, "decontaminate");
        // Every i % 5 in {0, 1}: 8 of 20 per shard.
        assert_eq!(decont["dropped"]["contaminated"], 24, "{decont}");
        assert_eq!(decont["counters"]["contaminated_quiz"], 24, "{decont}");
        let removed = documents(&dir.path(&format!("{output}/removed")));
        assert_eq!(removed.len(), 24);
        assert!(
            removed.iter().all(|d| d["metadata"]["contaminated_task"] == "quiz"),
            "{removed:?}"
        );
        assert_eq!(documents(&dir.path(&output)).len(), 36);
    }

    pipeline(
        &dir,
        "cut",
        &format!(
            "  - decontaminate: {{ benchmarks: {}, n_grams: 8, mode: remove_spans }}\n",
            benchmarks[0]
        ),
    );
    dir.run_ok(&[]);
    let stats = dir.stats("cut");
    let decont = step(&stats, "decontaminate");
    assert_eq!(decont["kept"], 60, "{decont}");
    let kept = documents(&dir.path("cut"));
    let post = kept.iter().find(|d| d["id"] == "0-0").unwrap();
    assert_eq!(
        post["text"],
        "Shard 0 page 0: the weather was mild and the council met to discuss the budget for the new library.\n\
         Quiz night recap! \nThanks for coming."
    );
    for doc in &kept {
        let text = doc["text"].as_str().unwrap().to_lowercase();
        assert!(
            !text.contains("silverbrook") && !text.contains("forgot to add salt"),
            "{text}"
        );
    }
}

/// Paragraphs that repeat across shards (navigation, boilerplate), whole
/// documents that repeat, and unique text.
fn bloom_text(shard: usize, i: usize) -> String {
    match i % 4 {
        0 => "An article that was syndicated to every shard, word for word.".to_string(),
        1 => format!(
            "Menu: home, news, contact\nUnique paragraph {i} of shard {shard}.\nSubscribe to our newsletter\n\nFooter line {}",
            i % 3
        ),
        2 => format!("Unique paragraph {i} of shard {shard}.\nMenu: home, news, contact"),
        _ => "Menu: home, news, contact\nSubscribe to our newsletter".to_string(),
    }
}

#[test]
fn bloom_dedup_gives_the_same_output_for_any_task_count() {
    let dir = Dir::new();
    shards(&dir, 4, 12, bloom_text);
    let filter = "bloom_filter: { estimated_doc_count: 1000, desired_false_positive_rate: 0.0001 }";
    let mut documents_kept = Vec::new();
    for (tasks, partitions) in [("1", 1), ("3", 1), ("4", 1), ("2", 3)] {
        let output = format!("doc{tasks}-{partitions}");
        pipeline(
            &dir,
            &output,
            &format!("  - bloom_dedup: {{ {filter}, num_partitions: {partitions} }}\n"),
        );
        dir.run_ok(&["--tasks", tasks]);
        let stats = dir.stats(&output);
        let bloom = step(&stats, "bloom_dedup");
        // The syndicated article (12 copies) and the menu-only page (12)
        // keep one copy each; the other pages name their shard and number.
        assert_eq!(bloom["dropped"]["bloom_duplicate"], 22, "{bloom}");
        assert_eq!(bloom["counters"]["items"], 48, "{bloom}");
        assert_eq!(bloom["counters"]["duplicates"], 22, "{bloom}");
        assert!(bloom["counters"]["filter_bytes"].as_u64().unwrap() >= 2396, "{bloom}");
        assert_eq!(bloom["counters"]["hash_functions"], 14, "{bloom}");
        documents_kept.push(ids(&documents(&dir.path(&output))));
    }
    assert!(documents_kept.iter().all(|k| k == &documents_kept[0]));
    // The first copy in input order is the one kept.
    assert!(documents_kept[0].contains(&"0-0".to_string()) && documents_kept[0].contains(&"0-3".to_string()));

    let mut texts = Vec::new();
    for tasks in ["1", "3"] {
        let output = format!("para{tasks}");
        pipeline(
            &dir,
            &output,
            &format!("  - bloom_dedup: {{ level: paragraph, skip_empty: true, {filter} }}\n"),
        );
        dir.run_ok(&["--tasks", tasks]);
        let stats = dir.stats(&output);
        let bloom = step(&stats, "bloom_dedup");
        let mut docs = documents(&dir.path(&output));
        docs.sort_by_key(|d| d["id"].as_str().unwrap().to_string());
        let text = |id: &str| {
            docs.iter().find(|d| d["id"] == id).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        };
        // Shard 0's first pages keep everything; later ones lose the shared lines.
        assert_eq!(text("0-0"), bloom_text(0, 0));
        assert_eq!(text("0-1"), bloom_text(0, 1));
        assert_eq!(text("0-2"), "Unique paragraph 2 of shard 0.");
        assert_eq!(text("1-1"), "Unique paragraph 1 of shard 1.\n");
        // Pages made only of shared lines are left empty and dropped.
        assert_eq!(bloom["dropped"]["empty"].as_u64().unwrap(), 11 + 12, "{bloom}");
        assert!(
            bloom["counters"]["paragraphs_removed"].as_u64().unwrap() > 40,
            "{bloom}"
        );
        texts.push(docs);
    }
    assert_eq!(texts[0], texts[1]);
}

#[test]
fn bad_configurations_are_refused_with_their_key() {
    let dir = Dir::new();
    shards(&dir, 1, 2, |_, i| format!("document {i}"));
    for (steps, key) in [
        ("  - sample: { rate: 1.5 }\n", "sample.rate"),
        (
            "  - decontaminate: { benchmarks: [{ path: missing.jsonl }] }\n",
            "decontaminate.benchmarks",
        ),
        (
            "  - bloom_dedup: { bloom_filter: { desired_false_positive_rate: 0.01 } }\n",
            "bloom_dedup.bloom_filter.estimated_doc_count",
        ),
    ] {
        pipeline(&dir, "out", steps);
        let output = dir.tamis(&["run", "pipeline.yaml", "--quiet"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success() && stderr.contains(key), "{steps}: {stderr}");
    }
}
