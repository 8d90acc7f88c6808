//! Documents read but not yet decoded.
//!
//! Framing records is sequential; turning their bytes into a document (charset
//! detection, UTF-8 validation, transcoding, JSON parsing) is not, and costs as
//! much as framing. So readers hand out [`Undecoded`] records and the runner
//! decodes them on its workers: one reading thread keeps up with more workers.

use crate::charset;
use crate::compression::Location;
use crate::jsonl::{self, JsonFields};
use crate::{ReadError, ReadErrorKind};
use std::sync::Arc;
use tamis_api::{Document, Metadata};

/// A record whose document is still bytes; [`Undecoded::decode`] finishes it,
/// on any thread.
#[derive(Debug)]
pub struct Undecoded {
    content: Content,
    /// The input file and where the record is in it, for decoding errors.
    file: Arc<str>,
    location: Location,
    /// Metadata every document of the input gets unless it has the key.
    defaults: Option<Arc<Metadata>>,
}

#[derive(Debug)]
pub(crate) enum Content {
    /// A WARC payload: the document is complete but for its text.
    Payload {
        doc: Document,
        payload: Vec<u8>,
        encoding: Encoding,
    },
    /// One JSONL line, not parsed yet.
    JsonLine {
        line: Vec<u8>,
        number: u64,
        fields: Arc<JsonFields>,
    },
    /// One row of a Parquet file.
    Row(crate::parquet::Row),
}

/// How a payload becomes text.
#[derive(Debug)]
pub(crate) enum Encoding {
    /// UTF-8 by definition (WET `conversion` records): anything else is an error.
    Utf8,
    /// A web payload: the declared charset if any, else detection; never fails.
    Web {
        /// The charset the server declared.
        declared: Option<String>,
    },
}

impl Undecoded {
    pub(crate) fn new(content: Content, file: Arc<str>, location: Location) -> Self {
        Undecoded {
            content,
            file,
            location,
            defaults: None,
        }
    }

    /// The same record, whose document will get `defaults` for the metadata
    /// keys it lacks ([`crate::ReadOptions::default_metadata`]).
    pub(crate) fn with_defaults(mut self, defaults: Arc<Metadata>) -> Self {
        self.defaults = Some(defaults);
        self
    }

    /// Bytes still to decode.
    pub fn len(&self) -> usize {
        match &self.content {
            Content::Payload { payload, .. } => payload.len(),
            Content::JsonLine { line, .. } => line.len(),
            Content::Row(row) => row.len(),
        }
    }

    /// Whether there is nothing to decode.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The document. Web payloads also get `charset` and `charset_source` (and
    /// `charset_errors` if bytes had to be replaced) in their metadata.
    ///
    /// A panic while decoding (a bug) is caught and becomes a `decode_panic`
    /// read error at the record's location: it costs this record, not the run.
    pub fn decode(self) -> Result<Document, ReadError> {
        let Undecoded {
            content,
            file,
            location,
            defaults,
        } = self;
        let error = |kind, detail: String| location.error(&file, kind, detail);
        let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode(content, &error)));
        let mut decoded = decoded.unwrap_or_else(|panic| {
            let message = tamis_api::panic_message(&*panic);
            Err(error(
                ReadErrorKind::DecodePanic,
                format!("decoding the record panicked: {message}"),
            ))
        });
        if let (Ok(doc), Some(defaults)) = (&mut decoded, defaults) {
            for (key, value) in defaults.iter() {
                if !doc.metadata.contains_key(key) {
                    doc.metadata.insert(key.clone(), value.clone());
                }
            }
        }
        decoded
    }
}

fn decode(content: Content, error: &dyn Fn(ReadErrorKind, String) -> ReadError) -> Result<Document, ReadError> {
    {
        match content {
            Content::Payload {
                mut doc,
                payload,
                encoding: Encoding::Utf8,
            } => match charset::into_string(payload) {
                Ok(text) => {
                    doc.text = text;
                    Ok(doc)
                }
                Err(payload) => {
                    let detail = match std::str::from_utf8(&payload) {
                        Err(err) => format!("text that must be UTF-8 is not: {err}"),
                        Ok(_) => "text that must be UTF-8 is not".to_string(),
                    };
                    Err(error(ReadErrorKind::InvalidUtf8, detail))
                }
            },
            Content::Payload {
                mut doc,
                payload,
                encoding: Encoding::Web { declared },
            } => {
                let decoded = charset::decode(payload, declared.as_deref());
                let metadata = &mut doc.metadata;
                metadata.insert("charset".into(), decoded.encoding.into());
                metadata.insert("charset_source".into(), decoded.source.as_str().into());
                if decoded.had_errors {
                    metadata.insert("charset_errors".into(), true.into());
                }
                doc.text = decoded.text;
                Ok(doc)
            }
            Content::JsonLine { line, number, fields } => jsonl::parse(&line, number, &fields)
                .map_err(|(kind, detail)| error(kind, format!("line {number}: {detail}"))),
            Content::Row(row) => row.decode().map_err(|(kind, detail)| error(kind, detail)),
        }
    }
}
