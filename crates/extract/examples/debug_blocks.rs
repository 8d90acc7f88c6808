//! Prints the blocks of a page (gzip'd or not) with their values and element paths.
fn main() {
    let path = std::env::args().nth(1).expect("usage: debug_blocks PAGE.html[.gz]");
    let bytes = std::fs::read(&path).expect("readable file");
    let html = String::from_utf8_lossy(&bytes).into_owned();
    print!("{}", tamis_extract::debug_blocks(&html));
}
