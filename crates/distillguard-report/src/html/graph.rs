//! The picture of one cluster: its accounts as nodes (coloured by verdict, sized by
//! exchanges) and the links that put them together as edges (coloured by link kind).
//!
//! Layout is a Fruchterman-Reingold force layout started from a circle, with a fixed
//! number of steps and no randomness, so the same report always draws the same
//! picture. Clusters larger than [`MAX_GRAPH_NODES`] draw their most strongly linked
//! accounts; the caller says so on the page.

use std::collections::HashMap;
use std::fmt::Write as _;

use distillguard_model::report::{AccountReport, ClusterReport};

use super::style::{link_colour, verdict_colour};
use crate::text::{coord, count, html, truncate};
use crate::{MAX_GRAPH_EDGES, MAX_GRAPH_NODES};

const SIZE: f64 = 460.0;
const MARGIN: f64 = 34.0;
const STEPS: usize = 160;
/// Node labels are drawn only for small clusters, where they stay readable.
const LABEL_LIMIT: usize = 16;
/// Edges drawn at full strength; denser pictures fade edges so nodes stay visible.
const CLEAR_EDGES: f64 = 40.0;

/// The drawn picture and the facts the caller reports next to it.
pub struct ClusterGraph {
    pub svg: String,
    pub drawn_nodes: usize,
    pub total_nodes: usize,
    pub drawn_edges: usize,
    /// Links between drawn accounts (some may be left undrawn beyond the cap).
    pub total_edges: usize,
    /// Link kinds that colour an edge (each edge takes its first kind), legend order.
    pub kinds: Vec<String>,
    /// Link kinds present only as second or later kind of an edge (no colour of their own).
    pub secondary_kinds: Vec<String>,
}

/// Positions in the unit square for `n` nodes joined by `edges` (index pairs, weights).
pub fn layout(n: usize, edges: &[(usize, usize, f64)]) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.5, 0.5)];
    }
    let mut pos: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let angle = std::f64::consts::TAU * i as f64 / n as f64;
            (0.5 + 0.4 * angle.cos(), 0.5 + 0.4 * angle.sin())
        })
        .collect();
    let k = (1.0 / n as f64).sqrt();
    let max_weight = edges
        .iter()
        .map(|e| e.2)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut disp = vec![(0.0_f64, 0.0_f64); n];
    for step in 0..STEPS {
        let temperature = 0.1 * (1.0 - step as f64 / STEPS as f64) + 0.002;
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        for i in 0..n {
            for j in (i + 1)..n {
                let dx = pos[i].0 - pos[j].0;
                let dy = pos[i].1 - pos[j].1;
                let dist = (dx * dx + dy * dy).sqrt().max(1e-4);
                let force = k * k / dist;
                let (fx, fy) = (dx / dist * force, dy / dist * force);
                disp[i].0 += fx;
                disp[i].1 += fy;
                disp[j].0 -= fx;
                disp[j].1 -= fy;
            }
        }
        for &(a, b, weight) in edges {
            if a >= n || b >= n || a == b {
                continue;
            }
            let dx = pos[a].0 - pos[b].0;
            let dy = pos[a].1 - pos[b].1;
            let dist = (dx * dx + dy * dy).sqrt().max(1e-4);
            let strength = 0.5 + 0.5 * (weight / max_weight).clamp(0.0, 1.0);
            let force = dist * dist / k * strength;
            let (fx, fy) = (dx / dist * force, dy / dist * force);
            disp[a].0 -= fx;
            disp[a].1 -= fy;
            disp[b].0 += fx;
            disp[b].1 += fy;
        }
        for i in 0..n {
            // Gentle pull to the centre keeps unlinked parts on the canvas.
            disp[i].0 += (0.5 - pos[i].0) * k * 0.6;
            disp[i].1 += (0.5 - pos[i].1) * k * 0.6;
            let length = (disp[i].0 * disp[i].0 + disp[i].1 * disp[i].1).sqrt();
            if length > 0.0 {
                let moved = length.min(temperature);
                pos[i].0 += disp[i].0 / length * moved;
                pos[i].1 += disp[i].1 / length * moved;
            }
        }
    }
    // Stretch to fill the unit square, keeping the aspect ratio.
    let (min_x, max_x) = min_max(pos.iter().map(|p| p.0));
    let (min_y, max_y) = min_max(pos.iter().map(|p| p.1));
    let span = (max_x - min_x).max(max_y - min_y).max(1e-9);
    let (off_x, off_y) = (
        (1.0 - (max_x - min_x) / span) / 2.0,
        (1.0 - (max_y - min_y) / span) / 2.0,
    );
    pos.iter()
        .map(|&(x, y)| (off_x + (x - min_x) / span, off_y + (y - min_y) / span))
        .collect()
}

/// Edge opacity in [0.15, 0.75], two decimals.
fn coord_opacity(value: f64) -> String {
    format!("{:.2}", value.clamp(0.15, 0.75))
}

fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

/// Draws `cluster`; `accounts` finds each member's report entry (for verdict and size).
/// `kind_rank` gives unknown link kinds a stable colour across the page.
pub fn cluster_graph(
    cluster: &ClusterReport,
    accounts: &HashMap<&str, &AccountReport>,
    kind_rank: &dyn Fn(&str) -> usize,
) -> ClusterGraph {
    let total = cluster.accounts.len();
    // Pick the most strongly linked members when there are too many to draw.
    let mut strength = vec![0.0_f64; total];
    for link in &cluster.links {
        if link.a < total && link.b < total && link.a != link.b {
            strength[link.a] += link.weight.max(0.0);
            strength[link.b] += link.weight.max(0.0);
        }
    }
    let mut chosen: Vec<usize> = (0..total).collect();
    if total > MAX_GRAPH_NODES {
        chosen.sort_by(|&i, &j| strength[j].total_cmp(&strength[i]).then(i.cmp(&j)));
        chosen.truncate(MAX_GRAPH_NODES);
        chosen.sort_unstable();
    }
    let local: HashMap<usize, usize> = chosen.iter().enumerate().map(|(l, &g)| (g, l)).collect();
    let edges: Vec<(usize, usize, f64, &[String])> = cluster
        .links
        .iter()
        .filter_map(|link| {
            let a = *local.get(&link.a)?;
            let b = *local.get(&link.b)?;
            (a != b).then_some((a, b, link.weight, link.kinds.as_slice()))
        })
        .collect();
    let positions = layout(
        chosen.len(),
        &edges.iter().map(|e| (e.0, e.1, e.2)).collect::<Vec<_>>(),
    );
    let max_weight = edges
        .iter()
        .map(|e| e.2)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    // Draw the strongest links when there are too many to draw (the layout used all).
    let total_edges = edges.len();
    let mut drawn_edges = edges;
    if drawn_edges.len() > MAX_GRAPH_EDGES {
        drawn_edges.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
        drawn_edges.truncate(MAX_GRAPH_EDGES);
    }

    let mut kinds: Vec<String> = Vec::new();
    let mut secondary_kinds: Vec<String> = Vec::new();
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg viewBox=\"0 0 {SIZE} {SIZE}\" width=\"{SIZE}\" height=\"{SIZE}\" class=\"graph\" role=\"img\" aria-label=\"account graph\" style=\"background:#fbfcfe;border:1px solid #e3e7ee;border-radius:10px\">"
    );
    let at = |l: usize| {
        let (x, y) = positions.get(l).copied().unwrap_or((0.5, 0.5));
        (
            MARGIN + x * (SIZE - 2.0 * MARGIN),
            MARGIN + y * (SIZE - 2.0 * MARGIN),
        )
    };
    let name = |l: usize| -> &str {
        chosen
            .get(l)
            .and_then(|&g| cluster.accounts.get(g))
            .map_or("?", String::as_str)
    };
    let opacity = coord_opacity(0.75 * (CLEAR_EDGES / drawn_edges.len().max(1) as f64).sqrt());
    for &(a, b, weight, link_kinds) in &drawn_edges {
        let primary = link_kinds.first().map_or("link", String::as_str);
        if !kinds.iter().any(|k| k == primary) {
            kinds.push(primary.to_string());
        }
        for kind in link_kinds.iter().skip(1) {
            if !secondary_kinds.contains(kind) {
                secondary_kinds.push(kind.clone());
            }
        }
        let (x1, y1) = at(a);
        let (x2, y2) = at(b);
        let _ = write!(
            svg,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\" stroke-opacity=\"{opacity}\"><title>{} — {}: {} (weight {weight:.2})</title></line>",
            coord(x1),
            coord(y1),
            coord(x2),
            coord(y2),
            link_colour(primary, kind_rank(primary)),
            coord(1.0 + 2.5 * (weight / max_weight).clamp(0.0, 1.0)),
            html(name(a)),
            html(name(b)),
            html(&link_kinds.join(", "))
        );
    }
    let labels = chosen.len() <= LABEL_LIMIT;
    for l in 0..chosen.len() {
        let id = name(l);
        let account = accounts.get(id);
        let exchanges = account.map_or(0, |a| a.exchanges);
        let radius = (4.0 + 2.2 * ((exchanges + 1) as f64).log10()).min(13.0);
        let fill = account.map_or("#9aa3b2", |a| verdict_colour(a.verdict));
        let (x, y) = at(l);
        let detail = match account {
            Some(a) => format!(
                "{} · score {:.3} · {} · {} exchanges",
                id,
                a.score,
                a.verdict,
                count(a.exchanges)
            ),
            None => format!("{id} · not in the account list"),
        };
        let _ = write!(
            svg,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"1.5\"><title>{}</title></circle>",
            coord(x),
            coord(y),
            coord(radius),
            html(&detail)
        );
        if labels {
            let anchor = if x > SIZE / 2.0 { "end" } else { "start" };
            let dx = if x > SIZE / 2.0 {
                -radius - 3.0
            } else {
                radius + 3.0
            };
            let _ = write!(
                svg,
                "<text class=\"halo\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" style=\"font-size:10px\">{}</text>",
                coord(x + dx),
                coord(y + 3.5),
                html(&truncate(id, 18))
            );
        }
    }
    svg.push_str("</svg>");
    ClusterGraph {
        svg,
        drawn_nodes: chosen.len(),
        total_nodes: total,
        drawn_edges: drawn_edges.len(),
        total_edges,
        secondary_kinds: secondary_kinds
            .into_iter()
            .filter(|k| !kinds.contains(k))
            .collect(),
        kinds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_deterministic_and_inside_the_square() {
        let edges = [(0, 1, 1.0), (1, 2, 0.5), (2, 0, 0.2), (3, 4, 1.0)];
        let first = layout(6, &edges);
        let second = layout(6, &edges);
        assert_eq!(first, second);
        for &(x, y) in &first {
            assert!((-1e-9..=1.0 + 1e-9).contains(&x) && (-1e-9..=1.0 + 1e-9).contains(&y));
        }
        // Linked nodes end closer than the unlinked node 5 is to node 0.
        let d = |a: usize, b: usize| {
            ((first[a].0 - first[b].0).powi(2) + (first[a].1 - first[b].1).powi(2)).sqrt()
        };
        assert!(d(3, 4) < d(3, 5), "{first:?}");
        assert_eq!(layout(1, &[]), vec![(0.5, 0.5)]);
        assert!(layout(0, &[]).is_empty());
    }
}
