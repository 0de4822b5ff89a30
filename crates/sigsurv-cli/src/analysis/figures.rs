//! The figures of an analysis: Kaplan-Meier curves by score group (with the log-rank p and the groups'
//! hazard ratios), a forest plot of both Cox models, and the histogram of the score with its cut-points.

use crate::cmd::cox::CoxModel;
use crate::cmd::km::GroupFit;
use sigsurv_plot::{
    forest_svg, format_hr, histogram_svg, km_svg, p_label, ForestOptions, ForestRow,
    HistogramOptions, KmPlotOptions, PlotError, PlotGroup,
};

/// What the figures need besides the fitted objects.
pub(crate) struct FigureContext<'a> {
    /// The gene set's name, for axis and legend titles.
    pub set: &'a str,
    /// The scoring method's name.
    pub method: &'a str,
    pub time_unit: Option<&'a str>,
    /// True when the Cox models have covariates or strata (their hazard ratios are adjusted).
    pub adjusted: bool,
    /// True when the log-rank test is stratified.
    pub stratified: bool,
    pub logrank_p: f64,
    /// The maxstat-adjusted p of an optimal cut-point, when the split was searched.
    pub optimal_p: Option<f64>,
}

/// Name of the groups' column in the Cox terms ("group=high").
const GROUP_PREFIX: &str = "group=";

/// The Kaplan-Meier figure: curves with 95% bands, number-at-risk table, log-rank p, and each group's
/// hazard ratio against the lowest from the groups Cox model.
pub(crate) fn km_figure(
    fits: &[GroupFit],
    cox_groups: &CoxModel,
    ctx: &FigureContext,
) -> Result<String, PlotError> {
    let groups: Vec<PlotGroup> = fits
        .iter()
        .map(|g| PlotGroup {
            name: g.name.clone(),
            curve: g.curve.clone(),
        })
        .collect();
    let mut annotations = vec![format!(
        "{}og-rank {}{}",
        if ctx.stratified { "Stratified l" } else { "L" },
        p_label(ctx.logrank_p),
        match ctx.optimal_p {
            Some(p) => format!(" (optimal cut; adjusted {})", p_label(p)),
            None => String::new(),
        }
    )];
    let reference = fits.first().map_or("", |g| g.name.as_str());
    // In the groups' order (low, mid, high), not the terms' (alphabetical, as R's factor levels).
    for level in fits.iter().skip(1).map(|g| g.name.as_str()) {
        let Some(t) = cox_groups
            .fit
            .terms
            .iter()
            .find(|t| t.term.strip_prefix(GROUP_PREFIX) == Some(level))
        else {
            continue;
        };
        if let (Some(hr), Some(lo), Some(hi)) = (t.exp_coef, t.lower, t.upper) {
            annotations.push(format!(
                "{}HR {level} vs {reference} {}",
                if ctx.adjusted { "Adjusted " } else { "" },
                format_hr(hr, lo, hi)
            ));
        }
    }
    let opts = KmPlotOptions {
        ci: true,
        time_unit: ctx.time_unit.map(str::to_string),
        legend_title: Some(format!("{} score", ctx.set)),
        annotations,
        ..KmPlotOptions::default()
    };
    km_svg(&groups, &opts)
}

/// The rows of the forest plot: every estimable term of the score model, then of the groups model. With
/// covariates or strata each label names its model, since a covariate appears in both.
pub(crate) fn forest_rows(
    cox_score: &CoxModel,
    cox_groups: &CoxModel,
    adjusted: bool,
) -> Vec<ForestRow> {
    let mut rows = Vec::new();
    for (model, name) in [(cox_score, "Score model"), (cox_groups, "Groups model")] {
        for t in &model.fit.terms {
            let (Some(hr), Some(lo), Some(hi)) = (t.exp_coef, t.lower, t.upper) else {
                continue;
            };
            if !hr.is_finite() || hr <= 0.0 {
                continue;
            }
            let term = if t.term == "score" {
                "score (per SD)".to_string()
            } else {
                t.term.clone()
            };
            rows.push(ForestRow {
                label: if adjusted {
                    format!("{name}: {term}")
                } else {
                    term
                },
                estimate: hr,
                lower: lo,
                upper: hi,
                p_value: t.p_value,
            });
        }
    }
    rows
}

/// The forest plot of both Cox models; `None` when no term has an estimable hazard ratio.
pub(crate) fn forest_figure(
    cox_score: &CoxModel,
    cox_groups: &CoxModel,
    ctx: &FigureContext,
) -> Result<Option<String>, PlotError> {
    let rows = forest_rows(cox_score, cox_groups, ctx.adjusted);
    if rows.is_empty() {
        return Ok(None);
    }
    let opts = ForestOptions {
        label_header: "Term".to_string(),
        width: 820.0,
        ..ForestOptions::default()
    };
    forest_svg(&rows, &opts).map(Some)
}

/// The histogram of the (unscaled) score with the cut-points.
pub(crate) fn histogram_figure(
    scores: &[f64],
    cuts: &[f64],
    ctx: &FigureContext,
) -> Result<String, PlotError> {
    let opts = HistogramOptions {
        xlab: format!("{} score ({})", ctx.set, ctx.method),
        ..HistogramOptions::default()
    };
    histogram_svg(scores, cuts, &opts)
}
