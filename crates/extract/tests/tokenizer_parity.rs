//! Our tokenizer against html5ever's: html5ever's tree builder must build the
//! same tree from either, on hand-written edge cases, on pages damaged at
//! random, and (ignored unless the data is there) on every page of the
//! evaluation sets.

use std::path::Path;

/// Compares the two trees of `html`, raw and as extraction parses it.
fn assert_same_tree(html: &str, what: &str) {
    let views = [
        "raw",
        "stripped",
        "stripped, <noscript> kept",
        "cut while tokenizing / stripped",
        "cut while tokenizing / stripped, <noscript> kept",
    ];
    for (view, (ours, theirs)) in views.iter().zip(tamis_extract::tokenizer_parity_outlines(html)) {
        if ours != theirs {
            if let Ok(dir) = std::env::var("TAMIS_PARITY_DUMP") {
                std::fs::write(format!("{dir}/{}.html", what.replace(['/', ' '], "_")), html).unwrap();
            }
            let line = ours.lines().zip(theirs.lines()).position(|(a, b)| a != b);
            let at = line.unwrap_or(ours.lines().count().min(theirs.lines().count()));
            let show = |outline: &str| {
                outline
                    .lines()
                    .skip(at.saturating_sub(3))
                    .take(6)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!(
                "{what} ({view}): the trees differ at line {at}\n--- ours\n{}\n--- html5ever\n{}\n--- page\n{}",
                show(&ours),
                show(&theirs),
                html.chars().take(2000).collect::<String>()
            );
        }
    }
}

/// Shapes each state of the tokenizer meets, and the end of the page in each.
const CASES: &[&str] = &[
    "<!DOCTYPE html><html><head><title>A &amp; B</title></head><body><p class=x>Hi</p></body></html>",
    "<!doctype HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\" \"http://www.w3.org/TR/html4/loose.dtd\"><table><p>quirks</table>",
    "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Strict//EN'\n 'http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd'><table><p>x</table>",
    "<!DOCTYPE html SYSTEM \"about:legacy-compat\"><p>x",
    "<!DOCTYPE html PUBLIC \"-//W3O//DTD W3 HTML Strict 3.0//EN//\"><table><p>x</table>",
    "<!DOCTYPE><table><p>x</table>",
    "<!DOCTYPEhtml><p>x",
    "<!DOCTYPE html bogus><table><p>x</table>",
    "<!DOCTYPE html PUBLIC\"x\"><table><p>x</table>",
    "<!DOCTYPE html PUBLIC \"x>\"<table><p>x</table>",
    "<!DOCTYPE html SYSTEM \"x\" junk><table><p>x</table>",
    "<!DOCTYPE h\0tml><p>x",
    "<!DOCTYPE",
    "<!DOCTYPE html",
    "<p>a &amp b &ampx &amp; &notit; &notin; &not &#38; &#x26; &#X26 &#; &#x; &# &#0; &#x80; &#x9F; &#xD800; &#1114112; &#99999999999; &#x110000;</p>",
    "<p>&AElig &AElig; &lt&gt &nbsp;&nbsp; &NotANamedOne; &1; &a</p>",
    "<a href='?a=1&copy=2&amp;b=3&copy;&lang=x&notit;&not;'>x</a>",
    "<a href=?a&b&amp;c&lt=d&lt;e title=\"&quot;q&quot\">x</a>",
    "<a b=\"&\" c='&' d=& e=&#>x</a>",
    "<img alt=\"&#x1F600;&#128512;&#xFFFE;\" />",
    "&amp",
    "&",
    "&#x",
    "a\r\nb\rc\r\n\r\n<pre>\r\nline</pre><textarea>\r\n\r\nx</textarea>",
    "<pre>\nx</pre><pre>&#10;y</pre><pre>\n\nz</pre><listing>\nq</listing>",
    "<pre></>\nkept</pre><pre>&#10kept</pre><pre>&#xA;dropped</pre><listing>&#10\nkept</listing><textarea>&#10x</textarea>",
    "\u{feff}<p>bom</p>",
    "<script></script>\u{feff}after script<meta charset=utf-8>\u{feff}after meta",
    "<!-- c --><!----><!--><!---><!-- a -- b --><!-- x --!><!-- y ---><!-- <!-- --><p>z",
    "<!-- open",
    "<!--",
    "<!-",
    "<!",
    "<?php echo 1 ?><?xml version='1.0'?></3></ x></>< p></",
    "<",
    "</",
    "</p",
    "<p",
    "<p a",
    "<p a=",
    "<p a=\"x",
    "<p a='x'",
    "<p a=x",
    "<p a='x'/",
    "<P CLASS=Up ID=\"A\" class=dup DATA-X=1 id=dup><DIV>case</DIV></P>",
    "<p a=b=c d='e'f g\"h=i <j k=l>x</p>",
    "<p =x ==y \"q=1 'r=2 <s=3>x</p>",
    "<br/><br / ><img src=x/><p/>self<p / x>",
    "<p\0x>null in name</p><p a\0=1>null in attr</p><p a='\0'>null value</p>\0text\0",
    "<title>a<b>&amp;</title ><title>x</titlex></title/><title>y</TITLE >",
    "<textarea><p>&lt;x</textarea><xmp><p>&lt;</xmp><style>p{}</style x><iframe><b></iframe>",
    "<noembed><b></noembed><noframes><b></noframes><noscript><b>x</b></noscript>",
    "<script>var a = '<!--'; if (a < b) {}</script><p>after",
    "<script><!-- document.write('<script>x</script>'); --></script><p>after",
    "<script><!--<script></script>--></script><p>x",
    "<script>a</scriptx>b</script >c",
    "<script>x</script",
    "<script>x</scr",
    "<script>x<",
    "<script>x<!",
    "<script>x<!-",
    "<plaintext><p>&amp;</p>\0",
    "<svg><![CDATA[x<y]]></svg><p><![CDATA[html]]></p><math><mi>x</mi></math>",
    "<svg><![CDATA[unterminated",
    "<table> <tr> <td>a</td> x </tr></table><table>&amp;<tr><td>b</table>",
    "<select><option>a<option>b</select><frameset></frameset>",
    "<template><p>in template</template><p>out",
    "<b><i>mis</b>nested</i><a><p>adopt</a>",
    "<body><p>\u{e9}t\u{e9} \u{4e2d}\u{6587} <p title=\u{e9}>\u{1F600}</p>",
    "<p>Tom & Jerry &c. 1<2 a<b 3 > 2 <3 <_x> <-></p>",
    "<head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"></head>\u{feff}x",
    "",
    " \n\t",
    // What is cut while tokenizing, and the pages left to `strip`'s copy.
    "<p>a\r<!-- c -->\nb</p>\r<!-- x -->\r\n<p>\r\n\tc</p>",
    "<div>\n\t<svg><path d=x/></svg\n\t</div>\n\t<p>after</p>",
    "<!DOCTYPE html PUBLIC \"-//W3O//DT<!--D\"><p>x</p><img alt=y src=z>",
    "<?x <script>y</script> ?><p>z</p><!x <b> >",
    "<link rel=\u{201d}shortcut icon\u{201d} href=\u{201d}/favicon.ico\u{201d} /><a href=x/ data-y=1>k</a>",
    "<script type=\"text/template\">\n<p>post</p></script>\n<script type=application/ld+json>{\"a\":\"</p>\"}</script>",
    "<noscript><div class=n><p>inside</p></noscript>\n <p style=\"display: none\" onclick=x>hidden</p>",
    "<a href=#top HREF=/x href=y>1</a><p style=color:red style='display:none'>2</p><p data-x=\"&amp;\" class='&amp;'>3</p>",
    "<pre>\n  kept\n</pre>\n   <p>\n  after pre</p><title>\n t <!-- c --> </title>\n<textarea> <b>\n</textarea>",
    "<div>\n\n<span>a</span>\n \t<span>b</span> <span>c</span></div>",
    "<style>p{}</style  ><script>x</script  x=\"<b>\"><p>after</p>",
];

#[test]
fn the_edge_cases_build_the_same_tree() {
    for (n, html) in CASES.iter().enumerate() {
        assert_same_tree(html, &format!("case {n}"));
        // The end of the page in every state: every prefix.
        let mut cut = 0;
        while cut < html.len() {
            cut += 1;
            while !html.is_char_boundary(cut) {
                cut += 1;
            }
            assert_same_tree(&html[..cut], &format!("case {n} cut at {cut}"));
        }
    }
}

/// A small deterministic generator (xorshift64*), for the damaged pages.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// Pieces markup is made of, for splicing into pages.
const PIECES: &[&str] = &[
    "<",
    ">",
    "/",
    "</",
    "<!",
    "<!--",
    "-->",
    "--!>",
    "-",
    "&",
    "&amp;",
    "&amp",
    "&#",
    "&#x",
    "&#12",
    ";",
    "=",
    "\"",
    "'",
    " ",
    "\n",
    "\r",
    "\r\n",
    "\0",
    "\u{feff}",
    "<p>",
    "</p>",
    "<script>",
    "</script>",
    "<title>",
    "</title>",
    "<textarea>",
    "<style>",
    "</style>",
    "<plaintext>",
    "<!DOCTYPE html>",
    "<![CDATA[",
    "]]>",
    "<svg>",
    "<table>",
    "<td>",
    "<template>",
    "<pre>",
    "<a href=",
    "x",
    "\u{e9}",
    "<?",
    "<b>",
    "</b>",
    "<!doctype",
    "PUBLIC",
    "\"x\"",
];

/// `base` with a few pieces inserted, bytes deleted or the page cut.
fn damage(base: &str, random: &mut Random) -> String {
    let mut page = base.to_string();
    for _ in 0..1 + random.below(6) {
        let mut at = random.below(page.len() + 1);
        while !page.is_char_boundary(at) {
            at -= 1;
        }
        match random.below(4) {
            0 | 1 => page.insert_str(at, PIECES[random.below(PIECES.len())]),
            2 => {
                let mut end = (at + 1 + random.below(8)).min(page.len());
                while !page.is_char_boundary(end) {
                    end += 1;
                }
                page.replace_range(at..end, "");
            }
            _ => page.truncate(at),
        }
    }
    page
}

/// The HTML pages of the bundled example crawl (`examples/news.warc.gz`).
fn example_pages() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/news.warc.gz");
    let mut warc = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap()),
        &mut warc,
    )
    .unwrap();
    let warc = String::from_utf8_lossy(&warc);
    warc.split("\r\nWARC/1.1\r\n")
        .filter_map(|record| {
            let http = &record[record.find("\r\nHTTP/1.")?..];
            let body = &http[http.find("\r\n\r\n")? + 4..];
            body.contains("<html").then(|| body.to_string())
        })
        .collect()
}

#[test]
fn damaged_example_pages_build_the_same_tree() {
    let pages = example_pages();
    assert!(pages.len() >= 5, "{} pages", pages.len());
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    for (n, page) in pages.iter().enumerate() {
        assert_same_tree(page, &format!("example page {n}"));
        for round in 0..20 {
            assert_same_tree(
                &damage(page, &mut random),
                &format!("example page {n}, damaged ({round})"),
            );
        }
    }
}

#[test]
fn pages_are_cut_while_tokenizing_unless_they_cannot_be() {
    use tamis_extract::{debug_cut_route, CutRoute};
    for (n, page) in example_pages().iter().enumerate() {
        assert_eq!(
            debug_cut_route(page),
            Some(CutRoute::WhileTokenizing),
            "example page {n}"
        );
    }
    // A CR just before a `<`, a `<` inside a doctype, a NUL in a kept attribute.
    for page in [
        "<p>a\r<!-- c -->\nb</p>",
        "<!DOCTYPE html PUBLIC \"<\"><p>x</p>",
        "<p class=\"a\0\">x</p>",
    ] {
        assert_eq!(debug_cut_route(page), Some(CutRoute::FromStrippedCopy), "{page:?}");
    }
    // A NUL in an attribute that is cut never reaches the tokenizer's fallback.
    assert_eq!(
        debug_cut_route("<p data-x=\"a\0\">x</p>"),
        Some(CutRoute::WhileTokenizing)
    );
}

#[test]
fn damaged_pages_build_the_same_tree() {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    for round in 0..4_000 {
        let base = CASES[random.below(CASES.len())];
        let other = CASES[random.below(CASES.len())];
        let page = damage(&format!("{base}{other}"), &mut random);
        assert_same_tree(&page, &format!("damaged page {round}"));
    }
}

/// Every page of the extraction data sets, each as it is and as extraction
/// parses it; every tenth in a debug build, which parses ten times slower
/// (`cargo test --release -p tamis-extract -- --ignored` reads them all).
#[test]
#[ignore = "needs the evaluation sets (../shared/data)"]
fn every_evaluation_page_builds_the_same_tree() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let step = if cfg!(debug_assertions) { 10 } else { 1 };
    let mut pages = 0;
    for set in std::fs::read_dir(&data).unwrap() {
        let html = set.unwrap().path().join("html");
        let Ok(files) = std::fs::read_dir(&html) else { continue };
        for file in files.step_by(step) {
            let path = file.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let bytes = if path.extension().is_some_and(|e| e == "gz") {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out).unwrap();
                out
            } else {
                bytes
            };
            assert_same_tree(&String::from_utf8_lossy(&bytes), &path.display().to_string());
            pages += 1;
        }
    }
    assert!(pages * step > 5_000, "found {pages} pages under {}", data.display());
}
