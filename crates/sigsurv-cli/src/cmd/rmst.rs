//! `sigsurv rmst`: restricted mean survival time (and time lost) per group up to tau, and each group against a
//! reference, as survRM2's `rmst2`.

use crate::args::RmstArgs;
use crate::failure::{CliResult, Failure};
use crate::group_sizes::{counts, warn_small_groups};
use crate::input::SurvInput;
use crate::render;
use crate::render::text::sig;
use sigsurv_core::validation::{rmst_by_group, rmst_default_tau};

pub fn run(a: &RmstArgs) -> CliResult<()> {
    crate::core_options::check_conf_level(a.conf_level)?;
    if let Some(tau) = a.tau.filter(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(Failure::input(format!(
            "--tau {tau} is not a positive number"
        )));
    }
    let mut input = SurvInput::read(&a.data, &[a.by.as_str()], &a.output)?;
    let mut groups = input.take_factor(&a.by);
    groups.reorder(&a.levels)?;
    let k = groups.levels.len();
    warn_small_groups(&a.output, &a.by, &groups.levels, &counts(&groups.codes, k));
    if k < 2 {
        return Err(Failure::input(format!(
            "column \"{}\" has only one value ({}) in the analysed rows: RMST is compared between at least two groups",
            a.by,
            groups.levels.first().map(String::as_str).unwrap_or("")
        )));
    }
    let reference = match &a.reference {
        None => 0,
        Some(r) => groups.levels.iter().position(|l| l == r).ok_or_else(|| {
            Failure::input(format!(
                "--reference {r} is not a value of column \"{}\"",
                a.by
            ))
            .hint(format!("its values: {}", groups.levels.join(", ")))
        })?,
    };
    let largest = rmst_default_tau(&input.time, &input.event, &groups.codes, k)
        .map_err(|e| input.core_failure(e))?;
    if let Some(tau) = a.tau {
        if tau.is_finite() && tau > largest {
            return Err(Failure::input(format!(
                "--tau {} is after {}, the largest time every group of \"{}\" allows",
                sig(tau, 6),
                sig(largest, 6),
                a.by
            ))
            .hint("a group whose follow-up ends (with a censoring) before tau has no curve up to tau; give a smaller --tau or leave it out (survRM2's rule picks the largest allowed)"));
        }
    }
    let fit = rmst_by_group(
        &input.time,
        &input.event,
        &groups.codes,
        k,
        a.tau,
        a.conf_level,
    )
    .map_err(|e| input.core_failure(e))?;
    let contrasts = (0..k)
        .filter(|&g| g != reference)
        .map(|g| fit.contrast(g, reference).map(|c| (g, c)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| input.core_failure(e))?;
    let text = render::rmst::render(
        a,
        &input,
        &groups.levels,
        reference,
        &fit,
        &contrasts,
        a.output.resolved_format(),
    );
    a.output.emit(&text)
}
