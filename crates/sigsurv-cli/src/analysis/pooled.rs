//! The cohorts pooled: their analysed tables stacked, and the Cox models and the log-rank test stratified by
//! cohort.

use super::cohort::Cohort;
use super::columns::{GROUP, SCORE};
use super::endpoint::causes_of;
use super::models::{fit_cox, groups_term, logrank_by_group};
use super::spec::AnalysisSpec;
use super::terms::Terms;
use crate::args::{DataArgs, OutputArgs, TableArgs};
use crate::causes::CauseCoding;
use crate::failure::{CliResult, Failure};
use crate::input::{read_times, Factor, SurvInput};
use crate::model::cox::CoxModel;
use serde_json::{json, Value};
use sigsurv_core::competing::{gray_test, CompetingData};
use sigsurv_io::{decode_event_column, ColumnValues, FileRows, Table};
use std::path::PathBuf;

/// The pooled models.
pub(super) struct Pooled {
    pub strata: Vec<String>,
    pub n: usize,
    pub n_events: usize,
    /// The stratified log-rank test (`logrank`), or for a disease-specific endpoint the stratified Gray's test
    /// of its cause (`gray`): the JSON key and value.
    pub groups_test: (&'static str, Value),
    pub cox_score: CoxModel,
    pub cox_groups: CoxModel,
}

/// Stacks the cohorts' analysed tables (adding the cohort column when `add_column`) and fits the models stratified
/// by `strata_col` (and the analysis's own strata).
pub(super) fn pool(
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
    let (event, coding) = decode_event_column(&table, &terms.event, spec.survival.event_flag())?;
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
    let out = &out.about("pooled cohorts");
    let cox_score = fit_cox(spec, terms, &table, SCORE, &strata, out).map_err(pooled_failure)?;
    let cox_groups = fit_cox(spec, terms, &table, &groups_term(&levels[0]), &strata, out)
        .map_err(pooled_failure)?;
    let data = DataArgs {
        source: TableArgs {
            // The cohorts' tables were converted when they were read.
            time_scale: None,
            data: table.path.clone(),
            event_value: spec.survival.event_flag().map(str::to_string),
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
    let groups_test = match causes_of(spec, &input.table, &terms.event)? {
        Some((coding, cause)) => (
            "gray",
            stratified_gray(&input, &groups, &strata, &coding, cause)?,
        ),
        None => (
            "logrank",
            logrank_by_group(&data, &input, &groups, &strata, out).map_err(pooled_failure)?,
        ),
    };
    Ok(Pooled {
        strata,
        n,
        n_events,
        groups_test,
        cox_score,
        cox_groups,
    })
}

/// Gray's test of `cause` between the groups, stratified by cohort (and the analysis's strata), as cmprsk's
/// `cuminc(..., strata = cohort)`.
fn stratified_gray(
    input: &SurvInput,
    groups: &Factor,
    strata: &[String],
    coding: &CauseCoding,
    cause: u32,
) -> CliResult<Value> {
    let data = CompetingData::new(&input.time, &coding.codes, coding.causes.len());
    let st = input.combined_factor(strata);
    let tests = gray_test(
        &data,
        &groups.codes,
        groups.levels.len(),
        st.as_ref().map(|s| (s.codes.as_slice(), s.levels.len())),
        0.0,
    )
    .map_err(|e| pooled_failure(input.core_failure(e)))?;
    Ok(tests
        .iter()
        .find(|t| t.cause == cause)
        .map_or(Value::Null, |t| {
            json!({
                "cause": coding.causes[cause as usize - 1], "strata": strata,
                "statistic": t.statistic, "df": t.df, "p_value": t.p_value,
            })
        }))
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
