//! For profiling: extracts every page of the given `html/` folders (`.html` or
//! `.html.gz`, read as UTF-8) from memory, `ROUNDS` times (default 1), and
//! prints pages/s of extraction alone.
use std::io::Read;
use std::time::Instant;

fn main() {
    let mut pages = Vec::new();
    for dir in std::env::args().skip(1) {
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .expect("a folder")
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("readable file");
            let bytes = if path.extension().is_some_and(|e| e == "gz") {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut out)
                    .expect("gzip");
                out
            } else {
                bytes
            };
            pages.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let options = tamis_extract::Options::default();
    let started = Instant::now();
    let mut chars = 0usize;
    for _ in 0..rounds {
        for page in &pages {
            if let Ok(e) = tamis_extract::extract(page, &options) {
                chars += e.text.len();
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let n = pages.len() * rounds;
    println!(
        "{n} pages in {seconds:.2} s: {:.0} pages/s ({chars} bytes of text)",
        n as f64 / seconds
    );
}
