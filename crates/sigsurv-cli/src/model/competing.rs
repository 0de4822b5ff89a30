//! The rows of a competing-risks analysis (`cif`, `plot cif`): times, the causes of the event column, and the
//! groups of `--by` (one group "all" without it), read once with missing rows dropped and counted.

use crate::args::{DataArgs, OutputArgs};
use crate::causes::{decode_causes, CauseCoding};
use crate::failure::CliResult;
use crate::input::{factor_of, read_columns, read_times, Factor};
use sigsurv_core::competing::CifCurve;
use sigsurv_core::km::{ConfLower, KmCurve};
use sigsurv_io::Table;

pub(crate) struct CompetingInput {
    pub table: Table,
    pub time: Vec<f64>,
    pub coding: CauseCoding,
    pub groups: Factor,
}

/// Reads time, event, `by` and the `extra` columns of `data`.
pub(crate) fn read_competing(
    data: &DataArgs,
    censor_value: Option<&str>,
    by: Option<&str>,
    extra: &[&str],
    out: &OutputArgs,
) -> CliResult<CompetingInput> {
    let mut columns = vec![data.time.as_str(), data.event.as_str()];
    columns.extend(by);
    columns.extend_from_slice(extra);
    let table = read_columns(&data.source.table_spec(), &columns, out)?;
    let time = read_times(&table, &data.time)?;
    let coding = decode_causes(&table, &data.event, censor_value)?;
    let groups = match by {
        Some(by) => factor_of(by, table.get(by)),
        None => Factor {
            column: String::new(),
            codes: vec![0; time.len()],
            levels: vec!["all".to_string()],
        },
    };
    Ok(CompetingInput {
        table,
        time,
        coding,
        groups,
    })
}

/// One cause's incidence as the curve the Kaplan-Meier figure draws with `Fun::Event` (which plots 1 − S): S is
/// 1 − F, and its limits are 1 − F's limits swapped, so that the figure shows F and F's own band. Counts at risk
/// and censored are the curve's.
pub(crate) fn incidence_as_event_curve(c: &CifCurve, k: usize) -> KmCurve {
    let p = &c.causes[k].incidence;
    let flip = |v: &Option<f64>| v.map(|x| 1.0 - x);
    KmCurve {
        n: c.n,
        n_events: c.causes[k].n_events,
        time: c.time.clone(),
        n_risk: c.n_risk.clone(),
        n_event: c.causes[k].n_event.clone(),
        n_censor: c.n_censor.clone(),
        weighted: None,
        robust: true,
        start_time: 0.0,
        surv: p.estimate.iter().map(|f| 1.0 - f).collect(),
        std_err: p.std_err.clone(),
        log_se: vec![f64::NAN; c.time.len()],
        lower: p.upper.iter().map(flip).collect(),
        upper: p.lower.iter().map(flip).collect(),
        cumhaz: vec![f64::NAN; c.time.len()],
        cumhaz_se: vec![f64::NAN; c.time.len()],
        conf_type: c.conf_type,
        conf_level: c.conf_level,
        conf_lower: ConfLower::Usual,
    }
}
