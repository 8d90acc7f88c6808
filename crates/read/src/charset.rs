//! Turning a payload's bytes into text.
//!
//! The encoding is taken, in order, from the charset the server declared, a
//! byte-order mark, a `<meta charset>` in the first KiB of the page, and else
//! detected: valid UTF-8 is taken as UTF-8, anything else is guessed by
//! `chardetng` (the detector Firefox uses). A declared or `<meta>` charset
//! loses to UTF-8 when the page's non-ASCII bytes are valid UTF-8. Decoding
//! itself never fails: bytes that are invalid in the chosen encoding become
//! U+FFFD, as browsers do.

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

/// Bytes fed to the detector, from a little before the first non-ASCII byte:
/// some KiB of real text tell the encoding as well as the whole page does, and
/// detection is the slowest part of reading. Only non-ASCII bytes carry signal,
/// so the ASCII head of a page (markup, scripts) is skipped.
const DETECTION_WINDOW: usize = 16 << 10;

/// Decodes `bytes`, using `declared` (a charset label) first if it is known.
/// UTF-8 text becomes the string without a copy, validated once.
pub fn decode(bytes: Vec<u8>, declared: Option<&str>) -> Decoded {
    let (encoding, source) = if let Some(encoding) = declared.and_then(|l| Encoding::for_label(l.as_bytes())) {
        (encoding, CharsetSource::Declared)
    } else if let Some((encoding, _)) = Encoding::for_bom(&bytes) {
        (encoding, CharsetSource::Bom)
    } else if let Some(encoding) = meta_charset(&bytes[..bytes.len().min(1024)]) {
        (encoding, CharsetSource::Meta)
    } else {
        match into_string(bytes) {
            Ok(text) => return utf8(text, CharsetSource::Detected),
            Err(bytes) => {
                let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                let window = detection_window(&bytes);
                // `last` only if the window reaches the end of the page: a
                // character cut at the window's edge must not count as invalid.
                let last = window.as_ptr_range().end == bytes.as_ptr_range().end;
                detector.feed(window, last);
                let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
                return decode_with(guess, &bytes, CharsetSource::Detected);
            }
        }
    };
    if source == CharsetSource::Bom {
        return decode_with(encoding, &bytes, source);
    }
    // Non-ASCII bytes that are valid UTF-8 are UTF-8 whatever the page says:
    // text in another encoding almost never validates, while pages re-saved
    // as UTF-8 keep their old `<meta charset>` and servers send a default
    // charset (trafilatura's `detect_encoding` also tries UTF-8 first).
    if encoding == UTF_8 || !bytes.is_ascii() {
        let source_of_utf8 = if encoding == UTF_8 {
            source
        } else {
            CharsetSource::Detected
        };
        return match into_string(bytes) {
            Ok(text) => utf8(text, source_of_utf8),
            Err(bytes) => decode_with(encoding, &bytes, source),
        };
    }
    decode_with(encoding, &bytes, source)
}

/// `String::from_utf8` with SIMD validation, several times faster on the
/// mostly-ASCII bytes of web pages; gives the bytes back if they are not UTF-8.
pub fn into_string(bytes: Vec<u8>) -> Result<String, Vec<u8>> {
    if simdutf8::basic::from_utf8(&bytes).is_err() {
        return Err(bytes);
    }
    // SAFETY: the bytes were validated as UTF-8 just above.
    Ok(unsafe { String::from_utf8_unchecked(bytes) })
}

fn detection_window(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
    // Start at a line break so the detector sees whole words around the first
    // non-ASCII byte.
    let start = memchr::memrchr(b'\n', &bytes[first.saturating_sub(256)..first])
        .map_or(first.saturating_sub(256), |i| first.saturating_sub(256) + i + 1);
    &bytes[start..bytes.len().min(start + DETECTION_WINDOW)]
}

fn utf8(text: String, source: CharsetSource) -> Decoded {
    Decoded {
        text,
        encoding: UTF_8.name(),
        source,
        had_errors: false,
    }
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8], source: CharsetSource) -> Decoded {
    let (text, used, had_errors) = encoding.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: used.name(),
        source,
        had_errors,
    }
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
        let decoded = decode(b"caf\xe9".to_vec(), Some("ISO-8859-1"));
        assert_eq!(decoded.text, "café");
        assert_eq!(decoded.source, CharsetSource::Declared);
    }

    #[test]
    fn meta_charset_is_found() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head>\xcf\xf0\xe8\xe2\xe5\xf2";
        let decoded = decode(page.to_vec(), None);
        assert_eq!(decoded.source, CharsetSource::Meta);
        assert!(decoded.text.ends_with("Привет"));
    }

    #[test]
    fn valid_utf8_beats_a_stale_declaration() {
        let page = "<html><head><meta charset=gb2312></head><p>谷歌在2014年收购的人工智能公司</p>";
        for declared in [None, Some("gbk")] {
            let decoded = decode(page.as_bytes().to_vec(), declared);
            assert_eq!(decoded.text, page);
            assert_eq!(decoded.source, CharsetSource::Detected);
        }
        // ASCII-only pages keep their declaration (nothing to tell them apart).
        assert_eq!(decode(b"abc".to_vec(), Some("gbk")).encoding, "GBK");
    }

    #[test]
    fn detection_looks_past_an_ascii_head() {
        let mut page = format!(
            "<html><head><script>{}</script></head><body><p>",
            "var x = 1;\n".repeat(4000)
        )
        .into_bytes();
        let (russian, _, _) =
            encoding_rs::WINDOWS_1251.encode("Съешь же ещё этих мягких французских булок, да выпей чаю. ");
        for _ in 0..20 {
            page.extend_from_slice(&russian);
        }
        let decoded = decode(page, None);
        assert_eq!(decoded.encoding, "windows-1251");
        assert!(decoded.text.contains("французских"));
    }

    #[test]
    fn a_window_cutting_a_character_does_not_mislead_detection() {
        // One ASCII byte shifts the two-byte characters so that the window's
        // end falls inside one.
        let (chinese, _, _) = encoding_rs::GBK.encode("中文网页测试内容，这是一段很长的中文文本。");
        let mut page = b"\n".to_vec();
        page.extend_from_slice(&chinese[..2]);
        page.push(b'x');
        while page.len() < 3 * DETECTION_WINDOW {
            page.extend_from_slice(&chinese);
        }
        let decoded = decode(page, None);
        assert_eq!(decoded.encoding, "GBK");
    }

    #[test]
    fn utf8_and_legacy_bytes_are_detected() {
        assert_eq!(decode("déjà".as_bytes().to_vec(), None).encoding, "UTF-8");
        let latin1 = b"Le ch\xe2teau de la for\xeat est \xe0 c\xf4t\xe9 du lac, d\xe9j\xe0 tr\xe8s fr\xe9quent\xe9.";
        let decoded = decode(latin1.to_vec(), None);
        assert_eq!(decoded.source, CharsetSource::Detected);
        assert!(decoded.text.contains("château"), "{}", decoded.text);
    }
}
