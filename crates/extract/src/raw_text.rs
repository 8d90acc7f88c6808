//! Cutting out, before parsing, what extraction never reads: the contents of
//! `<script>`, `<style>`, `<svg>` and `<noscript>` elements, HTML comments, and the attributes
//! that neither extraction nor the parser's tree building looks at (`src`,
//! `srcset`, `data-*`, event handlers, `rel` outside `<link>`…; see
//! [`is_kept_attribute`]), down to what is read of the kept ones (`href`
//! outside `<link>` loses its value, a `style` that does not hide the element
//! goes).
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
//! other raw-text and RCDATA elements (`textarea`, `title`, `iframe`…) are
//! stepped over unchanged, so markup-like text inside them is left alone. JSON-LD
//! scripts are kept: the metadata reads them; markup templates
//! (`<script type="text/template"><p>…`) are opened, their contents parsed. Attributes are split as the
//! tokenizer splits them (§13.2.5.32–39) and the kept ones copied verbatim.
//! Anything unterminated is left as it is for the parser. The whitespace that
//! opens the text after a tag (indentation, mostly) becomes one space until a
//! `<pre>` or `<listing>` opens (see [`Cuts::collapsed_whitespace`]). The
//! tags read on the way are counted for the depth estimate ([`Depth`]).
//!
//! Extraction makes these cuts while our tokenizer reads the page ([`Cuts`]:
//! one read of each tag instead of two, and no copy of the page). [`strip`]
//! is what they are checked against, and the copy parsed when the tokenizer
//! cannot cut as it does (a page html5ever's tokenizer must take over, a CR
//! just before a `<`).

use crate::depth::Depth;
use memchr::{memchr, memchr2, memmem};
use std::borrow::Cow;

/// What to do with an element whose contents are not markup.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawText {
    /// Cut the contents (`script`, `style`).
    Cut,
    /// Keep the contents unchanged, but do not look for tags inside.
    Keep,
}

/// Whether attribute `lowercase_name` of element `element` (lowercase) is read by `dom`
/// and `metadata`, or by html5ever's tree builder (`type` of hidden inputs in
/// tables, `encoding`, and the `font` attributes that end foreign content);
/// all others are dropped before parsing.
fn is_kept_attribute(element: &[u8], lowercase_name: &[u8]) -> bool {
    let on = |tag: &[u8]| element == tag;
    match lowercase_name {
        // Read on every element.
        b"class" | b"id" | b"role" | b"itemprop" | b"itemtype" | b"hidden" | b"aria-hidden" | b"style" | b"href" => {
            true
        }
        b"lang" => on(b"html"),
        b"datetime" => on(b"time"),
        b"property" | b"name" | b"content" | b"http-equiv" => on(b"meta"),
        b"rel" => on(b"link"),
        b"type" => on(b"script") || on(b"input"),
        b"encoding" => on(b"annotation-xml"),
        b"color" | b"face" | b"size" => on(b"font"),
        _ => false,
    }
}

/// What the copy keeps of an attribute.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// The attribute as written.
    All,
    /// Its name only: `href` outside `<link>` (extraction asks only whether a
    /// link has a target).
    Name,
    /// Nothing: unread, or a `style` that does not hide the element.
    Nothing,
}

/// What to keep of attribute `name` of element `element` (lowercase), if
/// the name decides it (`None`: the value decides).
pub(crate) fn keep_by_name(element: &[u8], name: &[u8]) -> Option<Keep> {
    let mut buffer = [0; LONGEST_NAME_ASKED];
    keep_by_lowercase_name(element, lowercase(name, &mut buffer))
}

fn keep_by_lowercase_name(element: &[u8], name: &[u8]) -> Option<Keep> {
    if !is_kept_attribute(element, name) {
        Some(Keep::Nothing)
    } else if (name == b"href" && element != b"link") || name == b"style" {
        None
    } else {
        Some(Keep::All)
    }
}

/// What to keep of attribute `attribute` (its source text, `name[=value]`)
/// of element `element` (lowercase), the name of the attribute ending at `name_end`.
pub(crate) fn keep(element: &[u8], attribute: &[u8], name_end: usize) -> Keep {
    let mut buffer = [0; LONGEST_NAME_ASKED];
    let name = lowercase(&attribute[..name_end], &mut buffer);
    if let Some(keep) = keep_by_lowercase_name(element, name) {
        return keep;
    }
    let value = || {
        let value = attribute[name_end..]
            .trim_ascii()
            .strip_prefix(b"=")
            .unwrap_or(b"")
            .trim_ascii();
        value
            .strip_prefix(b"\"")
            .or_else(|| value.strip_prefix(b"'"))
            .unwrap_or(value)
    };
    if name == b"href" && element != b"link" {
        // Whether a link stays on the page (`#section`) is read too.
        return if value().starts_with(b"#") {
            Keep::All
        } else {
            Keep::Name
        };
    }
    if name == b"style" {
        let value = value();
        let hides = std::str::from_utf8(value).is_ok_and(crate::boilerplate::style_hides);
        return if hides { Keep::All } else { Keep::Nothing };
    }
    Keep::All
}

/// What to do with `<noscript>` contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Noscript {
    /// Cut them, as a browser that runs scripts never shows them.
    Cut,
    /// Leave them as markup for the parser: the fallback for pages whose only
    /// server-rendered content is there (forums that render posts for
    /// crawlers inside `<noscript>`).
    Parse,
}

pub(crate) fn raw_text(lowercase_name: &[u8], noscript: Noscript) -> Option<RawText> {
    // `noscript` too: browsers run scripts, so they read its contents as raw
    // text, while the parser here builds them as markup, where an unclosed
    // `<div>` inside swallows the rest of the page.
    match lowercase_name {
        b"script" | b"style" | b"svg" => Some(RawText::Cut),
        b"noscript" if noscript == Noscript::Cut => Some(RawText::Cut),
        b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed" | b"noframes" => Some(RawText::Keep),
        _ => None,
    }
}

/// The longest tag name asked about ([`raw_text`], [`is_kept_attribute`],
/// the depth estimate's list), with room to spare.
const LONGEST_NAME_ASKED: usize = 16;

/// `name` lowercased into `buffer`, so that each question asked of it is one
/// comparison; a longer name is none of those asked about and reads as "".
///
/// Sixteen bytes at once (a SWAR form of `make_ascii_lowercase`): names are
/// short, and a byte loop costs more than the rest of the question.
fn lowercase<'b>(name: &[u8], buffer: &'b mut [u8; LONGEST_NAME_ASKED]) -> &'b [u8] {
    const ALL: u128 = u128::from_ne_bytes([1; 16]);
    if name.len() > buffer.len() {
        return &[];
    }
    *buffer = [0; LONGEST_NAME_ASKED];
    buffer[..name.len()].copy_from_slice(name);
    let bytes = u128::from_ne_bytes(*buffer);
    let ascii = bytes & (0x7f * ALL);
    // The top bit of each byte: at least `A`, and not past `Z` (no carry
    // crosses bytes, as each is below 0x80 before the addition).
    let from_a = ascii + (0x3f * ALL);
    let past_z = ascii + (0x25 * ALL);
    let upper = from_a & !past_z & !bytes & (0x80 * ALL);
    *buffer = (bytes | (upper >> 2)).to_ne_bytes();
    &buffer[..name.len()]
}

/// A set of bytes as a table: one load per byte in the scanning loops.
const fn byte_set(members: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < members.len() {
        set[members[i] as usize] = true;
        i += 1;
    }
    set
}

/// What ends a tag name (§13.2.5.8): whitespace, `/` or `>`.
static ENDS_TAG_NAME: [bool; 256] = byte_set(b"\t\n\x0c\r />");

/// What ends an attribute name (§13.2.5.33): whitespace, `/`, `>` or `=`.
static ENDS_ATTRIBUTE_NAME: [bool; 256] = byte_set(b"\t\n\x0c\r />=");

/// The output being built: `html[..copied]` has been dealt with.
struct Writer<'a> {
    html: &'a str,
    out: String,
    copied: usize,
}

impl Writer<'_> {
    /// Copies what is pending up to `from` and skips `from..to`.
    fn skip(&mut self, from: usize, to: usize) {
        if self.out.capacity() == 0 {
            self.out.reserve(self.html.len());
        }
        self.out.push_str(&self.html[self.copied..from]);
        self.copied = to;
    }

    /// Writes the whitespace that starts the text at `from` (just after a
    /// tag) as one space, if `cuts` say so; gives where the text goes on.
    fn collapse_whitespace(&mut self, cuts: &Cuts, from: usize) -> usize {
        let Some(end) = cuts.collapsed_whitespace(self.html.as_bytes(), from) else {
            return from;
        };
        self.skip(from, end);
        self.out.push(' ');
        end
    }
}

/// [`strip`]'s cuts, made by our tokenizer as it reads the page instead of in a
/// pass and a copy of their own (each tag was read twice, once here and once
/// there: on the FineWeb chain `strip` cost a third as much as the tokenizer
/// and tree builder together). The tokenizer asks at the places `strip` decides
/// (a `<!--`, a start tag, an end tag, the text after a tag) and these answer
/// as `strip` would, so the tree is the one built from `strip`'s output
/// (`tests/tokenizer_parity.rs` compares them).
pub(crate) struct Cuts<'d> {
    noscript: Noscript,
    depth: &'d mut Depth,
    max_depth: usize,
    /// Whether whitespace after tags is still collapsed: not once a `<pre>`
    /// or `<listing>` has opened, where it is kept as written.
    collapse: bool,
    /// Markup before this is read as the page has it: the contents of an
    /// element `strip` steps over (`<title>`, JSON-LD), and, once `strip`
    /// would have stopped at something unterminated, the rest of the page.
    verbatim_until: usize,
}

/// What comes after a tag that is passed on.
pub(crate) enum AfterTag {
    /// Markup: text whose opening whitespace may collapse
    /// ([`Cuts::collapsed_whitespace`]), tags.
    Markup,
    /// Contents read as the page has them (raw text `strip` steps over,
    /// or the rest of the page).
    Contents,
    /// The contents of an element whose contents are cut: the tokenizer goes
    /// on at its end tag, here.
    SkipTo(usize),
}

impl<'d> Cuts<'d> {
    pub(crate) fn new(noscript: Noscript, depth: &'d mut Depth, max_depth: usize) -> Self {
        Cuts {
            noscript,
            depth,
            max_depth,
            collapse: true,
            verbatim_until: 0,
        }
    }

    /// Whether markup at `lt` is cut as `strip` cuts it.
    pub(crate) fn apply_at(&self, lt: usize) -> bool {
        lt >= self.verbatim_until
    }

    /// Whether `strip` reads markup inside the tag `lt..tag_end` that the
    /// tokenizer does not: a `<` in the rest of the end tag of an element it
    /// stepped over (`</svg\n</span>` is one end tag, but `strip` goes on
    /// reading after `</svg`).
    pub(crate) fn reads_markup_inside(&self, bytes: &[u8], lt: usize, tag_end: usize) -> bool {
        lt < self.verbatim_until
            && self.verbatim_until < tag_end
            && memchr(b'<', &bytes[self.verbatim_until..tag_end]).is_some()
    }

    /// Whether the page nests deeper than allowed (so far).
    pub(crate) fn too_deep(&self) -> bool {
        self.depth.deepest() > self.max_depth
    }

    /// A `<!--` at `lt`: where the text goes on after the comment; `None` if
    /// it is unterminated, and then nothing more is cut.
    pub(crate) fn comment(&mut self, bytes: &[u8], lt: usize) -> Option<usize> {
        let end = comment_end(bytes, lt + 2);
        if end.is_none() {
            self.verbatim_until = usize::MAX;
        }
        end
    }

    /// Whether the start tag `bytes[lt..tag_end]` named `name` (lowercase) is
    /// dropped whole: a markup template's `<script>`, whose contents are
    /// parsed as markup.
    pub(crate) fn drops_start_tag(&self, bytes: &[u8], lt: usize, tag_end: usize, name: &[u8]) -> bool {
        name == b"script" && is_markup_template(&bytes[lt..tag_end], &bytes[tag_end..])
    }

    /// After the start tag `bytes[lt..tag_end]` named `name` (lowercase) was
    /// passed on.
    pub(crate) fn after_start_tag(&mut self, bytes: &[u8], lt: usize, tag_end: usize, name: &[u8]) -> AfterTag {
        if name == b"plaintext" {
            self.verbatim_until = usize::MAX;
            return AfterTag::Contents;
        }
        if name == b"pre" || name == b"listing" {
            self.collapse = false;
        }
        let Some(kind) = raw_text(name, self.noscript) else {
            self.depth.start_tag(name);
            return AfterTag::Markup;
        };
        let Some(close) = closing_tag(bytes, tag_end, name) else {
            self.verbatim_until = usize::MAX;
            return AfterTag::Contents;
        };
        // `strip` goes on after `</name`, reading the rest of that tag as text.
        self.verbatim_until = close + 2 + name.len();
        if kind == RawText::Cut && !is_json_ld(&bytes[lt..tag_end]) {
            AfterTag::SkipTo(close)
        } else {
            AfterTag::Contents
        }
    }

    /// After an end tag named `name` (lowercase).
    pub(crate) fn after_end_tag(&mut self, name: &[u8]) {
        self.depth.end_tag(name);
    }

    /// The whitespace that opens the text at `from`, just after a tag, when
    /// it is written as one space: where it ends.
    ///
    /// Indentation between tags is a large share of a page's text, and the
    /// tokenizer emits a leading newline as a token of its own. Outside
    /// `<pre>` and `<listing>` (whose first newline the tree builder drops
    /// and whose whitespace the text keeps), the tree builder and the blocks
    /// only ask whether text is whitespace, never which or how much.
    pub(crate) fn collapsed_whitespace(&self, bytes: &[u8], from: usize) -> Option<usize> {
        if !self.collapse {
            return None;
        }
        if !bytes.get(from)?.is_ascii_whitespace() {
            return None;
        }
        let run = 1 + bytes[from + 1..].iter().take_while(|b| b.is_ascii_whitespace()).count();
        (run > 1 || bytes[from] != b' ').then_some(from + run)
    }
}

/// Where the tag name starting at `from` ends.
fn tag_name_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| ENDS_TAG_NAME[usize::from(b)])
        .map_or(bytes.len(), |p| from + p)
}

/// The page without script, style and svg contents, comments and unread
/// attributes (borrowed when there is nothing to cut).
pub(crate) fn strip<'a>(html: &'a str, noscript: Noscript, depth: &mut Depth) -> Cow<'a, str> {
    let bytes = html.as_bytes();
    // The same decisions as the tokenizer's, asked at the same places.
    let mut cuts = Cuts::new(noscript, depth, usize::MAX);
    let mut w = Writer {
        html,
        out: String::new(),
        copied: 0,
    };
    // The attributes of the current start tag: (start, name end, end, what to keep).
    let mut kept: Vec<(usize, usize, usize, Keep)> = Vec::new();
    let mut name_buffer = [0; LONGEST_NAME_ASKED];
    let mut i = 0;
    while let Some(offset) = memchr(b'<', &bytes[i..]) {
        let lt = i + offset;
        i = lt + 1;
        if bytes[i..].starts_with(b"!--") {
            match cuts.comment(bytes, lt) {
                Some(end) => {
                    w.skip(lt, end);
                    i = end;
                    continue;
                }
                None => break,
            }
        }
        if bytes.get(i) == Some(&b'/') && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            // An end tag: read (and dropped) by the tokenizer like a start tag.
            let name_end = tag_name_end(bytes, i + 1);
            let Some((tag_end, _)) = attributes(bytes, name_end, |_, _, _| {}) else {
                break;
            };
            cuts.after_end_tag(lowercase(&bytes[i + 1..name_end], &mut name_buffer));
            i = w.collapse_whitespace(&cuts, tag_end);
            continue;
        }
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end = tag_name_end(bytes, i);
        let lower = lowercase(&bytes[i..name_end], &mut name_buffer);
        kept.clear();
        let Some((tag_end, self_closing)) = attributes(bytes, name_end, |start, attribute_name_end, end| {
            let keep = keep(lower, &bytes[start..end], attribute_name_end - start);
            kept.push((start, attribute_name_end, end, keep));
        }) else {
            break;
        };
        if cuts.drops_start_tag(bytes, lt, tag_end, lower) {
            // The stray `</script>` that follows is ignored by the parser.
            w.skip(lt, tag_end);
            i = tag_end;
            continue;
        }
        if kept.iter().any(|&(.., keep)| keep != Keep::All) {
            w.skip(lt, tag_end);
            w.out.push_str(&html[lt..name_end]);
            for &(start, attribute_name_end, end, keep) in &kept {
                match keep {
                    Keep::All => {
                        w.out.push(' ');
                        w.out.push_str(&html[start..end]);
                    }
                    Keep::Name => {
                        w.out.push(' ');
                        w.out.push_str(&html[start..attribute_name_end]);
                    }
                    Keep::Nothing => {}
                }
            }
            // The space keeps a `/` out of an unquoted value before it.
            w.out.push_str(if self_closing { " />" } else { ">" });
        }
        i = match cuts.after_start_tag(bytes, lt, tag_end, lower) {
            AfterTag::Markup => w.collapse_whitespace(&cuts, tag_end),
            AfterTag::SkipTo(close) => {
                w.skip(tag_end, close);
                cuts.verbatim_until
            }
            // Unterminated (or `<plaintext>`): the rest is left as it is.
            AfterTag::Contents if cuts.verbatim_until == usize::MAX => break,
            AfterTag::Contents => cuts.verbatim_until,
        };
    }
    if w.copied == 0 {
        return Cow::Borrowed(html);
    }
    w.out.push_str(&html[w.copied..]);
    Cow::Owned(w.out)
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

/// Reads the attributes of a start tag whose name ends at `from`, as the
/// tokenizer does, calling `each(start, name_end, end)` for each; gives the end
/// of the tag (after `>`) and whether it is self-closing.
fn attributes(bytes: &[u8], mut i: usize, mut each: impl FnMut(usize, usize, usize)) -> Option<(usize, bool)> {
    let n = bytes.len();
    loop {
        while i < n && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'>') {
                return Some((i + 2, true));
            }
            i += 1;
        }
        if *bytes.get(i)? == b'>' {
            return Some((i + 1, false));
        }
        let start = i;
        // The first character of a name may be `=`.
        i += 1;
        while i < n && !ENDS_ATTRIBUTE_NAME[usize::from(bytes[i])] {
            i += 1;
        }
        let name_end = i;
        let mut j = i;
        while j < n && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if bytes.get(j) == Some(&b'=') {
            j += 1;
            while j < n && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match *bytes.get(j)? {
                quote @ (b'"' | b'\'') => j += 1 + memchr(quote, &bytes[j + 1..])? + 1,
                b'>' => {}
                _ => {
                    while j < n && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                        j += 1;
                    }
                }
            }
            i = j;
        }
        each(start, name_end, i);
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

/// Whether a `<script>` start tag and what follows it are markup the page's
/// scripts insert (`type="text/template"` starting with a tag, as Blogger
/// serves its posts): what a reader sees, so it is parsed as markup. JSON
/// templates and other types measured worse.
fn is_markup_template(tag: &[u8], contents: &[u8]) -> bool {
    let contents = contents.trim_ascii_start();
    contents.first() == Some(&b'<')
        && contents.get(1).is_some_and(u8::is_ascii_alphabetic)
        && contains_ignoring_case(tag, b"text/template")
}

fn is_json_ld(tag: &[u8]) -> bool {
    contains_ignoring_case(tag, b"ld+json")
}

/// Whether `needle` (ASCII) occurs in `haystack`, whatever the case: checked
/// where its first letter, in either case, is.
pub(crate) fn contains_ignoring_case(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    let mut from = 0;
    while let Some(found) = memchr2(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        &haystack[from..],
    ) {
        let at = from + found;
        if haystack
            .get(at + 1..at + needle.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(rest))
        {
            return true;
        }
        from = at + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::depth::Depth;
    use std::borrow::Cow;

    fn strip(html: &str) -> Cow<'_, str> {
        super::strip(html, super::Noscript::Cut, &mut Depth::default())
    }

    #[test]
    fn cuts_scripts_styles_and_comments() {
        assert_eq!(
            strip("<p>a</p><script src=x.js>var s = '<p>no</p>';</script><style>p{}</style><!-- c --><p>b</p>"),
            "<p>a</p><script></script><style></style><p>b</p>"
        );
        assert_eq!(strip("<SCRIPT>x</scripts></Script >y"), "<SCRIPT></Script >y");
        assert_eq!(strip("a<!-->b<!--->c<!-- x --!>d"), "abcd");
        assert_eq!(strip("<svg viewBox=1><path d=M0/></svg>x"), "<svg></svg>x");
        assert_eq!(
            strip("<script type='text/template'>\n<p>post</p></script><script type=text/template>{\"a\":1}</script>"),
            "\n<p>post</p></script><script type=text/template></script>"
        );
        assert_eq!(
            strip("<noscript><div id=n></noscript><p>x</p>"),
            "<noscript></noscript><p>x</p>"
        );
        // The fallback parses them as markup (scripts inside still cut).
        assert_eq!(
            super::strip(
                "<noscript><div id=n><p>post</p><script>x</script></noscript>",
                super::Noscript::Parse,
                &mut Depth::default()
            ),
            "<noscript><div id=n><p>post</p><script></script></noscript>"
        );
        assert_eq!(
            strip(r#"<img src="a.png" alt='x > y'/><a data-x=1 HREF="/b" onclick="f('>')">b</a>"#),
            r#"<img /><a HREF>b</a>"#
        );
        // A link to an anchor on the page keeps its target.
        assert_eq!(
            strip(r##"<h2><a href="#usage">Usage</a></h2>"##),
            r##"<h2><a href="#usage">Usage</a></h2>"##
        );
        assert_eq!(
            strip(r#"<div  class = "c"  hidden data-id=7 id=main>"#),
            r#"<div class = "c" hidden id=main>"#
        );
        assert_eq!(
            strip(r#"<p style="color: red">a</p><p style='display:none'>b</p><link rel=canonical href=/c>"#),
            r#"<p>a</p><p style='display:none'>b</p><link rel=canonical href=/c>"#
        );
        assert_eq!(
            strip(r#"<a rel=nofollow href=/x lang=en>x</a><META name=a content=b><time datetime=2020>"#),
            r#"<a href>x</a><META name=a content=b><time datetime=2020>"#
        );
    }

    #[test]
    fn lowercases_names_as_make_ascii_lowercase_does() {
        let mut buffer = [0; super::LONGEST_NAME_ASKED];
        // Every byte in every position, beside neighbours that could carry into it.
        for byte in 0..=255u8 {
            for neighbour in [0u8, b'@', b'Z', 0x7f, 0xc1, 0xff] {
                for at in 0..super::LONGEST_NAME_ASKED {
                    let mut name = [neighbour; super::LONGEST_NAME_ASKED];
                    name[at] = byte;
                    for len in [at + 1, super::LONGEST_NAME_ASKED] {
                        let expected = name[..len].to_ascii_lowercase();
                        assert_eq!(super::lowercase(&name[..len], &mut buffer), expected);
                    }
                }
            }
        }
        assert_eq!(super::lowercase(&[b'A'; 17], &mut buffer), b"");
    }

    #[test]
    fn finds_a_needle_whatever_its_case() {
        use super::contains_ignoring_case as contains;
        assert!(contains(b"<script type=\"application/LD+JSON\">", b"ld+json"));
        assert!(contains(b"ld+json", b"ld+json"));
        assert!(!contains(b"ld+jso", b"ld+json"));
        assert!(contains(b"lld+json", b"ld+json"));
        assert!(!contains(b"", b"x"));
    }

    #[test]
    fn collapses_whitespace_after_tags_until_a_pre() {
        assert_eq!(
            strip("<div>\n  <p class=a>\r\n\tText  here</p>\n</div> <b>x</b>"),
            "<div> <p class=a> Text  here</p> </div> <b>x</b>"
        );
        assert_eq!(
            strip("<p>\n a</p><PRE>\n  code\n</pre>\n<p>\n b</p>"),
            "<p> a</p><PRE>\n  code\n</pre>\n<p>\n b</p>"
        );
        assert_eq!(strip("<title>\n t\n</title>\n<p>"), "<title>\n t\n</title>\n<p>");
    }

    #[test]
    fn leaves_the_rest_alone() {
        let kept = [
            "<p>plain</p>",
            r#"<script type="application/ld+json">{"a":1}</script>"#,
            r#"<div class="<script>">text</div><p>more</p>"#,
            "<textarea><script>x</script></textarea>",
            "<title><!-- not a comment --></title>",
            "<script>unterminated",
            "<!-- unterminated",
            "a < b <3 </>",
        ];
        for html in kept {
            assert_eq!(strip(html), html);
        }
        assert!(matches!(strip("<p>x</p>"), Cow::Borrowed(_)));
    }
}
