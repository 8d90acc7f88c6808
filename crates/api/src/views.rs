//! Values computed from a document's text, kept with the document so that later steps reuse
//! them instead of computing them again.
//!
//! Gopher repetition, Gopher quality, C4 and FineWeb quality all read the same text's words,
//! lines and sentences. The first step that needs a view (the text's tokens, say) computes it
//! with [`crate::Document::view`]; the others find it there. datatrove gets the same sharing
//! from an `lru_cache` on its tokenizer; here it travels with the document, so it holds across
//! chunks, threads and steps in between.
//!
//! A view is valid for the exact text it was computed from. [`Views`] keeps a copy of that
//! text and forgets every view as soon as the document's text differs from it, so a step that
//! rewrites the text (C4, PII redaction, line deduplication) has nothing to invalidate.

use std::any::{Any, TypeId};
use std::sync::Arc;

/// The views of one text. Not serialised, and not part of a document's equality: two
/// documents with the same fields are equal whatever they have computed.
#[derive(Clone, Default)]
pub struct Views {
    /// Boxed: a document that no step looked at carries one pointer.
    held: Option<Box<Held>>,
}

#[derive(Clone, Default)]
struct Held {
    /// The text the entries were computed from.
    text: String,
    entries: Vec<Entry>,
}

#[derive(Clone)]
struct Entry {
    kind: TypeId,
    key: &'static str,
    value: Arc<dyn Any + Send + Sync>,
}

impl Views {
    /// The view of type `V` under `key` (e.g. the tokenizer's language) of `text`, built by
    /// `build` unless it was built for this same text before.
    pub fn get_or_build<V: Any + Send + Sync>(
        &mut self,
        text: &str,
        key: &'static str,
        build: impl FnOnce(&str) -> V,
    ) -> Arc<V> {
        if let Some(value) = self.get(text, key) {
            return value;
        }
        let value = Arc::new(build(text));
        self.put(text, key, value.clone());
        value
    }

    /// The views held for `text`, every other view forgotten.
    fn of(&mut self, text: &str) -> &mut Held {
        let held = self.held.get_or_insert_with(Box::default);
        if held.text != text {
            held.entries.clear();
            held.text.clear();
            held.text.push_str(text);
        }
        held
    }

    /// The view of type `V` under `key` of `text`, if one was built.
    pub fn get<V: Any + Send + Sync>(&self, text: &str, key: &'static str) -> Option<Arc<V>> {
        let held = self.held.as_ref().filter(|h| h.text == text)?;
        let kind = TypeId::of::<V>();
        let found = held.entries.iter().find(|e| e.kind == kind && e.key == key)?;
        found.value.clone().downcast::<V>().ok()
    }

    /// Sets the view of type `V` under `key` of `text`, computed by the caller (a step that
    /// rewrote the text and knows its view without computing it again).
    pub fn insert<V: Any + Send + Sync>(&mut self, text: &str, key: &'static str, value: V) {
        self.put(text, key, Arc::new(value));
    }

    /// Holds `value` as the view of its type under `key` of `text`, in place of any before.
    fn put<V: Any + Send + Sync>(&mut self, text: &str, key: &'static str, value: Arc<V>) {
        let held = self.of(text);
        let kind = TypeId::of::<V>();
        held.entries.retain(|e| e.kind != kind || e.key != key);
        held.entries.push(Entry { kind, key, value });
    }

    /// How many views are held (for tests and debugging).
    pub fn len(&self) -> usize {
        self.held.as_ref().map_or(0, |h| h.entries.len())
    }

    /// Whether no view is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl PartialEq for Views {
    fn eq(&self, _: &Views) -> bool {
        true
    }
}

impl std::fmt::Debug for Views {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Views({})", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn built_once_per_text_and_key() {
        let mut views = Views::default();
        let builds = Cell::new(0);
        let count = |t: &str| {
            builds.set(builds.get() + 1);
            t.len()
        };
        assert_eq!(*views.get_or_build("abc", "a", count), 3);
        assert_eq!(*views.get_or_build("abc", "a", count), 3);
        assert_eq!(builds.get(), 1);
        // Another key, another type: built anew.
        assert_eq!(*views.get_or_build("abc", "b", count), 3);
        assert_eq!(*views.get_or_build("abc", "a", |t| t.to_uppercase()), "ABC");
        assert_eq!(builds.get(), 2);
        assert_eq!(views.len(), 3);
    }

    #[test]
    fn a_changed_text_forgets_every_view() {
        let mut views = Views::default();
        views.get_or_build("abc", "a", |t| t.len());
        views.get_or_build("abc", "b", |t| t.len());
        // Same length, other bytes: not the same text.
        assert_eq!(*views.get_or_build("abd", "a", |t| t.chars().last()), Some('d'));
        assert_eq!(views.len(), 1);
        assert_eq!(*views.get_or_build("abd", "a", |_| None::<char>), Some('d'));
    }
}
