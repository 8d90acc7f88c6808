//! The tree html5ever builds, kept as small as extraction allows.
//!
//! html5ever's tree builder runs the WHATWG algorithm (adoption agency, foster
//! parenting, reparenting) on a tree it asks a [`TreeSink`] to keep; nodes move
//! after they are created, so the tree is linked (parent, children, siblings by
//! index) and only laid out in document order once parsing is over
//! ([`crate::dom::flatten`]), which classifies the elements it reaches (those
//! inside skipped subtrees, such as `<svg>` icons, never are). Text goes to one
//! buffer as the parser appends it, not one string per node. The sink's
//! behaviour (text merging, moves) follows the trait's contract in markup5ever
//! 0.40 `interface/tree_builder.rs` and matches what `dom_query` 0.29 (used
//! before) did, so the parsed tree, and the extraction, are unchanged.
//!
//! The sink also meters the parse ([`crate::budget`]): every call html5ever
//! makes is counted, and once the page is over its node or time budget the
//! parse is stopped ([`Sink::stop`]).

use crate::budget::{Exceeded, Meter};
use crate::raw_text::Cuts;
use crate::tokenizer::{Ended, Forward};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilder, TreeBuilderOpts, TreeSink};
use html5ever::{Attribute, QualName, TokenizerResult};
use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::time::Instant;

/// No node.
pub(crate) const NIL: u32 = u32::MAX;

/// What a node of the parsed tree is.
pub(crate) enum Data {
    Document,
    /// A template's contents, outside the document.
    Fragment,
    /// An index into [`Tree::elements`].
    Element(u32),
    /// Text at `start..end` of [`Tree::text`].
    Text(u32, u32),
    /// Text that grew after other text was added behind it: [`Tree::moved`]`[index]`.
    MovedText(u32),
    /// Comments, the doctype, processing instructions: kept as nodes because
    /// they separate text nodes.
    Other,
}

/// A node, linked to its relatives by index.
pub(crate) struct TreeNode {
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub prev: u32,
    pub next: u32,
    pub data: Data,
}

impl TreeNode {
    fn new(data: Data) -> Self {
        TreeNode {
            parent: NIL,
            first_child: NIL,
            last_child: NIL,
            prev: NIL,
            next: NIL,
            data,
        }
    }
}

/// What is kept of an element.
pub(crate) struct ElementData {
    name: QualName,
    /// All its attributes, as the parser gave them: `start..end` of [`Tree::attributes`].
    attrs: (u32, u32),
    template_contents: u32,
    annotation_xml_integration_point: bool,
}

impl ElementData {
    pub(crate) fn name(&self) -> &QualName {
        &self.name
    }
}

/// The parsed page. Node 0 is the document.
pub(crate) struct Tree {
    pub nodes: Vec<TreeNode>,
    pub elements: Vec<ElementData>,
    /// The text of the text nodes, in the order the parser appended it; a text
    /// node that grows while it is the last one written grows in place.
    pub text: String,
    /// Text nodes that grew after later text was written (text merged into an
    /// earlier node, as foster parenting does).
    pub moved: Vec<String>,
    /// The attributes of every element, back to back: one allocation a page,
    /// not one an element.
    attributes: Vec<Attribute>,
    /// Attributes left behind in `attributes` when an element's were moved.
    abandoned: usize,
}

impl Tree {
    /// The tree written out, one node per line, indented by depth: what two
    /// parses are compared by.
    pub(crate) fn outline(&self) -> String {
        let mut out = String::new();
        self.write_outline(0, 0, &mut out);
        out
    }

    fn write_outline(&self, id: u32, depth: usize, out: &mut String) {
        use std::fmt::Write;
        let node = &self.nodes[id as usize];
        let _ = write!(out, "{:1$}", "", depth);
        let _ = match &node.data {
            Data::Document => writeln!(out, "#document"),
            Data::Fragment => writeln!(out, "#fragment"),
            Data::Other => writeln!(out, "#other"),
            Data::Text(start, end) => writeln!(out, "{:?}", &self.text[*start as usize..*end as usize]),
            Data::MovedText(index) => writeln!(out, "{:?}", self.moved[*index as usize]),
            Data::Element(index) => {
                let element = &self.elements[*index as usize];
                let _ = write!(out, "<{:?} {}", element.name.ns, element.name.local);
                for attr in self.attrs(element) {
                    let _ = write!(out, " {:?}:{}={:?}", attr.name.ns, attr.name.local, &*attr.value);
                }
                if element.template_contents != NIL {
                    let _ = writeln!(out, "> template:");
                    self.write_outline(element.template_contents, depth + 2, out);
                }
                writeln!(out, ">")
            }
        };
        let mut child = node.first_child;
        while child != NIL {
            self.write_outline(child, depth + 1, out);
            child = self.nodes[child as usize].next;
        }
    }

    /// The attributes of `element`.
    pub(crate) fn attrs(&self, element: &ElementData) -> &[Attribute] {
        &self.attributes[element.attrs.0 as usize..element.attrs.1 as usize]
    }

    /// Moves `attrs` to the end of [`Tree::attributes`]; gives their range.
    fn keep_attrs(&mut self, attrs: &mut Vec<Attribute>) -> (u32, u32) {
        let start = self.attributes.len() as u32;
        self.attributes.append(attrs);
        (start, self.attributes.len() as u32)
    }

    /// The element behind a node, if it is one.
    pub(crate) fn element(&self, id: u32) -> Option<&ElementData> {
        match self.nodes[id as usize].data {
            Data::Element(e) => Some(&self.elements[e as usize]),
            _ => None,
        }
    }

    fn push(&mut self, data: Data) -> u32 {
        self.nodes.push(TreeNode::new(data));
        (self.nodes.len() - 1) as u32
    }

    fn node(&mut self, id: u32) -> &mut TreeNode {
        &mut self.nodes[id as usize]
    }

    /// Appends text to a text node; false if the node is not text.
    fn merge_text(&mut self, id: u32, text: &str) -> bool {
        if id == NIL {
            return false;
        }
        match self.nodes[id as usize].data {
            Data::Text(start, end) if end as usize == self.text.len() => {
                self.text.push_str(text);
                self.node(id).data = Data::Text(start, self.text.len() as u32);
            }
            Data::Text(start, end) => {
                let mut moved = String::with_capacity((end - start) as usize + text.len());
                moved.push_str(&self.text[start as usize..end as usize]);
                moved.push_str(text);
                self.moved.push(moved);
                self.node(id).data = Data::MovedText((self.moved.len() - 1) as u32);
            }
            Data::MovedText(index) => self.moved[index as usize].push_str(text),
            _ => return false,
        }
        true
    }

    /// A new, parentless text node.
    fn push_text(&mut self, text: &str) -> u32 {
        let start = self.text.len() as u32;
        self.text.push_str(text);
        self.push(Data::Text(start, self.text.len() as u32))
    }

    /// Text that lands next to `neighbour`: merged into it if it is a text
    /// node, else a new text node for the caller to attach.
    fn text_beside(&mut self, neighbour: u32, text: &str) -> Option<u32> {
        (!self.merge_text(neighbour, text)).then(|| self.push_text(text))
    }

    fn detach(&mut self, id: u32) {
        let node = self.node(id);
        let (parent, prev, next) = (node.parent, node.prev, node.next);
        if parent == NIL && prev == NIL && next == NIL {
            return;
        }
        node.parent = NIL;
        node.prev = NIL;
        node.next = NIL;
        if parent != NIL {
            let parent = self.node(parent);
            if parent.first_child == id {
                parent.first_child = next;
            }
            if parent.last_child == id {
                parent.last_child = prev;
            }
        }
        if prev != NIL {
            self.node(prev).next = next;
        }
        if next != NIL {
            self.node(next).prev = prev;
        }
    }

    fn append_child(&mut self, parent: u32, child: u32) {
        self.detach(child);
        let last = self.node(parent).last_child;
        if last == NIL {
            self.node(parent).first_child = child;
        } else {
            self.node(last).next = child;
        }
        self.node(parent).last_child = child;
        let node = self.node(child);
        node.prev = last;
        node.parent = parent;
    }

    fn insert_before(&mut self, sibling: u32, new: u32) {
        self.detach(new);
        let node = self.node(sibling);
        let (parent, prev) = (node.parent, node.prev);
        node.prev = new;
        let node = self.node(new);
        node.parent = parent;
        node.prev = prev;
        node.next = sibling;
        if parent != NIL && self.node(parent).first_child == sibling {
            self.node(parent).first_child = new;
        }
        if prev != NIL {
            self.node(prev).next = new;
        }
    }

    /// Moves the children of `from` to the end of `to`'s; gives how many moved.
    fn reparent_children(&mut self, from: u32, to: u32) -> u32 {
        let node = self.node(from);
        let (first, last) = (node.first_child, node.last_child);
        node.first_child = NIL;
        node.last_child = NIL;
        if first == NIL || last == NIL {
            return 0;
        }
        let old_last = self.node(to).last_child;
        if old_last == NIL {
            self.node(to).first_child = first;
        } else {
            self.node(old_last).next = first;
            self.node(first).prev = old_last;
        }
        self.node(to).last_child = last;
        let mut child = first;
        let mut moved = 0u32;
        while child != NIL {
            let node = self.node(child);
            node.parent = to;
            child = node.next;
            moved = moved.saturating_add(1);
        }
        moved
    }
}

/// At most this many emptied attribute vectors wait to be used again.
const SPARE_ATTRS: usize = 64;

/// The [`TreeSink`] html5ever builds into.
struct Sink<'a> {
    tree: RefCell<Tree>,
    /// Attribute vectors emptied into [`Tree::attributes`], for our tokenizer
    /// to fill again: a tag's attributes come in a `Vec` of their own
    /// (html5ever's `Tag`), which would otherwise be allocated and freed for
    /// every element that has any.
    spare_attrs: RefCell<Vec<Vec<Attribute>>>,
    /// What html5ever reads from: emptied to stop the parse where panics abort.
    #[cfg_attr(panic = "unwind", allow(dead_code))]
    input: &'a BufferQueue,
    meter: Meter,
}

impl Sink<'_> {
    /// Keeps an emptied attribute vector for another tag.
    fn recycle(&self, attrs: Vec<Attribute>) {
        let mut spare = self.spare_attrs.borrow_mut();
        if attrs.capacity() > 0 && spare.len() < SPARE_ATTRS {
            spare.push(attrs);
        }
    }

    /// Counts `units` of html5ever's work.
    #[inline(always)]
    fn work(&self, units: u32) {
        if self.meter.work(units) {
            self.stop();
        }
    }

    /// Counts the nodes built so far.
    #[inline]
    fn built(&self, nodes: usize) {
        if self.meter.nodes(nodes) {
            self.stop();
        }
    }

    /// Stops the parse, at once.
    ///
    /// html5ever offers no way out of a token: one token can cost billions of
    /// steps (a reconstruction checks each formatting element against the
    /// whole stack of open elements), so the sink unwinds out of the parser,
    /// back to [`build`], which catches it ([`std::panic::resume_unwind`]
    /// runs no panic hook and prints nothing). The parser is dropped without
    /// being used again. Where panics abort, the input html5ever reads from
    /// is emptied instead, and the parse ends after the current token.
    #[cold]
    #[inline(never)]
    fn stop(&self) {
        #[cfg(panic = "unwind")]
        std::panic::resume_unwind(Box::new(Stopped));
        #[cfg(not(panic = "unwind"))]
        while self.input.pop_front().is_some() {}
    }
}

/// What the sink unwinds with to stop a parse.
#[cfg(panic = "unwind")]
struct Stopped;

/// What feeds html5ever's tree builder: our tokenizer ([`crate::tokenizer`]),
/// cutting what [`crate::raw_text::strip`] cuts or not, or html5ever's own,
/// which ours is checked against.
pub(crate) enum Tokenizing<'c> {
    Ours,
    OursCutting(Cuts<'c>),
    Html5ever,
}

/// Parses a page, building at most `max_nodes` nodes and stopping soon after
/// `deadline` (within [`crate::budget`]'s clock interval).
pub(crate) fn parse(html: &str, max_nodes: usize, deadline: Option<Instant>) -> Result<Tree, Exceeded> {
    match build(html, max_nodes, deadline, Tokenizing::Ours) {
        (tree, None, _) => Ok(tree),
        (_, Some(exceeded), _) => Err(exceeded),
    }
}

/// [`parse`], saying how many nodes were built even when it was stopped.
pub(crate) fn parse_counting(html: &str, max_nodes: usize, deadline: Option<Instant>) -> (usize, Option<Exceeded>) {
    let (tree, exceeded, _) = build(html, max_nodes, deadline, Tokenizing::Ours);
    (tree.nodes.len(), exceeded)
}

/// The tree html5ever built, why it was stopped if it was, and how our
/// tokenizer ended.
pub(crate) fn build(
    html: &str,
    max_nodes: usize,
    deadline: Option<Instant>,
    tokenizing: Tokenizing,
) -> (Tree, Option<Exceeded>, Ended) {
    // Room for what most pages hold (a node per 16 bytes, an element per 32, of the page as
    // parsed): a vector that doubles copies all it holds. Cutting, the page parsed is about half
    // of it, but room for half raised the chain's peak memory by about 4 MB; a quarter does not.
    let parsed = match tokenizing {
        Tokenizing::OursCutting(_) => html.len() / 4,
        Tokenizing::Ours | Tokenizing::Html5ever => html.len(),
    };
    let mut nodes = Vec::with_capacity((parsed / 16 + 16).min(max_nodes));
    nodes.push(TreeNode::new(Data::Document));
    let input = BufferQueue::default();
    let sink = Sink {
        tree: RefCell::new(Tree {
            nodes,
            elements: Vec::with_capacity((parsed / 32 + 16).min(max_nodes)),
            text: String::with_capacity(parsed / 4),
            moved: Vec::new(),
            attributes: Vec::new(),
            abandoned: 0,
        }),
        spare_attrs: RefCell::new(Vec::new()),
        input: &input,
        meter: Meter::new(max_nodes, deadline),
    };
    // As `dom_query` 0.29 `Document::from` parsed: scripting off, so
    // `<noscript>` contents are parsed as markup. The driver is html5ever's
    // `parse_document(..).one(html)` (`driver.rs`), written out so that the
    // sink can reach the input.
    let tree_builder = TreeBuilder::new(
        sink,
        TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
    );
    let stopped = || tree_builder.sink.meter.exceeded().is_some();
    let ended = Cell::new(Ended::Done);
    let tokenize = |cuts| {
        let spare_attrs = &tree_builder.sink.spare_attrs;
        ended.set(crate::tokenizer::tokenize(
            html,
            &tree_builder,
            &input,
            &stopped,
            spare_attrs,
            cuts,
        ));
    };
    let run = || match tokenizing {
        Tokenizing::Ours => tokenize(None),
        Tokenizing::OursCutting(cuts) => tokenize(Some(cuts)),
        Tokenizing::Html5ever => {
            let tokenizer = Tokenizer::new(Forward(&tree_builder), TokenizerOpts::default());
            input.push_back(StrTendril::from_slice(html));
            while !matches!(tokenizer.feed(&input), TokenizerResult::Done) {}
            if !stopped() {
                tokenizer.end();
            }
        }
    };
    #[cfg(panic = "unwind")]
    if let Err(payload) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
        if !payload.is::<Stopped>() {
            std::panic::resume_unwind(payload);
        }
    }
    #[cfg(not(panic = "unwind"))]
    run();
    let sink = tree_builder.sink;
    let exceeded = sink.meter.exceeded();
    (sink.tree.into_inner(), exceeded, ended.get())
}

impl TreeSink for Sink<'_> {
    type Handle = u32;
    type Output = Tree;
    type ElemName<'b>
        = Ref<'b, QualName>
    where
        Self: 'b;

    fn finish(self) -> Tree {
        self.tree.into_inner()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {
        self.work(1);
    }

    fn get_document(&self) -> u32 {
        0
    }

    #[inline(always)]
    fn elem_name<'b>(&'b self, target: &'b u32) -> Ref<'b, QualName> {
        // Counted, not checked: html5ever asks names in its walks, between
        // other calls that check.
        self.meter.tally(1);
        Ref::map(self.tree.borrow(), |tree| {
            &tree
                .element(*target)
                .expect("the tree builder asks names of elements only")
                .name
        })
    }

    fn create_element(&self, name: QualName, mut attrs: Vec<Attribute>, flags: ElementFlags) -> u32 {
        self.work(1);
        let mut tree = self.tree.borrow_mut();
        let kept = tree.keep_attrs(&mut attrs);
        let index = tree.elements.len() as u32;
        let id = tree.push(Data::Element(index));
        // The template's contents stay outside the document, parentless.
        let template_contents = if flags.template { tree.push(Data::Fragment) } else { NIL };
        tree.elements.push(ElementData {
            name,
            attrs: kept,
            template_contents,
            annotation_xml_integration_point: flags.mathml_annotation_xml_integration_point,
        });
        let built = tree.nodes.len();
        drop(tree);
        self.recycle(attrs);
        self.built(built);
        id
    }

    fn create_comment(&self, _text: StrTendril) -> u32 {
        self.work(1);
        let id = self.tree.borrow_mut().push(Data::Other);
        self.built(id as usize + 1);
        id
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> u32 {
        self.work(1);
        let id = self.tree.borrow_mut().push(Data::Other);
        self.built(id as usize + 1);
        id
    }

    fn append(&self, parent: &u32, child: NodeOrText<u32>) {
        self.work(1);
        let mut tree = self.tree.borrow_mut();
        match child {
            NodeOrText::AppendNode(id) => tree.append_child(*parent, id),
            NodeOrText::AppendText(text) => {
                let last = tree.nodes[*parent as usize].last_child;
                if let Some(id) = tree.text_beside(last, &text) {
                    tree.append_child(*parent, id);
                    drop(tree);
                    self.built(id as usize + 1);
                }
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &u32, prev_element: &u32, child: NodeOrText<u32>) {
        self.work(1);
        let has_parent = self.tree.borrow().nodes[*element as usize].parent != NIL;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _name: StrTendril, _public_id: StrTendril, _system_id: StrTendril) {
        self.work(1);
        let mut tree = self.tree.borrow_mut();
        let id = tree.push(Data::Other);
        tree.append_child(0, id);
        drop(tree);
        self.built(id as usize + 1);
    }

    fn get_template_contents(&self, target: &u32) -> u32 {
        self.work(1);
        self.tree
            .borrow()
            .element(*target)
            .map(|e| e.template_contents)
            .filter(|&id| id != NIL)
            .expect("the tree builder asks template contents of templates only")
    }

    #[inline(always)]
    fn same_node(&self, x: &u32, y: &u32) -> bool {
        self.work(1);
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &u32, new_node: NodeOrText<u32>) {
        self.work(1);
        let mut tree = self.tree.borrow_mut();
        match new_node {
            NodeOrText::AppendNode(id) => tree.insert_before(*sibling, id),
            NodeOrText::AppendText(text) => {
                let prev = tree.nodes[*sibling as usize].prev;
                if let Some(id) = tree.text_beside(prev, &text) {
                    tree.insert_before(*sibling, id);
                    drop(tree);
                    self.built(id as usize + 1);
                }
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &u32, attrs: Vec<Attribute>) {
        self.work(1);
        let mut tree = self.tree.borrow_mut();
        let Data::Element(index) = tree.nodes[*target as usize].data else {
            return;
        };
        let (start, end) = tree.elements[index as usize].attrs;
        let known = &tree.attributes[start as usize..end as usize];
        let missing: Vec<Attribute> = attrs
            .into_iter()
            .filter(|attr| !known.iter().any(|a| a.name == attr.name))
            .collect();
        if missing.is_empty() {
            return;
        }
        // The element's attributes and the missing ones go to the end of the
        // tree's (this happens for a second `<html>` or `<body>` only). The
        // old copy stays behind and counts against the node budget, so that a
        // page of many `<html>` and `<body>` tags cannot grow it without bound.
        let mut merged = [known, &missing[..]].concat();
        tree.abandoned += (end - start) as usize;
        tree.elements[index as usize].attrs = tree.keep_attrs(&mut merged);
        let charged = tree.nodes.len() + tree.abandoned;
        drop(tree);
        self.built(charged);
    }

    fn remove_from_parent(&self, target: &u32) {
        self.work(1);
        self.tree.borrow_mut().detach(*target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let moved = self.tree.borrow_mut().reparent_children(*node, *new_parent);
        self.work(moved.saturating_add(1));
    }

    fn pop(&self, _node: &u32) {
        self.work(1);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &u32) -> bool {
        self.work(1);
        self.tree
            .borrow()
            .element(*handle)
            .is_some_and(|e| e.annotation_xml_integration_point)
    }
}

#[cfg(test)]
mod tests {
    use crate::dom::{flatten, Limits};
    use crate::metadata::MetaCollector;

    /// The text nodes of a page, in document order.
    fn texts(html: &str) -> Vec<String> {
        let limits = Limits {
            max_depth: 512,
            deadline: None,
        };
        let tree = super::parse(html, usize::MAX, None).expect("no budget");
        let dom = flatten(tree, &limits, crate::dom::View::Rendered, &mut MetaCollector::default()).unwrap();
        dom.nodes
            .iter()
            .filter(|n| n.element.is_none())
            .map(|n| dom.text_of(n).to_string())
            .collect()
    }

    #[test]
    fn foster_parented_text_merges_before_the_table() {
        // `b` is moved before the table and merged into `a`, after `x` was written.
        assert_eq!(texts("<table>a<td>x</td>b</table>"), ["ab", "x"]);
    }

    #[test]
    fn misnested_formatting_is_reparented() {
        assert_eq!(texts("<p>1<b>2<i>3</b>4</i>5</p>"), ["1", "2", "3", "4", "5"]);
        assert_eq!(texts("<b>1<p>2</b>3</p>"), ["1", "2", "3"]);
    }

    #[test]
    fn comments_separate_text_and_entities_join_it() {
        assert_eq!(texts("<p>a &amp; b<!-- c -->d</p>"), ["a & b", "d"]);
    }

    #[test]
    fn a_second_body_adds_only_the_attributes_missing() {
        let tree = super::parse("<body class=a><p>x<body id=b class=c><p class=q>y", usize::MAX, None).unwrap();
        let attrs = |name: &str| -> Vec<Vec<(String, String)>> {
            let elements = tree.elements.iter().filter(|e| &*e.name().local == name);
            let pairs = |e| {
                tree.attrs(e)
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
            };
            elements.map(|e| pairs(e).collect()).collect()
        };
        let pair = |name: &str, value: &str| (name.to_string(), value.to_string());
        assert_eq!(attrs("body"), [vec![pair("class", "a"), pair("id", "b")]]);
        // Those of the elements around it stay theirs.
        assert_eq!(attrs("p"), [vec![], vec![pair("class", "q")]]);
    }

    #[test]
    fn attributes_merged_again_and_again_stop_at_the_node_budget() {
        // Each `<html>` or `<body>` adds an attribute the element lacks, so
        // its attributes are copied to the end of the tree's every time: 10^8
        // copies for this page, unless they count against the budget.
        let mut html = String::from("<body>");
        for i in 0..10_000 {
            html.push_str(&format!("<html a{i}><body b{i}>"));
        }
        let budget = crate::budget::node_budget(html.len());
        let started = std::time::Instant::now();
        assert!(matches!(super::parse(&html, budget, None), Err(super::Exceeded::Nodes)));
        assert!(started.elapsed().as_secs() < 10);
    }

    #[test]
    fn template_contents_stay_out() {
        assert_eq!(texts("<template><p>t</p></template><p>p</p>"), ["p"]);
    }
}
