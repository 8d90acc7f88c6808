//! Documents into a schema's columns.
//!
//! Each column's value comes from the document as its [`Source`] says, then is
//! fitted to the column's type:
//!
//! | column | value | written as |
//! |---|---|---|
//! | any | missing key, JSON `null` | null |
//! | `string` | string | itself |
//! | `string` | array, object | its JSON text |
//! | `int64` | integer within i64 | itself |
//! | `int64` | float with no fractional part, within i64 | the integer |
//! | `float64` | any number | as f64 (integers above 2^53 round) |
//! | `bool` | boolean | itself |
//! | `json` | anything | its JSON text |
//! | any other pair | | null, counted in [`SchemaStats::nulled`] |
//!
//! A value written as null for its type stays in the catch-all `metadata`
//! column when the schema has one, so nothing is lost there. Metadata keys that
//! no column takes go to the catch-all column, or, in a schema without one
//! (FineWeb's), are left out and counted in [`SchemaStats::dropped`].

use crate::schema::{ColumnType, DocumentSchema, Source, TOP_LANGUAGE_PREFIX};
use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::SchemaRef;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;
use tamis_api::{Document, SchemaStats};

/// Rows of documents being gathered into one record batch.
pub struct BatchBuilder {
    schema: Arc<DocumentSchema>,
    arrow: SchemaRef,
    builders: Vec<Builder>,
    /// Metadata keys some column takes (the others go to the catch-all column).
    taken: HashSet<String>,
    /// Whether a column takes the `top_language_*` keys.
    takes_top_languages: bool,
    has_rest: bool,
    rows: usize,
    /// Bytes of values in the batch being built.
    batch_bytes: u64,
    stats: SchemaStats,
}

enum Builder {
    String(StringBuilder),
    Int64(Int64Builder),
    Float64(Float64Builder),
    Bool(BooleanBuilder),
}

/// One value, fitted to its column.
enum Cell<'a> {
    Null,
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Cell<'_> {
    /// Uncompressed bytes, as the part size limit counts them.
    fn bytes(&self) -> u64 {
        match self {
            Cell::Null => 0,
            Cell::Str(s) => s.len() as u64,
            Cell::Int(_) | Cell::Float(_) => 8,
            Cell::Bool(_) => 1,
        }
    }
}

/// A document that cannot go into a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooLarge(pub String);

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TooLarge {}

/// Arrow `Utf8` arrays address their bytes with i32 offsets.
const MAX_STRING_BYTES: usize = i32::MAX as usize;

impl BatchBuilder {
    /// An empty batch of `schema`'s columns.
    pub fn new(schema: Arc<DocumentSchema>) -> BatchBuilder {
        let mut taken = HashSet::new();
        let mut takes_top_languages = false;
        for column in &schema.columns {
            match &column.source {
                Source::Metadata(keys) => taken.extend(keys.iter().cloned()),
                Source::Dump => {
                    taken.insert("dump".to_string());
                }
                Source::TopLangs => {
                    taken.insert("top_langs".to_string());
                    takes_top_languages = true;
                }
                _ => {}
            }
        }
        BatchBuilder {
            arrow: schema.arrow(),
            builders: schema.columns.iter().map(|c| Builder::new(c.ty)).collect(),
            has_rest: schema.has_rest(),
            schema,
            taken,
            takes_top_languages,
            rows: 0,
            batch_bytes: 0,
            stats: SchemaStats::default(),
        }
    }

    /// The Arrow schema of the batches.
    pub fn arrow_schema(&self) -> &SchemaRef {
        &self.arrow
    }

    /// Rows in the batch being built.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Bytes of values in the batch being built.
    pub fn batch_bytes(&self) -> u64 {
        self.batch_bytes
    }

    /// What did not fit so far.
    pub fn stats(&self) -> &SchemaStats {
        &self.stats
    }

    /// Adds `doc` as a row; `removal` is `(step, reason)` for the removed
    /// output. Returns the bytes of its values (the part size limit counts
    /// those). Fails, adding nothing, when a value would not fit in one Arrow
    /// array (2 GiB of text in a batch): a caller that takes the batch first
    /// can only hit that with a single value that large.
    pub fn append(&mut self, doc: &Document, removal: Option<(&str, &str)>) -> Result<u64, TooLarge> {
        let schema = self.schema.clone();
        let mut mistyped: Vec<&str> = Vec::new();
        let mut cells = Vec::with_capacity(schema.columns.len());
        for column in &schema.columns {
            let cell = match &column.source {
                Source::Text => Cell::Str(Cow::Borrowed(&doc.text)),
                Source::Id => Cell::Str(Cow::Borrowed(&doc.id)),
                Source::Url => doc.url.as_deref().map_or(Cell::Null, |u| Cell::Str(Cow::Borrowed(u))),
                Source::Metadata(keys) => {
                    let found = keys
                        .iter()
                        .find_map(|k| doc.metadata.get(k).filter(|v| !v.is_null()).map(|v| (k, v)));
                    match found {
                        None => Cell::Null,
                        Some((key, value)) => fit(value, column.ty).unwrap_or_else(|| {
                            self.stats.add_nulled(&column.name);
                            mistyped.push(key);
                            Cell::Null
                        }),
                    }
                }
                Source::Dump => match doc.metadata.get("dump").filter(|v| !v.is_null()) {
                    Some(value) => fit(value, column.ty).unwrap_or_else(|| {
                        self.stats.add_nulled(&column.name);
                        mistyped.push("dump");
                        Cell::Null
                    }),
                    None => ["file_path", "source"]
                        .iter()
                        .filter_map(|k| doc.metadata.get(*k).and_then(Value::as_str))
                        .find_map(crawl_name)
                        .map_or(Cell::Null, |name| Cell::Str(Cow::Borrowed(name))),
                },
                Source::TopLangs => match doc.metadata.get("top_langs").filter(|v| !v.is_null()) {
                    Some(value) => fit(value, ColumnType::String).unwrap_or_else(|| {
                        self.stats.add_nulled(&column.name);
                        mistyped.push("top_langs");
                        Cell::Null
                    }),
                    None => top_langs(doc).map_or(Cell::Null, |json| Cell::Str(Cow::Owned(json))),
                },
                Source::Rest => Cell::Null, // filled below, once every column has chosen
                Source::RemovedStep => removal.map_or(Cell::Null, |(step, _)| Cell::Str(Cow::Borrowed(step))),
                Source::RemovedReason => removal.map_or(Cell::Null, |(_, reason)| Cell::Str(Cow::Borrowed(reason))),
            };
            cells.push(cell);
        }
        let left_out: Vec<(&String, &Value)> = doc
            .metadata
            .iter()
            .filter(|(key, _)| !self.takes(key) || mistyped.contains(&key.as_str()))
            .collect();
        if self.has_rest {
            let mut json = String::from("{");
            for (key, value) in left_out {
                if json.len() > 1 {
                    json.push(',');
                }
                json.push_str(&Value::String(key.clone()).to_string());
                json.push(':');
                json.push_str(&value.to_string());
            }
            json.push('}');
            for (column, cell) in schema.columns.iter().zip(cells.iter_mut()) {
                if column.source == Source::Rest {
                    *cell = Cell::Str(Cow::Owned(json.clone()));
                }
            }
        } else {
            for (key, _) in left_out {
                if !mistyped.contains(&key.as_str()) {
                    self.stats.add_dropped(key, 1);
                }
            }
        }

        for (builder, cell) in self.builders.iter().zip(&cells) {
            if let (Builder::String(b), Cell::Str(s)) = (builder, cell) {
                if b.values_slice().len() + s.len() > MAX_STRING_BYTES {
                    return Err(TooLarge(format!(
                        "document {:?}: a value of {} bytes does not fit in an Arrow string array",
                        doc.id,
                        s.len()
                    )));
                }
            }
        }
        let mut bytes = 0;
        for (builder, cell) in self.builders.iter_mut().zip(cells) {
            bytes += cell.bytes();
            builder.append(cell);
        }
        self.rows += 1;
        self.batch_bytes += bytes;
        Ok(bytes)
    }

    /// Whether a column takes metadata key `key`.
    fn takes(&self, key: &str) -> bool {
        self.taken.contains(key) || (self.takes_top_languages && is_top_language_key(key))
    }

    /// The rows gathered so far as a record batch, and a new empty batch;
    /// `None` when there are none.
    pub fn take_batch(&mut self) -> Option<RecordBatch> {
        if self.rows == 0 {
            return None;
        }
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        self.rows = 0;
        self.batch_bytes = 0;
        // The arrays are built from the schema's own types, one value per row
        // each: they always make a batch.
        RecordBatch::try_new(self.arrow.clone(), arrays).ok()
    }
}

impl Builder {
    fn new(ty: ColumnType) -> Builder {
        match ty {
            ColumnType::String | ColumnType::Json => Builder::String(StringBuilder::new()),
            ColumnType::Int64 => Builder::Int64(Int64Builder::new()),
            ColumnType::Float64 => Builder::Float64(Float64Builder::new()),
            ColumnType::Bool => Builder::Bool(BooleanBuilder::new()),
        }
    }

    /// Appends `cell`, which [`fit`] made for this column's type (anything else
    /// is appended as null).
    fn append(&mut self, cell: Cell) {
        match (self, cell) {
            (Builder::String(b), Cell::Str(s)) => b.append_value(s),
            (Builder::Int64(b), Cell::Int(i)) => b.append_value(i),
            (Builder::Float64(b), Cell::Float(f)) => b.append_value(f),
            (Builder::Bool(b), Cell::Bool(v)) => b.append_value(v),
            (Builder::String(b), _) => b.append_null(),
            (Builder::Int64(b), _) => b.append_null(),
            (Builder::Float64(b), _) => b.append_null(),
            (Builder::Bool(b), _) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::String(b) => Arc::new(b.finish()),
            Builder::Int64(b) => Arc::new(b.finish()),
            Builder::Float64(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
        }
    }
}

/// `value` fitted to a column of type `ty` (see the module's table); `None`
/// when it does not fit.
fn fit(value: &Value, ty: ColumnType) -> Option<Cell<'_>> {
    /// 2^63 as f64: the first float past i64's range.
    const I64_END: f64 = 9_223_372_036_854_775_808.0;
    match (ty, value) {
        (_, Value::Null) => Some(Cell::Null),
        (ColumnType::Json, value) => Some(Cell::Str(Cow::Owned(value.to_string()))),
        (ColumnType::String, Value::String(s)) => Some(Cell::Str(Cow::Borrowed(s))),
        (ColumnType::String, Value::Array(_) | Value::Object(_)) => Some(Cell::Str(Cow::Owned(value.to_string()))),
        (ColumnType::Int64, Value::Number(n)) => n.as_i64().map(Cell::Int).or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0 && (-I64_END..I64_END).contains(&f)).then_some(Cell::Int(f as i64))
        }),
        (ColumnType::Float64, Value::Number(n)) => n.as_f64().map(Cell::Float),
        (ColumnType::Bool, Value::Bool(b)) => Some(Cell::Bool(*b)),
        _ => None,
    }
}

/// The Common Crawl dump a path names: `CC-MAIN-2024-10` in
/// `s3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/…`. File names
/// (`CC-MAIN-20240220211055-…`) do not name it.
pub fn crawl_name(path: &str) -> Option<&str> {
    path.split('/').find(|part| {
        let b = part.as_bytes();
        b.len() == 15
            && part.starts_with("CC-MAIN-")
            && b[8..12].iter().all(u8::is_ascii_digit)
            && b[12] == b'-'
            && b[13..15].iter().all(u8::is_ascii_digit)
    })
}

fn is_top_language_key(key: &str) -> bool {
    key.starts_with(TOP_LANGUAGE_PREFIX) && key.ends_with("_score")
}

/// FineWeb-2's `top_langs` from the language step's `top_language_<label>_score`
/// keys: `{"<label>_score": score, …}`, in metadata order; `None` without any.
fn top_langs(doc: &Document) -> Option<String> {
    let mut pairs = serde_json::Map::new();
    for (key, value) in &doc.metadata {
        if is_top_language_key(key) {
            pairs.insert(key[TOP_LANGUAGE_PREFIX.len()..].to_string(), value.clone());
        }
    }
    (!pairs.is_empty()).then(|| Value::Object(pairs).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type};
    use arrow_array::Array;
    use serde_json::json;

    fn doc(metadata: Value) -> Document {
        let mut doc = Document::new("<urn:uuid:1>", "Some text.");
        doc.url = Some("https://e.com/".into());
        doc.metadata = metadata.as_object().unwrap().clone();
        doc
    }

    fn column<'a>(batch: &'a RecordBatch, name: &str) -> &'a ArrayRef {
        batch.column_by_name(name).unwrap()
    }

    #[test]
    fn the_tamis_schema_keeps_every_key() {
        let schema = DocumentSchema::tamis(&[
            ("language_score".into(), ColumnType::Float64),
            ("offset".into(), ColumnType::Int64),
        ])
        .unwrap();
        let mut builder = BatchBuilder::new(Arc::new(schema));
        let metadata = json!({"language_score": 1, "offset": "12", "title": "T", "tags": [1, 2]});
        builder.append(&doc(metadata), None).unwrap();
        let batch = builder.take_batch().unwrap();
        assert_eq!(
            column(&batch, "language_score").as_primitive::<Float64Type>().value(0),
            1.0
        );
        assert!(
            column(&batch, "offset").is_null(0),
            "a string in an int64 column is null"
        );
        let rest = column(&batch, "metadata").as_string::<i32>().value(0);
        assert_eq!(rest, r#"{"offset":"12","title":"T","tags":[1,2]}"#);
        assert_eq!(builder.stats().nulled["offset"], 1);
        assert!(builder.stats().dropped.is_empty());
        assert!(builder.take_batch().is_none());
    }

    #[test]
    fn fineweb_columns_come_from_warc_metadata_and_other_keys_are_counted() {
        let mut builder = BatchBuilder::new(Arc::new(DocumentSchema::fineweb()));
        let metadata = json!({
            "source": "s3://commoncrawl/crawl-data/CC-MAIN-2024-10/segments/1/warc/CC-MAIN-20240220211055-00000.warc.gz",
            "offset": 0, "warc_date": "2024-02-21T00:00:00Z", "date": "2019-01-01",
            "language": "en", "language_score": 0.93, "token_count": 12.0,
        });
        builder.append(&doc(metadata), None).unwrap();
        builder
            .append(&doc(json!({"token_count": 1.5, "dump": "CC-MAIN-2013-20"})), None)
            .unwrap();
        let batch = builder.take_batch().unwrap();
        let strings = |name| column(&batch, name).as_string::<i32>();
        assert_eq!(strings("dump").value(0), "CC-MAIN-2024-10");
        assert_eq!(strings("dump").value(1), "CC-MAIN-2013-20");
        assert_eq!(strings("date").value(0), "2024-02-21T00:00:00Z");
        assert!(strings("file_path").value(0).ends_with(".warc.gz"));
        assert!(strings("file_path").is_null(1));
        let tokens = column(&batch, "token_count").as_primitive::<Int64Type>();
        assert_eq!((tokens.value(0), tokens.is_null(1)), (12, true));
        assert_eq!(builder.stats().nulled["token_count"], 1);
        assert_eq!(builder.stats().dropped["offset"], 1);
        assert_eq!(batch.num_columns(), 9);
    }

    #[test]
    fn top_langs_gathers_the_language_steps_pairs() {
        let mut builder = BatchBuilder::new(Arc::new(DocumentSchema::fineweb2()));
        let metadata = json!({"top_language_fra_Latn_score": 0.9, "top_language_oci_Latn_score": 0.05});
        builder.append(&doc(metadata), None).unwrap();
        builder.append(&doc(json!({"top_langs": "{\"a\": 1}"})), None).unwrap();
        let batch = builder.take_batch().unwrap();
        let top = column(&batch, "top_langs").as_string::<i32>();
        assert_eq!(top.value(0), r#"{"fra_Latn_score":0.9,"oci_Latn_score":0.05}"#);
        assert_eq!(top.value(1), r#"{"a": 1}"#);
        assert!(builder.stats().dropped.is_empty(), "{:?}", builder.stats());
    }

    #[test]
    fn removed_documents_name_step_and_reason() {
        let schema = DocumentSchema::tamis(&[]).unwrap().with_removal();
        let mut builder = BatchBuilder::new(Arc::new(schema));
        builder
            .append(&doc(json!({})), Some(("language", "low_score")))
            .unwrap();
        let batch = builder.take_batch().unwrap();
        assert_eq!(
            column(&batch, "removed_reason").as_string::<i32>().value(0),
            "low_score"
        );
        assert_eq!(column(&batch, "metadata").as_string::<i32>().value(0), "{}");
    }

    #[test]
    fn crawl_names_are_directories_not_file_names() {
        assert_eq!(
            crawl_name("crawl-data/CC-MAIN-2024-10/segments/x"),
            Some("CC-MAIN-2024-10")
        );
        assert_eq!(crawl_name("CC-MAIN-20240220211055-00000.warc.gz"), None);
        assert_eq!(crawl_name("/data/CC-MAIN-2023-50"), Some("CC-MAIN-2023-50"));
    }

    #[test]
    fn lossless_and_lossy_fits() {
        let int = |v: Value| matches!(fit(&v, ColumnType::Int64), Some(Cell::Int(_)));
        assert!(int(json!(3)) && int(json!(3.0)) && int(json!(-9_007_199_254_740_993i64)));
        assert!(!int(json!(3.5)) && !int(json!(u64::MAX)) && !int(json!("3")) && !int(json!(1e300)));
        assert!(matches!(fit(&json!(2), ColumnType::Float64), Some(Cell::Float(f)) if f == 2.0));
        assert!(fit(&json!(true), ColumnType::String).is_none());
        assert!(matches!(fit(&json!({"a": 1}), ColumnType::String), Some(Cell::Str(s)) if s == r#"{"a":1}"#));
        assert!(matches!(fit(&json!("x"), ColumnType::Json), Some(Cell::Str(s)) if s == r#""x""#));
    }
}
