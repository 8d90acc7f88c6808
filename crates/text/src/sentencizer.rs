//! spaCy's rule-based `sentencizer` pipe (`spacy/pipeline/sentencizer.pyx`, spaCy 3.8), as
//! datatrove's `SpaCyTokenizer` adds it after the tokenizer.
//!
//! A sentence starts at the first token that is neither punctuation (`is_punct`) nor one of
//! the sentence-final characters after a token that *is* one of them. Whitespace tokens are
//! not punctuation, so they can start a sentence.

use crate::pystr::is_punct;
use crate::tokenizer::Token;

/// `Sentencizer.default_punct_chars`.
const PUNCT_CHARS: &[&str] = &[
    "!", ".", "?", "։", "؟", "۔", "܀", "܁", "܂", "߹", "।", "॥", "၊", "။", "።", "፧", "፨", "᙮", "᜵", "᜶", "᠃", "᠉", "᥄",
    "᥅", "᪨", "᪩", "᪪", "᪫", "᭚", "᭛", "᭞", "᭟", "᰻", "᰼", "᱾", "᱿", "‼", "‽", "⁇", "⁈", "⁉", "⸮", "⸼", "꓿", "꘎", "꘏",
    "꛳", "꛷", "꡶", "꡷", "꣎", "꣏", "꤯", "꧈", "꧉", "꩝", "꩞", "꩟", "꫰", "꫱", "꯫", "﹒", "﹖", "﹗", "！", "．", "？", "𐩖",
    "𐩗", "𑁇", "𑁈", "𑂾", "𑂿", "𑃀", "𑃁", "𑅁", "𑅂", "𑅃", "𑇅", "𑇆", "𑇍", "𑇞", "𑇟", "𑈸", "𑈹", "𑈻", "𑈼", "𑊩", "𑑋", "𑑌", "𑗂",
    "𑗃", "𑗉", "𑗊", "𑗋", "𑗌", "𑗍", "𑗎", "𑗏", "𑗐", "𑗑", "𑗒", "𑗓", "𑗔", "𑗕", "𑗖", "𑗗", "𑙁", "𑙂", "𑜼", "𑜽", "𑜾", "𑩂", "𑩃",
    "𑪛", "𑪜", "𑱁", "𑱂", "𖩮", "𖩯", "𖫵", "𖬷", "𖬸", "𖭄", "𛲟", "𝪈", "｡", "。",
];

fn is_sentence_final(token: &str) -> bool {
    // Every entry is one character; test that first.
    let mut chars = token.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii() => matches!(c, '!' | '.' | '?'),
        (Some(c), None) => {
            let mut buf = [0u8; 4];
            PUNCT_CHARS.contains(&&*c.encode_utf8(&mut buf))
        }
        _ => false,
    }
}

/// Whether `text` holds any of [`PUNCT_CHARS`]: if not, it is one sentence.
pub fn has_sentence_final_char(text: &str) -> bool {
    if memchr::memchr3(b'!', b'.', b'?', text.as_bytes()).is_some() {
        return true;
    }
    !text.is_ascii()
        && text.chars().any(|c| {
            let mut buf = [0u8; 4];
            !c.is_ascii() && PUNCT_CHARS.contains(&&*c.encode_utf8(&mut buf))
        })
}

/// Indices of the tokens that start a sentence (the first token always does).
pub fn sentence_starts(text: &str, tokens: &[Token]) -> Vec<usize> {
    let mut starts = Vec::new();
    if !tokens.is_empty() {
        starts.push(0);
        for_each_later_start(text, tokens.iter().copied(), |i| starts.push(i));
    }
    starts
}

/// The number of sentences: `sentence_starts(text, tokens).len()`, without the list.
pub fn sentence_count(text: &str, tokens: impl IntoIterator<Item = Token>) -> usize {
    let mut tokens = tokens.into_iter().peekable();
    let mut count = usize::from(tokens.peek().is_some());
    for_each_later_start(text, tokens, |_| count += 1);
    count
}

/// Calls `start` with the index of each token after the first that starts a sentence.
fn for_each_later_start(text: &str, tokens: impl IntoIterator<Item = Token>, mut start: impl FnMut(usize)) {
    let mut seen_period = false;
    for (i, t) in tokens.into_iter().enumerate() {
        let s = &text[t.start..t.end];
        let final_char = is_sentence_final(s);
        if seen_period && !final_char && !is_punct(s) {
            if i != 0 {
                start(i);
            }
            seen_period = false;
        } else if final_char {
            seen_period = true;
        }
    }
}

/// Sentence byte spans `(start_char, end_char)` of `Doc.sents`: from a sentence's first
/// token's start to its last token's end.
pub fn sentence_spans(text: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
    let starts = sentence_starts(text, tokens);
    let mut spans = Vec::with_capacity(starts.len());
    for (k, &s) in starts.iter().enumerate() {
        let last = starts.get(k + 1).map_or(tokens.len(), |&n| n) - 1;
        spans.push((tokens[s].start, tokens[last].end));
    }
    spans
}
