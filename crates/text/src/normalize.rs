//! datatrove's `simplify_text` (`datatrove/utils/text.py`, 0.10.1) with its
//! default `TextNormConfig`: the normalisation MinHash deduplication applies
//! before splitting words. (`norm_weekdays` and `norm_monthnames`, off by
//! default, are English-only and not provided.)
//!
//! In order, as the reference applies them:
//! 1. lowercase (full Unicode mapping, final sigma included: Python's `str.lower`);
//! 2. every number — a run of decimal digits of any script, optionally followed
//!    by one separator out of `.,،٫⎖⎗⎘` and more digits — becomes `0`;
//! 3. every character of datatrove's `PUNCTUATION` string becomes a space;
//! 4. whitespace (Python's `str.isspace`) is stripped at both ends and each run
//!    collapses to one space;
//! 5. NFD, then every nonspacing mark (category Mn) is removed;
//! 6. strip again.
//!
//! The order matters: `;` (Greek question mark, U+037E) decomposes to `;` in
//! step 5, after punctuation was removed, so it stays, as in the reference.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// The code points of datatrove's `PUNCTUATION` string (utils/text.py, 0.10.1):
/// ASCII punctuation, C0/C1 controls except tab and newline, and 45 others.
/// Sorted, for binary search.
const PUNCTUATION: &[u32] = &[
    0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 33,
    34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 58, 59, 60, 61, 62, 63, 64, 91, 92, 93, 94, 95, 96, 123,
    124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146,
    147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 171, 180, 187, 8211, 8212, 8217, 8220, 8221, 8222,
    8230, 8758, 9473, 9658, 12289, 12290, 12296, 12297, 12298, 12299, 12300, 12301, 12304, 12305, 65281, 65285, 65288,
    65289, 65292, 65294, 65297, 65306, 65307, 65311, 65374,
];

/// Decimal separators allowed inside a number (`NUMBERS_PATTERN`).
const NUMBER_SEPARATORS: &[char] = &['.', ',', '،', '٫', '⎖', '⎗', '⎘'];

/// ASCII bytes that become a space in step 3.
const fn ascii_punctuation_table() -> [bool; 128] {
    let mut table = [false; 128];
    let mut i = 0;
    while i < PUNCTUATION.len() {
        if PUNCTUATION[i] < 128 {
            table[PUNCTUATION[i] as usize] = true;
        }
        i += 1;
    }
    table
}
static ASCII_PUNCTUATION: [bool; 128] = ascii_punctuation_table();

fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        ASCII_PUNCTUATION[c as usize]
    } else {
        PUNCTUATION.binary_search(&(c as u32)).is_ok()
    }
}

/// Python's `str.isspace` (Unicode 14, CPython 3.11): Rust's `White_Space` plus
/// the information separators U+001C..U+001F.
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        // The category lookup is a search in a large table: skip it for the
        // blocks that hold no decimal digit (below Arabic-Indic U+0660, CJK
        // ideographs, Hangul syllables).
        !no_digits_or_marks(c) && (c as u32) >= 0x660 && c.general_category() == GeneralCategory::DecimalNumber
    }
}

/// Whether `c` is a nonspacing mark (category Mn), with the lookup skipped for
/// the blocks that hold none (below U+0300, CJK ideographs, Hangul syllables).
fn is_nonspacing_mark(c: char) -> bool {
    (c as u32) >= 0x300 && !no_digits_or_marks(c) && c.general_category() == GeneralCategory::NonspacingMark
}

/// CJK unified ideographs and Hangul syllables: no digits, no marks.
fn no_digits_or_marks(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0xAC00..=0xD7A3)
}

/// Reusable buffers, so that normalising a document allocates nothing once warm.
#[derive(Default)]
pub struct Normalizer {
    lowered: String,
    chars: Vec<char>,
    collapsed: String,
}

impl Normalizer {
    /// `text` normalised as datatrove's `simplify_text`; borrows the result from
    /// `self` until the next call.
    pub fn normalize<'s>(&'s mut self, text: &str) -> &'s str {
        self.lowered.clear();
        if text.is_ascii() {
            self.lowered.push_str(text);
            self.lowered.make_ascii_lowercase();
        } else {
            self.lowered.push_str(&text.to_lowercase());
        }
        self.collapse();
        if self.collapsed.is_ascii() {
            return self.collapsed.trim_matches(is_space);
        }
        // Steps 5-6: NFD (with canonical reordering) over the whole text, marks out.
        self.lowered.clear();
        self.lowered
            .extend(self.collapsed.chars().nfd().filter(|&c| !is_nonspacing_mark(c)));
        self.lowered.trim_matches(is_space)
    }

    /// Steps 2-4 from `lowered` into `collapsed`.
    fn collapse(&mut self) {
        self.chars.clear();
        self.chars.extend(self.lowered.chars());
        let chars = &self.chars;
        let out = &mut self.collapsed;
        out.clear();
        let mut pending_space = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let emit = if is_digit(c) {
                // A number: digits, then at most one separator followed by digits.
                while i < chars.len() && is_digit(chars[i]) {
                    i += 1;
                }
                if i + 1 < chars.len() && NUMBER_SEPARATORS.contains(&chars[i]) && is_digit(chars[i + 1]) {
                    i += 1;
                    while i < chars.len() && is_digit(chars[i]) {
                        i += 1;
                    }
                }
                i -= 1;
                '0'
            } else if is_punctuation(c) || is_space(c) {
                ' '
            } else {
                c
            };
            i += 1;
            if emit == ' ' {
                pending_space = !out.is_empty();
            } else {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(emit);
            }
        }
    }
}

/// `simplify_text(text)` with datatrove's default `TextNormConfig`; a
/// [`Normalizer`] reuses its buffers across texts.
pub fn simplify_text(text: &str) -> String {
    Normalizer::default().normalize(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> String {
        Normalizer::default().normalize(text).to_string()
    }

    #[test]
    fn lowercases_strips_punctuation_and_collapses_whitespace() {
        assert_eq!(norm("  Hello,   World!\n\tIt's  me.  "), "hello world it s me");
    }

    #[test]
    fn numbers_of_any_script_become_zero() {
        assert_eq!(
            norm("In 2024, 3.14 and 1,234,567 people; ٣٤ items"),
            "in 0 0 and 0 0 people 0 items"
        );
    }

    #[test]
    fn diacritics_are_removed_after_decomposition() {
        assert_eq!(norm("Élève naïve Straße café"), "eleve naive straße cafe");
    }

    #[test]
    fn a_mark_alone_between_spaces_leaves_two_spaces() {
        // As the reference: whitespace collapses before the marks are removed.
        assert_eq!(norm("a \u{301} b"), "a  b");
    }

    #[test]
    fn greek_question_mark_survives_as_semicolon() {
        assert_eq!(norm("τι\u{37e}"), "τι;");
    }

    #[test]
    fn like_datatrove() {
        // Expected values printed by datatrove 0.10.1's simplify_text.
        assert_eq!(simplify_text("Héllo, Wörld! 3.14 and 2,000"), "hello world 0 and 0");
        assert_eq!(simplify_text("  L'été   à\tParis—2024 "), "l ete a paris 0");
        assert_eq!(simplify_text("Ça va? «Oui»"), "ca va oui");
    }
}
