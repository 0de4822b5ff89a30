//! A disease-specific endpoint (`cause = "Died of Disease"`): the event column holds several causes and one is
//! analysed. The groups are compared by the cumulative incidence of every cause (the JSON of `sigsurv cif --by
//! group`) and Gray's test, instead of Kaplan-Meier and log-rank; the score and the groups are modelled by
//! Fine-Gray (the JSON of `sigsurv finegray`) beside the cause-specific Cox models, whose event is the cause with
//! the competing events censored.

use super::columns::{GROUP, SCORE};
use super::models::groups_term;
use super::spec::AnalysisSpec;
use super::terms::Terms;
use crate::args::{CifArgs, CifVarianceArg, ConfTypeArg, DataArgs, FinegrayArgs, OutputArgs};
use crate::causes::{decode_causes, CauseCoding};
use crate::failure::{CliResult, Failure};
use crate::input::{core_failure, Factor, SurvInput};
use crate::model::competing::incidence_as_event_curve;
use crate::model::fine_gray::fit_fine_gray;
use crate::model::frame::parse;
use crate::model::km::GroupFit;
use crate::render;
use serde_json::{json, Value};
use sigsurv_core::competing::{
    aalen_johansen_by, gray_test, CifOptions, CompetingData, FineGrayOptions,
};
use sigsurv_io::Table;

/// What a disease-specific endpoint adds to an analysis.
pub(super) struct CompetingResults {
    /// `endpoint`: the cause, the other causes, the censoring value and the counts.
    pub endpoint: Value,
    /// `cif`: the `sigsurv cif --by group` JSON of these rows.
    pub cif: Value,
    /// `gray`: Gray's test of the analysed cause between the groups (null with one group).
    pub gray: Value,
    /// `finegray_score`, `finegray_groups`: the `sigsurv finegray` JSON of the score and of the groups.
    pub finegray_score: Value,
    pub finegray_groups: Value,
    /// The analysed cause's incidence per group, as the curves the figure draws (1 − F as S).
    pub fits: Vec<GroupFit>,
}

/// The causes of `table`'s event column, with `spec`'s cause checked to be one of them.
pub(super) fn causes_of(
    spec: &AnalysisSpec,
    table: &Table,
    event_col: &str,
) -> CliResult<Option<(CauseCoding, u32)>> {
    let Some(cause) = spec.survival.cause.as_deref() else {
        return Ok(None);
    };
    let coding = decode_causes(table, event_col, spec.survival.censor_value.as_deref())?;
    let code = coding.cause_code(event_col, cause)?;
    Ok(Some((coding, code)))
}

/// The cumulative incidence, Gray's test and Fine-Gray models of `input` (its table with the `score` and `group`
/// columns) by `groups`, Gray's test stratified by the model's strata.
#[allow(clippy::too_many_arguments)]
pub(super) fn analyse_endpoint(
    spec: &AnalysisSpec,
    terms: &Terms,
    data: &DataArgs,
    input: &SurvInput,
    groups: &Factor,
    coding: &CauseCoding,
    cause: u32,
    out: &OutputArgs,
) -> CliResult<CompetingResults> {
    let table = &input.table;
    let cause_name = coding.causes[cause as usize - 1].clone();
    let k = groups.levels.len();
    let competing = CompetingData::new(&input.time, &coding.codes, coding.causes.len());
    let opts = CifOptions::default();
    let curves = aalen_johansen_by(&competing, &groups.codes, k, &opts)
        .map_err(|e| core_failure(table, e))?;
    let strata = input.combined_factor(&spec.model.strata);
    let tests = if k > 1 {
        Some(
            gray_test(
                &competing,
                &groups.codes,
                k,
                strata
                    .as_ref()
                    .map(|s| (s.codes.as_slice(), s.levels.len())),
                0.0,
            )
            .map_err(|e| core_failure(table, e))?,
        )
    } else {
        None
    };
    // The JSON of `sigsurv cif --by group` on these rows: the command's renderer, given its arguments.
    let cif_args = CifArgs {
        data: data.clone(),
        censor_value: spec.survival.censor_value.clone(),
        by: Some(GROUP.into()),
        strata: (!spec.model.strata.is_empty()).then(|| spec.model.strata.join(", ")),
        times: spec.survival.time_points.clone(),
        conf_type: ConfTypeArg::Log,
        conf_level: opts.conf_level,
        variance: CifVarianceArg::Survfit,
        output: out.clone(),
    };
    let cif = render::cif::to_json(
        &cif_args,
        table,
        coding,
        groups,
        &render::cif::Curves::Survfit(curves.clone()),
        tests.as_deref(),
    );
    let gray = tests
        .as_ref()
        .and_then(|t| t.iter().find(|t| t.cause == cause))
        .map_or(Value::Null, |t| {
            json!({"cause": cause_name, "statistic": t.statistic, "df": t.df, "p_value": t.p_value})
        });
    let fits = groups
        .levels
        .iter()
        .zip(&curves)
        .map(|(name, c)| GroupFit {
            name: name.clone(),
            curve: incidence_as_event_curve(c, cause as usize - 1),
        })
        .collect();

    let finegray_score = fine_gray_json(spec, terms, data, table, SCORE, coding, out)?;
    let finegray_groups = fine_gray_json(
        spec,
        terms,
        data,
        table,
        &groups_term(&groups.levels[0]),
        coding,
        out,
    )?;
    let n_cause = coding.codes.iter().filter(|&&c| c == cause).count();
    let n_competing = coding
        .codes
        .iter()
        .filter(|&&c| c != 0 && c != cause)
        .count();
    let endpoint = json!({
        "cause": cause_name,
        "competing_causes": coding.causes.iter().filter(|c| **c != cause_name).collect::<Vec<_>>(),
        "censor_value": coding.censor_value,
        "n_events": n_cause,
        "n_competing": n_competing,
        "cox": "cause-specific: the competing events are censored",
    });
    Ok(CompetingResults {
        endpoint,
        cif,
        gray,
        finegray_score,
        finegray_groups,
        fits,
    })
}

/// The Fine-Gray model of `rhs` plus the covariates (crr has no strata: with strata the model is fitted
/// without them, and its JSON and a warning say so).
fn fine_gray_json(
    spec: &AnalysisSpec,
    terms: &Terms,
    data: &DataArgs,
    table: &Table,
    rhs: &str,
    coding: &CauseCoding,
    out: &OutputArgs,
) -> CliResult<Value> {
    let cause = spec.survival.cause.clone().unwrap_or_default();
    let text = match terms.covariates.as_deref() {
        Some(c) => format!("Surv({}, {}) ~ {rhs} + {c}", terms.time, terms.event),
        None => format!("Surv({}, {}) ~ {rhs}", terms.time, terms.event),
    };
    let formula = parse(&text)?;
    let opts = FineGrayOptions::default();
    let args = FinegrayArgs {
        data: data.source.clone(),
        formula: text.clone(),
        cause: cause.clone(),
        censor_value: Some(coding.censor_value.clone()),
        conf_level: 0.95,
        iter_max: opts.max_iter,
        output: out.clone(),
    };
    let (coding, fit) = fit_fine_gray(
        &text,
        &formula,
        table,
        &cause,
        Some(&coding.censor_value),
        &opts,
    )
    .map_err(|f| Failure::input(format!("Fine-Gray model {text}: {}", f.message)))?;
    if !fit.converged {
        out.warn(&format!(
            "{text}: the Fine-Gray fit did not converge in {} Newton steps",
            opts.max_iter
        ));
    }
    let mut v = render::finegray::to_json(&args, table, &coding, &fit);
    if !spec.model.strata.is_empty() {
        let note = format!(
            "fitted without strata({}): the Fine-Gray model (cmprsk's crr) has no strata",
            spec.model.strata.join(", ")
        );
        out.warn(&format!("{text}: {note}"));
        v["note"] = json!(note);
    }
    Ok(v)
}
