//! Reading survival data for a command: the table, validated times, decoded events, group and strata codes,
//! and the note about rows dropped for missing values.

use crate::args::{DataArgs, OutputArgs, TableArgs};
use crate::failure::{CliResult, Failure};
use crate::progress::{Phase, Step};
use sigsurv_core::factor::{
    bool_factor, coded_text_factor, coded_text_factor_in_place, level_label, numeric_factor,
};
use sigsurv_core::CoreError;
use sigsurv_io::{decode_event_column, ColumnValues, EventCoding, Table, TableSpec};

/// A categorical column as 0-based codes and its levels in R's factor order.
#[derive(Clone, Debug)]
pub struct Factor {
    pub column: String,
    pub codes: Vec<u32>,
    pub levels: Vec<String>,
}

impl Factor {
    /// Puts the levels in the order `order` gives (`--levels low,mid,high`; R's `factor(x, levels =)`). Every
    /// level of the data must be listed; a listed value the rows do not have is an error too (a typo would
    /// otherwise pass unnoticed).
    pub fn reorder(&mut self, order: &[String]) -> CliResult<()> {
        if order.is_empty() {
            return Ok(());
        }
        let order: Vec<&str> = order.iter().map(|s| s.trim()).collect();
        let missing: Vec<&str> = self
            .levels
            .iter()
            .map(String::as_str)
            .filter(|l| !order.contains(l))
            .collect();
        let unknown: Vec<&str> = order
            .iter()
            .copied()
            .filter(|o| !self.levels.iter().any(|l| l == o))
            .collect();
        if !missing.is_empty() || !unknown.is_empty() || order.len() != self.levels.len() {
            let mut f = Failure::input(format!(
                "--levels {} does not list the values of \"{}\" once each",
                order.join(","),
                self.column
            ))
            .hint(format!("its values: {}", self.levels.join(", ")));
            if !unknown.is_empty() {
                f = f.hint(format!("not in the data: {}", unknown.join(", ")));
            }
            return Err(f);
        }
        let new_code: Vec<u32> = self
            .levels
            .iter()
            .map(|l| order.iter().position(|o| o == l).unwrap_or(0) as u32)
            .collect();
        for c in &mut self.codes {
            *c = new_code[*c as usize];
        }
        self.levels = order.iter().map(|s| s.to_string()).collect();
        Ok(())
    }
}

/// Validated survival data.
pub struct SurvInput {
    pub table: Table,
    pub time: Vec<f64>,
    pub event: Vec<bool>,
    pub coding: EventCoding,
}

impl TableArgs {
    pub fn table_spec(&self) -> TableSpec {
        TableSpec {
            path: self.data.clone(),
            delimiter: self.delimiter.map(|c| c as u8),
            filter: self.filter.clone(),
        }
    }
}

/// Reads `columns` of a table (its path, delimiter and --where), drops rows with a missing value in any of them
/// and says so on standard error. Fails when no row is left.
pub fn read_columns(spec: &TableSpec, columns: &[&str], out: &OutputArgs) -> CliResult<Table> {
    let table = {
        let _step = Step::start(
            Phase::Load,
            format!("reading {}", spec.path.display()),
            out.quiet,
        );
        sigsurv_io::read_table(spec, columns)?
    };
    let path = table.path.display().to_string();
    if table.n_read == 0 {
        return Err(match &spec.filter {
            Some(f) => Failure::input(format!("no rows left in {path} after --where \"{f}\""))
                .hint(
                "check the condition against the data; values of text columns are case-sensitive",
            ),
            None => Failure::input(format!("{path} has no data rows")),
        });
    }
    if table.n_dropped > 0 {
        let per: Vec<String> = table
            .missing_by_column
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| format!("{c}: {n}"))
            .collect();
        out.note(&format!(
            "dropped {} of {} rows with a missing value (as R's na.omit; missing per column: {})",
            table.n_dropped,
            table.n_read,
            per.join(", ")
        ));
    }
    if table.n() == 0 {
        return Err(Failure::input(format!(
            "no rows left in {path} after dropping rows with missing values"
        )));
    }
    Ok(table)
}

/// A time column: numeric, finite and >= 0, or an error naming the line.
pub fn read_times(table: &Table, column: &str) -> CliResult<Vec<f64>> {
    check_times(table, column, table.numeric(column)?)
}

/// [`read_times`] on the values of `column`.
fn check_times(table: &Table, column: &str, time: Vec<f64>) -> CliResult<Vec<f64>> {
    let first_bad = sigsurv_core::scan::first_where(&time, |t| !(t.is_finite() && *t >= 0.0));
    let Some(i) = first_bad else { return Ok(time) };
    let t = time[i];
    let what = if t.is_nan() {
        "NaN time"
    } else if t < 0.0 {
        "negative time"
    } else {
        "infinite time"
    };
    Err(Failure::input(format!(
        "{what} {t} in column \"{column}\" at {} of {}",
        table.location(i),
        table.path.display()
    ))
    .hint("follow-up times must be finite and >= 0 (zero is allowed, as in R)"))
}

/// Maps a core error to a message naming the file line of the row it is about.
pub fn core_failure(table: &Table, e: CoreError) -> Failure {
    let path = table.path.display();
    match e {
        CoreError::NegativeTime { row, value } | CoreError::NonFiniteTime { row, value } => {
            Failure::input(format!(
                "invalid time {value} at {} of {path}",
                table.location(row)
            ))
        }
        CoreError::StartNotBeforeStop { row, start, stop } => Failure::input(format!(
            "start time {start} is not before stop time {stop} at {} of {path}",
            table.location(row)
        )),
        CoreError::InvalidWeight { row, value } | CoreError::NonPositiveWeight { row, value } => {
            Failure::input(format!(
                "invalid weight {value} at {} of {path}: weights must be finite and > 0",
                table.location(row)
            ))
        }
        CoreError::NonFinite { what, row, value } => Failure::input(format!(
            "non-finite value {value} in {what} at {} of {path}",
            table.location(row)
        )),
        CoreError::AtRow { row, what, why } => Failure::input(format!(
            "{what} at {} of {path}: {why}",
            table.location(row)
        )),
        other => Failure::input(format!("{other} (in {path})")),
    }
}

impl SurvInput {
    /// Reads time, event and the `extra` columns; drops (and reports) rows with a missing value in any of them.
    pub fn read(data: &DataArgs, extra: &[&str], out: &OutputArgs) -> CliResult<SurvInput> {
        let mut columns = vec![data.time.as_str(), data.event.as_str()];
        columns.extend_from_slice(extra);
        let mut table = read_columns(&data.source.table_spec(), &columns, out)?;
        if let Some(scale) = &data.source.time_scale {
            scale.apply(&mut table, &[data.time.as_str()]);
            out.note(&format!(
                "times of column \"{}\" read in {} and analysed in {} (x {})",
                data.time,
                scale.from,
                scale.to,
                crate::render::text::sig(scale.factor, 6)
            ));
        }
        // Once decoded, the time and event columns are dropped from the table (moved, for a numeric time)
        // unless another role reads them: at millions of rows each copy is tens of megabytes.
        let (t, e) = (data.time.as_str(), data.event.as_str());
        let time = if extra.contains(&t) || t == e {
            read_times(&table, t)?
        } else {
            let values = table.take_numeric(t)?;
            check_times(&table, t, values)?
        };
        let (event, coding) = decode_event_column(&table, e, data.source.event_value.as_deref())?;
        if !extra.contains(&e) {
            table.remove(e);
        }
        Ok(SurvInput {
            table,
            time,
            event,
            coding,
        })
    }

    /// The factor of a column read with [`SurvInput::read`].
    pub fn factor(&self, column: &str) -> Factor {
        factor_of(column, self.table.get(column))
    }

    /// [`SurvInput::factor`], taking the column out of the table: a text column's codes are recoded in place
    /// instead of copied.
    pub fn take_factor(&mut self, column: &str) -> Factor {
        match self.table.take(column) {
            ColumnValues::Text(v) => {
                let (mut codes, distinct) = v.into_parts();
                let levels = coded_text_factor_in_place(&mut codes, &distinct);
                Factor {
                    column: column.to_string(),
                    codes,
                    levels,
                }
            }
            other => factor_of(column, &other),
        }
    }

    /// One code per distinct combination of the given columns (e.g. several strata), levels "a, b".
    pub fn combined_factor(&self, columns: &[String]) -> Option<Factor> {
        let factors: Vec<Factor> = columns.iter().map(|c| self.factor(c)).collect();
        match factors.len() {
            0 => None,
            1 => factors.into_iter().next(),
            _ => Some(combine(&factors)),
        }
    }

    /// Maps a core error to a message naming the file line of the row it is about.
    pub fn core_failure(&self, e: CoreError) -> Failure {
        core_failure(&self.table, e)
    }
}

/// Levels in R's factor order (see `sigsurv_core::factor`, which the model matrix of `cox` uses too): numbers in
/// numeric order, text as R's `sort()` collates it, false before true.
pub fn factor_of(column: &str, values: &ColumnValues) -> Factor {
    let (codes, levels) = match values {
        ColumnValues::Numeric(v) => {
            let (codes, levels) = numeric_factor(v);
            (codes, levels.into_iter().map(level_label).collect())
        }
        ColumnValues::Text(v) => coded_text_factor(v.codes(), v.levels()),
        ColumnValues::Bool(v) => bool_factor(v),
    };
    debug_assert_eq!(codes.len(), values.len());
    Factor {
        column: column.to_string(),
        codes,
        levels,
    }
}

fn combine(factors: &[Factor]) -> Factor {
    let n = factors[0].codes.len();
    let mut keys: Vec<Vec<u32>> = (0..n)
        .map(|i| factors.iter().map(|f| f.codes[i]).collect())
        .collect();
    let mut distinct = keys.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let codes = keys
        .iter_mut()
        .map(|k| distinct.binary_search(k).unwrap_or(0) as u32)
        .collect();
    let levels = distinct
        .iter()
        .map(|k| {
            k.iter()
                .zip(factors)
                .map(|(c, f)| f.levels[*c as usize].as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect();
    let column = factors
        .iter()
        .map(|f| f.column.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Factor {
        column,
        codes,
        levels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_levels_follow_r_order() {
        let f = factor_of("g", &ColumnValues::Numeric(vec![10.0, 2.0, -0.0, 2.0, 0.0]));
        assert_eq!(f.levels, ["0", "2", "10"]);
        assert_eq!(f.codes, [2, 1, 0, 1, 0]);
        let t = ["b", "A", "a", "b", "20-50", "<=20"].into_iter().collect();
        let f = factor_of("g", &ColumnValues::Text(t));
        assert_eq!(f.levels, ["<=20", "20-50", "a", "A", "b"]);
        assert_eq!(f.codes, [4, 3, 2, 4, 1, 0]);
    }
}
