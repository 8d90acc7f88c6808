//! Prints the blocks of a page with their values and element paths, the kept
//! ones starred; the page is decoded as the evaluation decodes it.
fn main() {
    let path = std::env::args().nth(1).expect("usage: debug_blocks PAGE.html");
    let bytes = std::fs::read(&path).expect("readable file");
    let html = tamis_read::charset::decode(bytes, None).text;
    print!("{}", tamis_extract::debug_blocks(&html));
}
