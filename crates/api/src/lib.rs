//! The extension API of tamis: what flows through a pipeline and what a step is.
//!
//! Data flows `reader → Document stream → Step → … → writer`. This crate holds the
//! types that every stage agrees on, and nothing that does I/O (a corpus-wide
//! step is handed its directory on [`tamis_io`] storage):
//!
//! - [`Document`]: one unit of text with its `id`, `url` and JSON `metadata`;
//! - [`Step`]: a per-document stage that keeps, drops (with a [`Reason`]) or edits;
//! - [`ShardStep`]: a stage that must see the whole shard before it decides
//!   (e.g. cross-document line deduplication), split into an observing pass and a
//!   deciding [`Step`];
//! - [`GlobalStep`]: a corpus-wide stage (deduplication) run as phases that
//!   exchange files: record per shard, corpus-wide units, decide per shard;
//! - [`Stats`]: counters that add up across workers and tasks, with the
//!   conservation law `read = kept + Σ dropped + errors` checked in one place.
//!
//! A third-party step depends on this crate only:
//!
//! ```
//! use tamis_api::{Counters, Document, Reason, Step, Verdict};
//!
//! /// Drops documents shorter than `min_chars` characters.
//! struct MinLength {
//!     min_chars: usize,
//! }
//!
//! impl Step for MinLength {
//!     fn name(&self) -> &'static str {
//!         "min_length"
//!     }
//!
//!     fn process(&self, doc: &mut Document, counters: &mut Counters) -> Verdict {
//!         let chars = doc.text.chars().count();
//!         counters.add("chars", chars as u64);
//!         if chars < self.min_chars {
//!             Verdict::Drop(Reason("too_short"))
//!         } else {
//!             Verdict::Keep
//!         }
//!     }
//! }
//!
//! let step = MinLength { min_chars: 20 };
//! let mut counters = Counters::default();
//! let mut seed = Document::new("seed", "Au cours de la conversation téléphonique, les deux parties ont également discuté de la situation en Libye.");
//! let mut chrome = Document::new("nav", "Qui va nourrir les Chinois ?");
//! assert_eq!(step.process(&mut seed, &mut counters), Verdict::Keep);
//! assert_eq!(step.process(&mut chrome, &mut counters), Verdict::Keep);
//! let mut short = Document::new("x", "Accueil");
//! assert_eq!(step.process(&mut short, &mut counters), Verdict::Drop(Reason("too_short")));
//! ```
#![deny(missing_docs)]

mod document;
mod global;
mod histogram;
pub mod sample;
mod stats;
mod step;
mod top;
mod views;

pub use document::{Document, Metadata};
pub use global::{GlobalContext, GlobalDecider, GlobalRecorder, GlobalStep};
pub use histogram::{merge_histogram, merge_histograms, Histogram, Scale};
pub use sample::{BottomK, Sample};
pub use stats::{
    ConservationError, DomainStats, ErrorSample, OutputStats, ReadStats, ReasonCount, SchemaStats, Stats, StepStats,
    WriteStats, SCHEMA_VERSION, UNWRITTEN_KEPT, UNWRITTEN_REMOVED,
};
pub use step::{Counters, Reason, ShardPass, ShardStep, Step, Verdict};
pub use top::{DomainCounter, TopCounts, TOP_DOMAINS};
pub use views::Views;

/// What a panic said: its message when it has one (`panic!` with a literal or
/// a format), for the error or drop reason a caught panic becomes.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}
