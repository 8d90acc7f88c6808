//! A cheap estimate of a page's nesting depth, taken before parsing.
//!
//! html5ever's tree builder checks "has an element in scope" by walking the
//! stack of open elements on many start tags, so a page of 100,000 nested
//! `<div>`s costs quadratic time inside the parser, where no time budget can
//! interrupt it. The estimate counts start and end tags of elements whose end
//! tag is required (`div`, `span`, `section`, `a`…), skipping void elements and
//! those whose end tag may be omitted (`p`, `li`, `td`…), and reports the
//! deepest nesting seen. It over-estimates only on pages that leave required
//! end tags out. The tags are those [`crate::raw_text::strip`] reads anyway
//! (outside comments and raw text), so the page is not scanned a second time.

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

/// The nesting seen so far.
#[derive(Default)]
pub(crate) struct Depth {
    open: usize,
    deepest: usize,
}

impl Depth {
    /// A start tag (not one of an element whose contents are raw text, which
    /// do not nest). A trailing `/>` changes nothing: HTML ignores it on
    /// elements that are not void, so `<div/>` opens a `div` that stays open
    /// (100,000 of them cost html5ever 20 s).
    /// `lowercase_name` is the tag's name lowercased.
    pub(crate) fn start_tag(&mut self, lowercase_name: &[u8]) {
        if !not_counted(lowercase_name) {
            self.open += 1;
            self.deepest = self.deepest.max(self.open);
        }
    }

    pub(crate) fn end_tag(&mut self, lowercase_name: &[u8]) {
        if !not_counted(lowercase_name) {
            self.open = self.open.saturating_sub(1);
        }
    }

    /// The deepest nesting of elements with required end tags.
    pub(crate) fn deepest(&self) -> usize {
        self.deepest
    }
}

#[cfg(test)]
mod tests {
    use super::Depth;

    fn estimate(html: &str) -> usize {
        let mut depth = Depth::default();
        crate::raw_text::strip(html, crate::raw_text::Noscript::Cut, &mut depth);
        depth.deepest()
    }

    #[test]
    fn depth() {
        assert_eq!(estimate("<div><p>a<div>b</div></div>"), 2);
        assert_eq!(
            estimate("<div><br/><img><!-- <div><div> --><script>'<div>'</script></div>"),
            1
        );
        assert_eq!(estimate(&"<div>".repeat(1000)), 1000);
        assert_eq!(estimate(&"<div/>".repeat(1000)), 1000);
        assert_eq!(estimate("<ul><li>a<li>b</ul>"), 1);
        assert_eq!(estimate("<DIV><Span>a</span></Div><section><div/></section>"), 2);
    }
}
