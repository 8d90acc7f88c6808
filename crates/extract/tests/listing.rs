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
