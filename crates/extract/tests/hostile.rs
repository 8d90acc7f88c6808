//! Pages built to make the parser amplify its input (`support/hostile_pages.rs`)
//! are refused or extracted within the node budget and a small multiple of
//! the time budget, whatever the shape: the same meter in the tree sink
//! bounds them all.
use std::time::{Duration, Instant};
use tamis_extract::{ExtractError, Options};

mod support {
    pub mod hostile_pages;
}
use support::hostile_pages;

/// A short budget keeps the test fast; the bound asserted is ten times it,
/// so that a loaded machine does not make it fail.
const BUDGET: Duration = Duration::from_millis(500);

fn options() -> Options {
    Options {
        time_budget: Some(BUDGET),
        ..Options::default()
    }
}

/// Extracts `html` and checks the bounds: time, and nodes built.
fn check(name: &str, html: &str) -> Result<(), ExtractError> {
    let started = Instant::now();
    let outcome = tamis_extract::extract(html, &options()).map(|_| ());
    let elapsed = started.elapsed();
    eprintln!("{name}: {elapsed:?}");
    assert!(elapsed < 10 * BUDGET, "{name}: {elapsed:?}");
    let cost = tamis_extract::debug_parse_cost(html, &options());
    // The template element and its contents are created together.
    assert!(cost.nodes <= cost.node_budget + 2, "{name}: {cost:?}");
    assert_eq!(cost.node_budget, tamis_extract::node_budget(html.len()));
    outcome
}

/// The page named `name`, `bytes` long.
fn page(name: &str, bytes: usize) -> String {
    let (_, _, build) = hostile_pages::all()
        .into_iter()
        .find(|shape| shape.0 == name)
        .expect("a shape of hostile_pages::all");
    build(bytes)
}

/// Size of the pages tested: large enough that every shape runs into the
/// node budget (131,072 nodes), the time budget or its own end, small enough
/// that an unoptimised build does not spend the time budget on linear work.
/// `examples/hostile.rs` measures them at 1 to 4 MB.
const TEST_BYTES: usize = 256 << 10;

macro_rules! hostile {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let _ = check(stringify!($name), &page(stringify!($name), TEST_BYTES));
            }
        )*
        /// Every shape has its test.
        #[test]
        fn every_shape_is_tested() {
            let mut tested = vec!["formatting_reconstruction", $(stringify!($name)),*];
            let mut shapes: Vec<&str> = hostile_pages::all().into_iter().map(|shape| shape.0).collect();
            tested.sort_unstable();
            shapes.sort_unstable();
            assert_eq!(tested, shapes);
        }
    };
}

hostile!(
    formatting_every_tag,
    adoption_agency,
    nested_links,
    nobr,
    foster_parenting,
    nested_tables,
    table_in_paragraph,
    templates,
    select,
    frameset,
    foreign_content,
    deep_stack_walks,
    reconstruction_over_deep_stack,
    many_attributes,
    huge_attribute,
    nested_captions,
    unclosed_comment,
    many_text_nodes,
);

/// The page (4 MB: 400 `<b>` rebuilt in a million paragraphs, 400
/// million elements asked for; the process used to abort on a 7 GB
/// allocation) is dropped within the budgets.
#[test]
fn formatting_reconstruction() {
    let html = page("formatting_reconstruction", 4_005_494);
    let outcome = check("formatting_reconstruction", &html);
    assert!(
        matches!(outcome, Err(ExtractError::TooManyNodes | ExtractError::Timeout)),
        "{outcome:?}"
    );
}

/// Its 404 KB version (4 GB and 11.6 s before) runs out of nodes, not time,
/// without a time budget.
#[test]
fn formatting_reconstruction_runs_out_of_nodes() {
    let html = hostile_pages::formatting_reconstruction(405_494);
    let options = Options {
        time_budget: None,
        ..Options::default()
    };
    assert_eq!(tamis_extract::extract(&html, &options), Err(ExtractError::TooManyNodes));
    let cost = tamis_extract::debug_parse_cost(&html, &options);
    assert_eq!(cost.stopped, Some(ExtractError::TooManyNodes));
    assert_eq!(cost.nodes, cost.node_budget + 1);
}

/// Ordinary amplification stays well inside the budget: an unclosed `<font>`
/// and `<b>` over 2,000 short paragraphs, as old pages have them.
#[test]
fn ordinary_misnesting_is_extracted() {
    let mut html = String::from("<html><body><font face=arial><b>");
    for n in 0..2_000 {
        html.push_str(&format!("<p>Paragraph number {n} of an old page.\n"));
    }
    let page = tamis_extract::extract(&html, &Options::default()).expect("extracted");
    assert_eq!(page.text.lines().count(), 2_000);
    let cost = tamis_extract::debug_parse_cost(&html, &Options::default());
    assert!(cost.nodes < cost.node_budget / 4, "{cost:?}");
}
