//! Pages on which the selection finds nothing as a browser running scripts
//! first shows them, but which hold server-rendered text: the fallbacks find
//! it, and say which did. A page with no text but a "please enable
//! JavaScript" note or an error message stays empty. The pages are written
//! for these tests in the shapes such sites use.
use std::time::{Duration, Instant};
use tamis_extract::{extract, ExtractError, Fallback, Options};

const POSTS: [&str; 3] = [
    "I am new to the hobby and would like advice on choosing a first telescope that is easy to set up.",
    "A small refractor on a simple alt-azimuth mount is the easiest start, and it needs no collimation at all.",
    "I agree with the answer above; a Dobsonian reflector is another good choice if you can store it at home.",
];

/// A forum thread as some forum software serves it to clients without
/// scripts: the application's shell outside, the posts inside `<noscript>`.
fn noscript_forum() -> String {
    let posts: String = POSTS
        .iter()
        .enumerate()
        .map(|(n, text)| {
            format!(
                r#"<div class="topic-body crawler-post" itemprop="comment" itemscope itemtype="http://schema.org/Comment">
                <div class="crawler-post-meta"><span class="creator" itemprop="author"><a href="/u/user{n}"><span itemprop="name">user{n}</span></a></span>
                <time itemprop="datePublished" datetime="2025-01-0{n}">January {n}, 2025</time></div>
                <div class="post" itemprop="text"><p>{text}</p></div></div>"#
            )
        })
        .collect();
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><title>First telescope? - Forum</title>
        <noscript><link rel="stylesheet" href="/crawler.css"></noscript></head>
        <body><section id="main"></section>
        <noscript data-path="/t/first-telescope/1555">
          <header class="d-header"><a href="/">Forum home</a></header>
          <div id="main-outlet" class="wrap" role="main">
            <div id="topic-title"><h1><a href="/t/first-telescope/1555">First telescope?</a></h1></div>
            {posts}
          </div>
          <footer class="container wrap"><nav class="crawler-nav"><ul><li><a href="/">Home</a></li><li><a href="/categories">Categories</a></li></ul></nav>
          <p class="powered-by-link">Powered by forum software, best viewed with JavaScript enabled</p></footer>
        </noscript>
        <div class="hidden" id="data-preloaded" data-preloaded="{{}}"></div></body></html>"#
    )
}

#[test]
fn posts_in_noscript_are_found() {
    let page = extract(&noscript_forum(), &Options::default()).unwrap();
    assert_eq!(page.fallback, Some(Fallback::Noscript));
    for post in POSTS {
        assert!(page.text.contains(post), "{post}\n---\n{}", page.text);
    }
    assert!(!page.text.contains("Categories"), "{}", page.text);
    assert_eq!(page.metadata.title.as_deref(), Some("First telescope? - Forum"));
    assert_eq!(page.metadata.lang.as_deref(), Some("en"));
}

/// The shell around the `<noscript>` can hold a line or two of its own (the
/// site's description in a banner): a short selection gives way too.
#[test]
fn posts_in_noscript_replace_a_short_selection() {
    let html = noscript_forum().replace(
        r#"<section id="main"></section>"#,
        r#"<div class="banner"><h1>Community Forums</h1><p>Share and learn in the community of stargazers.</p></div>"#,
    );
    let page = extract(&html, &Options::default()).unwrap();
    assert_eq!(page.fallback, Some(Fallback::Noscript));
    for post in POSTS {
        assert!(page.text.contains(post), "{post}\n---\n{}", page.text);
    }
}

#[test]
fn content_streamed_into_a_hidden_element_is_found() {
    let paragraphs: String = POSTS.iter().map(|p| format!("<p>{p}</p>")).collect();
    let html = format!(
        r#"<html><body><div hidden></div><template id="B:0"></template>
        <div hidden id="S:0"><nav><a href="/">Home</a> <a href="/blog">Blog</a></nav>
        <article><h1>Choosing a telescope</h1>{paragraphs}</article></div></body></html>"#
    );
    let page = extract(&html, &Options::default()).unwrap();
    assert_eq!(page.fallback, Some(Fallback::Hidden));
    assert!(page.text.starts_with("Choosing a telescope\n"), "{}", page.text);
    assert!(!page.text.contains("Blog"));
}

#[test]
fn a_page_the_selection_finds_is_not_a_fallback() {
    let html = format!(
        "<html><body><noscript><p>{}</p></noscript><article><p>{}</p><p>{}</p></article></body></html>",
        POSTS[0], POSTS[1], POSTS[2]
    );
    let page = extract(&html, &Options::default()).unwrap();
    assert_eq!(page.fallback, None);
    assert!(!page.text.contains(POSTS[0]));
}

#[test]
fn a_javascript_shell_stays_empty() {
    let shells = [
        r#"<!DOCTYPE html><html><head><title>App</title></head><body>
        <noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div>
        <script src="/static/js/main.js"></script></body></html>"#,
        r#"<html><body><noscript><strong>We're sorry but this site doesn't work properly without JavaScript enabled. Please enable it to continue.</strong></noscript>
        <div id="app" hidden><div class="spinner">Loading…</div></div></body></html>"#,
        r#"<html><head><title>404</title></head><body><nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
        <div hidden><h1>Page not found</h1><p>Go back home</p></div><footer><a href="/privacy">Privacy</a></footer></body></html>"#,
    ];
    for html in shells {
        let page = extract(html, &Options::default()).unwrap();
        assert_eq!(page.text, "", "{html}");
        assert_eq!(page.fallback, None);
    }
}

/// What the fallbacks parse is held to the same budgets as the first parse:
/// a page that amplifies itself only once its `<noscript>` or its hidden
/// element is read is stopped within the same deadline.
#[test]
fn fallback_parses_hold_the_budgets() {
    let budget = Duration::from_millis(500);
    let options = Options {
        time_budget: Some(budget),
        ..Options::default()
    };
    let bold: String = (0..400).map(|n| format!("<b class=c{n}>")).collect();
    let bomb = format!("<p>{bold}x{}", "<p>x".repeat(60_000));
    for wrapper in ["noscript", "div hidden"] {
        let html = format!("<html><body><{wrapper}>{bomb}</{wrapper}></body></html>");
        let started = Instant::now();
        let outcome = extract(&html, &options);
        assert!(started.elapsed() < 10 * budget, "{wrapper}: {:?}", started.elapsed());
        assert!(
            matches!(outcome, Err(ExtractError::TooManyNodes | ExtractError::Timeout)),
            "{wrapper}: {outcome:?}"
        );
    }
}

/// A shop's home page whose main content is a grid of categories: every
/// line a link, none long enough to be judged as text. The element the page
/// declares as its main content is taken, links and all; the menus and the
/// footer around it are not.
#[test]
fn a_grid_of_links_in_the_main_element_is_found() {
    let categories = [
        "Watercolour Paint",
        "Acrylic Paint",
        "Oil Paint",
        "Brushes & Knives",
        "Canvas & Panels",
        "Sketchbooks",
        "Coloured Pencils",
        "Easels & Furniture",
        "Printmaking",
        "Ceramics & Sculpture",
    ];
    let tiles: String = categories
        .iter()
        .map(|name| {
            format!(r#"<li class="tile"><a href="/c/{name}"><img src="/i.jpg" alt=""><h3>{name}</h3></a></li>"#)
        })
        .collect();
    let html = format!(
        r#"<html><head><title>Art Shop</title></head><body>
        <header class="site-header"><nav><ul><li><a href="/account">Account</a></li><li><a href="/orders">Track Orders</a></li>
        <li><a href="/stores">Find a Store</a></li></ul></nav></header>
        <main><h2>Browse Featured Categories</h2><a href="/all">View All</a><ul class="promo-tiles">{tiles}</ul></main>
        <footer><ul><li><a href="/help">General Help</a></li><li><a href="/returns">Return Policy</a></li></ul>
        <p>© 2026 Art Shop. All rights reserved.</p></footer></body></html>"#
    );
    let page = extract(&html, &Options::default()).unwrap();
    assert_eq!(page.fallback, Some(Fallback::Main));
    assert!(page.text.starts_with("Browse Featured Categories\n"), "{}", page.text);
    for name in categories {
        assert!(page.text.contains(name), "{name}\n---\n{}", page.text);
    }
    for chrome in ["Track Orders", "Return Policy", "rights reserved"] {
        assert!(!page.text.contains(chrome), "{chrome}\n---\n{}", page.text);
    }
}

/// A shop's category page whose product cards are each a `<figure>` around
/// the card's link, name, kind and price: figures are left out as images
/// with captions, so the page had nothing; the last fallback shows them.
#[test]
fn product_cards_written_as_figures_are_found() {
    let products = [
        ("Trail Runner 3", "Men's Trail Running Shoes", "$120"),
        ("Road Racer Elite", "Men's Road Racing Shoes", "$250"),
        ("Daily Trainer", "Men's Road Running Shoes", "$95"),
        ("Track Spike Pro", "Track & Field Sprinting Spikes", "$140"),
        ("Cushion Max 2", "Men's Road Running Shoes", "$160"),
    ];
    let cards: String = products
        .iter()
        .map(|(name, kind, price)| {
            format!(
                r#"<div class="product-card"><figure><a class="card-link" href="/p/{name}"><img src="/p.jpg" alt="{name}"></a>
                <div class="card-title">{name}</div><div class="card-subtitle">{kind}</div><div class="card-price">{price}</div></figure></div>"#
            )
        })
        .collect();
    let html = format!(
        r#"<html><body><nav><a href="/men">Men</a> <a href="/women">Women</a> <a href="/kids">Kids</a></nav>
        <div class="filters"><a href="/f?c=black">Black</a> <a href="/f?c=white">White</a></div>
        <main><section class="grid">{cards}</section></main>
        <footer><a href="/help">Help</a> <a href="/terms">Terms of Use</a></footer></body></html>"#
    );
    let page = extract(&html, &Options::default()).unwrap();
    assert_eq!(page.fallback, Some(Fallback::Main));
    for (name, kind, price) in products {
        for line in [name, kind, price] {
            assert!(page.text.lines().any(|l| l == line), "{line}\n---\n{}", page.text);
        }
    }
    assert!(!page.text.contains("Terms of Use"), "{}", page.text);
}

/// An error page or a script's shell with a main element of its own stays
/// empty: a title and a few links are not 150 letters.
#[test]
fn a_short_main_element_stays_empty() {
    let pages = [
        r#"<html><head><title>Not found</title></head><body><nav><a href="/">Home</a> <a href="/shop">Shop</a></nav>
        <main><h1>Page not found</h1><ul><li><a href="/">Home page</a></li>
        <li><a href="/search">Search the shop</a></li><li><a href="/help">Contact us</a></li></ul></main>
        <footer><a href="/privacy">Privacy</a></footer></body></html>"#,
        r#"<html><body><main id="root"><figure><div class="spinner">Loading…</div></figure></main>
        <noscript>You need to enable JavaScript to run this app.</noscript></body></html>"#,
    ];
    for html in pages {
        let page = extract(html, &Options::default()).unwrap();
        assert_eq!(page.text, "", "{html}");
        assert_eq!(page.fallback, None);
    }
}
