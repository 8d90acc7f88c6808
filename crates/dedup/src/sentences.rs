//! The text side of `sentence_dedup`: how a document is cut into sentences,
//! which spans of `n` sentences are hashed, and how the duplicate spans are cut
//! out again — the decisions of datatrove 0.10.1's
//! `pipeline/dedup/sentence_dedup.py` (`SentenceDedupSignature.get_hashes`,
//! `SentenceDedupFilter.remove_dup_sentences` and its keep condition).
//!
//! - Sentences come from the language's word tokenizer (spaCy's `sentencizer`,
//!   re-implemented by `tamis-text`), or are the text's lines when
//!   `split_sentences` is off (Python's `splitlines`).
//! - *Hashed* sentences are datatrove's `sent_tokenize`: each sentence's text
//!   stripped, blank ones left out. Each is normalised (`simplify_text`), every
//!   window of `n` of them is joined with single spaces and hashed, unless the
//!   joined text is blank. A window is known by the index of its first sentence.
//! - *Cut* sentences are datatrove's `span_tokenize`: every sentence span,
//!   blank ones included (only a trailing whitespace token can make one, so the
//!   indices of both lists agree up to it). Each kept sentence keeps the
//!   whitespace before it; the kept pieces are concatenated and the result is
//!   left-stripped. With lines, kept lines are joined with `\n`.

use crate::signature::{hash_bytes, HashFunction};
use std::cell::RefCell;
use tamis_text::normalize::Normalizer;
use tamis_text::pystr;
use tamis_text::sentencizer;
use tamis_text::WordTokenizer;

/// What a document looks like once its duplicate spans are cut out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The remaining text.
    pub text: String,
    /// Sentences (or lines) before the cut.
    pub sentences: usize,
    /// Sentences (or lines) removed.
    pub removed: usize,
}

/// Splits, hashes and cuts sentences as datatrove's `SentenceDedup` does.
#[derive(Debug, Clone)]
pub struct Sentences {
    tokenizer: WordTokenizer,
    n_sentences: usize,
    split_sentences: bool,
    min_words_to_remove_span: usize,
    hash: HashFunction,
    precision: u32,
}

thread_local! {
    static NORMALIZER: RefCell<(Normalizer, String)> = RefCell::new((Normalizer::default(), String::new()));
}

impl Sentences {
    /// Windows of `n_sentences`; `split_sentences` off cuts lines instead;
    /// removed runs of fewer than `min_words_to_remove_span` words stay.
    pub fn new(
        tokenizer: WordTokenizer,
        n_sentences: usize,
        split_sentences: bool,
        min_words_to_remove_span: usize,
        hash: HashFunction,
        precision: u32,
    ) -> Self {
        Sentences {
            tokenizer,
            n_sentences: n_sentences.max(1),
            split_sentences,
            min_words_to_remove_span,
            hash,
            precision,
        }
    }

    /// The word tokenizer (for the words and sentences left after a cut).
    pub fn tokenizer(&self) -> &WordTokenizer {
        &self.tokenizer
    }

    /// datatrove's `sent_tokenize` (stripped, non-blank) or `splitlines` (as is).
    fn hashed<'t>(&self, text: &'t str) -> Vec<&'t str> {
        if !self.split_sentences {
            return pystr::splitlines(text);
        }
        self.tokenizer
            .sentence_spans(text)
            .into_iter()
            .map(|(start, end)| pystr::strip(&text[start..end]))
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Appends `[hash, index]` for every window of `n` sentences of `text`
    /// whose normalised text is not blank; nothing for fewer than `n` sentences.
    pub fn span_hashes(&self, text: &str, out: &mut Vec<u64>) {
        let sentences = self.hashed(text);
        let n = self.n_sentences;
        if sentences.len() < n {
            return;
        }
        NORMALIZER.with(|cell| {
            let (normalizer, joined) = &mut *cell.borrow_mut();
            let simplified: Vec<String> = sentences.iter().map(|s| normalizer.normalize(s).to_string()).collect();
            for (index, window) in simplified.windows(n).enumerate() {
                joined.clear();
                for (k, sentence) in window.iter().enumerate() {
                    if k > 0 {
                        joined.push(' ');
                    }
                    joined.push_str(sentence);
                }
                if pystr::strip(joined).is_empty() {
                    continue;
                }
                out.push(hash_bytes(self.hash, self.precision, joined.as_bytes()));
                out.push(index as u64);
            }
        });
    }

    /// Cuts the windows starting at the sentence indices `duplicates` (sorted)
    /// out of `text`. Indices past the text's sentences are ignored.
    pub fn cut(&self, text: &str, duplicates: &[u64]) -> Cut {
        // The pieces a kept sentence contributes, and the separator between them.
        let (pieces, separator): (Vec<&str>, &str) = if self.split_sentences {
            let mut last = 0;
            let pieces = self
                .tokenizer
                .sentence_spans(text)
                .into_iter()
                .map(|(_, end)| {
                    let piece = &text[last..end];
                    last = end;
                    piece
                })
                .collect();
            (pieces, "")
        } else {
            (pystr::splitlines(text), "\n")
        };
        let mut dropped = vec![false; pieces.len()];
        for &start in duplicates {
            let start = start.min(pieces.len() as u64) as usize;
            let end = start.saturating_add(self.n_sentences).min(pieces.len());
            dropped[start..end].iter_mut().for_each(|d| *d = true);
        }
        let mut kept: Vec<&str> = Vec::with_capacity(pieces.len());
        let mut run: Vec<&str> = Vec::new();
        let mut removed = 0;
        for (piece, &drop) in pieces.iter().zip(&dropped) {
            if drop {
                run.push(piece);
                continue;
            }
            removed += self.end_run(&mut run, &mut kept);
            kept.push(piece);
        }
        removed += self.end_run(&mut run, &mut kept);
        let text = pystr::lstrip(&kept.join(separator)).to_string();
        Cut {
            text,
            sentences: pieces.len(),
            removed,
        }
    }

    /// Ends a run of removed pieces: restores it when it has fewer than
    /// `min_words_to_remove_span` words; returns how many pieces it removed.
    ///
    /// datatrove keeps only the run's *first* piece for this test and restores
    /// only that one (its `removed_span` list is appended to once per run); the
    /// whole run is tested and restored here. Both agree at the default, 0.
    fn end_run<'t>(&self, run: &mut Vec<&'t str>, kept: &mut Vec<&'t str>) -> usize {
        if run.is_empty() {
            return 0;
        }
        let removed = if self.min_words_to_remove_span > 0
            && self.tokenizer.word_spans(&run.join("\n")).count() < self.min_words_to_remove_span
        {
            kept.extend(run.iter());
            0
        } else {
            run.len()
        };
        run.clear();
        removed
    }

    /// datatrove's `len(word_tokenize(text))` and
    /// `len(split_into_sentences(text))`, from one tokenization.
    pub fn words_and_sentences(&self, text: &str) -> (usize, usize) {
        let tokens = self.tokenizer.tokens(text);
        let words = tokens.iter().filter(|t| !t.is_space).count();
        let sentences = sentencizer::sentence_starts(text, &tokens).len().max(1);
        (words, sentences)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english(n: usize) -> Sentences {
        Sentences::new(WordTokenizer::for_language("en"), n, true, 0, HashFunction::Xxhash, 64)
    }

    fn hashes(s: &Sentences, text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        s.span_hashes(text, &mut out);
        out
    }

    #[test]
    fn windows_of_normalised_sentences_are_hashed_joined_by_spaces() {
        let s = english(3);
        let got = hashes(&s, "One cat. Two DOGS! Three birds? Four.");
        let h = |t: &str| xxhash_rust::xxh64::xxh64(t.as_bytes(), 0);
        assert_eq!(
            got,
            vec![h("one cat two dogs three birds"), 0, h("two dogs three birds four"), 1]
        );
        assert!(hashes(&s, "Only one. And two.").is_empty());
    }

    #[test]
    fn blank_windows_are_skipped_but_keep_their_index() {
        let s = english(1);
        // "..." alone normalises to nothing.
        let got = hashes(&s, "... Hello there.");
        assert_eq!(got.len(), 2, "{got:?}");
        let lines = Sentences::new(WordTokenizer::for_language("en"), 1, false, 0, HashFunction::Xxhash, 64);
        let got = hashes(&lines, "a\n\n!!\nb");
        let indices: Vec<u64> = got.iter().skip(1).step_by(2).copied().collect();
        assert_eq!(indices, [0, 3]);
    }

    #[test]
    fn a_cut_keeps_the_whitespace_before_each_kept_sentence() {
        let s = english(2);
        let text = "One cat. Two dogs.  Three birds. Four fish. Five.";
        let cut = s.cut(text, &[1]);
        assert_eq!(cut.text, "One cat. Four fish. Five.");
        assert_eq!((cut.sentences, cut.removed), (5, 2));
        // Overlapping windows merge; the text is left-stripped.
        let cut = s.cut(text, &[0, 1]);
        assert_eq!(cut.text, "Four fish. Five.");
        assert_eq!(s.cut(text, &[9]).text, text);
    }

    #[test]
    fn lines_are_cut_and_joined_with_newlines() {
        let lines = Sentences::new(WordTokenizer::for_language("en"), 2, false, 0, HashFunction::Xxhash, 64);
        let cut = lines.cut("  a\nb\nc\nd\r\ne", &[1]);
        assert_eq!(cut.text, "a\nd\ne");
        assert_eq!(cut.removed, 2);
    }

    #[test]
    fn short_removed_runs_are_restored() {
        let s = Sentences::new(WordTokenizer::for_language("en"), 1, true, 3, HashFunction::Xxhash, 64);
        let text = "Keep this one. Hi. Drop these four words.";
        assert_eq!(s.cut(text, &[1]).text, text);
        assert_eq!(s.cut(text, &[2]).text, "Keep this one. Hi.");
    }

    #[test]
    fn words_and_sentences_count_as_datatrove() {
        let s = english(3);
        assert_eq!(s.words_and_sentences("Hello there. How are you?"), (7, 2));
        assert_eq!(s.words_and_sentences(""), (0, 1));
    }
}
