//! Which setting of a step is the threshold of which of its histograms, so the
//! page can draw the line a filter cut at. Read from the step's configuration
//! as the stats recorded it (`StepStats::config`); a setting that is null or
//! 0 is off, as in datatrove.

use serde_json::Value;

/// A threshold to draw: the setting's name and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// The setting, as in the pipeline file.
    pub setting: String,
    /// Its value.
    pub value: f64,
}

/// The thresholds `config` (of step `step`) sets on the histogram `metric`.
pub fn for_metric(step: &str, metric: &str, config: &Value) -> Vec<Threshold> {
    let keys: &[&str] = match (step, metric) {
        ("gopher_quality", "doc_words") => &["min_doc_words", "max_doc_words"],
        ("gopher_quality", "avg_word_length") => &["min_avg_word_length", "max_avg_word_length"],
        ("gopher_quality", "hash_word_ratio" | "ellipsis_word_ratio") => &["max_symbol_word_ratio"],
        ("gopher_quality", "bullet_lines_ratio") => &["max_bullet_lines_ratio"],
        ("gopher_quality", "ellipsis_lines_ratio") => &["max_ellipsis_lines_ratio"],
        ("gopher_quality", "alpha_words_ratio") => &["max_non_alpha_words_ratio"],
        ("gopher_quality", "stop_words") => &["min_stop_words"],
        ("fineweb_quality", "line_punct_ratio") => &["line_punct_thr"],
        ("fineweb_quality", "short_line_ratio") => &["short_line_thr"],
        ("c4_quality", "sentences") => &["min_num_sentences"],
        ("language" | "fasttext_classifier", "language_score") => &["language_threshold", "threshold"],
        ("gopher_repetition", _) => return ngram_threshold(metric, config),
        _ => &[],
    };
    let keys: Vec<&str> = if keys.is_empty() { vec![metric] } else { keys.to_vec() };
    keys.into_iter()
        .filter_map(|key| {
            let value = config.get(key)?.as_f64().filter(|v| *v != 0.0)?;
            Some(Threshold {
                setting: key.to_string(),
                value,
            })
        })
        .collect()
}

/// `top_2_gram_frac` → the `2` entry of `top_n_grams`; `dup_line_frac` → `dup_line_frac`.
fn ngram_threshold(metric: &str, config: &Value) -> Vec<Threshold> {
    let parsed = metric
        .strip_suffix("_gram_frac")
        .and_then(|rest| rest.split_once('_'))
        .and_then(|(kind, n)| Some((kind, n.parse::<u64>().ok()?)));
    let Some((kind, n)) = parsed else {
        return for_metric("", metric, config);
    };
    let setting = format!("{kind}_n_grams");
    config
        .get(&setting)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|pair| {
            let pair = pair.as_array()?;
            (pair.first()?.as_u64()? == n).then(|| pair.get(1)?.as_f64())?
        })
        .map(|value| Threshold {
            setting: format!("{setting}[{n}]"),
            value,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn thresholds_come_from_the_settings() {
        let config = json!({"min_doc_words": 50, "max_doc_words": 100000, "min_stop_words": 0});
        let found = for_metric("gopher_quality", "doc_words", &config);
        assert_eq!(found.iter().map(|t| t.value).collect::<Vec<_>>(), [50.0, 100000.0]);
        assert!(for_metric("gopher_quality", "stop_words", &config).is_empty());
        let config = json!({"top_n_grams": [[2, 0.2], [3, 0.18]], "dup_line_frac": 0.3});
        assert_eq!(
            for_metric("gopher_repetition", "top_3_gram_frac", &config)[0].value,
            0.18
        );
        assert_eq!(for_metric("gopher_repetition", "dup_line_frac", &config)[0].value, 0.3);
        let config = json!({"char_duplicates_ratio": 0.01});
        assert_eq!(
            for_metric("fineweb_quality", "char_duplicates_ratio", &config)[0].value,
            0.01
        );
    }
}
