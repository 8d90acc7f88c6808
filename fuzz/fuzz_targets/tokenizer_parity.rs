//! Any bytes, decoded lossily, must build the same tree whether tamis's
//! tokenizer or html5ever's feeds html5ever's tree builder, raw and as
//! extraction parses them (`crates/extract/src/tokenizer.rs`); and the tree
//! our tokenizer builds cutting what `raw_text::strip` cuts must be the one
//! built from `strip`'s copy. Seeded from the extract corpus.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The parity check builds without a node budget: keep inputs small
    // enough that amplification stays cheap.
    if data.len() > 16_384 {
        return;
    }
    let html = String::from_utf8_lossy(data);
    for (n, (ours, theirs)) in tamis_extract::tokenizer_parity_outlines(&html).iter().enumerate() {
        assert!(ours == theirs, "view {n}: the trees differ");
    }
});
