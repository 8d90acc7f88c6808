//! Pages built to make html5ever's tree construction (or extraction after it)
//! do far more work than their size: one per way the HTML parsing algorithm
//! amplifies its input. Shared by `tests/hostile.rs`, `examples/hostile.rs`
//! (timings and peak memory) and the fuzz corpus seeds.
//!
//! Several shapes hide their nesting from the pre-parse depth guard
//! (`depth.rs`) with stray end tags (`</q>` closes nothing but is counted as
//! a close), so that they reach the parser.

/// `count` copies of `unit`, with `{}` replaced by the copy's number.
fn numbered(unit: &str, count: usize) -> String {
    let mut out = String::with_capacity((unit.len() + 4) * count);
    for n in 0..count {
        out.push_str(&unit.replace("{}", &n.to_string()));
    }
    out
}

/// `unit` repeated until the page holds about `bytes` bytes.
fn fill(page: &mut String, unit: &str, bytes: usize) {
    while page.len() + unit.len() <= bytes {
        page.push_str(unit);
    }
}

/// Distinct unclosed formatting elements: the Noah's Ark clause keeps at
/// most three identical ones in the list of active formatting elements,
/// distinct attributes make them all count.
fn formatting(count: usize) -> String {
    numbered("<b class=c{}>", count)
}

/// The page: 400 unclosed `<b>` rebuilt in each of a million
/// paragraphs ("reconstruct the active formatting elements", WHATWG HTML
/// §13.2.4.3): 400 million elements from 4 MB (4,005,494 bytes).
pub fn formatting_reconstruction(bytes: usize) -> String {
    let mut page = format!("<p>{}x", formatting(400));
    fill(&mut page, "<p>x", bytes);
    page
}

/// The same with every formatting tag (`a`, `font`, `nobr`, `tt`…), as the
/// list holds them all.
pub fn formatting_every_tag(bytes: usize) -> String {
    let tags = [
        "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
    ];
    let mut page = String::from("<p>");
    for n in 0..30 {
        for tag in tags {
            page.push_str(&format!("<{tag} class=k{n}>"));
        }
    }
    page.push('x');
    fill(&mut page, "<p>x", bytes);
    page
}

/// Misnested end tags: each `</b>` runs the adoption agency algorithm
/// (§13.2.6.4.7), which clones the formatting elements into the block that
/// follows them and moves the block's children.
pub fn adoption_agency(bytes: usize) -> String {
    let mut page = format!("<div>{}", formatting(400));
    fill(&mut page, "<div>x</b></q>", bytes);
    page
}

/// `<a>` inside `<a>`: the second runs the adoption agency algorithm for the
/// first, which then has a block to clone into.
pub fn nested_links(bytes: usize) -> String {
    let mut page = formatting(300);
    fill(&mut page, "<a href class=l><div>x</q></q>", bytes);
    page
}

/// `<nobr>` in scope of another `<nobr>`: adoption agency, then
/// reconstruction, for every one.
pub fn nobr(bytes: usize) -> String {
    let mut page = format!("<p>{}", formatting(400));
    fill(&mut page, "<nobr>x</q>", bytes);
    page
}

/// Text in a table is foster-parented before it, after the formatting
/// elements are rebuilt there (§13.2.6.1 "foster parenting").
pub fn foster_parenting(bytes: usize) -> String {
    let mut page = format!("<table>{}x", formatting(400));
    fill(&mut page, "<tr>x", bytes);
    page
}

/// Tables nested in cells, the nesting hidden from the depth guard.
pub fn nested_tables(bytes: usize) -> String {
    let mut page = String::new();
    fill(&mut page, "<table><tr><td>x</q></q></q>", bytes);
    page
}

/// A table in a paragraph (quirks mode keeps the paragraph open), over
/// formatting elements rebuilt in each cell's text.
pub fn table_in_paragraph(bytes: usize) -> String {
    let mut page = format!("<p>{}", formatting(400));
    fill(&mut page, "<p><table>x</table>x", bytes);
    page
}

/// Templates nested in templates (each a fragment of its own).
pub fn templates(bytes: usize) -> String {
    let mut page = formatting(400);
    fill(&mut page, "<template>x</q><p>x", bytes);
    page
}

/// Options in a `<select>` after formatting elements (the select's own
/// insertion mode), and selects in tables.
pub fn select(bytes: usize) -> String {
    let mut page = format!("<p>{}<select>", formatting(400));
    fill(&mut page, "<option>x<optgroup>y<table><select>z</q></q>", bytes);
    page
}

/// Framesets nested in framesets, with frames.
pub fn frameset(bytes: usize) -> String {
    let mut page = String::new();
    fill(&mut page, "<frameset><frame><frame></q>", bytes);
    page
}

/// MathML: formatting elements break out of foreign content and are rebuilt
/// after each `<math>`, and `<mi>` integration points stack up.
pub fn foreign_content(bytes: usize) -> String {
    let mut page = format!("<p>{}", formatting(400));
    fill(&mut page, "<math><mi>x<mtext><b>y</q></q></q></q>", bytes);
    page
}

/// Stack walks: nested `<div>`s hidden from the depth guard make each new
/// `<div>` walk the whole stack of open elements ("has a p element in
/// button scope"), quadratic in the page.
pub fn deep_stack_walks(bytes: usize) -> String {
    let mut page = String::new();
    fill(&mut page, "<div></q>", bytes);
    page
}

/// The costliest single token. A deep stack of open elements is built where
/// no walk reaches far (MathML `<mi>` and `<button>` bound every scope) while
/// the list of active formatting elements is empty; then 5,000 formatting
/// elements are opened and closed in a paragraph, and each `x` that follows
/// makes one reconstruction check every one of them against the whole stack
/// (5,000 × 300,000 identity tests, 1.2 to 2 s) before it rebuilds them.
pub fn reconstruction_over_deep_stack(bytes: usize) -> String {
    let mut page = String::new();
    fill(&mut page, "<math><mi><button></q></q></q>", bytes / 2);
    page.push_str("<p>");
    page.push_str(&numbered("<b class=c{}></q>", bytes / 800));
    fill(&mut page, "</p><p>x", bytes);
    page
}

/// One tag with 200,000 `class` attributes (the tokenizer checks each new
/// name against the tag's attributes so far).
pub fn many_attributes(bytes: usize) -> String {
    let mut page = String::from("<p><b");
    fill(&mut page, " class=a", bytes / 2);
    page.push_str(" id=x>text");
    fill(&mut page, " <i id=a title=b data-x=c onclick=d lang=e>y</i>", bytes);
    page
}

/// A 1 MB class name on a formatting element rebuilt in every paragraph: the
/// value is shared by the clones, but each is classified by its names.
pub fn huge_attribute(bytes: usize) -> String {
    let mut page = format!("<p><b class=\"{}\">x", "navigation ".repeat(bytes / 22));
    fill(&mut page, "<p>x", bytes);
    page
}

/// Photo credits nested in photo credits, each long enough to be kept: each
/// is measured (its subtree's text) before it is read.
pub fn nested_captions(bytes: usize) -> String {
    let mut nest = "<span class=credits>".repeat(500);
    nest.push_str(&"word ".repeat(100));
    nest.push_str(&"</span>".repeat(500));
    let mut page = String::from("<article>");
    fill(&mut page, &nest, bytes);
    page
}

/// An unclosed comment over the rest of the page: one token, as long as the
/// page, that the tokenizer reads without calling the sink (found by the
/// fuzzer, session 6: linear, but outside the meter).
pub fn unclosed_comment(bytes: usize) -> String {
    let mut page = String::from("<table><!--");
    fill(&mut page, "<table><tr><td>x</q></q></q>", bytes);
    page
}

/// Text nodes: 700,000 of them, separated by empty elements.
pub fn many_text_nodes(bytes: usize) -> String {
    let mut page = String::from("<p>");
    fill(&mut page, "x<i></i>", bytes);
    page
}

/// Builds one hostile page of about the given size (bytes).
pub type Generator = fn(usize) -> String;

/// Every hostile page: its name, its size in the tests, how to build it.
pub fn all() -> Vec<(&'static str, usize, Generator)> {
    vec![
        ("formatting_reconstruction", 4_005_494, formatting_reconstruction),
        ("formatting_every_tag", 2 << 20, formatting_every_tag),
        ("adoption_agency", 2 << 20, adoption_agency),
        ("nested_links", 2 << 20, nested_links),
        ("nobr", 2 << 20, nobr),
        ("foster_parenting", 2 << 20, foster_parenting),
        ("nested_tables", 2 << 20, nested_tables),
        ("table_in_paragraph", 2 << 20, table_in_paragraph),
        ("templates", 2 << 20, templates),
        ("select", 2 << 20, select),
        ("frameset", 2 << 20, frameset),
        ("foreign_content", 2 << 20, foreign_content),
        ("deep_stack_walks", 1 << 20, deep_stack_walks),
        (
            "reconstruction_over_deep_stack",
            4 << 20,
            reconstruction_over_deep_stack,
        ),
        ("many_attributes", 2 << 20, many_attributes),
        ("huge_attribute", 2 << 20, huge_attribute),
        ("nested_captions", 4 << 20, nested_captions),
        ("unclosed_comment", 4 << 20, unclosed_comment),
        ("many_text_nodes", 4 << 20, many_text_nodes),
    ]
}
