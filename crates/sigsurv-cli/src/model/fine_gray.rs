//! A Fine-Gray fit of a formula on a table (`sigsurv finegray`, and the Fine-Gray rows of a disease-specific
//! analysis): the design built as `cox` builds it, the causes decoded from the event column, cmprsk's `crr`.

use crate::causes::{decode_causes, CauseCoding};
use crate::failure::{CliResult, Failure};
use crate::input::core_failure;
use crate::model::frame::model_frame;
use sigsurv_core::competing::{fine_gray, CompetingData, FineGrayFit, FineGrayOptions};
use sigsurv_core::formula::{Formula, Response};
use sigsurv_io::Table;

/// Fits the subdistribution hazard of `cause` for `formula` on `table` (missing rows already dropped).
pub(crate) fn fit_fine_gray(
    formula_text: &str,
    formula: &Formula,
    table: &Table,
    cause: &str,
    censor_value: Option<&str>,
    opts: &FineGrayOptions,
) -> CliResult<(CauseCoding, FineGrayFit)> {
    let event_col = match &formula.response {
        Response::Right { event, .. } => event.clone(),
        Response::Counting { .. } => {
            return Err(Failure::input(
                "finegray takes right-censored data, Surv(time, status), as cmprsk's crr (no Surv(start, stop, status))",
            ))
        }
    };
    let coding = decode_causes(table, &event_col, censor_value)?;
    let failcode = coding.cause_code(&event_col, cause)?;
    // The design as cox builds it; its event flags (the cause against the rest) are not used.
    let frame = model_frame(formula_text, formula, table, Some(cause))?;
    super::frame::refuse_penalized(&frame.design, "Fine-Gray")?;
    if frame.design.strata.is_some() || frame.design.cluster.is_some() {
        return Err(Failure::input(
            "finegray has no strata() or cluster() terms (cmprsk's crr has neither)",
        )
        .hint("for a stratified analysis fit each stratum on its own (--where), or use `sigsurv cif --strata` for Gray's test"));
    }
    if frame.design.p() == 0 {
        return Err(Failure::input(
            "finegray needs at least one covariate (crr fits no null model)",
        ));
    }
    let data = CompetingData::new(&frame.stop, &coding.codes, coding.causes.len());
    let fit = fine_gray(&data, failcode, &frame.design.x, &frame.design.names, opts)
        .map_err(|e| core_failure(table, e))?;
    Ok((coding, fit))
}
