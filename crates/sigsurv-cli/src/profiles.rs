//! Covariate profiles for predictions (`cox --predict FILE`, `aft --predict FILE`): a table with the model's
//! covariate columns on their original scale, encoded on the fitted design.

use crate::failure::{CliResult, Failure};
use crate::model::coding::{codes_every_term, DesignCoding};
use crate::model::frozen_design::FrozenDesign;
use sigsurv_core::design::Design;
use sigsurv_core::formula::Formula;
use sigsurv_io::{read_table, Table, TableSpec};
use std::path::PathBuf;

enum Encoding {
    Columns(DesignCoding),
    Formula(FrozenDesign),
}

/// Reads the profiles table and encodes each row on the fit's design: numbers as they are, `log(x)` as ln x,
/// factor dummies `column=level` as 0/1 (a level the fit did not see is an error). Labels are "1", "2", ... or
/// the values of an `id`/`profile` column when present.
/// A model with interactions, transforms or spline bases is encoded by its formula with the training knots and
/// levels ([`FrozenDesign`]).
pub(crate) fn encode_profiles(
    d: &Design,
    formula: &Formula,
    fitted: &Table,
    path: &str,
) -> CliResult<(Vec<f64>, Vec<String>)> {
    let encoding = if codes_every_term(d) {
        Encoding::Columns(DesignCoding::of(d, fitted)?)
    } else {
        Encoding::Formula(FrozenDesign::of(formula, d, fitted)?)
    };
    let needed = match &encoding {
        Encoding::Columns(c) => c.source_columns(),
        Encoding::Formula(f) => f.columns.clone(),
    };
    let spec = TableSpec {
        path: PathBuf::from(path),
        delimiter: None,
        filter: None,
    };
    let names = sigsurv_io::table::column_names(&spec)?;
    let label_col = ["profile", "id"]
        .into_iter()
        .find(|c| names.iter().any(|n| n == c));
    let mut cols: Vec<&str> = needed.iter().map(String::as_str).collect();
    if let Some(l) = label_col {
        cols.push(l);
    }
    let t = read_table(&spec, &cols)?;
    if t.n_dropped > 0 {
        return Err(Failure::input(format!(
            "{path}: {} profile rows have a missing value; every covariate must be given",
            t.n_dropped
        )));
    }
    let x = match encoding {
        Encoding::Columns(c) => c.encode(&t, path)?,
        Encoding::Formula(f) => f.encode_formula(formula.clone(), &t, path)?,
    };
    let n = t.n();
    let labels = match label_col {
        Some(l) => (0..n).map(|i| t.get(l).label(i)).collect(),
        None => (1..=n).map(|i| i.to_string()).collect(),
    };
    Ok((x, labels))
}
