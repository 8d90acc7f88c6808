//! JSON Lines: one JSON object per line, plain, gzip or zstd.
//!
//! The text, id and URL fields are configurable ([`ReadOptions`]); every other
//! field becomes metadata, and a `metadata` object is merged into it, so tamis's
//! own output reads back as the same documents.

use crate::compression::{Codec, Decompressed, Locator};
use crate::stream::{Line, Stream};
use crate::{ReadErrorKind, ReadOptions, Record};
use serde_json::{Map, Value};
use tamis_api::Document;

/// Reads the records of one JSONL file.
pub struct JsonlReader {
    stream: Stream,
    locator: Locator,
    source: String,
    /// The file name, for ids of records without one.
    name: String,
    options: ReadOptions,
    line: Vec<u8>,
    line_number: u64,
    done: bool,
}

impl JsonlReader {
    /// Reads JSONL records from a decompressed stream; `source` names the file.
    pub fn new(input: Decompressed, source: String, options: ReadOptions) -> Self {
        let name = std::path::Path::new(&source)
            .file_name()
            .map_or_else(|| source.clone(), |n| n.to_string_lossy().into_owned());
        JsonlReader {
            stream: Stream::new(input.reader),
            locator: input.locator,
            source,
            name,
            options,
            line: Vec::new(),
            line_number: 0,
            done: false,
        }
    }

    fn error(&self, kind: ReadErrorKind, start: u64, detail: impl Into<String>) -> Record {
        let detail = format!("line {}: {}", self.line_number, detail.into());
        Record::Error(self.locator.error(&self.source, kind, start, detail))
    }

    fn parse(&self, start: u64) -> Record {
        let line = self.line.trim_ascii_end();
        let text = match simdutf8::compat::from_utf8(line) {
            Ok(text) => text,
            Err(err) => return self.error(ReadErrorKind::InvalidUtf8, start, err.to_string()),
        };
        let mut object: Map<String, Value> = match serde_json::from_str(text) {
            Ok(object) => object,
            Err(err) => return self.error(ReadErrorKind::BadJson, start, err.to_string()),
        };
        let text = match object.remove(&self.options.text_field) {
            Some(Value::String(text)) => text,
            other => {
                let found = other.map_or("nothing", |v| json_type(&v));
                return self.error(
                    ReadErrorKind::MissingText,
                    start,
                    format!("field {:?} holds {found}, not a string", self.options.text_field),
                );
            }
        };
        let id = match object.remove(&self.options.id_field) {
            Some(Value::String(id)) => id,
            Some(Value::Number(id)) => id.to_string(),
            Some(other) => {
                object.insert(self.options.id_field.clone(), other);
                format!("{}/{}", self.name, self.line_number)
            }
            None => format!("{}/{}", self.name, self.line_number),
        };
        let url = match object.remove(&self.options.url_field) {
            Some(Value::String(url)) => Some(url),
            Some(other) => {
                object.insert(self.options.url_field.clone(), other);
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
        Record::Document(Document {
            id,
            text,
            url,
            metadata,
        })
    }
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
            let limit = usize::try_from(self.options.max_record_bytes).unwrap_or(usize::MAX);
            match self.stream.read_line(&mut self.line, limit) {
                Err(err) => {
                    // After a corrupt gzip member the stream resumes at the next
                    // member; any other failure ends the file.
                    let kind = ReadErrorKind::of_stream_error(&err);
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
                        format!("line longer than {} bytes", self.options.max_record_bytes),
                    ))
                }
                Ok(Line::Complete) => {}
            }
            if self.line.trim_ascii().is_empty() {
                continue;
            }
            return Some(self.parse(start));
        }
    }
}
