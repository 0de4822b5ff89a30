//! Covariate profiles for predictions (`cox --predict FILE`, `aft --predict FILE`): a table with the model's
//! covariate columns on their original scale, encoded on the fitted design.

use crate::failure::{CliResult, Failure};
use sigsurv_core::design::Design;
use sigsurv_io::{read_table, ColumnValues, Table, TableSpec};
use std::path::PathBuf;

/// Reads the profiles table and encodes each row on the fit's design: numbers as they are, `log(x)` as ln x,
/// factor dummies `column=level` as 0/1 (a level the fit did not see is an error). Labels are "1", "2", ... or
/// the values of an `id`/`profile` column when present.
pub(crate) fn encode_profiles(
    d: &Design,
    fitted: &Table,
    path: &str,
) -> CliResult<(Vec<f64>, Vec<String>)> {
    // The source column of each design column, and how it is encoded.
    enum Enc {
        Number(String),
        Log(String),
        Dummy(String, String),
    }
    let encs: Vec<Enc> = d
        .names
        .iter()
        .zip(&d.term_of)
        .map(|(name, &t)| {
            let (term, column) = (&d.terms[t], &d.term_columns[t]);
            if let Some(level) = name.strip_prefix(&format!("{column}=")) {
                Enc::Dummy(column.clone(), level.to_string())
            } else if term.starts_with("log(") {
                Enc::Log(column.clone())
            } else {
                Enc::Number(name.clone())
            }
        })
        .collect();
    let mut needed: Vec<&str> = Vec::new();
    for e in &encs {
        let c = match e {
            Enc::Number(c) | Enc::Log(c) | Enc::Dummy(c, _) => c.as_str(),
        };
        if !needed.contains(&c) {
            needed.push(c);
        }
    }
    let spec = TableSpec {
        path: PathBuf::from(path),
        delimiter: None,
        filter: None,
    };
    let names = sigsurv_io::table::column_names(&spec)?;
    let label_col = ["profile", "id"]
        .into_iter()
        .find(|c| names.iter().any(|n| n == c));
    let mut cols = needed.clone();
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
    let n = t.n();
    let p = d.p();
    let mut x = vec![0.0; n * p];
    for (j, e) in encs.iter().enumerate() {
        match e {
            Enc::Number(c) | Enc::Log(c) => {
                let v = t.numeric(c)?;
                for i in 0..n {
                    x[i * p + j] = if matches!(e, Enc::Log(_)) {
                        v[i].ln()
                    } else {
                        v[i]
                    };
                }
            }
            Enc::Dummy(c, level) => {
                let col = t.get(c);
                for i in 0..n {
                    x[i * p + j] = f64::from(u8::from(label(col, i) == *level));
                }
            }
        }
    }
    // A factor value the fit did not see would silently become the reference level: refuse it.
    for e in &encs {
        if let Enc::Dummy(c, _) = e {
            let known: Vec<&str> = encs
                .iter()
                .filter_map(|e| match e {
                    Enc::Dummy(c2, l) if c2 == c => Some(l.as_str()),
                    _ => None,
                })
                .collect();
            let col = t.get(c);
            for i in 0..n {
                let v = label(col, i);
                if !known.contains(&v.as_str()) && !seen_in_fit(fitted, c, &v) {
                    return Err(Failure::input(format!(
                        "{path}: value \"{v}\" of {c} at {} is not a level of the fitted model",
                        t.location(i)
                    )));
                }
            }
        }
    }
    let labels = match label_col {
        Some(l) => (0..n).map(|i| t.get(l).label(i)).collect(),
        None => (1..=n).map(|i| i.to_string()).collect(),
    };
    Ok((x, labels))
}

fn label(col: &ColumnValues, i: usize) -> String {
    match col {
        ColumnValues::Numeric(v) => sigsurv_core::factor::level_label(v[i]),
        other => other.label(i),
    }
}

/// Whether `value` occurs in column `column` of the fitted data (a level without a dummy is the reference).
fn seen_in_fit(fitted: &Table, column: &str, value: &str) -> bool {
    let col = fitted.get(column);
    (0..col.len()).any(|i| label(col, i) == value)
}
