//! `c4_badwords`: C4's bad-words page filter (Raffel et al. 2020, §2.2; per-language lists as
//! in mC4, Xue et al. 2021).
//!
//! Reference implementation: datatrove 0.10.1, `src/datatrove/pipeline/filters/c4_filters.py`
//! (`C4BadWordsFilter`). A document whose lowercased text contains a word of its language's
//! list drops with `document_removed_with_badwords`. Words must be flanked by non-word
//! characters (Python `\W`) or the text's ends, except in ja, th and zh where any substring
//! counts. The document's language is `metadata.language`, else `default_language`. As in
//! datatrove, the allow-listed subwords `sm`, `グロ`, `女の子` (ja) and `性` (zh) are removed
//! from every list.
//!
//! Lists are not bundled: datatrove downloads the LDNOOBW lists (CC BY 4.0) at run time. Give
//! `badwords_dir`, a directory with one file per language named by its code (`en`, `fr`, …),
//! such as a checkout of github.com/LDNOOBW/List-of-Dirty-Naughty-Obscene-and-Otherwise-Bad-Words
//! at the commits datatrove pins (25e679f for `en`, 5faf2ba for the others).
//!
//! Differs from the reference:
//! - a language without a list: datatrove raises when `fail_on_missing_language` (the run
//!   stops); here the document drops as `missing_badwords_language`. Otherwise it is kept and
//!   counted (`missing_badwords_lang`), as in datatrove;
//! - `keep_fraction`: datatrove draws from numpy's `default_rng(seed)` in document order; here
//!   the draw is a hash of `seed` and the document id, so it does not depend on order or
//!   workers. Same rate, not the same documents.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tamis_api::{Counters, Document, Reason, Step, Verdict};
use tamis_text::pystr::lower;

const NAME: &str = "c4_badwords";
const ALLOWLIST: [&str; 4] = ["sm", "グロ", "女の子", "性"];

/// Configuration of `c4_badwords` (datatrove's `C4BadWordsFilter` arguments, plus the list
/// directory).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct C4BadWordsConfig {
    /// Directory holding one LDNOOBW list per language, named by language code.
    pub badwords_dir: PathBuf,
    /// Share of documents with bad words to keep anyway.
    #[serde(default)]
    pub keep_fraction: f64,
    /// Drop documents whose language has no list (datatrove raises).
    #[serde(default = "yes")]
    pub fail_on_missing_language: bool,
    /// Seed of the `keep_fraction` draw.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Language of documents without `metadata.language`.
    #[serde(default = "english")]
    pub default_language: String,
}

fn yes() -> bool {
    true
}

fn english() -> String {
    "en".into()
}

/// The built step.
#[derive(Debug)]
pub struct C4BadWords {
    config: C4BadWordsConfig,
    lists: foldhash::HashMap<String, regex::Regex>,
}

impl C4BadWordsConfig {
    /// Reads the lists and compiles one matcher per language.
    pub fn build(&self) -> Result<C4BadWords, crate::ConfigError> {
        let err = |key: &'static str, message: String| crate::ConfigError {
            step: NAME,
            key,
            message,
        };
        if !(0.0..=1.0).contains(&self.keep_fraction) {
            return Err(err("keep_fraction", "must be within [0, 1]".into()));
        }
        let dir = tamis_io::Location::parse(&self.badwords_dir.to_string_lossy())
            .and_then(|dir| dir.list_dir())
            .map_err(|e| err("badwords_dir", e.to_string()))?;
        if dir.files.is_empty() {
            let message = format!("{}: no word list in it", self.badwords_dir.display());
            return Err(err("badwords_dir", message));
        }
        let mut lists = foldhash::HashMap::default();
        for (file, _) in dir.files {
            let lang = file.file_name().to_string();
            if lang.contains('.') || lang == "LICENSE" || lang == "README" {
                continue;
            }
            let bytes = file.read().map_err(|e| err("badwords_dir", e.to_string()))?;
            let text = String::from_utf8(bytes).map_err(|e| err("badwords_dir", format!("{file}: {e}")))?;
            let mut words: Vec<&str> = text.lines().map(tamis_text::pystr::strip).collect();
            words.retain(|w| !ALLOWLIST.contains(w));
            words.sort_unstable();
            words.dedup();
            let alternation = words.iter().map(|w| regex::escape(w)).collect::<Vec<_>>().join("|");
            // Python's `\W` in a str pattern: not alphanumeric (str.isalnum) and not `_`.
            let pattern = if matches!(lang.as_str(), "ja" | "th" | "zh") {
                format!("(?:{alternation})")
            } else {
                format!(r"(?:[^\p{{L}}\p{{N}}_]|^)(?:{alternation})(?:[^\p{{L}}\p{{N}}_]|$)")
            };
            let re = regex::RegexBuilder::new(&pattern)
                .size_limit(1 << 28)
                .build()
                .map_err(|e| err("badwords_dir", format!("{file}: {e}")))?;
            lists.insert(lang, re);
        }
        Ok(C4BadWords {
            config: self.clone(),
            lists,
        })
    }
}

/// Why `c4_badwords` dropped a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum C4BadWordsReason {
    /// `document_removed_with_badwords`
    Badwords,
    /// `missing_badwords_language` (datatrove raises instead)
    MissingLanguage,
}

impl From<C4BadWordsReason> for Reason {
    fn from(r: C4BadWordsReason) -> Reason {
        Reason(match r {
            C4BadWordsReason::Badwords => "document_removed_with_badwords",
            C4BadWordsReason::MissingLanguage => "missing_badwords_language",
        })
    }
}

impl C4BadWords {
    /// The decision for a text in `lang`; `id` seeds the `keep_fraction` draw.
    pub fn decide(&self, text: &str, lang: &str, id: &str, counters: &mut Counters) -> Result<(), C4BadWordsReason> {
        let Some(re) = self.lists.get(lang) else {
            if self.config.fail_on_missing_language {
                return Err(C4BadWordsReason::MissingLanguage);
            }
            counters.add("missing_badwords_lang", 1);
            return Ok(());
        };
        if !re.is_match(&lower(text)) {
            return Ok(());
        }
        counters.add("documents_with_badwords", 1);
        if self.config.keep_fraction > 0.0 {
            let h = xxhash_rust::xxh3::xxh3_64_with_seed(id.as_bytes(), self.config.seed.unwrap_or(0));
            let draw = (h >> 11) as f64 / (1u64 << 53) as f64;
            if draw < self.config.keep_fraction {
                counters.add("document_kept_with_badwords", 1);
                return Ok(());
            }
        }
        Err(C4BadWordsReason::Badwords)
    }
}

impl Step for C4BadWords {
    fn name(&self) -> &'static str {
        NAME
    }

    fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict {
        let lang = doc
            .metadata
            .get("language")
            .and_then(|v| v.as_str())
            .unwrap_or(&self.config.default_language)
            .to_string();
        match self.decide(&doc.text, &lang, &doc.id, counters) {
            Ok(()) => Verdict::Keep,
            Err(reason) => Verdict::drop(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_and_languages() {
        let dir = std::env::temp_dir().join(format!("tamis-badwords-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("en"), "darn\nheck it\nsm\n").unwrap();
        std::fs::write(dir.join("zh"), "坏\n").unwrap();
        let config: C4BadWordsConfig =
            serde_json::from_value(serde_json::json!({"badwords_dir": dir, "fail_on_missing_language": false}))
                .unwrap();
        let step = config.build().unwrap();
        let mut c = Counters::default();
        assert_eq!(
            step.decide("Oh DARN, it broke.", "en", "1", &mut c),
            Err(C4BadWordsReason::Badwords)
        );
        assert_eq!(step.decide("darned socks", "en", "1", &mut c), Ok(()));
        assert_eq!(
            step.decide("what the heck it is", "en", "1", &mut c),
            Err(C4BadWordsReason::Badwords)
        );
        assert_eq!(step.decide("sm is allow-listed", "en", "1", &mut c), Ok(()));
        assert_eq!(
            step.decide("这是坏的", "zh", "1", &mut c),
            Err(C4BadWordsReason::Badwords)
        );
        assert_eq!(step.decide("anything", "xx", "1", &mut c), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
