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

use super::analyse::analyse;
use super::cohort::Cohort;
use super::cohort_rows::{check_none_vanished, cohort_rows, CohortRows};
use super::columns::{GROUP, SCORE};
use super::heterogeneity::heterogeneity;
use super::inputs::Inputs;
use super::join::{join, JoinReport};
use super::outcome::Outcome;
use super::pooled::pool;
use super::preview::preview;
use super::report_cohorts::{write_cohorts_report, CohortFigures, CohortsReportInputs};
use super::spec::AnalysisSpec;
use super::summary_text::cohorts_summary;
use super::terms::Terms;
use crate::args::OutputArgs;
use crate::failure::{CliResult, Failure};
use crate::input::factor_of;
use crate::render::cox::to_json as cox_json;
use crate::render::csv::{num, CsvOut};
use serde_json::{json, Map, Value};
use std::path::Path;

/// The column sigsurv adds to the pooled table when the cohorts are studies.
const COHORT: &str = "cohort";

/// Whether the analysis has several cohorts (several studies, or a cohort column).
pub(super) fn requested(spec: &AnalysisSpec) -> bool {
    spec.data.study.len() > 1 || spec.data.cohort.is_some()
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
        "cox_score": cox_json(&pooled.cox_score, None),
        "cox_groups": cox_json(&pooled.cox_groups, None),
        "heterogeneity": heterogeneity(&cohorts, SCORE),
    });
    summary["pooled"][pooled.groups_test.0] = pooled.groups_test.1.clone();

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
    let mut text = cohorts_summary(
        &cohorts,
        &pooled,
        &summary["pooled"]["heterogeneity"],
        terms.covariates.as_deref(),
    );
    if let Some(gone) = summary["cohorts_left_out"]
        .as_array()
        .filter(|a| !a.is_empty())
    {
        let names: Vec<&str> = gone.iter().filter_map(Value::as_str).collect();
        text.insert_str(
            0,
            &format!(
                "WARNING: cohort(s) {} left out (no row with every column the models use; see rows_by_cohort in \
                 summary.json)\n\n",
                names.join(", ")
            ),
        );
    }
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
        let out = &out.about(format!("cohort {name}"));
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
    // Every cohort's rows, so that none disappears without the user being told.
    let used: Vec<&str> = [terms.time.as_str(), terms.event.as_str()]
        .into_iter()
        .chain(terms.cov_columns.iter().map(String::as_str))
        .chain(spec.model.strata.iter().map(String::as_str))
        .collect();
    let rows =
        cohort_rows(&joined.data.source.table_spec(), col, &used).map_err(|e| inputs.relabel(e))?;
    check_none_vanished(col, &rows, spec.data.allow_missing_cohorts)?;
    let left_out: Vec<&CohortRows> = rows.iter().filter(|r| r.n_complete == 0).collect();
    for r in &left_out {
        out.warn(&format!(
            "cohort \"{}\" of column \"{col}\" is left out of the analysis (--allow-missing-cohorts): {}",
            r.cohort,
            r.describe()
        ));
    }
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
        let analysed = analyse(
            spec,
            &terms,
            &joined,
            &patients,
            &report,
            &out.about(format!("cohort {name}")),
        )
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
        "rows_by_cohort": rows.iter().map(CohortRows::to_json).collect::<Vec<_>>(),
        "cohorts_left_out": left_out.iter().map(|r| r.cohort.clone()).collect::<Vec<_>>(),
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
