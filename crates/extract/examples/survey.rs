//! Measures, over real pages, what the guard rails look at: nodes built per
//! byte parsed (the node budget's margin), and the share of control and
//! replacement characters that `looks_binary` reads (its margin). Reads `html/*.html.gz` of the
//! data set folders given, decoded as `tamis eval extraction` decodes them,
//! and prints the largest ratios and a summary.
//!
//! `cargo run --release -p tamis-extract --example survey -- ../shared/data/*/`
use std::io::Read;

fn main() {
    let options = tamis_extract::Options {
        time_budget: None,
        ..tamis_extract::Options::default()
    };
    let mut rows = Vec::new();
    let mut junks = Vec::new();
    for dir in std::env::args().skip(1) {
        let html_dir = std::path::Path::new(&dir).join("html");
        let Ok(entries) = std::fs::read_dir(&html_dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            let mut bytes = Vec::new();
            let file = std::fs::File::open(&path).expect("readable file");
            flate2::read::MultiGzDecoder::new(file)
                .read_to_end(&mut bytes)
                .expect("gzip");
            let decoded = tamis_read::charset::decode(bytes, None);
            let cost = tamis_extract::debug_parse_cost(&decoded.text, &options);
            let junk = tamis_extract::debug_junk_in_sample(&decoded.text);
            let binary = tamis_extract::looks_binary(&decoded.text);
            junks.push((junk, binary, path.display().to_string()));
            rows.push((path.display().to_string(), decoded.text.len(), cost));
        }
    }
    let ratio = |cost: &tamis_extract::ParseCost| cost.nodes as f64 / cost.parsed_bytes.max(1) as f64;
    rows.sort_by(|a, b| ratio(&b.2).total_cmp(&ratio(&a.2)));
    println!("pages: {}", rows.len());
    println!("largest nodes per parsed byte (nodes per page byte):");
    for (path, bytes, cost) in rows.iter().take(10) {
        println!(
            "  {:.4} ({:.4})  {} nodes, {} parsed bytes of {}  {path}",
            ratio(cost),
            cost.nodes as f64 / *bytes as f64,
            cost.nodes,
            cost.parsed_bytes,
            bytes
        );
    }
    let most = rows.iter().max_by_key(|r| r.2.nodes).expect("pages");
    println!(
        "most nodes: {} ({} parsed bytes) {}",
        most.2.nodes, most.2.parsed_bytes, most.0
    );
    let stopped = rows.iter().filter(|r| r.2.stopped.is_some()).count();
    println!("stopped by the node budget: {stopped}");
    let share = |(junk, chars): (usize, usize)| junk as f64 / chars.max(1) as f64;
    junks.sort_by(|a, b| share(b.0).total_cmp(&share(a.0)));
    println!("largest shares of junk characters in the sample:");
    for ((junk, chars), _, path) in junks.iter().take(5) {
        println!("  {:.4}%  {junk} of {chars}  {path}", 100.0 * share((*junk, *chars)));
    }
    let binary: Vec<_> = junks.iter().filter(|j| j.1).map(|j| &j.2).collect();
    println!("taken for binary: {} {binary:?}", binary.len());
}
