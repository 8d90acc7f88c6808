//! Listing pages (search results, a paper list, a shop's category): their
//! content is rows whose titles are links, each with text of its own (a
//! description, authors, a price). Inside the selection such rows keep their
//! links, while bare link lists (a menu inside `<main>`), buttons repeated
//! from row to row ("Read more") and an article's "related" rows stay out.
//! Pages written for this test.
use tamis_extract::{extract, Options};

const AUTHORS: [&str; 6] = [
    "Ada Lovelace, Alan Turing",
    "Grace Hopper",
    "Edsger Dijkstra, Barbara Liskov",
    "Donald Knuth",
    "Frances Allen, John Backus",
    "Karen Sparck Jones",
];

const TITLES: [&str; 6] = [
    "A survey of compression methods for large language models",
    "Sparse attention patterns that transfer across tasks",
    "Measuring the memorisation of training data in code models",
    "Curriculum learning for small robots on uneven ground",
    "Why tokenisers split rare words and what it costs",
    "Retrieval over scanned archives with noisy text layers",
];

fn rows() -> String {
    TITLES
        .iter()
        .enumerate()
        .map(|(n, title)| {
            let authors = AUTHORS[n];
            format!(
                r#"<li class="result"><h3><a href="/paper/{n}">{title}</a></h3>
                <div class="authors"><a href="/a/{n}">{authors}</a></div>
                <p class="subjects">Subjects: Machine Learning; Computation and Language; {n} pages</p>
                <a class="more" href="/paper/{n}#abstract">Read more</a></li>"#
            )
        })
        .collect()
}

fn listing() -> String {
    format!(
        r#"<html><head><title>Recent papers</title></head><body>
        <nav><a href="/">Home</a> <a href="/list">Lists</a> <a href="/about">About</a></nav>
        <main><h1>Recent papers</h1>
        <ul class="filters"><li><a href="/new">New</a></li><li><a href="/recent">Recent</a></li>
        <li><a href="/week">This week</a></li><li><a href="/month">This month</a></li></ul>
        <ol class="results">{}</ol></main>
        <footer><a href="/privacy">Privacy</a></footer></body></html>"#,
        rows()
    )
}

#[test]
fn listing_rows_keep_their_links() {
    let page = extract(&listing(), &Options::default()).unwrap();
    for title in TITLES {
        assert!(page.text.contains(title), "{title}\n---\n{}", page.text);
    }
    assert!(page.text.contains("Subjects: Machine Learning"), "{}", page.text);
    for authors in AUTHORS {
        assert!(page.text.contains(authors), "{authors}\n---\n{}", page.text);
    }
}

#[test]
fn menus_and_repeated_buttons_stay_out_of_a_listing() {
    let page = extract(&listing(), &Options::default()).unwrap();
    for chrome in ["This week", "This month", "Read more", "Privacy", "About"] {
        assert!(!page.text.contains(chrome), "{chrome}\n---\n{}", page.text);
    }
}

#[test]
fn related_rows_after_an_article_stay_out() {
    let article: String = (0..4)
        .map(|n| {
            format!(
                "<p>Paragraph {n} of the article explains at length how the committee reached its decision, \
                 which members voted against it, and what the city will do with the money it saved this year.</p>"
            )
        })
        .collect();
    let html = listing().replace(
        "<h1>Recent papers</h1>",
        &format!("<h1>The council's vote</h1>{article}"),
    );
    let page = extract(&html, &Options::default()).unwrap();
    assert!(page.text.contains("Paragraph 3 of the article"), "{}", page.text);
    for title in TITLES {
        assert!(!page.text.contains(title), "{title}\n---\n{}", page.text);
    }
}

/// Job offers as table rows, every title a link and each row's only text of
/// its own its number: the rows are link lists, so the selection alone
/// settles on the intro line above them.
const COMPANIES: [&str; 12] = [
    "Acme", "Borealis", "Cobalt", "Dynamo", "Ember", "Fjord", "Granite", "Harbor", "Indigo", "Juniper", "Kestrel",
    "Lumen",
];

fn job_board(rows: usize) -> String {
    let offers: String = COMPANIES[..rows]
        .iter()
        .enumerate()
        .map(|(n, company)| {
            format!(
                r#"<tr class="offer"><td>{n}.</td><td><a href="/job/{n}">{company} is hiring a backend engineer for its payments team</a></td></tr>"#
            )
        })
        .collect();
    format!(
        r#"<html><head><title>Jobs</title></head><body>
        <div class="top"><a href="/">Home</a> | <a href="/jobs">Jobs</a> | <a href="/login">Login</a></div>
        <div class="page"><p>These are jobs at young companies. See more on the jobs page.</p>
        <table class="list">{offers}</table></div>
        <div class="bottom"><a href="/faq">FAQ</a> | <a href="/legal">Legal</a></div></body></html>"#
    )
}

#[test]
fn a_short_selection_takes_the_listing_it_missed() {
    let page = extract(&job_board(12), &Options::default()).unwrap();
    assert!(page.text.contains("These are jobs"), "{}", page.text);
    for company in COMPANIES {
        let offer = format!("{company} is hiring");
        assert!(page.text.contains(&offer), "{offer}\n---\n{}", page.text);
    }
    for chrome in ["Login", "FAQ", "Legal"] {
        assert!(!page.text.contains(chrome), "{chrome}\n---\n{}", page.text);
    }
}

#[test]
fn a_short_post_keeps_out_a_few_undeclared_rows() {
    // A few rows outside any element declared as the main content are a
    // sidebar's latest posts beside a short post, not a listing.
    let page = extract(&job_board(6), &Options::default()).unwrap();
    assert!(page.text.contains("These are jobs"), "{}", page.text);
    assert!(!page.text.contains("is hiring"), "{}", page.text);
    // Inside `<main>`, the same few rows are the page's content.
    let html = job_board(6)
        .replace(r#"<div class="page">"#, "<main>")
        .replace("</table></div>", "</table></main>");
    let page = extract(&html, &Options::default()).unwrap();
    assert!(page.text.contains("Fjord is hiring"), "{}", page.text);
}

#[test]
fn a_short_page_keeps_out_a_menu_of_bare_links() {
    let menu: String = (1..=12)
        .map(|n| format!(r#"<li class="cat"><a href="/c/{n}">Category {n}</a></li>"#))
        .collect();
    let html = format!(
        r#"<html><body><main><p>These are jobs at young companies. See more on the jobs page.</p>
        <ul class="cats">{menu}</ul></main></body></html>"#
    );
    let page = extract(&html, &Options::default()).unwrap();
    assert!(page.text.contains("These are jobs"), "{}", page.text);
    assert!(!page.text.contains("Category"), "{}", page.text);
}

#[test]
fn rows_named_like_chrome_are_a_listing_when_the_selection_is_short() {
    // Shops name their product grids `search-results`; "search" names chrome.
    let html = job_board(12).replace(r#"<table class="list">"#, r#"<table class="search-results">"#);
    let page = extract(&html, &Options::default()).unwrap();
    assert!(page.text.contains("Lumen is hiring"), "{}", page.text);
    assert!(!page.text.contains("Login"), "{}", page.text);
}

#[test]
fn an_intro_paragraph_does_not_hide_the_listing() {
    // An intro of a few sentences (over 200 letters) above rows holding
    // four times as much.
    let intro = "These are jobs at young companies that we funded over the past years. Every offer \
                 below was posted by the company itself and checked by us before it went up. See \
                 more on the jobs page, where you can filter them by role and by place. Offers stay \
                 up for thirty days unless the company takes them down sooner.";
    let html = job_board(12)
        .replace("These are jobs at young companies. See more on the jobs page.", intro)
        .replace(
            "a backend engineer for its payments team",
            "a backend engineer for its payments team in Berlin, Lisbon, Warsaw or anywhere else in Europe",
        );
    let page = extract(&html, &Options::default()).unwrap();
    assert!(page.text.contains("filter them by role"), "{}", page.text);
    assert!(page.text.contains("Acme is hiring"), "{}", page.text);
    assert!(page.text.contains("Lumen is hiring"), "{}", page.text);
}

#[test]
fn cards_wrapped_in_their_links_are_a_listing_in_main() {
    // Each offer is one link around five lines: no text of its own.
    let cards: String = COMPANIES
        .iter()
        .enumerate()
        .map(|(n, company)| {
            format!(
                r#"<li class="card"><a href="/job/{n}"><h4>Senior engineer, platform team {company}</h4>
                <p>{company} Incorporated</p><p>Remote, Europe</p><p>Full time</p><p>{n}0,000 to {n}5,000 a year</p></a></li>"#
            )
        })
        .collect();
    let html = format!(
        r#"<html><body><nav><a href="/">Home</a> <a href="/jobs">Jobs</a></nav>
        <main><h1>Remote programming jobs</h1><p>Latest post one day ago.</p><ul class="jobs">{cards}</ul></main>
        <footer><a href="/legal">Legal</a></footer></body></html>"#
    );
    let page = extract(&html, &Options::default()).unwrap();
    assert!(
        page.text.contains("Senior engineer, platform team Acme"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Kestrel Incorporated"), "{}", page.text);
    assert!(!page.text.contains("Legal"), "{}", page.text);
    // Outside any element declared as the main content, links alone are
    // not enough: a short article's teasers look the same.
    let html = html
        .replace("<main>", r#"<div class="page">"#)
        .replace("</main>", "</div>");
    let page = extract(&html, &Options::default()).unwrap();
    assert!(!page.text.contains("Kestrel Incorporated"), "{}", page.text);
}

#[test]
fn rows_are_alike_by_their_first_class_name() {
    // Shop software writes each product's own names after the component's:
    // `product post-15859 first instock sale`.
    let tiles: String = COMPANIES
        .iter()
        .enumerate()
        .map(|(n, company)| {
            let position = if n % 4 == 0 { " first" } else { "" };
            let stock = if n % 3 == 0 { "outofstock" } else { "instock" };
            format!(
                r#"<li class="product post-{n}0{n}{position} {stock}"><a href="/p/{n}"><h2>{company} travel cup, twelve ounces</h2></a>
                <span class="price">${n}9.95</span> <span>Ships in two days</span></li>"#
            )
        })
        .collect();
    let html = format!(
        r#"<html><body><nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
        <main><h1>Shop</h1><p>Showing all 12 results</p><ul class="products">{tiles}</ul></main>
        <footer><a href="/legal">Legal</a></footer></body></html>"#
    );
    let page = extract(&html, &Options::default()).unwrap();
    for company in COMPANIES {
        let title = format!("{company} travel cup");
        assert!(page.text.contains(&title), "{title}\n---\n{}", page.text);
    }
    assert!(!page.text.contains("Legal"), "{}", page.text);
}
