//! SVG charts, drawn on the server side so that the page needs no script and
//! no chart library: histograms with their thresholds, and proportion bars.

use crate::html::{count, esc, short};
use crate::thresholds::Threshold;
use tamis_api::{Histogram, Scale};

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 18.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 14.0;
/// Bars drawn at most: wider histograms add neighbouring buckets together.
const MAX_BARS: i64 = 120;

/// Where `v` falls on the bucket axis of `scale` (bucket `i` spans `[i, i+1)`).
fn position(scale: &Scale, v: f64) -> f64 {
    match *scale {
        Scale::Log { per_octave } => {
            if v <= 0.0 {
                0.0
            } else {
                (1.0 + v).log2() * per_octave as f64
            }
        }
        Scale::Linear { width } => v / width,
    }
}

/// A histogram as an SVG bar chart, thresholds as dashed lines named by
/// their setting; a log scale is drawn with equal-width buckets (so its x
/// axis is logarithmic).
pub fn histogram(h: &Histogram, thresholds: &[Threshold]) -> String {
    let (Some(&first), Some(&last)) = (h.counts.keys().next(), h.counts.keys().next_back()) else {
        return r#"<p class="muted">no values</p>"#.into();
    };
    let (mut lo, mut hi) = (first, last + 1);
    for t in thresholds {
        let p = position(&h.scale, t.value);
        if p.is_finite() && p >= (lo - 1000) as f64 && p <= (hi + 1000) as f64 {
            lo = lo.min(p.floor() as i64);
            hi = hi.max(p.floor() as i64 + 1);
        }
    }
    if let Scale::Linear { width } = h.scale {
        // Ratios and scores from 0, with room past the last value or
        // threshold, within [0, 1] when everything is in it.
        if lo >= 0 && (hi as f64) * width <= 1.0 {
            lo = 0;
            hi = (hi + hi / 4).max(10).min((1.0 / width).round() as i64);
        }
    }
    let group = ((hi - lo) + MAX_BARS - 1) / MAX_BARS;
    let bars = (hi - lo + group - 1) / group;
    let mut heights = vec![0u64; bars as usize];
    for (&i, &n) in &h.counts {
        heights[((i - lo) / group) as usize] += n;
    }
    let max = heights.iter().copied().max().unwrap_or(1).max(1);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let bar_w = plot_w / bars as f64;
    let x_of = |p: f64| LEFT + (p - lo as f64) / group as f64 * bar_w;
    let mut svg =
        format!(r#"<svg class="hist" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img">"#);
    svg.push_str(&format!(
        r#"<line class="axis" x1="{LEFT}" y1="{y}" x2="{x2}" y2="{y}"/>"#,
        y = TOP + plot_h,
        x2 = LEFT + plot_w
    ));
    svg.push_str(&format!(
        r#"<text class="tick" x="{}" y="{}" text-anchor="end">{}</text><text class="tick" x="{}" y="{}" text-anchor="end">0</text>"#,
        LEFT - 4.0,
        TOP + 8.0,
        count(max),
        LEFT - 4.0,
        TOP + plot_h
    ));
    for (k, &n) in heights.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let from = lo + k as i64 * group;
        let (low, _) = h.scale.edges(from);
        let (_, high) = h.scale.edges(from + group - 1);
        let bh = (n as f64 / max as f64 * plot_h).max(1.0);
        svg.push_str(&format!(
            r#"<rect class="bar" x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}"><title>[{}, {}): {}</title></rect>"#,
            LEFT + k as f64 * bar_w + 0.5,
            TOP + plot_h - bh,
            (bar_w - 1.0).max(0.5),
            bh,
            short(low),
            short(high),
            count(n)
        ));
    }
    // About five ticks on the x axis, at bucket edges.
    let step = ((bars as f64 / 5.0).ceil() as i64).max(1);
    for k in (0..=bars).step_by(step as usize) {
        let index = lo + k * group;
        let x = LEFT + k as f64 * bar_w;
        svg.push_str(&format!(
            r#"<text class="tick" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            HEIGHT - 6.0,
            short(h.scale.edges(index).0)
        ));
    }
    for t in thresholds {
        let x = x_of(position(&h.scale, t.value));
        if !(LEFT - 1.0..=WIDTH).contains(&x) {
            continue;
        }
        // The label right of the line, or left of it near the right edge.
        let (label_x, anchor) = if x > WIDTH - 150.0 {
            (x - 3.0, "end")
        } else {
            (x + 3.0, "start")
        };
        svg.push_str(&format!(
            r#"<line class="threshold" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}"/><text class="threshold-label" x="{:.1}" y="{:.1}" text-anchor="{anchor}">{} = {}</text>"#,
            TOP + plot_h,
            label_x,
            TOP - 3.0,
            esc(&t.setting),
            short(t.value)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal bar for a share (`part / whole`), as a table cell's content.
pub fn share_bar(part: f64, whole: f64, class: &str) -> String {
    let pct = if whole > 0.0 {
        (part / whole * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    };
    format!(r#"<div class="track"><div class="fill {class}" style="width:{pct:.2}%"></div></div>"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_draws_its_bars_and_thresholds() {
        let mut h = Histogram::new(Scale::RATIO);
        for v in [0.05, 0.1, 0.1, 0.5] {
            h.observe(v);
        }
        let t = Threshold {
            setting: "max_x".into(),
            value: 0.3,
        };
        let svg = histogram(&h, &[t]);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("max_x = 0.30"), "{svg}");
        let mut big = Histogram::new(Scale::COUNT);
        for v in 0..100_000 {
            big.observe(v as f64);
        }
        assert!(histogram(&big, &[]).matches("<rect").count() <= MAX_BARS as usize);
        assert!(histogram(&Histogram::new(Scale::COUNT), &[]).contains("no values"));
    }
}
