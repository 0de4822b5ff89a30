//! `sigsurv plot km` and `sigsurv plot forest`: figures as SVG or PNG (drawn by sigsurv-plot).

use super::figure_output::{check_output, flag_failure, out_args, save};
use crate::analysis::figures::{
    cohort_forest_rows, heterogeneity_line, summary_forest_rows, CohortTerm,
};
use crate::args::DataArgs;
use crate::args::{FunArg, PlotArgs, PlotForestArgs, PlotKind, PlotKmArgs};
use crate::core_options::conf_type;
use crate::failure::{CliResult, Failure};
use crate::input::SurvInput;
use crate::render::logrank::NO_EVENTS_NOTE;
use serde_json::Value;
use sigsurv_core::km::{kaplan_meier_by, KmOptions};
use sigsurv_core::logrank::{survdiff, LogRankOptions};
use sigsurv_io::{read_table, ColumnValues, TableSpec};
use sigsurv_plot::{
    forest_svg, km_svg, p_label, ForestOptions, ForestRow, Fun, KmPlotOptions, OverlayCurve,
    PlotGroup,
};
use std::path::Path;

pub fn run(a: &PlotArgs) -> CliResult<()> {
    match &a.kind {
        PlotKind::Km(k) => km(k),
        PlotKind::Forest(f) => forest(f),
        PlotKind::Cif(c) => super::plot_cif::run(c),
        PlotKind::Auc(v) => super::plot_validation::auc(v),
        PlotKind::Calibration(v) => super::plot_validation::calibration(v),
        PlotKind::CoxnetPath(v) => super::plot_coxnet::path(v),
        PlotKind::CoxnetCv(v) => super::plot_coxnet::cv(v),
    }
}

fn km(a: &PlotKmArgs) -> CliResult<()> {
    check_output(&a.figure)?;
    crate::core_options::check_conf_level(a.conf_level)?;
    let out = out_args(&a.figure);
    let extra: Vec<&str> = a.by.iter().map(String::as_str).collect();
    let input = SurvInput::read(&a.data, &extra, &out)?;
    let (codes, levels) = match &a.by {
        Some(by) => {
            let mut f = input.factor(by);
            f.reorder(&a.levels)?;
            (f.codes, f.levels)
        }
        None => (vec![0; input.time.len()], vec!["all".to_string()]),
    };
    let opts = KmOptions {
        conf_type: conf_type(a.conf_type),
        conf_level: a.conf_level,
        ..KmOptions::default()
    };
    let curves = kaplan_meier_by(&input.time, &input.event, &codes, levels.len(), &opts)
        .map_err(|e| input.core_failure(e))?;
    if !a.labels.is_empty() && a.labels.len() != levels.len() {
        return Err(Failure::input(format!(
            "--labels gives {} names for {} groups ({})",
            a.labels.len(),
            levels.len(),
            levels.join(", ")
        ))
        .hint("one name per group, comma-separated, in this order"));
    }
    // --labels renames the groups in the legend and the risk table (and the overlay's groups with them).
    let shown = |name: &str| -> String {
        match levels.iter().position(|l| l == name) {
            Some(k) if !a.labels.is_empty() => a.labels[k].trim().to_string(),
            _ => name.to_string(),
        }
    };
    let groups: Vec<PlotGroup> = levels
        .iter()
        .zip(curves)
        .map(|(name, curve)| PlotGroup {
            name: shown(name),
            curve,
        })
        .collect();
    let mut annotations = Vec::new();
    if groups.len() >= 2 && !a.no_pvalue {
        let lr = survdiff(
            &input.time,
            &input.event,
            &codes,
            levels.len(),
            None,
            &LogRankOptions::default(),
        )
        .map_err(|e| input.core_failure(e))?;
        if lr.p_value.is_nan() {
            out.note(NO_EVENTS_NOTE);
            annotations.push("Log-rank p = NA (no events)".to_string());
        } else {
            annotations.push(format!("Log-rank {}", p_label(lr.p_value)));
        }
    }
    let mut overlay = match &a.overlay {
        Some(path) => read_overlay(path, &a.data, &levels, a.by.is_some())?,
        None => Vec::new(),
    };
    for c in &mut overlay {
        c.group = shown(&c.group);
    }
    let defaults = KmPlotOptions::default();
    let f = &a.figure;
    let po = KmPlotOptions {
        title: f.title.clone(),
        xlab: f.xlab.clone(),
        ylab: a.ylab.clone(),
        time_unit: a.time_unit.clone(),
        fun: match a.fun {
            FunArg::Surv => Fun::Surv,
            FunArg::Event => Fun::Event,
        },
        ci: a.ci,
        censor_marks: !a.no_censor_marks,
        median_lines: a.median_lines,
        risk_table: !a.no_risk_table,
        breaks: a.breaks,
        xmax: a.xmax,
        legend_title: a.legend_title.clone().or_else(|| a.by.clone()),
        annotations,
        overlay,
        palette: a.palette.iter().map(|c| c.trim().to_string()).collect(),
        width: f.width_px(defaults.width),
        height: f.height_px(defaults.width, defaults.height),
        dpi: f.dpi,
        font_size: f.font_size,
        ..defaults
    };
    let svg = km_svg(&groups, &po).map_err(flag_failure)?;
    save(&svg, f)?;
    out.note(&format!("wrote {}", f.output.display()));
    Ok(())
}

/// Reads the digitised curves: columns time, survival and (with --by) group.
fn read_overlay(
    path: &Path,
    data: &DataArgs,
    levels: &[String],
    grouped: bool,
) -> CliResult<Vec<OverlayCurve>> {
    let spec = TableSpec {
        path: path.to_path_buf(),
        delimiter: data.source.delimiter.map(|c| c as u8),
        filter: None,
    };
    let names = sigsurv_io::table::column_names(&spec)?;
    let has_group = names.iter().any(|n| n == "group");
    if grouped && !has_group {
        return Err(Failure::input(format!(
            "--overlay {} has no \"group\" column; with --by it needs columns time, survival, group",
            path.display()
        )));
    }
    let mut columns = vec!["time", "survival"];
    if has_group {
        columns.push("group");
    }
    let table = read_table(&spec, &columns)?;
    let time = table.numeric("time")?;
    let surv = table.numeric("survival")?;
    let group: Vec<String> = if has_group {
        let g: &ColumnValues = table.get("group");
        (0..g.len()).map(|i| g.label(i)).collect()
    } else {
        vec![levels[0].clone(); time.len()]
    };
    // One curve per group, in the order the groups first appear in the file.
    let mut curves: Vec<OverlayCurve> = Vec::new();
    for ((t, s), g) in time.into_iter().zip(surv).zip(group) {
        match curves.iter_mut().find(|c| c.group == g) {
            Some(c) => {
                c.time.push(t);
                c.surv.push(s);
            }
            None => curves.push(OverlayCurve {
                group: g,
                time: vec![t],
                surv: vec![s],
            }),
        }
    }
    if curves.is_empty() {
        return Err(Failure::input(format!(
            "--overlay {} has no rows",
            path.display()
        )));
    }
    Ok(curves)
}

fn forest(a: &PlotForestArgs) -> CliResult<()> {
    check_output(&a.figure)?;
    if !a.xlim.is_empty() && a.xlim.len() != 2 {
        return Err(Failure::input(format!(
            "--xlim needs two numbers LO,HI, got {}",
            a.xlim.len()
        )));
    }
    let path = &a.json;
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::input(format!("cannot read {}: {e}", path.display())))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| {
        Failure::input(format!("{} is not valid JSON: {e}", path.display()))
            .hint("expected the output of `sigsurv cox --format json`")
    })?;
    let by_cohort =
        json.get("cohorts").is_some_and(Value::is_array) && json.get("pooled").is_some();
    let rows = if by_cohort {
        let (rows, left_out) = cohort_forest_rows(&json, &CohortTerm::named(&a.term));
        if rows.is_empty() {
            return Err(Failure::input(format!(
                "{}: no cohort has an estimate of the term \"{}\"",
                path.display(),
                a.term
            ))
            .hint("--term score, or --term group=<level> (e.g. group=high)"));
        }
        if !left_out.is_empty() {
            out_args(&a.figure).note(&format!(
                "no estimate of \"{}\" in {}: left out",
                a.term,
                left_out.join(", ")
            ));
        }
        rows
    } else if json.get("cox_score").is_some_and(Value::is_object) {
        // A single-cohort summary.json: the terms of both Cox models, as the analysis's own forest plot.
        let adjusted = json["cox_score"]["terms"]
            .as_array()
            .is_some_and(|t| t.len() > 1);
        summary_forest_rows(&json["cox_score"], &json["cox_groups"], adjusted)
    } else {
        forest_rows(&json).map_err(|m| {
            Failure::input(format!("{}: {m}", path.display()))
                .hint("expected {\"terms\": [{\"term\", \"exp_coef\", \"lower\", \"upper\", \"p_value\"}, ...]}")
        })?
    };
    let rows = select_rows(rows, &a.terms)
        .map_err(|m| Failure::input(format!("{}: {m}", path.display())))?;
    let f = &a.figure;
    let defaults = ForestOptions::default();
    let xlim = match a.xlim.as_slice() {
        [] => None,
        [lo, hi] => Some((*lo, *hi)),
        _ => None,
    };
    let opts = ForestOptions {
        title: f.title.clone(),
        xlab: f.xlab.clone().unwrap_or(defaults.xlab.clone()),
        label_header: if a.label_header.is_empty() && by_cohort {
            "Cohort".to_string()
        } else {
            a.label_header.clone()
        },
        ci_level: json
            .get("conf_level")
            .and_then(Value::as_f64)
            .unwrap_or(defaults.ci_level),
        xlim,
        footnote: if by_cohort {
            heterogeneity_line(&json, &a.term)
        } else {
            None
        },
        width: f.width_px(defaults.width),
        height: f.height,
        dpi: f.dpi,
        font_size: f.font_size,
        ..defaults
    };
    let svg = forest_svg(&rows, &opts).map_err(flag_failure)?;
    save(&svg, f)?;
    out_args(f).note(&format!("wrote {}", f.output.display()));
    Ok(())
}

/// The rows of a forest plot from the `cox` JSON: `terms` (or `rows`), each with a label (`term`, `cohort`
/// or `label`), `exp_coef` (or `hr`), `lower`, `upper`, and optionally `p_value`, `n`, `n_events` (or
/// `events`) and `summary` (or `pooled`: true draws the row as a diamond). A null or missing estimate or limit
/// (a dropped term, an infinite coefficient) is a "not estimable" row.
fn forest_rows(json: &Value) -> Result<Vec<ForestRow>, String> {
    let terms = json
        .get("terms")
        .or_else(|| json.get("rows"))
        .and_then(Value::as_array)
        .ok_or("no \"terms\" array")?;
    if terms.is_empty() {
        return Err("the \"terms\" array is empty".to_string());
    }
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let label = ["term", "cohort", "label"]
                .iter()
                .find_map(|k| t.get(*k).and_then(Value::as_str))
                .map(str::to_string)
                .ok_or(format!("term {} has no \"term\" name", i + 1))?;
            let num = |keys: &[&str]| -> Result<Option<f64>, String> {
                match keys.iter().find_map(|k| t.get(*k)) {
                    None | Some(Value::Null) => Ok(None),
                    Some(v) => v.as_f64().map(Some).ok_or(format!(
                        "term \"{label}\": \"{}\" is {v}, not a number",
                        keys[0]
                    )),
                }
            };
            let count = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| t.get(*k).and_then(Value::as_u64))
                    .map(|n| n as usize)
            };
            let (estimate, lower, upper) = (
                num(&["exp_coef", "hr"])?,
                num(&["lower"])?,
                num(&["upper"])?,
            );
            Ok(ForestRow {
                p_value: t.get("p_value").and_then(Value::as_f64),
                n: count(&["n"]),
                events: count(&["n_events", "events"]),
                summary: ["summary", "pooled"]
                    .iter()
                    .any(|k| t.get(*k).and_then(Value::as_bool) == Some(true)),
                ..ForestRow::from_estimate(label, estimate, lower, upper)
            })
        })
        .collect()
}

/// The rows named in `labels` (`--terms`), in that order; all rows when none is named.
fn select_rows(rows: Vec<ForestRow>, labels: &[String]) -> Result<Vec<ForestRow>, String> {
    if labels.is_empty() {
        return Ok(rows);
    }
    labels
        .iter()
        .map(|l| {
            rows.iter().find(|r| r.label == *l).cloned().ok_or_else(|| {
                let names: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
                format!(
                    "--terms {l}: no such row (the rows are: {})",
                    names.join(", ")
                )
            })
        })
        .collect()
}
