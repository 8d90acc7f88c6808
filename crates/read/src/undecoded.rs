//! Documents read but not yet decoded to text.
//!
//! Framing records is sequential; turning payload bytes into text (charset
//! detection, UTF-8 validation, transcoding) is not, and costs as much as
//! framing. So readers hand out [`Undecoded`] documents and the runner decodes
//! them on its workers: one reader thread then keeps up with many more workers.

use crate::charset;
use crate::compression::Location;
use crate::{ReadError, ReadErrorKind};
use tamis_api::Document;

/// A document whose text is still bytes; [`Undecoded::decode`] finishes it,
/// on any thread.
#[derive(Debug)]
pub struct Undecoded {
    /// Everything but the text.
    doc: Document,
    payload: Vec<u8>,
    encoding: Encoding,
    /// Where the record is, for the error if decoding fails.
    location: Location,
}

/// How the payload becomes text.
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
    pub(crate) fn new(doc: Document, payload: Vec<u8>, encoding: Encoding, location: Location) -> Self {
        Undecoded {
            doc,
            payload,
            encoding,
            location,
        }
    }

    /// Bytes of payload still to decode.
    pub fn payload_len(&self) -> usize {
        self.payload.len()
    }

    /// The document's metadata, already complete but for the charset.
    pub fn metadata(&self) -> &tamis_api::Metadata {
        &self.doc.metadata
    }

    /// The document with its text. Web payloads also get `charset` and
    /// `charset_source` (and `charset_errors` if bytes had to be replaced).
    pub fn decode(self) -> Result<Document, ReadError> {
        let Undecoded {
            mut doc,
            payload,
            encoding,
            location,
        } = self;
        match encoding {
            Encoding::Utf8 => match charset::into_string(payload) {
                Ok(text) => doc.text = text,
                Err(payload) => {
                    let detail = match std::str::from_utf8(&payload) {
                        Err(err) => format!("text that must be UTF-8 is not: {err}"),
                        Ok(_) => "text that must be UTF-8 is not".to_string(),
                    };
                    let file = doc.metadata.get("source").and_then(|s| s.as_str()).unwrap_or_default();
                    return Err(location.error(file, ReadErrorKind::InvalidUtf8, detail));
                }
            },
            Encoding::Web { declared } => {
                let decoded = charset::decode(payload, declared.as_deref());
                let metadata = &mut doc.metadata;
                metadata.insert("charset".into(), decoded.encoding.into());
                metadata.insert("charset_source".into(), decoded.source.as_str().into());
                if decoded.had_errors {
                    metadata.insert("charset_errors".into(), true.into());
                }
                doc.text = decoded.text;
            }
        }
        Ok(doc)
    }
}
