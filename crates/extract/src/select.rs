//! Finding the main content: the element whose text is most article-like, minus
//! the chrome inside it.
//!
//! Every block gets a value: its letters and digits if it reads like running
//! text, negative if it is mostly link text (menus, headline lists) or sits in an
//! element named like chrome, zero if it is too short to tell (headings under `LONG_HEADING_CHARS`, dates,
//! buttons). An element's score is the sum of the values of the blocks inside
//! it; the main content is the highest-scoring element. This is the
//! "best subtree" idea of Readability (score paragraphs, credit their
//! ancestors) and of boilerplate detection by text and link density
//! (Kohlschütter et al. 2010, *Boilerplate detection using shallow text
//! features*), made exact: a wrapper wins over its child only when what it adds
//! is worth more than the chrome it adds; in a region named or declared as
//! the article (`<article>`, `entry-content`) scores count `ARTICLE_BONUS`
//! times, so a short post beats a longer "about" box. Inside the winner,
//! blocks in chrome (by name), link lists, teaser cards (`<article>`s or
//! rows of sibling slides that open with a linked title, after the article's
//! first paragraph), and headings and short lines left without the
//! content they introduce are dropped; a heading just before the
//! winner (the article's title) is kept, and so are up to two paragraphs of
//! running text between it and the winner (the lead, often in a header block
//! of its own). Siblings of the winner that score well on their own (an
//! article body split by an ad slot) are merged into it. A page without any
//! running text keeps what is neither chrome nor links. When a second
//! selection that ignores chrome-like class names finds several times the
//! text, names misled the first and the second is taken.
//!
//! On a listing page (search results, a paper list, a shop's category), the
//! selection is made of rows of one shape, each a linked title with text of
//! its own: inside the selection their link lists are kept, except the
//! buttons repeated from row to row ("Read more"). When the rows are all
//! links (job offers, headlines), the selection settles on an intro line;
//! a selection that short takes the page's largest listing, if it lies in
//! the element declared as the main content or runs to many rows.
//!
//! On a page that declares itself a discussion (a forum thread, a question
//! and its answers), the selection widens from the best post to the element
//! around every post, and bylines and dates stay with their posts.
//!
//! Name marks are hints weighed against the text they hold: a chrome-named
//! element with more than `WRAPPER_SHARE` of the page's running text is a
//! layout wrapper, as is declared chrome (`<aside>`) or a comment-named
//! element made largely of declared article content (broken markup, state
//! names), and running text inside chrome costs its container less than link
//! text does (`CHROME_PENALTY`), so a long comment thread does not push the
//! selection down to a single paragraph.

use crate::blocks::{Block, BlockKind};
use crate::boilerplate::Mark;
use crate::dom::{Dom, Tag, NONE};

/// Blocks shorter than this (letters and digits) are not judged on their own.
pub(crate) const MIN_CHARS: u32 = 25;
/// A heading this long (letters) is a paragraph set in heading type and
/// counts as text (150 to 200 measure the same).
const LONG_HEADING_CHARS: u32 = 150;
/// Weight of link text against running text.
const LINK_PENALTY: f64 = 0.5;
/// What running text inside chrome costs its container, per letter: less than
/// link text, since chrome blocks are dropped from the output anyway.
const CHROME_PENALTY: f64 = 0.6;
/// A weak-marked element (byline, date) holding more than this share of the
/// page's running text is a wrapper (`date-outer` around blog posts).
const WEAK_SHARE: f64 = 0.1;
/// A block with more link text than this share is a link list.
const MAX_LINK_DENSITY: f32 = 0.5;
/// A block of at least this many letters (not a heading) is prose with links
/// unless its link text reaches `LINKED_PROSE_MAX_LINK_DENSITY`.
const LINKED_PROSE_CHARS: u32 = 100;
const LINKED_PROSE_MAX_LINK_DENSITY: f32 = 0.8;
/// A chrome-named element holding more than this share of the page's running
/// text is a layout wrapper, not chrome.
const WRAPPER_SHARE: f64 = 0.3;

/// Chrome declared by tag or role, or a comment thread, is a wrapper only
/// when one piece of declared content inside holds this share of its running
/// text (an article is rarely less inside a wrapper, a teaser or a comment
/// rarely more inside a sidebar or a thread).
const ARTICLE_WRAPPER_SHARE: f64 = 0.3;

/// What being in an element declared or named as the article (`<article>`,
/// `class="entry-content"`) multiplies a candidate's score by when the
/// best is chosen: trafilatura looks for such elements first, Readability
/// weighs class names too. 4 to 6 measure the same.
const ARTICLE_BONUS: f64 = 5.0;

/// The same for a region named as content (`content`, `main`, `text`),
/// which also names the column around a sidebar (1.3 to 2 measure the same).
const CONTENT_BONUS: f64 = 1.5;

/// A sibling of the selected element scoring at least this share of it is part
/// of the article too (Readability's 0.2; 0.1–0.3 measure the same).
const SIBLING_SHARE: f64 = 0.2;
/// A sibling of its parent must score this share of it: one level further out,
/// only a second column of article text, not a sidebar (0.5–0.7 measure the
/// same; 0.3 and below let in sidebars).
const PARENT_SIBLING_SHARE: f64 = 0.6;

/// How many times the text a selection ignoring chrome-like names must find
/// to be taken instead (3 to 5 measure the same; trafilatura's 2 cost
/// daniel-multilingual 0.001).
const DISTRUST_FACTOR: f64 = 4.0;

/// A teaser card holds less than this share of the selected element's
/// running text (0.2 to 0.4 measure the same; without a bound, blog posts whose
/// title links to themselves were dropped)…
const TEASER_SHARE: f64 = 0.4;
/// …and all cards together less than this share (more: a listing page).
const TEASERS_SHARE: f64 = 0.7;

/// A sibling paragraph longer than this (letters) joins the selection if its
/// link density is under `PROSE_PARAGRAPH_LINK_DENSITY`.
const PROSE_PARAGRAPH_CHARS: u32 = 80;
const PROSE_PARAGRAPH_LINK_DENSITY: f32 = 0.25;

/// A lead paragraph before the body has at least this many letters (more
/// than a byline or a date line)…
const LEAD_CHARS: u32 = 100;
/// …at most this share of link text…
const LEAD_LINK_DENSITY: f32 = 0.2;
/// …and sits under the selected element's ancestor this many levels up, or
/// anywhere in the nearest element declared as the article around that
/// ancestor (the article's `<header>`).
const LEAD_LEVELS: usize = 3;
/// Lead paragraphs taken before the body, at most.
const MAX_LEADS: usize = 2;

/// The value of a block for the selection, ignoring marks.
fn value(block: &Block) -> f64 {
    let chars = block.chars as f64;
    let density = block.link_density();
    if block.kind == BlockKind::Heading && block.chars < LONG_HEADING_CHARS {
        return 0.0;
    }
    if block.chars < MIN_CHARS {
        return if density > MAX_LINK_DENSITY {
            -LINK_PENALTY * chars
        } else {
            0.0
        };
    }
    let v = chars * (1.0 - 2.0 * density as f64);
    if v < 0.0 {
        LINK_PENALTY * v
    } else {
        v
    }
}

/// Which blocks are the main content, in document order.
///
/// Class names can mislead: a site that names its article's sections
/// `Section--Ads` would lose the article to them. As trafilatura falls back
/// on Readability when that finds more than twice its text
/// (`compare_extraction` in adbar/trafilatura `external.py`), the selection
/// is made a second time with chrome-like names ignored (tags, roles and
/// comment threads still count), and taken if it finds `DISTRUST_FACTOR`
/// times the text.
pub(crate) fn main_content(dom: &Dom, blocks: &[Block], include_comments: bool, thread: bool) -> Vec<usize> {
    let kept = names_weighed(dom, blocks, include_comments, thread);
    with_listing(dom, blocks, include_comments, thread, kept)
}

/// The selection trusting names, or distrusting them if that finds
/// `DISTRUST_FACTOR` times the text.
fn names_weighed(dom: &Dom, blocks: &[Block], include_comments: bool, thread: bool) -> Vec<usize> {
    let trusting = select(dom, blocks, include_comments, thread, Names::Trusted);
    let chars = |kept: &[usize]| kept.iter().map(|&i| blocks[i].chars as f64).sum::<f64>();
    let enough = DISTRUST_FACTOR * chars(&trusting);
    // The second selection keeps no link lists: it cannot find more than the
    // page's other blocks hold.
    let could_find: f64 = blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Pre || !is_link_list(b))
        .map(|b| b.chars as f64)
        .sum();
    if could_find <= enough {
        return trusting;
    }
    let distrusting = select(dom, blocks, include_comments, thread, Names::Distrusted);
    if chars(&distrusting) > enough {
        distrusting
    } else {
        trusting
    }
}

/// A selection shorter than this (letters) may have missed a listing.
const SHORT_SELECTION_CHARS: f64 = 600.0;
/// How many times a short selection's letters the listing must hold…
const LISTING_FACTOR: f64 = 4.0;
/// …and at least this many.
const MIN_LISTING_CHARS: f64 = 200.0;
/// Rows a listing outside the element declared as the main content needs.
const MANY_ROWS: u32 = 10;

/// The selection, with the rows of the page's largest listing when the
/// selection is short and the listing holds `LISTING_FACTOR` times its text:
/// on a page of search results or job offers the rows are all link lists,
/// so the selection settles on an intro line or a heading.
fn with_listing(dom: &Dom, blocks: &[Block], include_comments: bool, thread: bool, kept: Vec<usize>) -> Vec<usize> {
    let found: f64 = kept.iter().map(|&i| blocks[i].chars as f64).sum();
    if thread || found >= SHORT_SELECTION_CHARS {
        return kept;
    }
    // Shops name their results `search-results`, and the rows are what the
    // page is for: chrome-like names are not trusted here, as in the second
    // selection (tags, roles, overlays and comment threads still count).
    let Some(rows) = listing_rows(dom, blocks, include_comments, found) else {
        return kept;
    };
    let mut out = kept;
    out.extend(rows);
    out.sort_unstable();
    out.dedup();
    out
}

/// The blocks of the page's largest listing, for `with_listing`.
fn listing_rows(dom: &Dom, blocks: &[Block], include_comments: bool, found: f64) -> Option<Vec<usize>> {
    let raw: Vec<f64> = blocks.iter().map(value).collect();
    let Chrome { positive, chrome, .. } = chrome(dom, blocks, &raw, include_comments, Names::Distrusted);
    let groups = groups(dom, blocks, &chrome);
    let (&key, group) = groups
        .iter()
        .filter(|(_, g)| g.is_listing(0))
        .max_by_key(|(&key, g)| (g.chars, std::cmp::Reverse(key)))?;
    if (group.chars as f64) < (LISTING_FACTOR * found).max(MIN_LISTING_CHARS) {
        return None;
    }
    let nodes = &dom.nodes;
    // Rows in the element declared or named as the page's main content or
    // article are its content; elsewhere only a long run of rows is (a
    // sidebar's latest posts with their excerpts are a few).
    let mut around = key.0 as usize;
    while around != 0 && nodes[around].element.as_ref().is_none_or(|e| e.mark != Mark::Main) {
        around = nodes[around].parent as usize;
    }
    if around == 0 && (group.items < MANY_ROWS || 2 * group.mixed < group.items) {
        return None;
    }
    let mut inside = vec![false; nodes.len()];
    for index in 1..nodes.len() {
        inside[index] = inside[nodes[index].parent as usize]
            || (chrome[index] == NONE
                && nodes[index].parent == key.0
                && nodes[index]
                    .element
                    .as_ref()
                    .is_some_and(|e| e.shape == key.1 && is_item_tag(e.tag)));
    }
    if article_apart(dom, &chrome, &positive, &inside, &|_| false) {
        return None;
    }
    let rows: Vec<usize> = (0..blocks.len())
        .filter(|&i| inside[blocks[i].owner as usize] && chrome[blocks[i].owner as usize] == NONE)
        .collect();
    let repeated = link_labels(blocks, rows.iter().copied());
    Some(
        rows.into_iter()
            .filter(|&i| !is_link_list(&blocks[i]) || repeated[&letters(blocks[i].text)] == 1)
            .collect(),
    )
}

/// Whether chrome-like class and id names (`Mark::Boiler`) count (overlay
/// names, `Mark::Overlay`, always do).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Names {
    Trusted,
    Distrusted,
}

/// What the names and tags around each element say, weighed against the
/// text they hold.
struct Chrome {
    /// Running text under each element.
    positive: Vec<f64>,
    /// Nearest chrome ancestor (or self) of each element, or `NONE`.
    chrome: Vec<u32>,
    /// Nearest weak-marked (byline, date) ancestor (or self), or `NONE`.
    weak: Vec<u32>,
}

/// Which elements are chrome and which are bylines; see the module docs.
fn chrome(dom: &Dom, blocks: &[Block], raw: &[f64], include_comments: bool, names: Names) -> Chrome {
    let nodes = &dom.nodes;
    let count = nodes.len();

    // Running text under each element, to tell chrome from wrappers.
    let mut positive = vec![0.0f64; count];
    for (block, &v) in blocks.iter().zip(raw) {
        if v > 0.0 {
            positive[block.owner as usize] += v;
        }
    }
    accumulate(dom, &mut positive);
    // The page's running text, comment threads aside (they can dwarf the
    // article; shares of the page are meant as shares of what could be it).
    let in_comments = within(dom, |mark| mark == Mark::Comments && !include_comments);
    let comment_text: f64 = blocks
        .iter()
        .zip(raw)
        .filter(|(b, &v)| v > 0.0 && in_comments[b.owner as usize])
        .map(|(_, &v)| v)
        .sum();
    let page = (positive[0] - comment_text).max(1.0);

    // The running text of the largest declared content (`<main>`,
    // `<article>`) under each element: a `<header>` or `<aside>` made largely
    // of it was left unclosed by broken markup and wraps the page.
    let mut main_inside = vec![0.0f64; count];
    for index in (1..count).rev() {
        if nodes[index].element.as_ref().is_some_and(|e| e.mark == Mark::Main) {
            main_inside[index] = main_inside[index].max(positive[index]);
        }
        let parent = nodes[index].parent;
        if parent != NONE {
            main_inside[parent as usize] = main_inside[parent as usize].max(main_inside[index]);
        }
    }

    // Comment threads and declared chrome do not hold articles: one that does
    // is a wrapper (unclosed, or named for a state like `has-comments`).
    let wraps_article =
        |index: usize| main_inside[index] > 0.0 && main_inside[index] >= ARTICLE_WRAPPER_SHARE * positive[index];

    // Nearest chrome-marked and weak-marked ancestor (or self) of each element.
    let mut chrome = vec![NONE; count];
    let mut weak = vec![NONE; count];
    for index in 0..count {
        let node = &nodes[index];
        let (mut c, mut w) = if node.parent == NONE {
            (NONE, NONE)
        } else {
            (chrome[node.parent as usize], weak[node.parent as usize])
        };
        if let Some(element) = &node.element {
            let is_chrome = match element.mark {
                Mark::Boiler => names == Names::Trusted && positive[index] < WRAPPER_SHARE * page,
                Mark::Overlay => positive[index] < WRAPPER_SHARE * page,
                Mark::Comments => !include_comments && !wraps_article(index),
                Mark::Declared => !wraps_article(index),
                _ => false,
            };
            if is_chrome {
                c = index as u32;
            }
            // Bylines and dates are short; a "date-outer" wrapping the posts is not.
            if element.mark == Mark::Weak && positive[index] < WEAK_SHARE * page {
                w = index as u32;
            }
        }
        chrome[index] = c;
        weak[index] = w;
    }
    Chrome { positive, chrome, weak }
}

/// One selection; see `main_content`.
fn select(dom: &Dom, blocks: &[Block], include_comments: bool, thread: bool, names: Names) -> Vec<usize> {
    let nodes = &dom.nodes;
    let count = nodes.len();
    let raw: Vec<f64> = blocks.iter().map(value).collect();
    let Chrome { positive, chrome, weak } = chrome(dom, blocks, &raw, include_comments, names);

    // Scores with chrome counted against its container.
    let mut score = vec![0.0f64; count];
    for (block, &v) in blocks.iter().zip(&raw) {
        let owner = block.owner as usize;
        // Chrome is dropped from the output anyway: its running text must not
        // pull the selection towards it, but it costs nothing to enclose.
        let v = if chrome[owner] != NONE {
            v.min(0.0) - CHROME_PENALTY * block.chars as f64
        } else {
            v
        };
        score[owner] += v;
    }
    accumulate(dom, &mut score);

    // Elements in an article-named region compete with their scores
    // multiplied: the article wins over a sidebar's longer "about" box, while
    // inside the article scores alone decide how much of it to take. A region
    // named as content (`main-content`) is weaker evidence.
    let in_article = within(dom, |mark| mark == Mark::Main);
    let in_content = within(dom, |mark| mark == Mark::Content);
    let rank: Vec<f64> = (0..count)
        .map(|index| {
            if in_article[index] && score[index] > 0.0 {
                score[index] * ARTICLE_BONUS
            } else if in_content[index] && score[index] > 0.0 {
                score[index] * CONTENT_BONUS
            } else {
                score[index]
            }
        })
        .collect();
    let mut best = 0usize;
    for index in 1..count {
        if nodes[index].element.is_none() {
            continue;
        }
        if rank[index] > rank[best] || (rank[index] == rank[best] && index < nodes[best].end as usize) {
            best = index;
        }
    }
    if score[best] <= 0.0 {
        return short_page(blocks, &chrome);
    }
    if thread {
        best = thread_container(dom, &chrome, &positive, best);
    }
    // Paragraphs that read as prose join the selection as siblings whatever
    // their score (a short sentence is worth little but belongs to the text).
    let mut prose = vec![false; count];
    for block in blocks {
        let owner = block.owner as usize;
        if nodes[owner].element.as_ref().is_some_and(|e| e.tag == Tag::P) {
            prose[owner] = is_prose(block);
        }
    }
    let ranges = with_siblings(dom, &rank, &chrome, &prose, best);
    // The ranges are disjoint and in document order: a binary search finds
    // the one around a block (a flat page can merge thousands of siblings).
    let range_of = |owner: u32| {
        let after = ranges.partition_point(|&(start, _)| start <= owner);
        ranges[..after]
            .last()
            .filter(|&&(_, end)| owner < end)
            .map(|&(start, _)| start)
    };

    let inside: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| range_of(b.owner).is_some())
        .map(|(i, _)| i)
        .collect();
    let teaser = teaser_cards(dom, blocks, &inside, &chrome, &positive, best);
    let selected: u32 = inside.iter().map(|&i| blocks[i].chars - blocks[i].link_chars).sum();
    let in_item = listing_items(
        dom,
        blocks,
        &chrome,
        &positive,
        selected,
        &|n| range_of(n).is_some(),
        thread,
    );
    // A listing's links are kept, its buttons not: a link whose text repeats
    // from row to row ("Read more", "Add to cart") is a call to action.
    // Numbers aside: "Comments (12)", "#3", "+2 / -1 Reply" repeat too.
    let repeated = link_labels(
        blocks,
        inside.iter().copied().filter(|&i| in_item[blocks[i].owner as usize]),
    );
    let keep: Vec<bool> = inside
        .iter()
        .map(|&i| {
            let block = &blocks[i];
            let owner = block.owner as usize;
            if chrome[owner] != NONE {
                return false;
            }
            if teaser[owner] {
                return false;
            }
            // In a thread, a post's author and date are part of it, and
            // forum software sets whole posts in `…-info` or `…-meta` cells.
            if weak[owner] != NONE && !thread && range_of(block.owner).is_some_and(|start| weak[owner] > start) {
                return false;
            }
            block.kind == BlockKind::Pre
                || !is_link_list(block)
                || (in_item[owner] && repeated[&letters(block.text)] == 1)
        })
        .collect();
    // The title and the lead (standfirst) often sit just outside the body's
    // element, in a header block of their own: a heading among the few short
    // blocks right before it, and up to two paragraphs of running text between
    // that heading and the body, are part of the article.
    let mut near = best;
    for _ in 0..LEAD_LEVELS {
        if nodes[near].parent != NONE && nodes[near].parent != 0 {
            near = nodes[near].parent as usize;
        }
    }
    let mut ancestor = best;
    while ancestor != 0 {
        if ancestor < near && nodes[ancestor].element.as_ref().is_some_and(|e| e.mark == Mark::Main) {
            near = ancestor;
            break;
        }
        ancestor = nodes[ancestor].parent as usize;
    }
    let (near_start, near_end) = (near as u32, nodes[near].end);
    let mut title = Vec::new();
    if let Some(&first) = inside.first() {
        let mut leads = 0;
        let mut passed = 0;
        let mut j = first;
        while j > 0 && first - j < 3 + 2 * leads + passed {
            j -= 1;
            let block = &blocks[j];
            let owner = block.owner as usize;
            if block.kind == BlockKind::Heading && chrome[owner] == NONE && !is_link_list(block) {
                title.push(j);
                break;
            }
            // Bylines, dates, photo captions, share bars and "read also"
            // boxes often sit between title, lead and body: passed over.
            if weak[owner] != NONE || (chrome[owner] != NONE && is_link_list(block)) {
                passed += 1;
                continue;
            }
            let comments = chrome[owner] != NONE
                && nodes[chrome[owner] as usize]
                    .element
                    .as_ref()
                    .is_some_and(|e| e.mark == Mark::Comments);
            if leads < MAX_LEADS
                && block.chars >= LEAD_CHARS
                && block.link_density() <= LEAD_LINK_DENSITY
                && !comments
                && block.owner >= near_start
                && block.owner < near_end
            {
                title.push(j);
                leads += 1;
                continue;
            }
            if block.chars >= MIN_CHARS {
                break;
            }
        }
    }
    title.reverse();
    // A heading or a short line ("Read more:", "Source: X") is kept only if
    // the text it introduces is: before a dropped link list or at the very
    // end, it belongs to the chrome.
    // One pass from the end: whether the next block that is not a label is
    // kept (a long run of labels costs no more than the run).
    let mut introduces_kept = vec![false; inside.len()];
    let mut next_kept = false;
    for (position, &i) in inside.iter().enumerate().rev() {
        introduces_kept[position] = next_kept;
        if !is_label(&blocks[i]) {
            next_kept = keep[position];
        }
    }
    let mut kept = title;
    kept.extend(
        inside
            .iter()
            .enumerate()
            .filter(|&(position, &i)| keep[position] && (!is_label(&blocks[i]) || introduces_kept[position]))
            .map(|(_, &i)| i),
    );
    kept
}

/// Which nodes are in a teaser card ("related posts", "more on this topic"):
/// an element inside the selection, after the article's first paragraph and
/// not around its best element, that is either declared or named as an
/// article and opens with a linked heading, or one of several siblings that
/// each open with a linked heading (labels, chrome and short lines before it
/// aside) and hold no heading that is not a link (slides: a kicker, a linked
/// title, an excerpt). A card holding `TEASER_SHARE` of the best element's
/// running text is a post in its own right, and a selection made
/// `TEASERS_SHARE` of cards is a listing page, whose cards are its content.
fn teaser_cards(
    dom: &Dom,
    blocks: &[Block],
    inside: &[usize],
    chrome: &[u32],
    positive: &[f64],
    best: usize,
) -> Vec<bool> {
    let nodes = &dom.nodes;
    // For each element after the best one: whether its first block is a
    // linked heading, and whether its first block that is neither chrome nor
    // too short to judge is; and how many headings in it are not links.
    let mut first_linked = vec![None; nodes.len()];
    let mut opens_linked = vec![None; nodes.len()];
    let mut plain_headings = vec![0u32; nodes.len()];
    for &i in inside {
        let block = &blocks[i];
        // A heading that links only to itself (`<h2><a href="#usage">`, as
        // documentation generators write section titles) opens a section.
        let linked = block.kind == BlockKind::Heading && is_link_list(block) && block.anchor_chars < block.link_chars;
        set_first(&mut first_linked, dom, block.owner, best, linked);
        if chrome[block.owner as usize] != NONE || (block.kind != BlockKind::Heading && block.chars < MIN_CHARS) {
            continue;
        }
        if block.kind == BlockKind::Heading && !linked {
            plain_headings[block.owner as usize] += 1;
        }
        set_first(&mut opens_linked, dom, block.owner, best, linked);
    }
    accumulate(dom, &mut plain_headings);
    // Teasers follow the article: none before its first paragraph.
    let body = inside
        .iter()
        .map(|&i| &blocks[i])
        .find(|b| chrome[b.owner as usize] == NONE && value(b) > 0.0)
        .map_or(nodes.len(), |b| b.owner as usize);
    let small = |index: usize| index > body && positive[index] < TEASER_SHARE * positive[best];
    let slide = |index: usize| plain_headings[index] == 0 && opens_linked[index] == Some(true) && small(index);
    let mut slides = vec![0u32; nodes.len()];
    for index in best + 1..nodes.len() {
        if nodes[index].element.is_some() && slide(index) {
            slides[nodes[index].parent as usize] += 1;
        }
    }
    // The nearest card below the best element, around each node.
    let mut card = vec![NONE; nodes.len()];
    for index in best + 1..nodes.len() {
        let parent = nodes[index].parent as usize;
        let is_article = nodes[index].element.as_ref().is_some_and(|e| e.mark == Mark::Main);
        let is_card =
            (is_article && first_linked[index] == Some(true) && small(index)) || (slide(index) && slides[parent] >= 2);
        card[index] = if is_card { index as u32 } else { card[parent] };
    }
    let teasers: f64 = (best + 1..nodes.len())
        .filter(|&c| card[c] == c as u32 && card[nodes[c].parent as usize] == NONE)
        .map(|c| positive[c])
        .sum();
    if teasers >= TEASERS_SHARE * positive[best] {
        return vec![false; nodes.len()];
    }
    card.iter().map(|&c| c != NONE).collect()
}

/// Siblings of one shape (name and first class name) a listing's rows
/// repeat, at least.
const MIN_ITEMS: u32 = 4;
/// The items of a listing hold at least this share of the selection's text.
const LISTING_SHARE: f64 = 0.7;
/// No item holds more than this share of its listing's text (rows are alike;
/// a wrapper around the article among small boxes is not a row).
const ITEM_SHARE: f64 = 0.4;
/// Letters outside links an item holds on average, at most: a row has a
/// title and a description or a price, not an article's sections or a blog's
/// whole posts.
const ITEM_OWN_CHARS: u32 = 400;
/// A row that is all links (a card wrapped in its link) holds at least this
/// many lines: a title, a company, a place, a price; a menu's item is one.
const CARD_LINES: u32 = 5;
/// Running text of an article declared or named beside a listing that makes
/// the listing's rows teasers.
const ARTICLE_APART_CHARS: f64 = 200.0;

/// Which nodes are in a listing's item: one of at least `MIN_ITEMS` sibling
/// elements of the same shape (name and first class name), outside chrome,
/// most of which hold a link list and text of their own (a linked title and
/// a description, authors and subjects, a price), alike in size, short on
/// average (`ITEM_OWN_CHARS`), and together holding `LISTING_SHARE` of the
/// selection's text outside links. A menu's items are bare links and stay
/// link lists; an article's sections and a blog's whole posts are too long.
fn listing_items(
    dom: &Dom,
    blocks: &[Block],
    chrome: &[u32],
    positive: &[f64],
    selected_own: u32,
    selected: &dyn Fn(u32) -> bool,
    thread: bool,
) -> Vec<bool> {
    let nodes = &dom.nodes;
    let count = nodes.len();
    if thread {
        return vec![false; count];
    }
    let groups = groups(dom, blocks, chrome);
    let is_item = |index: usize| {
        nodes[index].element.as_ref().is_some_and(|e| {
            is_item_tag(e.tag)
                && chrome[index] == NONE
                && groups
                    .get(&(nodes[index].parent, e.shape))
                    .is_some_and(|g| g.is_listing(selected_own))
        })
    };
    let mut inside = vec![false; count];
    for index in 1..count {
        inside[index] = inside[nodes[index].parent as usize] || is_item(index);
    }
    if article_apart(dom, chrome, positive, &inside, selected) {
        inside.fill(false);
    }
    inside
}

/// The sibling elements of each shape under each parent (keyed by both),
/// outside chrome, that could be a listing's rows, and what they hold.
fn groups(
    dom: &Dom,
    blocks: &[Block],
    chrome: &[u32],
) -> std::collections::HashMap<(u32, u32), Group, foldhash::fast::RandomState> {
    let nodes = &dom.nodes;
    let count = nodes.len();
    let mut held = vec![Held::default(); count];
    for block in blocks {
        let owner = &mut held[block.owner as usize];
        owner.chars += block.chars;
        owner.links += block.link_chars;
        owner.link_lists += is_link_list(block) as u32;
        owner.lines += (block.chars > 0) as u32;
    }
    accumulate(dom, &mut held);
    let mut groups: std::collections::HashMap<(u32, u32), Group, foldhash::fast::RandomState> = Default::default();
    for index in 1..count {
        let Some(element) = &nodes[index].element else { continue };
        if !is_item_tag(element.tag) || chrome[index] != NONE {
            continue;
        }
        let Held {
            chars,
            links,
            link_lists,
            lines,
        } = held[index];
        let group = groups.entry((nodes[index].parent, element.shape)).or_default();
        group.items += 1;
        group.chars += chars;
        group.own += chars - links;
        group.largest = group.largest.max(chars);
        if link_lists > 0 && chars > links {
            group.mixed += 1;
        } else if link_lists > 0 && lines >= CARD_LINES {
            group.cards += 1;
        }
    }
    groups
}

/// What a subtree's blocks hold, for [`groups`]: added up in one pass.
#[derive(Clone, Copy, Default)]
struct Held {
    chars: u32,
    links: u32,
    link_lists: u32,
    lines: u32,
}

impl std::ops::AddAssign for Held {
    fn add_assign(&mut self, other: Held) {
        self.chars += other.chars;
        self.links += other.links;
        self.link_lists += other.link_lists;
        self.lines += other.lines;
    }
}

/// Whether an element declared or named as an article, with
/// `ARTICLE_APART_CHARS` of running text and no row of a listing inside
/// (`inside` marks the rows and what they hold), stands apart from the
/// listing: in the selection, or elsewhere on the page outside declared
/// chrome and comment threads.
fn article_apart(dom: &Dom, chrome: &[u32], positive: &[f64], inside: &[bool], selected: &dyn Fn(u32) -> bool) -> bool {
    let nodes = &dom.nodes;
    let count = nodes.len();
    let mut rows_below = vec![0u32; count];
    for index in 1..count {
        rows_below[index] = (inside[index] && !inside[nodes[index].parent as usize]) as u32;
    }
    accumulate(dom, &mut rows_below);
    (1..count).any(|index| {
        nodes[index].element.as_ref().is_some_and(|e| e.mark == Mark::Main)
            && !inside[index]
            && rows_below[index] == 0
            && positive[index] >= ARTICLE_APART_CHARS
            && (chrome[index] == NONE
                || selected(index as u32)
                || nodes[chrome[index] as usize]
                    .element
                    .as_ref()
                    .is_some_and(|c| c.mark == Mark::Boiler))
    })
}

/// How many of the link lists among `blocks[among]` carry each label (their
/// [`letters`]): a label on more than one row is a button.
fn link_labels(
    blocks: &[Block],
    among: impl Iterator<Item = usize>,
) -> std::collections::HashMap<String, u32, foldhash::fast::RandomState> {
    let mut labels: std::collections::HashMap<String, u32, foldhash::fast::RandomState> = Default::default();
    for i in among.filter(|&i| is_link_list(&blocks[i])) {
        *labels.entry(letters(blocks[i].text)).or_default() += 1;
    }
    labels
}

/// The letters of a text, lowercased: what a repeated button's labels share.
fn letters(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Sibling elements of one shape.
#[derive(Default)]
struct Group {
    items: u32,
    /// Items holding both a link list (a title, a name) and text of their own.
    mixed: u32,
    /// Items that are all links, of `CARD_LINES` lines or more (cards
    /// wrapped in their link).
    cards: u32,
    /// Letters in all items, and outside their links.
    chars: u32,
    own: u32,
    /// Letters in the largest item.
    largest: u32,
}

impl Group {
    /// Whether the group is a listing in a selection with `selected_own`
    /// letters outside links.
    fn is_listing(&self, selected_own: u32) -> bool {
        self.items >= MIN_ITEMS
            && 2 * (self.mixed + self.cards) >= self.items
            && self.own as f64 >= LISTING_SHARE * selected_own as f64
            && self.largest as f64 <= ITEM_SHARE * self.chars as f64
            && self.own <= ITEM_OWN_CHARS * self.items
    }
}

/// Whether elements with this tag can be a listing's items: rows, list
/// items and generic boxes, not paragraphs (an article's paragraphs repeat
/// one shape too) or headings.
fn is_item_tag(tag: Tag) -> bool {
    matches!(tag, Tag::Block | Tag::ListItem | Tag::Row)
}

/// On a discussion page, the posts: the element around the selected one
/// and every post of the thread, a post being an element declared or named
/// as an article (`<article>`, `post-body`) with running text outside
/// chrome. Forum software sets each post in an element of its own, and the
/// best-scoring one is only the longest.
fn thread_container(dom: &Dom, chrome: &[u32], positive: &[f64], best: usize) -> usize {
    let nodes = &dom.nodes;
    let mut container = best;
    let mut index = 1;
    while index < nodes.len() {
        let node = &nodes[index];
        let is_post = chrome[index] == NONE
            && positive[index] >= MIN_CHARS as f64
            && node.element.as_ref().is_some_and(|e| e.mark == Mark::Main);
        if !is_post {
            index += 1;
            continue;
        }
        while container != 0 && !(container <= index && index < nodes[container].end as usize) {
            container = nodes[container].parent as usize;
        }
        // Posts nested in a post are inside it already.
        index = (node.end as usize).max(index + 1);
    }
    container
}

/// Records `value` for the element `owner` and its ancestors after `best`
/// that have none yet: each keeps what its first block said.
fn set_first(first: &mut [Option<bool>], dom: &Dom, owner: u32, best: usize, value: bool) {
    let mut n = owner as usize;
    while n > best && first[n].is_none() {
        first[n] = Some(value);
        n = dom.nodes[n].parent as usize;
    }
}

/// The broadest extraction, for a page where the selection found nothing:
/// every block that is neither chrome (by tag, role, name or comment
/// thread, as the selection judges it) nor a link list, as trafilatura's
/// baseline takes the body's text when its own selection fails.
pub(crate) fn body(dom: &Dom, blocks: &[Block], include_comments: bool) -> Vec<usize> {
    let raw: Vec<f64> = blocks.iter().map(value).collect();
    let chrome = chrome(dom, blocks, &raw, include_comments, Names::Trusted).chrome;
    blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| chrome[b.owner as usize] == NONE && (b.kind == BlockKind::Pre || !is_link_list(b)))
        .map(|(i, _)| i)
        .collect()
}

/// The last fallback, for a page made only of menus and cards: every block
/// inside the element the page declares or names as its main content
/// (`<main>`, `role="main"`, `<article>`), link lists and short lines
/// included (a shop's grid of categories is all links), except chrome
/// declared inside it by tag or role (class names are not trusted, as for
/// a listing: shops name their grids `promo-tiles`).
pub(crate) fn declared_main(dom: &Dom, blocks: &[Block], include_comments: bool) -> Vec<usize> {
    let raw: Vec<f64> = blocks.iter().map(value).collect();
    let chrome = chrome(dom, blocks, &raw, include_comments, Names::Distrusted).chrome;
    let inside = within(dom, |mark| mark == Mark::Main);
    blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| inside[b.owner as usize] && chrome[b.owner as usize] == NONE)
        .map(|(i, _)| i)
        .collect()
}

/// A page without a single block of running text (a short note, a page of
/// headings and captions): what is not chrome and not a link list is its
/// content, as trafilatura's baseline takes the whole body when its own
/// selection finds nothing.
fn short_page(blocks: &[Block], chrome: &[u32]) -> Vec<usize> {
    let outside_chrome = || {
        blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| chrome[b.owner as usize] == NONE)
    };
    let (chars, link_chars) = outside_chrome().fold((0, 0), |(c, l), (_, b)| (c + b.chars, l + b.link_chars));
    if link_chars as f32 > MAX_LINK_DENSITY * chars as f32 {
        return Vec::new();
    }
    outside_chrome()
        .filter(|(_, b)| !is_link_list(b))
        .map(|(i, _)| i)
        .collect()
}

/// Whether a block is links rather than text: more link text than
/// `MAX_LINK_DENSITY`, or, once it is long enough to be prose with many links
/// (a paragraph of names, each linked), more than `LINKED_PROSE_MAX_LINK_DENSITY`
/// (trafilatura's `link_density_test` removes only short link-dense elements).
fn is_link_list(block: &Block) -> bool {
    let density = block.link_density();
    if block.chars >= LINKED_PROSE_CHARS && block.kind != BlockKind::Heading {
        density >= LINKED_PROSE_MAX_LINK_DENSITY
    } else {
        density > MAX_LINK_DENSITY
    }
}

/// Whether a paragraph reads as prose: long with few links, or a linkless
/// sentence (Readability's test for sibling paragraphs in `_grabArticle`:
/// over 80 characters and link density under 0.25, or shorter, without
/// links and with a full stop; other scripts' sentence ends added).
pub(crate) fn is_prose(block: &Block) -> bool {
    let density = block.link_density();
    if block.chars > PROSE_PARAGRAPH_CHARS {
        return density < PROSE_PARAGRAPH_LINK_DENSITY;
    }
    let text = block.text.trim_end();
    block.chars > 0 && density == 0.0 && (text.contains(". ") || text.ends_with(['.', '!', '?', '。', '！', '？', '…']))
}

/// Whether a block only labels what follows: a heading, or a line too short
/// to be judged on its own that is not a list item, a table row or code.
fn is_label(block: &Block) -> bool {
    block.kind == BlockKind::Heading
        || (block.chars < MIN_CHARS && !matches!(block.kind, BlockKind::Pre | BlockKind::ListItem | BlockKind::Row))
}

/// The selected element, those of its siblings that score at least
/// `SIBLING_SHARE` of it on their own and those of its parent's siblings that
/// score at least `PARENT_SIBLING_SHARE` of it, as node ranges in document
/// order: an article split over sibling elements (a body cut by an ad slot, a
/// second column) is whole again without taking the parent's chrome.
/// Readability does the first level (`_grabArticle` in mozilla/readability
/// `Readability.js`: siblings scoring ≥ 20 % of the top candidate are
/// appended, and `prose` paragraphs whatever their score); the second,
/// stricter level is ours.
fn with_siblings(dom: &Dom, rank: &[f64], chrome: &[u32], prose: &[bool], best: usize) -> Vec<(u32, u32)> {
    let nodes = &dom.nodes;
    let mut ranges = vec![(best as u32, nodes[best].end)];
    let mut current = best;
    for share in [SIBLING_SHARE, PARENT_SIBLING_SHARE] {
        let parent = nodes[current].parent;
        if parent == NONE {
            break;
        }
        let threshold = share * rank[best];
        let mut merged = Vec::new();
        let mut child = parent as usize + 1;
        let end = nodes[parent as usize].end as usize;
        while child < end {
            let next = (nodes[child].end as usize).max(child + 1);
            if child == current {
                merged.append(&mut ranges);
            } else if nodes[child].element.is_some()
                && chrome[child] == NONE
                && (rank[child] >= threshold || (share == SIBLING_SHARE && prose[child]))
            {
                merged.push((child as u32, next as u32));
            }
            child = next;
        }
        ranges = merged;
        current = parent as usize;
    }
    ranges
}

/// Whether each node is an element whose mark passes `test`, or inside one.
fn within(dom: &Dom, test: impl Fn(Mark) -> bool) -> Vec<bool> {
    let nodes = &dom.nodes;
    let mut inside = vec![false; nodes.len()];
    for index in 1..nodes.len() {
        inside[index] =
            inside[nodes[index].parent as usize] || nodes[index].element.as_ref().is_some_and(|e| test(e.mark));
    }
    inside
}

/// Adds every element's value into its ancestors'' (children follow parents).
fn accumulate<T: Copy + std::ops::AddAssign>(dom: &Dom, values: &mut [T]) {
    for index in (1..dom.nodes.len()).rev() {
        let parent = dom.nodes[index].parent;
        if parent != NONE {
            values[parent as usize] += values[index];
        }
    }
}

/// For development: the best candidates and their scores.
#[doc(hidden)]
pub fn debug(dom: &Dom, blocks: &[Block]) -> String {
    let nodes = &dom.nodes;
    let mut score = vec![0.0f64; nodes.len()];
    for block in blocks {
        score[block.owner as usize] += value(block);
    }
    accumulate(dom, &mut score);
    let kept: std::collections::HashSet<usize> = main_content(dom, blocks, false, false).into_iter().collect();
    let mut out = String::new();
    for (i, b) in blocks.iter().enumerate().take(20_000) {
        let mut path = Vec::new();
        let mut n = b.owner;
        while n != NONE {
            if let Some(e) = &nodes[n as usize].element {
                path.push(format!(
                    "{n}:{:?}{}",
                    e.tag,
                    if e.mark != Mark::None {
                        format!("[{:?}]", e.mark)
                    } else {
                        String::new()
                    }
                ));
            }
            n = nodes[n as usize].parent;
        }
        path.reverse();
        out.push_str(&format!(
            "{}{i} v={:.0} ld={:.2} {} | {}\n",
            if kept.contains(&i) { "*" } else { "" },
            value(b),
            b.link_density(),
            path.join(">"),
            b.text.replace('\n', " ")
        ));
    }
    out
}
