//! `sigsurv predict`: a saved Cox model applied to new rows — the linear predictor centred at the training
//! means and the relative risk (R's `predict(fit, newdata, type = "lp" | "risk")`), and the predicted survival
//! at given times (`summary(survfit(fit, newdata), times, extend = TRUE)$surv`).

use crate::args::{OutputFormat, PredictArgs};
use crate::failure::{CliResult, Failure};
use crate::input::read_columns;
use crate::model::saved::SavedCox;
use crate::render::csv::{num, CsvOut};
use crate::render::text::sig;
use serde_json::json;
use sigsurv_io::TableSpec;

pub fn run(a: &PredictArgs) -> CliResult<()> {
    let model = SavedCox::read(&a.model)?;
    if let Some(t) = a.times.iter().find(|t| !(t.is_finite() && **t >= 0.0)) {
        return Err(Failure::input(format!(
            "--times {t}: times must be finite and >= 0"
        )));
    }
    let spec = TableSpec {
        path: a.newdata.clone(),
        delimiter: None,
        filter: a.filter.clone(),
    };
    let names = sigsurv_io::table::column_names(&spec)?;
    let needed = model.columns();
    if let Some(missing) = needed.iter().find(|c| !names.contains(c)) {
        return Err(Failure::input(format!(
            "{} has no column \"{missing}\", which the model uses ({})",
            a.newdata.display(),
            model.formula
        ))
        .hint(format!("the model's columns: {}", needed.join(", "))));
    }
    let id = match &a.id {
        Some(c) => Some(c.clone()),
        None => ["id", "sample_id", "pid", "sample"]
            .into_iter()
            .find(|c| names.iter().any(|n| n == c))
            .map(str::to_string),
    };
    let mut cols: Vec<&str> = needed.iter().map(String::as_str).collect();
    if let Some(c) = &id {
        if !cols.contains(&c.as_str()) {
            cols.push(c);
        }
    }
    let table = read_columns(&spec, &cols, &a.output)?;
    let x = model.design_rows(&table, &a.newdata.display().to_string())?;
    let centred = model.linear_predictor(&x);
    let strata = model.strata_of(&table, &a.newdata.display().to_string())?;
    let mut times = a.times.clone();
    times.sort_by(f64::total_cmp);
    let surv: Vec<Vec<f64>> = centred
        .iter()
        .zip(&strata)
        .map(|(l, &s)| times.iter().map(|&t| model.survival(s, *l, t)).collect())
        .collect();
    let lp: Vec<f64> = centred
        .iter()
        .zip(&strata)
        .map(|(l, &s)| model.reported_lp(*l, s))
        .collect();
    let ids: Vec<String> = match &id {
        Some(c) => (0..table.n()).map(|i| table.get(c).label(i)).collect(),
        None => (1..=table.n()).map(|i| i.to_string()).collect(),
    };
    let text = match a.output.resolved_format() {
        OutputFormat::Json => crate::output::json_text(&json!({
            "analysis": "predict",
            "model": a.model.display().to_string(),
            "formula": model.formula,
            "n": table.n(),
            "n_dropped": table.n_dropped,
            "id": id,
            "times": times,
            "rows": ids.iter().zip(&lp).zip(&surv).map(|((i, l), s)| json!({
                "id": i, "lp": l, "risk": l.exp(), "survival": s,
            })).collect::<Vec<_>>(),
        })),
        // A table of predictions is a CSV: one line per row, readable by every tool.
        OutputFormat::Csv | OutputFormat::Table => {
            let mut headers = vec![
                id.clone().unwrap_or_else(|| "row".into()),
                "lp".into(),
                "risk".into(),
            ];
            headers.extend(times.iter().map(|t| format!("surv_{}", sig(*t, 8))));
            let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
            let mut out = CsvOut::new(&refs);
            for ((i, l), s) in ids.iter().zip(&lp).zip(&surv) {
                let mut line = vec![i.clone(), num(*l), num(l.exp())];
                line.extend(s.iter().map(|v| num(*v)));
                out.line(line);
            }
            out.finish()
        }
    };
    a.output.emit(&text)
}
