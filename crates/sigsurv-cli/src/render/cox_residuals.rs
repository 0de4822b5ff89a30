//! The output of `sigsurv cox --residuals`: one row per observation (per event time for Schoenfeld residuals),
//! as CSV or JSON.

use crate::args::OutputFormat;
use crate::model::cox::CoxModel;
use crate::output::json_text;
use crate::render::csv::{num, CsvOut};
use serde_json::{json, Value};
use sigsurv_core::cox::{ResidualType, Residuals};

/// The residuals as JSON, or as CSV for any other format.
pub(crate) fn render(m: &CoxModel, res: &Residuals, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json_text(&residuals_json(m, res)),
        _ => residuals_csv(m, res),
    }
}

/// Column names of the residuals: the residual type for the per-row kinds (martingale, deviance), one column per
/// coefficient for the others, whatever the number of coefficients.
fn residual_header(m: &CoxModel, res: &Residuals) -> Vec<String> {
    match res.kind {
        ResidualType::Martingale | ResidualType::Deviance => {
            vec![res.kind.r_name().to_string()]
        }
        _ => m.design.names.clone(),
    }
}

fn residuals_csv(m: &CoxModel, res: &Residuals) -> String {
    let schoenfeld = matches!(
        res.kind,
        ResidualType::Schoenfeld | ResidualType::ScaledSchoenfeld
    );
    let mut headers = vec!["row".to_string()];
    if schoenfeld {
        headers.push("time".into());
    }
    headers.extend(residual_header(m, res));
    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut out = CsvOut::new(&h);
    for (r, &row) in res.rows.iter().enumerate() {
        let mut cells = vec![(m.table.rows.get(row) + 1).to_string()];
        if schoenfeld {
            cells.push(num(res.times[r]));
        }
        cells.extend(
            res.values[r * res.ncol..(r + 1) * res.ncol]
                .iter()
                .map(|v| num(*v)),
        );
        out.line(cells);
    }
    out.finish()
}

fn residuals_json(m: &CoxModel, res: &Residuals) -> Value {
    let names = residual_header(m, res);
    let columns: serde_json::Map<String, Value> = names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let col: Vec<f64> = (0..res.rows.len())
                .map(|r| res.values[r * res.ncol + j])
                .collect();
            (name.clone(), json!(col))
        })
        .collect();
    json!({
        "analysis": "cox_residuals",
        "type": res.kind.r_name(),
        "formula": m.formula_text,
        "row": res.rows.iter().map(|&r| m.table.rows.get(r) + 1).collect::<Vec<_>>(),
        "time": if matches!(res.kind, ResidualType::Schoenfeld | ResidualType::ScaledSchoenfeld) { json!(res.times) } else { Value::Null },
        "values": columns,
    })
}
