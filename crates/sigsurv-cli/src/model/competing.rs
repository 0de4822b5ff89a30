//! The rows of a competing-risks analysis (`cif`, `plot cif`): times, the causes of the event column, and the
//! groups of `--by` (one group "all" without it), read once with missing rows dropped and counted.

use crate::args::{DataArgs, OutputArgs};
use crate::causes::{decode_causes, CauseCoding};
use crate::failure::CliResult;
use crate::input::{factor_of, read_columns, read_times, Factor};
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
