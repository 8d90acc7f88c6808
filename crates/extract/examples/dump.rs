//! Extracts every page of a data set (`DIR/html/<id>.html.gz`) into
//! `OUT/<id>.txt`, decoded and extracted as `tamis eval extraction` does,
//! and prints the pages a fallback found (`<id>\t<fallback>`). Score the
//! outputs with `tamis eval extraction DIR --outputs OUT`: while iterating on
//! the extractor this rebuilds only this crate.
use std::io::Read;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(out)) = (args.next(), args.next()) else {
        panic!("usage: dump DATASET_DIR OUT_DIR");
    };
    let dir = std::path::Path::new(&dir);
    let out = std::path::Path::new(&out);
    std::fs::create_dir_all(out).expect("output folder");
    let mut ids: Vec<String> = std::fs::read_dir(dir.join("html"))
        .expect("html folder")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".html.gz").map(str::to_string)
        })
        .collect();
    ids.sort();
    let options = tamis_extract::Options::default();
    for id in ids {
        let file = std::fs::File::open(dir.join("html").join(format!("{id}.html.gz"))).expect("page");
        let mut bytes = Vec::new();
        flate2::read::MultiGzDecoder::new(file)
            .read_to_end(&mut bytes)
            .expect("gzip");
        let decoded = tamis_read::charset::decode(bytes, None);
        let (text, fallback) = match tamis_extract::extract(&decoded.text, &options) {
            Ok(page) => (page.text, page.fallback),
            Err(_) => (String::new(), None),
        };
        if let Some(fallback) = fallback {
            println!("{id}\t{}", fallback.name());
        }
        std::fs::write(out.join(format!("{id}.txt")), text).expect("written");
    }
}
