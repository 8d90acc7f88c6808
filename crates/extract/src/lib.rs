//! Main-content extraction: from a page's HTML to its article text, structure
//! kept (one line per paragraph, heading, list item or table row; `pre` intact),
//! chrome dropped (navigation, headers and footers, sidebars, headline lists,
//! share and follow calls to action, cookie banners, comments unless asked for),
//! plus the page's metadata.
//!
//! Sits between the readers (which decode the page to text) and the text steps:
//! the `extract` step of `tamis-steps` calls [`extract`] on each HTML document.
//!
//! ```
//! let html = r#"<html lang="fr"><head><title>Appel</title></head><body>
//!   <nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
//!   <article><p>Le secrétaire américain à la Défense s'est entretenu jeudi avec son homologue turc.</p>
//!   <p>Les deux dirigeants ont discuté de la situation en Syrie et en Libye, indique le communiqué.</p></article>
//!   <ul><li><a href="/a">Une autre nouvelle du site</a></li><li><a href="/b">Et encore une autre</a></li></ul>
//! </body></html>"#;
//! let page = tamis_extract::extract(html, &tamis_extract::Options::default()).unwrap();
//! assert!(page.text.starts_with("Le secrétaire"));
//! assert_eq!(page.text.lines().count(), 2);
//! assert_eq!(page.metadata.lang.as_deref(), Some("fr"));
//! ```
//!
//! Pipeline: cut script and style contents and comments (`raw_text`) → parse (`dom`, html5ever) → blocks of text (`blocks`) → the
//! best-scoring subtree and the chrome inside it (`select`, with the name hints
//! of `boilerplate`) → lines. Guard rails: a size limit before parsing, a
//! depth limit, and a node budget and a time budget that hold inside the parse
//! too (`budget`); each failure is an [`ExtractError`] the caller counts.
//!
//! Beyond articles: a page that declares itself a discussion (schema.org
//! `DiscussionForumPosting` or `QAPage`) keeps the posts its software names
//! as comments, all of them; a page that declares a `Product` keeps one copy
//! of a description it writes twice; and a page on which the selection finds
//! nothing is read again more broadly ([`Fallback`]) before it is called
//! empty.
#![deny(missing_docs)]

mod binary;
mod blocks;
mod boilerplate;
mod budget;
mod depth;
mod dom;
mod metadata;
mod raw_text;
mod select;
mod sink;
mod sniff;
mod strategy;
mod tokenizer;

pub use binary::looks_binary;
pub use budget::{node_budget, BYTES_PER_NODE, MIN_NODES};
pub use metadata::PageMetadata;
pub use sniff::{looks_like_html, mime_is_html};
pub use strategy::Strategy;

use std::time::{Duration, Instant};

/// Extraction settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Keep user comments (marked by their names) as content.
    pub include_comments: bool,
    /// Pages longer than this (bytes of HTML) are refused.
    pub max_bytes: usize,
    /// Pages nested deeper than this (elements) are refused.
    pub max_depth: usize,
    /// Work on one page stops after this long.
    pub time_budget: Option<Duration>,
    /// Which blocks are kept ([`Strategy`]).
    pub strategy: Strategy,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            include_comments: false,
            max_bytes: 8 << 20,
            max_depth: 512,
            time_budget: Some(Duration::from_secs(2)),
            strategy: Strategy::Default,
        }
    }
}

/// The result of extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extraction {
    /// The main content, one block per line; empty if none was found.
    pub text: String,
    /// What the page says about itself.
    pub metadata: PageMetadata,
    /// The broader extraction that found the text when the selection found
    /// none or little, if one did.
    pub fallback: Option<Fallback>,
    /// With [`Strategy::Union`], the strategies whose own selection kept
    /// text on this page (`default`, `precision`, `recall`).
    pub kept_by: Vec<Strategy>,
}

/// A broader extraction, tried in this order when the selection finds no
/// text (or, for `Noscript`, little text) on the page as a browser running
/// scripts first shows it. Each is taken only if it finds at least
/// `FALLBACK_MIN_CHARS` letters (for the first three, in blocks long enough
/// to be judged; for `Main`, whose content is menus and cards, in any
/// block): less is a "please enable JavaScript" note or an error message,
/// and the page stays empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// The selection on the page with its `<noscript>` contents (forums that
    /// render their posts for crawlers there).
    Noscript,
    /// The selection on the page with its hidden elements shown too (content
    /// streamed into a `<div hidden>`, or hidden until the scripts load).
    Hidden,
    /// Every block that is neither chrome nor a link list, on the page with
    /// everything shown.
    Body,
    /// Every block, links included, inside the element the page declares as
    /// its main content, on the page with figures shown too (a shop's grid
    /// of categories or of product cards).
    Main,
}

impl Fallback {
    /// The fallback's name, as the `extract` step counts it (`fallback_…`).
    pub fn name(self) -> &'static str {
        match self {
            Fallback::Noscript => "noscript",
            Fallback::Hidden => "hidden",
            Fallback::Body => "body",
            Fallback::Main => "main",
        }
    }
}

/// Letters and digits a fallback must find, in blocks long enough to be
/// judged, to be taken (an error page or a "JavaScript required" note has
/// fewer; so has the footer of a page that is only chrome).
const FALLBACK_MIN_CHARS: u32 = 150;

/// How many times a short selection's text a fallback must find to replace it.
const SHORT_FACTOR: u32 = 4;

/// Why a page was not extracted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtractError {
    /// Longer than [`Options::max_bytes`].
    TooLarge,
    /// Deeper than [`Options::max_depth`].
    TooDeep,
    /// Took longer than [`Options::time_budget`].
    Timeout,
    /// Would build more nodes than [`node_budget`] allows for its size: the
    /// parser's tree construction amplifies such a page (formatting elements
    /// rebuilt in every paragraph, misnested tags).
    TooManyNodes,
}

impl std::fmt::Display for ExtractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ExtractError::TooLarge => "page larger than the size limit",
            ExtractError::TooDeep => "page nested deeper than the depth limit",
            ExtractError::Timeout => "page took longer than the time budget",
            ExtractError::TooManyNodes => "page builds more nodes than its size allows",
        })
    }
}

impl std::error::Error for ExtractError {}

/// Extracts the main content and metadata of a page.
///
/// When the selection finds nothing or little, the page is parsed again
/// with more of it shown (see [`Fallback`]); every parse is held to the
/// same deadline, and each to the node budget and depth limit, and one
/// page's tree is dropped before the next is built.
pub fn extract(html: &str, options: &Options) -> Result<Extraction, ExtractError> {
    if html.len() > options.max_bytes {
        return Err(ExtractError::TooLarge);
    }
    let started = Instant::now();
    let deadline = options.time_budget.map(|budget| started + budget);
    let mut meta = metadata::MetaCollector::default();
    let dom = parse(html, dom::View::Rendered, options, deadline, &mut meta)?;
    let mut texts = String::new();
    let blocks = blocks::blocks(&dom, &mut texts);
    // On a forum thread or a Q&A page, the replies (named as comments by
    // most forum software) are the content.
    let thread = meta.is_discussion();
    let include_comments = options.include_comments || thread;
    let main = || select::main_content(&dom, &blocks, include_comments, thread);
    let (mut kept, kept_by) = strategy::apply(options.strategy, &dom, &blocks, main, include_comments);
    if meta.is_product() {
        drop_repeats(&blocks, &mut kept);
    }
    check_deadline(deadline)?;
    let mut text = lines(&blocks, &kept);
    let mut fallback = None;
    let found = judged_chars(&blocks, &kept);
    if found < FALLBACK_MIN_CHARS {
        drop((dom, blocks));
        if let Some(broader) = broader(html, options, include_comments, thread, found, deadline)? {
            (text, fallback) = (broader.0, Some(broader.1));
        }
    }
    // Composed as trafilatura's output is (NFC): the same words, the same
    // code points, whatever the page's editor produced.
    let composed = text.is_ascii()
        || unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes;
    if !composed {
        text = unicode_normalization::UnicodeNormalization::nfc(text.as_str()).collect();
    }
    Ok(Extraction {
        text,
        metadata: meta.finish(),
        fallback,
        kept_by,
    })
}

/// The fallbacks, in order, for a page whose selection found less than
/// `FALLBACK_MIN_CHARS` (`found` letters). The noscript view must then find
/// `SHORT_FACTOR` times as much (a forum's shell can hold the site's
/// one-line description). The hidden and body views run only when nothing
/// was found: on a page with a short text, hidden elements are more often
/// the slides of a slideshow or the panels of tabs than a page waiting for
/// its scripts. The last, `Main`, reads the page with figures shown too
/// (parsed again only if it has any) and takes what its declared main
/// element holds, links included.
fn broader(
    html: &str,
    options: &Options,
    include_comments: bool,
    thread: bool,
    found: u32,
    deadline: Option<Instant>,
) -> Result<Option<(String, Fallback)>, ExtractError> {
    let needed = FALLBACK_MIN_CHARS.max(SHORT_FACTOR * found);
    // What is shown now can declare the discussion (microdata in the
    // `<noscript>`); the rest of its metadata is the first parse's.
    let mut shown = metadata::MetaCollector::default();
    if raw_text::contains_ignoring_case(html.as_bytes(), b"<noscript") {
        let dom = parse(html, dom::View::Noscript, options, deadline, &mut shown)?;
        let mut texts = String::new();
        let blocks = blocks::blocks(&dom, &mut texts);
        let thread = thread || shown.is_discussion();
        let kept = select::main_content(&dom, &blocks, include_comments || thread, thread);
        check_deadline(deadline)?;
        if judged_chars(&blocks, &kept) >= needed {
            return Ok(Some((lines(&blocks, &kept), Fallback::Noscript)));
        }
    }
    if found > 0 {
        return Ok(None);
    }
    let dom = parse(html, dom::View::Revealed, options, deadline, &mut shown)?;
    let (mut texts, mut whole_texts) = (String::new(), String::new());
    let blocks = blocks::blocks(&dom, &mut texts);
    let thread = thread || shown.is_discussion();
    let include_comments = include_comments || thread;
    let kept = select::main_content(&dom, &blocks, include_comments, thread);
    check_deadline(deadline)?;
    if judged_chars(&blocks, &kept) >= needed {
        return Ok(Some((lines(&blocks, &kept), Fallback::Hidden)));
    }
    let kept = select::body(&dom, &blocks, include_comments);
    check_deadline(deadline)?;
    if judged_chars(&blocks, &kept) >= needed {
        return Ok(Some((lines(&blocks, &kept), Fallback::Body)));
    }
    // Figures are parsed again only if the page has some.
    let (dom, blocks) = if ["<figure", "<picture"]
        .iter()
        .any(|tag| raw_text::contains_ignoring_case(html.as_bytes(), tag.as_bytes()))
    {
        drop((dom, blocks));
        let dom = parse(html, dom::View::Whole, options, deadline, &mut shown)?;
        let blocks = blocks::blocks(&dom, &mut whole_texts);
        (dom, blocks)
    } else {
        (dom, blocks)
    };
    let kept = select::declared_main(&dom, &blocks, include_comments);
    check_deadline(deadline)?;
    if kept.iter().map(|&i| blocks[i].chars).sum::<u32>() >= needed {
        return Ok(Some((lines(&blocks, &kept), Fallback::Main)));
    }
    Ok(None)
}

/// Letters and digits in the kept blocks long enough to be judged: lines
/// too short to tell (menus, labels, a copyright line's fragments) do not
/// count towards a fallback.
fn judged_chars(blocks: &[blocks::Block], kept: &[usize]) -> u32 {
    kept.iter()
        .map(|&i| blocks[i].chars)
        .filter(|&c| c >= select::MIN_CHARS)
        .sum()
}

/// Drops the runs of kept blocks that repeat kept blocks before them, when
/// a run holds at least `REPEAT_MIN_CHARS` letters: shops write a product's
/// description twice (a layout for wide screens and one for narrow ones, a
/// tab and its accordion), and one is shown. A short repeat (a label, a
/// guarantee line under each section) stays.
fn drop_repeats(blocks: &[blocks::Block], kept: &mut Vec<usize>) {
    let mut seen = std::collections::HashSet::new();
    let repeated: Vec<bool> = kept.iter().map(|&i| !seen.insert(blocks[i].text)).collect();
    let mut drop = vec![false; kept.len()];
    let mut start = 0;
    while start < kept.len() {
        if !repeated[start] {
            start += 1;
            continue;
        }
        let end = (start..kept.len()).find(|&k| !repeated[k]).unwrap_or(kept.len());
        let letters: u32 = kept[start..end].iter().map(|&i| blocks[i].chars).sum();
        if letters >= REPEAT_MIN_CHARS {
            drop[start..end].iter_mut().for_each(|d| *d = true);
        }
        start = end;
    }
    let mut drop = drop.into_iter();
    kept.retain(|_| !drop.next().unwrap_or(false));
}

/// The kept blocks, one a line.
fn lines(blocks: &[blocks::Block], kept: &[usize]) -> String {
    let mut text = String::new();
    for &index in kept {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(blocks[index].text);
    }
    text
}

/// Letters in a run of repeated blocks for the run to be dropped.
const REPEAT_MIN_CHARS: u32 = 300;

fn check_deadline(deadline: Option<Instant>) -> Result<(), ExtractError> {
    if deadline.is_some_and(|d| Instant::now() > d) {
        return Err(ExtractError::Timeout);
    }
    Ok(())
}

/// Cuts what is never read, checks the depth, parses within the budgets and
/// lays the page out as `view` shows it.
fn parse(
    html: &str,
    view: dom::View,
    options: &Options,
    deadline: Option<Instant>,
    meta: &mut metadata::MetaCollector,
) -> Result<dom::Dom, ExtractError> {
    let noscript = match view {
        dom::View::Rendered => raw_text::Noscript::Cut,
        dom::View::Noscript | dom::View::Revealed | dom::View::Whole => raw_text::Noscript::Parse,
    };
    let (tree, _) = build_cut(html, noscript, options.max_depth, deadline)?;
    let limits = dom::Limits {
        max_depth: options.max_depth,
        deadline,
    };
    dom::flatten(tree, &limits, view, meta)
}

/// The tree of `html` without what [`raw_text::strip`] cuts: cut while
/// tokenizing, or, for the pages the tokenizer cannot cut as `strip` does
/// ([`tokenizer::Ended::NeedsStrippedCopy`]), from `strip`'s copy. Fails if
/// the page nests deeper than `max_depth` (by [`depth::Depth`]'s estimate) or
/// is over its budgets.
fn build_cut(
    html: &str,
    noscript: raw_text::Noscript,
    max_depth: usize,
    deadline: Option<Instant>,
) -> Result<(sink::Tree, CutRoute), ExtractError> {
    let budget = node_budget(html.len());
    let mut depth = depth::Depth::default();
    let cuts = raw_text::Cuts::new(noscript, &mut depth, max_depth);
    let cutting = sink::Tokenizing::OursCutting(cuts);
    match sink::build(html, budget, deadline, cutting) {
        (_, _, tokenizer::Ended::TooDeep) => Err(ExtractError::TooDeep),
        (_, Some(exceeded), _) => Err(exceeded.into()),
        (tree, None, tokenizer::Ended::Done) => Ok((tree, CutRoute::WhileTokenizing)),
        (_, None, tokenizer::Ended::NeedsStrippedCopy) => {
            let mut depth = depth::Depth::default();
            let html = raw_text::strip(html, noscript, &mut depth);
            if depth.deepest() > max_depth {
                return Err(ExtractError::TooDeep);
            }
            Ok((sink::parse(&html, budget, deadline)?, CutRoute::FromStrippedCopy))
        }
    }
}

/// How a page's tree was built without what [`raw_text::strip`] cuts.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutRoute {
    /// Cut while our tokenizer read the page.
    WhileTokenizing,
    /// From `strip`'s copy.
    FromStrippedCopy,
}

/// How extraction builds the tree of `html` (`None` if it fails to), for
/// tests: the fast route must stay the usual one.
#[doc(hidden)]
pub fn debug_cut_route(html: &str) -> Option<CutRoute> {
    let options = Options::default();
    let built = build_cut(html, raw_text::Noscript::Cut, options.max_depth, None);
    built.ok().map(|(_, route)| route)
}

/// The tree of `html` as html5ever's tree builder builds it from our
/// tokenizer and from html5ever's, each written out (one node per line), for
/// the page as it is and as extraction parses it (after [`raw_text::strip`],
/// with `<noscript>` cut and kept); then, for both, the tree our tokenizer
/// builds cutting as it goes and the one built from `strip`'s copy: what
/// `tests/tokenizer_parity.rs` compares. Not part of the API.
#[doc(hidden)]
pub fn tokenizer_parity_outlines(html: &str) -> [(String, String); 5] {
    let strip = |noscript| raw_text::strip(html, noscript, &mut depth::Depth::default());
    let (cut, kept) = (strip(raw_text::Noscript::Cut), strip(raw_text::Noscript::Parse));
    let [raw, cut_outlines, kept_outlines] = [html, &*cut, &*kept].map(|html| {
        let outline = |tokenizing| sink::build(html, usize::MAX, None, tokenizing).0.outline();
        (outline(sink::Tokenizing::Ours), outline(sink::Tokenizing::Html5ever))
    });
    let cutting = |noscript, stripped: &str| {
        let outline = match build_cut(html, noscript, usize::MAX, None) {
            Ok((tree, _)) => tree.outline(),
            Err(error) => error.to_string(),
        };
        (
            outline,
            sink::build(stripped, usize::MAX, None, sink::Tokenizing::Ours)
                .0
                .outline(),
        )
    };
    [
        raw,
        cut_outlines,
        kept_outlines,
        cutting(raw_text::Noscript::Cut, &cut),
        cutting(raw_text::Noscript::Parse, &kept),
    ]
}

impl From<budget::Exceeded> for ExtractError {
    fn from(exceeded: budget::Exceeded) -> Self {
        match exceeded {
            budget::Exceeded::Nodes => ExtractError::TooManyNodes,
            budget::Exceeded::Time => ExtractError::Timeout,
        }
    }
}

/// What parsing a page cost (for tests, the fuzz target and measurements).
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseCost {
    /// Bytes html5ever read (the page after `raw_text`).
    pub parsed_bytes: usize,
    /// Nodes built (the document, elements, text, comments, doctype).
    pub nodes: usize,
    /// What [`node_budget`] allowed.
    pub node_budget: usize,
    /// Why the parse was stopped, if it was.
    pub stopped: Option<ExtractError>,
}

/// Parses a page as [`extract`] does (size and depth limits aside) and says
/// what it cost.
#[doc(hidden)]
pub fn debug_parse_cost(html: &str, options: &Options) -> ParseCost {
    let started = Instant::now();
    let budget = node_budget(html.len());
    // The tree cut while tokenizing is the one built from `strip`'s copy.
    let html = raw_text::strip(html, raw_text::Noscript::Cut, &mut depth::Depth::default());
    let deadline = options.time_budget.map(|budget| started + budget);
    let (nodes, exceeded) = sink::parse_counting(&html, budget, deadline);
    ParseCost {
        parsed_bytes: html.len(),
        nodes,
        node_budget: budget,
        stopped: exceeded.map(ExtractError::from),
    }
}

/// Junk characters (C0 controls other than whitespace, DEL) and characters
/// in the sample [`looks_binary`] reads (for measurements).
#[doc(hidden)]
pub fn debug_junk_in_sample(text: &str) -> (usize, usize) {
    binary::junk_in_sample(text)
}

/// For development: the blocks of a page with their values and paths.
#[doc(hidden)]
pub fn debug_blocks(html: &str) -> String {
    let Ok(tree) = sink::parse(html, usize::MAX, None) else {
        return String::new();
    };
    let limits = dom::Limits {
        max_depth: 100_000,
        deadline: None,
    };
    let mut meta = metadata::MetaCollector::default();
    match dom::flatten(tree, &limits, dom::View::Rendered, &mut meta) {
        Ok(dom) => select::debug(&dom, &blocks::blocks(&dom, &mut String::new())),
        Err(e) => e.to_string(),
    }
}
