//! What an element's tag, `class`, `id` and `role` say about its content.
//!
//! Sites name their page chrome: `nav`, `sidebar`, `share-buttons`,
//! `related-posts`, `cookie-banner`, `comments`. The word lists below follow the
//! same idea as Readability's `unlikelyCandidates`/`positive`/`negative` patterns
//! (mozilla/readability `Readability.js`) and trafilatura's pruning expressions
//! (adbar/trafilatura `xpaths.py`, `OVERALL_DISCARD_XPATH`, `COMMENTS_XPATH`),
//! re-derived here as word matches over class and id names.
//!
//! A mark is a hint, not a verdict: the main-content selection decides how much
//! to trust it (a wrapper called `has-sidebar` around the whole page is not a
//! sidebar).

/// What the names of an element suggest, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Mark {
    /// Nothing.
    None,
    /// Probably not body text (bylines, dates, tag lists, article headers):
    /// dropped inside the main content, not held against a container.
    Weak,
    /// Names content, or the column around it (`main-content`, `post-text`).
    Content,
    /// Declares or names the article: by tag, role or microdata (`<article>`,
    /// `<main>`, `role="main"`, `itemprop="articleBody"`) or by a class or id
    /// such as `entry-content` or `article-body`.
    Main,
    /// User comments: boilerplate unless comments are asked for.
    Comments,
    /// Page chrome: navigation, sidebars, share buttons, related links, banners.
    Boiler,
    /// Overlays and prompts (dialogs, login forms, cookie and newsletter
    /// prompts): chrome whatever the page's other names say.
    Overlay,
    /// Chrome declared by the element's tag or ARIA role (`<nav>`, `<aside>`,
    /// `role="complementary"`) or by a name that is just the tag's word
    /// (`id="sidebar"`): authors do not wrap articles in those, so unlike other
    /// class names it holds however much text is inside.
    Declared,
}

impl Mark {
    /// The stronger of two marks.
    pub(crate) fn combine(self, other: Mark) -> Mark {
        self.max(other)
    }
}

/// The mark of a tag name alone.
pub(crate) fn mark_for_tag(name: &str) -> Mark {
    match name {
        "nav" | "aside" | "footer" | "menu" => Mark::Declared,
        "header" | "address" => Mark::Weak,
        "article" | "main" => Mark::Main,
        _ => Mark::None,
    }
}

/// The mark of an ARIA `role`.
pub(crate) fn mark_for_role(role: &str) -> Mark {
    match role.trim().to_ascii_lowercase().as_str() {
        "navigation" | "banner" | "contentinfo" | "complementary" | "menu" | "menubar" | "search" | "dialog"
        | "alertdialog" | "toolbar" => Mark::Declared,
        "main" | "article" => Mark::Main,
        _ => Mark::None,
    }
}

/// Substrings of a class or id name that mark page chrome.
const BOILER_SUBSTRINGS: &[&str] = &[
    "sidebar",
    "share",
    "sharing",
    "social",
    "related",
    "recommend",
    "breadcrumb",
    "navbar",
    "navigation",
    "footer",
    "masthead",
    "advert",
    "sponsor",
    "promo",
    "outbrain",
    "taboola",
    "pagination",
    "pager",
    "banner",
    "menu",
    "toolbar",
    "skip-link",
    "skiplink",
    "byline",
    "author-bio",
    "authorbio",
    "about-author",
    "author-box",
    "authorbox",
    "follow-us",
    "followus",
    "most-popular",
    "mostpopular",
    "trending",
    "read-more",
    "readmore",
    "more-stories",
    "jump-link",
    "sr-only",
    "screen-reader",
    "visually-hidden",
    "print-only",
    "rating",
    "copyright",
    "disclaimer",
    "disclosure",
    "metadata",
    "donat",
    "affiliate",
    "legal",
    "teaser",
];

/// Substrings of a class or id name that mark overlays and prompts: dialogs,
/// login and sign-up forms, cookie, newsletter and paywall prompts. Unlike
/// other chrome words they never name a part of an article (`Section--Ads`),
/// so they count even when those are not trusted.
const OVERLAY_SUBSTRINGS: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "subscri",
    "popup",
    "modal",
    "paywall",
    "signup",
    "sign-up",
    "login",
    "dialog",
];

/// Names that are, whole, what a chrome tag says (`id="sidebar"` is an
/// `<aside>`, `class="footer"` a `<footer>`): declared, unlike names that only
/// contain the word (`content-sidebar-wrap`, `has-footer`).
const DECLARING_NAMES: &[&[u8]] = &[b"sidebar", b"footer"];

/// Whole words (parts of a name split at `-`, `_` and spaces) that mark chrome.
fn is_boiler_word(word: &[u8]) -> bool {
    matches!(
        word,
        b"nav"
            | b"ad"
            | b"ads"
            | b"adv"
            | b"tags"
            | b"tag"
            | b"tagcloud"
            | b"keywords"
            | b"categories"
            | b"meta"
            | b"tools"
            | b"print"
            | b"email"
            | b"rss"
            | b"search"
            | b"header"
            | b"topbar"
            | b"masthead"
            | b"skip"
            | b"extra"
            | b"supplemental"
            | b"pagenav"
            | b"crumbs"
            | b"links"
            | b"sitemap"
            | b"secondary"
            | b"aside"
            | b"foot"
    )
}

/// Whole words that suggest secondary parts of an article.
fn is_weak_word(word: &[u8]) -> bool {
    matches!(
        word,
        b"author"
            | b"date"
            | b"time"
            | b"timestamp"
            | b"published"
            | b"posted"
            | b"dateline"
            | b"credit"
            | b"credits"
            | b"source"
            | b"caption"
            | b"info"
            | b"details"
            | b"subtitle"
    )
}

/// Substrings that mark user comments.
const COMMENT_SUBSTRINGS: &[&str] = &["comment", "kommentar", "disqus", "respond", "replies", "discussion"];

/// Substrings that name the content.
const CONTENT_SUBSTRINGS: &[&str] = &["content", "main", "text", "body"];

/// Substrings that name an article, not a layout region (`content` and
/// `main` also name the column around the sidebar). `entry` covers the hAtom
/// microformat's `hentry`, which WordPress puts on every post.
const ARTICLE_SUBSTRINGS: &[&str] = &["article", "entry", "post-body", "postbody", "story", "blog-post"];

/// Prefixes of names that describe what a post is about, not what an element
/// is (WordPress `post_class()`: `tag-barbados`, `category-sports`,
/// `type-post`…): they sit on the article element itself.
const TAXONOMY_PREFIXES: &[&[u8]] = &[
    b"tag-",
    b"category-",
    b"categories-",
    b"cat-",
    b"type-",
    b"format-",
    b"status-",
    b"post-type-",
    b"postid-",
];

/// What a substring found in a name says.
const BOILER: u8 = 1;
const COMMENTS: u8 = 2;
const CONTENT: u8 = 4;
const ARTICLE: u8 = 8;
const OVERLAY: u8 = 16;

/// All the substring lists in one automaton, so a name is read once rather
/// than once per substring (the lists' `contains` calls were the extractor's
/// largest single cost).
struct Substrings {
    automaton: aho_corasick::AhoCorasick,
    /// What each pattern, by index, marks.
    kinds: Vec<u8>,
}

static SUBSTRINGS: std::sync::LazyLock<Substrings> = std::sync::LazyLock::new(|| {
    let lists = [
        (BOILER_SUBSTRINGS, BOILER),
        (OVERLAY_SUBSTRINGS, OVERLAY),
        (COMMENT_SUBSTRINGS, COMMENTS),
        (CONTENT_SUBSTRINGS, CONTENT),
        (ARTICLE_SUBSTRINGS, ARTICLE),
    ];
    let patterns: Vec<&str> = lists.iter().flat_map(|(list, _)| list.iter().copied()).collect();
    let kinds = lists
        .iter()
        .flat_map(|(list, kind)| list.iter().map(move |_| *kind))
        .collect();
    let automaton = aho_corasick::AhoCorasick::new(patterns).expect("fixed patterns build");
    Substrings { automaton, kinds }
});

/// The kinds of all the substrings in a name (`lower` is `original`
/// lowercased). A match that starts a camelCase word without finishing it is
/// not one: `APageRoot` holds no `pager`, `mostPopular` holds `mostpopular`.
fn substring_kinds(lower: &[u8], original: &[u8]) -> u8 {
    let substrings = &*SUBSTRINGS;
    let cuts_a_word = |start: usize, end: usize| {
        let starts_a_word =
            (start + 1..end).any(|i| original[i].is_ascii_uppercase() && original[i - 1].is_ascii_lowercase());
        starts_a_word && original.get(end).is_some_and(|c| c.is_ascii_lowercase())
    };
    substrings
        .automaton
        .find_overlapping_iter(lower)
        .filter(|m| !cuts_a_word(m.start(), m.end()))
        .fold(0, |kinds, m| kinds | substrings.kinds[m.pattern().as_usize()])
}

/// The mark of a `class` or `id` value (space-separated names).
pub(crate) fn mark_for_names(value: &str) -> Mark {
    let mut mark = Mark::None;
    let mut buffer = [0u8; 64];
    for original in value.split_ascii_whitespace() {
        if original.len() > buffer.len() {
            continue;
        }
        let name = &mut buffer[..original.len()];
        name.copy_from_slice(original.as_bytes());
        name.make_ascii_lowercase();
        let name = &*name;
        if TAXONOMY_PREFIXES.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        let kinds = substring_kinds(name, original.as_bytes());
        if kinds & COMMENTS != 0 {
            mark = mark.combine(Mark::Comments);
        }
        let mut words = name.split(|&c| c == b'-' || c == b'_');
        if DECLARING_NAMES.contains(&name) {
            mark = mark.combine(Mark::Declared);
        } else if kinds & OVERLAY != 0 {
            mark = mark.combine(Mark::Overlay);
        } else if kinds & BOILER != 0 || words.clone().any(is_boiler_word) {
            mark = mark.combine(Mark::Boiler);
        } else if kinds & ARTICLE != 0 {
            mark = mark.combine(Mark::Main);
        } else if kinds & CONTENT != 0 {
            mark = mark.combine(Mark::Content);
        } else if words.any(is_weak_word) {
            mark = mark.combine(Mark::Weak);
        }
    }
    mark
}

/// Whether a `class` value names a photo caption or credit
/// (`wp-caption-text`, `credits`, `copyright`).
pub(crate) fn names_caption(value: &str) -> bool {
    [b"caption".as_slice(), b"credit", b"copyright"]
        .iter()
        .any(|word| crate::raw_text::contains_ignoring_case(value.as_bytes(), word))
}

/// Whether an inline `style` hides the element.
pub(crate) fn style_hides(style: &str) -> bool {
    const LONGEST: usize = 512;
    if style.len() > LONGEST {
        return false;
    }
    // Compacted on the stack: called on every `style` attribute of the page.
    let mut buffer = [0u8; LONGEST];
    let mut len = 0;
    for &c in style.as_bytes().iter().filter(|c| !c.is_ascii_whitespace()) {
        buffer[len] = c.to_ascii_lowercase();
        len += 1;
    }
    let compact = &buffer[..len];
    memchr::memmem::find(compact, b"display:none").is_some()
        || memchr::memmem::find(compact, b"visibility:hidden").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(mark_for_names("share-buttons"), Mark::Boiler);
        assert_eq!(mark_for_names("entry-content"), Mark::Main);
        assert_eq!(mark_for_names("main-content"), Mark::Content);
        assert_eq!(mark_for_names("post comments-area"), Mark::Comments);
        assert_eq!(mark_for_names("post-meta"), Mark::Boiler);
        assert_eq!(mark_for_names("canvas"), Mark::None);
        assert_eq!(mark_for_names("APageRoot__Wrapper"), Mark::None);
        assert_eq!(mark_for_names("mostPopular"), Mark::Boiler);
        assert_eq!(mark_for_names("vltShareTools"), Mark::Boiler);
        assert_eq!(mark_for_names("author"), Mark::Weak);
        assert_eq!(mark_for_names("sidebar"), Mark::Declared);
        assert_eq!(mark_for_names("b-dialog x-dialog-login"), Mark::Overlay);
        assert_eq!(mark_for_names("cookie-banner"), Mark::Overlay);
        assert_eq!(mark_for_names("editorial-disclosure"), Mark::Boiler);
        assert_eq!(mark_for_names("mvp-author-box-text"), Mark::Boiler);
        assert_eq!(mark_for_names("article-donation-CTA"), Mark::Boiler);
        assert_eq!(mark_for_names("kommentarModul"), Mark::Comments);
        assert_eq!(mark_for_names("content-sidebar-wrap"), Mark::Boiler);
        assert_eq!(mark_for_names("post hentry"), Mark::Main);
        assert!(names_caption("rte-paragraph__caption"));
        assert!(!names_caption("lead"));
        assert!(style_hides("color: red; display : none"));
    }
}
