//! `sigsurv logrank`: the G-rho family of k-sample tests, optionally stratified, as R's `survdiff`; pairwise
//! comparisons as survminer's `pairwise_survdiff`.

use crate::args::LogrankArgs;
use crate::core_options::p_adjust;
use crate::failure::{CliResult, Failure};
use crate::group_sizes::{counts, warn_small_groups};
use crate::input::SurvInput;
use crate::output::keep_until_exit;
use crate::render;
use crate::render::logrank::NO_EVENTS_NOTE;
use sigsurv_core::logrank::{pairwise_survdiff, survdiff, LogRankOptions};

pub fn run(a: &LogrankArgs) -> CliResult<()> {
    if let Some(entry) = &a.entry {
        return Err(Failure::input(format!(
            "survdiff not defined for counting process data (--entry {entry})"
        ))
        .hint("the log-rank test needs right-censored data, as R's survdiff; for delayed entry compare the groups with `sigsurv cox` and Surv(entry, time, event) in the formula"));
    }
    if !a.rho.is_finite() {
        return Err(Failure::input(format!(
            "--rho {} is not a finite number",
            a.rho
        )));
    }
    let mut extra: Vec<&str> = vec![a.by.as_str()];
    extra.extend(a.strata.iter().map(String::as_str));
    let mut input = SurvInput::read(&a.data, &extra, &a.output)?;
    let mut groups = if a.strata.contains(&a.by) {
        input.factor(&a.by)
    } else {
        input.take_factor(&a.by)
    };
    groups.reorder(&a.levels)?;
    let counts = counts(&groups.codes, groups.levels.len());
    warn_small_groups(&a.output, &a.by, &groups.levels, &counts);
    if groups.levels.len() < 2 {
        return Err(Failure::input(format!(
            "column \"{}\" has only one value ({}) in the analysed rows: a test needs at least two groups",
            a.by,
            groups.levels.first().map(String::as_str).unwrap_or("")
        )));
    }
    let strata = input.combined_factor(&a.strata);
    let opts = LogRankOptions {
        rho: a.rho,
        timefix: true,
    };
    let k = groups.levels.len();
    let strata_codes = strata.as_ref().map(|s| s.codes.as_slice());
    let test = survdiff(
        &input.time,
        &input.event,
        &groups.codes,
        k,
        strata_codes,
        &opts,
    )
    .map_err(|e| input.core_failure(e))?;
    if test.p_value.is_nan() {
        a.output.note(NO_EVENTS_NOTE);
    }
    let pairs = if a.pairwise {
        Some(
            pairwise_survdiff(
                &input.time,
                &input.event,
                &groups.codes,
                k,
                strata_codes,
                &opts,
                p_adjust(a.p_adjust),
            )
            .map_err(|e| input.core_failure(e))?,
        )
    } else {
        None
    };
    let text = render::logrank::render(
        a,
        &input,
        &groups,
        strata.as_ref(),
        &test,
        pairs.as_deref(),
        a.output.resolved_format(),
    );
    let written = a.output.emit(&text);
    keep_until_exit((input, groups, strata));
    written
}
