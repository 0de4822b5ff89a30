//! `sigsurv cif`: the cumulative incidence of every cause per group (Aalen-Johansen, as survival's multi-state
//! `survfit`, or cmprsk's `cuminc` variance), the curves at given times, and Gray's test between groups.

use crate::args::{CifArgs, CifVarianceArg};
use crate::core_options::conf_type;
use crate::failure::CliResult;
use crate::group_sizes::{counts, warn_small_groups};
use crate::input::{core_failure, factor_of};
use crate::model::competing::{read_competing, CompetingInput};
use crate::render;
use sigsurv_core::competing::{aalen_johansen_by, cuminc, gray_test, CifOptions, CompetingData};

pub fn run(a: &CifArgs) -> CliResult<()> {
    crate::core_options::check_conf_level(a.conf_level)?;
    let strata_column: Vec<&str> = a.strata.as_deref().into_iter().collect();
    let CompetingInput {
        table,
        time,
        coding,
        groups,
    } = read_competing(
        &a.data,
        a.censor_value.as_deref(),
        a.by.as_deref(),
        &strata_column,
        &a.output,
    )?;
    if let Some(by) = &a.by {
        let sizes = counts(&groups.codes, groups.levels.len());
        warn_small_groups(&a.output, by, &groups.levels, &sizes);
    }
    let strata = a.strata.as_deref().map(|s| factor_of(s, table.get(s)));
    let data = CompetingData::new(&time, &coding.codes, coding.causes.len());
    let opts = CifOptions {
        conf_type: conf_type(a.conf_type),
        conf_level: a.conf_level,
        ..CifOptions::default()
    };
    let curves = match a.variance {
        CifVarianceArg::Survfit => render::cif::Curves::Survfit(
            aalen_johansen_by(&data, &groups.codes, groups.levels.len(), &opts)
                .map_err(|e| core_failure(&table, e))?,
        ),
        CifVarianceArg::Cuminc => render::cif::Curves::Cuminc(
            cuminc(&data, &groups.codes, groups.levels.len())
                .map_err(|e| core_failure(&table, e))?,
        ),
    };
    let gray = if groups.levels.len() > 1 {
        Some(
            gray_test(
                &data,
                &groups.codes,
                groups.levels.len(),
                strata
                    .as_ref()
                    .map(|s| (s.codes.as_slice(), s.levels.len())),
                0.0,
            )
            .map_err(|e| core_failure(&table, e))?,
        )
    } else {
        if a.strata.is_some() {
            a.output
                .note("--strata is used by Gray's test, which needs --by with two or more groups");
        }
        None
    };
    let text = render::cif::render(
        a,
        &table,
        &coding,
        &groups,
        &curves,
        gray.as_deref(),
        a.output.resolved_format(),
    );
    a.output.emit(&text)
}
