//! How each column of a fitted design is computed from a table's columns on their original scale — a number as
//! it is, `log(x)`, a factor dummy `column=level` — so that new rows (prediction profiles, a validation cohort)
//! are encoded as the training rows were, as R's `predict` rebuilds the model matrix from `newdata` with the
//! training terms. A factor value the training data did not have is an error naming it.

use crate::failure::{CliResult, Failure};
use serde::{Deserialize, Serialize};
use sigsurv_core::design::Design;
use sigsurv_io::{ColumnValues, Table};
use std::collections::BTreeMap;

/// Whether [`DesignCoding`] can code every term of `d` (numbers, `log()`, factors; not interactions, transforms
/// or bases, which [`super::frozen_design::FrozenDesign`] keeps).
pub(crate) fn codes_every_term(d: &Design) -> bool {
    d.terms.iter().all(|t| stored(t))
}

fn stored(t: &str) -> bool {
    !t.contains(':') && (!t.contains('(') || t.starts_with("log(") || t.starts_with("factor("))
}

/// Predictions of a model with an offset are refused: the offset of new rows is not stored.
pub(crate) fn refuse_offset(d: &Design) -> CliResult<()> {
    if d.offset.is_some() {
        return Err(Failure::input(
            "predictions from a model with an offset() term are not supported yet (profiles, --save-model): \
             the offset of new rows is not stored",
        )
        .hint("fit the model without offset() to predict from it"));
    }
    Ok(())
}

/// One design column.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum ColumnCoding {
    Number {
        name: String,
        column: String,
    },
    Log {
        name: String,
        column: String,
    },
    Dummy {
        name: String,
        column: String,
        level: String,
    },
}

impl ColumnCoding {
    pub fn column(&self) -> &str {
        match self {
            ColumnCoding::Number { column, .. }
            | ColumnCoding::Log { column, .. }
            | ColumnCoding::Dummy { column, .. } => column,
        }
    }
}

/// The coding of every design column, and every level each factor column had in the training rows (a level
/// without a dummy is the reference).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct DesignCoding {
    pub columns: Vec<ColumnCoding>,
    pub levels: BTreeMap<String, Vec<String>>,
}

impl DesignCoding {
    /// The coding of a design fitted on `training` (which holds the factor columns). Interaction terms are
    /// refused: their coding is not stored yet.
    pub fn of(d: &Design, training: &Table) -> CliResult<DesignCoding> {
        refuse_offset(d)?;
        if let Some(t) = d.terms.iter().find(|t| !stored(t)) {
            return Err(Failure::input(format!(
                "predictions from a model with the term {t} are not supported yet (profiles, --save-model): \
                 interactions, transforms and spline bases are not stored"
            ))
            .hint("fit the model without the interaction to predict, or add the product as a column of the table"));
        }
        let columns: Vec<ColumnCoding> = d
            .names
            .iter()
            .zip(&d.term_of)
            .map(|(name, &t)| {
                let (term, column) = (&d.terms[t], &d.term_columns[t]);
                if let Some(level) = name.strip_prefix(&format!("{column}=")) {
                    ColumnCoding::Dummy {
                        name: name.clone(),
                        column: column.clone(),
                        level: level.to_string(),
                    }
                } else if term.starts_with("log(") {
                    ColumnCoding::Log {
                        name: name.clone(),
                        column: column.clone(),
                    }
                } else {
                    ColumnCoding::Number {
                        name: name.clone(),
                        column: name.clone(),
                    }
                }
            })
            .collect();
        let mut levels = BTreeMap::new();
        for c in &columns {
            if let ColumnCoding::Dummy { column, .. } = c {
                levels.entry(column.clone()).or_insert_with(|| {
                    let col = training.get(column);
                    let mut seen: Vec<String> = (0..col.len()).map(|i| label(col, i)).collect();
                    seen.sort();
                    seen.dedup();
                    seen
                });
            }
        }
        Ok(DesignCoding { columns, levels })
    }

    /// The table columns the coding reads, each once.
    pub fn source_columns(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.columns {
            if !out.iter().any(|o| o == c.column()) {
                out.push(c.column().to_string());
            }
        }
        out
    }

    /// The design rows of `t` (row-major n × p); `what` names the table in messages.
    pub fn encode(&self, t: &Table, what: &str) -> CliResult<Vec<f64>> {
        let n = t.n();
        let p = self.columns.len();
        let mut x = vec![0.0; n * p];
        for (j, c) in self.columns.iter().enumerate() {
            match c {
                ColumnCoding::Number { column, .. } | ColumnCoding::Log { column, .. } => {
                    let v = t.numeric(column)?;
                    let log = matches!(c, ColumnCoding::Log { .. });
                    for i in 0..n {
                        x[i * p + j] = if log { v[i].ln() } else { v[i] };
                    }
                }
                ColumnCoding::Dummy { column, level, .. } => {
                    let col = t.get(column);
                    for i in 0..n {
                        x[i * p + j] = f64::from(u8::from(label(col, i) == *level));
                    }
                }
            }
        }
        // A factor value the training rows did not have would silently become the reference level.
        for (column, known) in &self.levels {
            let col = t.get(column);
            for i in 0..n {
                let v = label(col, i);
                if !known.contains(&v) {
                    return Err(Failure::input(format!(
                        "{what}: value \"{v}\" of {column} at {} is not a level of the fitted model",
                        t.location(i)
                    ))
                    .hint(format!("its levels in the training data: {}", known.join(", "))));
                }
            }
        }
        Ok(x)
    }
}

/// A cell as a factor level: numbers as R prints them, text as it is.
pub(crate) fn label(col: &ColumnValues, i: usize) -> String {
    match col {
        ColumnValues::Numeric(v) => sigsurv_core::factor::level_label(v[i]),
        other => other.label(i),
    }
}
