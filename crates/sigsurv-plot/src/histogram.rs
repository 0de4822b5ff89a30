//! Histograms of a score with its cut-points drawn: how a signature score is distributed and where the
//! groups were split.

use crate::axes::{linear_axes, Panel};
use crate::error::{PlotError, Result};
use crate::palette;
use crate::scale::{decimals_for, nice_step, tick_label};
use crate::svg::{n, Anchor, Svg, TextStyle};
use crate::text::{max_width, text_width};

/// Options of [`histogram_svg`]. Sizes are in px of the SVG (CSS px, 1/96 inch).
#[derive(Clone, Debug)]
pub struct HistogramOptions {
    /// Title above the figure (default none).
    pub title: Option<String>,
    /// x-axis title (default "Score").
    pub xlab: String,
    /// y-axis title (default "Patients").
    pub ylab: String,
    /// Number of bins wanted; default Sturges' ⌈log2 n + 1⌉. The bins have a "nice" width (1, 2, 2.5 or 5 ×
    /// 10^k), so the count drawn can differ slightly, as with R's `pretty`.
    pub bins: Option<usize>,
    /// Fill of the bars (default light grey).
    pub fill: String,
    /// Colour of the cut-point lines and their labels (default Okabe-Ito vermillion).
    pub cut_colour: String,
    /// Figure width in px (default 720).
    pub width: f64,
    /// Figure height in px (default 360).
    pub height: f64,
    /// Resolution for PNG output (default 300); pass it to [`crate::save`].
    pub dpi: f64,
    /// Base font size in px (default 13).
    pub font_size: f64,
}

impl Default for HistogramOptions {
    fn default() -> Self {
        HistogramOptions {
            title: None,
            xlab: "Score".to_string(),
            ylab: "Patients".to_string(),
            bins: None,
            fill: "#BFBFBF".to_string(),
            cut_colour: "#D55E00".to_string(),
            width: 720.0,
            height: 360.0,
            dpi: 300.0,
            font_size: 13.0,
        }
    }
}

/// The bins of a histogram: breaks `start + i·step` (i = 0..=counts.len()) and the count of each bin.
#[derive(Clone, Debug, PartialEq)]
pub struct Bins {
    pub breaks: Vec<f64>,
    pub counts: Vec<usize>,
}

/// Bins `values` into about `target` bins of a nice width, right-closed as R's `hist` (the first bin also
/// holds its left end).
///
/// # Formula
/// step = the 1-2-2.5-5 × 10^k width nearest to (max − min) / target; breaks from ⌊min/step⌋·step to
/// ⌈max/step⌉·step; value v goes to bin i with b_i < v ≤ b_{i+1} (v = b_0 to bin 0). All values equal: one
/// bin of width 1 (or |v|/10) centred on them.
///
/// # R equivalent
/// `hist(x, breaks = "Sturges", right = TRUE, include.lowest = TRUE, plot = FALSE)`, whose breaks come from
/// `pretty(range(x), nclass.Sturges(x))`; `pretty` uses 1-2-5 steps where we also allow 2.5, so the breaks
/// can differ.
pub fn histogram_bins(values: &[f64], target: usize) -> Bins {
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if values.is_empty() {
        return Bins {
            breaks: vec![0.0, 1.0],
            counts: vec![0],
        };
    }
    if hi <= lo {
        let half = if lo == 0.0 { 0.5 } else { lo.abs() / 20.0 };
        return Bins {
            breaks: vec![lo - half, lo + half],
            counts: vec![values.len()],
        };
    }
    let step = nice_step(hi - lo, target.max(1) as f64);
    let first = (lo / step).floor();
    let count = ((hi / step).ceil() - first).max(1.0) as usize;
    // Each break as (first + i)·step, so that rounding does not accumulate.
    let breaks: Vec<f64> = (0..=count).map(|i| (first + i as f64) * step).collect();
    let mut counts = vec![0; count];
    for &v in values {
        let i = breaks.partition_point(|&b| b < v).saturating_sub(1);
        counts[i.min(count - 1)] += 1;
    }
    Bins { breaks, counts }
}

/// Draws a histogram of `values` with dashed vertical lines at `cuts`, each labelled with its value.
///
/// # Formula
/// Bars from [`histogram_bins`] with Sturges' number of bins ⌈log2 n + 1⌉ (or `opts.bins`), heights the
/// counts; cut-points outside the bins widen the axis to show them.
///
/// # Reference
/// Sturges (1926), "The choice of a class interval", JASA 21:65-66.
///
/// # R equivalent
/// `hist(score); abline(v = cuts, lty = 2)` (see [`histogram_bins`] for the breaks).
///
/// # Errors
/// [`PlotError::Nothing`] without values; [`PlotError::InvalidOption`] for a non-finite value or cut-point,
/// 0 bins, a size outside [100, 10000] px, a font size outside [4, 72] or a bad colour;
/// [`PlotError::TooSmall`] when the text leaves no room for the bars.
pub fn histogram_svg(values: &[f64], cuts: &[f64], opts: &HistogramOptions) -> Result<String> {
    check(values, cuts, opts)?;
    let target = opts
        .bins
        .unwrap_or_else(|| ((values.len() as f64).log2() + 1.0).ceil() as usize);
    let bins = histogram_bins(values, target);
    let fs = opts.font_size;
    let tick_fs = 0.9 * fs;
    let pad = fs;
    let (w, h) = (opts.width, opts.height);

    // x range: the bins, widened to any cut-point outside them.
    let mut x0 = bins.breaks[0];
    let mut x1 = *bins.breaks.last().unwrap_or(&x0);
    for &c in cuts {
        x0 = x0.min(c);
        x1 = x1.max(c);
    }
    let xstep = nice_step(x1 - x0, 5.0);
    let xticks: Vec<f64> = ((x0 / xstep - 1e-9).ceil() as i64..=(x1 / xstep + 1e-9).floor() as i64)
        .map(|i| i as f64 * xstep)
        .collect();
    let xd = decimals_for(xstep);

    // y range: counts, with integer ticks.
    let max_count = bins.counts.iter().copied().max().unwrap_or(0).max(1);
    let ystep = nice_step(max_count as f64, 4.0).max(1.0).ceil();
    let ymax = (max_count as f64 / ystep).ceil() * ystep;
    let yticks: Vec<f64> = (0..=(ymax / ystep) as usize)
        .map(|i| i as f64 * ystep)
        .collect();

    // Cut labels, staggered on two lines when neighbours would overlap.
    let cut_text: Vec<String> = cuts.iter().map(|&c| cut_label(c)).collect();

    // Margins.
    let title_h = if opts.title.is_some() {
        1.3 * fs * 1.2 + 0.5 * fs
    } else {
        0.0
    };
    let cut_h = if cuts.is_empty() {
        0.0
    } else {
        2.0 * 1.2 * tick_fs + 0.3 * fs
    };
    let ylabels: Vec<String> = yticks.iter().map(|v| format!("{v:.0}")).collect();
    let ylabels_w = max_width(ylabels.iter().map(String::as_str), tick_fs);
    let left = pad + 1.2 * fs + 0.5 * fs + ylabels_w + 0.3 * fs + 0.4 * fs;
    let right = w - pad - 0.5 * text_width(&tick_label(*xticks.last().unwrap_or(&x1), xd), tick_fs);
    let top = pad + title_h + cut_h;
    let bottom = h - pad - 1.2 * fs - 0.5 * fs - tick_fs - 0.3 * fs - 0.4 * fs;
    if right - left < 8.0 * fs || bottom - top < 4.0 * fs {
        return Err(PlotError::TooSmall(format!(
            "{w} x {h} px leave {:.0} x {:.0} px for the bars",
            (right - left).max(0.0),
            (bottom - top).max(0.0)
        )));
    }
    let x_of = |v: f64| left + (v - x0) / (x1 - x0) * (right - left);
    let y_of = |c: f64| bottom - c / ymax * (bottom - top);

    let mut svg = Svg::new(w, h);
    if let Some(t) = &opts.title {
        svg.text(
            pad,
            pad + 1.3 * fs * 0.8,
            t,
            &TextStyle::new(1.3 * fs, Anchor::Start),
        );
    }
    svg.group(&[("class", "hist-bars".to_string())]);
    for (i, &c) in bins.counts.iter().enumerate() {
        let (a, b) = (bins.breaks[i], bins.breaks[i + 1]);
        svg.el(
            "rect",
            &[
                ("class", "hist-bar".to_string()),
                ("data-lo", format!("{a}")),
                ("data-hi", format!("{b}")),
                ("data-count", c.to_string()),
                ("x", n(x_of(a))),
                ("y", n(y_of(c as f64))),
                ("width", n(x_of(b) - x_of(a))),
                ("height", n(y_of(0.0) - y_of(c as f64))),
                ("fill", opts.fill.clone()),
                ("stroke", "#FFFFFF".to_string()),
                ("stroke-width", n(0.8)),
            ],
        );
    }
    svg.end_group();

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

    // Cut-points.
    svg.group(&[("class", "hist-cuts".to_string())]);
    let mut line_end = [f64::NEG_INFINITY; 2];
    for (&c, label) in cuts.iter().zip(&cut_text) {
        let x = x_of(c);
        svg.el(
            "line",
            &[
                ("class", "hist-cut".to_string()),
                ("data-value", format!("{c}")),
                ("x1", n(x)),
                ("y1", n(top - 0.2 * fs)),
                ("x2", n(x)),
                ("y2", n(bottom)),
                ("stroke", opts.cut_colour.clone()),
                ("stroke-width", n(1.5)),
                ("stroke-dasharray", "5 3".to_string()),
            ],
        );
        let half = text_width(label, tick_fs) / 2.0 + 0.3 * fs;
        let row = if x - half > line_end[0] { 0 } else { 1 };
        line_end[row] = x + half;
        let mut style = TextStyle::new(tick_fs, Anchor::Middle);
        style.fill = &opts.cut_colour;
        let y = top - 0.4 * fs - (1 - row) as f64 * 1.2 * tick_fs;
        svg.text(x, y, label, &style);
    }
    svg.end_group();
    Ok(svg.finish())
}

/// A cut-point for its label: four significant digits, no trailing zeros.
fn cut_label(c: f64) -> String {
    if c == 0.0 {
        return "0".to_string();
    }
    let d = (3 - c.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{c:.d$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

fn check(values: &[f64], cuts: &[f64], opts: &HistogramOptions) -> Result<()> {
    if values.is_empty() {
        return Err(PlotError::Nothing("no values to draw a histogram of"));
    }
    let bad =
        |option: &'static str, reason: String| Err(PlotError::InvalidOption { option, reason });
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return bad(
            "values",
            format!("value {} at {i} is not finite", values[i]),
        );
    }
    if let Some(c) = cuts.iter().find(|c| !c.is_finite()) {
        return bad("cuts", format!("cut-point {c} is not finite"));
    }
    if opts.bins == Some(0) {
        return bad("bins", "must be at least 1".to_string());
    }
    for (name, v) in [("width", opts.width), ("height", opts.height)] {
        if !(100.0..=10_000.0).contains(&v) {
            return bad(name, format!("{v} px is outside 100 to 10000"));
        }
    }
    if !(4.0..=72.0).contains(&opts.font_size) {
        return bad(
            "font_size",
            format!("{} px is outside 4 to 72", opts.font_size),
        );
    }
    palette::validate(&[opts.fill.clone(), opts.cut_colour.clone()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_right_closed_and_nice() {
        let b = histogram_bins(&[0.0, 0.5, 1.0, 1.2, 2.0, 3.9], 4);
        assert_eq!(b.breaks, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        // (0, 1] holds 0 (the lowest), 0.5 and 1; (1, 2] holds 1.2 and 2.
        assert_eq!(b.counts, vec![3, 2, 0, 1]);
        let b = histogram_bins(&[-1.3, 0.2, 0.7], 2);
        assert_eq!(b.counts.iter().sum::<usize>(), 3);
        assert!(b.breaks[0] <= -1.3 && *b.breaks.last().unwrap() >= 0.7);
    }

    #[test]
    fn constant_values_get_one_bin() {
        let b = histogram_bins(&[2.0, 2.0], 3);
        assert_eq!(b.counts, vec![2]);
        assert!(b.breaks[0] < 2.0 && b.breaks[1] > 2.0);
        assert!(histogram_svg(&[0.0; 5], &[0.0], &HistogramOptions::default()).is_ok());
    }

    #[test]
    fn cut_labels() {
        assert_eq!(cut_label(0.123456), "0.1235");
        assert_eq!(cut_label(-12.5), "-12.5");
        assert_eq!(cut_label(1234.0), "1234");
        assert_eq!(cut_label(0.0), "0");
    }

    #[test]
    fn bad_input_is_an_error() {
        let o = HistogramOptions::default();
        assert!(matches!(
            histogram_svg(&[], &[], &o),
            Err(PlotError::Nothing(_))
        ));
        assert!(histogram_svg(&[1.0, f64::NAN], &[], &o).is_err());
        assert!(histogram_svg(&[1.0, 2.0], &[f64::INFINITY], &o).is_err());
        let tiny = HistogramOptions {
            width: 100.0,
            font_size: 40.0,
            ..o
        };
        assert!(matches!(
            histogram_svg(&[1.0, 2.0], &[], &tiny),
            Err(PlotError::TooSmall(_))
        ));
    }
}
