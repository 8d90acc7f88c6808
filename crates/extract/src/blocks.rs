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

/// One block of text, its text in the page's buffer of block texts (one
/// allocation for all of them).
#[derive(Debug, Clone)]
pub(crate) struct Block<'a> {
    /// Arena index of the innermost block-level element around the text.
    pub owner: u32,
    pub kind: BlockKind,
    pub text: &'a str,
    /// Letters and digits in the text.
    pub chars: u32,
    /// Letters and digits inside links.
    pub link_chars: u32,
    /// Letters and digits inside links to anchors on the page (`#section`).
    pub anchor_chars: u32,
}

impl Block<'_> {
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
    /// The text so far; its buffer is reused from block to block.
    text: String,
    chars: u32,
    link_chars: u32,
    anchor_chars: u32,
    space: bool,
}

const SOFT_HYPHEN: char = '\u{ad}';

/// A caption or credit longer than this (bytes of text; a sentence or two)
/// is kept: the name is misused on text of the article (400 to 2,000 measure
/// the same, 200 loses a credit line).
const CAPTION_MAX_BYTES: usize = 400;

impl Open {
    fn new(owner: u32) -> Self {
        Open {
            owner,
            text: String::new(),
            chars: 0,
            link_chars: 0,
            anchor_chars: 0,
            space: false,
        }
    }

    fn push_text(&mut self, text: &str, in_link: bool, in_anchor: bool, keep_whitespace: bool) {
        let mut rest = text;
        while !rest.is_empty() {
            // A word (a run of characters that are neither whitespace nor soft
            // hyphens) goes in at once: most text.
            let (word, alphanumeric) = if keep_whitespace { (0, 0) } else { word(rest) };
            if word > 0 {
                self.space_before_word();
                self.text.push_str(&rest[..word]);
                self.count(alphanumeric, in_link, in_anchor);
                rest = &rest[word..];
                continue;
            }
            let c = rest.chars().next().expect("rest is not empty");
            rest = &rest[c.len_utf8()..];
            // A soft hyphen (`&shy;`) only marks where a word may break.
            if c == SOFT_HYPHEN {
                continue;
            }
            if keep_whitespace {
                if c == '\r' {
                    continue;
                }
                self.text.push(c);
            } else if c.is_whitespace() {
                self.space = true;
                continue;
            } else {
                self.space_before_word();
                self.text.push(c);
            }
            if is_alphanumeric(c) {
                self.count(1, in_link, in_anchor);
            }
        }
    }

    /// The whitespace before a word, as one space (none at a line's start).
    fn space_before_word(&mut self) {
        if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push(' ');
        }
        self.space = false;
    }

    /// Counts `n` letters or digits, in a link or anchor if so.
    fn count(&mut self, n: u32, in_link: bool, in_anchor: bool) {
        self.chars += n;
        if in_link {
            self.link_chars += n;
        }
        if in_anchor {
            self.anchor_chars += n;
        }
    }

    fn line_break(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.space = false;
    }
}

/// The letters and digits below U+10000, one bit each (8 KiB, built in
/// about 1.5 ms).
static BMP_ALPHANUMERIC: std::sync::LazyLock<Box<[u64]>> = std::sync::LazyLock::new(|| {
    let mut bits = vec![0u64; 0x10000 / 64];
    for c in (0..0x10000).filter_map(char::from_u32).filter(|c| c.is_alphanumeric()) {
        bits[c as usize / 64] |= 1 << (c as usize % 64);
    }
    bits.into_boxed_slice()
});

/// `char::is_whitespace` for an ASCII byte (`u8::is_ascii_whitespace` leaves
/// out U+000B).
#[inline]
fn is_ascii_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ')
}

/// The length in bytes of the word that starts `text` (up to whitespace or a
/// soft hyphen), and its letters and digits, in one pass.
fn word(text: &str) -> (usize, u32) {
    let bytes = text.as_bytes();
    let (mut end, mut alphanumeric) = (0, 0);
    while let Some(&b) = bytes.get(end) {
        if b.is_ascii() {
            if is_ascii_whitespace(b) {
                break;
            }
            alphanumeric += u32::from(b.is_ascii_alphanumeric());
            end += 1;
            continue;
        }
        let c = text[end..].chars().next().expect("a character starts here");
        if c == SOFT_HYPHEN || c.is_whitespace() {
            break;
        }
        alphanumeric += u32::from(is_alphanumeric(c));
        end += c.len_utf8();
    }
    (end, alphanumeric)
}

/// `char::is_alphanumeric`, looked up in a bitmap below U+10000: the
/// standard library searches a compressed table for every character outside
/// ASCII, which was a large share of the blocks' time on pages not in English.
fn is_alphanumeric(c: char) -> bool {
    match c as usize {
        0..0x80 => c.is_ascii_alphanumeric(),
        i @ 0x80..0x10000 => BMP_ALPHANUMERIC[i / 64] & (1 << (i % 64)) != 0,
        _ => c.is_alphanumeric(),
    }
}

/// Cuts the page into blocks, in document order, their texts written to
/// `texts`.
pub(crate) fn blocks<'a>(dom: &Dom, texts: &'a mut String) -> Vec<Block<'a>> {
    let mut cutter = Cutter {
        dom,
        holds_blocks: holds_blocks(dom),
        out: Vec::new(),
        texts: String::new(),
        owners: vec![0],
        links: 0,
        anchors: 0,
        pre: 0,
        flat_rows: 0,
        open: Open::new(0),
    };
    // Open elements: (index, end of subtree).
    let mut skip_until = 0;
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for (index, node) in dom.nodes.iter().enumerate() {
        let index = index as u32;
        while let Some(&(top, end)) = stack.last() {
            if index < end {
                break;
            }
            stack.pop();
            cutter.leave(top);
        }
        if index < skip_until {
            continue;
        }
        let Some(element) = &node.element else {
            let (in_link, in_anchor, in_pre) = (cutter.links > 0, cutter.anchors > 0, cutter.pre > 0);
            cutter.open.push_text(dom.text_of(node), in_link, in_anchor, in_pre);
            continue;
        };
        if index == 0 {
            continue;
        }
        if element.tag == Tag::Caption && dom.text_len(index) <= CAPTION_MAX_BYTES {
            skip_until = node.end;
            continue;
        }
        stack.push((index, node.end));
        cutter.enter(index, element.tag);
    }
    while let Some((top, _)) = stack.pop() {
        cutter.leave(top);
    }
    cutter.flush();
    *texts = cutter.texts;
    let texts: &'a str = texts;
    cutter
        .out
        .into_iter()
        .map(|(block, range)| Block {
            text: &texts[range],
            ..block
        })
        .collect()
}

/// Which elements hold block-level elements: rows that do not are written
/// as one line.
fn holds_blocks(dom: &Dom) -> Vec<bool> {
    let nodes = &dom.nodes;
    let mut holds = vec![false; nodes.len()];
    for index in (1..nodes.len()).rev() {
        let parent = nodes[index].parent;
        if parent == NONE {
            continue;
        }
        let blockish = nodes[index]
            .element
            .as_ref()
            .is_some_and(|e| e.tag.is_block() && !matches!(e.tag, Tag::Cell | Tag::Break));
        if blockish || holds[index] {
            holds[parent as usize] = true;
        }
    }
    holds
}

/// The state of the walk over the arena.
struct Cutter<'a> {
    dom: &'a Dom,
    holds_blocks: Vec<bool>,
    /// The blocks, their texts empty, and where each text is in `texts`.
    out: Vec<(Block<'static>, std::ops::Range<usize>)>,
    texts: String,
    /// Block-level elements open around the text, innermost last.
    owners: Vec<u32>,
    /// Links, `pre` elements and one-line rows open around the text.
    links: u32,
    /// Of those links, the ones to anchors on the page.
    anchors: u32,
    pre: u32,
    flat_rows: u32,
    open: Open,
}

impl Cutter<'_> {
    fn is_flat_row(&self, index: u32, tag: Tag) -> bool {
        tag == Tag::Row && !self.holds_blocks[index as usize]
    }

    /// A new block, owned by the innermost open block-level element (the
    /// open one was just flushed, so it is empty).
    fn start_block(&mut self) {
        self.open.owner = *self.owners.last().unwrap_or(&0);
    }

    fn enter(&mut self, index: u32, tag: Tag) {
        match tag {
            Tag::Link => self.links += 1,
            Tag::Anchor => {
                self.links += 1;
                self.anchors += 1;
            }
            Tag::Br => self.open.line_break(),
            Tag::Inline | Tag::Caption => {}
            Tag::Cell if self.flat_rows > 0 && self.pre == 0 => {
                if !self.open.text.is_empty() {
                    self.open.text.push_str(" | ");
                    self.open.space = false;
                }
            }
            _ if self.pre > 0 => {
                if tag == Tag::Pre {
                    self.pre += 1;
                }
            }
            _ => {
                self.flush();
                if self.is_flat_row(index, tag) {
                    self.flat_rows += 1;
                }
                if tag == Tag::Pre {
                    self.pre += 1;
                }
                if tag != Tag::Break {
                    self.owners.push(index);
                }
                self.start_block();
            }
        }
    }

    fn leave(&mut self, index: u32) {
        let Some(element) = &self.dom.nodes[index as usize].element else {
            return;
        };
        match element.tag {
            Tag::Link => self.links = self.links.saturating_sub(1),
            Tag::Anchor => {
                self.links = self.links.saturating_sub(1);
                self.anchors = self.anchors.saturating_sub(1);
            }
            Tag::Br | Tag::Inline | Tag::Caption | Tag::Break => {}
            Tag::Cell if self.flat_rows > 0 && self.pre == 0 => {}
            tag if self.pre > 0 && tag != Tag::Pre => {}
            tag => {
                if tag == Tag::Pre {
                    self.pre -= 1;
                    if self.pre > 0 {
                        return;
                    }
                }
                self.flush();
                if self.is_flat_row(index, tag) {
                    self.flat_rows = self.flat_rows.saturating_sub(1);
                }
                if self.owners.len() > 1 {
                    self.owners.pop();
                }
                self.start_block();
            }
        }
    }

    /// Ends the open block, keeping it if it holds any text.
    fn flush(&mut self) {
        let open = &mut self.open;
        if open.chars == 0 && open.text.trim().is_empty() {
            open.text.clear();
            open.space = false;
            return;
        }
        let owner = open.owner;
        let kind = match self.dom.nodes[owner as usize].element.as_ref().map(|e| e.tag) {
            Some(Tag::P) => BlockKind::Paragraph,
            Some(Tag::Heading) => BlockKind::Heading,
            Some(Tag::ListItem) => BlockKind::ListItem,
            Some(Tag::Row) => BlockKind::Row,
            Some(Tag::Pre) => BlockKind::Pre,
            _ => BlockKind::Other,
        };
        let end = open.text.trim_end().len();
        let start = if kind == BlockKind::Pre {
            0
        } else {
            end - open.text[..end].trim_start().len()
        };
        let at = self.texts.len();
        self.texts.push_str(&open.text[start..end]);
        let block = Block {
            owner,
            kind,
            text: "",
            chars: open.chars,
            link_chars: open.link_chars,
            anchor_chars: open.anchor_chars,
        };
        self.out.push((block, at..self.texts.len()));
        open.text.clear();
        open.chars = 0;
        open.link_chars = 0;
        open.anchor_chars = 0;
        open.space = false;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_whitespace_as_the_standard_library_says() {
        for b in 0..0x80u8 {
            assert_eq!(super::is_ascii_whitespace(b), char::from(b).is_whitespace(), "{b:#x}");
        }
    }

    #[test]
    fn alphanumeric_as_the_standard_library_says() {
        for c in (0..0x11000).filter_map(char::from_u32) {
            assert_eq!(super::is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }
}
