//! End-to-end tests of the `tamis` binary: one test binary, one module per theme.

mod bad_input;
mod config;
mod crash;
mod dedup;
mod extract;
mod formats;
mod hay;
mod langid;
mod limits;
mod parquet;
mod pii;
mod quality;
mod recipe;
mod report;
mod running_example;
mod storage;
mod tasks;
mod util;
mod warc_samples;
