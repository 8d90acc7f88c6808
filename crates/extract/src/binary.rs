//! Is this "page" binary data? Images, archives, PDFs and random bytes are
//! served as `text/html` often enough, and decoding turns them into text that
//! the parser reads without complaint and extraction keeps.
//!
//! Text, in any script and any charset, holds almost no C0 control
//! characters besides tab, line feed, form feed and carriage return; binary
//! data decoded as text is full of them whatever the charset chosen, as every
//! ASCII-compatible decoding (UTF-8, the single-byte ones, the CJK multi-byte
//! ones) keeps bytes 0x00 to 0x1F as they are: random bytes give 11 %. So the
//! check counts them (with DEL) in the first [`SAMPLE_BYTES`] of the text,
//! and also recognises the signatures of common binary formats at its start
//! (a PDF's first kilobytes can be plain text: its header and uncompressed
//! metadata).
//!
//! U+FFFD and C1 controls are not counted: a page in a legacy charset
//! declared as UTF-8 decodes to U+FFFD for every letter, and a page encoded
//! twice is full of C1 controls; both are text, if damaged.

/// How much of the text is looked at (bytes, rounded down to a character).
const SAMPLE_BYTES: usize = 8192;

/// Share of the sampled characters that must be junk for the text to be
/// binary: random bytes give 11 % in every decoding; the 5,233 real pages of
/// the evaluation sets give at most 0.45 %.
const JUNK_PERCENT: usize = 2;

/// Junk characters a short text needs as well (a 50-character text with one
/// stray control character is not binary).
const MIN_JUNK: usize = 8;

/// Signatures (at the very start) of binary formats that decode to text
/// without many control characters in their first kilobytes, or whose first
/// bytes say what they are unambiguously. PNG's first byte (0x89) decodes
/// differently by charset: its signature is matched from the second.
const SIGNATURES: &[(usize, &str)] = &[
    (0, "%PDF-"),
    (0, "%!PS-Adobe-"),
    (1, "PNG\r\n\u{1a}\n"),
    (0, "GIF87a"),
    (0, "GIF89a"),
    (0, "PK\u{3}\u{4}"),
    (0, "\u{7f}ELF"),
    (0, "\u{0}asm"),
    (0, "OggS\u{0}"),
    (0, "wOFF"),
    (0, "wOF2"),
];

/// Whether decoded text is binary data rather than a page.
pub fn looks_binary(text: &str) -> bool {
    if SIGNATURES.iter().any(|&(at, signature)| {
        let start = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
        text[start..].starts_with(signature)
    }) {
        return true;
    }
    let (junk, chars) = junk_in_sample(text);
    junk >= MIN_JUNK && junk * 100 >= chars * JUNK_PERCENT
}

/// Junk characters (C0 controls other than tab, line feed, form feed and carriage return;
/// DEL), and characters, in the sample of the text.
///
/// Counted on bytes, which the compiler vectorises: junk characters are ASCII, and a UTF-8
/// byte starts a character unless it is a continuation byte (`0b10xx_xxxx`).
pub(crate) fn junk_in_sample(text: &str) -> (usize, usize) {
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let (mut chars, mut junk) = (0usize, 0usize);
    // Per block of at most 255 bytes, the counts fit in a byte.
    for block in text.as_bytes()[..end].chunks(255) {
        let (mut c, mut j) = (0u8, 0u8);
        for &b in block {
            c += u8::from((b as i8) >= -0x40);
            j += u8::from(matches!(b, 0x00..=0x08 | 0x0b | 0x0e..=0x1f | 0x7f));
        }
        chars += usize::from(c);
        junk += usize::from(j);
    }
    (junk, chars)
}

#[cfg(test)]
mod tests {
    use super::{junk_in_sample, looks_binary, SAMPLE_BYTES};

    /// Whether a character is one that text does not hold: a C0 control
    /// character other than tab, line feed, form feed and carriage return, or DEL.
    fn is_junk(c: char) -> bool {
        matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{e}'..='\u{1f}' | '\u{7f}')
    }

    #[test]
    fn bytes_count_as_characters_do() {
        let texts = [
            "plain ascii \u{1}\u{7f}\u{1f}\u{b}".repeat(300),
            "Привет \u{0}мир\u{e} 中文\u{1b} 😀\u{85}\u{fffd}".repeat(500),
            "€".repeat(SAMPLE_BYTES), // the sample ends inside a character
            String::new(),
        ];
        for text in &texts {
            let mut end = text.len().min(SAMPLE_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let sample = &text[..end];
            let want = (sample.chars().filter(|&c| is_junk(c)).count(), sample.chars().count());
            assert_eq!(junk_in_sample(text), want);
        }
    }

    #[test]
    fn text_in_any_script_is_not_binary() {
        for text in [
            "<html><body><p>Hello, world.</p></body></html>",
            "<p>Привет, мир. Ελληνικά. العربية. 中文网页。日本語のページ。한국어 페이지.</p>",
            "<p>\tTabs,\r\nnew lines\u{c} and form feeds.</p>",
            "<p>one stray \u{1} control character</p>",
            "<p>r\u{fffd}sum\u{fffd} (Latin-1 read as UTF-8), \u{c3}\u{89}t\u{c3}\u{a9} (UTF-8 read as Latin-1)</p>",
            "",
        ] {
            assert!(!looks_binary(text), "{text}");
        }
    }

    #[test]
    fn control_characters_and_signatures_are_binary() {
        assert!(looks_binary(&"\u{0}\u{1}\u{2}abcdefgh".repeat(100)));
        assert!(!looks_binary(&"\u{fffd}\u{85}abc".repeat(100)));
        assert!(looks_binary("%PDF-1.7\n<< /Type /Catalog >>"));
        assert!(looks_binary("\u{2030}PNG\r\n\u{1a}\n"));
        assert!(looks_binary("\u{fffd}PNG\r\n\u{1a}\n"));
    }
}
