//! GPT-2's pre-tokenizer: the text cut into the pieces that byte-pair encoding
//! then encodes one at a time.
//!
//! GPT-2 (`encoder.py` of openai/gpt-2), Hugging Face's `ByteLevel` pre-tokenizer
//! (`use_regex: true`) and tiktoken's `r50k_base` all cut with one regular expression:
//!
//! ```text
//! 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//! ```
//!
//! [`pieces`] is that expression written out as a scan over characters (no regex engine,
//! no backtracking): at each position the first alternative that matches, as the
//! expression's leftmost-first alternation takes it. `\p{L}` is the Unicode general
//! category Letter, `\p{N}` Number, `\s` the White_Space property.

use std::sync::OnceLock;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// The three classes the expression distinguishes, and whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// `\p{L}`.
    Letter,
    /// `\p{N}`.
    Number,
    /// `\s`.
    Space,
    /// `[^\s\p{L}\p{N}]`.
    Other,
}

/// ASCII classes, by byte.
const ASCII: [Class; 128] = {
    let mut table = [Class::Other; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphabetic() {
            Class::Letter
        } else if c.is_ascii_digit() {
            Class::Number
        } else if matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            Class::Space
        } else {
            Class::Other
        };
        b += 1;
    }
    table
};

/// The class of `c`.
#[inline]
pub fn class(c: char) -> Class {
    if c.is_ascii() {
        return ASCII[c as usize];
    }
    if (c as u32) < 0x10000 {
        return bmp()[c as usize];
    }
    class_of(c)
}

/// The classes of the Basic Multilingual Plane, computed once (a Unicode table
/// lookup per character costs more than the rest of the pre-tokenizer).
fn bmp() -> &'static [Class; 0x10000] {
    static BMP: OnceLock<Box<[Class; 0x10000]>> = OnceLock::new();
    BMP.get_or_init(|| {
        let mut table = Box::new([Class::Other; 0x10000]);
        for (cp, slot) in table.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(cp as u32) {
                *slot = class_of(c);
            }
        }
        table
    })
}

/// The class of `c`, from the Unicode tables.
fn class_of(c: char) -> Class {
    if c.is_ascii() {
        return ASCII[c as usize];
    }
    if c.is_whitespace() {
        return Class::Space;
    }
    match c.general_category_group() {
        GeneralCategoryGroup::Letter => Class::Letter,
        GeneralCategoryGroup::Number => Class::Number,
        _ => Class::Other,
    }
}

/// The character at byte `i` of `text` (a char boundary) and its length in bytes.
#[inline]
fn char_at(text: &str, i: usize) -> (char, usize) {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        return (b as char, 1);
    }
    // A char boundary inside a `str`: the slice starts with a whole character.
    let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
    (c, c.len_utf8())
}

/// The end of the run of characters of class `want` that starts at `i`.
#[inline]
fn run_end(text: &str, mut i: usize, want: Class) -> usize {
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if ASCII[b as usize] != want {
                break;
            }
            i += 1;
        } else {
            let (c, len) = char_at(text, i);
            if class(c) != want {
                break;
            }
            i += len;
        }
    }
    i
}

/// The length of the contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`) at the
/// start of `rest`, which starts with `'`; 0 when there is none.
#[inline]
fn contraction(rest: &[u8]) -> usize {
    match rest.get(1) {
        Some(b's' | b't' | b'm' | b'd') => 2,
        Some(b'r') if rest.get(2) == Some(&b'e') => 3,
        Some(b'v') if rest.get(2) == Some(&b'e') => 3,
        Some(b'l') if rest.get(2) == Some(&b'l') => 3,
        _ => 0,
    }
}

/// The end of the piece that starts at byte `i` of `text` (`i < text.len()`).
#[inline]
pub fn piece_end(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let (c, len) = char_at(text, i);
    if c == '\'' {
        let n = contraction(&bytes[i..]);
        if n > 0 {
            return i + n;
        }
    }
    let cls = class(c);
    if cls != Class::Space {
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+` without the space.
        return run_end(text, i + len, cls);
    }
    if c == ' ' && i + 1 < bytes.len() {
        // The same three with the optional space.
        let (next, next_len) = char_at(text, i + 1);
        let next_cls = class(next);
        if next_cls != Class::Space {
            return run_end(text, i + 1 + next_len, next_cls);
        }
    }
    // `\s+(?!\S)|\s+`: the whitespace run, less its last character when a
    // non-space follows it and the run has more than one character.
    let end = run_end(text, i + len, Class::Space);
    if end == bytes.len() || end == i + len {
        return end;
    }
    // Back off the run's last character.
    let mut last = end - 1;
    while !text.is_char_boundary(last) {
        last -= 1;
    }
    last
}

/// The pieces of `text`, in order; together they are `text`.
pub fn pieces(text: &str) -> Pieces<'_> {
    Pieces { text, at: 0 }
}

/// Iterator over the pieces of a text (see [`pieces`]).
#[derive(Debug, Clone)]
pub struct Pieces<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        if self.at >= self.text.len() {
            return None;
        }
        let start = self.at;
        self.at = piece_end(self.text, start);
        Some(&self.text[start..self.at])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(text: &str) -> Vec<&str> {
        pieces(text).collect()
    }

    #[test]
    fn words_numbers_punctuation() {
        assert_eq!(cut("Hello world"), ["Hello", " world"]);
        assert_eq!(cut("I don't know"), ["I", " don", "'t", " know"]);
        assert_eq!(
            cut("they'll we've you're I'm he'd it's"),
            ["they", "'ll", " we", "'ve", " you", "'re", " I", "'m", " he", "'d", " it", "'s"]
        );
        assert_eq!(cut("'S 'x"), ["'", "S", " '", "x"]);
        assert_eq!(cut("abc123 456!?"), ["abc", "123", " 456", "!?"]);
        assert_eq!(cut("\"'s"), ["\"'", "s"]);
        assert_eq!(cut("café ½ x²"), ["café", " ½", " x", "²"]);
    }

    #[test]
    fn whitespace_runs() {
        assert_eq!(cut("a  b"), ["a", " ", " b"]);
        assert_eq!(cut("a   b"), ["a", "  ", " b"]);
        assert_eq!(cut("a\nb"), ["a", "\n", "b"]);
        assert_eq!(cut("a\n\nb"), ["a", "\n", "\n", "b"]);
        assert_eq!(cut("a \n b"), ["a", " \n", " b"]);
        assert_eq!(cut("a  "), ["a", "  "]);
        assert_eq!(cut("  "), ["  "]);
        assert_eq!(cut(" "), [" "]);
        assert_eq!(cut("a\u{3000}\u{3000}b"), ["a", "\u{3000}", "\u{3000}", "b"]);
        assert_eq!(cut("a \u{a0}b"), ["a", " ", "\u{a0}", "b"]);
        assert_eq!(cut(""), Vec::<&str>::new());
    }

    #[test]
    fn pieces_cover_the_text() {
        let text = "Ünïcödé  text\t\twith 日本語の文章 and emoji 👍🏽 x'll  \r\n end   ";
        assert_eq!(cut(text).concat(), text);
    }
}
