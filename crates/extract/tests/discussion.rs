//! A forum thread whose software names every post, the first included, as a
//! comment: when the page declares itself a discussion (schema.org
//! `DiscussionForumPosting` or `QAPage`, in JSON-LD or microdata), every post
//! is content; on an article, comments stay out. Pages written for this test.
use tamis_extract::{extract, Options};

const POSTS: [&str; 3] = [
    "Does anyone know what the two small ports on the back panel of this case are for? The manual says nothing.",
    "I have heard that the rear one is for an external connection to lighting controllers, but I am not sure.",
    "Thanks, that makes sense. I will ask support about the one on the bottom panel and report back here.",
];

fn thread(head: &str, item_type: &str) -> String {
    let posts: String = POSTS
        .iter()
        .enumerate()
        .map(|(n, text)| {
            format!(
                r#"<article class="cPost ipsComment" id="comment-{n}"{item_type}><aside class="author">user{n}</aside>
                <div class="ipsComment_content"><p class="date">Posted March {n}, 2024</p><div class="post-text"><p>{text}</p></div></div></article>"#
            )
        })
        .collect();
    format!(
        r#"<html><head><title>Ports on the case</title>{head}</head><body>
        <nav><a href="/">Forums</a> <a href="/hardware">Hardware</a></nav>
        <main><h1>Ports on the case</h1><div class="comments-wrapper">{posts}</div></main>
        <footer><a href="/privacy">Privacy</a></footer></body></html>"#
    )
}

#[test]
fn every_post_of_a_declared_discussion_is_kept() {
    let json_ld = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"DiscussionForumPosting","headline":"Ports on the case"}</script>"#;
    let microdata = r#" itemscope itemtype="http://schema.org/DiscussionForumPosting""#;
    for html in [thread(json_ld, ""), thread("", microdata)] {
        let page = extract(&html, &Options::default()).unwrap();
        for post in POSTS {
            assert!(page.text.contains(post), "{post}\n---\n{}", page.text);
        }
        assert!(!page.text.contains("Privacy"));
    }
}

#[test]
fn comments_of_an_undeclared_page_stay_out() {
    let article = "<p>The case has two small ports on its back panel and one on the bottom panel, none of them described in the manual that ships with it.</p>";
    let html = thread("", "").replace(
        "<h1>Ports on the case</h1>",
        &format!("<h1>Ports on the case</h1>{article}"),
    );
    let page = extract(&html, &Options::default()).unwrap();
    assert!(page.text.contains("none of them described"), "{}", page.text);
    assert!(!page.text.contains(POSTS[1]), "{}", page.text);
}

/// Posts set as `<article>`s, each in wrappers of its own and of unequal
/// length: the longest alone would win the selection; the thread takes them
/// all, with their authors and dates.
#[test]
fn a_thread_keeps_every_post_not_only_the_longest() {
    let long = format!("{} {}", POSTS[0], POSTS[1].repeat(4));
    let posts: String = [long.as_str(), POSTS[1], POSTS[2]]
        .iter()
        .enumerate()
        .map(|(n, text)| {
            format!(
                r#"<div class="block"><div class="wrap{n}"><article class="message"><div class="message-info">user{n} posted on March {n}, 2024</div>
                <div class="message-body"><p>{text}</p></div></article></div></div>"#
            )
        })
        .collect();
    let html = format!(
        r#"<html><head><script type="application/ld+json">{{"@type":"DiscussionForumPosting"}}</script></head><body>
        <nav><a href="/">Forums</a></nav><div class="thread">{posts}</div></body></html>"#
    );
    let page = extract(&html, &Options::default()).unwrap();
    for post in POSTS {
        assert!(page.text.contains(post), "{post}\n---\n{}", page.text);
    }
    assert!(page.text.contains("user2 posted on March 2, 2024"), "{}", page.text);
}
