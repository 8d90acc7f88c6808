//! The page as a sequence of text blocks, the unit that extraction keeps or drops.
//!
//! A block is the text between two block-level boundaries (paragraph, heading,
//! list item, table row, `pre`, `div`…), with inline markup flattened and
//! whitespace collapsed as a browser renders it; `<br>` becomes a line break
//! inside the block. Each block remembers its *owner* (the innermost block-level
//! element around it) and how much of its text is link text, the two facts the
//! selection works from. Table rows whose cells hold only inline content become
//! one line, cells separated by ` | `; layout tables (cells holding blocks) are
//! treated like nested `div`s. `pre` keeps its whitespace and line breaks.

use crate::dom::{Dom, Tag, NONE};

/// What kind of block the owner makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Paragraph,
    Heading,
    ListItem,
    Row,
    Pre,
    Other,
}

/// One block of text.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// Arena index of the innermost block-level element around the text.
    pub owner: u32,
    pub kind: BlockKind,
    pub text: String,
    /// Letters and digits in the text.
    pub chars: u32,
    /// Letters and digits inside links.
    pub link_chars: u32,
    /// Sentence punctuation marks (Latin and CJK).
    #[allow(dead_code)]
    pub punctuation: u32,
}

impl Block {
    /// Share of the text that is link text, 0 to 1.
    pub(crate) fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

/// A block being filled.
struct Open {
    owner: u32,
    text: String,
    chars: u32,
    link_chars: u32,
    punctuation: u32,
    space: bool,
}

impl Open {
    fn new(owner: u32) -> Self {
        Open {
            owner,
            text: String::new(),
            chars: 0,
            link_chars: 0,
            punctuation: 0,
            space: false,
        }
    }

    fn push_text(&mut self, text: &str, in_link: bool, keep_whitespace: bool) {
        for c in text.chars() {
            if keep_whitespace {
                if c == '\r' {
                    continue;
                }
                self.text.push(c);
            } else if c.is_whitespace() {
                self.space = true;
                continue;
            } else {
                if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.text.push(' ');
                }
                self.space = false;
                self.text.push(c);
            }
            if c.is_alphanumeric() {
                self.chars += 1;
                if in_link {
                    self.link_chars += 1;
                }
            } else if matches!(
                c,
                '.' | ',' | ';' | ':' | '!' | '?' | '。' | '，' | '、' | '；' | '：' | '！' | '？'
            ) {
                self.punctuation += 1;
            }
        }
    }

    fn line_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.space = false;
    }
}

/// Cuts the page into blocks, in document order.
pub(crate) fn blocks(dom: &Dom) -> Vec<Block> {
    let nodes = &dom.nodes;
    // Rows whose cells hold only inline content are written as one line.
    let mut holds_blocks = vec![false; nodes.len()];
    for index in (1..nodes.len()).rev() {
        let node = &nodes[index];
        let parent = node.parent;
        if parent == NONE {
            continue;
        }
        let blockish = node
            .element
            .as_ref()
            .is_some_and(|e| e.tag.is_block() && !matches!(e.tag, Tag::Cell | Tag::Break));
        if blockish || holds_blocks[index] {
            holds_blocks[parent as usize] = true;
        }
    }

    let mut out = Vec::new();
    // Open elements: (index, end, is block boundary, is link, starts pre, flat row).
    let mut stack: Vec<(u32, u32)> = Vec::new();
    let mut owners: Vec<u32> = vec![0];
    let mut links = 0u32;
    let mut pre = 0u32;
    let mut flat_rows = 0u32;
    let mut open = Open::new(0);
    for (index, node) in nodes.iter().enumerate() {
        let index = index as u32;
        while let Some(&(top, end)) = stack.last() {
            if index < end {
                break;
            }
            stack.pop();
            close(
                dom,
                top,
                &mut open,
                &mut out,
                &mut owners,
                &mut links,
                &mut pre,
                &mut flat_rows,
                &holds_blocks,
            );
        }
        let Some(element) = &node.element else {
            let text = dom.text_of(node);
            open.push_text(text, links > 0, pre > 0);
            continue;
        };
        if index == 0 {
            continue;
        }
        stack.push((index, node.end));
        match element.tag {
            Tag::Link => links += 1,
            Tag::Br => open.line_break(),
            Tag::Inline => {}
            Tag::Cell if flat_rows > 0 && pre == 0 => {
                if !open.text.is_empty() {
                    open.text.push_str(" | ");
                    open.space = false;
                }
            }
            _ if pre > 0 => {
                if element.tag == Tag::Pre {
                    pre += 1;
                }
            }
            tag => {
                flush(&mut open, &mut out, dom);
                if tag == Tag::Row && !holds_blocks[index as usize] {
                    flat_rows += 1;
                }
                if tag == Tag::Pre {
                    pre += 1;
                }
                if tag != Tag::Break {
                    owners.push(index);
                }
                open = Open::new(*owners.last().unwrap_or(&0));
            }
        }
    }
    while let Some((top, _)) = stack.pop() {
        close(
            dom,
            top,
            &mut open,
            &mut out,
            &mut owners,
            &mut links,
            &mut pre,
            &mut flat_rows,
            &holds_blocks,
        );
    }
    flush(&mut open, &mut out, dom);
    out
}

#[allow(clippy::too_many_arguments)]
fn close(
    dom: &Dom,
    index: u32,
    open: &mut Open,
    out: &mut Vec<Block>,
    owners: &mut Vec<u32>,
    links: &mut u32,
    pre: &mut u32,
    flat_rows: &mut u32,
    holds_blocks: &[bool],
) {
    let Some(element) = &dom.nodes[index as usize].element else {
        return;
    };
    match element.tag {
        Tag::Link => *links = links.saturating_sub(1),
        Tag::Br | Tag::Inline | Tag::Break => {}
        Tag::Cell if *flat_rows > 0 && *pre == 0 => {}
        _ if *pre > 0 && element.tag != Tag::Pre => {}
        tag => {
            if tag == Tag::Pre {
                *pre -= 1;
                if *pre > 0 {
                    return;
                }
            }
            flush(open, out, dom);
            if tag == Tag::Row && !holds_blocks[index as usize] {
                *flat_rows = flat_rows.saturating_sub(1);
            }
            if owners.len() > 1 {
                owners.pop();
            }
            *open = Open::new(*owners.last().unwrap_or(&0));
        }
    }
}

fn flush(open: &mut Open, out: &mut Vec<Block>, dom: &Dom) {
    if open.chars == 0 && open.text.trim().is_empty() {
        open.text.clear();
        open.space = false;
        return;
    }
    let owner = open.owner;
    let kind = match dom.nodes[owner as usize].element.as_ref().map(|e| e.tag) {
        Some(Tag::P) => BlockKind::Paragraph,
        Some(Tag::Heading) => BlockKind::Heading,
        Some(Tag::ListItem) => BlockKind::ListItem,
        Some(Tag::Row) => BlockKind::Row,
        Some(Tag::Pre) => BlockKind::Pre,
        _ => BlockKind::Other,
    };
    let mut text = std::mem::take(&mut open.text);
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    if kind != BlockKind::Pre {
        let lead = text.len() - text.trim_start().len();
        text.drain(..lead);
    }
    out.push(Block {
        owner,
        kind,
        text,
        chars: open.chars,
        link_chars: open.link_chars,
        punctuation: open.punctuation,
    });
    open.chars = 0;
    open.link_chars = 0;
    open.punctuation = 0;
    open.space = false;
}
