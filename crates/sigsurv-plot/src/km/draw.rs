//! Drawing the parts of a Kaplan-Meier figure into the SVG.

use super::layout::{Layout, LegendKind, SAMPLE};
use super::{KmPlotOptions, OverlayCurve, Panel, PlotGroup};
use crate::error::{PlotError, Result};
use crate::scale::{decimals_for, tick_label};
use crate::svg::{n, Anchor, PathData, Svg, TextStyle};
use crate::text::max_width;

const CURVE_WIDTH: f64 = 1.8;
const BAND_OPACITY: f64 = 0.2;
const AXIS: &str = "#000000";
const MEDIAN: &str = "#4D4D4D";

/// An overlay matched to its group, sorted by time, values clamped to [0, 1].
pub(super) struct Overlay {
    pub group: usize,
    pub points: Vec<(f64, f64)>,
}

/// Matches overlays to groups and checks their values.
pub(super) fn prepare_overlays(
    groups: &[PlotGroup],
    overlays: &[OverlayCurve],
) -> Result<Vec<Overlay>> {
    overlays
        .iter()
        .map(|o| {
            let group = groups.iter().position(|g| g.name == o.group).ok_or_else(|| {
                PlotError::UnknownOverlayGroup {
                    group: o.group.clone(),
                    known: groups
                        .iter()
                        .map(|g| format!("\"{}\"", g.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })?;
            let bad = |reason: String| PlotError::InvalidOverlay {
                group: o.group.clone(),
                reason,
            };
            if o.time.len() != o.surv.len() {
                return Err(bad(format!(
                    "{} times but {} survival values",
                    o.time.len(),
                    o.surv.len()
                )));
            }
            if o.time.is_empty() {
                return Err(bad("no points".to_string()));
            }
            let mut points = Vec::with_capacity(o.time.len());
            for (i, (&t, &s)) in o.time.iter().zip(&o.surv).enumerate() {
                if !t.is_finite() || t < 0.0 {
                    return Err(bad(format!("time {t} at point {i} is not a finite time >= 0")));
                }
                // Digitising is imprecise by a pixel or two; more than 0.02 outside [0, 1] is a mistake
                // (e.g. percentages instead of proportions).
                if !(-0.02..=1.02).contains(&s) {
                    return Err(bad(format!(
                        "survival {s} at point {i} is outside [0, 1] (percentages must be divided by 100)"
                    )));
                }
                points.push((t, s.clamp(0.0, 1.0)));
            }
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            Ok(Overlay { group, points })
        })
        .collect()
}

/// Everything inside the panel, clipped to it: bands, median lines, curves, censoring marks, overlays.
pub(super) fn panel_content(
    svg: &mut Svg,
    p: &Panel,
    groups: &[PlotGroup],
    overlays: &[Overlay],
    colours: &[String],
    opts: &KmPlotOptions,
) {
    svg.raw(&format!(
        r#"<defs><clipPath id="km-panel"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>"#,
        n(p.left),
        n(p.top),
        n(p.right - p.left),
        n(p.bottom - p.top)
    ));
    svg.group(&[("clip-path", "url(#km-panel)".to_string())]);
    if opts.ci {
        for (i, g) in groups.iter().enumerate() {
            band(svg, p, g, i, &colours[i]);
        }
    }
    if opts.median_lines {
        median_lines(svg, p, groups);
    }
    for (i, g) in groups.iter().enumerate() {
        curve(svg, p, g, i, &colours[i]);
    }
    if opts.censor_marks {
        for (i, g) in groups.iter().enumerate() {
            censor_marks(svg, p, g, i, &colours[i], opts.font_size);
        }
    }
    for o in overlays {
        overlay(svg, p, o, &colours[o.group]);
    }
    svg.end_group();
}

/// The step function: from (0, S = 1) horizontally to each time where S changes, then vertically.
fn curve(svg: &mut Svg, p: &Panel, g: &PlotGroup, i: usize, colour: &str) {
    let c = &g.curve;
    let mut d = PathData::default();
    let mut prev = 1.0;
    d.move_to(p.x(0.0), p.y_of_surv(prev));
    for (&t, &s) in c.time.iter().zip(&c.surv) {
        if t > p.xmax {
            break;
        }
        if s != prev {
            d.h(p.x(t));
            d.v(p.y_of_surv(s));
            prev = s;
        }
    }
    let end = c.time.last().copied().unwrap_or(0.0).min(p.xmax);
    d.h(p.x(end));
    svg.el(
        "path",
        &[
            ("class", "km-curve".to_string()),
            ("data-group", i.to_string()),
            ("d", d.into_string()),
            ("fill", "none".to_string()),
            ("stroke", colour.to_string()),
            ("stroke-width", n(CURVE_WIDTH)),
            ("stroke-linejoin", "miter".to_string()),
        ],
    );
}

/// The stepped confidence band: one polygon per run of times where both limits exist.
fn band(svg: &mut Svg, p: &Panel, g: &PlotGroup, i: usize, colour: &str) {
    let c = &g.curve;
    let k = c.time.len();
    let last = c.time[k - 1].min(p.xmax);
    // Segments [t_j, t_{j+1}) with the limits of point j, in plotted values (flipped for 1 − S).
    let mut runs: Vec<Vec<(f64, f64, f64, f64)>> = Vec::new();
    let mut run = Vec::new();
    for j in 0..k {
        let a = c.time[j];
        if a > p.xmax {
            break;
        }
        let b = if j + 1 < k {
            c.time[j + 1].min(last)
        } else {
            last
        };
        match (c.lower[j], c.upper[j]) {
            (Some(lo), Some(up)) if lo.is_finite() && up.is_finite() => {
                let (v1, v2) = (p.value(lo), p.value(up));
                run.push((a, b, v1.min(v2), v1.max(v2)));
            }
            _ => {
                if !run.is_empty() {
                    runs.push(std::mem::take(&mut run));
                }
            }
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    let mut d = PathData::default();
    for run in &runs {
        let (a0, _, lo0, _) = run[0];
        d.move_to(p.x(a0), p.y(lo0));
        for &(a, b, _, up) in run {
            d.line_to(p.x(a), p.y(up));
            d.line_to(p.x(b), p.y(up));
        }
        for &(a, b, lo, _) in run.iter().rev() {
            d.line_to(p.x(b), p.y(lo));
            d.line_to(p.x(a), p.y(lo));
        }
        d.close();
    }
    if d.is_empty() {
        return;
    }
    svg.el(
        "path",
        &[
            ("class", "km-ci".to_string()),
            ("data-group", i.to_string()),
            ("d", d.into_string()),
            ("fill", colour.to_string()),
            ("fill-opacity", n(BAND_OPACITY)),
            ("stroke", "none".to_string()),
        ],
    );
}

/// "+" at each censoring time on the curve.
fn censor_marks(svg: &mut Svg, p: &Panel, g: &PlotGroup, i: usize, colour: &str, fs: f64) {
    let c = &g.curve;
    let half = 0.35 * fs;
    let mut d = PathData::default();
    for j in 0..c.time.len() {
        if c.time[j] > p.xmax {
            break;
        }
        if c.n_censor[j] > 0 {
            let (x, y) = (p.x(c.time[j]), p.y_of_surv(c.surv[j]));
            d.move_to(x - half, y);
            d.h(x + half);
            d.move_to(x, y - half);
            d.v(y + half);
        }
    }
    if d.is_empty() {
        return;
    }
    svg.el(
        "path",
        &[
            ("class", "km-censor".to_string()),
            ("data-group", i.to_string()),
            ("d", d.into_string()),
            ("stroke", colour.to_string()),
            ("stroke-width", n(1.3)),
        ],
    );
}

/// survminer's `surv.median.line = "hv"`: at 0.5 from the y axis to the largest median, then down from each.
fn median_lines(svg: &mut Svg, p: &Panel, groups: &[PlotGroup]) {
    let medians: Vec<f64> = groups
        .iter()
        .filter_map(|g| g.curve.median().estimate)
        .filter(|&m| m <= p.xmax)
        .collect();
    let Some(&far) = medians.iter().max_by(|a, b| a.total_cmp(b)) else {
        return;
    };
    let y = p.y(0.5);
    let mut d = PathData::default();
    d.move_to(p.x(0.0), y);
    d.h(p.x(far));
    for &m in &medians {
        d.move_to(p.x(m), y);
        d.v(p.y(0.0));
    }
    svg.el(
        "path",
        &[
            ("class", "km-median".to_string()),
            ("d", d.into_string()),
            ("fill", "none".to_string()),
            ("stroke", MEDIAN.to_string()),
            ("stroke-width", n(1.0)),
            ("stroke-dasharray", "5 4".to_string()),
        ],
    );
}

/// A digitised published curve as a dashed step function through its points.
fn overlay(svg: &mut Svg, p: &Panel, o: &Overlay, colour: &str) {
    let mut d = PathData::default();
    let (t0, s0) = o.points[0];
    if t0 > p.xmax {
        return;
    }
    d.move_to(p.x(t0), p.y_of_surv(s0));
    let mut cut = false;
    for &(t, s) in &o.points[1..] {
        if t > p.xmax {
            cut = true;
            break;
        }
        d.h(p.x(t));
        d.v(p.y_of_surv(s));
    }
    if cut {
        d.h(p.x(p.xmax));
    }
    svg.el(
        "path",
        &[
            ("class", "km-overlay".to_string()),
            ("data-group", o.group.to_string()),
            ("d", d.into_string()),
            ("fill", "none".to_string()),
            ("stroke", colour.to_string()),
            ("stroke-width", n(1.5)),
            ("stroke-dasharray", "6 4".to_string()),
        ],
    );
}

/// Axis lines, ticks, tick labels, axis titles and the figure title.
pub(super) fn axes(svg: &mut Svg, lay: &Layout, breaks: &[f64], step: f64, opts: &KmPlotOptions) {
    let p = &lay.panel;
    let tick = TextStyle::new(lay.tick_fs, Anchor::Middle);
    svg.group(&[("class", "axes".to_string())]);
    svg.line(p.left, p.bottom, p.right, p.bottom, AXIS, 1.0);
    svg.line(p.left, p.top, p.left, p.bottom, AXIS, 1.0);
    let d = decimals_for(step);
    for &b in breaks {
        let x = p.x(b);
        svg.line(x, p.bottom, x, p.bottom + lay.tick_len, AXIS, 1.0);
        svg.text(x, lay.xtick_y, &tick_label(b, d), &tick);
    }
    let ytick = TextStyle::new(lay.tick_fs, Anchor::End);
    for k in 0..=4 {
        let v = f64::from(k) * 0.25;
        let y = p.y(v);
        svg.line(p.left - lay.tick_len, y, p.left, y, AXIS, 1.0);
        svg.text(
            p.left - lay.tick_len - 0.3 * lay.fs,
            y + 0.35 * lay.tick_fs,
            &format!("{v:.2}"),
            &ytick,
        );
    }
    svg.text(
        (p.left + p.right) / 2.0,
        lay.xlab_y,
        &lay.xlab,
        &TextStyle::new(lay.fs, Anchor::Middle),
    );
    let mut ylab = TextStyle::new(lay.fs, Anchor::Middle);
    ylab.rotate = -90.0;
    svg.text(lay.ylab_x, (p.top + p.bottom) / 2.0, &lay.ylab, &ylab);
    if let Some(t) = &opts.title {
        svg.text(
            lay.pad,
            lay.title_y,
            t,
            &TextStyle::new(1.3 * lay.fs, Anchor::Start),
        );
    }
    svg.end_group();
}

/// The legend: a line sample in each group's colour and "name (n=N)"; a dashed grey sample for overlays.
pub(super) fn legend(svg: &mut Svg, lay: &Layout, colours: &[String]) {
    let fs = lay.fs;
    svg.group(&[("class", "legend".to_string())]);
    for item in &lay.legend {
        let base = item.y + 0.35 * fs;
        let text_x = item.x + (SAMPLE + 0.4) * fs;
        match item.kind {
            LegendKind::Title => {
                svg.text(item.x, base, &item.text, &TextStyle::new(fs, Anchor::Start));
                continue;
            }
            LegendKind::Group(i) => {
                svg.line(
                    item.x,
                    item.y,
                    item.x + SAMPLE * fs,
                    item.y,
                    &colours[i],
                    CURVE_WIDTH,
                );
            }
            LegendKind::Overlay => {
                svg.el(
                    "line",
                    &[
                        ("x1", n(item.x)),
                        ("y1", n(item.y)),
                        ("x2", n(item.x + SAMPLE * fs)),
                        ("y2", n(item.y)),
                        ("stroke", "#4D4D4D".to_string()),
                        ("stroke-width", n(1.5)),
                        ("stroke-dasharray", "6 4".to_string()),
                    ],
                );
            }
        }
        svg.text(text_x, base, &item.text, &TextStyle::new(fs, Anchor::Start));
    }
    svg.end_group();
}

/// The annotation lines, on a translucent white box, at the bottom left of the panel (top left for 1 − S,
/// where the curves start low).
pub(super) fn annotations(svg: &mut Svg, lay: &Layout, opts: &KmPlotOptions) {
    if opts.annotations.is_empty() {
        return;
    }
    let p = &lay.panel;
    let fs = lay.fs;
    let line_h = 1.3 * fs;
    let k = opts.annotations.len() as f64;
    let block_h = k * line_h + 0.4 * fs;
    let width = max_width(opts.annotations.iter().map(String::as_str), fs) + 0.8 * fs;
    let x = p.x(0.0) + 0.4 * fs;
    let top = match p.fun {
        super::Fun::Surv => p.y(0.0) - 0.3 * fs - block_h,
        super::Fun::Event => p.y(1.0) + 0.3 * fs,
    };
    svg.group(&[("class", "annotations".to_string())]);
    svg.el(
        "rect",
        &[
            ("x", n(x)),
            ("y", n(top)),
            ("width", n(width)),
            ("height", n(block_h)),
            ("fill", "#FFFFFF".to_string()),
            ("fill-opacity", n(0.8)),
        ],
    );
    let style = TextStyle::new(fs, Anchor::Start);
    for (j, a) in opts.annotations.iter().enumerate() {
        let base = top + 0.2 * fs + j as f64 * line_h + 0.95 * fs;
        svg.text(x + 0.4 * fs, base, a, &style);
    }
    svg.end_group();
}

/// "Number at risk": one row per group in its colour, numbers centred on the x-axis breaks.
pub(super) fn risk_table(
    svg: &mut Svg,
    lay: &Layout,
    groups: &[PlotGroup],
    colours: &[String],
    breaks: &[f64],
) {
    let p = &lay.panel;
    svg.group(&[("class", "risk-table".to_string())]);
    svg.text(
        lay.pad,
        lay.table_title_y,
        "Number at risk",
        &TextStyle::new(lay.fs, Anchor::Start),
    );
    for (j, g) in groups.iter().enumerate() {
        let y = lay.table_row_y[j];
        let mut label = TextStyle::new(lay.tick_fs, Anchor::End);
        label.fill = &colours[j];
        svg.text(lay.table_label_x, y, &g.name, &label);
        for &b in breaks {
            let attrs = [
                ("class", "risk-n".to_string()),
                ("data-group", j.to_string()),
                ("data-time", format!("{b}")),
            ];
            let mut style = TextStyle::new(lay.tick_fs, Anchor::Middle);
            style.fill = &colours[j];
            style.attrs = &attrs;
            svg.text(p.x(b), y, &g.curve.n_risk_at(b).to_string(), &style);
        }
    }
    svg.end_group();
}
