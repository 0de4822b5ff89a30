//! Forest plots: hazard ratios with confidence intervals on a log axis, one row per term or cohort, with
//! the numbers beside them.

use crate::error::{PlotError, Result};
use crate::format::{format_hr, format_p};
use crate::palette;
use crate::scale::{log_tick_label, log_ticks};
use crate::svg::{n, Anchor, PathData, Svg, TextStyle};
use crate::text::max_width;

/// One row of a forest plot: a ratio (e.g. a hazard ratio, `exp(coef)`) and its confidence interval.
///
/// `ForestRow::default()` is not a valid row (its estimate is 0); use it to fill the optional fields:
/// `ForestRow { n: Some(120), ..ForestRow::new("cohort A", 1.8, 1.3, 2.4) }`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ForestRow {
    /// Term or cohort name.
    pub label: String,
    /// The ratio, > 0.
    pub estimate: f64,
    /// Lower confidence limit, ≥ 0 (0 is drawn as an arrow to the axis start).
    pub lower: f64,
    /// Upper confidence limit (infinity is drawn as an arrow to the axis end).
    pub upper: f64,
    /// p-value of the term, if any.
    pub p_value: Option<f64>,
    /// Patients and events behind the estimate; an "n / events" column is shown when any row has them.
    pub n: Option<usize>,
    pub events: Option<usize>,
    /// A summary estimate (e.g. the pooled fit over the rows above): drawn as a diamond spanning its interval,
    /// under a separating line, as meta-analysis forest plots draw the overall effect.
    pub summary: bool,
    /// Instead of an estimate, this text in the numbers column and nothing on the axis (e.g. "not estimable" for
    /// a collinear term or an infinite coefficient); the estimate and limits are then ignored.
    pub note: Option<String>,
}

/// Intervals wider than this ratio (upper / lower) come from a coefficient heading to infinity (a standard
/// error above 4.7 on the log scale) and are shown as not estimable rather than drawn across the axis.
pub const MAX_INTERVAL_RATIO: f64 = 1e8;

impl ForestRow {
    /// The row of an estimate that may be missing: a row with `note` "not estimable" when the ratio or a limit
    /// is missing or not finite (a dropped term, a null in JSON) or when the interval spans more than
    /// [`MAX_INTERVAL_RATIO`] (a coefficient heading to infinity), else [`ForestRow::new`].
    pub fn from_estimate(
        label: impl Into<String>,
        estimate: Option<f64>,
        lower: Option<f64>,
        upper: Option<f64>,
    ) -> ForestRow {
        match (estimate, lower, upper) {
            (Some(e), Some(l), Some(u))
                if e.is_finite()
                    && e > 0.0
                    && l.is_finite()
                    && u.is_finite()
                    && u <= l * MAX_INTERVAL_RATIO =>
            {
                ForestRow::new(label, e, l, u)
            }
            _ => ForestRow {
                label: label.into(),
                note: Some("not estimable".to_string()),
                ..ForestRow::default()
            },
        }
    }

    /// A row with a label, an estimate and its interval, and nothing else.
    pub fn new(label: impl Into<String>, estimate: f64, lower: f64, upper: f64) -> ForestRow {
        ForestRow {
            label: label.into(),
            estimate,
            lower,
            upper,
            ..ForestRow::default()
        }
    }
}

/// Options of [`forest_svg`]. Sizes are in px of the SVG (CSS px, 1/96 inch).
#[derive(Clone, Debug)]
pub struct ForestOptions {
    /// Title above the figure (default none).
    pub title: Option<String>,
    /// x-axis title (default "Hazard ratio").
    pub xlab: String,
    /// Header of the label column (default empty; e.g. "Term" or "Cohort").
    pub label_header: String,
    /// Name of the ratio in the numbers column header (default "HR": "HR (95% CI)").
    pub estimate_label: String,
    /// Confidence level of the intervals, for the header (default 0.95).
    pub ci_level: f64,
    /// Range of the x axis (default: the intervals, 1 and the surrounding ticks); intervals beyond it end
    /// in arrows.
    pub xlim: Option<(f64, f64)>,
    /// Colour of the squares and lines (default black).
    pub colour: String,
    /// Figure width in px (default 720).
    pub width: f64,
    /// Figure height in px (default: from the number of rows).
    pub height: Option<f64>,
    /// Resolution for PNG output (default 300); pass it to [`crate::save`].
    pub dpi: f64,
    /// Base font size in px (default 13).
    pub font_size: f64,
    /// A line of text under the axis, at the left (e.g. the heterogeneity of a meta-analysis; default none).
    pub footnote: Option<String>,
}

impl Default for ForestOptions {
    fn default() -> Self {
        ForestOptions {
            title: None,
            xlab: "Hazard ratio".to_string(),
            label_header: String::new(),
            estimate_label: "HR".to_string(),
            ci_level: 0.95,
            xlim: None,
            colour: "#000000".to_string(),
            width: 720.0,
            height: None,
            dpi: 300.0,
            font_size: 13.0,
            footnote: None,
        }
    }
}

/// Draws a forest plot of ratios with their confidence intervals as SVG.
///
/// # Formula
/// Each row: a square at the estimate and a line from lower to upper, on a log10 x axis (equal distances for
/// equal ratios, so HR 2 and 0.5 sit symmetric about 1), a dashed reference line at 1, and the text columns
/// "HR (95% CI)" as `1.80 (1.30–2.40)` and p (two significant digits, "<0.0001"). Rows with counts add an
/// "n / events" column after the labels; a `summary` row (a pooled estimate) is a diamond from lower to upper
/// with its widest point at the estimate, under a separating line. Each row's `<g class="forest-row">` carries
/// the exact `data-estimate`, `data-lower` and `data-upper`, and each tick `data-value`.
///
/// # Reference
/// Lewis & Clarke (2001), "Forest plots: trying to see the wood and the trees", BMJ 322:1479-1480.
///
/// # R equivalent
/// `survminer::ggforest(coxph(...))` or `forestplot::forestplot` on `summary(fit)$conf.int`; the numbers
/// are `exp(coef)`, `lower .95`, `upper .95` and `Pr(>|z|)` of `summary(coxph(...))`. Summary rows as
/// `forestplot(..., is.summary = c(FALSE, ..., TRUE))` or `meta::forest`'s overall diamond.
///
/// # Errors
/// [`PlotError::Nothing`] without rows; [`PlotError::InvalidForestRow`] for an estimate (of a row without a
/// `note`) that is not a positive finite number, limits not around it, a negative or NaN limit, or a p-value
/// outside [0, 1];
/// [`PlotError::InvalidOption`] for a bad xlim, size, ci_level or colour; [`PlotError::TooSmall`] when the
/// text columns leave no room for the plot.
pub fn forest_svg(rows: &[ForestRow], opts: &ForestOptions) -> Result<String> {
    if rows.is_empty() {
        return Err(PlotError::Nothing("no forest rows were given"));
    }
    check(rows, opts)?;
    let fs = opts.font_size;
    let tick_fs = 0.9 * fs;
    let pad = fs;
    let row_h = 1.8 * fs;
    let w = opts.width;
    let hr_header = format!(
        "{} ({}% CI)",
        opts.estimate_label,
        crate::svg::n(opts.ci_level * 100.0)
    );
    let hr_text: Vec<String> = rows
        .iter()
        .map(|r| match &r.note {
            Some(note) => note.clone(),
            None => format_hr(r.estimate, r.lower, r.upper),
        })
        .collect();
    let has_p = rows.iter().any(|r| r.p_value.is_some());
    let p_text: Vec<String> = rows
        .iter()
        .map(|r| r.p_value.map(format_p).unwrap_or_default())
        .collect();
    let has_n = rows.iter().any(|r| r.n.is_some() || r.events.is_some());
    let n_header = if rows.iter().any(|r| r.events.is_some()) {
        "n / events"
    } else {
        "n"
    };
    let n_text: Vec<String> = rows.iter().map(count_text).collect();

    // Columns: labels | n / events | plot | HR (CI) | p.
    let label_w = max_width(
        rows.iter()
            .map(|r| r.label.as_str())
            .chain([opts.label_header.as_str()]),
        fs,
    );
    let hr_w = max_width(
        hr_text
            .iter()
            .map(String::as_str)
            .chain([hr_header.as_str()]),
        fs,
    );
    let p_w = if has_p {
        max_width(p_text.iter().map(String::as_str).chain(["p"]), fs)
    } else {
        0.0
    };
    let n_w = if has_n {
        max_width(n_text.iter().map(String::as_str).chain([n_header]), fs)
    } else {
        0.0
    };
    // The counts are right-aligned at n_right.
    let n_right = pad + label_w + 1.5 * fs + n_w;
    let plot_left = if has_n { n_right } else { pad + label_w } + 1.5 * fs;
    let p_right = w - pad;
    let hr_x = p_right - p_w - if has_p { 1.5 * fs } else { 0.0 } - hr_w;
    let plot_right = hr_x - 1.5 * fs;
    if plot_right - plot_left < 6.0 * fs {
        return Err(PlotError::TooSmall(format!(
            "{w} px leave {:.0} px for the plot between the labels and the numbers",
            (plot_right - plot_left).max(0.0)
        )));
    }

    // Vertical: title, header, rows, axis.
    let mut y = pad;
    let title_y = y + 1.3 * fs * 0.8;
    if opts.title.is_some() {
        y += 1.3 * fs * 1.2 + 0.5 * fs;
    }
    let header_y = y + 0.8 * fs;
    let rows_top = y + 1.6 * fs;
    let rows_bottom = rows_top + rows.len() as f64 * row_h;
    let axis_h = 0.4 * fs + 0.3 * fs + tick_fs + 0.5 * fs + fs + 0.2 * fs;
    let footnote_h = if opts.footnote.is_some() {
        1.6 * fs
    } else {
        0.0
    };
    let needed = rows_bottom + axis_h + footnote_h + pad;
    let h = opts.height.unwrap_or(needed.ceil());
    if h < needed {
        return Err(PlotError::TooSmall(format!(
            "{} rows need a height of at least {:.0} px, got {h}",
            rows.len(),
            needed.ceil()
        )));
    }

    // The log axis.
    let (lo, hi, ticks) = domain(rows, opts);
    let (llo, lhi) = (lo.log10(), hi.log10());
    let x_of = |v: f64| plot_left + (v.log10() - llo) / (lhi - llo) * (plot_right - plot_left);

    let mut svg = Svg::new(w, h);
    if let Some(t) = &opts.title {
        svg.text(pad, title_y, t, &TextStyle::new(1.3 * fs, Anchor::Start));
    }
    let head = TextStyle::new(fs, Anchor::Start);
    svg.group(&[("class", "forest-header".to_string())]);
    if !opts.label_header.is_empty() {
        svg.text(pad, header_y, &opts.label_header, &head);
    }
    if has_n {
        svg.text(
            n_right,
            header_y,
            n_header,
            &TextStyle::new(fs, Anchor::End),
        );
    }
    svg.text(hr_x, header_y, &hr_header, &head);
    if has_p {
        svg.text(p_right, header_y, "p", &TextStyle::new(fs, Anchor::End));
    }
    svg.line(
        pad,
        rows_top - 0.2 * fs,
        w - pad,
        rows_top - 0.2 * fs,
        "#B3B3B3",
        0.8,
    );
    svg.end_group();

    // Reference line at 1.
    let x1 = x_of(1.0);
    svg.el(
        "line",
        &[
            ("class", "forest-ref".to_string()),
            ("x1", n(x1)),
            ("y1", n(rows_top)),
            ("x2", n(x1)),
            ("y2", n(rows_bottom)),
            ("stroke", "#7F7F7F".to_string()),
            ("stroke-width", n(1.0)),
            ("stroke-dasharray", "4 3".to_string()),
        ],
    );

    // A line between the rows and the first summary row under them.
    if let Some(i) = rows.iter().position(|r| r.summary).filter(|&i| i > 0) {
        let y = rows_top + i as f64 * row_h;
        svg.el(
            "line",
            &[
                ("class", "forest-separator".to_string()),
                ("x1", n(pad)),
                ("y1", n(y)),
                ("x2", n(w - pad)),
                ("y2", n(y)),
                ("stroke", "#B3B3B3".to_string()),
                ("stroke-width", n(0.8)),
            ],
        );
    }

    let colour = opts.colour.as_str();
    let half = 0.3 * fs;
    for (i, r) in rows.iter().enumerate() {
        let yc = rows_top + (i as f64 + 0.5) * row_h;
        let base = yc + 0.35 * fs;
        if r.note.is_some() {
            svg.group(&[
                ("class", "forest-row".to_string()),
                ("data-row", i.to_string()),
                ("data-note", hr_text[i].clone()),
            ]);
            svg.text(pad, base, &r.label, &head);
            if has_n {
                svg.text(n_right, base, &n_text[i], &TextStyle::new(fs, Anchor::End));
            }
            // No p-value either: the Wald test of an infinite coefficient means nothing.
            svg.text(hr_x, base, &hr_text[i], &head);
            svg.end_group();
            continue;
        }
        let mut attrs = vec![
            ("class", "forest-row".to_string()),
            ("data-row", i.to_string()),
            ("data-estimate", exact(r.estimate)),
            ("data-lower", exact(r.lower)),
            ("data-upper", exact(r.upper)),
        ];
        if r.summary {
            attrs.push(("data-summary", "true".to_string()));
        }
        svg.group(&attrs);
        svg.text(pad, base, &r.label, &head);
        if has_n {
            svg.text(n_right, base, &n_text[i], &TextStyle::new(fs, Anchor::End));
        }
        // The interval, clamped to the axis, with an arrow where it goes beyond.
        let (a, b) = (r.lower.max(lo), r.upper.min(hi));
        let in_range = (lo..=hi).contains(&r.estimate);
        let diamond = r.summary && in_range;
        if a < b && !diamond {
            svg.line(x_of(a), yc, x_of(b), yc, colour, 1.4);
        }
        let mut arrows = PathData::default();
        if r.lower < lo {
            let x = x_of(lo);
            arrows.move_to(x + 0.5 * fs, yc - half);
            arrows.line_to(x, yc);
            arrows.line_to(x + 0.5 * fs, yc + half);
        }
        if r.upper > hi {
            let x = x_of(hi);
            arrows.move_to(x - 0.5 * fs, yc - half);
            arrows.line_to(x, yc);
            arrows.line_to(x - 0.5 * fs, yc + half);
        }
        if !arrows.is_empty() {
            svg.el(
                "path",
                &[
                    ("d", arrows.into_string()),
                    ("fill", "none".to_string()),
                    ("stroke", colour.to_string()),
                    ("stroke-width", n(1.4)),
                ],
            );
        }
        if diamond {
            // Left and right tips at the (clamped) limits, top and bottom at the estimate.
            let x = x_of(r.estimate);
            let tall = 0.45 * fs;
            let mut d = PathData::default();
            d.move_to(x_of(a), yc);
            d.line_to(x, yc - tall);
            d.line_to(x_of(b), yc);
            d.line_to(x, yc + tall);
            d.close();
            svg.el(
                "path",
                &[
                    ("class", "forest-diamond".to_string()),
                    ("d", d.into_string()),
                    ("fill", colour.to_string()),
                ],
            );
        } else if in_range {
            let x = x_of(r.estimate);
            svg.el(
                "rect",
                &[
                    ("x", n(x - half)),
                    ("y", n(yc - half)),
                    ("width", n(2.0 * half)),
                    ("height", n(2.0 * half)),
                    ("fill", colour.to_string()),
                ],
            );
        }
        svg.text(hr_x, base, &hr_text[i], &head);
        if has_p {
            svg.text(p_right, base, &p_text[i], &TextStyle::new(fs, Anchor::End));
        }
        svg.end_group();
    }

    // x axis.
    svg.group(&[("class", "axes".to_string())]);
    let ay = rows_bottom + 0.2 * fs;
    svg.line(plot_left, ay, plot_right, ay, "#000000", 1.0);
    let tick = TextStyle::new(tick_fs, Anchor::Middle);
    for &t in &ticks {
        let x = x_of(t);
        svg.el(
            "line",
            &[
                ("class", "forest-tick".to_string()),
                ("data-value", exact(t)),
                ("x1", n(x)),
                ("y1", n(ay)),
                ("x2", n(x)),
                ("y2", n(ay + 0.4 * fs)),
                ("stroke", "#000000".to_string()),
                ("stroke-width", n(1.0)),
            ],
        );
        svg.text(x, ay + 0.7 * fs + 0.8 * tick_fs, &log_tick_label(t), &tick);
    }
    svg.text(
        (plot_left + plot_right) / 2.0,
        ay + 0.7 * fs + tick_fs + 0.5 * fs + 0.8 * fs,
        &opts.xlab,
        &TextStyle::new(fs, Anchor::Middle),
    );
    svg.end_group();
    if let Some(note) = &opts.footnote {
        let y = ay + 0.7 * fs + tick_fs + 0.5 * fs + fs + 0.2 * fs + 1.2 * fs;
        svg.text(pad, y, note, &TextStyle::new(fs, Anchor::Start));
    }
    Ok(svg.finish())
}

/// "120 / 45", "120" or "" from a row's counts.
fn count_text(r: &ForestRow) -> String {
    match (r.n, r.events) {
        (Some(n), Some(e)) => format!("{n} / {e}"),
        (Some(n), None) => n.to_string(),
        (None, Some(e)) => format!("– / {e}"),
        (None, None) => String::new(),
    }
}

/// The shortest text that parses back to `v` exactly (for `data-*` attributes that tests read back).
fn exact(v: f64) -> String {
    format!("{v:?}")
}

/// The axis range and its ticks: from xlim, else the ticks around every finite limit, estimate and 1.
fn domain(rows: &[ForestRow], opts: &ForestOptions) -> (f64, f64, Vec<f64>) {
    if let Some((a, b)) = opts.xlim {
        let ticks: Vec<f64> = log_ticks(a, b)
            .into_iter()
            .filter(|&t| t >= a * (1.0 - 1e-12) && t <= b * (1.0 + 1e-12))
            .collect();
        return (a, b, ticks);
    }
    let mut lo = 1.0f64;
    let mut hi = 1.0f64;
    for r in rows.iter().filter(|r| r.note.is_none()) {
        for v in [r.lower, r.estimate, r.upper] {
            if v.is_finite() && v > 0.0 {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    // Beyond a thousandfold either way a plot of hazard ratios says nothing more: intervals end in arrows.
    let (lo, hi) = (lo.max(1e-3), hi.min(1e3));
    let ticks = log_ticks(lo, hi);
    (ticks[0], *ticks.last().unwrap_or(&hi), ticks)
}

fn check(rows: &[ForestRow], opts: &ForestOptions) -> Result<()> {
    for (i, r) in rows.iter().enumerate().filter(|(_, r)| r.note.is_none()) {
        let bad = |reason: String| {
            Err(PlotError::InvalidForestRow {
                row: i,
                label: r.label.clone(),
                reason,
            })
        };
        if !(r.estimate.is_finite() && r.estimate > 0.0) {
            return bad(format!(
                "estimate {} is not a positive finite ratio (pass exp(coef), not coef)",
                r.estimate
            ));
        }
        if r.lower.is_nan() || r.upper.is_nan() || r.lower < 0.0 {
            return bad(format!(
                "interval ({}, {}) has a missing or negative limit",
                r.lower, r.upper
            ));
        }
        let tol = 1e-9 * r.estimate;
        if r.lower > r.estimate + tol || r.upper < r.estimate - tol {
            return bad(format!(
                "interval ({}, {}) does not contain the estimate {}",
                r.lower, r.upper, r.estimate
            ));
        }
        if let Some(p) = r.p_value {
            if !(0.0..=1.0).contains(&p) {
                return bad(format!("p-value {p} is outside [0, 1]"));
            }
        }
    }
    let bad =
        |option: &'static str, reason: String| Err(PlotError::InvalidOption { option, reason });
    if let Some((a, b)) = opts.xlim {
        if !(a > 0.0 && b > a && b.is_finite()) {
            return bad(
                "xlim",
                format!("({a}, {b}) must satisfy 0 < min < max < infinity"),
            );
        }
    }
    if !(opts.ci_level > 0.0 && opts.ci_level < 1.0) {
        return bad("ci_level", format!("{} is not in (0, 1)", opts.ci_level));
    }
    if !(100.0..=10_000.0).contains(&opts.width) {
        return bad(
            "width",
            format!("{} px is outside 100 to 10000", opts.width),
        );
    }
    if let Some(h) = opts.height {
        if !(100.0..=10_000.0).contains(&h) {
            return bad("height", format!("{h} px is outside 100 to 10000"));
        }
    }
    if !(4.0..=72.0).contains(&opts.font_size) {
        return bad(
            "font_size",
            format!("{} px is outside 4 to 72", opts.font_size),
        );
    }
    palette::validate(std::slice::from_ref(&opts.colour))
}
