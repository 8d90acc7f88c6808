//! The extension API of tamis: what flows through a pipeline and what a step is.
//!
//! Data flows `reader → Document stream → Step → … → writer`. This crate holds the
//! types that every stage agrees on, and nothing that does I/O:
//!
//! - [`Document`]: one unit of text with its `id`, `url` and JSON `metadata`;
//! - [`Step`]: a per-document stage that keeps, drops (with a [`Reason`]) or edits;
//! - [`ShardStep`]: a stage that must see the whole shard before it decides
//!   (e.g. cross-document line deduplication), split into an observing pass and a
//!   deciding [`Step`];
//! - [`Stats`]: counters that add up across workers and tasks, with the
//!   conservation law `read = kept + Σ dropped + errors` checked in one place.
//!
//! A third-party step depends on this crate only.
#![deny(missing_docs)]

mod document;
mod stats;
mod step;

pub use document::{Document, Metadata};
pub use stats::{ConservationError, ErrorSample, ReadStats, ReasonCount, Stats, StepStats};
pub use step::{Counters, Reason, ShardPass, ShardStep, Step, Verdict};
