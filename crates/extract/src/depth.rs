//! A cheap estimate of a page's nesting depth, taken before parsing.
//!
//! html5ever's tree builder checks "has an element in scope" by walking the
//! stack of open elements on many start tags, so a page of 100,000 nested
//! `<div>`s costs quadratic time inside the parser, where no time budget can
//! interrupt it. This scan counts start and end tags of elements whose end tag
//! is required (`div`, `span`, `section`, `a`…), skipping void elements and
//! those whose end tag may be omitted (`p`, `li`, `td`…), comments, scripts and
//! styles, and reports the deepest nesting seen. It over-estimates only on pages
//! that leave required end tags out, and never looks at a byte twice.

/// Elements whose end tag may be omitted, or that have none (lowercase).
fn not_counted(name: &[u8]) -> bool {
    matches!(
        name,
        b"p" | b"li"
            | b"dt"
            | b"dd"
            | b"tr"
            | b"td"
            | b"th"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"option"
            | b"optgroup"
            | b"colgroup"
            | b"caption"
            | b"rb"
            | b"rt"
            | b"rtc"
            | b"rp"
            | b"html"
            | b"head"
            | b"body"
            | b"br"
            | b"img"
            | b"hr"
            | b"meta"
            | b"link"
            | b"input"
            | b"area"
            | b"base"
            | b"col"
            | b"embed"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
            | b"keygen"
            | b"frame"
            | b"image"
    )
}

/// The deepest nesting of elements with required end tags, stopping early once
/// `limit` is passed.
pub(crate) fn estimate(html: &[u8], limit: usize) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut i = 0;
    let n = html.len();
    while let Some(offset) = memchr(b'<', &html[i..]) {
        i += offset + 1;
        if i >= n {
            break;
        }
        if html[i..].starts_with(b"!--") {
            i = find(html, i + 3, b"-->").unwrap_or(n);
            continue;
        }
        let closing = html[i] == b'/';
        let start = if closing { i + 1 } else { i };
        let mut end = start;
        while end < n && html[end].is_ascii_alphanumeric() {
            end += 1;
        }
        if end == start {
            continue;
        }
        let mut buffer = [0u8; 10];
        let raw = &html[start..end];
        if raw.len() <= buffer.len() {
            let name = &mut buffer[..raw.len()];
            name.copy_from_slice(raw);
            name.make_ascii_lowercase();
            let name = &*name;
            if !closing && matches!(name, b"script" | b"style" | b"textarea" | b"title") {
                let mut close = [0u8; 10];
                close[..2].copy_from_slice(b"</");
                close[2..2 + name.len()].copy_from_slice(name);
                i = find_ci(html, end, &close[..2 + name.len()]).unwrap_or(n);
                continue;
            }
            if not_counted(name) {
                continue;
            }
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            let tag_end = memchr(b'>', &html[end..]).map_or(n, |o| end + o);
            if tag_end > end && html[tag_end - 1] == b'/' {
                continue;
            }
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > limit {
                return deepest;
            }
        }
        i = end;
    }
    deepest
}

use memchr::memchr;

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack.get(from..)?, needle).map(|p| from + p + needle.len())
}

fn find_ci(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p + needle.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth() {
        assert_eq!(estimate(b"<div><p>a<div>b</div></div>", 100), 2);
        assert_eq!(
            estimate(b"<div><br/><img><!-- <div><div> --><script>'<div>'</script></div>", 100),
            1
        );
        assert!(estimate("<div>".repeat(1000).as_bytes(), 100) > 100);
        assert_eq!(estimate(b"<ul><li>a<li>b</ul>", 100), 1);
    }
}
