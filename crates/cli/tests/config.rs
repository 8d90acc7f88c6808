//! Pipeline-file and CLI errors: caught before any work starts, with file, line
//! and key.

use crate::util::Dir;

fn stderr_of(dir: &Dir, yaml: &str) -> String {
    dir.pipeline(yaml);
    let output = dir.tamis(&["run", "pipeline.yaml"]);
    assert_eq!(output.status.code(), Some(2), "expected a config error");
    assert!(!dir.path("out").exists(), "work started despite the error");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_missing_input_is_an_error_before_any_work() {
    let dir = Dir::new();
    let err = stderr_of(
        &dir,
        "input:\n  paths: [crawl/missing.warc.gz]\n  format: warc\noutput: { path: out/ }\n",
    );
    assert!(
        err.contains("pipeline.yaml:2:") && err.contains("input.paths") && err.contains("crawl/missing.warc.gz"),
        "{err}"
    );
}

#[test]
fn an_unknown_key_names_file_line_and_key() {
    let dir = Dir::new();
    dir.write("a.jsonl", b"{\"text\": \"x\"}\n");
    let err = stderr_of(
        &dir,
        "input: { paths: [a.jsonl], format: jsonl }\noutput: { path: out/ }\nsteps:\n  - line_dedup: { min_doc: 2 }\n",
    );
    assert!(err.contains("pipeline.yaml:4:") && err.contains("min_doc"), "{err}");
}

#[test]
fn a_wrong_type_names_the_key() {
    let dir = Dir::new();
    dir.write("a.jsonl", b"{\"text\": \"x\"}\n");
    let err = stderr_of(
        &dir,
        "input: { paths: [a.jsonl], format: jsonl, max_record_bytes: lots }\noutput: { path: out/ }\n",
    );
    assert!(
        err.contains("pipeline.yaml:1:") && err.contains("max_record_bytes"),
        "{err}"
    );
}

#[test]
fn a_missing_pipeline_file_is_a_clear_error() {
    let dir = Dir::new();
    let output = dir.tamis(&["run", "nope.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("nope.yaml: cannot read the pipeline file"), "{stderr}");
    assert!(
        !stderr.contains(":0:0"),
        "a missing file has no line and column: {stderr}"
    );
}

#[test]
fn comments_and_layout_do_not_make_another_job() {
    let dir = Dir::new();
    dir.write("a.jsonl", b"{\"text\": \"x\"}\n");
    dir.pipeline("input: { paths: [a.jsonl], format: jsonl }\noutput: { path: out/ }\n");
    dir.run_ok(&[]);
    dir.pipeline("# the same job, reformatted\noutput:\n  path: out/   # here\ninput:\n  format: jsonl\n  paths:\n    - a.jsonl\n");
    let again = dir.tamis(&["run", "pipeline.yaml"]);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        again.status.success() && stderr.contains("already complete"),
        "{stderr}"
    );
}

#[test]
fn a_task_index_out_of_range_is_rejected() {
    let dir = Dir::new();
    dir.write("a.jsonl", b"{\"text\": \"x\"}\n");
    dir.pipeline("input: { paths: [a.jsonl], format: jsonl }\noutput: { path: out/ }\n");
    let output = dir.tamis(&["run", "pipeline.yaml", "--tasks", "2", "--task-index", "2"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn an_output_below_a_file_is_a_configuration_error_naming_the_file() {
    let dir = Dir::new();
    dir.write("a.jsonl", b"{\"text\": \"x\"}\n");
    dir.write("blocker", b"a file where the output's parent should be");
    for output in ["blocker/out/", "blocker/"] {
        dir.pipeline(&format!(
            "input: {{ paths: [a.jsonl], format: jsonl }}\noutput: {{ path: {output} }}\n"
        ));
        let run = dir.tamis(&["run", "pipeline.yaml", "--quiet"]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("pipeline.yaml:2:") && stderr.contains("blocker is a file"),
            "{stderr}"
        );
    }
}

#[test]
fn stats_of_a_directory_without_tasks_is_an_error() {
    let dir = Dir::new();
    let output = dir.tamis(&["stats", "missing"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!dir.path("missing").exists());
}
