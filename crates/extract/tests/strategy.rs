//! The extraction strategies, from one parse: `precision` keeps the default
//! selection's running text, `recall` every block that is neither chrome nor
//! a link list, `union` what any of them keeps, in document order, and says
//! which found text. The page is written for this test in the shape of a shop's
//! article page: navigation, the article (title, prose, a short feature list),
//! and beside it a box of descriptive text the default selection leaves out.
use tamis_extract::{extract, Options, Strategy};

const PAGE: &str = r#"<!DOCTYPE html><html lang="en"><head><title>Choosing a tent</title></head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/tents">Tents</a></li><li><a href="/shop">Shop</a></li></ul></nav></header>
<div class="layout">
<article class="post">
<h1>Choosing a tent for the mountains</h1>
<p>A mountain tent must stand up to wind and snow, so the shape of its poles matters more than its weight or its colour.</p>
<p>Geodesic designs cross their poles several times, which spreads the load of a gust over the whole frame of the tent.</p>
<h2>What to look for</h2>
<ul><li>Two doors</li><li>Snow skirts</li></ul>
<p>Tunnel tents are lighter for the room they give, but they need to be pitched with their back to the wind, and well pegged.</p>
</article>
<div class="service-box">
<h3>Our repair service</h3>
<div>Every tent bought here can be sent back for repair; we replace broken poles and worn zips within two weeks, at cost.</div>
</div>
</div>
<footer><a href="/contact">Contact</a> <a href="/legal">Legal</a></footer>
</body></html>"#;

fn lines(strategy: Strategy) -> (Vec<String>, Vec<Strategy>) {
    let options = Options {
        strategy,
        ..Options::default()
    };
    let page = extract(PAGE, &options).unwrap();
    (page.text.lines().map(str::to_string).collect(), page.kept_by)
}

fn has(lines: &[String], start: &str) -> bool {
    lines.iter().any(|l| l.starts_with(start))
}

#[test]
fn each_strategy_keeps_its_blocks_and_union_keeps_them_all_in_order() {
    let (default, by) = lines(Strategy::Default);
    assert!(by.is_empty(), "only union says which strategies found text");
    assert!(has(&default, "Choosing a tent") && has(&default, "Geodesic") && has(&default, "Two doors"));
    assert!(!has(&default, "Home") && !has(&default, "Contact"));
    assert!(
        !has(&default, "Every tent bought here"),
        "the box beside the article is not its content"
    );

    let (precision, _) = lines(Strategy::Precision);
    assert!(has(&precision, "A mountain tent") && has(&precision, "Tunnel tents"));
    assert!(has(&precision, "Choosing a tent"), "a title before prose stays");
    assert!(!has(&precision, "Two doors"), "a short list item is not running text");
    assert!(
        precision.iter().all(|l| default.contains(l)),
        "precision takes from the default selection"
    );

    let (recall, _) = lines(Strategy::Recall);
    assert!(
        has(&recall, "Every tent bought here"),
        "the box beside the article is not chrome"
    );
    assert!(
        !has(&recall, "Home") && !has(&recall, "Contact"),
        "navigation and footers stay out"
    );

    let (union, by) = lines(Strategy::Union);
    assert_eq!(by, [Strategy::Default, Strategy::Precision, Strategy::Recall]);
    for line in default.iter().chain(&recall) {
        assert!(union.contains(line), "{line:?} is kept by a strategy, so by the union");
    }
    assert!(union.iter().all(|l| default.contains(l) || recall.contains(l)));
    let position = |start: &str| union.iter().position(|l| l.starts_with(start)).unwrap();
    assert!(position("Choosing a tent") < position("Tunnel tents"));
    assert!(
        position("Tunnel tents") < position("Every tent bought here"),
        "document order"
    );
}

#[test]
fn names_round_trip() {
    for strategy in Strategy::ALL {
        assert_eq!(Strategy::from_name(strategy.name()), Some(strategy));
    }
    assert_eq!(Strategy::from_name("best"), None);
}
