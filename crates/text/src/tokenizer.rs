//! spaCy's rule-based tokenizer algorithm (`spacy/tokenizer.pyx`, spaCy 3.8), on the data of
//! [`crate::rules`].
//!
//! 1. The text is cut into alternating runs of whitespace and non-whitespace (Python
//!    `isspace`); one `' '` after a word is that word's trailing space, any other whitespace
//!    run is a token of its own (`_tokenize_affixes`).
//! 2. A run that is a special case becomes its tokens. Otherwise prefixes and suffixes are
//!    peeled off in turn until none is left or what is left is a special case
//!    (`_split_affixes`); the remainder is a special case, kept whole if `token_match` or
//!    `url_match` accepts it, or else split on infixes (`_attach_tokens`).
//! 3. Special cases that contain affix characters are then found again over the token
//!    stream and re-merged (`_apply_special_cases`, spaCy's `faster_heuristics` mode).
//!
//! spaCy caches each run's tokens; the cache is transparent and omitted here. Runs made of
//! letters only take a fast path (no affix can match them), checked against the full path
//! by a test.

use crate::pystr::{is_alpha, is_ascii_space, is_space};
use crate::rules::Rules;
use foldhash::HashMap;

/// A token: a byte range of the text, and whether it is a whitespace token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// A whitespace run other than a single separating space (spaCy's `is_space` tokens).
    pub is_space: bool,
}

/// Special cases re-found over the token stream: first token text → (token texts, special).
pub(crate) type SpecialPatterns = HashMap<Box<str>, Vec<(Vec<Box<str>>, Box<str>)>>;

pub(crate) struct Engine {
    pub rules: Rules,
    pub special_patterns: SpecialPatterns,
    pub max_pattern_len: usize,
    /// Bit `len * 256 + first byte` set for the first token of every special pattern (lengths
    /// up to 31), so that most tokens skip the pattern lookup.
    pattern_starts: Vec<u64>,
    /// The same bitmap for the special cases' keys: most runs are not special, and this
    /// spares them the hash lookup.
    special_starts: Vec<u64>,
}

/// Runs cached per thread and engine before the cache is cleared, as spaCy bounds its own.
const RUN_CACHE_MAX: usize = 1 << 16;

/// Runs longer than this are not cached (a run is a word with its punctuation; longer ones
/// are minified code or URLs, which rarely repeat).
const RUN_CACHE_RUN_BYTES: usize = 256;

/// spaCy's per-run cache (`Tokenizer._cache`) for one engine: run text → its tokens,
/// relative to the run's start, as a range of `tokens`.
struct RunCache {
    runs: tamis_memo::StrMemo<(u32, u32)>,
    tokens: Vec<(u32, u32)>,
}

impl RunCache {
    fn new() -> RunCache {
        RunCache {
            runs: tamis_memo::StrMemo::new(RUN_CACHE_MAX, RUN_CACHE_RUN_BYTES),
            tokens: Vec::new(),
        }
    }

    fn get(&self, run: &str) -> Option<&[(u32, u32)]> {
        let (from, to) = self.runs.get(run)?;
        Some(&self.tokens[from as usize..to as usize])
    }

    fn insert(&mut self, run: &str, tokens: impl Iterator<Item = (u32, u32)>) {
        if run.len() > RUN_CACHE_RUN_BYTES {
            return;
        }
        if self.runs.is_full() {
            self.runs.clear();
            self.tokens.clear();
        }
        let from = self.tokens.len() as u32;
        self.tokens.extend(tokens);
        self.runs.insert(run, (from, self.tokens.len() as u32));
    }
}

thread_local! {
    /// The run caches of this thread, by engine (its address).
    static RUN_CACHE: std::cell::RefCell<Vec<(usize, RunCache)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

fn start_bit(s: &str) -> Option<usize> {
    let first = *s.as_bytes().first()? as usize;
    (s.len() < 32).then_some(s.len() * 256 + first)
}

impl Engine {
    pub(crate) fn new(rules: Rules) -> Engine {
        let mut engine = Engine {
            rules,
            special_patterns: HashMap::default(),
            max_pattern_len: 0,
            pattern_starts: vec![0; 32 * 256 / 64],
            special_starts: vec![0; 32 * 256 / 64],
        };
        for key in engine.rules.specials.keys() {
            match start_bit(key) {
                Some(bit) => engine.special_starts[bit / 64] |= 1 << (bit % 64),
                None => engine.special_starts.iter_mut().for_each(|w| *w = u64::MAX),
            }
        }
        // `add_special_case`: with faster_heuristics, only specials that affixes or infixes would
        // break up (or that hold a space) are searched for again over the token stream, as the
        // token sequence the tokenizer gives them without special cases.
        let mut patterns: SpecialPatterns = HashMap::default();
        let mut max_len = 0;
        let keys: Vec<Box<str>> = engine.rules.specials.keys().cloned().collect();
        let mut infixes = Vec::new();
        for key in keys {
            let r = &engine.rules;
            r.infixes.find_infixes(&key, &mut infixes);
            let affected = !r.faster_heuristics
                || r.prefixes.find_prefix(&key) > 0
                || !infixes.is_empty()
                || r.suffixes.find_suffix(&key) > 0
                || key.contains(' ');
            if !affected {
                continue;
            }
            let mut toks = Vec::new();
            engine.tokenize_into(&key, false, &mut toks);
            let texts: Vec<Box<str>> = toks.iter().map(|t| Box::from(&key[t.start..t.end])).collect();
            if texts.is_empty() {
                continue;
            }
            max_len = max_len.max(texts.len());
            patterns.entry(texts[0].clone()).or_default().push((texts, key));
        }
        for first in patterns.keys() {
            match start_bit(first) {
                Some(bit) => engine.pattern_starts[bit / 64] |= 1 << (bit % 64),
                None => engine.pattern_starts.iter_mut().for_each(|w| *w = u64::MAX),
            }
        }
        engine.special_patterns = patterns;
        engine.max_pattern_len = max_len;
        engine
    }

    /// Tokenizes `text` into `out` (cleared first), as spaCy's `Tokenizer.__call__`.
    pub(crate) fn tokenize(&self, text: &str, out: &mut Vec<Token>) {
        out.clear();
        self.tokenize_into(text, true, out);
        if !self.special_patterns.is_empty() {
            self.apply_special_cases(text, out);
        }
    }

    fn tokenize_into(&self, text: &str, with_specials: bool, out: &mut Vec<Token>) {
        let Some(first) = text.chars().next() else { return };
        let bytes = text.as_bytes();
        let mut in_ws = is_space(first);
        let mut start = 0;
        let mut i = 0;
        // A byte at a time where the text is ASCII, a character at a time elsewhere.
        while let Some(&b) = bytes.get(i) {
            let (space, width) = if b.is_ascii() {
                (is_ascii_space(b), 1)
            } else {
                let c = text[i..].chars().next().expect("a character starts here");
                (is_space(c), c.len_utf8())
            };
            if space != in_ws {
                if start < i {
                    self.tokenize_run(text, start, i, in_ws, with_specials, out);
                }
                start = if b == b' ' { i + 1 } else { i };
                in_ws = !in_ws;
            }
            i += width;
        }
        if start < text.len() {
            self.tokenize_run(text, start, text.len(), in_ws, with_specials, out);
        }
    }

    fn tokenize_run(&self, text: &str, start: usize, end: usize, ws: bool, specials: bool, out: &mut Vec<Token>) {
        let run = &text[start..end];
        if ws {
            out.push(Token {
                start,
                end,
                is_space: true,
            });
            return;
        }
        if specials && self.push_special(run, start, out) {
            return;
        }
        let letters_only = if run.is_ascii() {
            run.bytes().all(|b| b.is_ascii_alphabetic())
        } else {
            run.chars().all(is_alpha)
        };
        if letters_only {
            out.push(Token {
                start,
                end,
                is_space: false,
            });
            return;
        }
        if !specials {
            self.tokenize_affixes(text, start, end, specials, out);
            return;
        }
        let engine_id = self as *const Engine as usize;
        let cached = RUN_CACHE.with(|cache| {
            let cache = cache.borrow();
            let (_, runs) = cache.iter().find(|(id, _)| *id == engine_id)?;
            let toks = runs.get(run)?;
            out.extend(toks.iter().map(|&(a, b)| Token {
                start: start + a as usize,
                end: start + b as usize,
                is_space: false,
            }));
            Some(())
        });
        if cached.is_some() {
            return;
        }
        let before = out.len();
        self.tokenize_affixes(text, start, end, specials, out);
        RUN_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            let idx = match cache.iter().position(|(id, _)| *id == engine_id) {
                Some(i) => i,
                None => {
                    cache.push((engine_id, RunCache::new()));
                    cache.len() - 1
                }
            };
            let toks = out[before..]
                .iter()
                .map(|t| ((t.start - start) as u32, (t.end - start) as u32));
            cache[idx].1.insert(run, toks);
        });
    }

    fn push_special(&self, s: &str, offset: usize, out: &mut Vec<Token>) -> bool {
        if let Some(bit) = start_bit(s) {
            if self.special_starts[bit / 64] & (1 << (bit % 64)) == 0 {
                return false;
            }
        }
        let Some(pieces) = self.rules.specials.get(s) else {
            return false;
        };
        let mut at = offset;
        for p in pieces.iter() {
            out.push(Token {
                start: at,
                end: at + p.len(),
                is_space: p.chars().all(is_space),
            });
            at += p.len();
        }
        true
    }

    fn is_special(&self, s: &str, specials: bool) -> bool {
        if !specials {
            return false;
        }
        if let Some(bit) = start_bit(s) {
            if self.special_starts[bit / 64] & (1 << (bit % 64)) == 0 {
                return false;
            }
        }
        self.rules.specials.contains_key(s)
    }

    fn token_match(&self, s: &str) -> bool {
        self.rules.token_match.as_ref().is_some_and(|r| r.is_match(s))
    }

    /// `_split_affixes` then `_attach_tokens`, on `text[start..end]`.
    fn tokenize_affixes(&self, text: &str, start: usize, end: usize, specials: bool, out: &mut Vec<Token>) {
        let r = &self.rules;
        let (mut lo, mut hi) = (start, end);
        let mut prefixes: Vec<(usize, usize)> = Vec::new();
        let mut suffixes: Vec<(usize, usize)> = Vec::new();
        let mut last_size = usize::MAX;
        while lo < hi && hi - lo != last_size {
            let s = &text[lo..hi];
            if self.token_match(s) || self.is_special(s, specials) {
                break;
            }
            last_size = hi - lo;
            let pre_len = r.prefixes.find_prefix(s);
            if pre_len != 0 {
                let minus_pre = &s[pre_len..];
                if !minus_pre.is_empty() && self.is_special(minus_pre, specials) {
                    prefixes.push((lo, lo + pre_len));
                    lo += pre_len;
                    break;
                }
            }
            let suf_len = r.suffixes.find_suffix(&s[pre_len..]);
            if suf_len != 0 {
                let minus_suf = &s[..s.len() - suf_len];
                if !minus_suf.is_empty() && self.is_special(minus_suf, specials) {
                    suffixes.push((hi - suf_len, hi));
                    hi -= suf_len;
                    break;
                }
            }
            if pre_len != 0 && suf_len != 0 && pre_len + suf_len <= s.len() {
                prefixes.push((lo, lo + pre_len));
                suffixes.push((hi - suf_len, hi));
                lo += pre_len;
                hi -= suf_len;
            } else if pre_len != 0 {
                prefixes.push((lo, lo + pre_len));
                lo += pre_len;
            } else if suf_len != 0 {
                suffixes.push((hi - suf_len, hi));
                hi -= suf_len;
            }
        }
        let tok = |start: usize, end: usize| Token {
            start,
            end,
            is_space: false,
        };
        out.extend(prefixes.iter().map(|&(a, b)| tok(a, b)));
        if lo < hi {
            let s = &text[lo..hi];
            if specials && self.push_special(s, lo, out) {
            } else if self.token_match(s) {
                out.push(tok(lo, hi));
            } else {
                let mut matches = Vec::new();
                if r.infixes.may_match(s) {
                    r.infixes.find_infixes(s, &mut matches);
                }
                if matches.is_empty() || r.url_match.is_match(s) {
                    out.push(tok(lo, hi));
                } else {
                    let mut at = 0;
                    for &(a, b) in &matches {
                        if a == 0 {
                            // `infix_start == start_before_infixes`: an infix at the very start is skipped.
                            continue;
                        }
                        if a != at {
                            out.push(tok(lo + at, lo + a));
                        }
                        if a != b {
                            out.push(tok(lo + a, lo + b));
                        }
                        at = b;
                    }
                    if at < s.len() {
                        out.push(tok(lo + at, hi));
                    }
                }
            }
        }
        out.extend(suffixes.iter().rev().map(|&(a, b)| tok(a, b)));
    }

    /// `_apply_special_cases`: merge token sequences that spell a special case.
    fn apply_special_cases(&self, text: &str, tokens: &mut Vec<Token>) {
        // All matches (start token, end token, special), as the PhraseMatcher finds them.
        let mut matches: Vec<(usize, usize, &str)> = Vec::new();
        for i in 0..tokens.len() {
            let first = &text[tokens[i].start..tokens[i].end];
            if let Some(bit) = start_bit(first) {
                if self.pattern_starts[bit / 64] & (1 << (bit % 64)) == 0 {
                    continue;
                }
            }
            let Some(candidates) = self.special_patterns.get(first) else {
                continue;
            };
            for (pattern, key) in candidates {
                if i + pattern.len() > tokens.len() {
                    continue;
                }
                let all = pattern
                    .iter()
                    .zip(&tokens[i..])
                    .all(|(p, t)| **p == text[t.start..t.end]);
                if all {
                    matches.push((i, i + pattern.len(), key));
                }
            }
        }
        if matches.is_empty() {
            return;
        }
        // `_filter_special_spans`: longest first, then leftmost; a span is kept if neither its
        // first nor its last token was claimed by a span looked at before.
        matches.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
        let mut seen = vec![false; tokens.len()];
        let mut kept: Vec<(usize, usize, &str)> = Vec::new();
        for &(s, e, key) in &matches {
            if !seen[s] && !seen[e - 1] {
                kept.push((s, e, key));
            }
            for flag in &mut seen[s..e] {
                *flag = true;
            }
        }
        kept.sort_by_key(|m| m.0);
        kept.dedup_by_key(|m| m.0);
        // `_retokenize_special_spans`: the span's text must itself be a special case (a match
        // across whitespace is not), then its tokens replace the span's.
        let mut result = Vec::with_capacity(tokens.len());
        let mut next = kept.iter().peekable();
        let mut i = 0;
        while i < tokens.len() {
            match next.peek() {
                Some(&&(s, e, _)) if s == i => {
                    next.next();
                    let span = &text[tokens[s].start..tokens[e - 1].end];
                    if !self.push_special(span, tokens[s].start, &mut result) {
                        result.extend_from_slice(&tokens[s..e]);
                    }
                    i = e;
                }
                _ => {
                    result.push(tokens[i]);
                    i += 1;
                }
            }
        }
        *tokens = result;
    }
}
