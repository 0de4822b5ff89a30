//! `sigsurv finegray`: Fine-Gray regression of one cause's subdistribution hazard, as cmprsk's `crr`, with the
//! design built from the formula as `cox` builds it.

use crate::args::FinegrayArgs;
use crate::causes::decode_causes;
use crate::failure::{CliResult, Failure};
use crate::input::core_failure;
use crate::model::frame::{model_frame, parse_for_table, read_model_table};
use crate::render;
use sigsurv_core::competing::{fine_gray, CompetingData, FineGrayOptions};
use sigsurv_core::formula::Response;

pub fn run(a: &FinegrayArgs) -> CliResult<()> {
    crate::core_options::check_conf_level(a.conf_level)?;
    let formula = parse_for_table(&a.formula, &a.data)?;
    let event_col = match &formula.response {
        Response::Right { event, .. } => event.clone(),
        Response::Counting { .. } => {
            return Err(Failure::input(
                "finegray takes right-censored data, Surv(time, status), as cmprsk's crr (no Surv(start, stop, status))",
            ))
        }
    };
    let table = read_model_table(&a.data, &formula, None, &a.output)?;
    let coding = decode_causes(&table, &event_col, a.censor_value.as_deref())?;
    let failcode = coding.cause_code(&event_col, &a.cause)?;
    // The design as cox builds it; its event flags (the cause against the rest) are not used.
    let frame = model_frame(&a.formula, &formula, &table, Some(&a.cause))?;
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
    let opts = FineGrayOptions {
        max_iter: a.iter_max,
        conf_level: a.conf_level,
        ..FineGrayOptions::default()
    };
    let fit = fine_gray(&data, failcode, &frame.design.x, &frame.design.names, &opts)
        .map_err(|e| core_failure(&table, e))?;
    if !fit.converged {
        a.output.warn(&format!(
            "the Fine-Gray fit did not converge in {} Newton steps (crr's maxiter); raise --iter-max",
            a.iter_max
        ));
    }
    let text = render::finegray::render(a, &table, &coding, &fit, a.output.resolved_format());
    a.output.emit(&text)
}
