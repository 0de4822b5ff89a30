//! The model frame: an R formula parsed, the columns it uses read from the table, and its response and design
//! built (as R's `model.frame` + `model.matrix`). Shared by `cox`, `aft` and the analyses.

use crate::args::{OutputArgs, TableArgs};
use crate::failure::{CliResult, Failure};
use crate::input::{core_failure, read_columns, read_times};
use sigsurv_core::design::{build_design, ColumnData, Design};
use sigsurv_core::formula::{parse_formula, Formula, Response};
use sigsurv_core::CoreError;
use sigsurv_io::{decode_event_column, ColumnValues, EventCoding, Table};

/// Parses a model formula; the error names `--formula` and gives an example.
pub(crate) fn parse(formula: &str) -> CliResult<Formula> {
    parse_formula(formula).map_err(|e| {
        // The core's message quotes the formula (shortened when long): quote it once.
        let msg = e.to_string();
        let msg = msg.strip_prefix("invalid argument: ").unwrap_or(&msg);
        let msg = msg.strip_prefix("formula ").unwrap_or(msg);
        Failure::input(format!("invalid --formula {msg}"))
            .hint("e.g. \"Surv(time, status) ~ age + factor(grade) + strata(center)\"")
    })
}

/// Parses a model formula for the table of `data`: `.` stands for its columns but the response's (read only
/// when the formula has a `.`).
pub(crate) fn parse_for_table(formula: &str, data: &TableArgs) -> CliResult<Formula> {
    let has_dot = formula
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
        .any(|w| w == ".");
    if !has_dot {
        return parse(formula);
    }
    let columns = sigsurv_io::table::column_names(&data.table_spec())?;
    sigsurv_core::formula::parse_formula_for(formula, &columns).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.strip_prefix("invalid argument: ").unwrap_or(&msg);
        let msg = msg.strip_prefix("formula ").unwrap_or(msg);
        Failure::input(format!("invalid --formula {msg}"))
    })
}

/// Reads the columns a formula (and its weights column) uses, missing rows dropped and reported.
pub(crate) fn read_model_table(
    data: &TableArgs,
    formula: &Formula,
    weights: Option<&str>,
    out: &OutputArgs,
) -> CliResult<Table> {
    let mut columns = formula.columns();
    if let Some(w) = weights {
        if !columns.iter().any(|c| c == w) {
            columns.push(w.to_string());
        }
    }
    let refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    let mut table = read_columns(&data.table_spec(), &refs, out)?;
    if let Some(scale) = &data.time_scale {
        let times: Vec<&str> = match &formula.response {
            Response::Right { time, .. } => vec![time.as_str()],
            Response::Counting { start, stop, .. } => vec![start.as_str(), stop.as_str()],
        };
        scale.apply(&mut table, &times);
        out.note(&format!(
            "times ({}) read in {} and analysed in {}",
            times.join(", "),
            scale.from,
            scale.to
        ));
    }
    Ok(table)
}

/// Fixes the knots of every `ns()` / `bs()` term (the boundary of every `pspline()`) whose knots come from the data, as R's `model.frame` places
/// them: on every row (after `--where`) where the spline's own column is known, before rows missing another
/// column of the model are dropped. The term keeps its name (`ns(age, df = 3)1`, ...); only its knots and
/// boundary are now given, so the model's rows use them.
///
/// `read` is the model's table when it has been read already: if it lost no row to a missing value (and its
/// times were not rescaled), its rows are exactly those where the spline's column is known, and the column is
/// taken from it instead of read again.
pub(crate) fn place_spline_knots(
    data: &TableArgs,
    formula: &mut Formula,
    out: &OutputArgs,
    read: Option<&Table>,
) -> CliResult<()> {
    use sigsurv_core::formula::{BasisKind, BasisSpec, Term};
    use sigsurv_core::splines::{BSplineBasis, NaturalSplineBasis, PSplineBasis};
    let quiet = OutputArgs {
        quiet: true,
        ..out.clone()
    };
    let place = |b: &mut BasisSpec| -> CliResult<()> {
        if b.kind == BasisKind::Poly || (b.knots.is_some() && b.boundary.is_some()) {
            return Ok(());
        }
        let x = match read {
            Some(table) if table.n_dropped == 0 && data.time_scale.is_none() => {
                table.numeric(&b.column)?
            }
            _ => read_columns(&data.table_spec(), &[b.column.as_str()], &quiet)?
                .numeric(&b.column)?,
        };
        let placed = match b.kind {
            // A P-spline has no interior knots to place: its knots follow from the boundary.
            BasisKind::Pspline => {
                PSplineBasis::new(&x, 3, b.degree, b.boundary).map(|s| (Vec::new(), s.boundary))
            }
            BasisKind::Ns => NaturalSplineBasis::new(&x, b.df, b.knots.clone(), false, b.boundary)
                .map(|(s, _)| (s.knots, s.boundary)),
            _ => BSplineBasis::new(&x, b.df, b.knots.clone(), b.degree, false, b.boundary)
                .map(|(s, _)| (s.knots, s.boundary)),
        };
        // A basis that cannot be placed is left to the model's own error.
        if let Ok((knots, boundary)) = placed {
            b.knots = Some(knots);
            b.boundary = Some(boundary);
        }
        Ok(())
    };
    for term in formula.terms.iter_mut() {
        match term {
            Term::Basis(b) => place(b)?,
            Term::Interaction(vars) => {
                for v in vars.iter_mut() {
                    if let Term::Basis(b) = v {
                        place(b)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Refuses a design with a `pspline()` term in a model other than Cox (`what` names it): only the Cox fit
/// penalizes the spline, and an unpenalized P-spline basis would be a different model.
pub(crate) fn refuse_penalized(design: &Design, what: &str) -> CliResult<()> {
    match design.penalized.first() {
        Some(t) => Err(Failure::input(format!(
            "{} in a {what} model is not supported: pspline() is penalized in Cox models only",
            design.terms[t.term]
        ))
        .hint("use ns(x, df = k) for a spline in this model")),
        None => Ok(()),
    }
}

/// A model's response and design, built from a table that holds its columns (missing rows already dropped).
pub(crate) struct ModelFrame {
    pub start: Option<Vec<f64>>,
    pub stop: Vec<f64>,
    pub event: Vec<bool>,
    pub coding: EventCoding,
    pub design: Design,
}

/// Builds the response and design of `formula` from `table`; an error located in a row names its line.
pub(crate) fn model_frame(
    formula_text: &str,
    formula: &Formula,
    table: &Table,
    event_value: Option<&str>,
) -> CliResult<ModelFrame> {
    let (start_col, stop_col, event_col) = match &formula.response {
        Response::Right { time, event } => (None, time.as_str(), event.as_str()),
        Response::Counting { start, stop, event } => {
            (Some(start.as_str()), stop.as_str(), event.as_str())
        }
    };
    let stop = read_times(table, stop_col)?;
    let start = match start_col {
        Some(c) => Some(table.numeric(c)?),
        None => None,
    };
    let (event, coding) = decode_event_column(table, event_col, event_value)?;
    let response: Vec<&str> = [start_col, Some(stop_col), Some(event_col)]
        .into_iter()
        .flatten()
        .collect();
    let columns: Vec<(String, ColumnData)> = formula
        .columns()
        .into_iter()
        .filter(|c| !response.contains(&c.as_str()))
        .map(|c| {
            // Borrowed: the design copies each value once, into its own matrix.
            let data = match table.get(&c) {
                ColumnValues::Numeric(v) => ColumnData::NumericRef(v),
                ColumnValues::Bool(v) => {
                    ColumnData::Numeric(v.iter().map(|&b| f64::from(u8::from(b))).collect())
                }
                ColumnValues::Text(v) => ColumnData::Coded {
                    codes: v.codes(),
                    labels: v.levels(),
                },
            };
            (c, data)
        })
        .collect();
    let design = build_design(formula, &columns).map_err(|e| match e {
        CoreError::AtRow { .. } => core_failure(table, e),
        e => Failure::input(format!(
            "cannot build the model for \"{formula_text}\" from {}: {e}",
            table.path.display()
        )),
    })?;
    Ok(ModelFrame {
        start,
        stop,
        event,
        coding,
        design,
    })
}
