//! Binary data served as HTML is taken for binary whatever charset decodes
//! it, as the reader decodes it (`tamis_read::charset::decode`); pages in
//! any script are not.
use std::io::Write;
use tamis_extract::looks_binary;

/// Deterministic pseudo-random bytes (xorshift64*).
fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        seed ^= seed >> 12;
        seed ^= seed << 25;
        seed ^= seed >> 27;
        out.extend_from_slice(&seed.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A PNG: signature, header chunk, then compressed (random-looking) data.
fn png() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0\x5c\x72\xa8\x66".to_vec();
    out.extend_from_slice(b"\0\x02\0\0IDAT");
    out.extend(random_bytes(150_000, 7));
    out
}

/// A PDF whose first kilobytes are text (header, objects, uncompressed XMP
/// metadata) before a compressed stream.
fn pdf() -> Vec<u8> {
    let mut out =
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>\nendobj\n".to_vec();
    out.extend_from_slice(b"3 0 obj\n<< /Type /Metadata /Subtype /XML >>\nstream\n<?xpacket begin=''?><x:xmpmeta>");
    out.extend_from_slice("<dc:title>A report</dc:title>".repeat(300).as_bytes());
    out.extend_from_slice(b"</x:xmpmeta>\nendstream\nendobj\n4 0 obj\n<< /Filter /FlateDecode >>\nstream\n");
    out.extend(random_bytes(100_000, 11));
    out
}

/// A gzip-compressed page.
fn gzip() -> Vec<u8> {
    let page = "<html><body><p>Compressed, but not decompressed by the server.</p></body></html>".repeat(2_000);
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(page.as_bytes()).expect("in memory");
    let mut out = encoder.finish().expect("in memory");
    // A gzip of repetitive text is short: add the rest of a real archive.
    out.extend(random_bytes(50_000, 13));
    out
}

const CHARSETS: [Option<&str>; 11] = [
    None,
    Some("utf-8"),
    Some("windows-1252"),
    Some("iso-8859-7"),
    Some("windows-1251"),
    Some("koi8-r"),
    Some("shift_jis"),
    Some("euc-jp"),
    Some("gbk"),
    Some("big5"),
    Some("euc-kr"),
];

#[test]
fn binary_bodies_are_binary_in_every_charset() {
    for (name, bytes) in [
        ("random", random_bytes(150_000, 3)),
        ("png", png()),
        ("pdf", pdf()),
        ("gzip", gzip()),
    ] {
        for charset in CHARSETS {
            let text = tamis_read::charset::decode(bytes.clone(), charset).text;
            assert!(looks_binary(&text), "{name} decoded as {charset:?}");
        }
    }
}

/// Pages in many scripts, in UTF-8 and in their legacy charsets.
#[test]
fn pages_in_any_script_are_not_binary() {
    let texts = [
        "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
        "我能吞下玻璃而不伤身体。这是一个中文网页的正文段落。",
        "私はガラスを食べられます。それは私を傷つけません。",
        "나는 유리를 먹을 수 있어요. 그래도 아프지 않아요.",
        "أنا قادر على أكل الزجاج و هذا لا يؤلمني.",
        "אני יכול לאכול זכוכית וזה לא מזיק לי.",
        "मैं काँच खा सकता हूँ और मुझे उससे कोई चोट नहीं पहुंचती.",
        "ฉันกินกระจกได้ แต่มันไม่ทำให้ฉันเจ็บ",
        "მინას ვჭამ და არა მტკივა.",
        "Կրնամ ապակի ուտել և ինծի անհանգիստ չըներ։",
        "ብርጭቆ መብላት እችላለሁ፣ አይጎዳኝም።",
        "Zażółć gęślą jaźń. Příliš žluťoučký kůň úpěl ďábelské ódy.",
    ];
    for text in texts {
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=utf-8><title>t</title></head><body>{}</body></html>",
            format!("<p>{text}</p>\n").repeat(400)
        );
        for charset in [None, Some("utf-8")] {
            let decoded = tamis_read::charset::decode(page.clone().into_bytes(), charset).text;
            assert!(!looks_binary(&decoded), "{text} ({charset:?})");
        }
    }
    // Legacy charsets: windows-1251 Russian, Shift_JIS and GBK, EUC-KR.
    for (bytes, charset) in [
        (&b"\xcf\xf0\xe8\xe2\xe5\xf2, \xec\xe8\xf0! "[..], "windows-1251"),
        (
            &b"\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x83\x79\x81\x5b\x83\x57 "[..],
            "shift_jis",
        ),
        (&b"\xd6\xd0\xce\xc4\xcd\xf8\xd2\xb3 "[..], "gbk"),
        (&b"\xc7\xd1\xb1\xb9\xbe\xee \xc6\xe4\xc0\xcc\xc1\xf6 "[..], "euc-kr"),
    ] {
        let mut page = b"<html><body><p>".to_vec();
        for _ in 0..1_000 {
            page.extend_from_slice(bytes);
        }
        for declared in [None, Some(charset), Some("utf-8")] {
            let decoded = tamis_read::charset::decode(page.clone(), declared).text;
            assert!(!looks_binary(&decoded), "{charset} declared as {declared:?}");
        }
    }
}
