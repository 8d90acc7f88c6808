//! spaCy's tokenizer data for one language, compiled for matching.
//!
//! The data files under `data/` are generated from spaCy 3.8 by
//! `bench/quality/gen_spacy_rules.py` (MIT licence; notice in `data/NOTICE`). Each prefix,
//! suffix and infix entry is compiled on its own with its edge lookarounds split off
//! ([`crate::pyre::split_lookarounds`]), because the `regex` crate has no lookaround; a
//! `RegexSet` over the cores finds the candidate entries in one pass and the lookarounds
//! are then checked by hand, in the entries' order, which is Python's alternation order.

use crate::pyre::{split_lookarounds, translate};
use crate::required::Guarded;
use foldhash::HashMap;
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;

/// The JSON written by `gen_spacy_rules.py`.
#[derive(Deserialize)]
pub(crate) struct RuleData {
    pub prefixes: Vec<String>,
    pub suffixes: Vec<String>,
    pub infixes: Vec<String>,
    pub rules: std::collections::BTreeMap<String, Vec<String>>,
    pub token_match: Option<String>,
    pub url_match: String,
    pub faster_heuristics: bool,
}

const SIZE_LIMIT: usize = 1 << 28;

fn build(pattern: &str) -> Regex {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .unwrap_or_else(|e| panic!("bundled spaCy pattern does not compile: {e}\n{pattern}"))
}

/// One entry: `(?<=behind)core(?=ahead)`.
struct Affix {
    /// `^(?:core)`: length of the core at a position.
    core: Regex,
    /// `(?:behind)$` on the text before the position.
    behind: Option<Regex>,
    /// `^(?:ahead)` on the text after the core, and whether it must match.
    ahead: Option<(Regex, bool)>,
    /// `^(?:core)$`, for entries with a lookahead: when the preferred core match fails the
    /// lookahead, Python backtracks into the core (`-` then `--` for `(?:-|--)(?=[a-z])`).
    full: Option<Regex>,
}

impl Affix {
    /// End (relative to `rest`) of this entry's match at the start of `rest`, whose text
    /// before is `before`, as Python's backtracking finds it.
    fn match_at(&self, before: &str, rest: &str) -> Option<usize> {
        let m = self.core.find(rest)?;
        if self.lookarounds_hold(before, &rest[m.end()..]) {
            return Some(m.end());
        }
        let full = self.full.as_ref()?;
        let mut ends: Vec<usize> = rest.char_indices().map(|(i, _)| i).skip(1).collect();
        ends.push(rest.len());
        ends.into_iter()
            .filter(|&e| e != m.end())
            .find(|&e| full.is_match(&rest[..e]) && self.lookarounds_hold(before, &rest[e..]))
    }

    fn lookarounds_hold(&self, before: &str, after: &str) -> bool {
        if let Some(behind) = &self.behind {
            if !behind.is_match(before) {
                return false;
            }
        }
        if let Some((ahead, positive)) = &self.ahead {
            if ahead.is_match(after) != *positive {
                return false;
            }
        }
        true
    }
}

/// A compiled prefix, suffix or infix list.
pub(crate) struct AffixList {
    entries: Vec<Affix>,
    /// Entries whose core has look-around inside (Catalan's `(…)(?![A-Za-z])|(…)`): the whole
    /// entry runs on `fancy-regex` (prefix `^(?:e)`, suffix `(?:e)$`, infix `(?:e)`).
    fancy: Vec<Option<fancy_regex::Regex>>,
    /// `^(?:core_i)` (prefix, infix) or `^(?:core_i)$` (suffix), one pattern per entry
    /// (a never-matching class for fancy entries).
    set: RegexSet,
    /// Any core, unanchored (suffix: end-anchored): a cheap test that nothing can match;
    /// absent when some entry is fancy.
    any: Option<Regex>,
}

/// Matches nothing (an empty class), standing in for fancy entries in the `RegexSet`.
const NEVER: &str = r"[^\x00-\x{10FFFF}]";

fn try_build(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .ok()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Prefix,
    Suffix,
    Infix,
}

impl AffixList {
    fn new(patterns: &[String], kind: Kind) -> AffixList {
        let mut entries = Vec::with_capacity(patterns.len());
        let mut fancy = Vec::with_capacity(patterns.len());
        let mut set_patterns = Vec::with_capacity(patterns.len());
        let mut any = Vec::with_capacity(patterns.len());
        for p in patterns {
            let e = split_lookarounds(p);
            let core = translate(&e.core);
            let plain = (|| {
                Some(Affix {
                    full: match &e.ahead {
                        Some(_) => Some(try_build(&format!("^(?:{core})$"))?),
                        None => None,
                    },
                    core: try_build(&format!("^(?:{core})"))?,
                    behind: match &e.behind {
                        Some(b) => Some(try_build(&format!("(?:{})$", translate(b)))?),
                        None => None,
                    },
                    ahead: match &e.ahead {
                        Some((a, pos)) => Some((try_build(&format!("^(?:{})", translate(a)))?, *pos)),
                        None => None,
                    },
                })
            })();
            match plain {
                Some(affix) => {
                    entries.push(affix);
                    fancy.push(None);
                    set_patterns.push(match kind {
                        Kind::Suffix => format!("^(?:{core})$"),
                        _ => format!("^(?:{core})"),
                    });
                    any.push(format!("(?:{core})"));
                }
                None => {
                    let whole = translate(p);
                    let pattern = match kind {
                        Kind::Prefix => format!("^(?:{whole})"),
                        Kind::Suffix => format!("(?:{whole})$"),
                        Kind::Infix => format!("(?:{whole})"),
                    };
                    let Ok(re) = fancy_regex::Regex::new(&pattern) else {
                        // Neither engine takes it: the entry is left out (never seen in spaCy 3.8's data).
                        continue;
                    };
                    entries.push(Affix {
                        core: build(NEVER),
                        behind: None,
                        ahead: None,
                        full: None,
                    });
                    fancy.push(Some(re));
                    set_patterns.push(NEVER.to_string());
                }
            }
        }
        let all_plain = fancy.iter().all(Option::is_none);
        let any = match kind {
            Kind::Prefix => format!("^(?:{})", any.join("|")),
            Kind::Suffix => format!("(?:{})$", any.join("|")),
            Kind::Infix => any.join("|"),
        };
        let set = RegexSetBuilder::new(&set_patterns)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(SIZE_LIMIT)
            .build()
            .unwrap_or_else(|e| panic!("bundled spaCy affix list does not compile: {e}"));
        AffixList {
            entries,
            set,
            any: all_plain.then(|| build(&any)),
            fancy,
        }
    }

    /// End (relative to `s`) of the first entry, in order, matching at byte `start` of `s`.
    fn first_match_at(&self, s: &str, start: usize) -> Option<usize> {
        let rest = &s[start..];
        let matches = self.set.matches(rest);
        if self.any.is_some() {
            return matches
                .iter()
                .find_map(|i| self.entries[i].match_at(&s[..start], rest).map(|e| start + e));
        }
        (0..self.entries.len()).find_map(|i| match &self.fancy[i] {
            Some(re) => match re.find_from_pos(s, start) {
                Ok(Some(m)) if m.start() == start => Some(m.end()),
                _ => None,
            },
            None if matches.matched(i) => self.entries[i].match_at(&s[..start], rest).map(|e| start + e),
            None => None,
        })
    }

    /// `prefix_search(s)`: byte length of the prefix, 0 if none.
    pub(crate) fn find_prefix(&self, s: &str) -> usize {
        if s.is_empty() || self.any.as_ref().is_some_and(|a| !a.is_match(s)) {
            return 0;
        }
        self.first_match_at(s, 0).unwrap_or(0)
    }

    /// `suffix_search(s)`: byte length of the suffix, 0 if none. Python's `search` takes
    /// the leftmost start at which some entry matches through the end.
    pub(crate) fn find_suffix(&self, s: &str) -> usize {
        let mut start = match &self.any {
            Some(any) => match any.find(s) {
                Some(first) => first.start(),
                None => return 0,
            },
            None => 0,
        };
        while start < s.len() {
            let rest = &s[start..];
            let matches = self.set.matches(rest);
            let hit = if self.any.is_some() {
                matches
                    .iter()
                    .any(|i| self.entries[i].lookarounds_hold(&s[..start], ""))
            } else {
                (0..self.entries.len()).any(|i| match &self.fancy[i] {
                    Some(re) => matches!(re.find_from_pos(s, start), Ok(Some(m)) if m.start() == start),
                    None => matches.matched(i) && self.entries[i].lookarounds_hold(&s[..start], ""),
                })
            };
            if hit {
                return s.len() - start;
            }
            start += rest.chars().next().map_or(1, char::len_utf8);
        }
        0
    }

    /// `infix_finditer(s)`: the non-overlapping matches, leftmost first, as byte ranges.
    pub(crate) fn find_infixes(&self, s: &str, out: &mut Vec<(usize, usize)>) {
        out.clear();
        let mut pos = 0;
        while pos <= s.len() {
            let start = match &self.any {
                Some(any) => match any.find_at(s, pos) {
                    Some(candidate) => candidate.start(),
                    None => return,
                },
                None if pos < s.len() => pos,
                None => return,
            };
            let rest = &s[start..];
            let found = self.first_match_at(s, start);
            match found {
                Some(end) => {
                    out.push((start, end));
                    pos = if end > start {
                        end
                    } else {
                        end + rest.chars().next().map_or(1, char::len_utf8)
                    };
                }
                None => pos = start + rest.chars().next().map_or(1, char::len_utf8),
            }
        }
    }

    /// True if some entry could match inside `s` (lookarounds ignored).
    pub(crate) fn may_match(&self, s: &str) -> bool {
        self.any.as_ref().is_none_or(|a| a.is_match(s))
    }
}

/// Everything spaCy's `Tokenizer` holds for one language.
pub(crate) struct Rules {
    pub prefixes: AffixList,
    pub suffixes: AffixList,
    pub infixes: AffixList,
    /// Special cases: exact chunk → its tokens (which concatenate back to the chunk).
    pub specials: HashMap<Box<str>, Box<[Box<str>]>>,
    pub token_match: Option<Regex>,
    /// On `fancy-regex`, behind a test for the characters every URL holds.
    pub url_match: Guarded,
    pub faster_heuristics: bool,
}

impl Rules {
    pub(crate) fn from_json(json: &str) -> Rules {
        let data: RuleData = serde_json::from_str(json).expect("bundled spaCy rules are valid JSON");
        let specials = data
            .rules
            .into_iter()
            .map(|(k, v)| (k.into_boxed_str(), v.into_iter().map(String::into_boxed_str).collect()))
            .collect();
        let token_match = data.token_match.map(|p| build(&format!("^(?:{})", translate(&p))));
        let url_match = Guarded::new(&translate(&data.url_match))
            .unwrap_or_else(|e| panic!("bundled spaCy url_match does not compile: {e}"));
        Rules {
            prefixes: AffixList::new(&data.prefixes, Kind::Prefix),
            suffixes: AffixList::new(&data.suffixes, Kind::Suffix),
            infixes: AffixList::new(&data.infixes, Kind::Infix),
            specials,
            token_match,
            url_match,
            faster_heuristics: data.faster_heuristics,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::BUNDLED;

    fn rules(code: &str) -> Rules {
        Rules::from_json(BUNDLED.iter().find(|(c, _)| *c == code).unwrap().1)
    }

    #[test]
    fn url_match_is_guarded_without_changing_it() {
        let tokens = [
            "well-known",
            "a-b-c",
            "3.5km",
            "example.org",
            "www.example.co.uk/path?q=1",
            "http://x.y",
            "https://例え.jp/パス",
            "user@mail.com",
            "10.0.0.1",
            "8.8.8.8:53",
            "U.S.A.",
            "e.g.",
            "...",
            "foo..bar",
            "a.B",
            "x.y",
            "1.2",
            "word",
            "",
            "café.fr",
            "-.-",
            "mailto:a@b",
        ];
        for code in ["en", "xx"] {
            let url = &rules(code).url_match;
            assert!(url.required_chars().is_some_and(|set| set.contains(&'.')), "{code}");
            for t in tokens {
                assert_eq!(url.is_match(t), url.is_match_unguarded(t), "{code} {t:?}");
            }
        }
    }
}
