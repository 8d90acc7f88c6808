//! Several extraction strategies from one parse.
//!
//! Extractors disagree on which pages have content and on how much of it:
//! Apple, Stanford and UW (arXiv 2602.19548) found that the union of three
//! extractors' outputs held 71 % more tokens than any one of them at equal
//! downstream scores, and that only 39 % of pages were kept by more than one.
//! Running three extractors costs three parses; here the strategies are three
//! selections over the same blocks of the same parsed page.
//!
//! - `default`: the main content as `select::main_content` scores it.
//! - `precision`: the running text of the default selection only: paragraphs
//!   that read as prose, code, and the headings that introduce them.
//! - `recall`: every block that is neither chrome nor a link list
//!   (`select::body`), close to resiliparse's main-content rule (drop the
//!   page's navigation, headers, footers and asides, keep the rest).
//! - `union`: the blocks any of them keeps, in document order.

use crate::blocks::{Block, BlockKind};
use crate::dom::Dom;
use crate::select;

/// Which blocks extraction keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Strategy {
    /// The main content, as the selection scores it.
    #[default]
    Default,
    /// The default selection's prose, code and the headings before them.
    Precision,
    /// Every block that is neither chrome nor a link list.
    Recall,
    /// The blocks any of the others keeps, in document order.
    Union,
}

impl Strategy {
    /// Every strategy, in the order of their names in metadata.
    pub const ALL: [Strategy; 4] = [
        Strategy::Default,
        Strategy::Precision,
        Strategy::Recall,
        Strategy::Union,
    ];

    /// The strategy's name in configurations and metadata.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Default => "default",
            Strategy::Precision => "precision",
            Strategy::Recall => "recall",
            Strategy::Union => "union",
        }
    }

    /// The strategy named `name`.
    pub fn from_name(name: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The blocks `strategy` keeps, `main` giving the default selection (not
/// computed for `recall`, which does not need it), and for `union` the
/// strategies that keep at least one block.
pub(crate) fn apply(
    strategy: Strategy,
    dom: &Dom,
    blocks: &[Block],
    main: impl FnOnce() -> Vec<usize>,
    include_comments: bool,
) -> (Vec<usize>, Vec<Strategy>) {
    match strategy {
        Strategy::Default => (main(), Vec::new()),
        Strategy::Precision => (precise(blocks, &main()), Vec::new()),
        Strategy::Recall => (select::body(dom, blocks, include_comments), Vec::new()),
        Strategy::Union => {
            let main = main();
            let broad = select::body(dom, blocks, include_comments);
            // `precise` keeps from `main`: its blocks add nothing to the union,
            // and it keeps some exactly when `main` holds running text.
            let has_text = main
                .iter()
                .any(|&i| blocks[i].kind != BlockKind::Heading && is_text(&blocks[i]));
            let kept_by = [
                (Strategy::Default, !main.is_empty()),
                (Strategy::Precision, has_text),
                (Strategy::Recall, !broad.is_empty()),
            ]
            .into_iter()
            .filter_map(|(s, kept)| kept.then_some(s))
            .collect();
            let mut union = main;
            union.extend(broad);
            union.sort_unstable();
            union.dedup();
            (union, kept_by)
        }
    }
}

/// What `precision` keeps of a selection besides headings: prose and code.
fn is_text(block: &Block) -> bool {
    block.kind == BlockKind::Pre || select::is_prose(block)
}

/// The running text of a selection: its prose paragraphs and code, and each
/// heading whose next kept block other than a heading is one of those. One
/// pass from the end, so a page of headings costs no more than its length.
fn precise(blocks: &[Block], kept: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(kept.len());
    let mut text_follows = false;
    for &i in kept.iter().rev() {
        let block = &blocks[i];
        if block.kind == BlockKind::Heading {
            if text_follows {
                out.push(i);
            }
        } else {
            text_follows = is_text(block);
            if text_follows {
                out.push(i);
            }
        }
    }
    out.reverse();
    out
}
