//! The figures of an analysis: Kaplan-Meier curves by score group (with the log-rank p and the groups'
//! hazard ratios), a forest plot of both Cox models, and the histogram of the score with its cut-points; with
//! several cohorts, forest plots of one term across the cohorts and the pooled fit.

use crate::model::cox::CoxModel;
use crate::model::km::GroupFit;
use crate::render::cox::to_json as cox_json;
use serde_json::Value;
use sigsurv_plot::{
    forest_svg, format_hr, histogram_svg, km_svg, p_label, ForestOptions, ForestRow, Fun,
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
    /// True when the test of the groups is stratified.
    pub stratified: bool,
    /// The p of the groups' test: log-rank, or Gray's test of a disease-specific endpoint.
    pub groups_p: f64,
    /// The cause of a disease-specific endpoint: the figure draws its cumulative incidence.
    pub cause: Option<&'a str>,
    /// The maxstat-adjusted p of an optimal cut-point, when the split was searched.
    pub optimal_p: Option<f64>,
    /// A title above the KM figure (the cohort's name when there are several).
    pub title: Option<String>,
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
    let test = match (ctx.cause, ctx.stratified) {
        (Some(_), true) => "Stratified Gray's test",
        (Some(_), false) => "Gray's test",
        (None, true) => "Stratified log-rank",
        (None, false) => "Log-rank",
    };
    let mut annotations = vec![format!(
        "{test} {}{}",
        p_label(ctx.groups_p),
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
                "{}{}HR {level} vs {reference} {}",
                if ctx.adjusted { "Adjusted " } else { "" },
                if ctx.cause.is_some() {
                    "cause-specific "
                } else {
                    ""
                },
                format_hr(hr, lo, hi)
            ));
        }
    }
    let opts = KmPlotOptions {
        ci: true,
        time_unit: ctx.time_unit.map(str::to_string),
        legend_title: Some(format!("{} score", ctx.set)),
        title: ctx.title.clone(),
        annotations,
        fun: if ctx.cause.is_some() {
            Fun::Event
        } else {
            Fun::Surv
        },
        ylab: ctx.cause.map(|c| format!("Cumulative incidence of {c}")),
        ..KmPlotOptions::default()
    };
    km_svg(&groups, &opts)
}

/// The rows of the forest plot: every term of the score model, then of the groups model (a term without a finite
/// estimate, collinear or heading to an infinite coefficient, as "not estimable"). With covariates or strata each
/// label names its model, since a covariate appears in both.
pub(crate) fn forest_rows(
    cox_score: &CoxModel,
    cox_groups: &CoxModel,
    adjusted: bool,
) -> Vec<ForestRow> {
    summary_forest_rows(
        &cox_json(cox_score, None),
        &cox_json(cox_groups, None),
        adjusted,
    )
}

/// [`forest_rows`] from the `cox` JSON of the two models (as in a single-cohort `summary.json`).
pub(crate) fn summary_forest_rows(
    cox_score: &Value,
    cox_groups: &Value,
    adjusted: bool,
) -> Vec<ForestRow> {
    let mut rows = Vec::new();
    for (model, name) in [(cox_score, "Score model"), (cox_groups, "Groups model")] {
        for t in model["terms"].as_array().into_iter().flatten() {
            let term = match t["term"].as_str().unwrap_or("") {
                "score" => "score (per SD)".to_string(),
                other => other.to_string(),
            };
            let label = if adjusted {
                format!("{name}: {term}")
            } else {
                term
            };
            rows.push(ForestRow {
                p_value: t["p_value"].as_f64(),
                ..ForestRow::from_estimate(
                    label,
                    t["exp_coef"].as_f64(),
                    t["lower"].as_f64(),
                    t["upper"].as_f64(),
                )
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

/// One Cox term across the cohorts of a multi-cohort `summary.json`: which model and term, and how to name it.
pub(crate) struct CohortTerm {
    /// `cox_score` or `cox_groups`.
    pub model: &'static str,
    /// The term's name in that model (`score`, `group=high`).
    pub term: String,
    /// What the hazard ratio compares, for titles ("per SD of the score", "high vs low").
    pub what: String,
}

impl CohortTerm {
    /// The score per SD within its cohort.
    pub fn score() -> CohortTerm {
        CohortTerm {
            model: "cox_score",
            term: "score".into(),
            what: "per SD of the score within its cohort".into(),
        }
    }

    /// The highest group against the lowest (`high vs low`, `q4 vs q1`); `None` without two groups.
    pub fn top_group(summary: &Value) -> Option<CohortTerm> {
        let groups: Vec<&str> = summary["cohorts"][0]["groups"]
            .as_array()?
            .iter()
            .filter_map(|g| g["group"].as_str())
            .collect();
        let (first, last) = (groups.first()?, groups.last()?);
        (groups.len() >= 2).then(|| CohortTerm {
            model: "cox_groups",
            term: format!("{GROUP_PREFIX}{last}"),
            what: format!("{last} vs {first}"),
        })
    }

    /// The term named `term` (as in the Cox tables: `score`, `group=high`), looked up in both models.
    pub fn named(term: &str) -> CohortTerm {
        if term.starts_with(GROUP_PREFIX) {
            CohortTerm {
                model: "cox_groups",
                term: term.into(),
                what: term.strip_prefix(GROUP_PREFIX).unwrap_or(term).into(),
            }
        } else {
            CohortTerm {
                model: "cox_score",
                term: term.into(),
                what: term.into(),
            }
        }
    }
}

/// The term's estimate in one Cox JSON as a forest row: `None` when the model has no such term; a "not
/// estimable" row when it has no finite estimate (collinear, or with monotone likelihood).
fn cox_row(label: String, cox: &Value, term: &str) -> Option<ForestRow> {
    let t = cox["terms"]
        .as_array()?
        .iter()
        .find(|t| t["term"].as_str() == Some(term))?;
    Some(ForestRow {
        p_value: t["p_value"].as_f64(),
        n: cox["n"].as_u64().map(|n| n as usize),
        events: cox["n_events"].as_u64().map(|n| n as usize),
        ..ForestRow::from_estimate(
            label,
            t["exp_coef"].as_f64(),
            t["lower"].as_f64(),
            t["upper"].as_f64(),
        )
    })
}

/// The rows of a forest plot of one term across the cohorts of a multi-cohort `summary.json`: one row per
/// cohort (its own model: n, events, HR, CI, p), then the pooled model stratified by cohort as a summary row
/// (drawn as a diamond). Returns the rows and the cohorts left out because the term has no estimate there.
pub(crate) fn cohort_forest_rows(
    summary: &Value,
    which: &CohortTerm,
) -> (Vec<ForestRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut left_out = Vec::new();
    for c in summary["cohorts"].as_array().into_iter().flatten() {
        let name = c["cohort"].as_str().unwrap_or("").to_string();
        match cox_row(name.clone(), &c[which.model], &which.term) {
            Some(r) => {
                if r.note.is_some() {
                    left_out.push(name);
                }
                rows.push(r)
            }
            None => left_out.push(name),
        }
    }
    let strata: Vec<&str> = summary["pooled"]["strata"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let label = format!("Pooled (stratified by {})", strata.join(", "));
    match cox_row(label, &summary["pooled"][which.model], &which.term) {
        Some(r) => {
            if r.note.is_some() {
                left_out.push("pooled".into());
            }
            rows.push(ForestRow { summary: true, ..r })
        }
        None => left_out.push("pooled".into()),
    }
    rows.extend(heterogeneity_rows(
        &summary["pooled"]["heterogeneity"],
        &which.term,
    ));
    (rows, left_out)
}

/// The random-effects pooled HR (a second diamond), when the pooled results have it for this term.
fn heterogeneity_rows(h: &Value, term: &str) -> Vec<ForestRow> {
    if h.is_null() || h["term"].as_str() != Some(term) {
        return Vec::new();
    }
    let re = &h["random_effects"];
    let num = |v: &Value| v.as_f64();
    let rows = vec![ForestRow {
        summary: true,
        p_value: num(&re["p_value"]),
        ..ForestRow::from_estimate(
            "Random effects (DerSimonian-Laird)",
            num(&re["hr"]),
            num(&re["lower"]),
            num(&re["upper"]),
        )
    }];
    rows
}

/// "Heterogeneity: Q = 0.16 (1 df), p = 0.69; I² = 0%; τ² = 0" for the pooled results of `term`, if they have it.
pub(crate) fn heterogeneity_line(summary: &Value, term: &str) -> Option<String> {
    let h = &summary["pooled"]["heterogeneity"];
    if h["term"].as_str() != Some(term) {
        return None;
    }
    let (q, df, i2, tau2) = (
        h["q"].as_f64()?,
        h["q_df"].as_f64()?,
        h["i2"].as_f64()?,
        h["tau2"].as_f64()?,
    );
    let p = h["q_p_value"]
        .as_f64()
        .map_or(String::new(), |p| format!(", {}", p_label(p)));
    Some(format!(
        "Heterogeneity: Q = {q:.2} ({df} df){p}; I\u{b2} = {i2:.0}%; \u{3c4}\u{b2} = {}",
        crate::render::text::sig(tau2, 3)
    ))
}

/// The forest plot of one term across cohorts (see [`cohort_forest_rows`]); `None` without any row.
pub(crate) fn cohort_forest_figure(
    summary: &Value,
    which: &CohortTerm,
    adjusted: bool,
) -> Result<Option<(String, Vec<String>)>, PlotError> {
    let (rows, left_out) = cohort_forest_rows(summary, which);
    if rows.is_empty() {
        return Ok(None);
    }
    let opts = ForestOptions {
        title: Some(format!(
            "{} score: {}hazard ratio {}",
            summary["set"].as_str().unwrap_or(""),
            if adjusted { "adjusted " } else { "" },
            which.what
        )),
        label_header: "Cohort".to_string(),
        width: 820.0,
        footnote: heterogeneity_line(summary, &which.term),
        ..ForestOptions::default()
    };
    forest_svg(&rows, &opts).map(|svg| Some((svg, left_out)))
}

/// The rows of the subgroup forest plot of a `summary.json`'s `subgroups`: per subgroup a header row with its
/// interaction p, then the score's hazard ratio in each level (a level without one says why).
pub(crate) fn subgroup_forest_rows(subgroups: &Value) -> Vec<ForestRow> {
    let mut rows = Vec::new();
    for s in subgroups.as_array().into_iter().flatten() {
        let name = s["subgroup"].as_str().unwrap_or("");
        let column = s["column"].as_str().unwrap_or(name);
        rows.push(ForestRow {
            label: match s["interaction"]["p_value"].as_f64() {
                Some(p) => format!("{name}: interaction {}", p_label(p)),
                None => format!("{name}: interaction not estimable"),
            },
            note: Some(String::new()),
            ..ForestRow::default()
        });
        for l in s["levels"].as_array().into_iter().flatten() {
            let level = l["level"].as_str().unwrap_or("");
            // A condition's levels name their column already ("age < 50").
            let label = if level.starts_with(column) {
                level.to_string()
            } else {
                format!("{column} = {level}")
            };
            let mut row = ForestRow {
                p_value: l["p_value"].as_f64(),
                n: l["n"].as_u64().map(|n| n as usize),
                events: l["n_events"].as_u64().map(|n| n as usize),
                ..ForestRow::from_estimate(
                    label,
                    l["exp_coef"].as_f64(),
                    l["lower"].as_f64(),
                    l["upper"].as_f64(),
                )
            };
            if row.note.is_some() {
                if let Some(why) = l["note"].as_str() {
                    row.note = Some(why.to_string());
                }
            }
            rows.push(row);
        }
    }
    rows
}

/// The forest plot of the score's hazard ratio per SD within subgroups; `None` without subgroups.
pub(crate) fn subgroup_forest_figure(subgroups: &Value) -> Result<Option<String>, PlotError> {
    let rows = subgroup_forest_rows(subgroups);
    if rows.is_empty() {
        return Ok(None);
    }
    let opts = ForestOptions {
        label_header: "Subgroup".to_string(),
        width: 860.0,
        ..ForestOptions::default()
    };
    forest_svg(&rows, &opts).map(Some)
}
