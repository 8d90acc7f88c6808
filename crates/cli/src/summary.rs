//! The table printed at the end of a run: the funnel, step by step.

use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, CellAlignment, Table};
use tamis_api::Stats;

fn row(table: &mut Table, what: &str, count: u64, left: String, detail: String) {
    table.add_row(vec![
        Cell::new(what),
        Cell::new(count).set_alignment(CellAlignment::Right),
        Cell::new(left).set_alignment(CellAlignment::Right),
        Cell::new(detail),
    ]);
}

/// `part` of `whole` in percent.
fn left(part: u64, whole: u64) -> String {
    if whole == 0 {
        String::new()
    } else {
        format!("{:.1} %", part as f64 * 100.0 / whole as f64)
    }
}

fn listing<'a>(counts: impl Iterator<Item = (&'a String, u64)>) -> Vec<String> {
    counts.map(|(name, n)| format!("{name}: {n}")).collect()
}

/// Summarises `stats`: what was read, what each step kept (the share of the
/// documents read left after it) and dropped, what was written.
pub fn table(stats: &Stats) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(vec!["", "documents", "left", "detail"]);
    let read = &stats.read;
    let seconds = stats.seconds.max(1e-9);
    row(
        &mut table,
        "read",
        read.records,
        String::new(),
        format!(
            "{} tasks, {} files, {:.1} MB in {:.2} s of task time ({:.0} docs/s, {:.1} MB/s)",
            stats.tasks,
            read.files,
            read.bytes_in as f64 / 1e6,
            stats.seconds,
            read.records as f64 / seconds,
            read.bytes_in as f64 / 1e6 / seconds
        ),
    );
    if !read.skipped.is_empty() {
        let skipped = read.skipped.values().sum();
        let kinds = listing(read.skipped.iter().map(|(k, v)| (k, *v)));
        row(
            &mut table,
            "  skipped, not documents",
            skipped,
            String::new(),
            kinds.join(", "),
        );
    }
    let errors = listing(read.errors.iter().map(|(k, v)| (k, v.count)));
    row(
        &mut table,
        "  read errors",
        read.error_count(),
        String::new(),
        errors.join(", "),
    );
    row(
        &mut table,
        "documents",
        read.documents,
        left(read.documents, read.documents),
        String::new(),
    );
    for step in &stats.steps {
        let mut detail = vec![format!("dropped {}", step.dropped_count())];
        detail.extend(listing(step.dropped.iter().map(|(k, v)| (k, *v))));
        detail.extend(listing(step.counters.iter().map(|(k, v)| (k, *v))));
        detail.push(format!("{:.2} s", step.seconds));
        row(
            &mut table,
            &format!("→ {}", step.name),
            step.kept,
            left(step.kept, read.documents),
            detail.join(", "),
        );
    }
    for (output, unwritten) in &stats.write.unwritten {
        let example = unwritten.samples.first().map_or(String::new(), |s| s.detail.clone());
        row(
            &mut table,
            &format!("not written ({output})"),
            unwritten.count,
            String::new(),
            example,
        );
    }
    row(
        &mut table,
        "kept",
        stats.kept,
        left(stats.kept, read.documents),
        format!("{:.1} MB of JSON", stats.bytes_out as f64 / 1e6),
    );
    table
}
