//! The page's sections, for one run ([`single`]) or several side by side
//! ([`compare`]).

use crate::chart::{histogram, share_bar};
use crate::html::{bytes, count, count_cell, esc, percent, seconds};
use crate::thresholds;
use crate::Run;
use std::fmt::Write;
use tamis_api::{Stats, StepStats, TopCounts};

const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/script.js");
/// Domains listed per table.
const DOMAINS_SHOWN: usize = 25;

/// The page's frame around `body`.
fn frame(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head>\n<body>\n{body}\n\
         <footer>Made by <code>tamis report</code> {} from <code>stats.json</code> alone; \
         the page loads nothing from the network.</footer>\n<script>{SCRIPT}</script>\n</body></html>\n",
        esc(title),
        env!("CARGO_PKG_VERSION")
    )
}

fn card(label: &str, value: &str, detail: &str) -> String {
    format!(
        r#"<div class="card"><div class="muted">{label}</div><div class="big">{value}</div><div class="muted">{detail}</div></div>"#
    )
}

/// The report of one run.
pub fn single(run: &Run) -> String {
    let stats = &run.stats;
    let mut body = String::new();
    let read = stats.read.documents;
    let _ = write!(
        body,
        "<header><h1>tamis report</h1><div class=\"muted\"><code>{}</code> · {} task{} · stats schema v{} · {} of task time</div>",
        esc(&run.name),
        stats.tasks,
        if stats.tasks == 1 { "" } else { "s" },
        stats.schema_version,
        seconds(stats.seconds)
    );
    body.push_str("<div class=\"cards\">");
    body.push_str(&card(
        "documents read",
        &count(read),
        &format!("{} of input", bytes(stats.read.bytes_in)),
    ));
    body.push_str(&card("documents kept", &count(stats.kept), &percent(stats.kept, read)));
    body.push_str(&card(
        "output",
        &bytes(stats.bytes_out),
        "of JSON written for kept documents",
    ));
    if stats.output.tokens > 0 {
        body.push_str(&card(
            "tokens kept",
            &count(stats.output.tokens),
            "token_count metadata",
        ));
    }
    body.push_str(&card(
        "read errors",
        &count(stats.read.error_count()),
        &format!("{} records read", count(stats.read.records)),
    ));
    body.push_str("</div>");
    body.push_str(
        "<nav><a href=\"#funnel\">Funnel</a><a href=\"#reasons\">Drop reasons</a><a href=\"#time\">Time</a>\
         <a href=\"#distributions\">Distributions</a><a href=\"#languages\">Languages</a>\
         <a href=\"#domains\">Domains</a><a href=\"#samples\">Removed samples</a><a href=\"#edits\">Edits</a>\
         <a href=\"#errors\">Read errors</a><a href=\"#config\">Configuration</a></nav></header>\n<main>\n",
    );
    body.push_str(&funnel(stats));
    body.push_str(&reasons(stats));
    body.push_str(&time(stats));
    body.push_str(&distributions(stats));
    body.push_str(&languages(stats));
    body.push_str(&domains(stats));
    body.push_str(&samples(stats));
    body.push_str(&edits(stats));
    body.push_str(&errors(stats));
    body.push_str(&config(stats));
    body.push_str("</main>");
    frame(&format!("tamis report — {}", run.name), &body)
}

/// Documents and text through the steps, one row per step.
fn funnel(stats: &Stats) -> String {
    let read = stats.read.documents;
    let mut s = String::from(
        "<section id=\"funnel\"><h2>Funnel</h2>\
         <p class=\"note\">Each step's documents in, kept and dropped; <em>dropped</em> is a share of the step's input, \
         <em>left</em> of the documents read. Text is the documents' text in UTF-8 bytes as the step got and left it \
         (for <code>extract</code>, HTML in and text out).</p>\
         <table><thead><tr><th>step</th><th class=\"num\">documents in</th><th class=\"num\">kept</th>\
         <th class=\"num\">dropped</th><th class=\"num\">dropped %</th><th class=\"num\">left %</th><th></th>\
         <th class=\"num\">text in</th><th class=\"num\">text out</th><th class=\"num\">time</th></tr></thead><tbody>",
    );
    let _ = write!(
        s,
        "<tr class=\"total\" data-row=\"read\"><td>read</td>{}<td class=\"num\"></td><td class=\"num\"></td><td></td>\
         <td class=\"num\">100 %</td><td>{}</td><td class=\"num\">{}</td><td></td><td></td></tr>",
        count_cell(read, "documents"),
        share_bar(1.0, 1.0, "kept"),
        bytes(stats.read.bytes_in)
    );
    for (i, step) in stats.steps.iter().enumerate() {
        let has_bytes = step.bytes_in > 0 || step.input == 0;
        let _ = write!(
            s,
            "<tr data-step=\"{}\" data-index=\"{i}\"><td><a href=\"#step-{i}\">{}</a></td>{}{}{}\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&step.name),
            esc(&step.name),
            count_cell(step.input, "input"),
            count_cell(step.kept, "kept"),
            count_cell(step.dropped_count(), "dropped"),
            percent(step.dropped_count(), step.input),
            percent(step.kept, read),
            share_bar(step.kept as f64, read as f64, "kept"),
            if has_bytes { bytes(step.bytes_in) } else { "–".into() },
            if has_bytes { bytes(step.bytes_kept) } else { "–".into() },
            seconds(step.seconds)
        );
    }
    let _ = write!(
        s,
        "<tr class=\"total\" data-row=\"kept\"><td>written</td>{}<td class=\"num\"></td><td class=\"num\"></td><td></td>\
         <td class=\"num\">{}</td><td>{}</td><td></td><td class=\"num\">{} JSON</td><td></td></tr>",
        count_cell(stats.kept, "kept"),
        percent(stats.kept, read),
        share_bar(stats.kept as f64, read as f64, "kept"),
        bytes(stats.bytes_out)
    );
    s.push_str("</tbody></table></section>\n");
    s
}

/// Each step's drop reasons.
fn reasons(stats: &Stats) -> String {
    let mut s = String::from("<section id=\"reasons\"><h2>Drop reasons</h2>");
    for (i, step) in stats.steps.iter().enumerate() {
        let _ = write!(
            s,
            "<h3 id=\"step-{i}\">{} <span class=\"muted\">— dropped {} of {} ({})</span></h3>",
            esc(&step.name),
            count(step.dropped_count()),
            count(step.input),
            percent(step.dropped_count(), step.input)
        );
        if step.dropped.is_empty() && step.counters.is_empty() {
            s.push_str("<p class=\"muted\">dropped nothing</p>");
            continue;
        }
        let mut dropped: Vec<(&String, &u64)> = step.dropped.iter().collect();
        dropped.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        s.push_str("<table><thead><tr><th>reason</th><th class=\"num\">documents</th><th class=\"num\">of the step's input</th><th></th></tr></thead><tbody>");
        for (reason, n) in dropped {
            let _ = write!(
                s,
                "<tr data-reason=\"{r}\"><td><a href=\"#samples-{i}-{r}\">{r}</a></td>{}<td class=\"num\">{}</td><td>{}</td></tr>",
                count_cell(*n, "dropped"),
                percent(*n, step.input),
                share_bar(*n as f64, step.input as f64, "drop"),
                r = esc(reason)
            );
        }
        for (name, n) in &step.counters {
            let _ = write!(
                s,
                "<tr class=\"counter\"><td class=\"muted\">counter: {}</td>{}<td></td><td></td></tr>",
                esc(name),
                count_cell(*n, "counter")
            );
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</section>\n");
    s
}

/// Time per step, summed over workers and tasks.
fn time(stats: &Stats) -> String {
    let total: f64 = stats.steps.iter().map(|s| s.seconds).sum();
    let mut s = String::from(
        "<section id=\"time\"><h2>Time per step</h2><p class=\"note\">Seconds in each step summed over workers and tasks; \
         reading and writing run on their own threads beside the steps.</p>\
         <table><thead><tr><th>step</th><th class=\"num\">time</th><th class=\"num\">share</th><th></th><th class=\"num\">per document</th></tr></thead><tbody>",
    );
    for step in &stats.steps {
        let per_doc = if step.input > 0 {
            step.seconds / step.input as f64
        } else {
            0.0
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.1} %</td><td>{}</td><td class=\"num\">{}</td></tr>",
            esc(&step.name),
            seconds(step.seconds),
            if total > 0.0 { step.seconds / total * 100.0 } else { 0.0 },
            share_bar(step.seconds, total, ""),
            seconds(per_doc)
        );
    }
    for (what, secs) in [
        ("reading (reader threads, beside the steps)", stats.read.seconds),
        ("writing (writer threads, beside the steps)", stats.write.seconds),
    ] {
        if secs > 0.0 {
            let _ = write!(
                s,
                "<tr><td class=\"muted\">{what}</td><td class=\"num\">{}</td><td></td><td></td><td></td></tr>",
                seconds(secs)
            );
        }
    }
    let _ = write!(
        s,
        "<tr class=\"total\"><td>task time</td><td class=\"num\">{}</td><td></td><td></td><td></td></tr></tbody></table></section>",
        seconds(stats.seconds)
    );
    s.push('\n');
    s
}

/// One figure per histogram.
fn figure(title: &str, h: &tamis_api::Histogram, thresholds: &[thresholds::Threshold]) -> String {
    format!(
        "<figure data-histogram=\"{}\"><figcaption>{} <span class=\"muted\">{} values</span></figcaption>{}</figure>",
        esc(title),
        esc(title),
        count(h.total()),
        histogram(h, thresholds)
    )
}

/// The histograms: of the kept documents, then of each step's signals.
fn distributions(stats: &Stats) -> String {
    let mut s = String::from(
        "<section id=\"distributions\"><h2>Distributions</h2>\
         <p class=\"note\">Fixed buckets (lengths on a log scale, ratios in steps of 0.01), so they add up exactly across \
         tasks. A filter's signals are computed rule by rule and it stops at the first rule that fails: a histogram \
         counts the documents that reached its rule. Dashed lines are the thresholds of the step's configuration.</p>",
    );
    if !stats.output.histograms.is_empty() {
        s.push_str("<h3>Kept documents</h3><div class=\"grid\">");
        for (name, h) in &stats.output.histograms {
            s.push_str(&figure(name, h, &[]));
        }
        s.push_str("</div>");
    }
    for step in stats.steps.iter().filter(|s| !s.histograms.is_empty()) {
        let _ = write!(s, "<h3>{}</h3><div class=\"grid\">", esc(&step.name));
        let mut histograms: Vec<_> = step.histograms.iter().collect();
        histograms.sort_by_key(|(name, _)| natural_key(name));
        for (name, h) in histograms {
            s.push_str(&figure(
                name,
                h,
                &thresholds::for_metric(&step.name, name, &step.config),
            ));
        }
        s.push_str("</div>");
    }
    if stats.output.histograms.is_empty() && stats.steps.iter().all(|s| s.histograms.is_empty()) {
        s.push_str(
            "<p class=\"muted\">No histograms in these stats (an older tamis, or a run with --no-distributions).</p>",
        );
    }
    s.push_str("</section>\n");
    s
}

/// `dup_10_gram_frac` after `dup_9_gram_frac`: numbers compare as numbers.
fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut number: Option<u64> = None;
    for c in name.chars() {
        match (c.to_digit(10), number) {
            (Some(d), Some(n)) => number = Some(n * 10 + d as u64),
            (Some(d), None) => number = Some(d as u64),
            (None, Some(n)) => {
                key.push((std::mem::take(&mut text), n));
                number = None;
                text.push(c);
            }
            (None, None) => text.push(c),
        }
    }
    key.push((text, number.unwrap_or(0)));
    key
}

/// Documents by language: kept, and removed once their language was known,
/// with the steps that removed them (why a language lost its pages).
fn languages(stats: &Stats) -> String {
    let mut s = String::from("<section id=\"languages\"><h2>Languages</h2>");
    let kept = &stats.output.languages;
    let removed = &stats.output.removed_by_language;
    if kept.is_empty() && removed.is_empty() {
        s.push_str(
            "<p class=\"muted\">No <code>language</code> metadata on the documents (no language step).</p></section>\n",
        );
        return s;
    }
    let total: u64 = kept.values().sum();
    let mut rows: Vec<(&str, u64, u64)> = kept
        .keys()
        .chain(removed.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|language| {
            let k = kept.get(language).copied().unwrap_or(0);
            let r = removed.get(language).map_or(0, |steps| steps.values().sum());
            (language.as_str(), k, r)
        })
        .collect();
    rows.sort_by(|a, b| (b.1 + b.2).cmp(&(a.1 + a.2)).then(a.0.cmp(b.0)));
    s.push_str(
        "<table><thead><tr><th>language</th><th class=\"num\">kept documents</th><th class=\"num\">share</th><th></th>\
         <th class=\"num\">removed</th><th class=\"num\">kept of its documents</th><th>removed by</th></tr></thead><tbody>",
    );
    for (language, k, r) in rows {
        let mut by: Vec<(&String, &u64)> = removed.get(language).map(|m| m.iter().collect()).unwrap_or_default();
        by.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let by: Vec<String> = by
            .iter()
            .map(|(step, n)| format!("{} {}", esc(step), count(**n)))
            .collect();
        let _ = write!(
            s,
            "<tr><td>{}</td>{}<td class=\"num\">{}</td><td>{}</td>{}<td class=\"num\">{}</td><td>{}</td></tr>",
            esc(language),
            count_cell(k, "kept"),
            percent(k, total),
            share_bar(k as f64, total as f64, "kept"),
            count_cell(r, "removed"),
            percent(k, k + r),
            by.join(", ")
        );
    }
    s.push_str("</tbody></table></section>\n");
    s
}

fn domain_table(title: &str, top: &TopCounts, class: &str) -> String {
    let total = top.total();
    let mut s = format!(
        "<div><h3>{title} <span class=\"muted\">{} documents{}</span></h3><table><thead><tr><th>domain</th><th class=\"num\">documents</th><th class=\"num\">share</th><th></th></tr></thead><tbody>",
        count(total),
        if top.exact { "" } else { ", counts are lower bounds" }
    );
    for (domain, n) in top.top.iter().take(DOMAINS_SHOWN) {
        let _ = write!(
            s,
            "<tr><td>{}</td>{}<td class=\"num\">{}</td><td>{}</td></tr>",
            esc(domain),
            count_cell(*n, "documents"),
            percent(*n, total),
            share_bar(*n as f64, total as f64, class)
        );
    }
    let shown: u64 = top.top.iter().take(DOMAINS_SHOWN).map(|(_, n)| n).sum();
    if total > shown {
        let _ = write!(
            s,
            "<tr><td class=\"muted\">all others</td>{}<td class=\"num\">{}</td><td></td></tr>",
            count_cell(total - shown, "documents"),
            percent(total - shown, total)
        );
    }
    s.push_str("</tbody></table></div>");
    s
}

/// The domains with the most documents kept and removed.
fn domains(stats: &Stats) -> String {
    let mut s = String::from("<section id=\"domains\"><h2>Top domains</h2>");
    if stats.domains.is_empty() {
        s.push_str("<p class=\"muted\">No URLs, or stats without domain counts.</p></section>\n");
        return s;
    }
    s.push_str("<div class=\"two\">");
    s.push_str(&domain_table("Kept", &stats.domains.kept, "kept"));
    s.push_str(&domain_table("Removed", &stats.domains.removed, "drop"));
    s.push_str("</div></section>\n");
    s
}

/// The sampled removed documents, per step and reason, expandable.
fn samples(stats: &Stats) -> String {
    let mut s = String::from(
        "<section id=\"samples\"><h2>Removed documents, sampled <button class=\"expand-all\">expand all</button></h2>\
         <p class=\"note\">For each drop reason, the removed documents whose id hashes lowest: a fixed sample that does \
         not depend on how the run was split. Text as the removed output got it (redacted, cut to its start).</p>",
    );
    let mut any = false;
    for (i, step) in stats.steps.iter().enumerate() {
        for (reason, samples) in &step.samples {
            any = true;
            let _ = write!(
                s,
                "<h3 id=\"samples-{i}-{r}\">{} · {r} <span class=\"muted\">{} dropped, {} shown</span></h3>",
                esc(&step.name),
                count(step.dropped.get(reason).copied().unwrap_or(0)),
                samples.len(),
                r = esc(reason)
            );
            for sample in samples {
                let url = sample
                    .url
                    .as_deref()
                    .map(|u| format!(" · <span class=\"muted\">{}</span>", esc(u)))
                    .unwrap_or_default();
                let cut = if (sample.text.len() as u64) < sample.text_bytes {
                    format!(
                        " · first {} of {}",
                        bytes(sample.text.len() as u64),
                        bytes(sample.text_bytes)
                    )
                } else {
                    format!(" · {}", bytes(sample.text_bytes))
                };
                let text = if sample.text.is_empty() {
                    "(empty text)"
                } else {
                    &sample.text
                };
                let _ = write!(
                    s,
                    "<details class=\"sample\" data-step=\"{}\" data-reason=\"{}\"><summary><code>{}</code>{url}<span class=\"muted\">{cut}</span></summary><pre>{}</pre></details>",
                    esc(&step.name),
                    esc(reason),
                    esc(&sample.id),
                    esc(text)
                );
            }
        }
    }
    if !any {
        s.push_str("<p class=\"muted\">No samples: nothing was removed, or stats from an older tamis.</p>");
    }
    s.push_str("</section>\n");
    s
}

/// The sampled documents each step edited and kept: before and after side
/// by side, the lines the step cut marked.
fn edits(stats: &Stats) -> String {
    let mut s = String::from(
        "<section id=\"edits\"><h2>Edited documents, sampled <button class=\"expand-all\">expand all</button></h2>\
         <p class=\"note\">For each step that changed the text of documents it kept (<code>line_dedup</code>, \
         <code>c4_quality</code>, <code>pii</code>; <code>extract</code> turns HTML into text), the same kind of fixed \
         sample: the start of the text before and after the step, the lines that are gone marked.</p>",
    );
    let mut any = false;
    for step in &stats.steps {
        if step.edits.is_empty() {
            continue;
        }
        any = true;
        let _ = write!(
            s,
            "<h3>{} <span class=\"muted\">{} shown</span></h3>",
            esc(&step.name),
            step.edits.len()
        );
        for sample in &step.edits {
            let before = sample.before.as_deref().unwrap_or_default();
            let after: std::collections::HashSet<&str> = sample.text.lines().collect();
            let mut cut = 0;
            let left: String = before
                .lines()
                .map(|line| {
                    if after.contains(line) {
                        format!("<div>{}</div>", esc(line))
                    } else {
                        cut += 1;
                        format!("<div class=\"cut\">{}</div>", esc(line))
                    }
                })
                .collect();
            let right: String = sample.text.lines().map(|l| format!("<div>{}</div>", esc(l))).collect();
            let url = sample
                .url
                .as_deref()
                .map(|u| format!(" · <span class=\"muted\">{}</span>", esc(u)))
                .unwrap_or_default();
            let _ = write!(
                s,
                "<details class=\"sample edit\" data-step=\"{}\"><summary><code>{}</code>{url}<span class=\"muted\"> · {} line{} of the start gone</span></summary>\
                 <div class=\"diff\"><div><div class=\"side\">before</div><pre>{left}</pre></div><div><div class=\"side\">after</div><pre>{right}</pre></div></div></details>",
                esc(&step.name),
                esc(&sample.id),
                cut,
                if cut == 1 { "" } else { "s" }
            );
        }
    }
    if !any {
        s.push_str("<p class=\"muted\">No step edited the documents it kept (or stats from an older tamis).</p>");
    }
    s.push_str("</section>\n");
    s
}

/// Read errors with where they happened, and the records skipped.
fn errors(stats: &Stats) -> String {
    let read = &stats.read;
    let mut s = String::from("<section id=\"errors\"><h2>Read errors</h2>");
    if read.errors.is_empty() {
        s.push_str("<p class=\"muted\">None.</p>");
    } else {
        s.push_str("<table><thead><tr><th>reason</th><th class=\"num\">records</th><th>file</th><th class=\"num\">offset</th><th>detail</th></tr></thead><tbody>");
        for (reason, errors) in &read.errors {
            let _ = write!(
                s,
                "<tr data-error=\"{r}\"><td>{r}</td>{}<td colspan=\"3\" class=\"muted\">{} location{} kept</td></tr>",
                count_cell(errors.count, "errors"),
                errors.samples.len(),
                if errors.samples.len() == 1 { "" } else { "s" },
                r = esc(reason)
            );
            for sample in &errors.samples {
                let _ = write!(
                    s,
                    "<tr><td></td><td></td><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td></tr>",
                    esc(&sample.file),
                    sample.offset,
                    esc(&sample.detail)
                );
            }
        }
        s.push_str("</tbody></table>");
    }
    if !read.skipped.is_empty() {
        s.push_str("<h3>Records skipped (not documents)</h3><table><thead><tr><th>kind</th><th class=\"num\">records</th></tr></thead><tbody>");
        for (kind, n) in &read.skipped {
            let _ = write!(s, "<tr><td>{}</td>{}</tr>", esc(kind), count_cell(*n, "skipped"));
        }
        s.push_str("</tbody></table>");
    }
    s.push_str("</section>\n");
    s
}

/// Each step's configuration, defaults filled in.
fn config(stats: &Stats) -> String {
    let mut s = String::from("<section id=\"config\"><h2>Configuration</h2>");
    for step in &stats.steps {
        let text = if step.config.is_null() {
            "(not recorded)".to_string()
        } else {
            serde_json::to_string_pretty(&step.config).unwrap_or_default()
        };
        let _ = write!(
            s,
            "<h3>{}</h3><pre class=\"config\">{}</pre>",
            esc(&step.name),
            esc(&text)
        );
    }
    s.push_str("</section>\n");
    s
}

/// The steps of several runs aligned by name, in the order they first appear.
fn aligned_steps(runs: &[Run]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for run in runs {
        let mut at = 0;
        for step in &run.stats.steps {
            match names[at..].iter().position(|n| *n == step.name) {
                Some(p) => at += p + 1,
                None => {
                    names.insert(at, step.name.clone());
                    at += 1;
                }
            }
        }
    }
    names
}

fn find_step<'a>(stats: &'a Stats, name: &str) -> Option<&'a StepStats> {
    stats.steps.iter().find(|s| s.name == name)
}

/// Several runs' funnels side by side, and their drop reasons.
pub fn compare(runs: &[Run]) -> String {
    let mut body = String::from("<header><h1>tamis report — comparison</h1><div class=\"muted\">");
    for (i, run) in runs.iter().enumerate() {
        let _ = write!(
            body,
            "{}<b>{}</b> <code>{}</code> ({} tasks)",
            if i > 0 { " · " } else { "" },
            (b'A' + (i % 26) as u8) as char,
            esc(&run.name),
            run.stats.tasks
        );
    }
    body.push_str("</div></header>\n<main><section id=\"funnel\"><h2>Funnel</h2><p class=\"note\">Documents each step kept, and the share of the documents read still left after it.</p><table><thead><tr><th>step</th>");
    for i in 0..runs.len() {
        let l = (b'A' + (i % 26) as u8) as char;
        let _ = write!(
            body,
            "<th class=\"num\">{l} kept</th><th class=\"num\">{l} left %</th><th></th>"
        );
    }
    body.push_str("</tr></thead><tbody><tr class=\"total\" data-row=\"read\"><td>read</td>");
    for run in runs {
        let _ = write!(
            body,
            "{}<td class=\"num\">100 %</td><td></td>",
            count_cell(run.stats.read.documents, "documents")
        );
    }
    body.push_str("</tr>");
    for name in aligned_steps(runs) {
        let _ = write!(body, "<tr data-step=\"{n}\"><td>{n}</td>", n = esc(&name));
        for run in runs {
            match find_step(&run.stats, &name) {
                Some(step) => {
                    let read = run.stats.read.documents;
                    let _ = write!(
                        body,
                        "{}<td class=\"num\">{}</td><td>{}</td>",
                        count_cell(step.kept, "kept"),
                        percent(step.kept, read),
                        share_bar(step.kept as f64, read as f64, "kept")
                    );
                }
                None => body.push_str("<td class=\"num muted\">–</td><td></td><td></td>"),
            }
        }
        body.push_str("</tr>");
    }
    body.push_str("<tr class=\"total\" data-row=\"kept\"><td>written</td>");
    for run in runs {
        let _ = write!(
            body,
            "{}<td class=\"num\">{}</td><td></td>",
            count_cell(run.stats.kept, "kept"),
            percent(run.stats.kept, run.stats.read.documents)
        );
    }
    body.push_str("</tr></tbody></table></section>\n<section id=\"reasons\"><h2>Drop reasons</h2>");
    for name in aligned_steps(runs) {
        let mut reasons: Vec<&String> = runs
            .iter()
            .filter_map(|r| find_step(&r.stats, &name))
            .flat_map(|s| s.dropped.keys())
            .collect();
        reasons.sort();
        reasons.dedup();
        if reasons.is_empty() {
            continue;
        }
        let _ = write!(body, "<h3>{}</h3><table><thead><tr><th>reason</th>", esc(&name));
        for i in 0..runs.len() {
            let _ = write!(
                body,
                "<th class=\"num\">{}</th><th class=\"num\">% of input</th>",
                (b'A' + (i % 26) as u8) as char
            );
        }
        body.push_str("</tr></thead><tbody>");
        for reason in reasons {
            let _ = write!(body, "<tr><td>{}</td>", esc(reason));
            for run in runs {
                let step = find_step(&run.stats, &name);
                let n = step.and_then(|s| s.dropped.get(reason)).copied().unwrap_or(0);
                let _ = write!(
                    body,
                    "{}<td class=\"num\">{}</td>",
                    count_cell(n, "dropped"),
                    percent(n, step.map_or(0, |s| s.input))
                );
            }
            body.push_str("</tr>");
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("</section></main>");
    frame("tamis report — comparison", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats() -> Stats {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../api/tests/fixtures/stats-v2.json"
        ))
        .unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn the_page_shows_the_funnel_samples_and_thresholds() {
        let run = Run {
            name: "out/<example>".into(),
            stats: stats(),
        };
        let page = single(&run);
        assert!(page.contains("out/&lt;example&gt;"));
        assert!(!page.contains("<script src") && !page.contains("http://cdn") && !page.contains("<link"));
        for step in &run.stats.steps {
            assert!(page.contains(&format!("data-step=\"{}\"", step.name)), "{}", step.name);
        }
        assert_eq!(page.matches("<details class=\"sample\"").count(), 6);
        assert!(
            page.contains("language_threshold = 0.65"),
            "the language score's threshold is drawn"
        );
        assert!(page.contains("french.example-news.cn"));
        let line_dedup = run.stats.steps.iter().find(|s| s.name == "line_dedup").unwrap();
        assert!(!line_dedup.edits.is_empty());
        assert!(page.contains("<details class=\"sample edit\" data-step=\"line_dedup\">"));
        assert!(
            page.contains("<div class=\"cut\">"),
            "the lines line_dedup cut are marked"
        );
    }

    #[test]
    fn older_stats_make_a_page_too() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../api/tests/fixtures/stats-v1.json"
        ))
        .unwrap();
        let run = Run {
            name: "old".into(),
            stats: serde_json::from_str(&text).unwrap(),
        };
        let page = single(&run);
        assert!(page.contains("No histograms"));
        let both = compare(&[
            run.clone(),
            Run {
                name: "new".into(),
                stats: stats(),
            },
        ]);
        assert_eq!(
            both.matches("<tr data-step=").count(),
            run.stats.steps.len() + 1,
            "token_count only in the new run"
        );
    }

    #[test]
    fn steps_align_by_name() {
        let mut a = Stats::for_steps(["extract", "language", "gopher_quality"]);
        a.tasks = 1;
        let b = Stats::for_steps(["extract", "token_count", "gopher_quality"]);
        let runs = [
            Run {
                name: "a".into(),
                stats: a,
            },
            Run {
                name: "b".into(),
                stats: b,
            },
        ];
        assert_eq!(
            aligned_steps(&runs),
            ["extract", "token_count", "language", "gopher_quality"]
        );
    }
}
