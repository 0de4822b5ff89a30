//! Covariate profiles for predictions (`cox --predict FILE`, `aft --predict FILE`): a table with the model's
//! covariate columns on their original scale, encoded on the fitted design.

use crate::failure::{CliResult, Failure};
use crate::model::coding::DesignCoding;
use sigsurv_core::design::Design;
use sigsurv_io::{read_table, Table, TableSpec};
use std::path::PathBuf;

/// Reads the profiles table and encodes each row on the fit's design: numbers as they are, `log(x)` as ln x,
/// factor dummies `column=level` as 0/1 (a level the fit did not see is an error). Labels are "1", "2", ... or
/// the values of an `id`/`profile` column when present.
pub(crate) fn encode_profiles(
    d: &Design,
    fitted: &Table,
    path: &str,
) -> CliResult<(Vec<f64>, Vec<String>)> {
    let coding = DesignCoding::of(d, fitted)?;
    let needed = coding.source_columns();
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
    let x = coding.encode(&t, path)?;
    let n = t.n();
    let labels = match label_col {
        Some(l) => (0..n).map(|i| t.get(l).label(i)).collect(),
        None => (1..=n).map(|i| i.to_string()).collect(),
    };
    Ok((x, labels))
}
