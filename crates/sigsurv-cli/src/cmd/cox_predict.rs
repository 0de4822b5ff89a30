//! `sigsurv cox --predict`: survival curves of a fitted Cox model for covariate profiles, as R's
//! `survfit(coxfit, newdata)` (or at the covariate means without newdata).

use super::cox::CoxModel;
use crate::args::OutputFormat;
use crate::failure::{CliResult, Failure};
use crate::output::json_text;
use crate::render::csv::{num, num_opt, CsvOut};
use serde_json::{json, Value};
use sigsurv_core::cox::{cox_survfit, CoxCurve, NewData};
use sigsurv_io::{read_table, ColumnValues, TableSpec};
use std::path::PathBuf;

/// Renders the predicted curves for `profiles` ("mean" or a table path).
pub(crate) fn predict(
    m: &CoxModel,
    profiles: &str,
    conf_level: f64,
    format: OutputFormat,
) -> CliResult<String> {
    let (x, labels) = if profiles == "mean" {
        (None, Vec::new())
    } else {
        let (x, labels) = encode_profiles(m, profiles)?;
        (Some(x), labels)
    };
    let newdata = x.as_ref().map(|x| NewData {
        n: labels.len(),
        x,
        strata: None,
    });
    let curves = cox_survfit(&m.fit, &m.data(), newdata.as_ref(), conf_level)
        .map_err(|e| Failure::input(format!("cannot predict from the fit: {e}")))?;
    let profile_name = |c: &CoxCurve| c.profile.map_or("mean".to_string(), |i| labels[i].clone());
    let stratum_name = |c: &CoxCurve| {
        c.stratum
            .map(|s| m.design.strata_labels[s as usize].clone())
    };
    Ok(match format {
        OutputFormat::Json => json_text(&json!({
            "analysis": "cox_predict",
            "formula": m.formula_text,
            "conf_type": "log",
            "conf_level": conf_level,
            "curves": curves.iter().map(|c| json!({
                "profile": profile_name(c),
                "stratum": stratum_name(c),
                "table": {
                    "time": c.time, "n_risk": c.n_risk, "n_event": c.n_event, "n_censor": c.n_censor,
                    "surv": c.surv, "std_err": c.std_err, "lower": c.lower, "upper": c.upper, "cumhaz": c.cumhaz,
                },
            })).collect::<Vec<Value>>(),
        })),
        _ => {
            let mut out = CsvOut::new(&[
                "profile", "stratum", "time", "n_risk", "n_event", "n_censor", "surv", "std_err",
                "lower", "upper", "cumhaz",
            ]);
            for c in &curves {
                for i in 0..c.time.len() {
                    out.line([
                        profile_name(c),
                        stratum_name(c).unwrap_or_default(),
                        num(c.time[i]),
                        num(c.n_risk[i]),
                        num(c.n_event[i]),
                        num(c.n_censor[i]),
                        num(c.surv[i]),
                        num(c.std_err[i]),
                        num_opt(c.lower[i]),
                        num_opt(c.upper[i]),
                        num(c.cumhaz[i]),
                    ]);
                }
            }
            out.finish()
        }
    })
}

/// Reads the profiles table and encodes each row on the fit's design: numbers as they are, `log(x)` as ln x,
/// factor dummies `column=level` as 0/1 (a level the fit did not see is an error). Labels are "1", "2", ... or
/// the values of an `id`/`profile` column when present.
fn encode_profiles(m: &CoxModel, path: &str) -> CliResult<(Vec<f64>, Vec<String>)> {
    let d = &m.design;
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
            let term = &d.terms[t];
            if let Some(level) = name.strip_prefix(&format!("{term}=")) {
                Enc::Dummy(term.clone(), level.to_string())
            } else if let Some(col) = term.strip_prefix("log(").and_then(|r| r.strip_suffix(')')) {
                Enc::Log(col.to_string())
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
                if !known.contains(&v.as_str()) && !seen_in_fit(m, c, &v) {
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
        ColumnValues::Numeric(v) => sigsurv_core::design::format_r_number(v[i]),
        other => other.label(i),
    }
}

/// Whether `value` occurs in column `column` of the fitted data (a level without a dummy is the reference).
fn seen_in_fit(m: &CoxModel, column: &str, value: &str) -> bool {
    let col = m.table.get(column);
    (0..col.len()).any(|i| label(col, i) == value)
}
