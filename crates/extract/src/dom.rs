//! A compact, read-only copy of the parsed page: only what extraction looks at.
//!
//! The HTML is parsed by html5ever into our own linked tree ([`crate::sink`]),
//! the tree the WHATWG algorithm specifies, so broken markup ends up where
//! browsers put it. The tree is then laid out once, in document order, into a
//! flat arena: element kinds instead of names, one boilerplate mark per element,
//! text in one shared string (the parser's text buffer, kept as it is). Parts
//! that never hold content (scripts, styles, forms' widgets, hidden elements,
//! the `<head>`) are left out of the arena; the metadata they carry goes to the
//! [`MetaCollector`] on the way.

use crate::boilerplate::{self, Mark};
use crate::metadata::MetaCollector;
use crate::sink::{Data, Tree, NIL};
use crate::ExtractError;
use html5ever::Attribute;
use std::time::Instant;

/// No node (the parent of the root).
pub(crate) const NONE: u32 = u32::MAX;

/// What an element is, as far as layout of the text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    /// A block that only groups others (`div`, `section`, `body`…).
    Block,
    /// A paragraph.
    P,
    /// `h1`…`h6`.
    Heading,
    /// `li`, `dt`, `dd`.
    ListItem,
    /// `ul`, `ol`, `dl`.
    List,
    /// `table`, `thead`, `tbody`, `tfoot`.
    Table,
    /// `tr`.
    Row,
    /// `td`, `th`.
    Cell,
    /// `pre`: whitespace kept.
    Pre,
    /// `br`: a line break.
    Br,
    /// `hr`, `img`: a break between blocks, no text.
    Break,
    /// `a` with an `href`: its text is link text.
    Link,
    /// `a` whose `href` is an anchor on the page (`#section`): link text,
    /// but a heading made of one is a section's title linked to itself
    /// (documentation generators write them so), not a teaser's.
    Anchor,
    /// Anything else: inline text.
    Inline,
    /// Inline text named as a photo caption or credit (`<span
    /// class="credits">`): left out when short, as trafilatura leaves out
    /// figures.
    Caption,
}

impl Tag {
    /// Whether the element starts a new block of text.
    pub(crate) fn is_block(self) -> bool {
        !matches!(self, Tag::Inline | Tag::Caption | Tag::Link | Tag::Anchor | Tag::Br)
    }
}

/// One element of the arena.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element {
    pub tag: Tag,
    pub mark: Mark,
    /// A hash of the element's name and first `class` name: siblings of the
    /// same shape are the rows of a listing (search results, product tiles).
    pub shape: u32,
}

/// A node of the arena; children follow their parent, so a subtree is the
/// index range `index..end`.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub parent: u32,
    pub end: u32,
    /// `None` for text; the text is `text[text_start..text_end]` of the [`Dom`].
    pub element: Option<Element>,
    pub text_start: u32,
    pub text_end: u32,
}

/// The page, flattened.
pub(crate) struct Dom {
    pub nodes: Vec<Node>,
    pub text: String,
}

impl Dom {
    /// The text of a text node.
    pub(crate) fn text_of(&self, node: &Node) -> &str {
        &self.text[node.text_start as usize..node.text_end as usize]
    }

    /// Bytes of text in the subtree of the element at `index`.
    pub(crate) fn text_len(&self, index: u32) -> usize {
        let node = &self.nodes[index as usize];
        self.nodes[index as usize + 1..node.end as usize]
            .iter()
            .filter(|n| n.element.is_none())
            .map(|n| (n.text_end - n.text_start) as usize)
            .sum()
    }

    /// A text node under `parent` for `text[start..end]`.
    fn push_text(&mut self, parent: u32, start: u32, end: u32) {
        let index = self.nodes.len() as u32;
        self.nodes.push(Node {
            parent,
            end: index + 1,
            element: None,
            text_start: start,
            text_end: end,
        });
    }
}

/// Which parts of the page the copy shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum View {
    /// What a browser running scripts shows first: `<noscript>` and hidden
    /// elements (`hidden`, `aria-hidden`, `display: none`) left out.
    Rendered,
    /// `<noscript>` contents too (parsed as markup: see
    /// [`crate::raw_text::Noscript`]).
    Noscript,
    /// Hidden elements too: pages whose scripts reveal the server-rendered
    /// content (a streamed `<div hidden>` swapped in, a wrapper at
    /// `visibility: hidden` until the scripts load).
    Revealed,
    /// Figures too (`<figure>`, `<picture>`): the last fallback's view, for a
    /// page whose only content is cards (a shop's grid of products, each card
    /// a `<figure>` around its link, name and price).
    Whole,
}

impl View {
    /// Whether hidden elements are shown.
    fn shows_hidden(self) -> bool {
        matches!(self, View::Revealed | View::Whole)
    }
}

/// Limits applied while copying.
pub(crate) struct Limits {
    pub max_depth: usize,
    pub deadline: Option<Instant>,
}

/// Lays the parsed page out into a [`Dom`], collecting metadata on the way.
///
/// The text stays where the parser wrote it: the arena's text nodes point into
/// the tree's text buffer, which becomes the [`Dom`]'s.
pub(crate) fn flatten(
    mut tree: Tree,
    limits: &Limits,
    view: View,
    meta: &mut MetaCollector,
) -> Result<Dom, ExtractError> {
    let mut dom = Dom {
        nodes: Vec::with_capacity(tree.nodes.len()),
        text: std::mem::take(&mut tree.text),
    };
    let tree = &tree;
    dom.nodes.push(Node {
        parent: NONE,
        end: NONE,
        element: Some(Element {
            tag: Tag::Block,
            mark: Mark::None,
            shape: 0,
        }),
        text_start: 0,
        text_end: 0,
    });
    // Taken out of the thread's cache for the walk, put back on every return.
    let mut cache = MARK_CACHE
        .take()
        .unwrap_or_else(|| MarkCache::new(MARK_CACHE_ENTRIES, MARK_CACHE_VALUE_BYTES));
    let result = walk(tree, limits, view, meta, &mut dom, &mut cache);
    MARK_CACHE.set(Some(cache));
    result.map(|()| dom)
}

/// Units of work (about one node visited each) between two readings of the clock.
const CLOCK_EVERY: usize = 4096;

/// Bytes of attribute values that cost about as much to classify as one node
/// to visit.
const ATTRIBUTE_BYTES_PER_UNIT: usize = 16;

/// The walk of [`flatten`], in document order.
fn walk(
    tree: &Tree,
    limits: &Limits,
    view: View,
    meta: &mut MetaCollector,
    dom: &mut Dom,
    cache: &mut MarkCache,
) -> Result<(), ExtractError> {
    // Each frame: the next child to visit and the arena index of the parent.
    let mut stack: Vec<(u32, u32)> = vec![(tree.nodes[0].first_child, 0)];
    // Nodes visited and attribute bytes read (classifying an element reads
    // its names: a 1 MB class on an element the parser cloned into every
    // paragraph is read for every clone), in units of about one node's visit.
    let mut work = 0usize;
    let mut next_clock = CLOCK_EVERY;
    while let Some(frame) = stack.last_mut() {
        let id = frame.0;
        if id == NIL {
            let (_, index) = stack.pop().unwrap_or((NIL, 0));
            dom.nodes[index as usize].end = dom.nodes.len() as u32;
            continue;
        }
        let parent = frame.1;
        let node = &tree.nodes[id as usize];
        frame.0 = node.next;
        let first_child = node.first_child;
        work += 1;
        if work >= next_clock {
            next_clock = work + CLOCK_EVERY;
            if limits.deadline.is_some_and(|deadline| Instant::now() > deadline) {
                return Err(ExtractError::Timeout);
            }
        }
        let element = match &node.data {
            Data::Text(start, end) => {
                dom.push_text(parent, *start, *end);
                continue;
            }
            Data::MovedText(moved) => {
                let start = dom.text.len() as u32;
                dom.text.push_str(&tree.moved[*moved as usize]);
                dom.push_text(parent, start, dom.text.len() as u32);
                continue;
            }
            Data::Element(e) => &tree.elements[*e as usize],
            Data::Document | Data::Fragment => {
                stack.push((first_child, parent));
                continue;
            }
            Data::Other => continue,
        };
        let attrs = tree.attrs(element);
        work += attrs.iter().map(|a| a.value.len()).sum::<usize>() / ATTRIBUTE_BYTES_PER_UNIT;
        match classify(&element.name().local, attrs, view, cache) {
            Visit::Skip => {}
            Visit::Metadata => collect_metadata(tree, &dom.text, id, meta),
            Visit::Element(kept) => {
                if stack.len() > limits.max_depth {
                    return Err(ExtractError::TooDeep);
                }
                if let Some(item_type) = attribute(attrs, "itemtype") {
                    meta.item_type(item_type);
                }
                let index = dom.nodes.len() as u32;
                dom.nodes.push(Node {
                    parent,
                    end: NONE,
                    element: Some(kept),
                    text_start: 0,
                    text_end: 0,
                });
                stack.push((first_child, index));
            }
            Visit::Html => {
                if let Some(lang) = attribute(attrs, "lang") {
                    meta.lang(lang);
                }
                stack.push((first_child, parent));
            }
            Visit::Time => {
                if let Some(datetime) = attribute(attrs, "datetime") {
                    meta.time(datetime);
                }
                let index = dom.nodes.len() as u32;
                dom.nodes.push(Node {
                    parent,
                    end: NONE,
                    element: Some(Element {
                        tag: Tag::Inline,
                        mark: Mark::None,
                        shape: 0,
                    }),
                    text_start: 0,
                    text_end: 0,
                });
                stack.push((first_child, index));
            }
        }
    }
    Ok(())
}

/// What to do with an element of the parsed tree.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Visit {
    /// Leave it and its subtree out.
    Skip,
    /// Read its metadata, leave it out.
    Metadata,
    /// Copy the element and visit its children.
    Element(Element),
    /// `<html>`: read `lang`, visit the children.
    Html,
    /// `<time>`: read `datetime`, then copy as inline text.
    Time,
}

/// Marks of the class and id values already seen: pages repeat the same few
/// names on many elements, and pages of one site (or one CMS) the same names.
/// A mark depends on the value alone, so the cache lives as long as the thread.
type MarkCache = tamis_memo::StrMemo<Mark>;

/// Entries the cache holds before it starts again.
const MARK_CACHE_ENTRIES: usize = 16_384;

/// Values longer than this are not cached (they rarely repeat).
const MARK_CACHE_VALUE_BYTES: usize = 128;

thread_local! {
    static MARK_CACHE: std::cell::Cell<Option<MarkCache>> = const { std::cell::Cell::new(None) };
}

fn cached_mark(cache: &mut MarkCache, value: &str) -> Mark {
    if let Some(mark) = cache.get(value) {
        return mark;
    }
    let mark = boilerplate::mark_for_names(value);
    cache.insert(value, mark);
    mark
}

/// What to do with an element named `name` (its local name, whatever its
/// namespace) with these attributes.
fn classify(name: &str, attrs: &[Attribute], view: View, cache: &mut MarkCache) -> Visit {
    let tag = match name {
        "noscript" if view != View::Rendered => Tag::Block,
        "figure" | "picture" if view == View::Whole => Tag::Block,
        "head" | "title" | "meta" | "link" | "script" => return Visit::Metadata,
        "style" | "noscript" | "template" | "svg" | "math" | "iframe" | "object" | "embed" | "canvas" | "select"
        | "textarea" | "button" | "input" | "audio" | "video" | "map" | "frameset" | "dialog" | "label"
        // Figures: images with their captions and credits, as trafilatura
        // drops them (`MANUALLY_CLEANED`).
        | "figure" | "picture"
        // Ruby annotations (furigana over kanji): the base text is the text.
        | "rt" | "rp" => {
            return Visit::Skip
        }
        "time" => return Visit::Time,
        "html" => return Visit::Html,
        "p" => Tag::P,
        "h1" => Tag::Heading,
        "h2" => Tag::Heading,
        "h3" => Tag::Heading,
        "h4" => Tag::Heading,
        "h5" => Tag::Heading,
        "h6" => Tag::Heading,
        "li" | "dt" | "dd" => Tag::ListItem,
        "ul" | "ol" | "dl" => Tag::List,
        "table" | "thead" | "tbody" | "tfoot" => Tag::Table,
        "tr" => Tag::Row,
        "td" | "th" => Tag::Cell,
        "pre" | "listing" | "xmp" | "plaintext" => Tag::Pre,
        "br" => Tag::Br,
        "hr" | "img" => Tag::Break,
        "a" => Tag::Link,
        "div" | "section" | "article" | "main" | "body" | "form" | "fieldset" | "address"
        | "center" | "details" | "summary" | "hgroup" | "caption" | "blockquote" | "nav" | "aside" | "footer"
        | "header" | "menu" | "legend" | "frame" | "noframes" | "option" | "optgroup" => Tag::Block,
        _ => Tag::Inline,
    };
    let mut mark = boilerplate::mark_for_tag(name);
    let mut has_href = false;
    let mut on_page = false;
    let mut shape = shape_hash(FNV_OFFSET, name.as_bytes());
    for attr in attrs {
        let value: &str = &attr.value;
        match &*attr.name.local {
            "class" => {
                mark = mark.combine(cached_mark(cache, value));
                // The first name is the component (`product`, `result`,
                // `card`); the others vary from row to row (`post-15859`,
                // `first`, `instock`, `sale`).
                let first = value.split_ascii_whitespace().next().unwrap_or("");
                shape = shape_hash(shape_hash(shape, b" "), first.as_bytes());
            }
            "id" if !is_slug(value) => mark = mark.combine(cached_mark(cache, value)),
            "role" => mark = mark.combine(boilerplate::mark_for_role(value)),
            "itemprop" if value.eq_ignore_ascii_case("articleBody") => mark = mark.combine(Mark::Main),
            "hidden" if !view.shows_hidden() => return Visit::Skip,
            "aria-hidden" if !view.shows_hidden() && value.trim().eq_ignore_ascii_case("true") => return Visit::Skip,
            "style" if !view.shows_hidden() && boilerplate::style_hides(value) => return Visit::Skip,
            "href" => {
                has_href = true;
                on_page = value.starts_with('#');
            }
            _ => {}
        }
    }
    // `<article class="post commented">` is a post with comments, not a
    // thread: the comment threads' own wrappers still carry the mark. And a
    // page has one `<main>`, its main content, whatever its names say
    // (`id="skip-main"` is the target of a skip link).
    if (name == "article" && mark == Mark::Comments) || (name == "main" && mark > Mark::Main) {
        mark = Mark::Main;
    }
    let tag = if tag == Tag::Link && !has_href {
        Tag::Inline
    } else if tag == Tag::Link && on_page {
        Tag::Anchor
    } else if tag == Tag::Inline
        && matches!(mark, Mark::Weak | Mark::Boiler)
        && attribute(attrs, "class").is_some_and(boilerplate::names_caption)
    {
        Tag::Caption
    } else {
        tag
    };
    Visit::Element(Element { tag, mark, shape })
}

const FNV_OFFSET: u32 = 0x811c_9dc5;

/// FNV-1a over `bytes`, from `hash`: the shape of an element.
fn shape_hash(mut hash: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        hash ^= b as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Whether an `id` is a heading's anchor (`sharing-with-a-single-developer`,
/// as documentation generators and Markdown renderers write them): words of
/// prose, not the name of a page component.
fn is_slug(id: &str) -> bool {
    id.split(['-', '_']).filter(|word| !word.is_empty()).count() >= 4
}

/// The value of an element's attribute (by local name).
fn attribute<'a>(attrs: &'a [Attribute], key: &str) -> Option<&'a str> {
    attrs.iter().find(|a| &*a.name.local == key).map(|a| &*a.value)
}

/// Reads what the head elements (and `<script type=application/ld+json>`) say
/// about the page.
fn collect_metadata(tree: &Tree, text: &str, id: u32, meta: &mut MetaCollector) {
    let Some(element) = tree.element(id) else { return };
    let attr = |key: &str| attribute(tree.attrs(element), key);
    let first_child = tree.nodes[id as usize].first_child;
    match &*element.name().local {
        "head" => {
            // Visit the head's children for metadata only.
            let mut child = first_child;
            while child != NIL {
                collect_metadata(tree, text, child, meta);
                child = tree.nodes[child as usize].next;
            }
        }
        "title" => meta.title(&text_of_children(tree, text, first_child)),
        "meta" => {
            let key = attr("property").or_else(|| attr("name")).or_else(|| attr("itemprop"));
            if let (Some(key), Some(content)) = (key, attr("content")) {
                meta.meta(key, content);
            }
            if let (Some(equiv), Some(content)) = (attr("http-equiv"), attr("content")) {
                meta.meta(equiv, content);
            }
        }
        "link" => {
            if let (Some(rel), Some(href)) = (attr("rel"), attr("href")) {
                meta.link(rel, href);
            }
        }
        "script" if attr("type").is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) => {
            meta.json_ld(&text_of_children(tree, text, first_child));
        }
        _ => {}
    }
}

/// The text of the direct text children (enough for `<title>` and `<script>`).
fn text_of_children(tree: &Tree, text: &str, first_child: u32) -> String {
    let mut out = String::new();
    let mut child = first_child;
    while child != NIL {
        let node = &tree.nodes[child as usize];
        match node.data {
            Data::Text(start, end) => out.push_str(&text[start as usize..end as usize]),
            Data::MovedText(index) => out.push_str(&tree.moved[index as usize]),
            _ => {}
        }
        child = node.next;
    }
    out
}
