//! Python `str` semantics the reference filters rely on, so that counts and splits agree
//! character for character with datatrove (CPython 3.11 `Objects/unicodeobject.c`).
//!
//! - lengths are in code points (`len(s)`), not bytes;
//! - `isspace`, `isalpha` follow the Unicode database as CPython uses it;
//! - `splitlines` breaks on more than `\n`, `split()` on any `isspace` run, `strip()`
//!   removes `isspace` characters.

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// Python's `str.isspace()` for one character: bidirectional class WS, B or S, or
/// category Zs.
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\x0B'
            | '\x0C'
            | '\r'
            | '\x1C'..='\x1F'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// [`is_space`] for an ASCII byte.
#[inline]
pub fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b'\x1C'..=b'\x1F' | b' ')
}

/// Python's `str.isalpha()` for one character: general category Lu, Ll, Lt, Lm or Lo.
pub fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.general_category_group() == GeneralCategoryGroup::Letter
}

/// spaCy's `is_punct` lexical attribute (`spacy/lang/lex_attrs.py`): every character's
/// general category starts with `P`. True for the empty string, as in spaCy.
pub fn is_punct(s: &str) -> bool {
    s.chars().all(|c| {
        if c.is_ascii() {
            return c.is_ascii_punctuation() && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~');
        }
        c.general_category_group() == GeneralCategoryGroup::Punctuation
    })
}

/// True for a non-spacing mark (category Mn), which NFD-based accent stripping removes.
pub fn is_nonspacing_mark(c: char) -> bool {
    c.general_category() == GeneralCategory::NonspacingMark
}

/// `len(s)`: the number of code points.
pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// `s.strip()`.
pub fn strip(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// `s.lstrip()`.
pub fn lstrip(s: &str) -> &str {
    s.trim_start_matches(is_space)
}

/// `s.rstrip()`.
pub fn rstrip(s: &str) -> &str {
    s.trim_end_matches(is_space)
}

/// `s.split()`: runs of `isspace` characters separate fields; no empty fields.
pub fn split_whitespace(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_space).filter(|w| !w.is_empty())
}

/// `len(s.split())`, a byte at a time when `s` is ASCII (most lines are).
pub fn count_words(s: &str) -> usize {
    if !s.is_ascii() {
        return split_whitespace(s).count();
    }
    let (mut words, mut after_space) = (0, true);
    for &b in s.as_bytes() {
        let space = is_ascii_space(b);
        words += usize::from(after_space & !space);
        after_space = space;
    }
    words
}

/// `s.splitlines()` (without `keepends`): `\r\n` is one break; no final empty line.
pub fn splitlines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    // A byte at a time: every break is ASCII or starts with 0xC2 (U+0085) or 0xE2
    // (U+2028, U+2029), which are never inside another character.
    while let Some(&b) = bytes.get(i) {
        let width = match b {
            b'\n' | b'\x0B' | b'\x0C' | b'\x1C' | b'\x1D' | b'\x1E' => 1,
            b'\r' => 1 + usize::from(bytes.get(i + 1) == Some(&b'\n')),
            0xC2 if bytes.get(i + 1) == Some(&0x85) => 2,
            0xE2 if matches!(bytes.get(i + 1..i + 3), Some([0x80, 0xA8 | 0xA9])) => 3,
            _ => {
                i += 1;
                continue;
            }
        };
        lines.push(&s[start..i]);
        i += width;
        start = i;
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines
}

/// `s.lower()` (full Unicode lowercasing, as CPython: `İ` → `i̇`, final sigma by context).
pub fn lower(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitlines_like_python() {
        assert_eq!(
            splitlines("a\nb\r\nc\rd\x0ce\u{2028}f\n"),
            vec!["a", "b", "c", "d", "e", "f"]
        );
        assert_eq!(splitlines("a\n\nb"), vec!["a", "", "b"]);
        assert_eq!(splitlines(""), Vec::<&str>::new());
        assert_eq!(splitlines("\n"), vec![""]);
        assert_eq!(
            splitlines("a\r\rb\u{85}c\u{2029}\u{2028}d\x1ee\u{2027}"),
            vec!["a", "", "b", "c", "", "d", "e\u{2027}"]
        );
        assert_eq!(splitlines("\u{c5}\u{2085}\u{2027}"), vec!["\u{c5}\u{2085}\u{2027}"]);
    }

    #[test]
    fn punct_and_space() {
        assert!(is_punct(".,!?\"'«»—"));
        assert!(!is_punct("$"));
        assert!(!is_punct("a."));
        assert!(is_space('\x1f') && is_space('\u{3000}') && !is_space('\u{200b}'));
        for b in 0..128u8 {
            assert_eq!(is_ascii_space(b), is_space(char::from(b)), "{b}");
        }
        assert_eq!(
            split_whitespace(" a\u{a0}b  c ").collect::<Vec<_>>(),
            vec!["a", "b", "c"]
        );
        assert_eq!(char_len("héllo"), 5);
        for text in ["", " ", "a", " a b\x1fc\x0b d ", "a\u{a0}b  c", "\t\n"] {
            assert_eq!(count_words(text), split_whitespace(text).count(), "{text:?}");
        }
    }
}
