//! Runs one Rust extraction peer over the extraction data sets, one page after the other on one thread,
//! writing OUT/<tool>/<set>/<id>.txt and one JSON line per set (extractor time only, peak RSS).
//! Usage: extract-rs-peers TOOL DATA_DIR OUT_DIR   (TOOL: dom_smoothie | trafilatura-rs)

use std::io::Read;
use std::path::Path;
use std::time::Instant;

const SETS: &[&str] = &[
    "scrapinghub-aeb",
    "trafilatura-eval",
    "cleaneval",
    "cleanportaleval",
    "dragnet",
    "readability-testpages",
    "daniel-multilingual",
];

fn decode(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
    encoding.decode(bytes).0.into_owned()
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn run(tool: &str, html: &str) -> Result<String, String> {
    match tool {
        "dom_smoothie" => {
            let mut readability =
                dom_smoothie::Readability::new(html, None, None).map_err(|e| e.to_string())?;
            readability.parse().map(|a| a.text_content.to_string()).map_err(|e| e.to_string())
        }
        "trafilatura-rs" => trafilatura::extract(html, &trafilatura::Options::default())
            .map(|r| r.content_text)
            .map_err(|e| e.to_string()),
        _ => Err(format!("unknown tool {tool}")),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (tool, data, out) = (&args[1], Path::new(&args[2]), Path::new(&args[3]));
    // Sets named after OUT, as the Python peers take them; else the seven.
    let named: Vec<&str> = args[4..].iter().map(String::as_str).collect();
    let sets = if named.is_empty() { SETS } else { &named[..] };
    for set in sets {
        let folder = data.join(set).join("html");
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        let target = out.join(tool).join(set);
        std::fs::create_dir_all(&target).unwrap();
        let (mut spent, mut errors, mut pages) = (0.0f64, 0u32, 0u32);
        for path in paths {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let Some(id) = name.strip_suffix(".html.gz") else { continue };
            let mut bytes = Vec::new();
            flate2::read::MultiGzDecoder::new(std::fs::File::open(&path).unwrap())
                .read_to_end(&mut bytes)
                .unwrap();
            let html = decode(&bytes);
            let started = Instant::now();
            let result = std::panic::catch_unwind(|| run(tool, &html));
            spent += started.elapsed().as_secs_f64();
            let text = match result {
                Ok(Ok(text)) => text,
                _ => {
                    errors += 1;
                    String::new()
                }
            };
            pages += 1;
            std::fs::write(target.join(format!("{id}.txt")), text).unwrap();
        }
        println!(
            "{{\"tool\": \"{tool}\", \"set\": \"{set}\", \"pages\": {pages}, \"seconds\": {spent:.3}, \"pages_per_s\": {:.1}, \"errors\": {errors}, \"peak_rss_mib\": {:.1}}}",
            pages as f64 / spent.max(1e-9),
            peak_rss_mib()
        );
    }
}
