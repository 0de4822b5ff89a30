//! The models of an analysis, shared by one cohort and the pooled cohorts: the Cox model of a right-hand side
//! with the covariates and strata added, and the log-rank test of the groups.

use super::columns::GROUP;
use super::spec::AnalysisSpec;
use super::terms::Terms;
use crate::args::{DataArgs, LogrankArgs, OutputArgs, PAdjustArg};
use crate::failure::{CliResult, Failure};
use crate::input::{Factor, SurvInput};
use crate::model::cox::{fit_on_table, CoxModel};
use crate::model::frame::parse;
use crate::render::logrank::to_json as logrank_json;
use serde_json::Value;
use sigsurv_core::cox::{CoxOptions, Ties};
use sigsurv_core::logrank::{survdiff, LogRankOptions};
use sigsurv_io::Table;

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
    // The JSON of `sigsurv logrank --by group`: the command's renderer, given that command's arguments.
    let lr_args = LogrankArgs {
        data: data.clone(),
        by: GROUP.into(),
        levels: Vec::new(),
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
    let Some(ties) = Ties::parse(&spec.model.ties) else {
        return Err(Failure::input(format!(
            "ties = \"{}\": expected efron, breslow or exact",
            spec.model.ties
        )));
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
        spec.survival.event_flag(),
        &cox_opts,
    )?;
    for w in &model.fit.warnings {
        out.warn(&format!("{text}: {w}"));
    }
    Ok(model)
}
