//! Translation of the Python `re` patterns spaCy ships into the `regex` crate's syntax.
//!
//! spaCy's tokenizer data (`spacy/lang/punctuation.py`, `char_classes.py`) is written for
//! Python's `re`. The two dialects agree on everything those patterns use except spelling:
//! Python writes code points as `\uXXXX`/`\UXXXXXXXX`, takes `[`, `&`, `~` literally inside
//! a class, treats a `{` that does not start a `{m,n}` quantifier as a literal, allows
//! escaping any punctuation, and its `\s` is `str.isspace()`. Lookarounds are not translated
//! here: [`split_lookarounds`] peels them off an entry so that they can be checked apart.

/// Python's `str.isspace()` set as a class body (`\s` in a `str` pattern).
pub const PY_SPACE_CLASS: &str =
    r"\t\n\x0B\x0C\r\x1C-\x1F \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";

/// Rewrites a Python `re` pattern as an equivalent `regex`-crate pattern.
pub fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            match n {
                'u' | 'U' => {
                    let width = if n == 'u' { 4 } else { 8 };
                    let hex: String = chars[i + 2..(i + 2 + width).min(chars.len())].iter().collect();
                    out.push_str(&format!("\\x{{{hex}}}"));
                    i += 2 + width;
                }
                's' if in_class => {
                    out.push_str(PY_SPACE_CLASS);
                    i += 2;
                }
                's' => {
                    out.push('[');
                    out.push_str(PY_SPACE_CLASS);
                    out.push(']');
                    i += 2;
                }
                'S' if !in_class => {
                    out.push_str("[^");
                    out.push_str(PY_SPACE_CLASS);
                    out.push(']');
                    i += 2;
                }
                _ if n.is_ascii_alphanumeric() => {
                    out.push('\\');
                    out.push(n);
                    i += 2;
                }
                _ => {
                    push_literal(&mut out, n);
                    i += 2;
                }
            }
            class_start = false;
            continue;
        }
        if in_class {
            match c {
                ']' if !class_start => {
                    in_class = false;
                    out.push(']');
                }
                '^' if class_start => out.push('^'),
                '[' | '&' | '~' => push_literal(&mut out, c),
                '-' => {
                    // A range dash between two members stays; a dash at either end is literal.
                    let at_edge = class_start || chars.get(i + 1) == Some(&']');
                    if at_edge {
                        push_literal(&mut out, c)
                    } else {
                        out.push('-')
                    }
                }
                _ => out.push(c),
            }
            class_start = c == '^' && class_start;
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                class_start = true;
                out.push('[');
            }
            '{' => {
                let rest: String = chars[i..].iter().take(24).collect();
                if is_quantifier(&rest) {
                    let len = rest.find('}').unwrap_or(0) + 1;
                    out.push_str(&rest[..len]);
                    i += rest[..len].chars().count();
                    continue;
                }
                out.push_str("\\{");
            }
            '}' => out.push_str("\\}"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn push_literal(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || !c.is_ascii() {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

fn is_quantifier(s: &str) -> bool {
    let Some(end) = s.find('}') else { return false };
    let body = &s[1..end];
    let mut parts = body.splitn(2, ',');
    let first = parts.next().unwrap_or("");
    let second = parts.next();
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    !first.is_empty() && digits(first) && second.is_none_or(digits)
}

/// One entry of a spaCy prefix/suffix/infix list with its edge lookarounds peeled off:
/// `(?<=behind)core(?=ahead)` or `…(?!ahead)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The lookbehind's body, if the entry starts with one.
    pub behind: Option<String>,
    /// The part that is consumed.
    pub core: String,
    /// The lookahead's body and whether it is positive.
    pub ahead: Option<(String, bool)>,
}

/// Splits a Python pattern into leading lookbehind, core and trailing lookahead.
pub fn split_lookarounds(pattern: &str) -> Entry {
    let mut core = pattern;
    let mut behind = None;
    if core.starts_with("(?<=") {
        if let Some(end) = group_end(core, 0) {
            behind = Some(core[4..end].to_string());
            core = &core[end + 1..];
        }
    }
    let mut ahead = None;
    // Find a top-level `(?=` / `(?!` group that closes at the very end.
    let bytes = core.as_bytes();
    let mut idx = 0;
    let mut depth = 0usize;
    let mut in_class = false;
    while idx < bytes.len() {
        match bytes[idx] {
            b'\\' => {
                idx += 2;
                continue;
            }
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                if depth == 0 && (core[idx..].starts_with("(?=") || core[idx..].starts_with("(?!")) {
                    if let Some(end) = group_end(core, idx) {
                        if end == core.len() - 1 {
                            let positive = core[idx..].starts_with("(?=");
                            ahead = Some((core[idx + 3..end].to_string(), positive));
                            core = &core[..idx];
                            break;
                        }
                    }
                }
                depth += 1;
            }
            b')' if !in_class => depth = depth.saturating_sub(1),
            _ => {}
        }
        idx += 1;
    }
    Entry {
        behind,
        core: core.to_string(),
        ahead,
    }
}

/// Byte index of the `)` closing the group opened at `open`.
fn group_end(s: &str, open: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut in_class = false;
    let mut i = open;
    let mut class_first = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' {
            i += 2;
            class_first = false;
            continue;
        }
        if in_class {
            if b == b']' && !class_first {
                in_class = false;
            }
            class_first = false;
        } else {
            match b {
                b'[' => {
                    in_class = true;
                    class_first = true;
                    if bytes.get(i + 1) == Some(&b'^') {
                        i += 1;
                    }
                }
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translates_escapes_and_class_literals() {
        assert_eq!(translate(r"\u00A6"), r"\x{00A6}");
        assert_eq!(translate(r"[a-z\[&]"), r"[a-z\x{5B}\x{26}]");
        assert_eq!(translate(r"\'"), r"\x{27}");
        assert_eq!(translate(r"a{2,}"), r"a{2,}");
        assert_eq!(translate(r"\{"), r"\x{7B}");
        assert_eq!(translate(r"x{y"), r"x\{y");
    }

    #[test]
    fn splits_lookarounds() {
        let e = split_lookarounds(r"(?<=[0-9])[+\-\*^](?=[0-9-])");
        assert_eq!(e.behind.as_deref(), Some("[0-9]"));
        assert_eq!(e.core, r"[+\-\*^]");
        assert_eq!(e.ahead, Some(("[0-9-]".to_string(), true)));
        let e = split_lookarounds(r"\+(?![0-9])");
        assert_eq!(e.behind, None);
        assert_eq!(e.core, r"\+");
        assert_eq!(e.ahead, Some(("[0-9]".to_string(), false)));
        let e = split_lookarounds(r"(?<=[a(?:b)])\.");
        assert_eq!(e.behind.as_deref(), Some("[a(?:b)]"));
        assert_eq!(e.core, r"\.");
    }
}
