//! A fitted Cox model saved to a file (`cox --save-model`) and read back (`predict`): what a new table needs to be
//! scored as R's `predict(fit, newdata)` and `survfit(fit, newdata)` score it — the term coding, the centring,
//! the coefficients and their covariance, and the baseline cumulative hazard at the centre (one per stratum of a
//! stratified model, with the strata columns and each stratum's mean linear predictor).
//!
//! The file is JSON with `"schema": "sigsurv-cox-model"` and `"version": [major, minor]`: a reader takes any
//! minor version of the majors it knows and refuses a newer major. A model with interactions, transforms or
//! spline bases is version 2: its `design` (the formula's columns, spline knots and factor levels) replaces the
//! per-column `coding`, which a version-1 reader would misread.

use super::coding::DesignCoding;
use super::cox::CoxModel;
use super::frozen_design::FrozenDesign;
use crate::failure::{CliResult, Failure};
use serde::{Deserialize, Serialize};
use sigsurv_core::cox::cox_survfit;
use std::path::Path;

pub(crate) const SCHEMA: &str = "sigsurv-cox-model";
pub(crate) const VERSION: [u32; 2] = [1, 1];
/// The version of a model saved with a frozen design.
pub(crate) const VERSION_FROZEN: [u32; 2] = [2, 0];

/// The baseline cumulative hazard of one stratum at the covariate means (survfit.coxph's default curve).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Baseline {
    pub stratum: Option<String>,
    pub time: Vec<f64>,
    pub cumhaz: Vec<f64>,
}

impl Baseline {
    /// H(t): the value at the last time at or before t (0 before the first; the last value after the last
    /// time, as R's `summary(survfit(fit, newdata), times, extend = TRUE)`).
    pub fn at(&self, t: f64) -> f64 {
        let k = self.time.partition_point(|&x| x <= t);
        if k == 0 {
            0.0
        } else {
            self.cumhaz[k - 1]
        }
    }
}

/// The training data of a model, for the record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Training {
    pub file: String,
    pub n: usize,
    pub n_events: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct SavedCox {
    pub schema: String,
    pub version: [u32; 2],
    pub sigsurv_version: String,
    pub formula: String,
    pub ties: String,
    pub training: Training,
    pub coding: DesignCoding,
    pub coef: Vec<f64>,
    /// p × p, row-major (robust when the fit was).
    pub var: Vec<f64>,
    /// The centre of the linear predictor (R's `fit$means`).
    pub means: Vec<f64>,
    /// The `strata()` columns of a stratified model; a row's stratum is `col=level, col=level` as the fit names it.
    pub strata: Option<Vec<String>>,
    pub baseline: Vec<Baseline>,
    /// Per baseline (stratum), the mean of the training rows' linear predictors: R's `predict(type = "lp")`
    /// centres a stratified model's predictions within each stratum (`reference = "strata"`). Since 1.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stratum_lp_means: Option<Vec<f64>>,
    /// The frozen design of a model with interactions, transforms or spline bases (then `coding` has no
    /// columns). Since 2.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<FrozenDesign>,
}

impl SavedCox {
    /// The saved form of a fitted model; stratified models and models with an aliased coefficient are refused
    /// (their predictions are not yet supported).
    pub fn of(
        m: &CoxModel,
        formula: &sigsurv_core::formula::Formula,
        training_file: &Path,
        ties: &str,
    ) -> CliResult<SavedCox> {
        if m.fit.coef.iter().any(|c| !c.is_finite()) {
            return Err(Failure::input(
                "--save-model: the model has a coefficient that is not estimable (NA); drop that term to save it",
            ));
        }
        let curves = cox_survfit(&m.fit, &m.data(), None, 0.95)
            .map_err(|e| Failure::input(format!("--save-model: {e}")))?;
        let baseline = curves
            .iter()
            .map(|c| Baseline {
                stratum: c
                    .stratum
                    .map(|s| m.design.strata_labels[s as usize].clone()),
                time: c.time.clone(),
                cumhaz: c.cumhaz.clone(),
            })
            .collect();
        // A stratified model: its strata columns, and each stratum's mean training linear predictor.
        let (strata, stratum_lp_means) = match &m.design.strata {
            None => (None, None),
            Some(codes) => {
                let names: Vec<String> = m.table.columns.iter().map(|(n, _)| n.clone()).collect();
                let formula = sigsurv_core::formula::parse_formula_for(&m.formula_text, &names)
                    .map_err(|e| Failure::input(format!("--save-model: {e}")))?;
                let columns: Vec<String> = formula
                    .terms
                    .iter()
                    .filter_map(|t| match t {
                        sigsurv_core::formula::Term::Strata(c) => Some(c.clone()),
                        _ => None,
                    })
                    .collect();
                // The design is column-major, n × p.
                let (n, p) = (m.design.n, m.fit.coef.len());
                let k = m.design.strata_labels.len();
                let (mut sum, mut count) = (vec![0.0; k], vec![0usize; k]);
                for (i, &s) in codes.iter().enumerate() {
                    let lp: f64 = (0..p)
                        .map(|j| (m.design.x[j * n + i] - m.fit.means[j]) * m.fit.coef[j])
                        .sum();
                    sum[s as usize] += lp;
                    count[s as usize] += 1;
                }
                let by_label: Vec<f64> =
                    sum.iter().zip(&count).map(|(s, &c)| s / c as f64).collect();
                // In the baselines' order (survfit lists the strata with a curve).
                let means = curves
                    .iter()
                    .map(|c| c.stratum.map_or(0.0, |s| by_label[s as usize]))
                    .collect();
                (Some(columns), Some(means))
            }
        };
        let (version, coding, design) = if super::coding::codes_every_term(&m.design) {
            (VERSION, DesignCoding::of(&m.design, &m.table)?, None)
        } else {
            let frozen = FrozenDesign::of(formula, &m.design, &m.table)?;
            (VERSION_FROZEN, DesignCoding::default(), Some(frozen))
        };
        Ok(SavedCox {
            schema: SCHEMA.into(),
            version,
            sigsurv_version: env!("CARGO_PKG_VERSION").into(),
            formula: m.formula_text.clone(),
            ties: ties.into(),
            training: Training {
                file: training_file.display().to_string(),
                n: m.fit.n,
                n_events: m.fit.n_events,
            },
            coding,
            coef: m.fit.coef.clone(),
            var: m.fit.var.clone(),
            means: m.fit.means.clone(),
            strata,
            baseline,
            stratum_lp_means,
            design,
        })
    }

    /// Reads a saved model, refusing another schema or a newer major version.
    pub fn read(path: &Path) -> CliResult<SavedCox> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::input(format!("cannot read the model {}: {e}", path.display()))
        })?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            Failure::input(format!("{} is not a JSON model file: {e}", path.display()))
        })?;
        if v["schema"] != SCHEMA {
            return Err(Failure::input(format!(
                "{} is not a sigsurv Cox model (its \"schema\" is {}, expected \"{SCHEMA}\")",
                path.display(),
                v["schema"]
            ))
            .hint("write one with `sigsurv cox ... --save-model FILE`"));
        }
        let major = v["version"][0].as_u64().unwrap_or(u64::MAX);
        if major != u64::from(VERSION[0]) && major != u64::from(VERSION_FROZEN[0]) {
            return Err(Failure::input(format!(
                "{} is a model of schema version {} (this sigsurv reads versions {}.x and {}.x): use the sigsurv that wrote it ({})",
                path.display(),
                v["version"],
                VERSION[0],
                VERSION_FROZEN[0],
                v["sigsurv_version"]
            )));
        }
        serde_json::from_value(v)
            .map_err(|e| Failure::input(format!("invalid model file {}: {e}", path.display())))
    }

    /// S(t | x) = exp(−H₀(t) · exp(lp)) of a row with linear predictor `lp` (centred at the training means) in
    /// baseline `stratum`, H₀ that stratum's baseline at the means (R's `summary(survfit(fit, newdata), times,
    /// extend = TRUE)$surv`).
    pub fn survival(&self, stratum: usize, lp: f64, t: f64) -> f64 {
        (-self.baseline[stratum].at(t) * lp.exp()).exp()
    }

    /// Each row's baseline: 0 without strata, else the stratum named by the row's strata columns (an error for a
    /// stratum the training data did not have).
    pub fn strata_of(&self, t: &sigsurv_io::Table, what: &str) -> CliResult<Vec<usize>> {
        let Some(columns) = &self.strata else {
            return Ok(vec![0; t.n()]);
        };
        (0..t.n())
            .map(|i| {
                let label = columns
                    .iter()
                    .map(|c| format!("{c}={}", super::coding::label(t.get(c), i)))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.baseline
                    .iter()
                    .position(|b| b.stratum.as_deref() == Some(label.as_str()))
                    .ok_or_else(|| {
                        Failure::input(format!(
                            "{what}: the stratum {label} at {} is not a stratum of the fitted model",
                            t.location(i)
                        ))
                        .hint(format!(
                            "its strata: {}",
                            self.baseline
                                .iter()
                                .filter_map(|b| b.stratum.clone())
                                .collect::<Vec<_>>()
                                .join("; ")
                        ))
                    })
            })
            .collect()
    }

    /// The linear predictor as R's `predict(type = "lp")` reports it: centred at the training means, and for a
    /// stratified model within each stratum (the stratum's mean training linear predictor subtracted).
    pub fn reported_lp(&self, lp: f64, stratum: usize) -> f64 {
        match &self.stratum_lp_means {
            Some(m) => lp - m[stratum],
            None => lp,
        }
    }

    /// The table columns a new table needs: the coding's and the strata columns.
    pub fn columns(&self) -> Vec<String> {
        let mut out = self.design_columns();
        for c in self.strata.iter().flatten() {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    }

    /// The table columns the design reads.
    pub fn design_columns(&self) -> Vec<String> {
        match &self.design {
            Some(d) => d.columns.clone(),
            None => self.coding.source_columns(),
        }
    }

    /// The design rows of a new table (row-major n × p), encoded as the training rows were.
    pub fn design_rows(&self, t: &sigsurv_io::Table, what: &str) -> CliResult<Vec<f64>> {
        match &self.design {
            Some(d) => d.encode(&self.formula, t, what),
            None => self.coding.encode(t, what),
        }
    }

    /// The linear predictor of each design row (row-major), centred at the training means as R's
    /// `predict(type = "lp")`.
    pub fn linear_predictor(&self, x: &[f64]) -> Vec<f64> {
        let p = self.coef.len();
        x.chunks(p.max(1))
            .map(|row| {
                row.iter()
                    .zip(&self.means)
                    .zip(&self.coef)
                    .map(|((xi, m), b)| (xi - m) * b)
                    .sum()
            })
            .collect()
    }
}
