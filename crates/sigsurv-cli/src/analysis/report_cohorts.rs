//! The figures and the HTML report of an analysis of several cohorts: `km_<cohort>.svg` for each cohort,
//! `forest.svg` (the score's hazard ratio per SD in each cohort and pooled), `forest_groups.svg` (the highest
//! group against the lowest, likewise) and one `report.html` with an overview of the cohorts, the pooled
//! results and a section per cohort holding what a single analysis's report holds.
//!
//! There is no pooled `km.svg`: the pooled analysis is stratified by cohort (log-rank and Cox), and a
//! Kaplan-Meier curve of the stacked cohorts would ignore that stratification.

use super::figures::{
    cohort_forest_figure, histogram_figure, km_figure, CohortTerm, FigureContext,
};
use super::report::{
    adjusted, analysis_file, cohort, count, cox, curves_file, curves_name, figure, genes, groups_p,
    groups_sections, km_caption, listed, logrank, names, num, p_cell, response, score, sig_cell,
};
use super::spec::AnalysisSpec;
use crate::args::OutputArgs;
use crate::failure::CliResult;
use crate::model::cox::CoxModel;
use crate::model::km::GroupFit;
use serde_json::Value;
use sigsurv_plot::{format_hr, PlotError};
use sigsurv_report::{render_html, Block, Cell, Report, Section, Table};
use std::collections::HashSet;
use std::path::PathBuf;

/// What the report draws of one cohort besides its `summary.json` entry.
pub(crate) struct CohortFigures<'a> {
    pub fits: &'a [GroupFit],
    /// The cohort's unscaled scores.
    pub scores: &'a [f64],
    pub cox_score: &'a CoxModel,
    pub cox_groups: &'a CoxModel,
}

/// The results the report of several cohorts is made of.
pub(crate) struct CohortsReportInputs<'a> {
    pub spec: &'a AnalysisSpec,
    /// The multi-cohort `summary.json` value (`cohorts`, `pooled`).
    pub summary: &'a Value,
    /// In the order of `summary["cohorts"]`.
    pub cohorts: Vec<CohortFigures<'a>>,
    pub pooled_score: &'a CoxModel,
    pub pooled_groups: &'a CoxModel,
}

/// File-name stems for the cohorts' names: ASCII letters, digits, `-`, `_` and `.` kept, anything else `_`,
/// no leading dot, at most 64 characters, never empty; names that would collide (also on case-insensitive file
/// systems) get `_2`, `_3`, ...
pub(crate) fn file_stems<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::new();
    names
        .into_iter()
        .map(|name| {
            let mut stem: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c
                    } else {
                        '_'
                    }
                })
                .take(64)
                .collect();
            stem = stem.trim_start_matches('.').to_string();
            if stem.is_empty() {
                stem = "cohort".into();
            }
            let mut unique = stem.clone();
            let mut k = 2;
            while !used.insert(unique.to_ascii_lowercase()) {
                unique = format!("{stem}_{k}");
                k += 1;
            }
            unique
        })
        .collect()
}

/// Writes the figures and `report.html` into the output folder and returns their paths. A figure that cannot
/// be drawn is a warning and a note in the report, not a failure.
pub(crate) fn write_cohorts_report(
    r: &CohortsReportInputs,
    out: &OutputArgs,
) -> CliResult<Vec<PathBuf>> {
    let s = r.summary;
    let spec = r.spec;
    let dir = &spec.output.dir;
    let set = s["set"].as_str().unwrap_or("");
    let method = s["method"].as_str().unwrap_or("");
    let is_adjusted = adjusted(spec);
    let entries: Vec<&Value> = s["cohorts"].as_array().into_iter().flatten().collect();
    let names: Vec<&str> = entries
        .iter()
        .map(|c| c["cohort"].as_str().unwrap_or(""))
        .collect();
    let stems = file_stems(names.iter().copied());
    let mut files = Vec::new();
    let failed = |what: &str, e: PlotError| -> Block {
        out.warn(&format!("the {what} was not drawn: {e}"));
        Block::Note(format!("The {what} could not be drawn: {e}"))
    };

    // The pooled results with the forest plots across cohorts.
    let mut terms = vec![(CohortTerm::score(), "forest")];
    if let Some(t) = CohortTerm::top_group(s) {
        terms.push((t, "forest_groups"));
    }
    let mut forests = Vec::new();
    for (term, file) in &terms {
        let block = match cohort_forest_figure(s, term, is_adjusted) {
            Ok(Some((svg, left_out))) => {
                let path = dir.join(format!("{file}.svg"));
                sigsurv_io::write_atomic(&path, svg.as_bytes())?;
                files.push(path);
                let mut caption = format!(
                    "Hazard ratio {} with its 95% confidence interval (log scale) in each cohort (its own Cox \
                     model), and pooled over the cohorts in the Cox model stratified by cohort (diamond).",
                    term.what
                );
                if !left_out.is_empty() {
                    caption.push_str(&format!(" Not estimable: {}.", left_out.join(", ")));
                }
                figure(svg, "forest", caption)
            }
            Ok(None) => Block::Note(format!(
                "The hazard ratio {} is not estimable in any cohort.",
                term.what
            )),
            Err(e) => failed("forest plot", e),
        };
        forests.push(block);
    }

    let mut sections = vec![
        Section {
            id: "cohorts".into(),
            heading: "Cohorts".into(),
            blocks: left_out_note(s)
                .into_iter()
                .chain(overview(s, &names, &terms))
                .collect(),
        },
        Section {
            id: "pooled".into(),
            heading: "Pooled cohorts".into(),
            blocks: pooled(s, r, forests, is_adjusted),
        },
    ];

    for (i, (c, stem)) in entries.iter().zip(&stems).enumerate() {
        let Some(fig) = r.cohorts.get(i) else {
            continue;
        };
        let name = names[i];
        let ctx = FigureContext {
            set,
            method,
            time_unit: spec.survival.time_unit.as_deref(),
            adjusted: is_adjusted,
            stratified: !spec.model.strata.is_empty(),
            groups_p: groups_p(c),
            cause: c["endpoint"]["cause"].as_str(),
            optimal_p: c.get("cutpoint").map(|x| num(&x["p_value"])),
            title: Some(format!("Cohort {name}")),
        };
        let km = match km_figure(fig.fits, fig.cox_groups, &ctx) {
            Ok(svg) => {
                let path = dir.join(curves_file(&ctx, Some(stem)));
                sigsurv_io::write_atomic(&path, svg.as_bytes())?;
                files.push(path);
                figure(svg, "km", km_caption(&ctx))
            }
            Err(e) => failed(&format!("{} of cohort {name}", curves_name(&ctx)), e),
        };
        let cuts: Vec<f64> = c["cutpoints"]
            .as_array()
            .map(|a| a.iter().map(num).collect())
            .unwrap_or_default();
        let histogram = match histogram_figure(fig.scores, &cuts, &ctx) {
            Ok(svg) => figure(
                svg,
                "histogram",
                format!(
                    "Distribution of the {set} score over the {} analysed patients of cohort {name}; dashed \
                     lines: the cut-points of the {} split.",
                    fig.scores.len(),
                    spec.groups.split
                ),
            ),
            Err(e) => failed(&format!("score histogram of cohort {name}"), e),
        };
        let mut blocks = vec![Block::Subheading("Patients".into())];
        blocks.extend(cohort(c));
        blocks.push(Block::Subheading("Genes".into()));
        blocks.extend(genes(c));
        blocks.push(Block::Subheading("Score and groups".into()));
        blocks.extend(score(c, histogram));
        for section in groups_sections(
            c,
            &spec.model.strata,
            km,
            cox(fig.cox_score, fig.cox_groups, None),
        ) {
            blocks.push(Block::Subheading(section.heading));
            blocks.extend(section.blocks);
        }
        sections.push(Section {
            id: format!("cohort-{stem}"),
            heading: format!("Cohort {name}"),
            blocks,
        });
    }
    sections.push(Section {
        id: "analysis".into(),
        heading: "Analysis file".into(),
        blocks: analysis_file(spec),
    });

    let report = Report {
        title: format!("{set} signature and survival in {} cohorts", entries.len()),
        subtitle: Some(format!(
            "sigsurv {} · {method} score · {} split · {} / {}",
            env!("CARGO_PKG_VERSION"),
            spec.groups.split,
            entries.first().map_or("", |c| response(c).0),
            entries.first().map_or("", |c| response(c).1)
        )),
        sections,
    };
    let path = dir.join("report.html");
    sigsurv_io::write_atomic(&path, render_html(&report).as_bytes())?;
    files.push(path);
    Ok(files)
}

/// How the cohorts were analysed, the shared table's counts, and one row per cohort.
fn overview(s: &Value, cohort_names: &[&str], terms: &[(CohortTerm, &str)]) -> Vec<Block> {
    let by = match s["cohort_column"].as_str() {
        Some(col) => format!("the values of the clinical column \"{col}\""),
        None => "the study folders".into(),
    };
    let mut blocks = vec![Block::Text(format!(
        "{} cohorts ({by}). Each cohort is analysed on its own, as a single analysis of its patients would be: the \
         score is computed and standardised within the cohort, split at the cohort's own cut-points, and compared \
         by Kaplan-Meier, log-rank and Cox. The pooled results stratify the log-rank test and both Cox models by \
         cohort.",
        cohort_names.len()
    ))];
    if s["cohort_column"].is_string() {
        blocks.push(Block::Facts(vec![
            ("Clinical rows read".into(), count(&s["n_clinical_read"])),
            (
                "Dropped for missing values (time, event, covariates, cohort)".into(),
                count(&s["n_dropped"]),
            ),
            (
                "Clinical ids without an expression sample".into(),
                listed(&names(&s["ids_only_in_clinical"])),
            ),
            (
                "Expression samples without a clinical row".into(),
                listed(&names(&s["ids_only_in_expression"])),
            ),
        ]));
    }
    let mut header: Vec<String> = ["cohort", "patients", "events", "dropped", "genes used"]
        .map(String::from)
        .to_vec();
    for (t, _) in terms {
        header.push(format!("HR {} (95% CI)", short(&t.what)));
        header.push("p".into());
    }
    let mut rows = Vec::new();
    for (i, c) in s["cohorts"].as_array().into_iter().flatten().enumerate() {
        let used = c["genes_used"].as_array().map_or(0, Vec::len);
        let all = used + c["genes_missing"].as_array().map_or(0, Vec::len);
        let mut row = vec![
            Cell::text(cohort_names.get(i).copied().unwrap_or("")),
            count(&c["n"]),
            count(&c["n_events"]),
            if c["n_dropped"].is_null() {
                Cell::text("–")
            } else {
                count(&c["n_dropped"])
            },
            Cell::num(format!("{used} of {all}"), used as f64),
        ];
        for (t, _) in terms {
            row.extend(hr_cells(&c[t.model], &t.term));
        }
        rows.push(row);
    }
    let mut pooled = vec![
        Cell::text("pooled"),
        count(&s["pooled"]["n"]),
        count(&s["pooled"]["n_events"]),
        Cell::text(""),
        Cell::text(""),
    ];
    for (t, _) in terms {
        pooled.extend(hr_cells(&s["pooled"][t.model], &t.term));
    }
    rows.push(pooled);
    blocks.push(Block::Table(Table {
        caption: Some("Per cohort and pooled".into()),
        header,
        rows,
        footnote: Some(format!(
            "Each cohort's hazard ratios from its own Cox models; pooled: the Cox models stratified by cohort. \
             Dropped: rows with a missing time, event or covariate{}.",
            if s["cohort_column"].is_string() {
                " (counted for the shared clinical table above)"
            } else {
                ""
            }
        )),
    }));
    blocks
}

/// "per SD" for the score term's long description; the group comparison as is.
fn short(what: &str) -> &str {
    if what.starts_with("per SD") {
        "per SD"
    } else {
        what
    }
}

/// "HR (CI)" and p cells of a term of a Cox JSON; "NA" when it has no estimate.
fn hr_cells(cox: &Value, term: &str) -> [Cell; 2] {
    let t = cox["terms"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["term"].as_str() == Some(term));
    let Some(t) = t else {
        return [Cell::text("NA"), Cell::text("NA")];
    };
    let hr = match (
        t["exp_coef"].as_f64(),
        t["lower"].as_f64(),
        t["upper"].as_f64(),
    ) {
        (Some(e), Some(l), Some(u)) => Cell::num(format_hr(e, l, u), e),
        _ => Cell::text("NA"),
    };
    let p = t["p_value"]
        .as_f64()
        .map_or_else(|| Cell::text("NA"), p_cell);
    [hr, p]
}

/// The pooled section: counts, the forest plots, the stratified log-rank test and Cox models.
fn pooled(
    s: &Value,
    r: &CohortsReportInputs,
    forests: Vec<Block>,
    is_adjusted: bool,
) -> Vec<Block> {
    let p = &s["pooled"];
    let strata: Vec<String> = names(&p["strata"]);
    let mut blocks = vec![Block::Facts(vec![
        ("Cohorts".into(), count(&s["n_cohorts"])),
        ("Patients".into(), count(&p["n"])),
        ("Events".into(), count(&p["n_events"])),
        ("Stratified by".into(), Cell::text(strata.join(", "))),
        (
            "Score in the pooled model".into(),
            Cell::text("per SD of the score within its cohort"),
        ),
    ])];
    blocks.push(Block::Subheading(format!(
        "{}azard ratios by cohort",
        if is_adjusted { "Adjusted h" } else { "H" }
    )));
    blocks.extend(forests);
    let searched = s["cohorts"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c.get("cutpoint").is_some());
    if let Some(g) = p.get("gray") {
        blocks.push(Block::Subheading("Stratified Gray's test".into()));
        blocks.push(Block::Facts(vec![
            (
                "Cause".into(),
                Cell::text(g["cause"].as_str().unwrap_or("")),
            ),
            ("Statistic".into(), sig_cell(num(&g["statistic"]), 6)),
            ("df".into(), count(&g["df"])),
            ("p".into(), p_cell(num(&g["p_value"]))),
        ]));
        blocks.push(Block::Subheading(
            "Stratified cause-specific Cox models".into(),
        ));
    } else {
        blocks.push(Block::Subheading("Stratified log-rank test".into()));
        blocks.extend(logrank(p, &strata, searched));
        blocks.push(Block::Subheading("Stratified Cox models".into()));
    }
    blocks.extend(cox(r.pooled_score, r.pooled_groups, None));
    blocks.push(Block::Text(
        "Each cohort's score divided by its standard deviation within the cohort; the groups are each \
         cohort's own. R: coxph(Surv(time, event) ~ score + covariates + strata(cohort))."
            .into(),
    ));
    blocks
}

/// A warning at the top of the cohorts section for cohorts left out (`--allow-missing-cohorts`).
fn left_out_note(s: &Value) -> Option<Block> {
    let gone: Vec<String> = s["cohorts_left_out"]
        .as_array()?
        .iter()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    if gone.is_empty() {
        return None;
    }
    let why: Vec<String> = s["rows_by_cohort"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["n_complete"] == 0)
        .map(|r| {
            let missing: Vec<String> = r["missing_by_column"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(c, k)| format!("{c} {k}"))
                .collect();
            format!(
                "{} ({} rows; missing: {})",
                r["cohort"].as_str().unwrap_or(""),
                r["n_read"],
                missing.join(", ")
            )
        })
        .collect();
    Some(Block::Note(format!(
        "Warning: cohort(s) {} left out of this analysis: no row has every column the models use. {}.",
        gone.join(", "),
        why.join("; ")
    )))
}

#[cfg(test)]
mod tests {
    use super::file_stems;

    #[test]
    fn stems_are_safe_and_unique() {
        assert_eq!(
            file_stems(["syn_a", "ER+/HER2-", "..", "", "Négatif", "A", "a", "a"]),
            [
                "syn_a",
                "ER__HER2-",
                "cohort",
                "cohort_2",
                "N_gatif",
                "A",
                "a_2",
                "a_3"
            ]
        );
        let long = "x".repeat(100);
        assert_eq!(file_stems([long.as_str()])[0].len(), 64);
    }
}
