//! The design of a fitted model with interactions, transforms or spline bases, frozen for new rows: the formula,
//! the knots and boundary of each `ns()`/`bs()` term as the training rows placed them, and the levels of every
//! column that enters as a factor. New rows are then encoded with the training basis and coding, as R's
//! `predict(fit, newdata)` rebuilds the model matrix (`makepredictcall` keeps the knots, `xlev` the levels).

use super::coding::label;
use crate::failure::{CliResult, Failure};
use serde::{Deserialize, Serialize};
use sigsurv_core::design::{build_design, ColumnData, Design};
use sigsurv_core::formula::{parse_formula_for, BasisKind, BasisSpec, Formula, Response, Term};
use sigsurv_io::{ColumnValues, Table};
use std::collections::BTreeMap;

/// The knots of one spline term, in the order the formula's terms (and their variables) list them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct FrozenBasis {
    pub label: String,
    pub knots: Vec<f64>,
    pub boundary: [f64; 2],
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct FrozenDesign {
    /// The table columns the terms read, in the formula's order (`.` expands to them).
    pub columns: Vec<String>,
    pub bases: Vec<FrozenBasis>,
    /// The levels, in R's order, of each column that enters as a factor.
    pub levels: BTreeMap<String, Vec<String>>,
    /// The design's column names, checked when new rows are encoded.
    pub names: Vec<String>,
}

/// The spline terms of a formula, in order (main effects and interactions' variables alike).
fn bases_mut(formula: &mut Formula) -> Vec<&mut BasisSpec> {
    let mut out = Vec::new();
    for t in formula.terms.iter_mut() {
        match t {
            Term::Basis(b) => out.push(b),
            Term::Interaction(vars) => out.extend(vars.iter_mut().filter_map(|v| match v {
                Term::Basis(b) => Some(b),
                _ => None,
            })),
            _ => {}
        }
    }
    out
}

/// The columns that enter a formula as factors: `factor()`, a `strata()` inside an interaction, and text columns.
fn factor_columns(formula: &Formula, table: &Table) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |c: &str| {
        if !out.iter().any(|o| o == c) {
            out.push(c.to_string());
        }
    };
    for t in &formula.terms {
        let in_interaction = matches!(t, Term::Interaction(_));
        for v in t.variables() {
            match v {
                Term::Factor { column, .. } => push(column),
                Term::Strata(c) if in_interaction => push(c),
                _ => {}
            }
        }
    }
    for c in covariate_columns(formula) {
        if matches!(table.get(&c), ColumnValues::Text(_)) {
            push(&c);
        }
    }
    out
}

/// The formula's columns, for messages.
fn what_formula(f: &Formula) -> String {
    format!("~ {}", covariate_columns(f).join(", "))
}

fn covariate_columns(formula: &Formula) -> Vec<String> {
    let response: Vec<&String> = match &formula.response {
        Response::Right { time, event } => vec![time, event],
        Response::Counting { start, stop, event } => vec![start, stop, event],
    };
    formula
        .columns()
        .into_iter()
        .filter(|c| !response.contains(&c))
        .collect()
}

impl FrozenDesign {
    /// The frozen form of `design`, fitted from `formula` (its spline knots placed) on `training`.
    pub fn of(formula: &Formula, design: &Design, training: &Table) -> CliResult<FrozenDesign> {
        super::coding::refuse_offset(design)?;
        let mut placed = formula.clone();
        let mut bases = Vec::new();
        for b in bases_mut(&mut placed) {
            match (b.kind, &b.knots, b.boundary) {
                (BasisKind::Poly, ..) => {
                    return Err(Failure::input(format!(
                        "predictions from a model with {} are not supported yet (profiles, --save-model)",
                        b.label
                    ))
                    .hint("use ns(x, df = k) or bs(x, df = k), whose knots are saved with the model"))
                }
                (_, Some(knots), Some(boundary)) => bases.push(FrozenBasis {
                    label: b.label.clone(),
                    knots: knots.clone(),
                    boundary,
                }),
                _ => {
                    return Err(Failure::input(format!(
                        "{}: the knots were not placed before the fit",
                        b.label
                    )))
                }
            }
        }
        let levels = factor_columns(formula, training)
            .into_iter()
            .map(|c| {
                let levels = match training.get(&c) {
                    ColumnValues::Text(v) => {
                        sigsurv_core::factor::coded_text_factor(v.codes(), v.levels()).1
                    }
                    ColumnValues::Numeric(v) => sigsurv_core::factor::numeric_factor(v)
                        .1
                        .into_iter()
                        .map(sigsurv_core::factor::level_label)
                        .collect(),
                    ColumnValues::Bool(_) => vec!["0".into(), "1".into()],
                };
                (c, levels)
            })
            .collect();
        Ok(FrozenDesign {
            columns: covariate_columns(formula),
            bases,
            levels,
            names: design.names.clone(),
        })
    }

    /// The design rows of `t` (row-major n × p) under the training basis and levels; `formula` is the model's
    /// formula as written, `what` names the table in messages.
    pub fn encode(&self, formula: &str, t: &Table, what: &str) -> CliResult<Vec<f64>> {
        let parsed = parse_formula_for(formula, &self.columns)
            .map_err(|e| Failure::input(format!("the saved model's formula \"{formula}\": {e}")))?;
        self.encode_formula(parsed, t, what)
    }

    /// [`FrozenDesign::encode`] with the formula parsed.
    pub fn encode_formula(
        &self,
        mut parsed: Formula,
        t: &Table,
        what: &str,
    ) -> CliResult<Vec<f64>> {
        let formula = what_formula(&parsed);
        let bases = bases_mut(&mut parsed);
        if bases.len() != self.bases.len() {
            return Err(Failure::input(format!(
                "the saved model has {} spline terms, its formula {}: the file was edited",
                self.bases.len(),
                bases.len()
            )));
        }
        for (b, f) in bases.into_iter().zip(&self.bases) {
            b.knots = Some(f.knots.clone());
            b.boundary = Some(f.boundary);
        }
        let n = t.n();
        let mut columns: Vec<(String, ColumnData)> = Vec::new();
        for c in &self.columns {
            let col = t.get(c);
            let numbers = match col {
                ColumnValues::Numeric(v) => Some(v.to_vec()),
                ColumnValues::Bool(v) => Some(v.iter().map(|&b| f64::from(u8::from(b))).collect()),
                ColumnValues::Text(_) => None,
            };
            let data = match self.levels.get(c) {
                Some(levels) => {
                    let mut codes = Vec::with_capacity(n);
                    for i in 0..n {
                        let v = label(col, i);
                        match levels.iter().position(|l| *l == v) {
                            Some(k) => codes.push(k as u32),
                            None => {
                                return Err(Failure::input(format!(
                                    "{what}: value \"{v}\" of {c} at {} is not a level of the fitted model",
                                    t.location(i)
                                ))
                                .hint(format!(
                                    "its levels in the training data: {}",
                                    levels.join(", ")
                                )))
                            }
                        }
                    }
                    ColumnData::Levels {
                        codes,
                        levels: levels.clone(),
                        values: numbers,
                    }
                }
                None => match numbers {
                    Some(v) => ColumnData::Numeric(v),
                    None => {
                        return Err(Failure::input(format!(
                            "{what}: column {c} is text, but the model was fitted on numbers"
                        )))
                    }
                },
            };
            columns.push((c.clone(), data));
        }
        let design = build_design(&parsed, &columns).map_err(|e| {
            Failure::input(format!(
                "{what}: cannot encode the rows for \"{formula}\": {e}"
            ))
        })?;
        if design.names != self.names {
            return Err(Failure::input(format!(
                "{what}: the rows encode to the columns {} but the model has {}",
                design.names.join(", "),
                self.names.join(", ")
            )));
        }
        let p = design.p();
        let mut x = vec![0.0; n * p];
        for j in 0..p {
            for i in 0..n {
                x[i * p + j] = design.x[j * n + i];
            }
        }
        Ok(x)
    }
}
