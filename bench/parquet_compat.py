#!/usr/bin/env python3
"""datatrove's ParquetReader and Hugging Face `datasets` read tamis's Parquet (not in CI: needs bench/.venv).

tamis runs the bundled example crawl (examples/news.warc.gz: extract, French identification) into Parquet
twice, in its own schema (with `language_score` declared float64) and in FineWeb's; then
  - datatrove 0.10.1: ParquetReader over each output, every document with its text, id and metadata;
  - datasets: load_dataset("parquet", data_files=...), features and rows.
Exits non-zero on the first mismatch; prints what each reader saw.

    bash bench/setup.sh && cargo build --release && bench/.venv/bin/python bench/parquet_compat.py
"""
import argparse
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def tamis_output(tamis, work, name, output_keys):
    out = os.path.join(work, name)
    pipeline = os.path.join(work, f"{name}.yaml")
    crawl = os.path.join(work, "crawl-data", "CC-MAIN-2024-10", "segments", "1", "warc", "news.warc.gz")
    os.makedirs(os.path.dirname(crawl), exist_ok=True)
    if not os.path.exists(crawl):
        os.symlink(os.path.join(ROOT, "examples", "news.warc.gz"), crawl)
    with open(pipeline, "w") as f:
        f.write(f"input: {{ paths: [{crawl!r}], format: warc }}\n"
                f"output: {{ path: {out!r}, format: parquet, {output_keys} }}\n"
                "steps:\n  - extract: {}\n  - language: { languages: [fr] }\n")
    subprocess.run([tamis, "run", pipeline, "--quiet"], check=True)
    return out


def check(condition, message):
    if not condition:
        raise SystemExit(f"FAIL: {message}")
    print(f"ok: {message}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tamis", default=os.path.join(ROOT, "target", "release", "tamis"))
    args = ap.parse_args()
    from datatrove.pipeline.readers import ParquetReader
    from datasets import load_dataset

    with tempfile.TemporaryDirectory(prefix="tamis-compat-") as work:
        outputs = {
            "tamis": tamis_output(args.tamis, work, "tamis", "columns: [{ name: language_score, type: float64 }]"),
            "fineweb": tamis_output(args.tamis, work, "fineweb", "schema: fineweb"),
        }
        for schema, out in outputs.items():
            docs = list(ParquetReader(out, glob_pattern="*.parquet").run())
            check(len(docs) == 30, f"datatrove ParquetReader reads the 30 documents of the {schema} schema")
            first = docs[0]
            check(first.id.startswith("<urn:uuid:") and len(first.text) > 100, f"{schema}: id and text ({first.id})")
            if schema == "fineweb":
                check(first.metadata["dump"] == "CC-MAIN-2024-10", f"{schema}: metadata dump {first.metadata['dump']}")
                check(first.metadata["language"] == "fr", f"{schema}: metadata language")
                check(first.metadata["token_count"] is None, f"{schema}: token_count null without a token counter")
            else:
                check(first.metadata["language"] == "fr", f"{schema}: the `metadata` JSON column is merged")
                check(isinstance(first.metadata["language_score"], float), f"{schema}: language_score is a float")

            files = sorted(os.path.join(out, f) for f in os.listdir(out) if f.endswith(".parquet"))
            dataset = load_dataset("parquet", data_files=files, split="train")
            features = {name: str(feature.dtype) for name, feature in dataset.features.items()}
            print(json.dumps(features))
            check(dataset.num_rows == 30, f"datasets loads the {schema} schema's 30 rows")
            check(features["language_score"] == "float64", f"{schema}: language_score is float64 in datasets")
            if schema == "fineweb":
                expected = {"text": "string", "id": "string", "dump": "string", "url": "string", "date": "string",
                            "file_path": "string", "language": "string", "language_score": "float64",
                            "token_count": "int64"}
                check(features == expected, f"{schema}: datasets features are FineWeb's")
            check(dataset[0]["text"] == first.text, f"{schema}: same first text through datasets and datatrove")


if __name__ == "__main__":
    main()
