//! The running example (DESIGN.md): a news page whose article must come out
//! alone, without the site's "last updated" line, its headline list or its
//! WeChat call to action. The HTML is written for this test in the shape such
//! news sites use, around the text of `../shared/seed/`.

const SEED: &str = r#"<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Les chefs de la défense américaine et turque discutent de la Syrie et de la Libye</title>
<meta property="og:site_name" content="French.news.cn">
<meta name="description" content="Le secrétaire américain à la Défense Mark Esper s'est entretenu jeudi avec Hulusi Akar.">
<link rel="canonical" href="http://french.news.cn/2020-02/28/c_138825906.htm">
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2020-02-28T10:10:00+08:00"}</script>
<script>var tracking = "not content";</script>
</head><body>
<div class="top"><div class="logo"><a href="/"><img src="logo.png" alt="logo"></a></div>
<ul class="menu"><li><a href="/monde">Monde</a></li><li><a href="/chine">Chine</a></li><li><a href="/eco">Économie</a></li></ul></div>
<div class="wrap">
 <div class="info">Dernière mise à jour à 10h10 le 28/02</div>
 <div class="main">
  <h1>Les chefs de la défense américaine et turque discutent de la Syrie et de la Libye</h1>
  <div id="detailContent">
   <p>Le secrétaire américain à la Défense Mark Esper s'est entretenu jeudi par téléphone avec son homologue turc Hulusi Akar au sujet de la Syrie et de la Libye, a déclaré le Pentagone dans un communiqué.</p>
   <p>Les deux dirigeants ont discuté des opérations du gouvernement Assad dans la province d'Idleb, dans le nord-ouest de la Syrie - opérations soutenues par la Russie et l'Iran, selon Washington - et de la crise humanitaire qui en résulte dans la région, indique le communiqué.</p>
   <p>Au cours de la conversation téléphonique, les deux parties ont également discuté de la situation en Libye.</p>
   <p>Washington est en train d'examiner divers moyens de travailler avec la Turquie sur ces questions, ajoute le communiqué.</p>
   <p>L'armée syrienne a récemment lancé une offensive militaire visant à éliminer les groupes rebelles radicaux à Idleb et dans la province voisine d'Alep. La Turquie soutient quant à elle les rebelles, et a exhorté la Russie et la Syrie à respecter les termes de l'accord de Sotchi, qui impose un cessez-le-feu à Idleb.</p>
   <p>Un peu plus tôt jeudi, le ministère turc de la Défense a annoncé que deux soldats turcs avaient été tués par une frappe aérienne à Idleb, portant à 18 le nombre de militaires turcs tués dans cette province.</p>
  </div>
 </div>
 <div class="right">
  <ul class="list">
   <li><a href="/1">La Chine procède au plus grand ajustement de l'histoire de son espace aérien</a></li>
   <li><a href="/2">Selon le rapport Hurun, Beijing compte le plus grand nombre de riches Chinois</a></li>
   <li><a href="/3">Le sud du Xinjiang progresse dans la lutte contre la pauvreté</a></li>
   <li><a href="/4">Chine : l'indice des prix à la consommation en hausse de 3% en septembre</a></li>
   <li><a href="/5">Mise à l'eau du plus grand porte-conteneurs au monde propulsé au gaz naturel liquéfié à Shanghai</a></li>
   <li><a href="/6">La Chine achète plus de produits aux États-Unis</a></li>
  </ul>
  <div class="qr"><img src="qr.png"><p>Ceux qui veulent nous rejoindre sur la messagerie WeChat, scannez le code QR ci-contre.</p></div>
  <ul class="list">
   <li><a href="/7">Shanghai en tête de la capacité de consommation en Chine</a></li>
   <li><a href="/8">Le ministère de la Justice chinois lance un site en anglais</a></li>
   <li><a href="/9">Le réseau 5G couvrira 430 millions de Chinois d'ici 2025</a></li>
  </ul>
 </div>
</div>
<div class="foot">Copyright © 2000-2020 Xinhua News Agency. Tous droits réservés.</div>
</body></html>"#;

#[test]
fn seed_page_gives_its_article_only() {
    let page = extract(SEED);
    let mut lines: Vec<&str> = page.text.lines().collect();
    // The article's own headline is part of the article.
    if lines.first().is_some_and(|l| l.starts_with("Les chefs de la défense")) {
        lines.remove(0);
    }
    assert_eq!(lines.len(), 6, "{}", page.text);
    assert!(lines[0].starts_with("Le secrétaire américain à la Défense Mark Esper"));
    assert!(lines[5].ends_with("tués dans cette province."));
    for chrome in ["Dernière mise à jour", "WeChat", "Hurun", "Copyright", "Monde"] {
        assert!(!page.text.contains(chrome), "{chrome} in {}", page.text);
    }
    let meta = page.metadata;
    assert_eq!(meta.lang.as_deref(), Some("fr"));
    assert_eq!(meta.date.as_deref(), Some("2020-02-28T10:10:00+08:00"));
    assert_eq!(meta.site_name.as_deref(), Some("French.news.cn"));
    assert_eq!(
        meta.canonical_url.as_deref(),
        Some("http://french.news.cn/2020-02/28/c_138825906.htm")
    );
    assert!(meta.title.is_some_and(|t| t.starts_with("Les chefs")));
    assert!(meta.description.is_some());
}

#[test]
fn structure_is_kept() {
    let html = "<html><body><article><h2>Steps to follow in order</h2>\
        <p>First paragraph of the article, which is long enough to count as text.</p>\
        <ul><li>first item</li><li>second item</li></ul>\
        <figure><img src=\"a.jpg\"><figcaption>The valley at dawn. Photo: Agency</figcaption></figure>\
        <table><tr><th>name</th><th>value</th></tr><tr><td>alpha</td><td>1</td></tr></table>\
        <pre>fn main() {\n    println!(\"hi\");\n}</pre>\
        <p>Second paragraph of the article, again long enough to count as real text.</p></article></body></html>";
    let page = extract(html);
    let expected = "Steps to follow in order\n\
        First paragraph of the article, which is long enough to count as text.\n\
        first item\nsecond item\nname | value\nalpha | 1\n\
        fn main() {\n    println!(\"hi\");\n}\n\
        Second paragraph of the article, again long enough to count as real text.";
    assert_eq!(page.text, expected);
}

#[test]
fn hostile_input_does_not_panic() {
    let options = tamis_extract::Options::default();
    for html in [
        "",
        "<",
        "<<<>>>",
        "<table><td><table><td>",
        "\u{0}\u{feff}<p>x",
        "<pre><pre></pre>",
    ] {
        let _ = tamis_extract::extract(html, &options);
    }
    // `<div/>` is not self-closing in HTML: each one nests.
    for deep in ["<div>".repeat(100_000), "<div/>".repeat(100_000)] {
        assert_eq!(
            tamis_extract::extract(&deep, &options),
            Err(tamis_extract::ExtractError::TooDeep)
        );
    }
}

/// A lead paragraph in the article's header, outside the element that holds
/// the body, belongs to the article; a photo caption there does not.
#[test]
fn lead_before_the_body_is_kept() {
    let html = r#"<html><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div class="story">
 <div class="story-head">
  <h1>Rivers rise after a week of rain</h1>
  <p class="teaser">Three valleys were evacuated overnight as the river broke its banks in two places, the regional authorities said on Sunday morning.</p>
  <div class="caption">Sandbags in front of the town hall on Saturday.</div>
 </div>
 <div class="story-body">
  <p>The water reached the first houses shortly after midnight, and firefighters went from door to door to wake the residents who had stayed.</p>
  <p>By morning more than four hundred people had spent the night in the school gymnasium, where volunteers served hot soup and handed out blankets.</p>
  <p>Trains between the two largest towns of the valley were replaced by buses, and the main road to the north stayed closed all day.</p>
  <p>Farmers on the lower fields moved their cattle to higher ground on Saturday, some with the help of neighbours who lent them trailers.</p>
  <p>The mayor thanked the volunteers and said that the town would ask the regional government for emergency funds to repair the damage.</p>
  <p>The weather service expects the rain to ease on Tuesday, but warned that the ground is saturated and that further flooding remains possible.</p>
 </div>
</div>
<ul class="related"><li><a href="/1">Storm season starts early this year, experts say</a></li><li><a href="/2">How to protect your house from water</a></li></ul>
</body></html>"#;
    let page = extract(html);
    let lines: Vec<&str> = page.text.lines().collect();
    assert_eq!(lines.len(), 8, "{}", page.text);
    assert_eq!(lines[0], "Rivers rise after a week of rain");
    assert!(lines[1].starts_with("Three valleys"));
    assert!(lines[2].starts_with("The water reached"));
}

/// An article body split in two sibling elements by a link list between them
/// comes out whole, without the links.
#[test]
fn body_split_by_a_link_list_is_merged() {
    let links = link_list(10);
    let html = format!(
        r#"<html><body><div class="page">
<div class="part-one">
 <p>The council voted on Tuesday evening to keep the old library open for at least another five years.</p>
 <p>More than three hundred residents had signed a letter asking for the building to be saved and repaired.</p>
 <p>The repairs to the roof and the heating will cost about two million, to be paid over the next three budgets.</p>
 <p>The head librarian said the staff were relieved and would extend the opening hours on Saturdays from March.</p>
</div>
<ul>{links}</ul>
<div class="part-two">
 <p>A public meeting on the plans for the reading room will be held at the town hall next month.</p>
</div>
</div></body></html>"#
    );
    let page = extract(&html);
    assert!(page.text.starts_with("The council voted"), "{}", page.text);
    assert!(page.text.ends_with("town hall next month."), "{}", page.text);
    assert!(!page.text.contains("Another story"), "{}", page.text);
}

/// A page too short to hold running text keeps what is not chrome; a page of
/// links alone stays empty.
#[test]
fn short_page_keeps_its_text() {
    let extract = |html: &str| extract(html);
    let notice = extract(
        r#"<html><body><nav><a href="/">Home</a></nav><h2>Opening hours</h2>
<p>Closed on Monday.</p><footer>© The Library</footer></body></html>"#,
    );
    assert_eq!(notice.text, "Opening hours\nClosed on Monday.");
    let menu =
        extract(r#"<html><body><div><a href="/a">Alpha page</a> <a href="/b">Beta page</a></div></body></html>"#);
    assert_eq!(menu.text, "");
}

/// A post element named for having comments (`class="post commented"`) is
/// the article, while the thread under it stays out.
#[test]
fn post_with_comments_is_not_a_comment_thread() {
    let html = r#"<html><body><article class="post commented">
<p>The council voted on Tuesday evening to keep the old library open for at least another five years.</p>
<p>More than three hundred residents had signed a letter asking for the building to be saved and repaired.</p>
<div class="comments"><p>I am so glad they listened to us, this library means a lot to our whole family.</p></div>
</article></body></html>"#;
    let page = extract(html);
    assert!(page.text.starts_with("The council voted"), "{}", page.text);
    assert!(!page.text.contains("glad"), "{}", page.text);
}

/// A sidebar declared by its tag stays chrome even when it holds more text
/// than the article (a live feed next to a short story).
#[test]
fn declared_sidebar_longer_than_the_article_stays_out() {
    let feed: String = (0..8)
        .map(|i| format!("<p>Live update {i}: officials said the roads in the north of the region would stay closed overnight.</p>"))
        .collect();
    let html = format!(
        r#"<html><body><div class="layout"><div class="story">
<p>The council voted on Tuesday evening to keep the old library open for at least another five years.</p>
<p>More than three hundred residents had signed a letter asking for the building to be saved and repaired.</p>
</div><aside>{feed}</aside></div></body></html>"#
    );
    let page = extract(&html);
    assert!(page.text.starts_with("The council voted"), "{}", page.text);
    assert!(!page.text.contains("Live update"), "{}", page.text);
}

/// Section ids made from headings (`id="sharing-with-a-single-developer"`)
/// are prose: the word "sharing" in them does not make the section chrome.
#[test]
fn heading_anchors_are_not_component_names() {
    let html = r#"<html><body><div class="body">
<div class="section" id="how-it-works"><h2>How it works</h2>
<p>The tool keeps your changes in draft while you pass them between your machines, so nothing is final too early.</p>
<p>Drafts can be rewritten as often as needed; only publishing them makes them permanent for everybody else.</p></div>
<div class="section" id="setting-up"><h2>Setting up</h2>
<p>Create three repositories: one public, one for testing and one for development, each with its own settings.</p></div>
<div class="section" id="sharing-with-a-single-developer"><h2>Sharing with a single developer</h2>
<p>The simplest case is one developer working on two computers, a laptop and a remote test server in the lab.</p></div>
</div></body></html>"#;
    let page = extract(html);
    assert!(page.text.contains("The simplest case"), "{}", page.text);
}

/// A banner `<header>` left unclosed wraps the whole page; the `<main>` in it
/// is still the content.
#[test]
fn unclosed_header_around_the_page_is_a_wrapper() {
    let html = r#"<html><body><header role="banner"><div class="logo">Daily News</div>
<main><p>The council voted on Tuesday evening to keep the old library open for at least another five years.</p>
<p>More than three hundred residents had signed a letter asking for the building to be saved and repaired.</p></main>
</body></html>"#;
    let page = extract(html);
    assert!(page.text.starts_with("The council voted"), "{}", page.text);
}

/// A short post in an article-named element wins over a longer block of plain
/// text elsewhere on the page (a site's "about" box).
#[test]
fn short_article_beats_a_longer_about_box() {
    let html = r#"<html><body><div class="wrap">
<div class="column"><div class="entry-content"><p>The new lens is in stock for the first time at two shops in the United States today.</p>
<p>Only two of them are left, and the price is the same as in Europe.</p></div></div>
<div class="column"><div class="box"><h3>About</h3><p>Our site is a resource for photographers from novice to advanced. We bring you useful information,
inspiration, technique, showcases and much more every single day. Do you have a technique or a tip? We would love to hear from you,
write to us and become one of our many contributors from all over the world.</p></div></div>
</div></body></html>"#;
    let page = extract(html);
    assert_eq!(
        page.text,
        "The new lens is in stock for the first time at two shops in the United States today.\n\
         Only two of them are left, and the price is the same as in Europe."
    );
}

/// A short line that introduces a dropped link list ("More on this:") goes
/// with it; one that introduces kept text stays.
#[test]
fn labels_go_with_what_they_introduce() {
    let links = link_list(2);
    let html = format!(
        r#"<html><body><article>
<p>The council voted on Tuesday evening to keep the old library open for at least another five years.</p>
<div>What happens next:</div>
<p>More than three hundred residents had signed a letter asking for the building to be saved and repaired.</p>
<div>More on this:</div><ul>{links}</ul>
</article></body></html>"#
    );
    let page = extract(&html);
    assert!(page.text.contains("What happens next:"), "{}", page.text);
    assert!(!page.text.contains("More on this"), "{}", page.text);
}

/// Furigana, soft hyphens and decomposed accents are not what a reader reads.
#[test]
fn text_is_what_a_reader_reads() {
    let html = "<html><body><article>\
        <p><ruby>子<rp>(</rp><rt>こ</rt><rp>)</rp></ruby>どもへの<ruby>虐待<rt>ぎゃくたい</rt></ruby>をなくすための法律ができて、親が子どもをたたくことは禁止されました。</p>\
        <p>Der St. Mag&shy;da&shy;le&shy;ner ist ein leichter Rotwein aus Su\u{308}dtirol, der im Keller gut reift.</p>\
        </article></body></html>";
    let page = extract(html);
    assert_eq!(
        page.text,
        "子どもへの虐待をなくすための法律ができて、親が子どもをたたくことは禁止されました。\n\
         Der St. Magdalener ist ein leichter Rotwein aus Südtirol, der im Keller gut reift."
    );
}

/// An article whose sections a site names like chrome (`Section--Ads`: the
/// section may hold ads) is still found, by the selection that ignores names.
#[test]
fn article_in_chrome_named_sections_is_found() {
    let section = |n: usize| {
        format!(
            r#"<section class="Report__Section Report__Section--Ads"><h2>Part {n}</h2>
<p>Part {n} of the test report describes how the grill heats up, how long the steak takes and what it tastes like.</p></section>"#
        )
    };
    let sections: String = (1..=5).map(section).collect();
    let html = format!(
        r#"<html><body><div class="top">Grills and more</div><article class="Report">{sections}</article>
<div class="box"><p>Sign up to our weekly mail.</p></div></body></html>"#
    );
    let page = extract(&html);
    for n in 1..=5 {
        assert!(
            page.text.contains(&format!("Part {n} of the test report")),
            "{}",
            page.text
        );
    }
    assert!(!page.text.contains("Sign up"), "{}", page.text);
}

/// "Related posts" rendered as `<article>` cards (a linked title and an
/// excerpt) inside the post's column are not part of the post.
#[test]
fn teaser_cards_are_not_the_article() {
    let card = |n: usize| {
        format!(
            r#"<article class="card"><h3><a href="/p/{n}">Another post, number {n}</a></h3>
<p>The first lines of another post, shown here to tempt the reader into reading more of it.</p></article>"#
        )
    };
    let cards: String = (1..=3).map(card).collect();
    let paragraph =
        "The harbour was quiet on Sunday morning when the first boats came back with their catch from the night.";
    let html = format!(
        r#"<html><body><div class="column"><div class="post"><h1>At the harbour</h1>
<p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></div>
<h2>Related posts</h2>{cards}</div></body></html>"#
    );
    let page = extract(&html);
    assert!(page.text.contains("At the harbour"), "{}", page.text);
    assert!(page.text.contains("first boats came back"), "{}", page.text);
    assert!(!page.text.contains("first lines of another post"), "{}", page.text);
}

/// "More on this topic" as a row of plain `<div>` slides, each a label, a
/// linked title and an excerpt, after the article: dropped like `<article>`
/// cards, while a linked title above the article's own header is not.
#[test]
fn teaser_slides_are_not_the_article() {
    let slide = |n: usize| {
        format!(
            r#"<div class="slide"><div class="kicker">News</div><h3><a href="/n/{n}">Another story, number {n}</a></h3>
<p>The first lines of another story, shown here to tempt the reader into reading more of it.</p></div>"#
        )
    };
    let slides: String = (1..=3).map(slide).collect();
    let paragraph =
        "The vineyards on the lake shore were harvested early this year after a dry and unusually warm summer.";
    let html = format!(
        r#"<html><body><div class="page"><div class="head"><h4><a href="/wine">Wine</a></h4><h1>An early harvest</h1></div>
<div class="text"><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></div>
<h2>More on this topic</h2><div class="row">{slides}</div></div></body></html>"#
    );
    let page = extract(&html);
    assert!(page.text.contains("An early harvest"), "{}", page.text);
    assert!(page.text.contains("harvested early"), "{}", page.text);
    assert!(!page.text.contains("first lines of another story"), "{}", page.text);
    assert!(!page.text.contains("More on this topic"), "{}", page.text);
}

/// When names mislead (article sections named `section--ads`), the selection
/// that ignores chrome-like names still leaves out a login dialog, however
/// much text its error messages hold.
#[test]
fn dialogs_stay_chrome_when_names_mislead() {
    let paragraph = "The ferry to the islands will run twice a day again from Monday, the shipping company announced.";
    let message =
        |n: usize| format!("<p>Sorry, this password does not meet the rules, message number {n} of the form.</p>");
    let messages: String = (1..=10).map(message).collect();
    let note =
        "<p>Our newsroom is independent and funded by its readers, who can support it from one euro a month.</p>";
    let html = format!(
        r#"<html><body><div class="page"><h1>Ferries return</h1>
<div class="section--ads"><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p></div>
<aside>{}</aside>
<div class="dialog-login"><h2>Log in</h2>{messages}</div></div></body></html>"#,
        note.repeat(30)
    );
    let page = extract(&html);
    assert!(page.text.contains("ferry to the islands"), "{}", page.text);
    assert!(!page.text.contains("password"), "{}", page.text);
}

/// Photo credits and captions set inline (`<span class="credits">`) are left
/// out of the paragraph around them, unless the name is misused on a long
/// passage of the article.
#[test]
fn inline_credits_are_left_out() {
    let paragraph = "The new bridge over the river opened on Saturday after three years of work and many delays.";
    let long_caption = "So are you better off than you were four years ago? It is the question both candidates ask, and the one our producer put to people in the street all week, from the station to the market. ".repeat(3);
    let html = format!(
        r#"<html><body><article><h1>Bridge opens</h1>
<p><span class="image-credits">Photo: Jane Doe / Agency</span> {paragraph}</p><p>{paragraph}</p><p>{paragraph}</p>
<p class="intro"><span class="wp-caption-text">{long_caption}</span></p></article></body></html>"#
    );
    let page = extract(&html);
    assert!(page.text.contains("The new bridge"), "{}", page.text);
    assert!(!page.text.contains("Jane Doe"), "{}", page.text);
    assert!(page.text.contains("better off"), "{}", page.text);
}

/// The extraction of `html` with the default options.
fn extract(html: &str) -> tamis_extract::Extraction {
    tamis_extract::extract(html, &tamis_extract::Options::default()).unwrap()
}

/// `count` list items, each a link to another story: a headline list.
fn link_list(count: usize) -> String {
    (0..count)
        .map(|i| format!("<li><a href=\"/s/{i}\">Another story from the same section, number {i}</a></li>"))
        .collect()
}
