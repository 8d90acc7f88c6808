//! The table printed at the end of a run.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use std::time::Duration;
use tamis_api::Stats;

fn row(table: &mut Table, what: &str, count: u64, detail: String) {
    table.add_row(vec![
        Cell::new(what),
        Cell::new(count).set_alignment(CellAlignment::Right),
        Cell::new(detail),
    ]);
}

fn reasons<'a>(counts: impl Iterator<Item = (&'a String, u64)>) -> String {
    counts
        .map(|(reason, n)| format!("{reason}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Summarises the tasks run in this process.
pub fn table(stats: &Stats, elapsed: Duration) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(vec!["", "documents", "detail"]);
    let read = &stats.read;
    let seconds = elapsed.as_secs_f64().max(1e-9);
    row(
        &mut table,
        "read",
        read.records,
        format!(
            "{} files, {:.1} MB in {:.1} s ({:.0} docs/s, {:.1} MB/s)",
            read.files,
            read.bytes_in as f64 / 1e6,
            seconds,
            read.records as f64 / seconds,
            read.bytes_in as f64 / 1e6 / seconds
        ),
    );
    if !read.skipped.is_empty() {
        let skipped = read.skipped.values().sum();
        row(
            &mut table,
            "  skipped (not documents)",
            skipped,
            reasons(read.skipped.iter().map(|(k, v)| (k, *v))),
        );
    }
    row(
        &mut table,
        "  read errors",
        read.error_count(),
        reasons(read.errors.iter().map(|(k, v)| (k, v.count))),
    );
    for step in &stats.steps {
        row(
            &mut table,
            &format!("{} dropped", step.name),
            step.dropped_count(),
            format!(
                "{} ({:.2} s)",
                reasons(step.dropped.iter().map(|(k, v)| (k, *v))),
                step.seconds
            ),
        );
    }
    row(
        &mut table,
        "kept",
        stats.kept,
        format!("{:.1} MB of JSON", stats.bytes_out as f64 / 1e6),
    );
    table
}
