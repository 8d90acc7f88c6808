//! Any bytes, decoded lossily, must extract without panicking, within the
//! limits (size, depth, time budget) the options set.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let options = tamis_extract::Options {
        max_depth: 256,
        time_budget: Some(std::time::Duration::from_millis(500)),
        ..tamis_extract::Options::default()
    };
    if let Ok(page) = tamis_extract::extract(&html, &options) {
        // Extraction never invents text: the output is bounded by the input.
        assert!(page.text.len() <= html.len() * 4 + 16);
    }
    let _ = tamis_extract::looks_like_html(&html);
});
