//! Any bytes as a fastText model: an error, or a model that predicts; never a
//! panic, an abort or an allocation out of proportion to the bytes. Run with
//! `-rss_limit_mb=2048 -malloc_limit_mb=2048` so amplification is a crash
//! (docs/hardening.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

const TEXTS: [&str; 5] = [
    "le chat dort sur le canapé",
    "",
    "</s> x __label__en",
    "ñandú 東京 🙂 \t\u{b}\u{c}",
    "the quick brown fox jumps over the lazy dog\nsecond line",
];

fuzz_target!(|data: &[u8]| {
    let Ok(model) = tamis_fasttext::Model::from_bytes(data) else {
        return;
    };
    let labels = model.labels().count();
    assert!(labels > 0);
    assert!(model.dimension() > 0);
    for text in TEXTS {
        let predictions = model.predict(text, usize::MAX, 0.0);
        assert!(predictions.len() <= labels);
        let best = model.predict(text, 1, 0.0);
        assert!(best.len() <= 1);
    }
});
