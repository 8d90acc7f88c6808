//! The characters one of which every match of a pattern contains: a cheap proof, before a
//! costly regex call, that the pattern cannot match.
//!
//! spaCy's `url_match` runs on `fancy-regex`'s backtracking engine (it has lookaheads), tens of
//! thousands of instructions a call, on every token with an infix (`well-known`); yet every
//! URL it accepts holds a `.`, which a scan finds at once.

use fancy_regex::Expr;

/// A pattern with the set of characters its matches must contain, when one is known.
pub(crate) struct Guarded {
    regex: fancy_regex::Regex,
    /// Every match contains one of these; `None` when the analysis finds no such set.
    required: Option<Vec<char>>,
}

impl Guarded {
    /// Compiles `pattern` (already in `fancy-regex` syntax) and finds its required characters.
    pub(crate) fn new(pattern: &str) -> Result<Guarded, fancy_regex::Error> {
        let regex = fancy_regex::Regex::new(pattern)?;
        let required = Expr::parse_tree(pattern).ok().and_then(|tree| required(&tree.expr));
        Ok(Guarded { regex, required })
    }

    /// `regex.is_match(s)`, an error counting as no match; skipped when `s` lacks every
    /// required character.
    pub(crate) fn is_match(&self, s: &str) -> bool {
        if let Some(set) = &self.required {
            if !s.contains(set.as_slice()) {
                return false;
            }
        }
        self.regex.is_match(s).unwrap_or(false)
    }

    /// The required characters found, for tests.
    #[cfg(test)]
    pub(crate) fn required_chars(&self) -> Option<&[char]> {
        self.required.as_deref()
    }

    /// Without the guard, for tests.
    #[cfg(test)]
    pub(crate) fn is_match_unguarded(&self, s: &str) -> bool {
        self.regex.is_match(s).unwrap_or(false)
    }
}

/// A set of characters one of which every match of `expr` contains, or `None`. Anything not
/// understood gives `None` (no claim), so the answer errs only towards calling the regex:
/// zero-width items and optional parts require nothing, a sequence requires what its most
/// selective item requires, an alternation the union of what its branches require.
fn required(expr: &Expr) -> Option<Vec<char>> {
    match expr {
        Expr::Literal { val, casei } => {
            let c = val.chars().next()?;
            match (*casei, c.is_ascii_alphabetic()) {
                (false, _) => Some(vec![c]),
                (true, true) => Some(vec![c.to_ascii_lowercase(), c.to_ascii_uppercase()]),
                // Unicode case folding maps some characters to several others: no claim.
                (true, false) => None,
            }
        }
        Expr::Concat(items) => items.iter().filter_map(required).min_by_key(Vec::len),
        Expr::Alt(branches) => {
            let mut union = Vec::new();
            for branch in branches {
                for c in required(branch)? {
                    if !union.contains(&c) {
                        union.push(c);
                    }
                }
            }
            (!union.is_empty()).then_some(union)
        }
        Expr::Group(inner) => required(inner),
        Expr::AtomicGroup(inner) => required(inner),
        Expr::Repeat { child, lo, .. } if *lo > 0 => required(child),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn required_of(pattern: &str) -> Option<Vec<char>> {
        required(&Expr::parse_tree(pattern).unwrap().expr)
    }

    #[test]
    fn finds_what_every_match_holds() {
        assert_eq!(required_of(r"^ab?c$"), Some(vec!['a']));
        assert_eq!(required_of(r"x*(?:\.y|:z)+"), Some(vec!['.', ':']));
        assert_eq!(required_of(r"(?i)k"), Some(vec!['k', 'K']));
        assert_eq!(required_of(r"(?=\.)[a-z]+"), None);
        assert_eq!(required_of(r"a|[bc]"), None);
        assert_eq!(required_of(r"(?:ab)?"), None);
    }

    #[test]
    fn the_guard_never_changes_an_answer() {
        let patterns = [
            r"^(?:\S+@)?(?:(?!10\.)\d+(?:\.\d+){3}|(?:[a-z]+\.)+[a-z]{2,})(?:/\S*)?$",
            r"(?i)^k[0-9]*$",
            r"x*(?:\.y|:z)+",
        ];
        let inputs = [
            "",
            "k",
            "K9",
            "x",
            "well-known",
            "a.b",
            "example.org",
            "user@example.org/x",
            "10.0.0.1",
            "11.2.3.4",
            "xx.y",
            ":z",
            "e.g.",
            "U.S.A",
            "foo@bar",
            "a/b.c",
            "é.fr",
        ];
        for p in patterns {
            let g = Guarded::new(p).unwrap();
            assert!(g.required.is_some(), "{p}");
            for s in inputs {
                assert_eq!(g.is_match(s), g.is_match_unguarded(s), "{p} {s:?}");
            }
        }
    }
}
