//! The saved Cox model of an elastic-net fit at one lambda (`coxnet --out DIR` writes `model.json`): the genes
//! with a nonzero coefficient and the unpenalized covariates, with glmnet's coefficients fixed, so that `predict`
//! and `validate --model` score new samples as R's `predict(fit, newx, s, type = "link")` (the uncentred linear
//! predictor: the model's centre is 0) and `survfit(fit, s, x, y, newx)` (Efron's baseline hazard of the training
//! samples at that linear predictor, as glmnet's `survfit.coxnet` builds it with `coxph(y ~ eta, init = 1,
//! iter = 0)`).

use super::cox::CoxModel;
use super::frame::{model_frame, ModelFrame};
use super::saved::SavedCox;
use crate::failure::{CliResult, Failure};
use sigsurv_core::cox::{CoxFit, Ties};
use sigsurv_core::formula::{parse_formula_for, Term};
use sigsurv_io::{ColumnValues, Table};
use std::path::Path;

/// What the model is made of: the clinical table and its analysed rows, the fit's columns and coefficients.
pub(crate) struct CoxnetModelInputs<'a> {
    pub clinical: &'a Table,
    pub clinical_path: &'a Path,
    /// The analysed clinical rows (ascending), the samples of `x`'s rows.
    pub rows: &'a [usize],
    pub time_column: &'a str,
    pub event_column: &'a str,
    pub event_value: Option<&'a str>,
    /// The right-hand side of `--unpenalized`, if any.
    pub unpenalized: Option<&'a str>,
    /// Column names of `x` (unpenalized design columns first, then genes) and the coefficients at the lambda.
    pub names: &'a [String],
    pub n_unpenalized: usize,
    /// The fit's matrix, column-major n × p.
    pub x: &'a [f64],
    pub beta: &'a [f64],
    pub weights: Option<&'a [f64]>,
}

/// The saved model, or `None` (with the reason) when it has no coefficient to save.
pub(crate) fn coxnet_model(m: &CoxnetModelInputs) -> CliResult<Result<SavedCox, String>> {
    let n = m.rows.len();
    let genes: Vec<usize> = (m.n_unpenalized..m.names.len())
        .filter(|&j| m.beta[j] != 0.0)
        .collect();
    let mut rhs: Vec<String> = m.unpenalized.iter().map(|s| s.to_string()).collect();
    rhs.extend(genes.iter().map(|&j| quoted(&m.names[j])));
    if rhs.is_empty() {
        return Ok(Err("no coefficient is nonzero at this lambda".into()));
    }
    let text = format!(
        "Surv({}, {}) ~ {}",
        quoted(m.time_column),
        quoted(m.event_column),
        rhs.join(" + ")
    );
    let mut keep = vec![false; m.clinical.n()];
    for &i in m.rows {
        keep[i] = true;
    }
    let mut table = m.clinical.retain_rows(&keep);
    for &j in &genes {
        let name = &m.names[j];
        if table.columns.iter().any(|(c, _)| c == name) {
            return Ok(Err(format!(
                "gene {name} has the name of a clinical column, which a model's formula cannot tell apart"
            )));
        }
        table.columns.push((
            name.clone(),
            ColumnValues::Numeric(m.x[j * n..(j + 1) * n].to_vec()),
        ));
    }
    let columns: Vec<String> = table.columns.iter().map(|(c, _)| c.clone()).collect();
    let formula = parse_formula_for(&text, &columns)
        .map_err(|e| Failure::input(format!("coxnet's model formula \"{text}\": {e}")))?;
    let has_basis = formula
        .terms
        .iter()
        .any(|t| t.variables().iter().any(|v| matches!(v, Term::Basis(_))));
    if has_basis {
        return Ok(Err(
            "--unpenalized has a spline or polynomial term, whose basis a saved coxnet model does not keep yet"
                .into(),
        ));
    }
    let ModelFrame {
        start,
        stop,
        event,
        coding,
        design,
    } = model_frame(&text, &formula, &table, m.event_value)?;
    let mut coef = Vec::with_capacity(design.p());
    for name in &design.names {
        match m.names.iter().position(|c| c == name) {
            Some(j) => coef.push(m.beta[j]),
            None => {
                return Err(Failure::internal(format!(
                    "coxnet's model: column {name} of the saved formula is not one of the fit's"
                )))
            }
        }
    }
    let p = coef.len();
    let n_events = event.iter().filter(|e| **e).count();
    // glmnet's linear predictor is not centred, and glmnet gives no variance (predictions do not use it).
    let fit = CoxFit::with_fixed_coefficients(
        &design.names,
        coef,
        vec![0.0; p],
        n,
        n_events,
        Ties::Efron,
    );
    let model = CoxModel {
        formula_text: text,
        formula: formula.clone(),
        table,
        design,
        start,
        stop,
        event,
        weights: m.weights.map(<[f64]>::to_vec),
        coding,
        fit,
        term_tests: Vec::new(),
        notes: Vec::new(),
    };
    Ok(Ok(SavedCox::of(
        &model,
        &formula,
        m.clinical_path,
        "efron",
    )?))
}

/// A column name as a formula term: in backticks unless it is a syntactic R name.
fn quoted(name: &str) -> String {
    let syntactic = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
    if syntactic {
        name.to_string()
    } else {
        format!("`{name}`")
    }
}
