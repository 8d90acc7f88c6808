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

pub use binary::looks_binary;
pub use budget::{node_budget, BYTES_PER_NODE, MIN_NODES};
pub use metadata::PageMetadata;
pub use sniff::{looks_like_html, mime_is_html};

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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            include_comments: false,
            max_bytes: 8 << 20,
            max_depth: 512,
            time_budget: Some(Duration::from_secs(2)),
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
}

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
pub fn extract(html: &str, options: &Options) -> Result<Extraction, ExtractError> {
    if html.len() > options.max_bytes {
        return Err(ExtractError::TooLarge);
    }
    let started = Instant::now();
    let mut depth = depth::Depth::default();
    let html = raw_text::strip(html, &mut depth);
    if depth.deepest() > options.max_depth {
        return Err(ExtractError::TooDeep);
    }
    let deadline = options.time_budget.map(|budget| started + budget);
    let tree = sink::parse(&html, node_budget(html.len()), deadline)?;
    let limits = dom::Limits {
        max_depth: options.max_depth,
        deadline,
    };
    let mut meta = metadata::MetaCollector::default();
    let dom = dom::flatten(tree, &limits, &mut meta)?;
    let blocks = blocks::blocks(&dom);
    let kept = select::main_content(&dom, &blocks, options.include_comments);
    if deadline.is_some_and(|d| Instant::now() > d) {
        return Err(ExtractError::Timeout);
    }
    let mut text = String::new();
    for index in kept {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&blocks[index].text);
    }
    // Composed as trafilatura's output is (NFC): the same words, the same
    // code points, whatever the page's editor produced.
    if unicode_normalization::is_nfc_quick(text.chars()) != unicode_normalization::IsNormalized::Yes {
        text = unicode_normalization::UnicodeNormalization::nfc(text.as_str()).collect();
    }
    Ok(Extraction {
        text,
        metadata: meta.finish(),
    })
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
    let html = raw_text::strip(html, &mut depth::Depth::default());
    let deadline = options.time_budget.map(|budget| started + budget);
    let budget = node_budget(html.len());
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
    match dom::flatten(tree, &limits, &mut meta) {
        Ok(dom) => select::debug(&dom, &blocks::blocks(&dom)),
        Err(e) => e.to_string(),
    }
}
