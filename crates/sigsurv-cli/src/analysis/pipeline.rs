//! One analysis from expression + clinical data to survival results: join the tables on the sample id, score the
//! signature over the analysed patients, split them, and compare the groups (KM, log-rank) and the score (Cox),
//! adjusted for covariates. Shared by `analyze`, `run` and `check`. The inputs are resolved in `inputs`, the
//! tables joined in `join`, and the printed summary written by `summary_text`.

use super::inputs::Inputs;
use super::join::{join, subset, JoinReport, Joined};
use super::report::{write_report, ReportInputs};
use super::spec::AnalysisSpec;
use super::summary_text::human_summary;
use crate::args::{ConfTypeArg, DataArgs, KmArgs, LogrankArgs, OutputArgs, PAdjustArg};
use crate::cmd::cox::{fit_on_table, parse, to_json as cox_json, CoxModel};
use crate::cmd::cutpoint::BIAS_NOTE;
use crate::cmd::km::{to_json as km_json, GroupFit};
use crate::cmd::logrank::to_json as logrank_json;
use crate::failure::{CliResult, Failure};
use crate::input::{read_times, Factor, SurvInput};
use crate::render::csv::{num, CsvOut};
use crate::signature::score;
use serde_json::{json, Value};
use sigsurv_core::cox::{CoxOptions, Ties};
use sigsurv_core::cutpoint::{maxstat_logrank, CutpointOptions};
use sigsurv_core::km::{kaplan_meier_by, KmOptions};
use sigsurv_core::logrank::{survdiff, LogRankOptions};
use sigsurv_core::split::{split_scores, Split};
use sigsurv_io::{decode_event_column, ColumnValues, Table};
use std::collections::HashMap;
use std::path::PathBuf;

/// What an analysis produced: the `summary.json` value, the human summary, and the files written.
pub struct Outcome {
    pub summary: Value,
    pub text: String,
    pub files: Vec<PathBuf>,
}

/// Column names sigsurv adds to the analysed table; a clinical column of the same name would be ambiguous.
pub(super) const SCORE: &str = "score";
pub(super) const GROUP: &str = "group";

pub fn run_analysis(spec: &AnalysisSpec, out: &OutputArgs) -> CliResult<Outcome> {
    if super::cohorts::requested(spec) {
        return super::cohorts::run_cohorts(spec, out);
    }
    let inputs = Inputs::resolve(spec)?;
    let terms = Terms::new(spec, &inputs)?;
    let joined = join(spec, &terms, &inputs, &[], out)?;
    let report = JoinReport::of(&joined);
    let Analysed {
        summary,
        text,
        samples,
        raw_score,
        sd,
        group_labels,
        fits,
        cox_score,
        cox_groups,
        ..
    } = analyse(
        spec,
        &terms,
        &joined,
        &(0..joined.rows.len()).collect::<Vec<_>>(),
        &report,
        out,
    )
    .map_err(|e| inputs.relabel(e))?;

    // Outputs.
    let dir = &spec.output.dir;
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::input(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut scores_csv = CsvOut::new(&["sample", "score", "score_per_sd", "group"]);
    for (r, sample) in samples.iter().enumerate() {
        scores_csv.line([
            sample.clone(),
            num(raw_score[r]),
            num(raw_score[r] / sd),
            group_labels[r].clone(),
        ]);
    }
    let mut files = vec![dir.join("summary.json"), dir.join("scores.csv")];
    sigsurv_io::write_atomic(&files[0], crate::output::json_text(&summary).as_bytes())?;
    sigsurv_io::write_atomic(&files[1], scores_csv.finish().as_bytes())?;
    let report = ReportInputs {
        spec,
        summary: &summary,
        fits: &fits,
        scores: &raw_score,
        cox_score: &cox_score,
        cox_groups: &cox_groups,
    };
    files.extend(write_report(&report, out)?);
    Ok(Outcome {
        summary,
        text,
        files,
    })
}

/// The survival columns and the model terms of an analysis, resolved against its inputs.
pub(super) struct Terms {
    pub time: String,
    pub event: String,
    /// The covariates' right-hand side, if any.
    pub covariates: Option<String>,
    /// The clinical columns the covariates use.
    pub cov_columns: Vec<String>,
}

impl Terms {
    pub fn new(spec: &AnalysisSpec, inputs: &Inputs) -> CliResult<Terms> {
        let (time_col, event_col) = (inputs.time.as_str(), inputs.event.as_str());
        // Columns of the clinical table the models use.
        let covariates = spec
            .model
            .covariates
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let cov_columns: Vec<String> = match covariates {
            Some(c) => parse(&format!("Surv({time_col}, {event_col}) ~ {c}"))
                .map_err(|f| covariates_failure(f, spec))?
                .columns()
                .into_iter()
                .filter(|x| x != time_col && x != event_col)
                .collect(),
            None => Vec::new(),
        };
        for c in cov_columns.iter().chain(&spec.model.strata) {
            if c == SCORE || c == GROUP {
                return Err(Failure::input(format!(
                    "the clinical column \"{c}\" clashes with the \"{c}\" column sigsurv adds; rename it in the table"
                )));
            }
        }
        Ok(Terms {
            time: inputs.time.clone(),
            event: inputs.event.clone(),
            covariates: covariates.map(str::to_string),
            cov_columns,
        })
    }
}

/// One analysis of a set of patients: its `summary.json` value, human summary and per-patient results.
pub(super) struct Analysed {
    pub summary: Value,
    pub text: String,
    /// The analysed patients' sample ids, raw scores, and groups, in the clinical table's order.
    pub samples: Vec<String>,
    pub raw_score: Vec<f64>,
    pub sd: f64,
    pub group_labels: Vec<String>,
    /// The analysed rows of the clinical table with the columns `score` (per SD) and `group` added.
    pub table: Table,
    /// What the report draws: the KM curves by group and both Cox models.
    pub fits: Vec<GroupFit>,
    pub cox_score: CoxModel,
    pub cox_groups: CoxModel,
}

/// Scores, splits and models the joined patients `patients` (indices into `joined.rows`): the set is scored over
/// these patients only, split at their quantiles, and compared by KM, log-rank and Cox.
pub(super) fn analyse(
    spec: &AnalysisSpec,
    terms: &Terms,
    joined: &Joined,
    patients: &[usize],
    report: &JoinReport,
    out: &OutputArgs,
) -> CliResult<Analysed> {
    let sv = &spec.survival;
    let (time_col, event_col) = (terms.time.as_str(), terms.event.as_str());
    let covariates = terms.covariates.as_deref();
    let Joined {
        data,
        clinical,
        ids,
        matrix,
        expr_args,
        ..
    } = joined;
    let rows: Vec<usize> = patients.iter().map(|&p| joined.rows[p]).collect();
    let cols: Vec<usize> = patients.iter().map(|&p| joined.cols[p]).collect();
    let matrix = matrix.select_samples(&cols);

    // Score the analysed patients only: z-scores, ranks and ssGSEA's normalisation are relative to them.
    let scored = score(matrix, None, expr_args, out)?;
    let set_name = scored.sets[0].name.clone();
    let by_sample: HashMap<&str, f64> = scored
        .samples
        .iter()
        .map(String::as_str)
        .zip(scored.scores[0].iter().copied())
        .collect();
    let keep: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| by_sample.contains_key(ids[i].as_str()))
        .collect();
    let raw_score: Vec<f64> = keep.iter().map(|&i| by_sample[ids[i].as_str()]).collect();
    let mut table = subset(clinical, &keep);
    let n = table.n();
    let time = read_times(&table, time_col)?;
    let (event, coding) = decode_event_column(&table, event_col, sv.event_value.as_deref())?;

    // Groups.
    let (split, cut) = if spec.groups.split.trim().eq_ignore_ascii_case("optimal") {
        let opts = CutpointOptions {
            min_prop: spec.groups.min_prop,
            max_prop: spec.groups.max_prop,
            ..CutpointOptions::default()
        };
        let c = maxstat_logrank(&time, &event, &raw_score, &opts)
            .map_err(|e| Failure::input(format!("cannot find an optimal cut-point: {e}")))?;
        (Split::Cuts(vec![c.cutpoint]), Some(c))
    } else {
        let s = Split::parse(&spec.groups.split)
            .map_err(|e| Failure::input(format!("invalid split \"{}\": {e}", spec.groups.split)))?;
        (s, None)
    };
    let grouping = split_scores(&raw_score, &split).map_err(|e| {
        Failure::input(format!(
            "cannot split the {set_name} scores ({}): {e}",
            spec.groups.split
        ))
    })?;
    let k = grouping.names.len();

    let sd = sample_sd(&raw_score);
    if sd.is_nan() || sd <= 0.0 {
        return Err(Failure::input(format!(
            "the {set_name} score is constant over the analysed patients"
        )));
    }
    table.columns.push((
        SCORE.into(),
        ColumnValues::Numeric(raw_score.iter().map(|s| s / sd).collect()),
    ));
    table.columns.push((
        GROUP.into(),
        ColumnValues::Text(
            grouping
                .group
                .iter()
                .map(|&g| grouping.names[g as usize].as_str())
                .collect(),
        ),
    ));

    // Kaplan-Meier and log-rank by group.
    let km_opts = KmOptions::default();
    let curves = kaplan_meier_by(&time, &event, &grouping.group, k, &km_opts)
        .map_err(|e| Failure::input(format!("Kaplan-Meier: {e}")))?;
    let fits: Vec<GroupFit> = grouping
        .names
        .iter()
        .cloned()
        .zip(curves)
        .map(|(name, curve)| GroupFit { name, curve })
        .collect();
    let group_factor = Factor {
        column: GROUP.into(),
        codes: grouping.group.clone(),
        levels: grouping.names.clone(),
    };
    let input = SurvInput {
        table: table.clone(),
        time: time.clone(),
        event: event.clone(),
        coding,
    };
    let km_args = KmArgs {
        data: data.clone(),
        by: Some(GROUP.into()),
        conf_type: ConfTypeArg::Log,
        conf_level: 0.95,
        rmst: None,
        design: Default::default(),
        output: out.clone(),
    };
    let km = km_json(&km_args, &input, &fits);
    let logrank = logrank_by_group(data, &input, &group_factor, &spec.model.strata, out)?;

    // Cox models: the score per SD, and the groups against the lowest.
    let cox_score = fit_cox(spec, terms, &table, SCORE, &spec.model.strata, out)?;
    let cox_groups = fit_cox(
        spec,
        terms,
        &table,
        &groups_term(&grouping.names[0]),
        &spec.model.strata,
        out,
    )?;

    let m = &scored.matches[0];
    let mut summary = json!({
        "analysis": "analyze",
        "sigsurv_version": env!("CARGO_PKG_VERSION"),
        "set": set_name,
        "method": scored.method.name(),
        "genes_used": m.used,
        "genes_missing": m.missing,
        "genes_dropped_constant": scored.dropped_constant[0],
        "n": n,
        "n_events": event.iter().filter(|e| **e).count(),
        "n_clinical_read": report.n_clinical_read,
        "n_dropped": report.n_dropped,
        "ids_only_in_clinical": report.only_clinical,
        "ids_only_in_expression": report.only_expression,
        "score_sd": sd,
        "split": spec.groups.split,
        "cutpoints": grouping.cutpoints,
        "groups": grouping.names.iter().zip(&grouping.counts).map(|(g, c)| json!({"group": g, "n": c})).collect::<Vec<_>>(),
        "km": km,
        "logrank": logrank,
        "cox_score": cox_json(&cox_score, None),
        "cox_groups": cox_json(&cox_groups, None),
    });
    if let Some(c) = &cut {
        summary["cutpoint"] = json!({
            "analysis": "cutpoint", "cutpoint": c.cutpoint, "statistic": c.statistic, "p_value": c.p_value,
            "p_value_permutation": c.p_value_permutation, "n_low": c.n_low, "n_high": c.n_high,
            "naive_p_value": c.naive_p_value, "note": BIAS_NOTE,
        });
    }
    let text = human_summary(
        &summary,
        &cox_score,
        &cox_groups,
        covariates,
        &spec.model.strata,
    );
    Ok(Analysed {
        summary,
        text,
        samples: keep.iter().map(|&i| ids[i].clone()).collect(),
        raw_score,
        sd,
        group_labels: grouping
            .group
            .iter()
            .map(|&g| grouping.names[g as usize].clone())
            .collect(),
        table,
        fits,
        cox_score,
        cox_groups,
    })
}

/// The log-rank test of `groups`, stratified by the `strata` columns of `input`, as the logrank JSON.
pub(super) fn logrank_by_group(
    data: &DataArgs,
    input: &SurvInput,
    groups: &Factor,
    strata: &[String],
    out: &OutputArgs,
) -> CliResult<Value> {
    let strata_factor = input.combined_factor(strata);
    let lr = survdiff(
        &input.time,
        &input.event,
        &groups.codes,
        groups.levels.len(),
        strata_factor.as_ref().map(|s| s.codes.as_slice()),
        &LogRankOptions::default(),
    )
    .map_err(|e| Failure::input(format!("log-rank test: {e}")))?;
    let lr_args = LogrankArgs {
        data: data.clone(),
        by: GROUP.into(),
        strata: strata.to_vec(),
        rho: 0.0,
        pairwise: false,
        p_adjust: PAdjustArg::Bh,
        entry: None,
        output: out.clone(),
    };
    Ok(logrank_json(
        &lr_args,
        input,
        groups,
        strata_factor.as_ref(),
        &lr,
        None,
    ))
}

/// The Cox model term of the groups, against the lowest group.
pub(super) fn groups_term(reference: &str) -> String {
    format!("factor({GROUP}, ref = \"{reference}\")")
}

/// Fits `Surv(time, event) ~ rhs + covariates + strata(s) for s in strata` on `table`; warnings go to stderr.
pub(super) fn fit_cox(
    spec: &AnalysisSpec,
    terms: &Terms,
    table: &Table,
    rhs: &str,
    strata: &[String],
    out: &OutputArgs,
) -> CliResult<CoxModel> {
    let ties = match spec.model.ties.as_str() {
        "efron" => Ties::Efron,
        "breslow" => Ties::Breslow,
        other => {
            return Err(Failure::input(format!(
                "ties = \"{other}\": expected efron or breslow"
            )))
        }
    };
    let cox_opts = CoxOptions {
        ties,
        ..CoxOptions::default()
    };
    let rhs_extra: String = terms
        .covariates
        .as_deref()
        .map(|c| format!(" + {c}"))
        .into_iter()
        .chain(strata.iter().map(|s| format!(" + strata({s})")))
        .collect();
    let text = format!("Surv({}, {}) ~ {rhs}{rhs_extra}", terms.time, terms.event);
    let formula = parse(&text)?;
    let model = fit_on_table(
        &text,
        &formula,
        table.clone(),
        None,
        spec.survival.event_value.as_deref(),
        &cox_opts,
    )?;
    for w in &model.fit.warnings {
        out.warn(&format!("{text}: {w}"));
    }
    Ok(model)
}

/// Standard deviation with n - 1, as R's `sd()`.
/// A covariates error names where the covariates came from: `--covariates` or the analysis file's `[model]`
/// table (the formula it quotes is the one sigsurv built around them).
fn covariates_failure(mut f: Failure, spec: &AnalysisSpec) -> Failure {
    let (origin, example) = match &spec.file {
        Some(file) => (
            format!("covariates in the [model] table of {}", file.display()),
            "e.g. covariates = \"age + factor(grade) + er\"",
        ),
        None => (
            "--covariates".to_string(),
            "e.g. --covariates \"age + factor(grade) + er\"",
        ),
    };
    if let Some(rest) = f.message.strip_prefix("invalid --formula ") {
        f.message = format!("invalid {origin}: in the model formula {rest}");
    }
    f.hints = vec![example.to_string()];
    f
}

fn sample_sd(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}
