//! The figures and the HTML report of an analysis: `km.svg`, `forest.svg` and `report.html` in the output
//! folder. The report repeats the numbers of `summary.json` (rounded for reading, exact in `data-value`)
//! around the figures, so one file documents the whole analysis.

use super::figures::{
    forest_figure, histogram_figure, km_figure, subgroup_forest_figure, FigureContext,
};
use super::spec::AnalysisSpec;
use crate::args::OutputArgs;
use crate::failure::CliResult;
use crate::model::cox::CoxModel;
use crate::model::km::GroupFit;
use crate::render::text::{pval, sig, sig_opt};
use serde_json::Value;
use sigsurv_plot::PlotError;
use sigsurv_report::{render_html, Block, Cell, Figure, Report, Section, Table};
use std::path::PathBuf;

/// The results the report is made of.
pub(crate) struct ReportInputs<'a> {
    pub spec: &'a AnalysisSpec,
    /// The `summary.json` value.
    pub summary: &'a Value,
    pub fits: &'a [GroupFit],
    /// The unscaled scores of the analysed patients.
    pub scores: &'a [f64],
    pub cox_score: &'a CoxModel,
    pub cox_groups: &'a CoxModel,
}

/// Writes `km.svg`, `forest.svg` (when a term has a hazard ratio) and `report.html` into the output folder
/// and returns their paths. A figure that cannot be drawn is a warning (and a note in the report), not a
/// failure: the numbers are already written.
pub(crate) fn write_report(r: &ReportInputs, out: &OutputArgs) -> CliResult<Vec<PathBuf>> {
    let s = r.summary;
    let spec = r.spec;
    let set = s["set"].as_str().unwrap_or("");
    let method = s["method"].as_str().unwrap_or("");
    let ctx = FigureContext {
        set,
        method,
        time_unit: spec.survival.time_unit.as_deref(),
        adjusted: adjusted(spec),
        stratified: !spec.model.strata.is_empty(),
        groups_p: groups_p(s),
        cause: s["endpoint"]["cause"].as_str(),
        optimal_p: s.get("cutpoint").map(|c| num(&c["p_value"])),
        title: None,
    };
    let dir = &spec.output.dir;
    let mut files = Vec::new();
    let failed = |what: &str, e: PlotError| -> Block {
        out.warn(&format!("the {what} was not drawn: {e}"));
        Block::Note(format!("The {what} could not be drawn: {e}"))
    };

    let km = match km_figure(r.fits, r.cox_groups, &ctx) {
        Ok(svg) => {
            let path = dir.join(curves_file(&ctx, None));
            sigsurv_io::write_atomic(&path, svg.as_bytes())?;
            files.push(path);
            figure(svg, "km", km_caption(&ctx))
        }
        Err(e) => failed(curves_name(&ctx), e),
    };
    let forest = match forest_figure(r.cox_score, r.cox_groups, &ctx) {
        Ok(Some(svg)) => {
            let path = dir.join("forest.svg");
            sigsurv_io::write_atomic(&path, svg.as_bytes())?;
            files.push(path);
            figure(
                svg,
                "forest",
                "Hazard ratios with 95% confidence intervals (log scale) of the two Cox models above.".into(),
            )
        }
        Ok(None) => Block::Note("No term of the Cox models has an estimable hazard ratio.".into()),
        Err(e) => failed("forest plot", e),
    };
    let subgroups = match s.get("subgroups").map(subgroup_forest_figure) {
        None | Some(Ok(None)) => None,
        Some(Ok(Some(svg))) => {
            let path = dir.join("forest_subgroups.svg");
            sigsurv_io::write_atomic(&path, svg.as_bytes())?;
            files.push(path);
            Some(figure(
                svg,
                "forest-subgroups",
                "Hazard ratio per SD of the score within each subgroup (a Cox model on the subgroup's patients, \
                 with the covariates that vary there), 95% confidence intervals on the log scale; each heading \
                 gives the likelihood-ratio test of the score-by-subgroup interaction."
                    .into(),
            ))
        }
        Some(Err(e)) => Some(failed("subgroup forest plot", e)),
    };
    let cuts: Vec<f64> = s["cutpoints"]
        .as_array()
        .map(|a| a.iter().map(num).collect())
        .unwrap_or_default();
    let histogram = match histogram_figure(r.scores, &cuts, &ctx) {
        Ok(svg) => figure(
            svg,
            "histogram",
            format!(
                "Distribution of the {set} score over the {} analysed patients; dashed lines: the cut-points of the {} split.",
                r.scores.len(),
                spec.groups.split
            ),
        ),
        Err(e) => failed("score histogram", e),
    };

    let report = Report {
        title: format!("{set} signature and survival"),
        subtitle: Some(format!(
            "sigsurv {} · {method} score · {} split · {} / {}",
            env!("CARGO_PKG_VERSION"),
            spec.groups.split,
            response(s).0,
            response(s).1
        )),
        sections: vec![
            Section {
                id: "key-results".into(),
                heading: "Key results".into(),
                blocks: key_results(s),
            },
            Section {
                id: "cohort".into(),
                heading: "Cohort".into(),
                blocks: cohort(s),
            },
            Section {
                id: "genes".into(),
                heading: "Genes".into(),
                blocks: genes(s),
            },
            Section {
                id: "score".into(),
                heading: "Score and groups".into(),
                blocks: score(s, histogram),
            },
        ]
        .into_iter()
        .chain(groups_sections(
            s,
            &spec.model.strata,
            km,
            cox(r.cox_score, r.cox_groups, Some(forest)),
        ))
        .chain(subgroups.map(|f| Section {
            id: "subgroups".into(),
            heading: "Subgroups".into(),
            blocks: vec![f],
        }))
        .chain([Section {
            id: "analysis".into(),
            heading: "Analysis file".into(),
            blocks: analysis_file(spec),
        }])
        .collect(),
    };
    let path = dir.join("report.html");
    sigsurv_io::write_atomic(&path, render_html(&report).as_bytes())?;
    files.push(path);
    Ok(files)
}

/// The analysis as run.
pub(super) fn analysis_file(spec: &AnalysisSpec) -> Vec<Block> {
    vec![
        Block::Text(
            "The analysis as run, as written to analysis.toml beside this report; rerun it with: sigsurv run analysis.toml".into(),
        ),
        Block::Code(spec.resolved_text()),
    ]
}

/// Whether the Cox models have covariates or strata (their hazard ratios are adjusted).
pub(super) fn adjusted(spec: &AnalysisSpec) -> bool {
    spec.model
        .covariates
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty())
        || !spec.model.strata.is_empty()
}

/// The time and event columns, as the curves' JSON names them.
pub(super) fn response(s: &Value) -> (&str, &str) {
    let curves = if s.get("km").is_some() {
        &s["km"]
    } else {
        &s["cif"]
    };
    (
        curves["time"].as_str().unwrap_or(""),
        curves["event"].as_str().unwrap_or(""),
    )
}

/// The p of the groups' test: Gray's test of a disease-specific endpoint, else the log-rank test.
pub(super) fn groups_p(s: &Value) -> f64 {
    if s.get("endpoint").is_some() {
        num(&s["gray"]["p_value"])
    } else {
        num(&s["logrank"]["p_value"])
    }
}

/// `km.svg`, or `cif.svg` for a disease-specific endpoint; `km_<cohort>.svg` with a cohort.
pub(super) fn curves_file(ctx: &FigureContext, cohort: Option<&str>) -> String {
    let stem = if ctx.cause.is_some() { "cif" } else { "km" };
    match cohort {
        Some(c) => format!("{stem}_{c}.svg"),
        None => format!("{stem}.svg"),
    }
}

pub(super) fn curves_name(ctx: &FigureContext) -> &'static str {
    if ctx.cause.is_some() {
        "cumulative incidence figure"
    } else {
        "Kaplan-Meier figure"
    }
}

/// The sections comparing the groups: Kaplan-Meier, log-rank and Cox; or, for a disease-specific endpoint,
/// cumulative incidence, Gray's test, cause-specific Cox and Fine-Gray.
pub(super) fn groups_sections(
    s: &Value,
    strata: &[String],
    curves: Block,
    cox_blocks: Vec<Block>,
) -> Vec<Section> {
    if s.get("endpoint").is_none() {
        return vec![
            Section {
                id: "km".into(),
                heading: "Kaplan-Meier".into(),
                blocks: std::iter::once(curves)
                    .chain(survival_at_times(s))
                    .collect(),
            },
            Section {
                id: "logrank".into(),
                heading: "Log-rank test".into(),
                blocks: logrank(s, strata, s.get("cutpoint").is_some()),
            },
            Section {
                id: "cox".into(),
                heading: "Cox models".into(),
                blocks: cox_blocks,
            },
        ];
    }
    vec![
        Section {
            id: "cif".into(),
            heading: "Cumulative incidence".into(),
            blocks: std::iter::once(curves)
                .chain(incidence_at_times(s))
                .collect(),
        },
        Section {
            id: "gray".into(),
            heading: "Gray's test".into(),
            blocks: gray(s, strata),
        },
        Section {
            id: "cox".into(),
            heading: "Cause-specific Cox models".into(),
            blocks: cox_blocks,
        },
        Section {
            id: "finegray".into(),
            heading: "Fine-Gray models".into(),
            blocks: fine_gray(s),
        },
    ]
}

/// The endpoint and Gray's test of every cause between the groups.
fn gray(s: &Value, strata: &[String]) -> Vec<Block> {
    let e = &s["endpoint"];
    let mut blocks = vec![Block::Facts(vec![
        (
            "Cause analysed".into(),
            Cell::text(e["cause"].as_str().unwrap_or("")),
        ),
        ("Events of the cause".into(), count(&e["n_events"])),
        (
            "Competing causes".into(),
            Cell::text(names(&e["competing_causes"]).join(", ")),
        ),
        ("Competing events".into(), count(&e["n_competing"])),
        (
            "Censoring value".into(),
            Cell::text(e["censor_value"].as_str().unwrap_or("")),
        ),
    ])];
    let rows = s["cif"]["gray"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            vec![
                Cell::text(t["cause"].as_str().unwrap_or("")),
                sig_cell(num(&t["statistic"]), 6),
                count(&t["df"]),
                p_cell(num(&t["p_value"])),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        caption: Some(if strata.is_empty() {
            "cuminc(time, cause, group)$Tests".into()
        } else {
            format!("cuminc(time, cause, group, strata = {})$Tests", strata.join(", "))
        }),
        header: ["cause", "statistic", "df", "p"].map(String::from).to_vec(),
        rows,
        footnote: Some(
            "Gray's test of each cause's cumulative incidence between the groups, as cmprsk's cuminc.".into(),
        ),
    }));
    if s.get("cutpoint").is_some() {
        blocks.push(Block::Note(
            "The groups come from a cut-point chosen to maximise the log-rank statistic of the cause-specific hazard, so these p-values are too small (biased by the search).".into(),
        ));
    }
    blocks
}

/// The Fine-Gray tables of the score and of the groups.
fn fine_gray(s: &Value) -> Vec<Block> {
    let mut blocks = Vec::new();
    for (key, name) in [
        ("finegray_score", "Score model"),
        ("finegray_groups", "Groups model"),
    ] {
        let m = &s[key];
        let rows = m["terms"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| {
                vec![
                    Cell::text(t["term"].as_str().unwrap_or("")),
                    sig_cell(num(&t["coef"]), 5),
                    sig_cell(num(&t["exp_coef"]), 5),
                    sig_cell(num(&t["se"]), 5),
                    sig_cell(num(&t["z"]), 4),
                    p_cell(num(&t["p_value"])),
                    sig_cell(num(&t["lower"]), 4),
                    sig_cell(num(&t["upper"]), 4),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            caption: Some(format!(
                "{name}: crr({}, failcode = \"{}\")",
                m["formula"].as_str().unwrap_or(""),
                m["cause"].as_str().unwrap_or("")
            )),
            header: ["term", "coef", "exp(coef)", "se(coef)", "z", "p-value", "lower .95", "upper .95"]
                .map(String::from)
                .to_vec(),
            rows,
            footnote: Some(format!(
                "n = {}, events of the cause = {}, competing events = {}. Sandwich standard errors (crr's var). \
                 Log pseudo-likelihood {} (null {}).",
                m["n"],
                m["n_events"],
                m["n_competing"],
                sig(num(&m["loglik"]), 8),
                sig(num(&m["loglik_null"]), 8)
            )),
        }));
        if let Some(note) = m["note"].as_str() {
            blocks.push(Block::Note(format!("{name}: {note}.")));
        }
    }
    blocks
}

/// The cumulative incidence of the analysed cause at the `time_points`, if any.
fn incidence_at_times(s: &Value) -> Option<Block> {
    let cause = s["endpoint"]["cause"].as_str()?;
    let at = s["cif"]["at"].as_array().filter(|a| !a.is_empty())?;
    let rows = at
        .iter()
        .filter(|r| r["cause"].as_str() == Some(cause))
        .map(|r| {
            vec![
                Cell::text(r["group"].as_str().unwrap_or("")),
                sig_cell(num(&r["time"]), 6),
                count(&r["n_risk"]),
                sig_cell(num(&r["estimate"]), 3),
                Cell::text(format!(
                    "{} – {}",
                    sig(num(&r["lower"]), 3),
                    sig(num(&r["upper"]), 3)
                )),
            ]
        })
        .collect();
    Some(Block::Table(Table {
        caption: Some(format!("Cumulative incidence of {cause} at fixed times")),
        header: ["group", "time", "at risk", "cumulative incidence", "95% CI"]
            .map(String::from)
            .to_vec(),
        rows,
        footnote: Some(
            "As R's summary(survfit(Surv(time, factor(status)) ~ group), times = ...).".into(),
        ),
    }))
}

pub(super) fn km_caption(ctx: &FigureContext) -> String {
    if let Some(cause) = ctx.cause {
        return format!(
            "Cumulative incidence of {cause} by {} score group (Aalen-Johansen: the competing causes are competing \
             events, not censored), with 95% pointwise confidence bands (log transform, as R's survfit) and the \
             numbers at risk; hazard ratios from the {}cause-specific Cox model of the groups.",
            ctx.set,
            if ctx.adjusted { "adjusted " } else { "" }
        );
    }
    format!(
        "Kaplan-Meier estimates by {} score group, with 95% pointwise confidence bands (log transform, as R's \
         survfit) and the numbers at risk; hazard ratios from the {}Cox model of the groups.",
        ctx.set,
        if ctx.adjusted { "adjusted " } else { "" }
    )
}

pub(super) fn figure(svg: String, class: &str, caption: String) -> Block {
    Block::Figure(Figure {
        svg,
        caption,
        class: class.into(),
    })
}

/// A JSON number (NaN for null or anything else).
pub(super) fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

pub(super) fn count(v: &Value) -> Cell {
    match v.as_u64() {
        Some(n) => Cell::count(n as usize),
        None => Cell::text("NA"),
    }
}

/// A rounded number that keeps its exact value.
pub(super) fn sig_cell(x: f64, digits: usize) -> Cell {
    Cell::num(sig(x, digits), x)
}

pub(super) fn p_cell(p: f64) -> Cell {
    Cell::num(pval(p), p)
}

fn opt_cell(x: Option<f64>, digits: usize) -> Cell {
    x.map_or_else(|| Cell::text("NA"), |v| sig_cell(v, digits))
}

pub(super) fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// "3: a, b, c" (the first 20 names).
pub(super) fn listed(names: &[String]) -> Cell {
    let mut text = names.len().to_string();
    if !names.is_empty() {
        let shown: Vec<&str> = names.iter().take(20).map(String::as_str).collect();
        text.push_str(&format!(
            " ({}{})",
            shown.join(", "),
            if names.len() > 20 { ", ..." } else { "" }
        ));
    }
    Cell::num(text, names.len() as f64)
}

/// The counts of the join and of the analysed patients; a count that is null (a cohort of a shared clinical
/// table, whose counts are the table's) is left out.
/// The numbers a reader looks for first, above the detail: patients and events, the score's hazard ratio and
/// p, the groups' hazard ratios, the log-rank p and the concordance of the score model.
fn key_results(s: &Value) -> Vec<Block> {
    let hr = |t: &Value| {
        format!(
            "{} ({} – {}), p = {}",
            sig_opt(t["exp_coef"].as_f64(), 3),
            sig_opt(t["lower"].as_f64(), 3),
            sig_opt(t["upper"].as_f64(), 3),
            t["p_value"].as_f64().map_or("NA".into(), pval)
        )
    };
    let mut facts = vec![(
        "Patients / events".to_string(),
        Cell::text(format!("{} / {}", s["n"], s["n_events"])),
    )];
    let terms = |model: &str| s[model]["terms"].as_array().cloned().unwrap_or_default();
    let cause = s["endpoint"]["cause"].as_str();
    let kind = if cause.is_some() {
        "Cause-specific HR"
    } else {
        "HR"
    };
    if let Some(c) = cause {
        facts[0].0 = format!("Patients / events of {c}");
    }
    if let Some(t) = terms("cox_score").iter().find(|t| t["term"] == "score") {
        facts.push((format!("{kind} per SD of the score"), Cell::text(hr(t))));
    }
    if let Some(t) = terms("finegray_score")
        .iter()
        .find(|t| t["term"] == "score")
    {
        facts.push((
            "Fine-Gray subdistribution HR per SD of the score".into(),
            Cell::text(hr(t)),
        ));
    }
    for t in terms("cox_groups")
        .iter()
        .filter(|t| t["term"].as_str().is_some_and(|n| n.starts_with("group=")))
    {
        let name = t["term"]
            .as_str()
            .unwrap_or("")
            .trim_start_matches("group=");
        facts.push((
            format!("{kind} {name} vs the lowest group"),
            Cell::text(hr(t)),
        ));
    }
    facts.push((
        match cause {
            Some(c) => format!("Gray's test p ({c})"),
            None => "Log-rank p".into(),
        },
        Cell::text(if groups_p(s).is_nan() {
            "NA".into()
        } else {
            pval(groups_p(s))
        }),
    ));
    if let Some(c) = s["cox_score"]["concordance"]["c"].as_f64() {
        facts.push((
            "Concordance (score model)".into(),
            Cell::text(format!(
                "{} (se {})",
                sig(c, 3),
                sig_opt(s["cox_score"]["concordance"]["se"].as_f64(), 2)
            )),
        ));
    }
    let mut blocks = vec![Block::Facts(facts)];
    if s.get("cutpoint").is_some() {
        blocks.push(Block::Note(
            "The groups come from an optimal cut-point: the log-rank p and the groups' hazard ratios are biased \
             by the search (see the adjusted p under the log-rank test)."
                .into(),
        ));
    }
    blocks
}

pub(super) fn cohort(s: &Value) -> Vec<Block> {
    let mut facts = Vec::new();
    if let Some(study) = s["study"].as_str() {
        facts.push(("Study folder".into(), Cell::text(study)));
    }
    if !s["n_clinical_read"].is_null() {
        facts.push(("Clinical rows read".into(), count(&s["n_clinical_read"])));
    }
    if !s["n_dropped"].is_null() {
        facts.push((
            "Dropped for missing values (time, event, covariates)".into(),
            count(&s["n_dropped"]),
        ));
    }
    facts.push((
        "Clinical ids without an expression sample".into(),
        listed(&names(&s["ids_only_in_clinical"])),
    ));
    facts.push((
        "Expression samples without a clinical row".into(),
        listed(&names(&s["ids_only_in_expression"])),
    ));
    if !s["n"].is_null() {
        facts.push(("Patients analysed".into(), count(&s["n"])));
        facts.push(("Events".into(), count(&s["n_events"])));
    }
    vec![Block::Facts(facts)]
}

pub(super) fn genes(s: &Value) -> Vec<Block> {
    let used = names(&s["genes_used"]);
    let missing = names(&s["genes_missing"]);
    let mut blocks = vec![Block::Facts(vec![
        (
            "Gene set".into(),
            Cell::text(s["set"].as_str().unwrap_or("")),
        ),
        (
            "Scoring method".into(),
            Cell::text(s["method"].as_str().unwrap_or("")),
        ),
        (
            "Genes used".into(),
            Cell::num(
                format!("{} of {}", used.len(), used.len() + missing.len()),
                used.len() as f64,
            ),
        ),
    ])];
    blocks.push(Block::Text(format!("Used: {}.", used.join(", "))));
    if !missing.is_empty() {
        blocks.push(Block::Text(format!(
            "Missing from the expression matrix: {}.",
            missing.join(", ")
        )));
    }
    blocks
}

pub(super) fn score(s: &Value, histogram: Block) -> Vec<Block> {
    let cuts: Vec<String> = s["cutpoints"]
        .as_array()
        .map(|a| a.iter().map(|c| sig(num(c), 4)).collect())
        .unwrap_or_default();
    let mut blocks = vec![
        histogram,
        Block::Facts(vec![
            (
                "Split".into(),
                Cell::text(s["split"].as_str().unwrap_or("")),
            ),
            ("Cut-points".into(), Cell::text(cuts.join(", "))),
            (
                "Standard deviation of the score (the Cox score model is per SD)".into(),
                sig_cell(num(&s["score_sd"]), 4),
            ),
        ]),
    ];
    if let Some(c) = s.get("cutpoint") {
        let permutation = c["p_value_permutation"]
            .as_f64()
            .map_or(String::new(), |p| format!(", permutation p = {}", pval(p)));
        blocks.push(Block::Note(format!(
            "Optimal cut-point {} (maximally selected standardised log-rank statistic {}): p adjusted for the \
             search (Lausen & Schumacher) = {}{permutation}.",
            sig(num(&c["cutpoint"]), 4),
            sig(num(&c["statistic"]), 4),
            pval(num(&c["p_value"])),
        )));
    }
    if s.get("endpoint").is_some() {
        blocks.push(incidence_groups(s));
        return blocks;
    }
    let rows = s["km"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            let median = |k: &str| g[k].as_f64().map_or("NA".into(), |v| sig(v, 4));
            vec![
                Cell::text(g["group"].as_str().unwrap_or("")),
                count(&g["n"]),
                count(&g["n_events"]),
                match g["median"].as_f64() {
                    Some(m) => Cell::num(sig(m, 4), m),
                    None => Cell::text("NA"),
                },
                Cell::text(format!(
                    "{} – {}",
                    median("median_lower"),
                    median("median_upper")
                )),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        caption: Some("Groups".into()),
        header: vec![
            "group".into(),
            "n".into(),
            "events".into(),
            "median survival".into(),
            "95% CI".into(),
        ],
        rows,
        footnote: Some("Medians and their confidence limits as R's print(survfit); NA where the curve does not reach 0.5.".into()),
    }));
    blocks
}

/// A `cif` group's events of `cause` and of the other causes.
pub(super) fn cause_events(group: &Value, cause: &str) -> (u64, u64) {
    let mut n = (0, 0);
    for c in group["causes"].as_array().into_iter().flatten() {
        let k = c["n_events"].as_u64().unwrap_or(0);
        if c["cause"].as_str() == Some(cause) {
            n.0 += k;
        } else {
            n.1 += k;
        }
    }
    n
}

/// Each group's patients, events of the analysed cause and competing events.
fn incidence_groups(s: &Value) -> Block {
    let cause = s["endpoint"]["cause"].as_str().unwrap_or("");
    let rows = s["cif"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            let (own, competing) = cause_events(g, cause);
            vec![
                Cell::text(g["group"].as_str().unwrap_or("")),
                count(&g["n"]),
                Cell::count(own as usize),
                Cell::count(competing as usize),
            ]
        })
        .collect();
    Block::Table(Table {
        caption: Some("Groups".into()),
        header: vec![
            "group".into(),
            "n".into(),
            format!("events of {cause}"),
            "competing events".into(),
        ],
        rows,
        footnote: None,
    })
}

/// The "survival at t" table of `time_points` (the km JSON's `at` rows and `differences`), if any.
pub(super) fn survival_at_times(s: &Value) -> Option<Block> {
    let at = s["km"]["at"].as_array().filter(|a| !a.is_empty())?;
    let ci = |r: &Value| {
        format!(
            "{} – {}",
            sig(num(&r["lower"]), 3),
            sig(num(&r["upper"]), 3)
        )
    };
    let rows = at
        .iter()
        .map(|r| {
            vec![
                Cell::text(r["group"].as_str().unwrap_or("")),
                sig_cell(num(&r["time"]), 6),
                count(&r["n_risk"]),
                count(&r["n_event"]),
                sig_cell(num(&r["survival"]), 3),
                Cell::text(ci(r)),
            ]
        })
        .collect();
    let omitted: Vec<String> = s["km"]["at_omitted"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            format!(
                "{} at {}",
                o["group"].as_str().unwrap_or(""),
                sig(num(&o["time"]), 6)
            )
        })
        .collect();
    Some(Block::Table(Table {
        caption: Some("Survival at fixed times".into()),
        header: vec![
            "group".into(),
            "time".into(),
            "at risk".into(),
            "events since the previous time".into(),
            "survival".into(),
            "95% CI".into(),
        ],
        rows,
        footnote: Some(if omitted.is_empty() {
            "As R's summary(survfit(...), times = ...).".into()
        } else {
            format!(
                "As R's summary(survfit(...), times = ...); not followed that long (left out): {}.",
                omitted.join(", ")
            )
        }),
    }))
}

/// R's survdiff table of the groups (stratified by `strata`), then the test; `searched` when the groups come
/// from optimal cut-points, whose log-rank p is biased.
pub(super) fn logrank(s: &Value, strata: &[String], searched: bool) -> Vec<Block> {
    let lr = &s["logrank"];
    let groups = lr["groups"].as_array().cloned().unwrap_or_default();
    let k = groups.len();
    let var: Vec<f64> = lr["variance"]
        .as_array()
        .map(|a| a.iter().map(num).collect())
        .unwrap_or_default();
    let rows = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let (o, e) = (num(&g["observed"]), num(&g["expected"]));
            let v = var.get(i * k + i).copied().unwrap_or(f64::NAN);
            vec![
                Cell::text(g["group"].as_str().unwrap_or("")),
                count(&g["n"]),
                sig_cell(o, 6),
                sig_cell(e, 6),
                sig_cell((o - e).powi(2) / e, 4),
                sig_cell((o - e).powi(2) / v, 4),
            ]
        })
        .collect();
    let mut blocks = vec![Block::Table(Table {
        caption: Some(if strata.is_empty() {
            "survdiff(Surv(time, event) ~ group)".into()
        } else {
            format!(
                "survdiff(Surv(time, event) ~ group + strata({}))",
                strata.join(", ")
            )
        }),
        header: vec![
            "group".into(),
            "N".into(),
            "Observed".into(),
            "Expected".into(),
            "(O-E)^2/E".into(),
            "(O-E)^2/V".into(),
        ],
        rows,
        footnote: None,
    })];
    blocks.push(Block::Facts(vec![
        ("Chisq".into(), sig_cell(num(&lr["chisq"]), 6)),
        ("df".into(), count(&lr["df"])),
        ("p".into(), p_cell(num(&lr["p_value"]))),
    ]));
    if searched {
        blocks.push(Block::Note(
            "The groups come from a cut-point chosen to maximise the log-rank statistic, so this p-value is too small (biased by the search); report the adjusted p of the optimal cut-point instead.".into(),
        ));
    }
    blocks
}

/// Both Cox tables with their warnings, then the forest plot if any.
pub(super) fn cox(score: &CoxModel, groups: &CoxModel, forest: Option<Block>) -> Vec<Block> {
    let mut blocks = Vec::new();
    for (m, name) in [(score, "Score model"), (groups, "Groups model")] {
        blocks.push(Block::Table(cox_table(m, name)));
        for w in &m.fit.warnings {
            blocks.push(Block::Note(format!("{name}: {w}")));
        }
    }
    blocks.extend(forest);
    blocks
}

/// The coefficient table of `summary(coxph(...))` with the hazard ratio's confidence limits.
fn cox_table(m: &CoxModel, name: &str) -> Table {
    let f = &m.fit;
    let rows = f
        .terms
        .iter()
        .map(|t| {
            vec![
                Cell::text(t.term.clone()),
                opt_cell(t.coef, 5),
                opt_cell(t.exp_coef, 5),
                opt_cell(t.se, 5),
                t.z.map_or_else(|| Cell::text("NA"), |z| Cell::num(format!("{z:.3}"), z)),
                t.p_value.map_or_else(|| Cell::text("NA"), p_cell),
                opt_cell(t.lower, 4),
                opt_cell(t.upper, 4),
            ]
        })
        .collect();
    let test = |t: &sigsurv_core::cox::Test| {
        format!(
            "{} on {} df, p = {}",
            sig(t.statistic, 4),
            t.df,
            pval(t.p_value)
        )
    };
    Table {
        caption: Some(format!(
            "{name}: coxph({}, ties = \"{}\")",
            m.formula_text,
            f.ties.as_str()
        )),
        header: [
            "term",
            "coef",
            "exp(coef)",
            "se(coef)",
            "z",
            "Pr(>|z|)",
            "lower .95",
            "upper .95",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        footnote: Some(format!(
            "n = {}, events = {}. Concordance {} (se {}). {}.",
            f.n,
            f.n_events,
            sig(f.concordance.c, 4),
            sig(f.concordance.se, 3),
            match &f.penalized {
                // A penalized fit's tests are on its effective degrees of freedom.
                Some(pen) => {
                    let test = |t: &sigsurv_core::cox::EffectiveTest| {
                        format!(
                            "{} on {} df, p = {}",
                            sig(t.statistic, 4),
                            sig(t.df, 4),
                            pval(t.p_value)
                        )
                    };
                    format!(
                        "Penalized fit: likelihood ratio test {}; Wald test {}",
                        test(&pen.lrt),
                        test(&pen.wald)
                    )
                }
                None => format!(
                    "Likelihood ratio test {}; Wald test {}; score (log-rank) test {}",
                    test(&f.lrt),
                    test(&f.wald),
                    test(&f.score)
                ),
            }
        )),
    }
}
