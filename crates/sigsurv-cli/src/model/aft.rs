//! A parametric accelerated-failure-time model fitted on a table's model frame, as R's `survreg`, and its
//! predicted quantiles for covariate profiles.

use super::frame::{model_frame, ModelFrame};
use crate::failure::{CliResult, Failure};
use crate::input::core_failure;
use sigsurv_core::aft::{
    aft_fit, aft_fit_stratified, aft_fit_with_offset, AftFit, AftOptions, AftStrata,
};
use sigsurv_core::design::Design;
use sigsurv_core::formula::{Formula, Term};
use sigsurv_io::{ColumnValues, Table, TextColumn};

/// A fitted AFT model with the table and design it was fitted on (predictions encode profiles against them).
pub(crate) struct AftModel {
    /// The parsed formula, its spline knots placed (what predictions rebuild the design from).
    pub formula: Formula,
    pub table: Table,
    pub design: Design,
    pub fit: AftFit,
}

/// Fits the formula on a table that holds its columns (missing rows already dropped); one scale per stratum
/// when the formula has strata().
pub(crate) fn fit_aft(
    formula_text: &str,
    formula: &Formula,
    table: Table,
    weights: Option<&str>,
    event_value: Option<&str>,
    opts: &AftOptions,
) -> CliResult<AftModel> {
    let ModelFrame {
        stop,
        event,
        design,
        ..
    } = model_frame(formula_text, formula, &table, event_value)?;
    super::frame::refuse_penalized(&design, "parametric (AFT)")?;
    let weights = match weights {
        Some(w) => Some(table.numeric(w)?),
        None => None,
    };
    let labels = design
        .strata
        .as_ref()
        .map(|codes| strata_names(formula, &table, codes, &design.strata_labels));
    let strata = match (&design.strata, &labels) {
        (Some(codes), Some(labels)) => Some(AftStrata { codes, labels }),
        _ => None,
    };
    let fit = match (strata, &design.offset) {
        (strata, Some(offset)) => aft_fit_with_offset(
            &stop,
            &event,
            &design.x,
            design.p(),
            &design.names,
            weights.as_deref(),
            strata,
            offset,
            opts,
        ),
        (Some(strata), None) => aft_fit_stratified(
            &stop,
            &event,
            &design.x,
            design.p(),
            &design.names,
            weights.as_deref(),
            strata,
            opts,
        ),
        (None, None) => aft_fit(
            &stop,
            &event,
            &design.x,
            design.p(),
            &design.names,
            weights.as_deref(),
            opts,
        ),
    }
    .map_err(|e| core_failure(&table, e))?;
    Ok(AftModel {
        formula: formula.clone(),
        table,
        design,
        fit,
    })
}

impl AftModel {
    /// The time quantiles `probabilities` of each profile of the table at `path`, with the profile's label.
    pub fn predict(&self, path: &str, probabilities: &[f64]) -> CliResult<Vec<(String, Vec<f64>)>> {
        let (x, labels) =
            crate::profiles::encode_profiles(&self.design, &self.formula, &self.table, path)?;
        let p = self.design.p();
        let mut rows = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let q = self
                .fit
                .quantiles(&x[i * p..(i + 1) * p], probabilities)
                .map_err(|e| Failure::input(e.to_string()))?;
            rows.push((label.clone(), q));
        }
        Ok(rows)
    }
}

/// R's names of the strata (`names(fit$scale)`, the scale rows of `summary(fit)`): `sex=1` as the design labels
/// them, or the levels alone (`adeno`, or `a, 1` for two columns) when every strata column is text, as R's
/// `strata()` labels factors and character columns.
fn strata_names(formula: &Formula, table: &Table, codes: &[u32], labels: &[String]) -> Vec<String> {
    let text_columns: Option<Vec<&TextColumn>> = formula
        .terms
        .iter()
        .filter_map(|t| match t {
            Term::Strata(c) => Some(match table.get(c) {
                ColumnValues::Text(v) => Some(v),
                _ => None,
            }),
            _ => None,
        })
        .collect();
    let Some(columns) = text_columns else {
        return labels.to_vec();
    };
    (0..labels.len())
        .map(|h| match codes.iter().position(|&c| c as usize == h) {
            Some(row) => columns
                .iter()
                .map(|v| v.get(row))
                .collect::<Vec<_>>()
                .join(", "),
            None => labels[h].clone(),
        })
        .collect()
}
