//! datatrove's punctuation sets (`datatrove/utils/text.py`, 0.10.1).

/// `PUNCTUATION`: ASCII and CJK punctuation plus the C0 controls except `\t` (9) and `\n`
/// (10) — `range(0, 9)`, `range(11, 13)`, `range(13, 32)` — and `range(127, 160)`.
const PUNCTUATION_LITERALS: &str =
    "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»";

/// `TERMINAL_PUNCTUATION`: sentence-final marks of many scripts (FineWeb's `stop_chars`), sorted
/// (generated from datatrove 0.10.1).
#[rustfmt::skip]
pub const TERMINAL_PUNCTUATION: &[char] = &[
    '\u{21}', '\u{2e}', '\u{3f}', '\u{589}', '\u{61d}', '\u{61e}', '\u{61f}', '\u{6d4}', '\u{700}', '\u{701}',
    '\u{702}', '\u{7f9}', '\u{837}', '\u{839}', '\u{83d}', '\u{83e}', '\u{964}', '\u{965}', '\u{104a}', '\u{104b}',
    '\u{1362}', '\u{1367}', '\u{1368}', '\u{166e}', '\u{1735}', '\u{1736}', '\u{17d4}', '\u{17d5}', '\u{17d6}',
    '\u{17d9}', '\u{17da}', '\u{1803}', '\u{1809}', '\u{1944}', '\u{1945}', '\u{1aa8}', '\u{1aa9}', '\u{1aaa}',
    '\u{1aab}', '\u{1b5a}', '\u{1b5b}', '\u{1b5e}', '\u{1b5f}', '\u{1b7d}', '\u{1b7e}', '\u{1c3b}', '\u{1c3c}',
    '\u{1c7e}', '\u{1c7f}', '\u{203c}', '\u{203d}', '\u{2047}', '\u{2048}', '\u{2049}', '\u{2e2e}', '\u{2e3c}',
    '\u{2e53}', '\u{2e54}', '\u{3002}', '\u{a4ff}', '\u{a60e}', '\u{a60f}', '\u{a6f3}', '\u{a6f7}', '\u{a876}',
    '\u{a877}', '\u{a8ce}', '\u{a8cf}', '\u{a92f}', '\u{a9c8}', '\u{a9c9}', '\u{aa5d}', '\u{aa5e}', '\u{aa5f}',
    '\u{aaf0}', '\u{aaf1}', '\u{abeb}', '\u{fe52}', '\u{fe56}', '\u{fe57}', '\u{ff01}', '\u{ff0e}', '\u{ff1f}',
    '\u{ff61}', '\u{10a56}', '\u{10a57}', '\u{10f55}', '\u{10f56}', '\u{10f57}', '\u{10f58}', '\u{10f59}',
    '\u{10f86}', '\u{10f87}', '\u{10f88}', '\u{10f89}', '\u{11047}', '\u{11048}', '\u{110be}', '\u{110bf}',
    '\u{110c0}', '\u{110c1}', '\u{11141}', '\u{11142}', '\u{11143}', '\u{111c5}', '\u{111c6}', '\u{111cd}',
    '\u{111de}', '\u{111df}', '\u{11238}', '\u{11239}', '\u{1123b}', '\u{1123c}', '\u{112a9}', '\u{1144b}',
    '\u{1144c}', '\u{115c2}', '\u{115c3}', '\u{115c9}', '\u{115ca}', '\u{115cb}', '\u{115cc}', '\u{115cd}',
    '\u{115ce}', '\u{115cf}', '\u{115d0}', '\u{115d1}', '\u{115d2}', '\u{115d3}', '\u{115d4}', '\u{115d5}',
    '\u{115d6}', '\u{115d7}', '\u{11641}', '\u{11642}', '\u{1173c}', '\u{1173d}', '\u{1173e}', '\u{11944}',
    '\u{11946}', '\u{11a42}', '\u{11a43}', '\u{11a9b}', '\u{11a9c}', '\u{11c41}', '\u{11c42}', '\u{11ef7}',
    '\u{11ef8}', '\u{11f43}', '\u{11f44}', '\u{16a6e}', '\u{16a6f}', '\u{16af5}', '\u{16b37}', '\u{16b38}',
    '\u{16b44}', '\u{16e98}', '\u{1bc9f}', '\u{1da88}',
];

/// True if `c` is in datatrove's `PUNCTUATION_SET` (`PUNCTUATION` ∪ `TERMINAL_PUNCTUATION`).
pub fn is_punctuation(c: char) -> bool {
    match ASCII_PUNCTUATION.get(c as usize) {
        Some(&ascii) => ascii,
        None => is_punctuation_char(c) || is_terminal_punctuation(c),
    }
}

/// `is_punctuation` of the ASCII characters, from the same sets at compile time: most
/// characters asked about are ASCII letters, which a search of the sets would scan for.
const ASCII_PUNCTUATION: [bool; 128] = {
    let mut table = [false; 128];
    let mut c = 0;
    while c < 128 {
        table[c] = c < 9 || (c >= 11 && c < 32) || c == 127;
        c += 1;
    }
    // In UTF-8 the bytes of a non-ASCII character are all >= 128: the ASCII bytes of the
    // literals are exactly their ASCII characters.
    let literals = PUNCTUATION_LITERALS.as_bytes();
    let mut i = 0;
    while i < literals.len() {
        if literals[i] < 128 {
            table[literals[i] as usize] = true;
        }
        i += 1;
    }
    let mut i = 0;
    while i < TERMINAL_PUNCTUATION.len() {
        if (TERMINAL_PUNCTUATION[i] as u32) < 128 {
            table[TERMINAL_PUNCTUATION[i] as usize] = true;
        }
        i += 1;
    }
    table
};

/// True if `c` is in datatrove's `PUNCTUATION` string (what `simplify_text` blanks out).
pub fn is_punctuation_char(c: char) -> bool {
    let n = c as u32;
    if n < 9 || (11..13).contains(&n) || (13..32).contains(&n) || (127..160).contains(&n) {
        return true;
    }
    PUNCTUATION_LITERALS.contains(c)
}

/// True if `c` is one of `TERMINAL_PUNCTUATION`.
pub fn is_terminal_punctuation(c: char) -> bool {
    TERMINAL_PUNCTUATION.binary_search(&c).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_table_agrees_with_the_sets() {
        for c in (0..128u8).map(char::from) {
            let from_sets = is_punctuation_char(c) || is_terminal_punctuation(c);
            assert_eq!(is_punctuation(c), from_sets, "{c:?}");
        }
        assert!(is_punctuation('!') && is_punctuation('\x7f') && is_punctuation('\x0b'));
        assert!(!is_punctuation('a') && !is_punctuation('\t') && !is_punctuation('\n') && !is_punctuation(' '));
        assert!(is_punctuation('…') && is_punctuation('\u{3002}') && !is_punctuation('é'));
    }
}
