//! The page's plots as inline SVG: a campaign's daily traffic stacked per model (with
//! a marker where each new model is first used), the score histogram of all accounts
//! (log-scale counts, coloured by verdict, with the verdict thresholds), and the
//! model-share bar of a campaign.

use std::fmt::Write as _;

use distillguard_model::report::{CampaignTimeline, Report};
use distillguard_model::Verdict;

use super::style::{verdict_colour, ATTACK, SUSPICIOUS};
use crate::text::{coord, count, day, html};
use crate::Thresholds;

/// Buckets drawn at most in a timeline; longer timelines merge neighbouring buckets.
const MAX_TIMELINE_BARS: usize = 240;
const HISTOGRAM_BINS: usize = 20;

/// The smallest "round" number (1, 2, 2.5, 5 × 10^k) at least `x`; 1 for `x <= 0`.
fn nice_ceiling(x: f64) -> f64 {
    if x <= 1.0 || !x.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(x.log10().floor());
    for multiple in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if multiple * power >= x {
            return multiple * power;
        }
    }
    10.0 * power
}

/// Stacked daily bars per model for one campaign. `colour_of` gives each model its
/// page-wide colour.
pub fn timeline_svg(
    timeline: &CampaignTimeline,
    colour_of: &dyn Fn(&str) -> &'static str,
) -> String {
    let buckets = timeline
        .series
        .iter()
        .map(|(_, values)| values.len())
        .chain(std::iter::once(timeline.buckets.len()))
        .min()
        .unwrap_or(0);
    if buckets == 0 || timeline.series.is_empty() {
        return "<p class=\"note\">No timeline data.</p>".to_string();
    }
    let merge = buckets.div_ceil(MAX_TIMELINE_BARS).max(1);
    let bars = buckets.div_ceil(merge);

    // values[series][bar]
    let values: Vec<Vec<u64>> = timeline
        .series
        .iter()
        .map(|(_, per_bucket)| {
            (0..bars)
                .map(|bar| {
                    let start = bar * merge;
                    let end = (start + merge).min(buckets);
                    per_bucket[start..end].iter().sum()
                })
                .collect()
        })
        .collect();
    let totals: Vec<u64> = (0..bars)
        .map(|bar| values.iter().map(|series| series[bar]).sum())
        .collect();
    let y_max = nice_ceiling(totals.iter().copied().max().unwrap_or(0) as f64);

    let (width, height) = (1000.0, 250.0);
    let (left, right, top, bottom) = (56.0, 14.0, 16.0, 34.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let base = top + plot_h;
    let bar_w = plot_w / bars as f64;
    let gap = if bar_w > 5.0 { 1.5 } else { 0.0 };

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"daily exchanges per model\">"
    );
    for step in 0..=4 {
        let value = y_max * f64::from(step) / 4.0;
        let y = base - plot_h * f64::from(step) / 4.0;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y1}\" y2=\"{y1}\" stroke=\"#e3e7ee\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            coord(width - right),
            coord(left - 6.0),
            coord(y + 4.0),
            count(value.round() as u64),
            y1 = coord(y),
        );
    }
    for bar in 0..bars {
        let x = left + bar as f64 * bar_w + gap / 2.0;
        let when = timeline.buckets.get(bar * merge).copied();
        let mut stacked = 0.0;
        for ((model, _), series_values) in timeline.series.iter().zip(&values) {
            let value = series_values[bar];
            if value == 0 {
                continue;
            }
            let h = value as f64 / y_max * plot_h;
            let y = base - stacked - h;
            stacked += h;
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} · {}: {} exchanges</title></rect>",
                coord(x),
                coord(y),
                coord((bar_w - gap).max(0.5)),
                coord(h),
                colour_of(model),
                day(when),
                html(model),
                count(value)
            );
        }
    }
    // Date labels along the x axis, about seven of them.
    let label_every = bars.div_ceil(7).max(1);
    for bar in (0..bars).step_by(label_every) {
        let when = day(timeline.buckets.get(bar * merge).copied());
        let label = when.get(5..).unwrap_or(&when);
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            coord(left + (bar as f64 + 0.5) * bar_w),
            coord(base + 16.0),
            html(label)
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{left}\" x2=\"{}\" y1=\"{b}\" y2=\"{b}\" stroke=\"#9aa3b2\"/>",
        coord(width - right),
        b = coord(base)
    );

    // Where each model after the first starts: the "moved to the new model" moment.
    let mut first_use: Vec<(usize, &str)> = timeline
        .series
        .iter()
        .enumerate()
        .filter_map(|(i, (model, _))| {
            values[i]
                .iter()
                .position(|&v| v > 0)
                .map(|bar| (bar, model.as_str()))
        })
        .collect();
    first_use.sort();
    // Models in use from the campaign's first active bucket are not moves.
    let start = first_use.first().map_or(0, |(bar, _)| *bar);
    let moves = first_use.iter().filter(|(bar, _)| *bar > start);
    for (rank, (bar, model)) in moves.enumerate() {
        let x = left + *bar as f64 * bar_w;
        let when = day(timeline.buckets.get(bar * merge).copied());
        let _ = write!(
            svg,
            "<line x1=\"{x1}\" x2=\"{x1}\" y1=\"{}\" y2=\"{}\" stroke=\"#16213a\" stroke-dasharray=\"4 3\"/><text class=\"halo\" x=\"{}\" y=\"{}\" style=\"fill:#16213a;font-weight:600\">{} first used {}</text>",
            coord(top),
            coord(base),
            coord(x + 4.0),
            coord(top + 10.0 + 13.0 * rank as f64),
            html(model),
            html(&when),
            x1 = coord(x)
        );
    }
    svg.push_str("</svg>");

    let mut out = svg;
    out.push_str("<div class=\"legend\">");
    for (model, values) in &timeline.series {
        let total: u64 = values.iter().sum();
        let _ = write!(
            out,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{} ({})</span>",
            colour_of(model),
            html(model),
            count(total)
        );
    }
    if merge > 1 {
        let _ = write!(out, "<span>each bar: {merge} buckets</span>");
    }
    out.push_str("</div>");
    out
}

/// A campaign's share of exchanges per model, as one stacked bar with a legend.
pub fn model_share(models: &[(String, u64)], colour_of: &dyn Fn(&str) -> &'static str) -> String {
    let total: u64 = models.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return String::new();
    }
    let mut bar = String::from("<div class=\"share\">");
    let mut legend = String::from("<div class=\"legend\">");
    for (model, n) in models {
        let share = *n as f64 / total as f64 * 100.0;
        let _ = write!(
            bar,
            "<span style=\"width:{share:.2}%;background:{}\" title=\"{}: {share:.1}%\"></span>",
            colour_of(model),
            html(model)
        );
        let _ = write!(
            legend,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{} <b>{share:.1}%</b> ({})</span>",
            colour_of(model),
            html(model),
            count(*n)
        );
    }
    bar.push_str("</div>");
    legend.push_str("</div>");
    bar + &legend
}

/// Histogram of all account scores: bar heights are log-scale counts, each bar split by
/// the verdicts of the accounts in it; dashed lines mark the verdict thresholds.
pub fn histogram_svg(report: &Report, thresholds: Thresholds) -> String {
    // bins[bin] = [benign, suspicious, attack]
    let mut bins = [[0u64; 3]; HISTOGRAM_BINS];
    for account in &report.accounts {
        let score = if account.score.is_finite() {
            account.score.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let bin = ((score * HISTOGRAM_BINS as f64) as usize).min(HISTOGRAM_BINS - 1);
        let slot = match account.verdict {
            Verdict::Benign => 0,
            Verdict::Suspicious => 1,
            Verdict::Attack => 2,
        };
        bins[bin][slot] += 1;
    }
    let max = bins
        .iter()
        .map(|b| b.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let log_max = ((max + 1) as f64).log10().max(f64::MIN_POSITIVE);

    let (width, height) = (1000.0, 260.0);
    let (left, right, top, bottom) = (52.0, 14.0, 36.0, 36.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let base = top + plot_h;
    let bin_w = plot_w / HISTOGRAM_BINS as f64;
    let scale = |n: u64| ((n + 1) as f64).log10() / log_max * plot_h;

    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"score histogram\">"
    );
    // Log ticks: 1, 10, 100, ...
    let mut tick = 1u64;
    while tick <= max.max(1) {
        let y = base - scale(tick);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y1}\" y2=\"{y1}\" stroke=\"#e3e7ee\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            coord(width - right),
            coord(left - 6.0),
            coord(y + 4.0),
            count(tick),
            y1 = coord(y)
        );
        tick = tick.saturating_mul(10);
        if tick == u64::MAX {
            break;
        }
    }
    for (bin, counts) in bins.iter().enumerate() {
        let total: u64 = counts.iter().sum();
        if total == 0 {
            continue;
        }
        let bar_h = scale(total);
        let x = left + bin as f64 * bin_w + 1.5;
        let mut y = base;
        let low = bin as f64 / HISTOGRAM_BINS as f64;
        let high = (bin + 1) as f64 / HISTOGRAM_BINS as f64;
        for (slot, verdict) in [Verdict::Benign, Verdict::Suspicious, Verdict::Attack]
            .into_iter()
            .enumerate()
        {
            if counts[slot] == 0 {
                continue;
            }
            let h = bar_h * counts[slot] as f64 / total as f64;
            y -= h;
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>score {low:.2}–{high:.2}: {} accounts ({} {})</title></rect>",
                coord(x),
                coord(y),
                coord(bin_w - 3.0),
                coord(h),
                verdict_colour(verdict),
                count(total),
                count(counts[slot]),
                verdict.as_str()
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" style=\"font-size:10px\">{}</text>",
            coord(x + (bin_w - 3.0) / 2.0),
            coord(base - bar_h - 4.0),
            count(total)
        );
    }
    for step in 0..=5 {
        let value = f64::from(step) / 5.0;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{value:.1}</text>",
            coord(left + value * plot_w),
            coord(base + 16.0)
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">risk score</text>",
        coord(left + plot_w / 2.0),
        coord(base + 31.0)
    );
    let _ = write!(
        svg,
        "<line x1=\"{left}\" x2=\"{}\" y1=\"{b}\" y2=\"{b}\" stroke=\"#9aa3b2\"/>",
        coord(width - right),
        b = coord(base)
    );
    for (threshold, label, colour) in [
        (thresholds.suspicious, "suspicious", SUSPICIOUS),
        (thresholds.attack, "attack", ATTACK),
    ] {
        let Some(t) = threshold else { continue };
        let x = left + t.clamp(0.0, 1.0) * plot_w;
        let _ = write!(
            svg,
            "<line x1=\"{x1}\" x2=\"{x1}\" y1=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/><text class=\"halo\" x=\"{}\" y=\"{}\" text-anchor=\"end\" style=\"fill:{colour};font-weight:600\">{label} ≥ {t:.2}</text>",
            coord(top - 20.0),
            coord(base),
            coord(x - 5.0),
            coord(top - 22.0),
            x1 = coord(x)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(11.0), 20.0);
        assert_eq!(nice_ceiling(230.0), 250.0);
        assert_eq!(nice_ceiling(1000.0), 1000.0);
        assert_eq!(nice_ceiling(1001.0), 2000.0);
    }
}
