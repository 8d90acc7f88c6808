//! Turning a payload's bytes into text.
//!
//! The encoding is taken, in order, from the charset the server declared, a
//! byte-order mark, a `<meta charset>` in the first KiB of the page, and else
//! detected: valid UTF-8 is taken as UTF-8, anything else is guessed by
//! `chardetng` (the detector Firefox uses). Decoding itself never fails: bytes
//! that are invalid in the chosen encoding become U+FFFD, as browsers do.

use encoding_rs::{Encoding, UTF_8};

/// Where the encoding used came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// The charset parameter of the HTTP Content-Type.
    Declared,
    /// A byte-order mark.
    Bom,
    /// A `<meta charset>` or `<meta http-equiv>` in the page.
    Meta,
    /// Detection from the bytes.
    Detected,
}

impl CharsetSource {
    /// Stable name for metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            CharsetSource::Declared => "declared",
            CharsetSource::Bom => "bom",
            CharsetSource::Meta => "meta",
            CharsetSource::Detected => "detected",
        }
    }
}

/// Text decoded from bytes, with the encoding used and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The WHATWG name of the encoding.
    pub encoding: &'static str,
    /// How the encoding was chosen.
    pub source: CharsetSource,
    /// Whether some bytes were invalid and replaced by U+FFFD.
    pub had_errors: bool,
}

/// Decodes `bytes`, using `declared` (a charset label) first if it is known.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> Decoded {
    let (encoding, source) = choose(bytes, declared);
    let (text, used, had_errors) = encoding.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: used.name(),
        source,
        had_errors,
    }
}

fn choose(bytes: &[u8], declared: Option<&str>) -> (&'static Encoding, CharsetSource) {
    if let Some(encoding) = declared.and_then(|label| Encoding::for_label(label.as_bytes())) {
        return (encoding, CharsetSource::Declared);
    }
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return (encoding, CharsetSource::Bom);
    }
    if let Some(encoding) = meta_charset(&bytes[..bytes.len().min(1024)]) {
        return (encoding, CharsetSource::Meta);
    }
    if std::str::from_utf8(bytes).is_ok() {
        return (UTF_8, CharsetSource::Detected);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    (
        detector.guess(None, chardetng::Utf8Detection::Allow),
        CharsetSource::Detected,
    )
}

/// Finds `charset=LABEL` after a `<meta` in `head`: a simplified form of the
/// HTML prescan (WHATWG "prescan a byte stream to determine its encoding").
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&lower[from..], b"<meta") {
        let tag_start = from + at;
        let tag_end = memchr::memchr(b'>', &lower[tag_start..]).map_or(lower.len(), |e| tag_start + e);
        let tag = &lower[tag_start..tag_end];
        if let Some(at) = memchr::memmem::find(tag, b"charset=") {
            let value = &tag[at + b"charset=".len()..];
            let value = value
                .strip_prefix(b"\"")
                .or_else(|| value.strip_prefix(b"'"))
                .unwrap_or(value);
            let end = value
                .iter()
                .position(|b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'/' | b'>'))
                .unwrap_or(value.len());
            // A page that claims UTF-16 while being read as bytes is UTF-8 (WHATWG).
            return Encoding::for_label(&value[..end]).map(|e| {
                if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
                    UTF_8
                } else {
                    e
                }
            });
        }
        from = tag_end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_charset_wins() {
        let decoded = decode(b"caf\xe9", Some("ISO-8859-1"));
        assert_eq!(decoded.text, "café");
        assert_eq!(decoded.source, CharsetSource::Declared);
    }

    #[test]
    fn meta_charset_is_found() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head>\xcf\xf0\xe8\xe2\xe5\xf2";
        let decoded = decode(page, None);
        assert_eq!(decoded.source, CharsetSource::Meta);
        assert!(decoded.text.ends_with("Привет"));
    }

    #[test]
    fn utf8_and_legacy_bytes_are_detected() {
        assert_eq!(decode("déjà".as_bytes(), None).encoding, "UTF-8");
        let latin1 = b"Le ch\xe2teau de la for\xeat est \xe0 c\xf4t\xe9 du lac, d\xe9j\xe0 tr\xe8s fr\xe9quent\xe9.";
        let decoded = decode(latin1, None);
        assert_eq!(decoded.source, CharsetSource::Detected);
        assert!(decoded.text.contains("château"), "{}", decoded.text);
    }
}
