//! Several cohorts side by side: each cohort (a cBioPortal study given with `--study`, or a value of the clinical
//! column `--cohort`) is analysed on its own, exactly as a single analysis of its patients (its own scoring, so the
//! score is standardised within the cohort, its own split, KM, log-rank and Cox models); then the cohorts are pooled
//! in Cox models stratified by cohort (the score per SD within its cohort, and the groups) and a log-rank test
//! stratified by cohort.
//!
//! # R equivalent
//! ```r
//! # d: one row per patient with its cohort, the score divided by its SD within the cohort, and its group
//! coxph(Surv(time, event) ~ score + covariates + strata(cohort), data = d)
//! coxph(Surv(time, event) ~ group + covariates + strata(cohort), data = d)
//! survdiff(Surv(time, event) ~ group + strata(cohort), data = d)
//! ```

use super::inputs::Inputs;
use super::join::{join, JoinReport};
use super::pipeline::{
    analyse, fit_cox, groups_term, logrank_by_group, Analysed, Outcome, Terms, GROUP, SCORE,
};
use super::report_cohorts::{write_cohorts_report, CohortFigures, CohortsReportInputs};
use super::spec::AnalysisSpec;
use super::summary_text::{hazard_ratio_lines, preview};
use crate::args::OutputArgs;
use crate::cmd::cox::{to_json as cox_json, CoxModel};
use crate::failure::{CliResult, Failure};
use crate::input::{factor_of, read_times, Factor, SurvInput};
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig};
use serde_json::{json, Map, Value};
use sigsurv_io::{decode_event_column, ColumnValues, FileRows, Table};
use std::path::{Path, PathBuf};

/// The column sigsurv adds to the pooled table when the cohorts are studies.
const COHORT: &str = "cohort";

/// Whether the analysis has several cohorts (several studies, or a cohort column).
pub(super) fn requested(spec: &AnalysisSpec) -> bool {
    spec.data.study.len() > 1 || spec.data.cohort.is_some()
}

/// One cohort's analysis.
struct Cohort {
    name: String,
    /// The study folder, when cohorts are studies.
    study: Option<PathBuf>,
    analysed: Analysed,
}

/// The cohorts of an analysis and what the pooled models need to know about them.
struct Cohorts {
    cohorts: Vec<Cohort>,
    terms: Terms,
    /// The column naming the cohort in the cohorts' tables (`--cohort COL`), or `None` when sigsurv adds it.
    column: Option<String>,
    /// Top-level keys about a shared clinical table (`--cohort`).
    shared: Option<Value>,
}

pub(super) fn run_cohorts(spec: &AnalysisSpec, out: &OutputArgs) -> CliResult<Outcome> {
    let Cohorts {
        cohorts,
        terms,
        column,
        shared,
    } =
        match &spec.data.cohort {
            Some(_) if spec.data.study.len() > 1 => return Err(Failure::input(
                "give either several --study folders (one cohort each) or --cohort COL, not both",
            )),
            Some(col) => by_column(spec, col, out)?,
            None => by_study(spec, out)?,
        };
    let strata_col = column.clone().unwrap_or_else(|| COHORT.to_string());
    let pooled = pool(spec, &terms, &cohorts, &strata_col, column.is_none(), out)?;

    let dir = &spec.output.dir;
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::input(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut scores_csv = CsvOut::new(&["cohort", "sample", "score", "score_per_sd", "group"]);
    for c in &cohorts {
        let a = &c.analysed;
        for (r, sample) in a.samples.iter().enumerate() {
            scores_csv.line([
                c.name.clone(),
                sample.clone(),
                num(a.raw_score[r]),
                num(a.raw_score[r] / a.sd),
                a.group_labels[r].clone(),
            ]);
        }
    }
    let first = &cohorts[0].analysed.summary;
    let mut summary = json!({
        "analysis": "analyze",
        "sigsurv_version": env!("CARGO_PKG_VERSION"),
        "set": first["set"],
        "method": first["method"],
        "split": spec.groups.split,
        "cohort_column": column,
        "n_cohorts": cohorts.len(),
        "n": pooled.n,
        "n_events": pooled.n_events,
    });
    if let Some(Value::Object(keys)) = shared {
        summary.as_object_mut().expect("an object").extend(keys);
    }
    summary["cohorts"] = cohorts
        .iter()
        .map(|c| {
            let mut entry = Map::new();
            entry.insert("cohort".into(), json!(c.name));
            if let Some(s) = &c.study {
                entry.insert("study".into(), json!(s.display().to_string()));
            }
            if let Value::Object(keys) = &c.analysed.summary {
                entry.extend(
                    keys.iter()
                        .filter(|(k, _)| *k != "analysis" && *k != "sigsurv_version")
                        .map(|(k, v)| (k.clone(), v.clone())),
                );
            }
            Value::Object(entry)
        })
        .collect();
    summary["pooled"] = json!({
        "strata": pooled.strata,
        "n": pooled.n,
        "n_events": pooled.n_events,
        "logrank": pooled.logrank,
        "cox_score": cox_json(&pooled.cox_score, None),
        "cox_groups": cox_json(&pooled.cox_groups, None),
    });

    let mut files = vec![dir.join("summary.json"), dir.join("scores.csv")];
    sigsurv_io::write_atomic(&files[0], crate::output::json_text(&summary).as_bytes())?;
    sigsurv_io::write_atomic(&files[1], scores_csv.finish().as_bytes())?;
    let report = CohortsReportInputs {
        spec,
        summary: &summary,
        cohorts: cohorts
            .iter()
            .map(|c| CohortFigures {
                fits: &c.analysed.fits,
                scores: &c.analysed.raw_score,
                cox_score: &c.analysed.cox_score,
                cox_groups: &c.analysed.cox_groups,
            })
            .collect(),
        pooled_score: &pooled.cox_score,
        pooled_groups: &pooled.cox_groups,
    };
    files.extend(write_cohorts_report(&report, out)?);
    let text = human_summary(&cohorts, &pooled, terms.covariates.as_deref());
    Ok(Outcome {
        summary,
        text,
        files,
    })
}

/// One cohort per study folder, named by the folder.
fn by_study(spec: &AnalysisSpec, out: &OutputArgs) -> CliResult<Cohorts> {
    if spec.data.expression.is_some() {
        return Err(Failure::input(
            "an expression file cannot be given with several --study folders: each study uses its own",
        ));
    }
    let names: Vec<String> = spec.data.study.iter().map(|d| study_name(d)).collect();
    for (i, name) in names.iter().enumerate() {
        if let Some(j) = names[..i].iter().position(|n| n == name) {
            return Err(Failure::input(format!(
                "two studies are named \"{name}\" ({} and {}); cohorts are named by their folder",
                spec.data.study[j].display(),
                spec.data.study[i].display()
            ))
            .hint("copy or link one of them under another folder name"));
        }
    }
    let mut cohorts: Vec<Cohort> = Vec::new();
    let mut first_terms: Option<Terms> = None;
    for (dir, name) in spec.data.study.iter().zip(names) {
        let inputs = Inputs::study(spec, dir)?;
        let terms = Terms::new(spec, &inputs)?;
        if terms
            .cov_columns
            .iter()
            .chain(&spec.model.strata)
            .any(|c| c == COHORT)
        {
            return Err(Failure::input(format!(
                "the clinical column \"{COHORT}\" clashes with the \"{COHORT}\" column sigsurv adds for several studies; \
                 rename it in the table"
            )));
        }
        if let Some(t) = &first_terms {
            if (t.time.as_str(), t.event.as_str()) != (terms.time.as_str(), terms.event.as_str()) {
                return Err(Failure::input(format!(
                    "the studies have different default endpoints: {} / {} in {} but {} / {} in {}",
                    t.time,
                    t.event,
                    spec.data.study[0].display(),
                    terms.time,
                    terms.event,
                    dir.display()
                ))
                .hint("choose one with --time COL --event COL"));
            }
        }
        let joined =
            join(spec, &terms, &inputs, &[], out).map_err(|e| in_cohort(e, &name, None))?;
        let all: Vec<usize> = (0..joined.rows.len()).collect();
        let analysed = analyse(spec, &terms, &joined, &all, &JoinReport::of(&joined), out)
            .map_err(|e| in_cohort(inputs.relabel(e), &name, Some(joined.rows.len())))?;
        cohorts.push(Cohort {
            name,
            study: Some(dir.clone()),
            analysed,
        });
        first_terms.get_or_insert(terms);
    }
    Ok(Cohorts {
        cohorts,
        terms: first_terms.expect("several studies"),
        column: None,
        shared: None,
    })
}

/// One cohort per value of the clinical column `col`, in R's factor order.
fn by_column(spec: &AnalysisSpec, col: &str, out: &OutputArgs) -> CliResult<Cohorts> {
    let inputs = Inputs::resolve(spec)?;
    let terms = Terms::new(spec, &inputs)?;
    if col == SCORE || col == GROUP {
        return Err(Failure::input(format!(
            "--cohort {col}: the \"{col}\" column is the one sigsurv adds; rename it in the table"
        )));
    }
    if terms.cov_columns.iter().any(|c| c == col) || spec.model.strata.iter().any(|c| c == col) {
        return Err(Failure::input(format!(
            "--cohort {col} is also a covariate or a stratum; within a cohort it would be constant"
        ))
        .hint("the pooled models are already stratified by cohort"));
    }
    let joined = join(spec, &terms, &inputs, &[col], out)?;
    let factor = factor_of(col, joined.clinical.get(col));
    let mut joined_rows = vec![false; joined.clinical.n()];
    for &r in &joined.rows {
        joined_rows[r] = true;
    }
    let mut cohorts = Vec::new();
    for (k, name) in factor.levels.iter().enumerate() {
        let patients: Vec<usize> = (0..joined.rows.len())
            .filter(|&p| factor.codes[joined.rows[p]] as usize == k)
            .collect();
        let only_clinical: Vec<String> = (0..joined.clinical.n())
            .filter(|&i| factor.codes[i] as usize == k && !joined_rows[i])
            .map(|i| joined.ids[i].clone())
            .collect();
        if patients.is_empty() {
            return Err(Failure::input(format!(
                "cohort \"{name}\" of column \"{col}\": none of its {} clinical row(s) has an expression sample ({})",
                only_clinical.len(),
                preview(&only_clinical)
            ))
            .hint(format!(
                "leave it out with --where, e.g. --where \"{col} <> '{name}'\""
            )));
        }
        let report = JoinReport {
            n_clinical_read: None,
            n_dropped: None,
            only_clinical,
            only_expression: Vec::new(),
        };
        let analysed = analyse(spec, &terms, &joined, &patients, &report, out)
            .map_err(|e| in_cohort(inputs.relabel(e), name, Some(patients.len())))?;
        cohorts.push(Cohort {
            name: name.clone(),
            study: None,
            analysed,
        });
    }
    let shared = json!({
        "n_clinical_read": joined.clinical.n_read,
        "n_dropped": joined.clinical.n_dropped,
        "ids_only_in_clinical": joined.only_clinical,
        "ids_only_in_expression": joined.only_expression,
    });
    Ok(Cohorts {
        cohorts,
        terms,
        column: Some(col.to_string()),
        shared: Some(shared),
    })
}

/// A study's cohort name: its folder's name.
fn study_name(dir: &Path) -> String {
    let name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
    name(dir)
        .or_else(|| std::path::absolute(dir).ok().as_deref().and_then(name))
        .unwrap_or_else(|| dir.display().to_string())
}

/// Says which cohort a failure is about (and how small it is).
fn in_cohort(mut e: Failure, name: &str, n: Option<usize>) -> Failure {
    e.message = match n {
        Some(1) => format!("cohort \"{name}\" (1 patient): {}", e.message),
        Some(n) => format!("cohort \"{name}\" ({n} patients): {}", e.message),
        None => format!("cohort \"{name}\": {}", e.message),
    };
    if e.code == 2 && n.is_some() {
        e = e.hint("each cohort is scored, split and modelled on its own; a cohort too small for that can be left out with --where");
    }
    e
}

/// The pooled models.
struct Pooled {
    strata: Vec<String>,
    n: usize,
    n_events: usize,
    logrank: Value,
    cox_score: CoxModel,
    cox_groups: CoxModel,
}

/// Stacks the cohorts' analysed tables (adding the cohort column when `add_column`) and fits the models stratified
/// by `strata_col` (and the analysis's own strata).
fn pool(
    spec: &AnalysisSpec,
    terms: &Terms,
    cohorts: &[Cohort],
    strata_col: &str,
    add_column: bool,
    out: &OutputArgs,
) -> CliResult<Pooled> {
    let levels: Vec<String> = group_levels(&cohorts[0].analysed.summary);
    for c in &cohorts[1..] {
        let other = group_levels(&c.analysed.summary);
        if other != levels {
            return Err(Failure::internal(format!(
                "cohorts \"{}\" and \"{}\" have different groups ({} / {})",
                cohorts[0].name,
                c.name,
                levels.join(", "),
                other.join(", ")
            )));
        }
    }
    let mut table = stack(cohorts)?;
    if add_column {
        let names = cohorts
            .iter()
            .flat_map(|c| std::iter::repeat_n(c.name.as_str(), c.analysed.table.n()))
            .collect();
        table
            .columns
            .push((strata_col.to_string(), ColumnValues::Text(names)));
    }
    let time = read_times(&table, &terms.time)?;
    let (event, coding) =
        decode_event_column(&table, &terms.event, spec.survival.event_value.as_deref())?;
    let n_events = event.iter().filter(|e| **e).count();
    let groups = Factor {
        column: GROUP.into(),
        codes: match table.get(GROUP) {
            ColumnValues::Text(g) => g
                .iter()
                .map(|g| levels.iter().position(|l| l == g).unwrap_or(0) as u32)
                .collect(),
            _ => unreachable!("the group column is text"),
        },
        levels: levels.clone(),
    };
    let mut strata = vec![strata_col.to_string()];
    strata.extend(spec.model.strata.iter().cloned());
    let cox_score = fit_cox(spec, terms, &table, SCORE, &strata, out).map_err(pooled_failure)?;
    let cox_groups = fit_cox(spec, terms, &table, &groups_term(&levels[0]), &strata, out)
        .map_err(pooled_failure)?;
    let data = crate::args::DataArgs {
        source: crate::args::TableArgs {
            data: table.path.clone(),
            event_value: spec.survival.event_value.clone(),
            filter: spec.data.filter.clone(),
            delimiter: None,
        },
        time: terms.time.clone(),
        event: terms.event.clone(),
    };
    let n = table.n();
    let input = SurvInput {
        table,
        time,
        event,
        coding,
    };
    let logrank = logrank_by_group(&data, &input, &groups, &strata, out).map_err(pooled_failure)?;
    Ok(Pooled {
        strata,
        n,
        n_events,
        logrank,
        cox_score,
        cox_groups,
    })
}

fn pooled_failure(mut e: Failure) -> Failure {
    e.message = format!("pooled cohorts: {}", e.message);
    e
}

fn group_levels(summary: &Value) -> Vec<String> {
    summary["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["group"].as_str().map(str::to_string))
        .collect()
}

/// The cohorts' analysed tables one under the other; a column must have the same type in every cohort.
fn stack(cohorts: &[Cohort]) -> CliResult<Table> {
    let first = &cohorts[0].analysed.table;
    let mut columns: Vec<(String, ColumnValues)> = first.columns.clone();
    for c in &cohorts[1..] {
        let t = &c.analysed.table;
        for (name, values) in columns.iter_mut() {
            let more = t
                .columns
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v)
                .ok_or_else(|| {
                    Failure::internal(format!("cohort \"{}\" has no column \"{name}\"", c.name))
                })?;
            match (values, more) {
                (ColumnValues::Numeric(a), ColumnValues::Numeric(b)) => a.extend_from_slice(b),
                (ColumnValues::Text(a), ColumnValues::Text(b)) => a.extend_from_slice(b),
                (ColumnValues::Bool(a), ColumnValues::Bool(b)) => a.extend_from_slice(b),
                (a, b) => {
                    return Err(Failure::input(format!(
                        "column \"{name}\" is {} in cohort \"{}\" but {} in cohort \"{}\"; the pooled models need one type",
                        kind(a),
                        cohorts[0].name,
                        kind(b),
                        c.name
                    ))
                    .hint("make the column's values alike in every study (e.g. numbers everywhere)"))
                }
            }
        }
    }
    Ok(Table {
        path: PathBuf::from(format!(
            "the pooled cohorts ({})",
            cohorts
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        format: first.format,
        n_read: cohorts.iter().map(|c| c.analysed.table.n_read).sum(),
        n_dropped: cohorts.iter().map(|c| c.analysed.table.n_dropped).sum(),
        missing_by_column: Vec::new(),
        rows: FileRows::Listed(
            cohorts
                .iter()
                .flat_map(|c| c.analysed.table.rows.iter())
                .collect(),
        ),
        columns,
    })
}

fn kind(v: &ColumnValues) -> &'static str {
    match v {
        ColumnValues::Numeric(_) => "numeric",
        ColumnValues::Text(_) => "text",
        ColumnValues::Bool(_) => "true/false",
    }
}

fn human_summary(cohorts: &[Cohort], pooled: &Pooled, covariates: Option<&str>) -> String {
    let mut t = String::new();
    for c in cohorts {
        t.push_str(&format!("== cohort {} ==\n", c.name));
        t.push_str(&c.analysed.text);
        t.push('\n');
    }
    t.push_str(&format!(
        "== pooled: {} cohorts, {} patients with {} events, stratified by {}{} ==\n",
        cohorts.len(),
        pooled.n,
        pooled.n_events,
        pooled.strata.join(", "),
        covariates.map_or(String::new(), |c| format!(", adjusted for {c}"))
    ));
    t.push_str(&format!(
        "log-rank: chisq = {} on {} df, p = {}\n",
        sig(pooled.logrank["chisq"].as_f64().unwrap_or(f64::NAN), 4),
        pooled.logrank["df"],
        pval(pooled.logrank["p_value"].as_f64().unwrap_or(f64::NAN))
    ));
    t.push_str(&hazard_ratio_lines(
        &pooled.cox_score,
        &pooled.cox_groups,
        "per SD of the score within its cohort",
    ));
    t
}
