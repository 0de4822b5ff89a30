//! A fitted Cox model saved to a file (`cox --save-model`) and read back (`predict`): what a new table needs to be
//! scored as R's `predict(fit, newdata)` and `survfit(fit, newdata)` score it — the term coding, the centring,
//! the coefficients and their covariance, and the baseline cumulative hazard at the centre.
//!
//! The file is JSON with `"schema": "sigsurv-cox-model"` and `"version": [major, minor]`: a reader takes any
//! minor version of its major and refuses a newer major.

use super::coding::DesignCoding;
use super::cox::CoxModel;
use crate::failure::{CliResult, Failure};
use serde::{Deserialize, Serialize};
use sigsurv_core::cox::cox_survfit;
use std::path::Path;

pub(crate) const SCHEMA: &str = "sigsurv-cox-model";
pub(crate) const VERSION: [u32; 2] = [1, 0];

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
    pub strata: Option<Vec<String>>,
    pub baseline: Vec<Baseline>,
}

impl SavedCox {
    /// The saved form of a fitted model; stratified models and models with an aliased coefficient are refused
    /// (their predictions are not yet supported).
    pub fn of(m: &CoxModel, training_file: &Path, ties: &str) -> CliResult<SavedCox> {
        if m.design.strata.is_some() {
            return Err(Failure::input(
                "--save-model: a stratified model (strata()) cannot be saved yet; fit without strata() to predict",
            ));
        }
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
        Ok(SavedCox {
            schema: SCHEMA.into(),
            version: VERSION,
            sigsurv_version: env!("CARGO_PKG_VERSION").into(),
            formula: m.formula_text.clone(),
            ties: ties.into(),
            training: Training {
                file: training_file.display().to_string(),
                n: m.fit.n,
                n_events: m.fit.n_events,
            },
            coding: DesignCoding::of(&m.design, &m.table)?,
            coef: m.fit.coef.clone(),
            var: m.fit.var.clone(),
            means: m.fit.means.clone(),
            strata: None,
            baseline,
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
        if major != u64::from(VERSION[0]) {
            return Err(Failure::input(format!(
                "{} is a model of schema version {} (this sigsurv reads version {}.x): use the sigsurv that wrote it ({})",
                path.display(),
                v["version"],
                VERSION[0],
                v["sigsurv_version"]
            )));
        }
        serde_json::from_value(v)
            .map_err(|e| Failure::input(format!("invalid model file {}: {e}", path.display())))
    }

    /// S(t | x) = exp(−H₀(t) · exp(lp)) of a row with linear predictor `lp`, H₀ the baseline at the means (R's
    /// `summary(survfit(fit, newdata), times, extend = TRUE)$surv`).
    pub fn survival(&self, lp: f64, t: f64) -> f64 {
        (-self.baseline[0].at(t) * lp.exp()).exp()
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
