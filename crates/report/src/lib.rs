//! `tamis report`: one self-contained HTML page that shows what a run did.
//!
//! The page is built from `OUTPUT/stats.json` alone (counts, histograms,
//! domains and the removed-document samples it holds), so it stays small for
//! a run over a billion documents and opens in any browser without a network:
//! CSS, script and charts (SVG) are inline. The page reads without script;
//! the script only adds a self-check for the browser test (`#selftest`).
//!
//! - [`html`]: escaping and number formatting;
//! - [`chart`]: SVG bar charts and histograms;
//! - [`thresholds`]: which setting of a step is the threshold of which signal;
//! - [`page`]: the sections, for one run or several side by side.
#![deny(missing_docs)]

pub mod chart;
pub mod html;
pub mod page;
pub mod thresholds;

use std::io;
use tamis_api::Stats;
use tamis_io::Location;

/// One run's stats, named for the page.
#[derive(Debug, Clone)]
pub struct Run {
    /// Where the run wrote its output (as given).
    pub name: String,
    /// Its merged stats.
    pub stats: Stats,
}

/// Reads `OUTPUT/stats.json` of the run writing to `output` (a path or a URL).
pub fn load(output: &str) -> io::Result<Run> {
    let location = Location::parse(output)?;
    let file = location.join("stats.json");
    let bytes = file.read().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "{file}: {e} (a run writes it once every task completed; `tamis stats {output}` merges what completed)"
            ),
        )
    })?;
    let stats = serde_json::from_slice(&bytes)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{file}: {e}")))?;
    Ok(Run {
        name: output.to_string(),
        stats,
    })
}

/// The page for `runs`: one run in full, or several compared.
pub fn render(runs: &[Run]) -> String {
    match runs {
        [run] => page::single(run),
        runs => page::compare(runs),
    }
}

/// Writes the page for the run in `output` to `OUTPUT/report.html`; returns where.
pub fn write_for(output: &str) -> io::Result<Location> {
    let run = load(output)?;
    let file = Location::parse(output)?.join("report.html");
    file.write(render(&[run]).as_bytes())?;
    Ok(file)
}
