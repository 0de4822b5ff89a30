//! Subgroup analyses of the score: its hazard ratio within each level of a clinical variable (a Cox model on the
//! level's patients, as R's `coxph(..., subset = er == 1)`), and the likelihood-ratio test of the score-by-
//! subgroup interaction on every patient with a known level (R: `anova(coxph(~ score + factor(er) + ...),
//! coxph(~ score * factor(er) + ...))`).
//!
//! A subgroup is a clinical column (its values, in R's factor order) or a condition `COL OP NUMBER` (two levels:
//! the condition false, then true). Within a column's levels the covariate terms that use that column are left
//! out of the model (constant there); a condition's column stays a covariate. Patients with no value of the
//! column are left out of that subgroup's fits and counted. A level whose model cannot be fitted is reported as
//! not estimable, with the reason, rather than dropped.

use super::columns::SCORE;
use super::join::subset;
use super::models::fit_cox;
use super::spec::AnalysisSpec;
use super::terms::Terms;
use crate::args::OutputArgs;
use crate::failure::{CliResult, Failure};
use crate::input::factor_of;
use crate::model::frame::parse;
use serde_json::{json, Value};
use sigsurv_core::pvalue::chisq_sf;
use sigsurv_io::{read_table, ColumnValues, Table, TableSpec};
use std::collections::HashMap;

/// Column names sigsurv adds for the interaction fits (a clinical column of these names is refused).
const LEVEL_COLUMN: &str = "sigsurv_subgroup_";
const PRODUCT_COLUMN: &str = "sigsurv_score_by_subgroup_";

/// One subgroup variable as the user wrote it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Subgroup {
    /// The levels of a column.
    Column(String),
    /// `column op value`: false, then true.
    Condition {
        column: String,
        op: &'static str,
        value: f64,
    },
}

impl Subgroup {
    pub fn column(&self) -> &str {
        match self {
            Subgroup::Column(c) | Subgroup::Condition { column: c, .. } => c,
        }
    }

    pub fn label(&self) -> String {
        match self {
            Subgroup::Column(c) => c.clone(),
            Subgroup::Condition { column, op, value } => format!("{column} {op} {value}"),
        }
    }

    /// Parses `er`, `grade` or `age >= 50`.
    pub fn parse(text: &str) -> Result<Subgroup, String> {
        let t = text.trim();
        for op in [">=", "<=", "==", "!=", ">", "<"] {
            if let Some((col, value)) = t.split_once(op) {
                let (col, value) = (col.trim(), value.trim());
                let v: f64 = value.parse().map_err(|_| {
                    format!("subgroup \"{t}\": \"{value}\" is not a number (a condition is COLUMN {op} NUMBER)")
                })?;
                if col.is_empty() || !v.is_finite() {
                    return Err(format!(
                        "subgroup \"{t}\": a condition is COLUMN {op} NUMBER, e.g. age >= 50"
                    ));
                }
                return Ok(Subgroup::Condition {
                    column: col.to_string(),
                    op,
                    value: v,
                });
            }
        }
        if t.is_empty() || t.contains(char::is_whitespace) {
            return Err(format!(
                "subgroup \"{t}\": give a column name or a condition such as age >= 50"
            ));
        }
        Ok(Subgroup::Column(t.to_string()))
    }

    /// The complement of a condition's operator, for the label of its false level.
    fn complement(op: &str) -> &'static str {
        match op {
            ">=" => "<",
            "<=" => ">",
            ">" => "<=",
            "<" => ">=",
            "==" => "!=",
            _ => "==",
        }
    }

    fn holds(op: &str, x: f64, value: f64) -> bool {
        match op {
            ">=" => x >= value,
            "<=" => x <= value,
            ">" => x > value,
            "<" => x < value,
            "==" => x == value,
            _ => x != value,
        }
    }
}

/// Splits `er, grade, age >= 50` (the CLI's form) into subgroups.
pub(crate) fn parse_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Each analysed row's level code of the subgroup (`None` where the column is missing) and the level labels.
fn levels_of(
    sub: &Subgroup,
    clinical: &TableSpec,
    table: &Table,
) -> CliResult<(Vec<Option<u32>>, Vec<String>)> {
    let col = sub.column();
    let read = read_table(clinical, &[col])?;
    let by_row: HashMap<u64, usize> = (0..read.n()).map(|i| (read.rows.get(i), i)).collect();
    let values = read.get(col);
    let (codes, levels): (Vec<u32>, Vec<String>) = match sub {
        Subgroup::Column(_) => {
            let f = factor_of(col, values);
            (f.codes, f.levels)
        }
        Subgroup::Condition { op, value, .. } => {
            let ColumnValues::Numeric(x) = values else {
                return Err(Failure::input(format!(
                    "subgroup \"{}\": column \"{col}\" of {} is not numeric",
                    sub.label(),
                    clinical.path.display()
                ))
                .hint("a condition compares a numeric column with a number; name a text column alone to use its values"));
            };
            let codes = x
                .iter()
                .map(|&v| u32::from(Subgroup::holds(op, v, *value)))
                .collect();
            let v = crate::render::text::sig(*value, 6);
            (
                codes,
                vec![
                    format!("{col} {} {v}", Subgroup::complement(op)),
                    format!("{col} {op} {v}"),
                ],
            )
        }
    };
    let rows = (0..table.n())
        .map(|i| by_row.get(&table.rows.get(i)).map(|&j| codes[j]))
        .collect();
    Ok((rows, levels))
}

/// The covariates without the terms that use `column` (each `+`-separated term of the covariates checked on
/// its own).
fn covariates_without(terms: &Terms, column: &str) -> Option<String> {
    let cov = terms.covariates.as_deref()?;
    let mut depth = 0i32;
    let mut pieces = vec![String::new()];
    for ch in cov.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            '+' if depth == 0 => {
                pieces.push(String::new());
                continue;
            }
            _ => {}
        }
        pieces.last_mut().expect("never empty").push(ch);
    }
    let kept: Vec<String> = pieces
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| {
            !p.is_empty()
                && parse(&format!("Surv({}, {}) ~ {p}", terms.time, terms.event))
                    .map(|f| !f.columns().iter().any(|c| c == column))
                    .unwrap_or(true)
        })
        .collect();
    (!kept.is_empty()).then(|| kept.join(" + "))
}

/// The subgroup analyses of `subgroups` on the analysed rows `table` (which holds the score), as the
/// `subgroups` JSON array.
pub(super) fn subgroup_analyses(
    spec: &AnalysisSpec,
    terms: &Terms,
    clinical: &TableSpec,
    table: &Table,
    event: &[bool],
    out: &OutputArgs,
) -> CliResult<Value> {
    let mut all = Vec::new();
    for text in &spec.subgroups.by {
        let sub = Subgroup::parse(text).map_err(|e| {
            Failure::input(e).hint("e.g. --subgroups \"er, grade, age >= 50\" (analysis files: by = [\"er\", \"age >= 50\"] in the subgroups table)")
        })?;
        let (codes, levels) = levels_of(&sub, clinical, table)?;
        let model_terms = Terms {
            time: terms.time.clone(),
            event: terms.event.clone(),
            covariates: match sub {
                Subgroup::Column(ref c) => covariates_without(terms, c),
                Subgroup::Condition { .. } => terms.covariates.clone(),
            },
            cov_columns: terms.cov_columns.clone(),
        };
        let known: Vec<usize> = (0..codes.len()).filter(|&i| codes[i].is_some()).collect();
        let n_missing = codes.len() - known.len();
        if n_missing > 0 {
            out.note(&format!(
                "subgroup {}: {n_missing} of {} analysed patients have no value of {} and are left out of its fits",
                sub.label(),
                codes.len(),
                sub.column()
            ));
        }
        let mut rows_json = Vec::new();
        for (k, level) in levels.iter().enumerate() {
            let rows: Vec<usize> = known
                .iter()
                .copied()
                .filter(|&i| codes[i] == Some(k as u32))
                .collect();
            let n_events = rows.iter().filter(|&&i| event[i]).count();
            let part = subset(table, &rows);
            let fit = if rows.is_empty() {
                Err("no patient".to_string())
            } else if n_events == 0 {
                Err("no event in this level".to_string())
            } else {
                fit_cox(
                    spec,
                    &model_terms,
                    &part,
                    SCORE,
                    &spec.model.strata,
                    &quiet(out),
                )
                .map_err(|f| f.message)
            };
            let term = fit
                .as_ref()
                .ok()
                .and_then(|m| m.fit.terms.iter().find(|t| t.term == SCORE));
            rows_json.push(match (term, &fit) {
                (Some(t), _) if t.coef.is_some_and(f64::is_finite) => json!({
                    "level": level, "n": rows.len(), "n_events": n_events,
                    "coef": t.coef, "exp_coef": t.exp_coef, "se": t.se, "lower": t.lower, "upper": t.upper,
                    "p_value": t.p_value,
                }),
                (_, Err(why)) => json!({
                    "level": level, "n": rows.len(), "n_events": n_events,
                    "coef": null, "exp_coef": null, "se": null, "lower": null, "upper": null, "p_value": null,
                    "note": format!("not estimable: {why}"),
                }),
                _ => json!({
                    "level": level, "n": rows.len(), "n_events": n_events,
                    "coef": null, "exp_coef": null, "se": null, "lower": null, "upper": null, "p_value": null,
                    "note": "not estimable: the score's coefficient is undefined in this level",
                }),
            });
        }
        let interaction =
            interaction_test(spec, &model_terms, table, &codes, &known, levels.len(), out);
        all.push(json!({
            "subgroup": sub.label(),
            "column": sub.column(),
            "n_missing": n_missing,
            "levels": rows_json,
            "interaction": interaction,
        }));
    }
    Ok(Value::Array(all))
}

/// The subgroups as text: per subgroup its interaction p, then the score's HR in each level.
pub(super) fn summary_text(subgroups: &Value) -> String {
    use crate::render::text::{pval, sig};
    let mut s = String::from("\nSubgroups (HR per SD of the score within each level):\n");
    for g in subgroups.as_array().into_iter().flatten() {
        let p = g["interaction"]["p_value"]
            .as_f64()
            .map_or("not estimable".to_string(), pval);
        s.push_str(&format!(
            "  {}: interaction p = {p}\n",
            g["subgroup"].as_str().unwrap_or("")
        ));
        for l in g["levels"].as_array().into_iter().flatten() {
            let (n, ev) = (
                l["n"].as_u64().unwrap_or(0),
                l["n_events"].as_u64().unwrap_or(0),
            );
            let what = match (
                l["exp_coef"].as_f64(),
                l["lower"].as_f64(),
                l["upper"].as_f64(),
            ) {
                (Some(hr), Some(lo), Some(hi)) => format!(
                    "HR {} ({} - {}), p = {}",
                    sig(hr, 3),
                    sig(lo, 3),
                    sig(hi, 3),
                    l["p_value"].as_f64().map_or("NA".to_string(), pval)
                ),
                _ => l["note"].as_str().unwrap_or("not estimable").to_string(),
            };
            s.push_str(&format!(
                "    {:<14} n = {n}, {ev} events: {what}\n",
                l["level"].as_str().unwrap_or("")
            ));
        }
    }
    s
}

/// Notes of the per-level fits stay quiet (one per level would drown the run's own); a level that cannot be
/// fitted is reported in the results instead.
fn quiet(out: &OutputArgs) -> OutputArgs {
    OutputArgs {
        quiet: true,
        ..out.clone()
    }
}

/// The likelihood-ratio test of score × subgroup: the model with the score, the subgroup's levels and the
/// covariates against the same model with the score's product with each non-reference level added.
fn interaction_test(
    spec: &AnalysisSpec,
    terms: &Terms,
    table: &Table,
    codes: &[Option<u32>],
    known: &[usize],
    n_levels: usize,
    out: &OutputArgs,
) -> Value {
    if n_levels < 2 {
        return json!({"test": "likelihood ratio", "chisq": null, "df": 0, "p_value": null,
                      "note": "one level: no interaction to test"});
    }
    let mut part = subset(table, known);
    let score: Vec<f64> = match part.get(SCORE) {
        ColumnValues::Numeric(v) => v.clone(),
        _ => return json!({"test": "likelihood ratio", "chisq": null, "df": null, "p_value": null}),
    };
    let mut main = Vec::new();
    let mut products = Vec::new();
    for k in 1..n_levels {
        let dummy: Vec<f64> = known
            .iter()
            .map(|&i| f64::from(u8::from(codes[i] == Some(k as u32))))
            .collect();
        let product: Vec<f64> = dummy.iter().zip(&score).map(|(d, s)| d * s).collect();
        let (d, p) = (format!("{LEVEL_COLUMN}{k}"), format!("{PRODUCT_COLUMN}{k}"));
        part.columns.push((d.clone(), ColumnValues::Numeric(dummy)));
        part.columns
            .push((p.clone(), ColumnValues::Numeric(product)));
        main.push(d);
        products.push(p);
    }
    let reduced = format!("{SCORE} + {}", main.join(" + "));
    let full = format!("{reduced} + {}", products.join(" + "));
    let fit = |rhs: &str| fit_cox(spec, terms, &part, rhs, &spec.model.strata, &quiet(out));
    match (fit(&reduced), fit(&full)) {
        (Ok(r), Ok(f)) => {
            let chisq = (2.0 * (f.fit.loglik - r.fit.loglik)).max(0.0);
            let df = n_levels - 1;
            json!({"test": "likelihood ratio", "n": known.len(), "chisq": chisq, "df": df,
                   "p_value": chisq_sf(chisq, df as f64)})
        }
        (Err(e), _) | (_, Err(e)) => json!({
            "test": "likelihood ratio", "n": known.len(), "chisq": null, "df": n_levels - 1, "p_value": null,
            "note": format!("not estimable: {}", e.message),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subgroups_parse_as_columns_or_conditions() {
        assert_eq!(Subgroup::parse(" er "), Ok(Subgroup::Column("er".into())));
        assert_eq!(
            Subgroup::parse("age >= 50"),
            Ok(Subgroup::Condition {
                column: "age".into(),
                op: ">=",
                value: 50.0
            })
        );
        assert!(Subgroup::parse("age >= old").is_err());
        assert!(Subgroup::parse("two words").is_err());
        assert_eq!(
            parse_list("er, grade ,age >= 50,"),
            ["er", "grade", "age >= 50"]
        );
    }
}
