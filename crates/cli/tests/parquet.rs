//! Parquet in and out, checked by the readers people use: tamis's output read
//! back by pyarrow, DuckDB and polars (column names, types, values), in its own
//! schema and in FineWeb's; Parquet that pyarrow and DuckDB wrote (and a
//! datatrove-shaped file) read by tamis; Parquet on S3, read by ranges.
//!
//! The Python readers come from `$TAMIS_TEST_PYTHON`, which `scripts/test`
//! points at `.venv/bin/python` with pyarrow, DuckDB and polars installed.

use crate::storage::{example, object, s3_stats, succeeded, tamis_on};
use crate::util::{documents, Dir};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use tamis_testkit::{FaultProxy, SeaweedFs};

/// Runs `script` with the test Python and `args`; its stdout, parsed as JSON.
fn python(script: &str, args: &[&str]) -> Value {
    let python = std::env::var("TAMIS_TEST_PYTHON").unwrap_or_else(|_| {
        panic!(
            "TAMIS_TEST_PYTHON is not set: the Parquet compatibility tests need Python with pyarrow, \
             duckdb and polars. Run them with scripts/test, which installs those into .venv/ and sets it."
        )
    });
    let output = Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {python}: {e}; run scripts/test, which sets TAMIS_TEST_PYTHON to .venv/bin/python")
        });
    assert!(
        output.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// What pyarrow, DuckDB and polars make of the Parquet files given as arguments.
const DESCRIBE: &str = r#"
import json, sys
import duckdb, polars as pl, pyarrow as pa, pyarrow.parquet as pq
files = sorted(sys.argv[1:])
table = pa.concat_tables([pq.read_table(f) for f in files])
meta = pq.ParquetFile(files[0]).metadata
first = meta.row_group(0)
out = {
    "pyarrow": {
        "schema": [[f.name, str(f.type)] for f in table.schema],
        "rows": table.num_rows,
        "rows_list": table.to_pylist(),
    },
    "duckdb": {
        "schema": [[r[0], r[1]] for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet({files!r})").fetchall()],
        "rows": duckdb.sql(f"SELECT count(*) FROM read_parquet({files!r})").fetchall()[0][0],
    },
    "polars": {
        "schema": [[name, str(dtype)] for name, dtype in pl.read_parquet(files).schema.items()],
        "rows": pl.read_parquet(files).height,
    },
    "file": {
        "created_by": meta.created_by,
        "compression": first.column(0).compression,
        "statistics": all(first.column(i).is_stats_set for i in range(first.num_columns)),
        "column_index": all(first.column(i).has_column_index for i in range(first.num_columns)),
        "offset_index": all(first.column(i).has_offset_index for i in range(first.num_columns)),
    },
}
print(json.dumps(out, default=str))
"#;

/// The Parquet files directly in `dir`, sorted.
fn parquet_files(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "parquet"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

fn describe(dir: &Path) -> Value {
    let files = parquet_files(dir);
    assert!(!files.is_empty(), "no Parquet file in {}", dir.display());
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    python(DESCRIBE, &args)
}

fn schema(described: &Value, reader: &str) -> Vec<(String, String)> {
    described[reader]["schema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().into(), pair[1].as_str().unwrap().into()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

/// The example crawl through extraction and French identification, written
/// with `output` (YAML of the output's keys after `path`).
fn example_run(dir: &Dir, input: &str, output: &str) {
    dir.pipeline(&format!(
        "input: {{ paths: [{input:?}], format: warc }}\noutput:\n  path: out/\n  removed: out/removed/\n{output}\
         steps:\n  - extract: {{}}\n  - language: {{ languages: [fr] }}\n"
    ));
    dir.run_ok(&[]);
}

#[test]
fn tamis_parquet_reads_in_pyarrow_duckdb_and_polars_with_declared_types() {
    let dir = Dir::new();
    let columns = "  format: parquet\n  columns:\n    - { name: language_score, type: float64 }\n    - { name: offset, type: int64 }\n    - { name: charset_errors, type: bool }\n";
    example_run(&dir, &example("news.warc.gz"), columns);
    let described = describe(&dir.path("out"));
    let expected = [
        ("text", "string"),
        ("id", "string"),
        ("url", "string"),
        ("language_score", "double"),
        ("offset", "int64"),
        ("charset_errors", "bool"),
        ("metadata", "string"),
    ];
    assert_eq!(schema(&described, "pyarrow"), pairs(&expected));
    let duckdb = [
        ("text", "VARCHAR"),
        ("id", "VARCHAR"),
        ("url", "VARCHAR"),
        ("language_score", "DOUBLE"),
        ("offset", "BIGINT"),
        ("charset_errors", "BOOLEAN"),
        ("metadata", "VARCHAR"),
    ];
    assert_eq!(schema(&described, "duckdb"), pairs(&duckdb));
    let polars = [
        ("text", "String"),
        ("id", "String"),
        ("url", "String"),
        ("language_score", "Float64"),
        ("offset", "Int64"),
        ("charset_errors", "Boolean"),
        ("metadata", "String"),
    ];
    assert_eq!(schema(&described, "polars"), pairs(&polars));
    for reader in ["pyarrow", "duckdb", "polars"] {
        assert_eq!(described[reader]["rows"], 30, "{reader}");
    }
    let file = &described["file"];
    assert!(file["created_by"].as_str().unwrap().starts_with("tamis"), "{file}");
    assert_eq!(file["compression"], "ZSTD");
    assert_eq!(
        (&file["statistics"], &file["column_index"], &file["offset_index"]),
        (&json!(true), &json!(true), &json!(true))
    );
    let row = &described["pyarrow"]["rows_list"][0];
    assert!(row["language_score"].as_f64().unwrap() > 0.65, "{row}");
    assert!(
        row["charset_errors"].is_null(),
        "no replacement characters in the example"
    );
    let rest: Value = serde_json::from_str(row["metadata"].as_str().unwrap()).unwrap();
    assert_eq!(rest["language"], "fr");
    assert!(rest["warc_date"].is_string() && rest.get("offset").is_none(), "{rest}");

    let removed = describe(&dir.path("out/removed"));
    let names: Vec<String> = schema(&removed, "pyarrow").into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[names.len() - 2..], ["removed_step", "removed_reason"]);
    assert_eq!(removed["duckdb"]["rows"], 6);
    assert_eq!(removed["pyarrow"]["rows_list"][0]["removed_reason"], "wrong_language");
}

#[test]
fn tamis_reads_its_own_parquet_back_as_the_same_documents() {
    let dir = Dir::new();
    example_run(&dir, &example("news.warc.gz"), "  format: jsonl\n");
    let jsonl = documents(&dir.path("out"));
    let parquet = Dir::new();
    let columns = "  format: parquet\n  compression: snappy\n  columns: [{ name: language_score, type: float64 }]\n";
    example_run(&parquet, &example("news.warc.gz"), columns);
    let files = parquet_files(&parquet.path("out"));
    parquet.pipeline(&format!(
        "input: {{ paths: {files:?}, format: parquet }}\noutput: {{ path: back/, format: jsonl }}\n"
    ));
    parquet.run_ok(&[]);
    assert_eq!(documents(&parquet.path("back")), jsonl);
}

#[test]
fn the_fineweb_schema_is_fineweb_published_columns_and_types() {
    let dir = Dir::new();
    let crawl = "crawl-data/CC-MAIN-2024-10/segments/1707947473347.0/warc/news.warc.gz";
    dir.write(crawl, &std::fs::read(example("news.warc.gz")).unwrap());
    example_run(&dir, crawl, "  format: parquet\n  schema: fineweb\n");
    let described = describe(&dir.path("out"));
    let expected = [
        ("text", "string"),
        ("id", "string"),
        ("dump", "string"),
        ("url", "string"),
        ("date", "string"),
        ("file_path", "string"),
        ("language", "string"),
        ("language_score", "double"),
        ("token_count", "int64"),
    ];
    assert_eq!(schema(&described, "pyarrow"), pairs(&expected));
    let row = &described["pyarrow"]["rows_list"][0];
    assert_eq!(row["dump"], "CC-MAIN-2024-10");
    assert!(row["id"].as_str().unwrap().starts_with("<urn:uuid:"), "{row}");
    assert!(row["date"].as_str().unwrap().ends_with('Z'), "WARC-Date: {row}");
    assert!(row["file_path"].as_str().unwrap().ends_with(crawl), "{row}");
    assert_eq!(row["language"], "fr");
    assert!(row["token_count"].is_null(), "no token counter ran: {row}");
    assert_eq!(
        schema(&described, "duckdb")[8],
        ("token_count".to_string(), "BIGINT".to_string())
    );
    assert_eq!(described["polars"]["rows"], 30);
    // Every other key is left out of this exact schema, and counted.
    let stats = dir.stats("out");
    let dropped = &stats["output_schema"]["dropped"];
    assert_eq!(dropped["offset"], 36, "30 kept and 6 removed: {dropped}");
    assert!(stats["output_schema"].get("nulled").is_none(), "{stats}");
}

#[test]
fn the_token_count_step_fills_the_fineweb_token_count_column() {
    let dir = Dir::new();
    dir.pipeline(&format!(
        "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: out/, format: parquet, schema: fineweb }}\n\
         steps:\n  - extract: {{}}\n  - language: {{ languages: [fr] }}\n  - token_count: {{}}\n",
        example("news.warc.gz")
    ));
    dir.run_ok(&[]);
    let stats = dir.stats("out");
    let files = parquet_files(&dir.path("out"));
    dir.pipeline(&format!(
        "input: {{ paths: {files:?}, format: parquet }}\noutput: {{ path: back/, format: jsonl }}\n"
    ));
    dir.run_ok(&[]);
    let docs = documents(&dir.path("back"));
    assert_eq!(docs.len(), 30);
    let mut total = 0;
    for doc in &docs {
        // Read back from the int64 column, not from a JSON catch-all: the fineweb schema has none.
        let count = doc["metadata"]["token_count"]
            .as_u64()
            .unwrap_or_else(|| panic!("{doc}"));
        assert_eq!(
            count as usize,
            tamis_tokens::gpt2().count(doc["text"].as_str().unwrap())
        );
        assert!(count > 0);
        total += count;
    }
    let step = &stats["steps"][2];
    assert_eq!(step["name"], "token_count");
    assert_eq!(step["counters"]["tokens"], total);
    assert!(step["dropped"].as_object().unwrap().is_empty(), "{step}");
}

#[test]
fn the_fineweb2_schema_and_a_default_dump() {
    let dir = Dir::new();
    dir.pipeline(&format!(
        "input:\n  paths: [{:?}]\n  format: warc\n  default_metadata: {{ dump: CC-MAIN-2023-50 }}\n\
         output: {{ path: out/, format: parquet, schema: fineweb2 }}\n\
         steps:\n  - extract: {{}}\n  - language: {{ languages: [fr], keep_top_pairs_threshold: 0.01 }}\n",
        example("news.warc.gz")
    ));
    dir.run_ok(&[]);
    let described = describe(&dir.path("out"));
    let names: Vec<String> = schema(&described, "pyarrow").into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names.join(" "),
        "text id dump url date file_path language language_score language_script minhash_cluster_size top_langs"
    );
    assert_eq!(schema(&described, "duckdb")[9].1, "BIGINT");
    let row = &described["pyarrow"]["rows_list"][0];
    assert_eq!(row["dump"], "CC-MAIN-2023-50");
    let top: Value = serde_json::from_str(row["top_langs"].as_str().unwrap()).unwrap();
    assert!(top["fr_score"].as_f64().unwrap() > 0.65, "{top}");
}

/// Writes Parquet files as pyarrow and DuckDB do, and one shaped as datatrove's
/// `ParquetWriter` writes without `expand_metadata` (a struct `metadata`).
const WRITE_OTHERS: &str = r#"
import datetime, json, sys
import duckdb, pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
table = pa.table({
    "text": ["first", None, "third", "fourth", "fifth"],
    "id": ["a", "b", "c", None, "e"],
    "url": ["https://a/", None, "https://c/", "https://d/", "https://e/"],
    "n": pa.array([1, 2, 3, 4, 5], pa.int32()),
    "score": pa.array([0.5, 1.5, None, 2.5, 3.5], pa.float32()),
    "tags": [["x", "y"], [], None, ["z"], ["w"]],
    "info": [{"a": 1}, {"a": 2}, {"a": None}, {"a": 4}, {"a": 5}],
    "seen": pa.array([datetime.datetime(2024, 2, 21, 0, 0, 1)] * 5, pa.timestamp("ms", tz="UTC")),
})
pq.write_table(table, f"{out}/pyarrow.parquet", row_group_size=2)
duckdb.sql(f"COPY (SELECT 'duck ' || i AS text, i AS id, 'https://duck/' || i AS url, (i * 0.5)::DOUBLE AS score FROM range(4) t(i)) TO '{out}/duckdb.parquet' (FORMAT parquet)")
pq.write_table(pa.Table.from_pylist([{"text": "dt", "id": "dt-0", "metadata": {"dump": "CC-MAIN-2024-10", "language_score": 0.9}}]), f"{out}/datatrove.parquet")
print("{}")
"#;

#[test]
fn tamis_reads_parquet_that_pyarrow_duckdb_and_datatrove_wrote() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path("in")).unwrap();
    python(WRITE_OTHERS, &[dir.path("in").to_str().unwrap()]);
    dir.pipeline("input: { paths: [in/], format: parquet }\noutput: { path: out/, format: jsonl }\n");
    dir.run_ok(&[]);
    let docs = documents(&dir.path("out"));
    let by_id = |id: &str| {
        docs.iter()
            .find(|d| d["id"] == id)
            .unwrap_or_else(|| panic!("{id}: {docs:?}"))
    };
    let first = by_id("a");
    assert_eq!(first["text"], "first");
    assert_eq!(first["url"], "https://a/");
    let metadata = &first["metadata"];
    assert_eq!(
        (&metadata["n"], &metadata["score"], &metadata["tags"]),
        (&json!(1), &json!(0.5), &json!(["x", "y"]))
    );
    assert_eq!(metadata["info"], json!({"a": 1}));
    assert_eq!(metadata["seen"], "2024-02-21T00:00:01Z");
    assert!(by_id("c")["metadata"].get("score").is_none(), "null cells are no key");
    assert_eq!(by_id("pyarrow.parquet/3")["text"], "fourth", "no id: file/row");
    assert_eq!(by_id("2")["text"], "duck 2", "integer ids as text");
    assert_eq!(by_id("2")["metadata"]["score"], 1.0);
    let datatrove = by_id("dt-0");
    assert_eq!(datatrove["metadata"]["dump"], "CC-MAIN-2024-10");
    assert_eq!(docs.len(), 4 + 4 + 1);
    let stats = dir.stats("out");
    let missing = &stats["read"]["errors"]["missing_text"];
    assert_eq!(missing["count"], 1);
    assert_eq!(missing["samples"][0]["offset"], 1);
    assert!(missing["samples"][0]["detail"].as_str().unwrap().contains("row 1"));
}

#[test]
fn a_damaged_parquet_file_is_a_counted_error() {
    let dir = Dir::new();
    std::fs::create_dir_all(dir.path("in")).unwrap();
    python(WRITE_OTHERS, &[dir.path("in").to_str().unwrap()]);
    let whole = std::fs::read(dir.path("in/duckdb.parquet")).unwrap();
    dir.write("in/duckdb.parquet", &whole[..whole.len() / 2]);
    dir.write("in/notes.parquet", b"these are notes, not Parquet");
    dir.pipeline("input: { paths: [in/], format: parquet, text_field: text }\noutput: { path: out/, format: jsonl }\n");
    dir.run_ok(&[]);
    let stats = dir.stats("out");
    assert_eq!(stats["read"]["errors"]["bad_parquet"]["count"], 2, "{stats}");
    assert_eq!(stats["kept"], 4 + 1);
}

/// A Parquet file of three row groups of 100 rows, damaged (by
/// `fuzz/parquet_mutations.py`, from a file pyarrow wrote) so that row group
/// 1's metadata gives a column chunk a negative length, on which the
/// `parquet` crate panics: that group is one counted error, and the groups
/// around it are read.
#[test]
fn a_panic_in_the_parquet_decoder_costs_its_row_group_only() {
    let dir = Dir::new();
    let fixture = format!(
        "{}/tests/fixtures/parquet-panicking-row-group.parquet",
        env!("CARGO_MANIFEST_DIR")
    );
    dir.pipeline(&format!(
        "input: {{ paths: [{fixture:?}], format: parquet }}\noutput: {{ path: out/, format: jsonl }}\n"
    ));
    dir.run_ok(&[]);
    let stats = dir.stats("out");
    assert_eq!(stats["read"]["documents"], 200, "{stats}");
    let errors = &stats["read"]["errors"]["bad_parquet"];
    assert_eq!(errors["count"], 1, "{stats}");
    assert_eq!(errors["samples"][0]["offset"], 100);
    let detail = errors["samples"][0]["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("row group 1 (rows 100..200") && detail.contains("decoding panicked"),
        "{detail}"
    );
}

/// A Parquet file of 200 rows: short `text` and `lang`, and a wide `html`
/// column (200 × 20 KB of incompressible text), in row groups of 50.
const WRITE_WIDE: &str = r#"
import os, sys
import pyarrow as pa, pyarrow.parquet as pq
rows = 200
table = pa.table({
    "text": [f"document {i}" for i in range(rows)],
    "lang": ["en"] * rows,
    "html": [os.urandom(10_000).hex() for _ in range(rows)],
})
pq.write_table(table, sys.argv[1], row_group_size=50, compression="none")
print("{}")
"#;

#[test]
fn parquet_on_s3_is_read_by_ranges_and_written_back() {
    let server = SeaweedFs::start();
    let dir = Dir::new();
    python(WRITE_WIDE, &[dir.path("wide.parquet").to_str().unwrap()]);
    let wide = std::fs::read(dir.path("wide.parquet")).unwrap();
    object(&server, "in/wide.parquet").write(&wide).unwrap();
    let proxy = FaultProxy::start(server.s3_port());
    let through_proxy = format!("http://127.0.0.1:{}", proxy.port());
    dir.pipeline(
        "input: { paths: [\"s3://tamis-test/in/wide.parquet\"], format: parquet, columns: [lang] }\n\
         output: { path: \"s3://tamis-test/out/\", format: parquet }\n",
    );
    succeeded(&tamis_on(
        &dir,
        &server,
        Some(&through_proxy),
        &["run", "pipeline.yaml", "--quiet"],
    ));
    let fetched = proxy.bytes_sent();
    assert!(
        fetched < wide.len() as u64 / 10,
        "{fetched} bytes came down for a {}-byte object whose wide column is not read",
        wide.len()
    );
    assert_eq!(s3_stats(&server, "out")["kept"], 200);

    // The output, on S3 too, reads back.
    dir.pipeline(
        "input: { paths: [\"s3://tamis-test/out/*.parquet\"], format: parquet }\n\
         output: { path: back/, format: jsonl }\n",
    );
    succeeded(&tamis_on(&dir, &server, None, &["run", "pipeline.yaml", "--quiet"]));
    let docs = documents(&dir.path("back"));
    assert_eq!(docs.len(), 200);
    assert_eq!(docs[7]["text"], "document 7");
    assert_eq!(docs[7]["id"], "wide.parquet/7");
    assert_eq!(docs[7]["metadata"], json!({"lang": "en"}));
}
