//! Rows of an Arrow batch as documents: the inverse of [`crate::columns`] for
//! tamis's own files, and the reading of anyone else's (pyarrow, DuckDB,
//! datatrove, FineWeb's published files).
//!
//! The text, id and URL columns are named by the caller; every other column
//! becomes a metadata key holding its value ([`crate::values`]), a null cell
//! none. A string or struct column named `metadata` holding a JSON object (the
//! catch-all column of tamis's files, datatrove's unexpanded metadata) is merged
//! into the metadata, the other columns winning, as datatrove's readers do.

use crate::schema::REST_COLUMN;
use crate::values;
use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, Schema};
use serde_json::Value;
use tamis_api::{Document, Metadata};

/// Which column of a batch is what in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowMapping {
    text: usize,
    id: Option<usize>,
    url: Option<usize>,
    /// `(key, column)` for every other column.
    metadata: Vec<(String, usize)>,
    /// The `metadata` column, merged as an object.
    rest: Option<usize>,
}

/// Why a row is not a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowError {
    /// The text cell is null.
    MissingText(String),
    /// The text cell is binary that is not UTF-8.
    InvalidUtf8(String),
}

/// Names of the columns a document's fields come from.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    /// The text column.
    pub text: &'a str,
    /// The id column; rows without one get an id from the caller.
    pub id: &'a str,
    /// The URL column.
    pub url: &'a str,
    /// When given, the only columns (besides text, id and URL) read into the
    /// metadata.
    pub columns: Option<&'a [String]>,
}

impl RowMapping {
    /// The mapping for batches of `schema`; fails, naming the columns there
    /// are, when the text column is missing or does not hold text.
    pub fn new(schema: &Schema, fields: Fields) -> Result<RowMapping, String> {
        let index = |name: &str| schema.index_of(name).ok();
        let text = index(fields.text).ok_or_else(|| {
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            format!("no column {:?} (the columns are {names:?})", fields.text)
        })?;
        let text_type = schema.field(text).data_type();
        if !is_text(text_type) && !is_binary(text_type) {
            return Err(format!("column {:?} holds {text_type}, not text", fields.text));
        }
        let id = index(fields.id).filter(|&i| i != text);
        let url = index(fields.url).filter(|&i| i != text && is_text(schema.field(i).data_type()));
        let wanted = |name: &str| fields.columns.is_none_or(|only| only.iter().any(|c| c == name));
        let mut metadata = Vec::new();
        let mut rest = None;
        for (i, field) in schema.fields().iter().enumerate() {
            if i == text || Some(i) == id || Some(i) == url || !wanted(field.name()) {
                continue;
            }
            let mergeable = matches!(field.data_type(), DataType::Struct(_)) || is_text(field.data_type());
            if field.name() == REST_COLUMN && mergeable {
                rest = Some(i);
            } else {
                metadata.push((field.name().clone(), i));
            }
        }
        Ok(RowMapping {
            text,
            id,
            url,
            metadata,
            rest,
        })
    }

    /// The columns read, in schema order: what to project a file on.
    pub fn columns(&self) -> Vec<usize> {
        let mut columns: Vec<usize> = [Some(self.text), self.id, self.url, self.rest]
            .into_iter()
            .flatten()
            .chain(self.metadata.iter().map(|(_, i)| *i))
            .collect();
        columns.sort_unstable();
        columns
    }

    /// The bytes of the text at `row`, for sizing batches (0 if null).
    pub fn text_len(&self, batch: &RecordBatch, row: usize) -> usize {
        let column = batch.column(self.text);
        if column.is_null(row) {
            return 0;
        }
        match column.data_type() {
            DataType::Utf8 => column.as_string::<i32>().value_length(row) as usize,
            DataType::LargeUtf8 => column.as_string::<i64>().value_length(row) as usize,
            DataType::Binary => column.as_binary::<i32>().value_length(row) as usize,
            DataType::LargeBinary => column.as_binary::<i64>().value_length(row) as usize,
            DataType::Utf8View => column.as_string_view().value(row).len(),
            DataType::BinaryView => column.as_binary_view().value(row).len(),
            _ => 0,
        }
    }

    /// The document at `row` of `batch`; `fallback_id` names a row whose id
    /// cell is missing or null.
    pub fn document(
        &self,
        batch: &RecordBatch,
        row: usize,
        fallback_id: impl FnOnce() -> String,
    ) -> Result<Document, RowError> {
        let text = text(batch.column(self.text).as_ref(), row)?;
        let id = match self.id.map(|i| values::value(batch.column(i).as_ref(), row)) {
            Some(Value::String(id)) => id,
            Some(Value::Number(id)) => id.to_string(),
            _ => fallback_id(),
        };
        let url = self
            .url
            .and_then(|i| match values::value(batch.column(i).as_ref(), row) {
                Value::String(url) => Some(url),
                _ => None,
            });
        let mut metadata = Metadata::new();
        if let Some(i) = self.rest {
            match values::value(batch.column(i).as_ref(), row) {
                Value::Null => {}
                Value::Object(object) => metadata = object,
                Value::String(json) => match serde_json::from_str::<Value>(&json) {
                    Ok(Value::Object(object)) => metadata = object,
                    _ => {
                        metadata.insert(REST_COLUMN.into(), Value::String(json));
                    }
                },
                other => {
                    metadata.insert(REST_COLUMN.into(), other);
                }
            }
        }
        for (key, i) in &self.metadata {
            let value = values::value(batch.column(*i).as_ref(), row);
            if !value.is_null() {
                metadata.insert(key.clone(), value);
            }
        }
        Ok(Document {
            id,
            text,
            url,
            metadata,
            ..Document::default()
        })
    }
}

fn is_text(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_binary(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView
    )
}

fn text(column: &dyn Array, row: usize) -> Result<String, RowError> {
    if column.is_null(row) {
        return Err(RowError::MissingText("the text is null".into()));
    }
    let bytes = match column.data_type() {
        DataType::Utf8 => return Ok(column.as_string::<i32>().value(row).to_string()),
        DataType::LargeUtf8 => return Ok(column.as_string::<i64>().value(row).to_string()),
        DataType::Utf8View => return Ok(column.as_string_view().value(row).to_string()),
        DataType::Binary => column.as_binary::<i32>().value(row),
        DataType::LargeBinary => column.as_binary::<i64>().value(row),
        DataType::BinaryView => column.as_binary_view().value(row),
        other => return Err(RowError::MissingText(format!("the text column holds {other}"))),
    };
    String::from_utf8(bytes.to_vec())
        .map_err(|err| RowError::InvalidUtf8(format!("binary text that is not UTF-8: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BatchBuilder, ColumnType, DocumentSchema};
    use arrow_array::{ArrayRef, BinaryArray, Int64Array, StringArray};
    use arrow_schema::Field;
    use serde_json::json;
    use std::sync::Arc;

    const FIELDS: Fields = Fields {
        text: "text",
        id: "id",
        url: "url",
        columns: None,
    };

    #[test]
    fn tamis_files_read_back_as_the_same_documents() {
        let schema = DocumentSchema::tamis(&[("score".into(), ColumnType::Float64)]).unwrap();
        let mut builder = BatchBuilder::new(Arc::new(schema));
        let mut doc = Document::new("a", "text a");
        doc.url = Some("https://a/".into());
        doc.metadata = json!({"score": 0.5, "nested": {"k": [1, "x"]}, "n": 3})
            .as_object()
            .unwrap()
            .clone();
        builder.append(&doc, None).unwrap();
        builder.append(&Document::new("b", ""), None).unwrap();
        let batch = builder.take_batch().unwrap();
        let mapping = RowMapping::new(&batch.schema(), FIELDS).unwrap();
        let back = mapping.document(&batch, 0, || unreachable!()).unwrap();
        assert_eq!(back.id, "a");
        assert_eq!(back.url, doc.url);
        let mut expected = doc.metadata.clone();
        expected.sort_keys();
        let mut got = back.metadata.clone();
        got.sort_keys();
        assert_eq!(got, expected);
        let empty = mapping.document(&batch, 1, || unreachable!()).unwrap();
        assert!(empty.metadata.is_empty() && empty.url.is_none() && empty.text.is_empty());
    }

    #[test]
    fn other_files_map_their_columns() {
        let schema = Schema::new(vec![
            Field::new("content", DataType::Binary, true),
            Field::new("n", DataType::Int64, true),
            Field::new("lang", DataType::Utf8, true),
        ]);
        let columns: Vec<ArrayRef> = vec![
            Arc::new(BinaryArray::from(vec![
                Some(b"ok".as_ref()),
                None,
                Some(b"\xff".as_ref()),
            ])),
            Arc::new(Int64Array::from(vec![Some(1), None, Some(3)])),
            Arc::new(StringArray::from(vec!["en", "fr", "de"])),
        ];
        let batch = RecordBatch::try_new(Arc::new(schema), columns).unwrap();
        let only = ["n".to_string()];
        let fields = Fields {
            text: "content",
            columns: Some(&only),
            ..FIELDS
        };
        let mapping = RowMapping::new(&batch.schema(), fields).unwrap();
        assert_eq!(mapping.columns(), [0, 1]);
        let doc = mapping.document(&batch, 0, || "f/0".into()).unwrap();
        assert_eq!((doc.id.as_str(), doc.metadata.get("n")), ("f/0", Some(&json!(1))));
        assert!(matches!(
            mapping.document(&batch, 1, || "f/1".into()),
            Err(RowError::MissingText(_))
        ));
        assert!(matches!(
            mapping.document(&batch, 2, || "f/2".into()),
            Err(RowError::InvalidUtf8(_))
        ));
        let err = RowMapping::new(&batch.schema(), FIELDS).unwrap_err();
        assert!(err.contains("\"text\"") && err.contains("content"), "{err}");
        let wrong = Fields { text: "n", ..FIELDS };
        assert!(RowMapping::new(&batch.schema(), wrong).unwrap_err().contains("Int64"));
    }
}
