//! Accuracy and cost of chardetng on windows of a page vs the whole page.
//! Usage: charset-eval [DATA_ROOT] [OUT_DIR]

use encoding_rs::*;
use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, PartialEq)]
enum Last {
    /// `feed(slice, true)` as tamis does.
    Always,
    /// `feed(slice, slice reaches end of page)`, as chardetng documents for prefixes.
    AtEnd,
}

#[derive(Clone, Copy)]
enum Variant {
    Full,
    Prefix(usize, Last),
    Window(usize, Last),
}

impl Variant {
    fn name(&self) -> String {
        let l = |l: &Last| if *l == Last::Always { "" } else { " last=atEnd" };
        match self {
            Variant::Full => "full".into(),
            Variant::Prefix(k, last) => format!("prefix {}K{}", k >> 10, l(last)),
            Variant::Window(k, last) => format!("window {}K{}", k >> 10, l(last)),
        }
    }
}

fn window_start(bytes: &[u8]) -> usize {
    // Same as tamis crates/read/src/charset.rs detection_window().
    let first = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
    let lo = first.saturating_sub(256);
    match bytes[lo..first].iter().rposition(|&b| b == b'\n') {
        Some(i) => lo + i + 1,
        None => lo,
    }
}

fn slice_of<'a>(v: Variant, bytes: &'a [u8]) -> (&'a [u8], bool) {
    match v {
        Variant::Full => (bytes, true),
        Variant::Prefix(k, last) => {
            let end = bytes.len().min(k);
            (&bytes[..end], last == Last::Always || end == bytes.len())
        }
        Variant::Window(k, last) => {
            let s = window_start(bytes);
            let end = bytes.len().min(s + k);
            (&bytes[s..end], last == Last::Always || end == bytes.len())
        }
    }
}

fn detect(v: Variant, bytes: &[u8]) -> (&'static Encoding, usize) {
    let (slice, last) = slice_of(v, bytes);
    let mut d = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    d.feed(slice, last);
    (d.guess(None, chardetng::Utf8Detection::Allow), slice.len())
}

fn norm(e: &'static Encoding) -> &'static Encoding {
    if e == GB18030 {
        GBK
    } else if e == KOI8_R {
        KOI8_U // chardetng never returns KOI8-R; KOI8-U has the same Russian letters
    } else {
        e
    }
}

fn remove_charset(s: &str) -> String {
    let mut b = s.as_bytes().to_vec();
    remove_charset_bytes(&mut b);
    String::from_utf8(b).unwrap()
}

fn remove_charset_bytes(b: &mut [u8]) {
    let mut i = 0;
    while i + 7 <= b.len() {
        if b[i..i + 7].eq_ignore_ascii_case(b"charset") {
            b[i + 4] = if b[i + 4] == b'S' { b'Z' } else { b'z' };
            i += 7;
        } else {
            i += 1;
        }
    }
}

#[derive(Default, Debug)]
struct Counts {
    kana: usize,
    han: usize,
    hangul: usize,
    cyr: usize,
    greek: usize,
    arabic: usize,
    hebrew: usize,
    thai: usize,
    latin: usize,
    ce: usize,
    tr: usize,
    non_ascii: usize,
}

fn count(text: &str) -> Counts {
    let mut c = Counts::default();
    for ch in text.chars() {
        let u = ch as u32;
        if u < 0x80 {
            continue;
        }
        c.non_ascii += 1;
        match u {
            0x3040..=0x30FA | 0x30FD..=0x30FF | 0xFF66..=0xFF9F => c.kana += 1,
            0x4E00..=0x9FFF | 0x3400..=0x4DBF => c.han += 1,
            0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => c.hangul += 1,
            0x0400..=0x04FF => c.cyr += 1,
            0x0370..=0x03FF | 0x1F00..=0x1FFF => c.greek += 1,
            0x0600..=0x06FF => c.arabic += 1,
            0x0590..=0x05FF => c.hebrew += 1,
            0x0E00..=0x0E7F => c.thai += 1,
            0x00C0..=0x024F if u != 0xD7 && u != 0xF7 => {
                c.latin += 1;
                if "ąćęłńśźżĄĆĘŁŃŚŹŻőűŐŰřěůťďňĺľŕŘĚŮŤĎŇĹĽŔčČăĂţŢ".contains(ch) {
                    c.ce += 1;
                }
                if "ğĞıİ".contains(ch) {
                    c.tr += 1;
                }
            }
            _ => {}
        }
    }
    c
}

/// Language group guessed from the characters → (group, legacy encodings a site would use).
fn targets(c: &Counts) -> (&'static str, Vec<&'static Encoding>) {
    let cjk = c.kana + c.han;
    let scripts = [
        ("cjk", cjk),
        ("ko", c.hangul),
        ("ru", c.cyr),
        ("el", c.greek),
        ("ar", c.arabic),
        ("he", c.hebrew),
        ("th", c.thai),
        ("latin", c.latin),
    ];
    let (best, n) = scripts.iter().max_by_key(|s| s.1).unwrap();
    if *n == 0 {
        return ("none", vec![]);
    }
    match *best {
        "cjk" if c.kana * 10 >= cjk => ("ja", vec![SHIFT_JIS, EUC_JP]),
        "cjk" => ("zh", vec![GBK, BIG5]),
        "ko" => ("ko", vec![EUC_KR]),
        "ru" => ("ru", vec![WINDOWS_1251, KOI8_R]),
        "el" => ("el", vec![WINDOWS_1253, ISO_8859_7]),
        "ar" => ("ar", vec![WINDOWS_1256]),
        "he" => ("he", vec![WINDOWS_1255]),
        "th" => ("th", vec![WINDOWS_874]),
        _ => {
            let thr = |x: usize| x >= 5 && x * 50 >= c.latin;
            if thr(c.ce) && c.ce >= c.tr {
                ("ce", vec![WINDOWS_1250, ISO_8859_2])
            } else if thr(c.tr) {
                ("tr", vec![WINDOWS_1254])
            } else {
                ("west", vec![WINDOWS_1252])
            }
        }
    }
}

#[derive(Default, Clone)]
struct Stat {
    n: usize,
    ok: usize,
    text_ok: usize,
    fed: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = args.get(1).cloned().unwrap_or("../shared/data".into());
    let out = args.get(2).cloned().unwrap_or("bench/work/charset".into());
    std::fs::create_dir_all(&out).unwrap();

    let mut variants = vec![Variant::Full];
    for last in [Last::Always, Last::AtEnd] {
        for k in [8, 16, 32, 64] {
            variants.push(Variant::Prefix(k << 10, last));
        }
        for k in [2, 4, 8, 16, 32] {
            variants.push(Variant::Window(k << 10, last));
        }
    }

    // Collect pages.
    let mut files = vec![];
    for d in std::fs::read_dir(&root).unwrap() {
        let html = d.unwrap().path().join("html");
        if let Ok(rd) = std::fs::read_dir(&html) {
            for f in rd {
                let p = f.unwrap().path();
                if p.to_string_lossy().ends_with(".html.gz") {
                    files.push(p);
                }
            }
        }
    }
    files.sort();

    // Samples: (target label, true encoding or None for unknown, bytes, original text or None)
    struct Sample {
        label: String,
        truth: Option<&'static Encoding>,
        bytes: Vec<u8>,
        text: Option<String>,
    }
    let mut samples: Vec<Sample> = vec![];
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut n_ascii_only = 0;
    let mut n_utf8 = 0;
    for p in &files {
        let mut raw = vec![];
        flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap())
            .read_to_end(&mut raw)
            .unwrap();
        let s = match String::from_utf8(raw) {
            Ok(s) => s,
            Err(e) => {
                // Real page in an unknown legacy encoding: only agreement with the full-page guess.
                let mut raw = e.into_bytes();
                remove_charset_bytes(&mut raw);
                samples.push(Sample { label: "unknown (real non-UTF-8)".into(), truth: None, bytes: raw, text: None });
                continue;
            }
        };
        n_utf8 += 1;
        let s = s.strip_prefix('\u{FEFF}').unwrap_or(&s);
        let text = remove_charset(s);
        let c = count(&text);
        if c.non_ascii == 0 {
            n_ascii_only += 1;
            continue;
        }
        let label = if c.non_ascii >= 200 { "UTF-8 (>=200 non-ASCII)" } else { "UTF-8 (<200 non-ASCII)" };
        samples.push(Sample { label: label.into(), truth: Some(UTF_8), bytes: text.clone().into_bytes(), text: Some(text.clone()) });
        if c.non_ascii < 200 {
            continue;
        }
        let (group, encs) = targets(&c);
        *groups.entry(group.into()).or_default() += 1;
        for enc in encs {
            let (bytes, _, unmappable) = enc.encode(&text);
            if unmappable {
                *skipped.entry(enc.name().into()).or_default() += 1;
                continue;
            }
            samples.push(Sample { label: enc.name().into(), truth: Some(enc), bytes: bytes.into_owned(), text: Some(text.clone()) });
        }
    }

    // Run.
    let mut stats: BTreeMap<(String, usize), Stat> = BTreeMap::new();
    let mut time = vec![Duration::ZERO; variants.len()];
    let mut time_legacy = vec![Duration::ZERO; variants.len()];
    let mut full_guess: Vec<&'static Encoding> = vec![];
    let mut errors = String::new();
    for (si, s) in samples.iter().enumerate() {
        for (vi, v) in variants.iter().enumerate() {
            let t = Instant::now();
            let (g, fed) = detect(*v, &s.bytes);
            let dt = t.elapsed();
            time[vi] += dt;
            if s.truth.map_or(false, |t| t != UTF_8) {
                time_legacy[vi] += dt;
            }
            if vi == 0 {
                full_guess.push(g);
            }
            let st = stats.entry((s.label.clone(), vi)).or_default();
            st.n += 1;
            st.fed += fed;
            match s.truth {
                Some(truth) => {
                    let ok = norm(g) == norm(truth);
                    if ok {
                        st.ok += 1;
                    }
                    let (dec, _) = g.decode_without_bom_handling(&s.bytes);
                    if dec == s.text.as_deref().unwrap() {
                        st.text_ok += 1;
                    }
                    if !ok {
                        errors.push_str(&format!("{}\t{}\ttruth={}\tguess={}\n", v.name(), s.label, truth.name(), g.name()));
                    }
                }
                None => {
                    errors.push_str(&format!("{}\tunknown\tfull={}\tguess={}\n", v.name(), full_guess[si].name(), g.name()));
                    if g == full_guess[si] {
                        st.ok += 1;
                        st.text_ok += 1;
                    }
                }
            }
        }
    }
    std::fs::write(format!("{out}/errors.tsv"), &errors).unwrap();

    // Report.
    let mut r = String::new();
    r += &format!("pages: {} files, {} valid UTF-8 ({} pure ASCII, skipped), {} not UTF-8\n", files.len(), n_utf8, n_ascii_only, files.len() - n_utf8);
    r += &format!("language groups (UTF-8 pages with >=200 non-ASCII chars): {:?}\n", groups);
    r += &format!("skipped as unrepresentable: {:?}\n\n", skipped);
    let labels: Vec<String> = {
        let mut l: Vec<String> = stats.keys().map(|k| k.0.clone()).collect();
        l.dedup();
        l
    };
    let is_legacy = |l: &str| !l.starts_with("UTF-8") && !l.starts_with("unknown");
    r += "| variant | legacy strict | legacy text-exact | UTF-8 >=200 | UTF-8 <200 | unknown: agrees w/ full | mean bytes fed (legacy) | ms all | ms legacy |\n|---|---|---|---|---|---|---|---|---|\n";
    for (vi, v) in variants.iter().enumerate() {
        let mut agg = Stat::default();
        for l in labels.iter().filter(|l| is_legacy(l)) {
            let st = &stats[&(l.clone(), vi)];
            agg.n += st.n;
            agg.ok += st.ok;
            agg.text_ok += st.text_ok;
            agg.fed += st.fed;
        }
        let get = |l: &str| stats.get(&(l.to_string(), vi)).cloned().unwrap_or_default();
        let u1 = get("UTF-8 (>=200 non-ASCII)");
        let u2 = get("UTF-8 (<200 non-ASCII)");
        let un = get("unknown (real non-UTF-8)");
        r += &format!(
            "| {} | {}/{} ({:.1}%) | {}/{} ({:.1}%) | {}/{} | {}/{} | {}/{} | {} | {:.0} | {:.0} |\n",
            v.name(),
            agg.ok, agg.n, 100.0 * agg.ok as f64 / agg.n as f64,
            agg.text_ok, agg.n, 100.0 * agg.text_ok as f64 / agg.n as f64,
            u1.ok, u1.n, u2.ok, u2.n, un.ok, un.n,
            agg.fed / agg.n.max(1),
            time[vi].as_secs_f64() * 1e3,
            time_legacy[vi].as_secs_f64() * 1e3,
        );
    }
    r += "\nPer target encoding: strict correct / n (text-exact in parentheses when different)\n\n| encoding | n |";
    for v in &variants {
        r += &format!(" {} |", v.name());
    }
    r += "\n|---|---|";
    for _ in &variants {
        r += "---|";
    }
    r += "\n";
    for l in &labels {
        r += &format!("| {} | {} |", l, stats[&(l.clone(), 0)].n);
        for vi in 0..variants.len() {
            let st = &stats[&(l.clone(), vi)];
            if st.text_ok != st.ok {
                r += &format!(" {} ({}) |", st.ok, st.text_ok);
            } else {
                r += &format!(" {} |", st.ok);
            }
        }
        r += "\n";
    }
    std::fs::write(format!("{out}/report.md"), &r).unwrap();
    print!("{r}");
}

