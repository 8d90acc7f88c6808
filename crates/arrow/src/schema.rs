//! Output schemas: which columns a file has, their types, and where each
//! column's value comes from in a document.
//!
//! A schema is decided by the pipeline's configuration before any document is
//! seen, so every file of a run has the same columns whatever the documents
//! hold (datatrove's `ParquetWriter` infers its schema from the first
//! document: a key missing or null there is lost or typed `null` for the whole
//! file).
//!
//! - [`DocumentSchema::tamis`]: `text`, `id`, `url`, the typed metadata columns
//!   the pipeline declares, then `metadata`, a JSON object of every other key;
//! - [`DocumentSchema::fineweb`]: FineWeb's published columns, exactly;
//! - [`DocumentSchema::fineweb2`]: FineWeb-2's published columns, exactly.

use arrow_schema::{DataType, Field, Schema, SchemaRef};
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// UTF-8 text (Arrow `Utf8`, Parquet `BYTE_ARRAY (STRING)`).
    String,
    /// 64-bit signed integers.
    Int64,
    /// 64-bit floats.
    Float64,
    /// Booleans.
    Bool,
    /// Any JSON value, as its JSON text in a string column.
    Json,
}

impl ColumnType {
    /// The name a pipeline file uses: `string`, `int64`, `float64`, `bool`, `json`.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::String => "string",
            ColumnType::Int64 => "int64",
            ColumnType::Float64 => "float64",
            ColumnType::Bool => "bool",
            ColumnType::Json => "json",
        }
    }

    /// The type named `name` (see [`ColumnType::name`]).
    pub fn parse(name: &str) -> Option<ColumnType> {
        [
            ColumnType::String,
            ColumnType::Int64,
            ColumnType::Float64,
            ColumnType::Bool,
            ColumnType::Json,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }

    /// The Arrow type of the column.
    pub fn arrow(self) -> DataType {
        match self {
            ColumnType::String | ColumnType::Json => DataType::Utf8,
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Float64 => DataType::Float64,
            ColumnType::Bool => DataType::Boolean,
        }
    }
}

/// Where a column's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// The document's text.
    Text,
    /// The document's id.
    Id,
    /// The document's URL.
    Url,
    /// The first of these metadata keys the document has (FineWeb's `date` is
    /// `warc_date`, or `date` when the document was read from FineWeb).
    Metadata(Vec<String>),
    /// The Common Crawl dump: metadata `dump`, else the `CC-MAIN-YYYY-WW`
    /// directory in the path the document was read from (`file_path`, else
    /// `source`), as in `crawl-data/CC-MAIN-2024-10/segments/…`.
    Dump,
    /// FineWeb-2's `top_langs`: metadata `top_langs` (text as is, an object as
    /// its JSON), else a JSON object of the language step's
    /// `top_language_<label>_score` keys as `{"<label>_score": score}`.
    TopLangs,
    /// Every metadata key no other column takes, as a JSON object.
    Rest,
    /// The step that removed the document (removed output only).
    RemovedStep,
    /// The reason it gave (removed output only).
    RemovedReason,
}

/// One column of an output file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Column {
    /// Its name in the file.
    pub name: String,
    /// Its type.
    pub ty: ColumnType,
    /// Where its values come from.
    pub source: Source,
}

impl Column {
    fn new(name: &str, ty: ColumnType, source: Source) -> Column {
        Column {
            name: name.to_string(),
            ty,
            source,
        }
    }

    /// A column holding metadata key `key` (and named after it).
    pub fn metadata(key: &str, ty: ColumnType) -> Column {
        Column::new(key, ty, Source::Metadata(vec![key.to_string()]))
    }
}

/// The columns of an output file, in order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentSchema {
    /// A name for messages: `tamis`, `fineweb`, `fineweb2`.
    pub name: String,
    /// The columns.
    pub columns: Vec<Column>,
}

/// A schema that cannot be built as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

/// The name of the catch-all column of the `tamis` schema.
pub const REST_COLUMN: &str = "metadata";
/// Prefix of the keys the language step writes with `keep_top_pairs_threshold`.
pub const TOP_LANGUAGE_PREFIX: &str = "top_language_";

impl DocumentSchema {
    /// tamis's own layout: `text`, `id`, `url` (strings), then one typed column
    /// per `(key, type)` of `declared` (a metadata key of that name), then
    /// `metadata`: every other metadata key, as the JSON text of an object.
    ///
    /// Fails on a name used twice or one of the fixed column names.
    pub fn tamis(declared: &[(String, ColumnType)]) -> Result<DocumentSchema, SchemaError> {
        let mut columns = vec![
            Column::new("text", ColumnType::String, Source::Text),
            Column::new("id", ColumnType::String, Source::Id),
            Column::new("url", ColumnType::String, Source::Url),
        ];
        let mut seen: HashSet<&str> = ["text", "id", "url", REST_COLUMN, "removed_step", "removed_reason"].into();
        for (key, ty) in declared {
            if !seen.insert(key) {
                return Err(SchemaError(format!(
                    "column {key:?} is declared twice or is one of text, id, url, metadata, removed_step, removed_reason"
                )));
            }
            if key.is_empty() {
                return Err(SchemaError("a column needs a name".into()));
            }
            columns.push(Column::metadata(key, *ty));
        }
        columns.push(Column::new(REST_COLUMN, ColumnType::Json, Source::Rest));
        Ok(DocumentSchema {
            name: "tamis".into(),
            columns,
        })
    }

    /// FineWeb's published columns (HuggingFaceFW/fineweb's dataset card, its
    /// `dataset_info.features`; the same nine in fineweb-edu): `text`, `id`,
    /// `dump`, `url`, `date`, `file_path`, `language` (strings),
    /// `language_score` (float64), `token_count` (int64). As datatrove's
    /// `WarcReader` fills them: `date` is the WARC-Date, `file_path` the WARC
    /// file's path, `dump` the crawl (`default_metadata={"dump": …}`).
    pub fn fineweb() -> DocumentSchema {
        DocumentSchema {
            name: "fineweb".into(),
            columns: fineweb_columns(false),
        }
    }

    /// FineWeb-2's published columns (HuggingFaceFW/fineweb-2's dataset card):
    /// FineWeb's without `token_count`, plus `language_script` (string),
    /// `minhash_cluster_size` (int64) and `top_langs` (string: a JSON object).
    pub fn fineweb2() -> DocumentSchema {
        DocumentSchema {
            name: "fineweb2".into(),
            columns: fineweb_columns(true),
        }
    }

    /// The same columns plus `removed_step` and `removed_reason`, for the
    /// removed output.
    pub fn with_removal(&self) -> DocumentSchema {
        let mut columns = self.columns.clone();
        columns.push(Column::new("removed_step", ColumnType::String, Source::RemovedStep));
        columns.push(Column::new("removed_reason", ColumnType::String, Source::RemovedReason));
        DocumentSchema {
            name: self.name.clone(),
            columns,
        }
    }

    /// Whether metadata keys no column takes are kept (in the `metadata`
    /// column) rather than dropped.
    pub fn has_rest(&self) -> bool {
        self.columns.iter().any(|c| c.source == Source::Rest)
    }

    /// The Arrow schema. Every column is nullable, as in files pyarrow writes
    /// (and so FineWeb's).
    pub fn arrow(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .columns
            .iter()
            .map(|c| Field::new(&c.name, c.ty.arrow(), true))
            .collect();
        Arc::new(Schema::new(fields))
    }
}

fn fineweb_columns(fineweb2: bool) -> Vec<Column> {
    let keys = |keys: &[&str]| Source::Metadata(keys.iter().map(|k| k.to_string()).collect());
    let mut columns = vec![
        Column::new("text", ColumnType::String, Source::Text),
        Column::new("id", ColumnType::String, Source::Id),
        Column::new("dump", ColumnType::String, Source::Dump),
        Column::new("url", ColumnType::String, Source::Url),
        Column::new("date", ColumnType::String, keys(&["warc_date", "date"])),
        Column::new("file_path", ColumnType::String, keys(&["file_path", "source"])),
        Column::metadata("language", ColumnType::String),
        Column::metadata("language_score", ColumnType::Float64),
    ];
    if fineweb2 {
        columns.push(Column::metadata("language_script", ColumnType::String));
        columns.push(Column::metadata("minhash_cluster_size", ColumnType::Int64));
        columns.push(Column::new("top_langs", ColumnType::String, Source::TopLangs));
    } else {
        columns.push(Column::metadata("token_count", ColumnType::Int64));
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fineweb_has_the_published_columns_in_order() {
        let names: Vec<String> = DocumentSchema::fineweb().columns.into_iter().map(|c| c.name).collect();
        let expected = "text id dump url date file_path language language_score token_count";
        assert_eq!(names.join(" "), expected);
        let fw2: Vec<String> = DocumentSchema::fineweb2().columns.into_iter().map(|c| c.name).collect();
        let expected =
            "text id dump url date file_path language language_score language_script minhash_cluster_size top_langs";
        assert_eq!(fw2.join(" "), expected);
    }

    #[test]
    fn tamis_schema_refuses_duplicates_and_reserved_names() {
        let ok = DocumentSchema::tamis(&[("language_score".into(), ColumnType::Float64)]).unwrap();
        assert_eq!(ok.columns.len(), 5);
        assert!(ok.has_rest());
        assert!(!DocumentSchema::fineweb().has_rest());
        for bad in ["text", "metadata", "removed_step"] {
            assert!(DocumentSchema::tamis(&[(bad.into(), ColumnType::String)]).is_err());
        }
        let twice = [
            ("a".to_string(), ColumnType::Bool),
            ("a".to_string(), ColumnType::Int64),
        ];
        assert!(DocumentSchema::tamis(&twice).is_err());
    }

    #[test]
    fn type_names_round_trip() {
        for name in ["string", "int64", "float64", "bool", "json"] {
            assert_eq!(ColumnType::parse(name).unwrap().name(), name);
        }
        assert!(ColumnType::parse("float").is_none());
    }
}
