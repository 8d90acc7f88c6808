//! Cutting out, before parsing, what extraction never reads: the contents of
//! `<script>` and `<style>` elements and HTML comments.
//!
//! On today's pages they are about a third of the bytes (inline bundles, JSON
//! state, CSS), and html5ever pays for every one of them: its tokenizer walks
//! raw text character by character and copies it into a text node that
//! extraction then skips. One pass with `memchr` finds them instead. The pass
//! follows the tokenizer's rules where they matter (WHATWG HTML §13.2.5): a tag
//! ends at the first `>` outside a quoted attribute value, so `<script>` inside
//! an attribute is not a tag; raw text ends at the first `</name` followed by
//! whitespace, `/` or `>`, whatever its case; a comment ends at the first `-->`
//! (`<!-->` and `<!--->` are empty comments) or `--!>`; the contents of the
//! other raw-text and RCDATA elements (`textarea`, `title`, `noscript`…) are
//! stepped over unchanged, so markup-like text inside them is left alone. JSON-LD
//! scripts are kept: the metadata reads them. Anything unterminated is left as
//! it is for the parser.

use memchr::{memchr, memchr3, memmem};
use std::borrow::Cow;

/// What to do with an element whose contents are not markup.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RawText {
    /// Cut the contents (`script`, `style`).
    Cut,
    /// Keep the contents unchanged, but do not look for tags inside.
    Keep,
}

fn raw_text(name: &[u8]) -> Option<RawText> {
    const CUT: [&[u8]; 2] = [b"script", b"style"];
    const KEEP: [&[u8]; 7] = [
        b"textarea",
        b"title",
        b"xmp",
        b"iframe",
        b"noembed",
        b"noframes",
        b"noscript",
    ];
    if CUT.iter().any(|n| n.eq_ignore_ascii_case(name)) {
        Some(RawText::Cut)
    } else if KEEP.iter().any(|n| n.eq_ignore_ascii_case(name)) {
        Some(RawText::Keep)
    } else {
        None
    }
}

/// The page without script and style contents and comments (borrowed when
/// there is nothing to cut).
pub(crate) fn strip(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let n = bytes.len();
    let mut out = String::new();
    // `html[..copied]` has been dealt with (copied to `out` or cut).
    let mut copied = 0;
    let cut = |out: &mut String, from: usize, to: usize, copied: &mut usize| {
        if out.is_empty() {
            out.reserve(n);
        }
        out.push_str(&html[*copied..from]);
        *copied = to;
    };
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let lt = i + offset;
        i = lt + 1;
        if bytes[i..].starts_with(b"!--") {
            match comment_end(bytes, lt + 2) {
                Some(end) => {
                    cut(&mut out, lt, end, &mut copied);
                    i = end;
                    continue;
                }
                None => break,
            }
        }
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let mut name_end = i;
        while name_end < n && bytes[name_end].is_ascii_alphanumeric() {
            name_end += 1;
        }
        let name = &bytes[i..name_end];
        let Some(tag_end) = tag_end(bytes, name_end) else { break };
        i = tag_end;
        if name.eq_ignore_ascii_case(b"plaintext") {
            break;
        }
        let Some(kind) = raw_text(name) else { continue };
        let Some(close) = closing_tag(bytes, tag_end, name) else {
            break;
        };
        if kind == RawText::Cut && !is_json_ld(&bytes[lt..tag_end]) {
            cut(&mut out, tag_end, close, &mut copied);
        }
        i = close + 2 + name.len();
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// The end (after `>`) of the comment whose `<!` is at `from - 2`.
fn comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    // Look for the rare `--!>` only before the first `-->`, not to the page's end.
    let plain = memmem::find(rest, b"-->");
    let scope = &rest[..plain.map_or(rest.len(), |p| p + 3)];
    let end = match memmem::find(scope, b"--!>") {
        Some(p) => p + 4,
        None => plain? + 3,
    };
    Some(from + end)
}

/// The end (after `>`) of a start tag whose name ends at `from`, skipping
/// quoted attribute values.
fn tag_end(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let at = from + memchr3(b'>', b'"', b'\'', bytes.get(from..)?)?;
        let c = bytes[at];
        if c == b'>' {
            return Some(at + 1);
        }
        let before = bytes[..at].iter().rev().find(|b| !b.is_ascii_whitespace());
        if before == Some(&b'=') {
            from = at + 1 + memchr(c, &bytes[at + 1..])? + 1;
        } else {
            from = at + 1;
        }
    }
}

/// Where the end tag of a raw-text element `name` starts (at its `<`).
fn closing_tag(bytes: &[u8], mut from: usize, name: &[u8]) -> Option<usize> {
    let finder = memmem::Finder::new(b"</");
    loop {
        let at = from + finder.find(bytes.get(from..)?)?;
        let name_end = at + 2 + name.len();
        let matches = bytes
            .get(at + 2..name_end)
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name))
            && bytes
                .get(name_end)
                .is_none_or(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>');
        if matches {
            return Some(at);
        }
        from = at + 2;
    }
}

fn is_json_ld(tag: &[u8]) -> bool {
    tag.windows(7).any(|w| w.eq_ignore_ascii_case(b"ld+json"))
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn cuts_scripts_styles_and_comments() {
        assert_eq!(
            strip("<p>a</p><script src=x.js>var s = '<p>no</p>';</script><style>p{}</style><!-- c --><p>b</p>"),
            "<p>a</p><script src=x.js></script><style></style><p>b</p>"
        );
        assert_eq!(strip("<SCRIPT>x</scripts></Script >y"), "<SCRIPT></Script >y");
        assert_eq!(strip("a<!-->b<!--->c<!-- x --!>d"), "abcd");
    }

    #[test]
    fn leaves_the_rest_alone() {
        let kept = [
            "<p>plain</p>",
            r#"<script type="application/ld+json">{"a":1}</script>"#,
            r#"<div title="<script>">text</div><p>more</p>"#,
            "<textarea><script>x</script></textarea>",
            "<title><!-- not a comment --></title>",
            "<script>unterminated",
            "<!-- unterminated",
            "a < b <3 </>",
        ];
        for html in kept {
            assert_eq!(strip(html), html);
        }
        assert!(matches!(strip("<p>x</p>"), std::borrow::Cow::Borrowed(_)));
    }
}
