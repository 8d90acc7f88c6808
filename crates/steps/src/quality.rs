//! Helpers shared by the quality steps (Gopher, C4, FineWeb): datatrove's duplicate counting
//! and the language a step tokenizes with.

use tamis_text::pystr::char_len;

/// datatrove's `find_duplicates` (`pipeline/filters/gopher_repetition_filter.py`, 0.10.1):
/// the number of elements equal to an earlier one, and their total length in characters.
pub(crate) fn find_duplicates<'a>(items: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
    let mut seen = foldhash::HashSet::default();
    let (mut elements, mut chars) = (0, 0);
    for item in items {
        if !seen.insert(item) {
            elements += 1;
            chars += char_len(item);
        }
    }
    (elements, chars)
}

/// datatrove's default `language` for every text filter (`Languages.english`).
pub(crate) fn default_language() -> String {
    "en".to_string()
}

/// Python's `x / y` for counts; a zero denominator (where datatrove would raise
/// `ZeroDivisionError`) gives NaN, which fails every comparison, so the rule does not fire.
pub(crate) fn ratio(x: usize, y: usize) -> f64 {
    if y == 0 {
        f64::NAN
    } else {
        x as f64 / y as f64
    }
}

/// `impl Step` for a quality filter that decides from the text alone, through its
/// `judge(&self, &str, &mut Counters) -> Result<(), Reason>` (the reason
/// converting into a drop reason; the counters get the signals it computed).
macro_rules! text_filter_step {
    ($step:ty, $name:expr) => {
        impl tamis_api::Step for $step {
            fn name(&self) -> &'static str {
                $name
            }

            fn process(&self, doc: &mut tamis_api::Document, counters: &mut tamis_api::Counters) -> tamis_api::Verdict {
                match self.judge(&doc.text, counters) {
                    Ok(()) => tamis_api::Verdict::Keep,
                    Err(reason) => tamis_api::Verdict::drop(reason),
                }
            }
        }
    };
}
pub(crate) use text_filter_step;
