//! JSON Lines: one JSON object per line, plain, gzip or zstd.
//!
//! The text, id and URL fields are configurable ([`ReadOptions`]); every other
//! field becomes metadata, and a `metadata` object is merged into it, so tamis's
//! own output reads back as the same documents.

use crate::compression::{Codec, Decompressed, Locator};
use crate::stream::{Line, Stream};
use crate::undecoded::{Content, Undecoded};
use crate::{ReadErrorKind, ReadOptions, Record};
use serde_json::{Map, Value};
use std::sync::Arc;
use tamis_api::Document;

/// Reads the records of one JSONL file.
pub struct JsonlReader {
    stream: Stream,
    locator: Locator,
    file: Arc<str>,
    fields: Arc<JsonFields>,
    max_line: usize,
    line: Vec<u8>,
    line_number: u64,
    done: bool,
}

/// Where a JSONL object keeps what a document needs.
#[derive(Debug)]
pub(crate) struct JsonFields {
    text: String,
    id: String,
    url: String,
    /// The file name, for ids of records without one.
    file_name: String,
}

impl JsonlReader {
    /// Reads JSONL records from a decompressed stream; `source` names the file.
    pub fn new(input: Decompressed, source: String, options: ReadOptions) -> Self {
        let file_name = std::path::Path::new(&source)
            .file_name()
            .map_or_else(|| source.clone(), |n| n.to_string_lossy().into_owned());
        JsonlReader {
            stream: Stream::new(input.reader),
            locator: input.locator,
            file: source.into(),
            fields: Arc::new(JsonFields {
                text: options.text_field,
                id: options.id_field,
                url: options.url_field,
                file_name,
            }),
            max_line: usize::try_from(options.max_record_bytes).unwrap_or(usize::MAX),
            line: Vec::new(),
            line_number: 0,
            done: false,
        }
    }

    fn error(&self, kind: ReadErrorKind, start: u64, detail: impl Into<String>) -> Record {
        let detail = format!("line {}: {}", self.line_number, detail.into());
        Record::Error(self.locator.error(&self.file, kind, start, detail))
    }
}

/// Parses line `number` of a file into a document; the error's kind and detail.
pub(crate) fn parse(line: &[u8], number: u64, fields: &JsonFields) -> Result<Document, (ReadErrorKind, String)> {
    let text = simdutf8::compat::from_utf8(line.trim_ascii_end())
        .map_err(|err| (ReadErrorKind::InvalidUtf8, err.to_string()))?;
    let mut object: Map<String, Value> =
        serde_json::from_str(text).map_err(|err| (ReadErrorKind::BadJson, err.to_string()))?;
    let text = match object.remove(&fields.text) {
        Some(Value::String(text)) => text,
        other => {
            let found = other.map_or("nothing", |v| json_type(&v));
            let detail = format!("field {:?} holds {found}, not a string", fields.text);
            return Err((ReadErrorKind::MissingText, detail));
        }
    };
    let id = match object.remove(&fields.id) {
        Some(Value::String(id)) => id,
        Some(Value::Number(id)) => id.to_string(),
        Some(other) => {
            object.insert(fields.id.clone(), other);
            format!("{}/{number}", fields.file_name)
        }
        None => format!("{}/{number}", fields.file_name),
    };
    let url = match object.remove(&fields.url) {
        Some(Value::String(url)) => Some(url),
        Some(other) => {
            object.insert(fields.url.clone(), other);
            None
        }
        None => None,
    };
    let mut metadata = match object.remove("metadata") {
        Some(Value::Object(metadata)) => metadata,
        Some(other) => Map::from_iter([("metadata".to_string(), other)]),
        None => Map::new(),
    };
    metadata.extend(object);
    Ok(Document {
        id,
        text,
        url,
        metadata,
        ..Document::default()
    })
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Iterator for JsonlReader {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            if self.done {
                return None;
            }
            let start = self.stream.position();
            self.line_number += 1;
            match self.stream.read_line(&mut self.line, self.max_line) {
                Err(err) => {
                    // After a corrupt gzip member the stream resumes at the next
                    // member; any other failure ends the file.
                    let kind = ReadErrorKind::of_stream_error(&err, self.locator.codec);
                    self.done = !(kind == ReadErrorKind::CompressionCorrupt && self.locator.codec == Codec::Gzip);
                    return Some(self.error(kind, start, err.to_string()));
                }
                Ok(Line::End) => {
                    self.done = true;
                    if start == 0 {
                        return Some(self.error(ReadErrorKind::EmptyFile, 0, "no bytes"));
                    }
                    return None;
                }
                Ok(Line::TooLong) => {
                    return Some(self.error(
                        ReadErrorKind::RecordTooLarge,
                        start,
                        format!("line longer than {} bytes", self.max_line),
                    ))
                }
                Ok(Line::Complete) => {}
            }
            if self.line.trim_ascii().is_empty() {
                continue;
            }
            let content = Content::JsonLine {
                line: std::mem::take(&mut self.line),
                number: self.line_number,
                fields: self.fields.clone(),
            };
            return Some(Record::Document(Undecoded::new(
                content,
                self.file.clone(),
                self.locator.locate(start),
            )));
        }
    }
}
