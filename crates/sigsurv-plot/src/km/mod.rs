//! Kaplan-Meier figures: curves per group, censoring marks, confidence bands, median lines, a number-at-risk
//! table aligned with the x axis, legend, annotations and digitised published curves.

mod draw;
mod layout;

use crate::error::{PlotError, Result};
use crate::palette;
use crate::scale::{linear_ticks, nice_step};
use crate::svg::Svg;
use sigsurv_core::km::KmCurve;

/// One curve to draw: its label and the Kaplan-Meier estimate.
#[derive(Clone, Debug)]
pub struct PlotGroup {
    /// Legend and risk-table label (e.g. the level of the grouping column).
    pub name: String,
    pub curve: KmCurve,
}

/// A published curve, digitised (e.g. with WebPlotDigitizer), drawn dashed over the reproduced curve of the
/// group with the same name, in that group's colour.
#[derive(Clone, Debug, PartialEq)]
pub struct OverlayCurve {
    /// Name of the plotted group it belongs to.
    pub group: String,
    /// Times of the digitised points (any order; sorted before drawing).
    pub time: Vec<f64>,
    /// Survival probabilities at those times, in [0, 1] (digitising noise up to 0.02 outside is clamped).
    pub surv: Vec<f64>,
}

/// What the y axis shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fun {
    /// S(t), falling from 1 (R: `plot(fit)`, survminer's default).
    #[default]
    Surv,
    /// The cumulative event probability 1 − S(t), rising from 0; the confidence band flips to
    /// [1 − upper, 1 − lower] (R: `plot(fit, fun = "event")`, `ggsurvplot(fun = "event")`).
    Event,
}

/// Options of [`km_plot`] / [`km_svg`]. Sizes are in px of the SVG (CSS px, 1/96 inch).
#[derive(Clone, Debug)]
pub struct KmPlotOptions {
    /// Title above the figure (default none).
    pub title: Option<String>,
    /// x-axis title; default "Time", or "Time (unit)" with `time_unit`.
    pub xlab: Option<String>,
    /// y-axis title; default "Survival probability" (or "Cumulative event probability" for [`Fun::Event`]).
    pub ylab: Option<String>,
    /// Unit of the time axis, shown in its title: Some("months") gives "Time (months)".
    pub time_unit: Option<String>,
    /// Survival or cumulative event probability (default [`Fun::Surv`]).
    pub fun: Fun,
    /// Draw the pointwise confidence band of each curve, stepped and translucent (default false).
    pub ci: bool,
    /// Mark censoring times with "+" on the curve (default true).
    pub censor_marks: bool,
    /// Dashed lines from the y axis at 0.5 to each group's median and down to the x axis (default false).
    pub median_lines: bool,
    /// Draw the number-at-risk table under the plot (default true).
    pub risk_table: bool,
    /// Distance between x-axis breaks (also the risk-table times); default a 1-2-2.5-5 step giving 5-6
    /// breaks.
    pub breaks: Option<f64>,
    /// End of the x axis; default the last time of any curve. Curves are cut there.
    pub xmax: Option<f64>,
    /// Title of the legend (e.g. the grouping column); default none.
    pub legend_title: Option<String>,
    /// Lines of text in the panel (e.g. "Log-rank p = 0.0034"), at the bottom left (top left for
    /// [`Fun::Event`]).
    pub annotations: Vec<String>,
    /// Digitised published curves to draw dashed over the reproduced ones.
    pub overlay: Vec<OverlayCurve>,
    /// Legend label of the overlay curves (default "Published (digitised)").
    pub overlay_label: String,
    /// Line colours as #rrggbb, cycled; empty (default) uses [`crate::DEFAULT_PALETTE`].
    pub palette: Vec<String>,
    /// Figure width in px (default 720, 7.5 in).
    pub width: f64,
    /// Figure height in px (default 600, 6.25 in; the risk table takes about 1.5 lines per group).
    pub height: f64,
    /// Resolution for PNG output (default 300); pass it to [`crate::save`]. The SVG does not depend on it.
    pub dpi: f64,
    /// Base font size in px (default 13; tick labels and the risk table use 0.9 of it).
    pub font_size: f64,
}

impl Default for KmPlotOptions {
    fn default() -> Self {
        KmPlotOptions {
            title: None,
            xlab: None,
            ylab: None,
            time_unit: None,
            fun: Fun::Surv,
            ci: false,
            censor_marks: true,
            median_lines: false,
            risk_table: true,
            breaks: None,
            xmax: None,
            legend_title: None,
            annotations: Vec::new(),
            overlay: Vec::new(),
            overlay_label: "Published (digitised)".to_string(),
            palette: Vec::new(),
            width: 720.0,
            height: 600.0,
            dpi: 300.0,
            font_size: 13.0,
        }
    }
}

/// The plotting panel of a Kaplan-Meier figure: its pixel frame and the data-to-pixel transform (the
/// risk table shares the x transform). Both axes are expanded by a small margin inside the frame, as
/// ggplot2 does, so lines at S = 1 or t = 0 do not sit on the axis lines.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Panel {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    /// Time at the end of the x axis.
    pub xmax: f64,
    pub fun: Fun,
}

/// Fraction of the panel width left empty at each end of the x axis.
const EXPAND_X: f64 = 0.02;
/// Fraction of the panel height left empty above 1 and below 0.
const EXPAND_Y: f64 = 0.03;

impl Panel {
    /// Pixel x of time `t`.
    pub fn x(&self, t: f64) -> f64 {
        let w = self.right - self.left;
        self.left + w * EXPAND_X + t / self.xmax * w * (1.0 - 2.0 * EXPAND_X)
    }

    /// Pixel y of a plotted value `v` (S for [`Fun::Surv`], 1 − S for [`Fun::Event`]).
    pub fn y(&self, v: f64) -> f64 {
        let h = self.bottom - self.top;
        self.bottom - h * EXPAND_Y - v * h * (1.0 - 2.0 * EXPAND_Y)
    }

    /// Pixel y of a survival probability, through `fun`.
    pub fn y_of_surv(&self, s: f64) -> f64 {
        self.y(self.value(s))
    }

    /// The plotted value of a survival probability.
    pub fn value(&self, s: f64) -> f64 {
        match self.fun {
            Fun::Surv => s,
            Fun::Event => 1.0 - s,
        }
    }
}

/// A drawn Kaplan-Meier figure: the SVG and the panel transform (for placing more marks, and for tests).
#[derive(Clone, Debug)]
pub struct KmPlot {
    pub svg: String,
    pub panel: Panel,
    /// The x-axis breaks (also the times of the risk table).
    pub breaks: Vec<f64>,
}

/// Draws Kaplan-Meier curves as an SVG figure; see [`km_plot`].
///
/// # Errors
/// As [`km_plot`].
pub fn km_svg(groups: &[PlotGroup], opts: &KmPlotOptions) -> Result<String> {
    km_plot(groups, opts).map(|p| p.svg)
}

/// Draws Kaplan-Meier curves as an SVG figure with a number-at-risk table, and returns the panel transform.
///
/// # Formula
/// Each curve is the right-continuous step function S(t) from (0, 1) through (t_i, S(t_i)), ending at its
/// last time (event or censoring); [`Fun::Event`] draws 1 − S. Bands are the stepped pointwise limits
/// `lower`/`upper` of the curve (gaps where a limit is NA). The risk table at break b shows
/// `curve.n_risk_at(b)`, the number with time ≥ b. Median lines go to `curve.median()`.
///
/// # Reference
/// Kaplan & Meier (1958); the layout follows Pocock, Clayton & Altman (2002), "Survival plots of
/// time-to-event outcomes in clinical trials", Lancet 359:1686-1689 (numbers at risk under the axis,
/// curves not extended past the follow-up, the y axis from 0 to 1).
///
/// # R equivalent
/// `survminer::ggsurvplot(fit, conf.int = ci, risk.table = TRUE, surv.median.line = "hv", break.time.by =
/// breaks, xlim = c(0, xmax), fun = NULL | "event", palette = ..., censor.shape = "+")`; the risk table
/// equals `summary(fit, times = breaks, extend = TRUE)$n.risk`. Differences: ggsurvplot draws curves
/// past `xlim` clipped by the panel, we cut them at xmax (the same picture).
///
/// # Errors
/// [`PlotError::Nothing`] without groups; [`PlotError::EmptyGroup`] for a curve with no time points;
/// [`PlotError::InvalidCurve`] for vectors of different lengths, non-finite/negative or unsorted times,
/// or S outside [0, 1]; [`PlotError::InvalidOption`] for breaks ≤ 0 (or giving over 60 breaks), a
/// non-positive xmax, a size outside [100, 10000] px, a font size outside [4, 72] or a bad colour;
/// [`PlotError::XmaxBeforeFirstTime`] when xmax is below every curve's first time;
/// [`PlotError::UnknownOverlayGroup`] / [`PlotError::InvalidOverlay`] for bad overlays;
/// [`PlotError::TooSmall`] when the text leaves no room for the panel.
pub fn km_plot(groups: &[PlotGroup], opts: &KmPlotOptions) -> Result<KmPlot> {
    check_options(opts)?;
    if groups.is_empty() {
        return Err(PlotError::Nothing("no groups were given"));
    }
    for g in groups {
        check_curve(g)?;
    }
    let overlays = draw::prepare_overlays(groups, &opts.overlay)?;
    let first = groups
        .iter()
        .map(|g| g.curve.time[0])
        .fold(f64::INFINITY, f64::min);
    let last = groups
        .iter()
        .map(|g| *g.curve.time.last().unwrap_or(&0.0))
        .fold(0.0, f64::max);
    let xmax = match opts.xmax {
        Some(x) if x < first => return Err(PlotError::XmaxBeforeFirstTime { xmax: x, first }),
        Some(x) => x,
        // All times 0: an axis of length 1 keeps the transform finite.
        None if last > 0.0 => last,
        None => 1.0,
    };
    let step = opts.breaks.unwrap_or_else(|| nice_step(xmax, 5.0));
    let count = (xmax / step).floor() + 1.0;
    if count > 60.0 {
        return Err(PlotError::InvalidOption {
            option: "breaks",
            reason: format!(
                "{step} gives {count} breaks up to {xmax}; use a larger step (at most 60 breaks)"
            ),
        });
    }
    let breaks = linear_ticks(xmax, step);
    let lay = layout::Layout::new(groups, opts, xmax, &breaks, step)?;
    let panel = lay.panel;
    let mut svg = Svg::new(opts.width, opts.height);
    let colours: Vec<String> = (0..groups.len())
        .map(|i| palette::colour(&opts.palette, i))
        .collect();
    draw::panel_content(&mut svg, &panel, groups, &overlays, &colours, opts);
    draw::axes(&mut svg, &lay, &breaks, step, opts);
    draw::legend(&mut svg, &lay, &colours);
    draw::annotations(&mut svg, &lay, opts);
    if opts.risk_table {
        draw::risk_table(&mut svg, &lay, groups, &colours, &breaks);
    }
    Ok(KmPlot {
        svg: svg.finish(),
        panel,
        breaks,
    })
}

fn check_options(opts: &KmPlotOptions) -> Result<()> {
    let bad =
        |option: &'static str, reason: String| Err(PlotError::InvalidOption { option, reason });
    if let Some(b) = opts.breaks {
        if !(b.is_finite() && b > 0.0) {
            return bad("breaks", format!("{b} must be a positive time step"));
        }
    }
    if let Some(x) = opts.xmax {
        if !(x.is_finite() && x > 0.0) {
            return bad("xmax", format!("{x} must be a positive time"));
        }
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
    palette::validate(&opts.palette)
}

fn check_curve(g: &PlotGroup) -> Result<()> {
    let c = &g.curve;
    let invalid = |reason: String| {
        Err(PlotError::InvalidCurve {
            group: g.name.clone(),
            reason,
        })
    };
    if c.time.is_empty() {
        return Err(PlotError::EmptyGroup {
            group: g.name.clone(),
        });
    }
    let k = c.time.len();
    let lens = [
        c.n_risk.len(),
        c.n_event.len(),
        c.n_censor.len(),
        c.surv.len(),
        c.lower.len(),
        c.upper.len(),
    ];
    if lens.iter().any(|&l| l != k) {
        return invalid(format!(
            "the curve's vectors have different lengths (time {k}, n_risk/n_event/n_censor/surv/lower/upper {lens:?})"
        ));
    }
    for i in 0..k {
        let t = c.time[i];
        if !t.is_finite() || t < 0.0 {
            return invalid(format!("time {t} at point {i} is not a finite time >= 0"));
        }
        if i > 0 && t <= c.time[i - 1] {
            return invalid(format!("times are not increasing at point {i} ({t})"));
        }
        let s = c.surv[i];
        if !(0.0..=1.0).contains(&s) {
            return invalid(format!("survival {s} at time {t} is outside [0, 1]"));
        }
    }
    Ok(())
}
