//! Residuals of a fitted Cox model, as R's `residuals.coxph`.
//!
//! ```text
//! martingale  M_i = δ_i − Ê_i                      (Ê_i: the subject's expected number of events, Efron-aware)
//! deviance    sign(M_i) √(−2 (M_i + δ_i log(δ_i − M_i)))
//! score       L_i = ∫ (x_i − x̄(t)) dM_i(t)          (n × p)
//! dfbeta      w_i L_i I(β̂)⁻¹                        (n × p; case weights applied, model-based I⁻¹, as R)
//! dfbetas     dfbeta_ij / √(I(β̂)⁻¹)_jj               (dfbeta in standard-error units)
//! schoenfeld  x_i − x̄(t_i) for each event (Efron: x̄ averaged over the d sub-steps)
//! scaledsch   β̂ + D · s_i I(β̂)⁻¹ for each event      (D the number of events; what cox.zph smooths)
//! ```
//! Every I(β̂)⁻¹ is the model-based variance, also for a fit with a robust variance (R's `naive.var`).
//! Reference: Therneau, Grambsch & Fleming (1990) Biometrika 77:147; Therneau & Grambsch (2000) ch. 4.
//! R: `residuals(fit, type = "martingale" | "deviance" | "score" | "dfbeta" | "dfbetas" | "schoenfeld" |
//! "scaledsch")` with R's defaults for `weighted` (only dfbeta and dfbetas are weighted).

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

use super::data::CoxData;
use super::fit::CoxFit;
use super::prep::Prepared;
use super::resid::residuals;
use super::risk::EventTable;
use super::ties::Ties;
use crate::error::{CoreError, Result};

/// Which residual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResidualType {
    Martingale,
    Deviance,
    Score,
    Schoenfeld,
    Dfbeta,
    Dfbetas,
    /// Scaled Schoenfeld residuals (R's `"scaledsch"`).
    ScaledSchoenfeld,
}

impl ResidualType {
    /// R's name of the type (`residuals(fit, type = ...)`).
    pub fn r_name(self) -> &'static str {
        match self {
            ResidualType::Martingale => "martingale",
            ResidualType::Deviance => "deviance",
            ResidualType::Score => "score",
            ResidualType::Schoenfeld => "schoenfeld",
            ResidualType::Dfbeta => "dfbeta",
            ResidualType::Dfbetas => "dfbetas",
            ResidualType::ScaledSchoenfeld => "scaledsch",
        }
    }
}

/// Residuals: `rows[r]` is the data row of residual row r; `values` is row-major with `ncol` columns
/// (1 for martingale and deviance, p otherwise). Martingale, deviance, score and dfbeta have one row
/// per data row in data order; Schoenfeld residuals have one row per event, ordered by stratum, then
/// time, then data row (R's order), with the event times in `times`.
#[derive(Debug, Clone, PartialEq)]
pub struct Residuals {
    pub kind: ResidualType,
    pub ncol: usize,
    pub rows: Vec<usize>,
    pub times: Vec<f64>,
    pub values: Vec<f64>,
}

/// Residuals of `fit` on the data it was fitted to.
///
/// # Formula
/// See the module documentation.
///
/// # Reference
/// Therneau & Grambsch (2000) *Modeling Survival Data*, chapter 4.
///
/// # R equivalent
/// `residuals(fit, type = ...)`. Collinear (dropped) terms have coefficient 0 here and NA in R; their
/// score, dfbeta and Schoenfeld columns are still returned.
///
/// # Errors
/// The data errors of [`super::cox_ph`].
///
/// # Examples
/// Martingale residuals of the book example of [`super::cox_ph`] (Breslow ties), as R 4.2 / survival
/// 3.5-3's `residuals(fit, type = "martingale")` (`fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::{cox_ph, cox_residuals, CoxData, CoxOptions, ResidualType, Ties};
/// let time = [9.0, 1.0, 1.0, 6.0, 6.0, 8.0];
/// let status = [true, true, false, true, true, false];
/// let x = [0.0, 1.0, 1.0, 1.0, 0.0, 0.0];
/// let names = ["x".to_string()];
/// let data = CoxData::new(&time, &status, &x, &names);
/// let fit = cox_ph(&data, &CoxOptions { ties: Ties::Breslow, ..CoxOptions::default() })?;
/// let r = cox_residuals(&fit, &data, ResidualType::Martingale)?;
/// let from_r = [
///     -0.333333333333361, 0.728713553878176, -0.271286446121824,
///     -0.457427107756267, 0.666666666666639, -0.333333333333361,
/// ];
/// for (got, want) in r.values.iter().zip(from_r) {
///     assert!((got - want).abs() <= 1e-9 * want.abs());
/// }
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
pub fn cox_residuals(fit: &CoxFit, data: &CoxData, kind: ResidualType) -> Result<Residuals> {
    if fit.ties == Ties::Exact && !matches!(kind, ResidualType::Martingale | ResidualType::Deviance)
    {
        return Err(CoreError::InvalidArgument(format!(
            "{} residuals are not available for the exact method (as in R): refit with Efron's or Breslow's \
             approximation",
            kind.r_name()
        )));
    }
    let prep = Prepared::new(data, fit.timefix)?;
    let p = prep.p;
    let n = prep.n;
    let beta: Vec<f64> = fit
        .coef
        .iter()
        .zip(&prep.scale)
        .map(|(b, s)| b / s)
        .collect();
    let table = EventTable::new(&prep, &beta, fit.ties);
    let to_data_order = |sorted: &[f64], ncol: usize| {
        let mut out = vec![0.0; n * ncol];
        for k in 0..n {
            let i = prep.order[k] as usize;
            out[i * ncol..(i + 1) * ncol].copy_from_slice(&sorted[k * ncol..(k + 1) * ncol]);
        }
        out
    };
    let all_rows: Vec<usize> = (0..n).collect();
    match kind {
        ResidualType::Martingale | ResidualType::Deviance => {
            let (mart, _) = residuals(&prep, &table, false);
            let mut v = to_data_order(&mart, 1);
            if kind == ResidualType::Deviance {
                for (m, &d) in v.iter_mut().zip(data.event) {
                    let dd = if d { 1.0 } else { 0.0 };
                    let inner = if d { dd * (dd - *m).ln() } else { 0.0 };
                    *m = m.signum() * (-2.0 * (*m + inner)).sqrt();
                }
            }
            Ok(Residuals {
                kind,
                ncol: 1,
                rows: all_rows,
                times: Vec::new(),
                values: v,
            })
        }
        ResidualType::Score | ResidualType::Dfbeta | ResidualType::Dfbetas => {
            let (_, score) = residuals(&prep, &table, true);
            let mut v = to_data_order(&score, p);
            if kind != ResidualType::Score {
                let var = model_var(fit);
                let w = |i: usize| data.weights.map_or(1.0, |w| w[i]);
                let mut row = vec![0.0; p];
                for i in 0..n {
                    let l = &v[i * p..(i + 1) * p];
                    for j in 0..p {
                        row[j] = (0..p).map(|a| l[a] * var[a * p + j]).sum::<f64>() * w(i);
                    }
                    v[i * p..(i + 1) * p].copy_from_slice(&row);
                }
                if kind == ResidualType::Dfbetas {
                    for row in v.chunks_mut(p.max(1)) {
                        for (j, x) in row.iter_mut().enumerate() {
                            *x /= var[j * p + j].sqrt();
                        }
                    }
                }
            }
            Ok(Residuals {
                kind,
                ncol: p,
                rows: all_rows,
                times: Vec::new(),
                values: v,
            })
        }
        ResidualType::Schoenfeld => Ok(schoenfeld(&prep, &table)),
        ResidualType::ScaledSchoenfeld => {
            let mut r = schoenfeld(&prep, &table);
            let var = model_var(fit);
            let events = r.rows.len() as f64;
            let mut scaled = vec![0.0; p];
            for row in r.values.chunks_mut(p.max(1)) {
                for (j, s) in scaled.iter_mut().enumerate() {
                    *s =
                        fit.coef[j] + events * (0..p).map(|a| row[a] * var[a * p + j]).sum::<f64>();
                }
                row.copy_from_slice(&scaled);
            }
            r.kind = kind;
            Ok(r)
        }
    }
}

/// The model-based variance I(β̂)⁻¹ (p × p, row-major), also for a fit reported with a robust variance.
fn model_var(fit: &CoxFit) -> &[f64] {
    fit.naive_var.as_deref().unwrap_or(&fit.var)
}

fn schoenfeld(prep: &Prepared, t: &EventTable) -> Residuals {
    let p = prep.p;
    let sidx = super::resid::stratum_index(prep);
    // Events by stratum, time ascending, data row ascending.
    let mut ev: Vec<usize> = (0..prep.n).filter(|&k| prep.event[k]).collect();
    ev.sort_by(|&a, &b| {
        sidx[a]
            .cmp(&sidx[b])
            .then(prep.stop[a].total_cmp(&prep.stop[b]))
            .then(prep.order[a].cmp(&prep.order[b]))
    });
    let mut values = Vec::with_capacity(ev.len() * p);
    let mut rows = Vec::with_capacity(ev.len());
    let mut times = Vec::with_capacity(ev.len());
    for &k in &ev {
        let (_, i1) = t.window(sidx[k], prep.start[k], prep.stop[k]);
        let (s0, s1) = t.steps[i1 - 1];
        let x = prep.row(k);
        for j in 0..p {
            let mean = (s0..s1).map(|s| t.xbar[s * p + j]).sum::<f64>() / (s1 - s0) as f64;
            values.push((x[j] - mean) / prep.scale[j]);
        }
        rows.push(prep.order[k] as usize);
        times.push(prep.stop[k]);
    }
    Residuals {
        kind: ResidualType::Schoenfeld,
        ncol: p,
        rows,
        times,
        values,
    }
}
