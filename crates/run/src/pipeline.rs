//! The pipeline file: what runs, read and checked before any work starts.
//!
//! ```yaml
//! input:  { paths: ["crawl/*.warc.gz"], format: warc }
//! output: { path: out/, format: jsonl.gz, removed: out/removed/ }
//! # or: { path: out/, format: parquet, schema: fineweb, compression: zstd }
//! steps:
//!   - line_dedup: { min_docs: 2 }
//! ```
//!
//! Relative paths are relative to the current directory, as in a shell. An
//! unknown key, a value of the wrong type, a step setting out of range or an input
//! that matches no file is an error naming the file, line and key.

use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::Path;
use tamis_arrow::{ColumnType, DocumentSchema};
use tamis_io::Location;
use tamis_read::{Format, ReadOptions};
use tamis_steps::{BuiltStep, StepConfig};
use tamis_write::{Compression, ParquetCompression, ParquetOptions};

/// An error in the pipeline file, with its location (when it has one).
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", self.place())]
pub struct PipelineError {
    /// The pipeline file.
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: u64,
    /// 1-based column, 0 when unknown.
    pub column: u64,
    /// The key at fault, dotted from the top (`output.path`,
    /// `line_dedup.min_docs`), or empty when the error names none.
    pub key: String,
    /// What is wrong, naming the key.
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PipelineFile {
    #[serde(rename = "input")]
    input_spanned: Spanned<InputConfig>,
    #[serde(rename = "output")]
    output_spanned: Spanned<OutputConfig>,
    #[serde(default)]
    steps: Vec<Spanned<StepConfig>>,
}

impl PipelineError {
    /// `file:line:column`, or the file alone when the error has no place in it.
    fn place(&self) -> String {
        match self.line {
            0 => self.file.clone(),
            line => format!("{}:{line}:{}", self.file, self.column),
        }
    }
}

/// `input:` — which files, in which format.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputConfig {
    /// Files, directories (read recursively) or glob patterns, local or URLs.
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    /// A file listing the inputs, one per line (Common Crawl's `warc.paths.gz`).
    #[serde(default)]
    paths_file: Option<Spanned<String>>,
    /// What the lines of `paths_file` are relative to.
    #[serde(default)]
    base: Option<String>,
    format: InputFormat,
    #[serde(default)]
    text_field: Option<String>,
    #[serde(default)]
    id_field: Option<String>,
    #[serde(default)]
    url_field: Option<String>,
    #[serde(default)]
    max_record_bytes: Option<u64>,
    /// Parquet: the only columns read into the metadata (besides text, id, url).
    #[serde(default)]
    columns: Option<Vec<String>>,
    /// Metadata every document gets unless it has the key (`{dump: CC-MAIN-2024-10}`).
    #[serde(default)]
    default_metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum InputFormat {
    Warc,
    Jsonl,
    Parquet,
}

/// `output:` — where kept and removed documents go.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputConfig {
    path: Spanned<String>,
    #[serde(default)]
    format: OutputFormat,
    #[serde(default)]
    removed: Option<Spanned<String>>,
    #[serde(default)]
    max_file_bytes: Option<u64>,
    /// Parquet: `zstd` (default), `snappy` or `none`.
    #[serde(default)]
    compression: Option<CompressionName>,
    /// Parquet: the columns, `tamis` (default), `fineweb` or `fineweb2`.
    #[serde(default)]
    schema: Option<SchemaName>,
    /// Parquet, `tamis` schema: typed metadata columns, `[{name, type}]`.
    #[serde(default)]
    columns: Option<Vec<ColumnConfig>>,
    /// Parquet: rows per row group, at most.
    #[serde(default)]
    row_group_rows: Option<usize>,
    /// Parquet: encoded bytes per row group, at most.
    #[serde(default)]
    row_group_bytes: Option<u64>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum CompressionName {
    Zstd,
    Snappy,
    None,
}

/// The output schemas a pipeline can name (`output.schema`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum SchemaName {
    Tamis,
    Fineweb,
    Fineweb2,
}

/// One typed metadata column of the `tamis` schema.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnConfig {
    name: String,
    #[serde(rename = "type")]
    ty: TypeName,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum TypeName {
    String,
    Int64,
    Float64,
    Bool,
    Json,
}

impl TypeName {
    fn column_type(self) -> ColumnType {
        match self {
            TypeName::String => ColumnType::String,
            TypeName::Int64 => ColumnType::Int64,
            TypeName::Float64 => ColumnType::Float64,
            TypeName::Bool => ColumnType::Bool,
            TypeName::Json => ColumnType::Json,
        }
    }
}

/// The output formats; `null` writes no documents (stats only), for benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum OutputFormat {
    /// Plain JSONL.
    #[default]
    #[serde(rename = "jsonl")]
    Jsonl,
    /// gzip-compressed JSONL.
    #[serde(rename = "jsonl.gz")]
    JsonlGz,
    /// zstd-compressed JSONL.
    #[serde(rename = "jsonl.zst")]
    JsonlZst,
    /// Parquet, with the schema of `output.schema`.
    #[serde(rename = "parquet")]
    Parquet,
    /// Discard documents.
    #[serde(rename = "null")]
    Null,
}

/// 1 GiB of JSON per output file before rolling over to the next part.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 30;

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Where it is.
    pub location: Location,
    /// Its size, when a listing gave it (not for the entries of a paths file).
    pub size: Option<u64>,
}

/// A checked pipeline, ready to run.
pub struct Pipeline {
    /// Input files, sorted, each once.
    pub inputs: Vec<Input>,
    /// Their format.
    pub format: Format,
    /// Reader options.
    pub read_options: ReadOptions,
    /// The output directory.
    pub output: Location,
    /// How output files are encoded; `None` writes no documents (`null`).
    pub output_format: Option<tamis_write::Format>,
    /// Where removed documents go, if anywhere.
    pub removed: Option<Location>,
    /// Uncompressed bytes per output file.
    pub max_file_bytes: u64,
    /// The steps, in order.
    pub steps: Vec<BuiltStep>,
    /// Each step's configuration with its defaults filled in, as JSON (for the stats).
    pub step_configs: Vec<serde_json::Value>,
    /// A fingerprint of the parsed configuration (not of its text: comments
    /// and layout do not count): a re-run into the same output must run the
    /// same pipeline.
    pub fingerprint: String,
}

impl Pipeline {
    /// Reads, parses and checks the pipeline file at `path`.
    pub fn load(path: &Path) -> Result<Pipeline, PipelineError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|err| PipelineError {
            file: file.clone(),
            line: 0,
            column: 0,
            key: String::new(),
            message: format!("cannot read the pipeline file: {err}"),
        })?;
        Pipeline::parse(&text, &file)
    }

    /// Parses and checks pipeline YAML (or JSON, which is YAML); `file` names
    /// it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Pipeline, PipelineError> {
        let parsed: PipelineFile = serde_saphyr::from_str(text).map_err(|err| {
            let (line, column) = err.location().map_or((0, 0), |l| (l.line(), l.column()));
            let mut message = err.without_snippet().to_string();
            // The location is given once, in front, as `file:line:column`.
            for noise in [
                format!(" at line {line}, column {column}"),
                format!("line {line} column {column}: "),
            ] {
                message = message.replace(&noise, "");
            }
            // serde names unknown and missing keys but not the key of a value of
            // the wrong type: take it from the source line.
            let before = key_before(text, line, column);
            if let Some(key) = before.as_ref().filter(|key| !message.contains(key.as_str())) {
                message = format!("key `{key}`: {message}");
            }
            let key = quoted_key(&message).or(before).unwrap_or_default();
            PipelineError {
                file: file.to_string(),
                line,
                column,
                key,
                message: message.trim_start_matches("error: ").to_string(),
            }
        })?;
        let error = |at: &serde_saphyr::Location, key: &str, message: String| PipelineError {
            file: file.to_string(),
            line: at.line(),
            column: at.column(),
            key: key.to_string(),
            message,
        };

        let input_at = parsed.input_spanned.referenced;
        let input = parsed.input_spanned.value;
        let mut inputs = Vec::new();
        for pattern in &input.paths {
            let found = tamis_io::glob::expand(&pattern.value).map_err(|e| {
                error(
                    &pattern.referenced,
                    "input.paths",
                    format!("input.paths: {:?}: {}", pattern.value, plain(&e)),
                )
            })?;
            inputs.extend(found.into_iter().map(|(location, size)| Input {
                location,
                size: Some(size),
            }));
        }
        if let Some(list) = &input.paths_file {
            let listed = Location::parse(&list.value)
                .and_then(|file| tamis_io::paths_file::read(&file, input.base.as_deref()))
                .map_err(|e| {
                    error(
                        &list.referenced,
                        "input.paths_file",
                        format!("input.paths_file: {}", plain(&e)),
                    )
                })?;
            if listed.is_empty() {
                return Err(error(
                    &list.referenced,
                    "input.paths_file",
                    format!("input.paths_file: {:?} lists no file", list.value),
                ));
            }
            inputs.extend(listed.into_iter().map(|location| Input { location, size: None }));
        } else if input.base.is_some() {
            return Err(error(
                &input_at,
                "input.base",
                "input.base: only applies to input.paths_file".into(),
            ));
        }
        if inputs.is_empty() {
            return Err(error(
                &input_at,
                "input",
                "input: give `paths`, or a `paths_file`".into(),
            ));
        }
        inputs.sort();
        inputs.dedup_by(|a, b| a.location == b.location);

        let format = match input.format {
            InputFormat::Warc => Format::Warc,
            InputFormat::Jsonl => Format::Jsonl,
            InputFormat::Parquet => Format::Parquet,
        };
        if input.columns.is_some() && format != Format::Parquet {
            return Err(error(
                &input_at,
                "input.columns",
                "input.columns: only applies to format: parquet".into(),
            ));
        }
        let defaults = ReadOptions::default();
        let read_options = ReadOptions {
            max_record_bytes: input.max_record_bytes.unwrap_or(defaults.max_record_bytes),
            text_field: input.text_field.unwrap_or(defaults.text_field),
            id_field: input.id_field.unwrap_or(defaults.id_field),
            url_field: input.url_field.unwrap_or(defaults.url_field),
            columns: input.columns,
            default_metadata: input.default_metadata.unwrap_or_default(),
        };
        let output_at = parsed.output_spanned.referenced;
        let output_config = parsed.output_spanned.value;
        let output_format = output_format(&output_config).map_err(|message| {
            // The message starts with the key it is about: `columns: …`.
            let key = format!("output.{}", message.split(':').next().unwrap_or_default());
            error(&output_at, &key, format!("output.{message}"))
        })?;

        let directory = |spanned: &Spanned<String>, key: &str| -> Result<Location, PipelineError> {
            let location = Location::parse(&spanned.value)
                .map_err(|e| error(&spanned.referenced, key, format!("{key}: {}", plain(&e))))?;
            if let Some(file) = local_file_at_or_above(&location) {
                return Err(error(
                    &spanned.referenced,
                    key,
                    format!("{key}: {} is a file, not a directory", file.display()),
                ));
            }
            Ok(location)
        };
        let output = directory(&output_config.path, "output.path")?;
        let removed = match &output_config.removed {
            Some(spanned) => {
                let removed = directory(spanned, "output.removed")?;
                if removed == output {
                    return Err(error(
                        &spanned.referenced,
                        "output.removed",
                        "output.removed: must differ from output.path (e.g. a `removed/` folder inside it)".into(),
                    ));
                }
                Some(removed)
            }
            None => None,
        };

        let mut steps = Vec::new();
        let mut step_configs = Vec::new();
        let mut global: Option<&'static str> = None;
        for step in &parsed.steps {
            let config_error =
                |err: tamis_steps::ConfigError| error(&step.referenced, &err.dotted_key(), format!("steps: {err}"));
            let expanded = step.value.expand().map_err(config_error)?;
            for config in expanded {
                let built = config.build().map_err(config_error)?;
                if let BuiltStep::Global(this) = &built {
                    if let Some(first) = global {
                        return Err(error(
                            &step.referenced,
                            this.name(),
                            format!(
                                "steps: {} follows {first}: a pipeline holds at most one corpus-wide step",
                                this.name()
                            ),
                        ));
                    }
                    global = Some(this.name());
                }
                steps.push(built);
                step_configs.push(config.settings());
            }
        }

        Ok(Pipeline {
            inputs,
            format,
            read_options,
            output,
            output_format,
            removed,
            max_file_bytes: output_config.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES),
            steps,
            step_configs,
            fingerprint: fingerprint(text),
        })
    }

    /// The names of the steps, in order.
    pub fn step_names(&self) -> Vec<&'static str> {
        self.steps.iter().map(BuiltStep::name).collect()
    }
}

/// How `output` says files are encoded; an error names the key (after `output.`).
fn output_format(output: &OutputConfig) -> Result<Option<tamis_write::Format>, String> {
    let jsonl = |compression| Some(tamis_write::Format::Jsonl(compression));
    let format = match output.format {
        OutputFormat::Jsonl => jsonl(Compression::None),
        OutputFormat::JsonlGz => jsonl(Compression::Gzip),
        OutputFormat::JsonlZst => jsonl(Compression::Zstd),
        OutputFormat::Null => None,
        OutputFormat::Parquet => {
            let schema = match output.schema.unwrap_or(SchemaName::Tamis) {
                SchemaName::Tamis => {
                    let declared: Vec<(String, ColumnType)> = output
                        .columns
                        .iter()
                        .flatten()
                        .map(|c| (c.name.clone(), c.ty.column_type()))
                        .collect();
                    DocumentSchema::tamis(&declared).map_err(|e| format!("columns: {e}"))?
                }
                SchemaName::Fineweb | SchemaName::Fineweb2 if output.columns.is_some() => {
                    return Err("columns: only applies to schema: tamis (fineweb and fineweb2 are fixed)".into())
                }
                SchemaName::Fineweb => DocumentSchema::fineweb(),
                SchemaName::Fineweb2 => DocumentSchema::fineweb2(),
            };
            let mut options = ParquetOptions::new(schema);
            options.compression = match output.compression {
                None | Some(CompressionName::Zstd) => ParquetCompression::Zstd,
                Some(CompressionName::Snappy) => ParquetCompression::Snappy,
                Some(CompressionName::None) => ParquetCompression::None,
            };
            if let Some(rows) = output.row_group_rows {
                options.row_group_rows = rows.max(1);
            }
            if let Some(bytes) = output.row_group_bytes {
                options.row_group_bytes = bytes.max(1);
            }
            return Ok(Some(tamis_write::Format::Parquet(options)));
        }
    };
    let parquet_only = [
        ("compression", output.compression.is_some()),
        ("schema", output.schema.is_some()),
        ("columns", output.columns.is_some()),
        ("row_group_rows", output.row_group_rows.is_some()),
        ("row_group_bytes", output.row_group_bytes.is_some()),
    ];
    match parquet_only.iter().find(|(_, given)| *given) {
        Some((key, _)) => Err(format!(
            "{key}: only applies to format: parquet (JSONL's compression is in its format: jsonl.gz, jsonl.zst)"
        )),
        None => Ok(format),
    }
}

/// An I/O error's message without its kind's boilerplate.
fn plain(err: &std::io::Error) -> String {
    err.to_string()
}

/// The first path at or above `location` that is a local file, if any: an
/// output directory cannot be (or be below) a file.
fn local_file_at_or_above(location: &Location) -> Option<std::path::PathBuf> {
    let path = location.local_path()?;
    path.ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .find(|p| p.is_file())
        .map(Path::to_path_buf)
}

/// The fingerprint of the configuration `text` holds: a hash of its parsed
/// value with keys sorted, so that comments, layout and key order don't count.
fn fingerprint(text: &str) -> String {
    fn canonical(value: serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(map) => {
                let mut entries: Vec<_> = map.into_iter().map(|(k, v)| (k, canonical(v))).collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                serde_json::Value::Object(entries.into_iter().collect())
            }
            serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(canonical).collect()),
            other => other,
        }
    }
    let value: serde_json::Value = serde_saphyr::from_str(text).unwrap_or(serde_json::Value::Null);
    let canonical = serde_json::to_vec(&canonical(value)).unwrap_or_default();
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&canonical))
}

/// The key a serde message names in backquotes: ``unknown field `formt`, expected…``.
fn quoted_key(message: &str) -> Option<String> {
    let (_, rest) = message.split_once('`')?;
    let (key, _) = rest.split_once('`')?;
    (!key.is_empty()).then(|| key.to_string())
}

/// The mapping key written before `column` on `line` (both 1-based) of `text`:
/// for `  - line_dedup: { min_docs: abc }` at the `a` of `abc`, `min_docs`.
fn key_before(text: &str, line: u64, column: u64) -> Option<String> {
    let source = text.lines().nth(usize::try_from(line).ok()?.checked_sub(1)?)?;
    let before: String = source
        .chars()
        .take(usize::try_from(column).ok()?.saturating_sub(1))
        .collect();
    let before = before.trim_end().strip_suffix(':')?;
    let key: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    (!key.is_empty()).then(|| key.chars().rev().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(yaml: &str) -> PipelineError {
        match Pipeline::parse(yaml, "p.yaml") {
            Ok(_) => panic!("accepted: {yaml}"),
            Err(err) => err,
        }
    }

    fn input_file() -> tempfile::NamedTempFile {
        tempfile::NamedTempFile::new().unwrap()
    }

    #[test]
    fn a_valid_pipeline_is_built() {
        let file = input_file();
        let yaml = format!(
            "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: out/, format: jsonl.zst, removed: out/removed/ }}\nsteps:\n  - line_dedup: {{}}\n",
            file.path()
        );
        let pipeline = Pipeline::parse(&yaml, "p.yaml").unwrap();
        assert_eq!(pipeline.inputs.len(), 1);
        assert_eq!(pipeline.inputs[0].location.local_path().unwrap(), file.path());
        assert_eq!(
            pipeline.output_format,
            Some(tamis_write::Format::Jsonl(Compression::Zstd))
        );
        assert_eq!(pipeline.step_names(), vec!["line_dedup"]);
    }

    #[test]
    fn an_unknown_key_names_file_line_and_key() {
        let err = error_of("input: { paths: [x], format: warc }\noutput: { path: o, formt: jsonl }\n");
        assert_eq!((err.file.as_str(), err.line), ("p.yaml", 2));
        assert!(err.message.contains("formt"), "{err}");
        assert_eq!(err.key, "formt");
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let file = input_file();
        let yaml = format!(
            "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: o }}\nsteps:\n  - line_dedup: {{ min_docs: many }}\n",
            file.path()
        );
        let err = error_of(&yaml);
        assert_eq!(err.line, 4);
        assert!(err.message.contains("min_docs"), "{err}");
        assert_eq!(err.key, "min_docs");
    }

    #[test]
    fn a_missing_input_names_its_line() {
        let err = error_of("input:\n  paths: [/no/such/file.warc.gz]\n  format: warc\noutput: { path: o }\n");
        assert_eq!(err.line, 2);
        assert!(
            err.message.contains("input.paths") && err.message.contains("/no/such/file.warc.gz"),
            "{err}"
        );
        assert_eq!(err.key, "input.paths");
    }

    #[test]
    fn an_out_of_range_step_setting_names_the_step() {
        let file = input_file();
        let yaml = format!(
            "input: {{ paths: [{:?}], format: jsonl }}\noutput: {{ path: o }}\nsteps:\n  - line_dedup: {{ min_docs: 1 }}\n",
            file.path()
        );
        let err = error_of(&yaml);
        assert_eq!(err.line, 4);
        assert!(err.message.contains("line_dedup.min_docs"), "{err}");
        assert_eq!(err.key, "line_dedup.min_docs");
    }

    #[test]
    fn a_second_global_step_is_rejected() {
        let file = input_file();
        let yaml = format!(
            "input: {{ paths: [{:?}], format: jsonl }}\noutput: {{ path: o }}\nsteps:\n  - exact_dedup: {{}}\n  - minhash_dedup: {{}}\n",
            file.path()
        );
        let err = error_of(&yaml);
        assert_eq!(err.line, 5);
        assert!(err.message.contains("at most one"), "{err}");
    }

    #[test]
    fn dedup_settings_out_of_range_name_the_key() {
        let file = input_file();
        let yaml = format!(
            "input: {{ paths: [{:?}], format: jsonl }}\noutput: {{ path: o }}\nsteps:\n  - minhash_dedup: {{ precision: 16 }}\n",
            file.path()
        );
        assert!(error_of(&yaml).message.contains("minhash_dedup.precision"));
    }

    #[test]
    fn parquet_output_takes_a_schema_and_its_own_keys() {
        let file = input_file();
        let yaml = format!(
            "input: {{ paths: [{:?}], format: parquet, columns: [a], default_metadata: {{ dump: CC-MAIN-2024-10 }} }}\noutput:\n  path: o\n  format: parquet\n  compression: snappy\n  columns: [{{ name: score, type: float64 }}]\n  row_group_rows: 10\n",
            file.path()
        );
        let pipeline = Pipeline::parse(&yaml, "p.yaml").unwrap();
        let Some(tamis_write::Format::Parquet(options)) = &pipeline.output_format else {
            panic!("{:?}", pipeline.output_format)
        };
        assert_eq!(options.compression, ParquetCompression::Snappy);
        assert_eq!(options.row_group_rows, 10);
        let names: Vec<&str> = options.schema.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["text", "id", "url", "score", "metadata"]);
        assert_eq!(pipeline.read_options.columns, Some(vec!["a".to_string()]));
        assert_eq!(pipeline.read_options.default_metadata["dump"], "CC-MAIN-2024-10");

        let yaml = format!(
            "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: o, format: parquet, schema: fineweb }}\n",
            file.path()
        );
        let pipeline = Pipeline::parse(&yaml, "p.yaml").unwrap();
        let Some(tamis_write::Format::Parquet(options)) = &pipeline.output_format else {
            panic!()
        };
        assert_eq!(options.schema.name, "fineweb");
    }

    #[test]
    fn parquet_keys_elsewhere_are_rejected() {
        let file = input_file();
        for (output, key) in [
            ("{ path: o, format: jsonl.gz, compression: zstd }", "output.compression"),
            (
                "{ path: o, format: parquet, schema: fineweb, columns: [{ name: a, type: bool }] }",
                "output.columns",
            ),
            (
                "{ path: o, format: parquet, columns: [{ name: text, type: bool }] }",
                "output.columns",
            ),
        ] {
            let yaml = format!(
                "input: {{ paths: [{:?}], format: warc }}\noutput: {output}\n",
                file.path()
            );
            let err = error_of(&yaml);
            assert!(err.message.contains(key), "{err}");
            assert_eq!(err.line, 2, "{err}");
        }
        let yaml = format!(
            "input: {{ paths: [{:?}], format: warc, columns: [a] }}\noutput: {{ path: o }}\n",
            file.path()
        );
        assert!(error_of(&yaml).message.contains("input.columns"));
        let yaml = format!(
            "input: {{ paths: [{:?}], format: warc }}\noutput: {{ path: o, format: parquet, schema: c4 }}\n",
            file.path()
        );
        assert!(error_of(&yaml).message.contains("c4"));
    }

    #[test]
    fn unknown_formats_and_steps_are_rejected() {
        let err = error_of("input: { paths: [x], format: arc }\noutput: { path: o }\n");
        assert!(err.message.contains("arc"), "{err}");
        assert_eq!(err.key, "format");
        let err = error_of("input: { paths: [x], format: warc }\noutput: { path: o }\nsteps:\n  - line_dedupe: {}\n");
        assert_eq!(err.line, 4);
        assert_eq!(err.key, "line_dedupe");
    }
}
