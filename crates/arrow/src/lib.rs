//! The one mapping between tamis [`Document`](tamis_api::Document)s and Arrow
//! record batches, shared by the Parquet writer, the Parquet reader and (later)
//! the Python layer, so that a document means the same columns everywhere.
//!
//! - [`schema`]: what an output file's columns are — [`DocumentSchema`], with
//!   the `tamis` layout (text, id, url, declared typed metadata columns, and a
//!   `metadata` JSON column catching every other key) and FineWeb's and
//!   FineWeb-2's published layouts; the schema is fixed per pipeline, never
//!   inferred from the documents;
//! - [`columns`]: documents into a schema's columns ([`BatchBuilder`]), with the
//!   conversions a value may get and the counts of what did not fit;
//! - [`rows`]: rows of any Arrow batch back into documents ([`RowMapping`]);
//! - [`values`]: one Arrow value as a JSON value, for metadata.
#![deny(missing_docs)]

pub mod columns;
pub mod rows;
pub mod schema;
pub mod values;

pub use columns::BatchBuilder;
pub use rows::{Fields, RowError, RowMapping};
pub use schema::{Column, ColumnType, DocumentSchema, SchemaError, Source};
