//! A shop's product page that writes its description twice (one layout for
//! wide screens, one for narrow ones): when the page declares a schema.org
//! `Product`, the description comes out once; a short repeat (a guarantee
//! line) stays, and without the declaration nothing changes. Pages written
//! for this test.
use tamis_extract::{extract, Options};

const DESCRIPTION: [&str; 3] = [
    "Make each cup of tea or coffee feel special with this ceramic mug, wheel thrown by hand in our small studio and finished in a matte speckled glaze.",
    "Handmade stoneware with a clear glazed interior. Size approximately 9.5 by 13 by 7 centimetres, volume approximately 350 millilitres.",
    "Suitable for dishwashers and microwave ovens. Care should be taken when stacking and washing ceramics; avoid thermal shock from rapid heating.",
];
const GUARANTEE: &str = "Free shipping on every order over fifty dollars";

fn page(head: &str, item_type: &str) -> String {
    let description: String = DESCRIPTION.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        r#"<html><head><title>Speckle mug</title>{head}</head><body>
        <nav><a href="/">Shop</a> <a href="/mugs">Mugs</a></nav>
        <main><div class="product"{item_type}>
        <h1>White speckle mug</h1><p class="price">$60.00</p>
        <div class="product-description desktop">{description}<p>{GUARANTEE}</p></div>
        <div class="product-gallery"><p>Our mugs are made in small batches, so each one differs a little in colour.</p></div>
        <div class="product-description mobile">{description}<p>{GUARANTEE}</p></div>
        <p>Each mug is packed in recycled paper and ships from our studio within three working days.</p>
        <p>{GUARANTEE}</p>
        <p>Questions about glazes or wholesale orders are answered by the makers themselves.</p>
        </div></main>
        <footer><a href="/privacy">Privacy</a></footer></body></html>"#
    )
}

#[test]
fn a_declared_product_keeps_its_description_once() {
    let json_ld = r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"White speckle mug"}</script>"#;
    let microdata = r#" itemscope itemtype="https://schema.org/Product""#;
    for html in [page(json_ld, ""), page("", microdata)] {
        let text = extract(&html, &Options::default()).unwrap().text;
        for paragraph in DESCRIPTION {
            assert_eq!(text.matches(paragraph).count(), 1, "{paragraph}\n---\n{text}");
        }
        assert!(text.contains("White speckle mug"), "{text}");
        // The repeated description runs to over 300 letters and goes; the
        // guarantee line repeated on its own does not.
        assert!(text.matches(GUARANTEE).count() >= 2, "{text}");
    }
}

#[test]
fn without_a_declaration_repeats_stay() {
    let text = extract(&page("", ""), &Options::default()).unwrap().text;
    for paragraph in DESCRIPTION {
        assert_eq!(text.matches(paragraph).count(), 2, "{paragraph}\n---\n{text}");
    }
}
