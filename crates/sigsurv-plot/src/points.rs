//! Points with confidence intervals on linear axes, optionally joined and with the diagonal y = x: the
//! time-dependent AUC against time, and a calibration plot of observed against predicted survival.

use crate::axes::{linear_axes, Panel};
use crate::error::{PlotError, Result};
use crate::palette;
use crate::scale::{decimals_for, nice_step, tick_label};
use crate::svg::{n, Anchor, Svg, TextStyle};
use crate::text::{max_width, text_width};

/// One series: points (x, y) with optional interval limits of y.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PointSeries {
    /// Legend label (empty: no legend entry).
    pub name: String,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
    /// Join the points by lines, in x order.
    pub joined: bool,
    /// Draw only the joining line, without a dot at each point (a coefficient path's many series).
    pub line_only: bool,
}

/// Options of [`points_svg`]. Sizes are in px of the SVG (CSS px, 1/96 inch).
#[derive(Clone, Debug)]
pub struct PointsOptions {
    pub title: Option<String>,
    pub xlab: String,
    pub ylab: String,
    /// Axis ranges; default from the data (and 0..1 for both with `diagonal`).
    pub xlim: Option<(f64, f64)>,
    pub ylim: Option<(f64, f64)>,
    /// A dashed reference line y = x (calibration), or a horizontal line at this y (AUC 0.5).
    pub diagonal: bool,
    pub hline: Option<f64>,
    /// Dashed vertical lines at these x values (a CV curve's lambda.min and lambda.1se).
    pub vlines: Vec<f64>,
    /// Series colours (default Okabe-Ito).
    pub palette: Vec<String>,
    pub width: f64,
    pub height: f64,
    pub dpi: f64,
    pub font_size: f64,
}

impl Default for PointsOptions {
    fn default() -> Self {
        PointsOptions {
            title: None,
            xlab: String::new(),
            ylab: String::new(),
            xlim: None,
            ylim: None,
            diagonal: false,
            hline: None,
            vlines: Vec::new(),
            palette: Vec::new(),
            width: 600.0,
            height: 500.0,
            dpi: 300.0,
            font_size: 13.0,
        }
    }
}

/// Draws the series: each point a dot with a vertical interval bar, joined when asked, in the series' colour,
/// with a legend of the named series above the panel.
///
/// # Errors
/// [`PlotError::Nothing`] without any finite point; [`PlotError::InvalidOption`] for lengths that differ, a size
/// outside [100, 10000] px, a font size outside [4, 72] or a bad colour; [`PlotError::TooSmall`] when the text
/// leaves no room for the panel.
pub fn points_svg(series: &[PointSeries], opts: &PointsOptions) -> Result<String> {
    let bad = |option: &'static str, reason: String| PlotError::InvalidOption { option, reason };
    for s in series {
        if s.y.len() != s.x.len() || s.lower.len() != s.x.len() || s.upper.len() != s.x.len() {
            return Err(bad(
                "series",
                format!("{}: x, y and limits of different lengths", s.name),
            ));
        }
    }
    if !(100.0..=10_000.0).contains(&opts.width) || !(100.0..=10_000.0).contains(&opts.height) {
        return Err(bad(
            "width",
            format!(
                "{} x {} px is outside 100 to 10000",
                opts.width, opts.height
            ),
        ));
    }
    if !(4.0..=72.0).contains(&opts.font_size) {
        return Err(bad(
            "font_size",
            format!("{} is outside 4 to 72", opts.font_size),
        ));
    }
    palette::validate(&opts.palette)?;
    let finite = |v: &f64| v.is_finite();
    let xs: Vec<f64> = series
        .iter()
        .flat_map(|s| s.x.iter().copied())
        .filter(finite)
        .collect();
    let ys: Vec<f64> = series
        .iter()
        .flat_map(|s| {
            s.y.iter()
                .copied()
                .chain(s.lower.iter().flatten().copied())
                .chain(s.upper.iter().flatten().copied())
        })
        .filter(finite)
        .collect();
    if xs.is_empty() || ys.is_empty() {
        return Err(PlotError::Nothing("no finite point to draw"));
    }
    let range = |v: &[f64]| {
        v.iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            })
    };
    let (mut x0, mut x1) = opts.xlim.unwrap_or_else(|| range(&xs));
    let (mut y0, mut y1) = opts.ylim.unwrap_or_else(|| range(&ys));
    if opts.diagonal && opts.xlim.is_none() && opts.ylim.is_none() {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    if let Some(h) = opts.hline {
        y0 = y0.min(h);
        y1 = y1.max(h);
    }
    if x1 <= x0 {
        (x0, x1) = (x0 - 0.5, x1 + 0.5);
    }
    if y1 <= y0 {
        (y0, y1) = (y0 - 0.05, y1 + 0.05);
    }
    let ticks = |a: f64, b: f64| -> (Vec<f64>, usize, f64, f64) {
        let step = nice_step(b - a, 5.0);
        let lo = (a / step).floor() * step;
        let hi = (b / step).ceil() * step;
        let k = ((hi - lo) / step).round() as usize;
        (
            (0..=k).map(|i| lo + i as f64 * step).collect(),
            decimals_for(step),
            lo,
            hi,
        )
    };
    let (xticks, xd, x0, x1) = ticks(x0, x1);
    let (yticks, yd, y0, y1) = ticks(y0, y1);

    let fs = opts.font_size;
    let tick_fs = 0.9 * fs;
    let pad = fs;
    let (w, h) = (opts.width, opts.height);
    let title_h = if opts.title.is_some() {
        1.3 * fs * 1.2 + 0.5 * fs
    } else {
        0.0
    };
    let named: Vec<(usize, &PointSeries)> = series
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.name.is_empty())
        .collect();
    let legend_h = if named.is_empty() { 0.0 } else { 1.6 * fs };
    let ylabels: Vec<String> = yticks.iter().map(|v| tick_label(*v, yd)).collect();
    let left = pad
        + 1.2 * fs
        + 0.5 * fs
        + max_width(ylabels.iter().map(String::as_str), tick_fs)
        + 0.7 * fs;
    let right = w - pad - 0.5 * text_width(&tick_label(*xticks.last().unwrap_or(&x1), xd), tick_fs);
    let top = pad + title_h + legend_h + 0.5 * fs;
    let bottom = h - pad - 1.2 * fs - 0.5 * fs - tick_fs - 0.7 * fs;
    if right - left < 6.0 * fs || bottom - top < 4.0 * fs {
        return Err(PlotError::TooSmall(format!(
            "{w} x {h} px leave {:.0} x {:.0} px for the panel",
            (right - left).max(0.0),
            (bottom - top).max(0.0)
        )));
    }
    let x_of = |v: f64| left + (v - x0) / (x1 - x0) * (right - left);
    let y_of = |v: f64| bottom - (v - y0) / (y1 - y0) * (bottom - top);

    let mut svg = Svg::new(w, h);
    if let Some(t) = &opts.title {
        svg.text(
            pad,
            pad + 1.3 * fs * 0.8,
            t,
            &TextStyle::new(1.3 * fs, Anchor::Start),
        );
    }
    // Legend.
    let mut lx = left;
    let ly = pad + title_h + 0.8 * fs;
    for (i, s) in &named {
        let colour = palette::colour(&opts.palette, *i);
        svg.line(
            lx,
            ly - 0.3 * fs,
            lx + 1.6 * fs,
            ly - 0.3 * fs,
            &colour,
            2.0,
        );
        svg.text(
            lx + 2.0 * fs,
            ly,
            &s.name,
            &TextStyle::new(fs, Anchor::Start),
        );
        lx += 2.0 * fs + text_width(&s.name, fs) + 1.2 * fs;
    }
    // Reference lines.
    const GREY: &str = "#999999";
    let dashed = |svg: &mut Svg, a: (f64, f64), b: (f64, f64)| {
        svg.el(
            "line",
            &[
                ("class", "points-reference".to_string()),
                ("x1", n(a.0)),
                ("y1", n(a.1)),
                ("x2", n(b.0)),
                ("y2", n(b.1)),
                ("stroke", GREY.to_string()),
                ("stroke-width", n(1.0)),
                ("stroke-dasharray", "5 3".to_string()),
            ],
        );
    };
    if opts.diagonal {
        let (lo, hi) = (x0.max(y0), x1.min(y1));
        if hi > lo {
            dashed(&mut svg, (x_of(lo), y_of(lo)), (x_of(hi), y_of(hi)));
        }
    }
    if let Some(hv) = opts.hline {
        dashed(&mut svg, (left, y_of(hv)), (right, y_of(hv)));
    }
    for &v in opts
        .vlines
        .iter()
        .filter(|v| v.is_finite() && (x0..=x1).contains(*v))
    {
        dashed(&mut svg, (x_of(v), top), (x_of(v), bottom));
    }
    // Series.
    for (i, s) in series.iter().enumerate() {
        let colour = palette::colour(&opts.palette, i);
        svg.group(&[
            ("class", "points-series".to_string()),
            ("data-name", s.name.clone()),
        ]);
        let mut order: Vec<usize> = (0..s.x.len())
            .filter(|&k| s.x[k].is_finite() && s.y[k].is_finite())
            .collect();
        order.sort_by(|&a, &b| s.x[a].total_cmp(&s.x[b]));
        if s.joined && order.len() > 1 {
            let d: Vec<String> = order
                .iter()
                .enumerate()
                .map(|(j, &k)| {
                    format!(
                        "{}{} {}",
                        if j == 0 { "M" } else { "L" },
                        n(x_of(s.x[k])),
                        n(y_of(s.y[k]))
                    )
                })
                .collect();
            svg.el(
                "path",
                &[
                    ("d", d.join(" ")),
                    ("fill", "none".to_string()),
                    ("stroke", colour.clone()),
                    ("stroke-width", n(1.5)),
                ],
            );
        }
        for &k in order.iter().filter(|_| !s.line_only) {
            let x = x_of(s.x[k]);
            if let (Some(lo), Some(hi)) = (s.lower[k], s.upper[k]) {
                if lo.is_finite() && hi.is_finite() {
                    svg.line(x, y_of(lo), x, y_of(hi), &colour, 1.2);
                    svg.line(x - 0.3 * fs, y_of(lo), x + 0.3 * fs, y_of(lo), &colour, 1.2);
                    svg.line(x - 0.3 * fs, y_of(hi), x + 0.3 * fs, y_of(hi), &colour, 1.2);
                }
            }
            svg.el(
                "circle",
                &[
                    ("class", "points-point".to_string()),
                    ("data-x", format!("{}", s.x[k])),
                    ("data-y", format!("{}", s.y[k])),
                    ("cx", n(x)),
                    ("cy", n(y_of(s.y[k]))),
                    ("r", n(0.3 * fs)),
                    ("fill", colour.clone()),
                ],
            );
        }
        svg.end_group();
    }
    // Axes.
    let panel = Panel {
        left,
        right,
        top,
        bottom,
        height: h,
        pad,
        font_size: fs,
    };
    let xt: Vec<(f64, String)> = xticks
        .iter()
        .map(|&t| (x_of(t), tick_label(t, xd)))
        .collect();
    let yt: Vec<(f64, String)> = yticks
        .iter()
        .zip(&ylabels)
        .map(|(&t, l)| (y_of(t), l.clone()))
        .collect();
    linear_axes(&mut svg, &panel, &xt, &yt, &opts.xlab, &opts.ylab);
    Ok(svg.finish())
}
