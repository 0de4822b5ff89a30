//! The log-likelihood of a location-scale model for `y = log T`, its score and its observed information over
//! `θ = (β, log σ)`, in one pass over the rows.
//!
//! # Formula
//! With `η_i = x_i'β`, `σ = e^s`, `z_i = (y_i - η_i) / σ`, case weight `w_i` and `ℓ_i(z)` = `log f(z)` for an
//! event or `log S(z)` for a right-censored time (see `distributions.rs`, `a = ℓ'`, `b = ℓ''`):
//! ```text
//! log L        = Σ w_i [ ℓ_i(z_i) - δ_i s ]
//! ∂/∂η         = -a / σ                ∂²/∂η²   = b / σ²
//! ∂/∂s         = -a z - δ              ∂²/∂η∂s  = (b z + a) / σ
//!                                      ∂²/∂s²   = b z² + a z
//! U = Σ w_i (∂/∂η x_i, ∂/∂s),   I = -Σ w_i (Hessian of the row), J = Σ w_i g_i g_i' (g_i the row's score)
//! ```
//! `log L` is on the scale of `y = log T`; the caller adds `-Σ_{events} w_i log t_i` for the scale of `T`.
//!
//! # Reference
//! Kalbfleisch & Prentice (2002), section 3.9; Therneau, Mayo Clinic Biostatistics technical report #53.
//!
//! # R equivalent
//! The `survregc1` likelihood routine behind `survreg`.
//!
//! Rows are processed in fixed chunks, in parallel, and the chunk sums are added in chunk order, so the result is
//! bit-identical for any number of threads.

use super::distributions::ErrorDist;
use rayon::prelude::*;

/// Rows per independently summed chunk.
const CHUNK: usize = 8192;

/// The data of one fit: `y = log t`, events, the covariates (column-major, without the intercept) and weights.
pub(crate) struct AftData<'a> {
    pub y: &'a [f64],
    pub event: &'a [bool],
    /// Column-major `n x p` covariates; the intercept is implicit.
    pub x: &'a [f64],
    pub p: usize,
    pub weights: Option<&'a [f64]>,
    pub dist: ErrorDist,
}

/// A model on [`AftData`]: which covariates enter and whether σ is estimated.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AftModel {
    /// Number of leading covariate columns used (0 = intercept only).
    pub p_used: usize,
    /// `Some(log σ)` when the scale is fixed (exponential), else σ is the last parameter.
    pub fixed_log_scale: Option<f64>,
}

impl AftModel {
    /// Number of regression coefficients, the intercept included.
    pub fn nvar(&self) -> usize {
        self.p_used + 1
    }

    /// Number of parameters: coefficients plus log σ when it is estimated.
    pub fn npar(&self) -> usize {
        self.nvar() + usize::from(self.fixed_log_scale.is_none())
    }

    fn log_scale(&self, theta: &[f64]) -> f64 {
        self.fixed_log_scale.unwrap_or_else(|| theta[self.nvar()])
    }
}

/// Log-likelihood, score and observed information at one `θ`.
#[derive(Clone, Debug)]
pub(crate) struct Eval {
    pub loglik: f64,
    pub score: Vec<f64>,
    /// Row-major `npar x npar`, symmetric.
    pub info: Vec<f64>,
}

impl Eval {
    /// False when anything a Newton step would use is NaN or infinite.
    pub fn is_finite(&self) -> bool {
        let k = self.score.len();
        self.loglik.is_finite()
            && self.score.iter().all(|v| v.is_finite())
            && (0..k).all(|i| self.info[i * k + i].is_finite())
    }
}

/// The row's contributions: `(g, ∂/∂η, ∂²/∂η², ∂/∂s, ∂²/∂η∂s, ∂²/∂s²)`.
#[inline]
fn row_terms(
    dist: ErrorDist,
    y: f64,
    eta: f64,
    log_sigma: f64,
    sigma: f64,
    event: bool,
) -> [f64; 6] {
    let z = (y - eta) / sigma;
    let (d, ev) = if event {
        (dist.log_density(z), 1.0)
    } else {
        (dist.log_survival(z), 0.0)
    };
    let (a, b) = (d.d1, d.d2);
    [
        d.value - ev * log_sigma,
        -a / sigma,
        b / (sigma * sigma),
        -a * z - ev,
        (b * z + a) / sigma,
        b * z * z + a * z,
    ]
}

impl AftData<'_> {
    pub fn n(&self) -> usize {
        self.y.len()
    }

    #[inline]
    fn weight(&self, i: usize) -> f64 {
        self.weights.map_or(1.0, |w| w[i])
    }

    #[inline]
    fn eta(&self, model: &AftModel, theta: &[f64], i: usize) -> f64 {
        let n = self.n();
        let mut eta = theta[0];
        for j in 0..model.p_used {
            eta += theta[j + 1] * self.x[j * n + i];
        }
        eta
    }

    /// The derivatives in η of each row's log-likelihood when `η_i = y_i` (z = 0), with scale `sigma`:
    /// `(∂/∂η, ∂²/∂η²)` per row. These drive survreg's weighted-least-squares starting values.
    pub fn derivs_at_zero(&self, sigma: f64) -> (Vec<f64>, Vec<f64>) {
        let n = self.n();
        let mut dg = Vec::with_capacity(n);
        let mut ddg = Vec::with_capacity(n);
        for i in 0..n {
            let r = row_terms(self.dist, 0.0, 0.0, sigma.ln(), sigma, self.event[i]);
            dg.push(r[1]);
            ddg.push(r[2]);
        }
        (dg, ddg)
    }

    /// Sums `per_row(i, row_terms, x_i)` into a buffer of `len` values, chunk-parallel in a fixed order.
    fn accumulate<F>(&self, model: &AftModel, theta: &[f64], len: usize, per_row: F) -> Vec<f64>
    where
        F: Fn(&mut [f64], f64, &[f64; 6], &[f64]) + Sync,
    {
        let n = self.n();
        let log_sigma = model.log_scale(theta);
        let sigma = log_sigma.exp();
        let chunk_sum = |c: usize| {
            let mut acc = vec![0.0; len];
            let mut xrow = vec![0.0; model.nvar()];
            xrow[0] = 1.0;
            for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
                for j in 0..model.p_used {
                    xrow[j + 1] = self.x[j * n + i];
                }
                let eta = self.eta(model, theta, i);
                let r = row_terms(self.dist, self.y[i], eta, log_sigma, sigma, self.event[i]);
                per_row(&mut acc, self.weight(i), &r, &xrow);
            }
            acc
        };
        let n_chunks = n.div_ceil(CHUNK).max(1);
        let parts: Vec<Vec<f64>> = if n_chunks == 1 {
            vec![chunk_sum(0)]
        } else {
            (0..n_chunks).into_par_iter().map(chunk_sum).collect()
        };
        let mut total = vec![0.0; len];
        for part in parts {
            for (t, v) in total.iter_mut().zip(part) {
                *t += v;
            }
        }
        total
    }

    /// Log-likelihood (on the log-time scale), score and information at `θ`.
    pub fn eval(&self, model: &AftModel, theta: &[f64]) -> Eval {
        let nv = model.nvar();
        let k = model.npar();
        let has_scale = model.fixed_log_scale.is_none();
        // Layout: [loglik, score (k), lower triangle of the information (k x k, row-major, full storage)].
        let acc = self.accumulate(model, theta, 1 + k + k * k, |acc, w, r, x| {
            let [g, dg, ddg, dsig, dsg, ddsig] = *r;
            acc[0] += w * g;
            let (score, info) = acc[1..].split_at_mut(k);
            for i in 0..nv {
                score[i] += w * dg * x[i];
                let wx = w * ddg * x[i];
                let row = &mut info[i * k..i * k + i + 1];
                for (m, xj) in row.iter_mut().zip(x) {
                    *m -= wx * xj;
                }
            }
            if has_scale {
                score[nv] += w * dsig;
                let row = &mut info[nv * k..nv * k + nv];
                for (m, xj) in row.iter_mut().zip(x) {
                    *m -= w * dsg * xj;
                }
                info[nv * k + nv] -= w * ddsig;
            }
        });
        let mut info = acc[1 + k..].to_vec();
        for i in 0..k {
            for j in 0..i {
                info[j * k + i] = info[i * k + j];
            }
        }
        Eval {
            loglik: acc[0],
            score: acc[1..1 + k].to_vec(),
            info,
        }
    }

    /// `J = Σ w_i g_i g_i'`, the outer product of the row scores (row-major `npar x npar`): survreg's fallback
    /// Newton matrix when the information is not positive definite.
    pub fn outer_score(&self, model: &AftModel, theta: &[f64]) -> Vec<f64> {
        let nv = model.nvar();
        let k = model.npar();
        let mut jj = self.accumulate(model, theta, k * k, |acc, w, r, x| {
            let (dg, dsig) = (r[1], r[3]);
            for i in 0..k {
                let gi = if i < nv { dg * x[i] } else { dsig };
                for j in 0..=i {
                    let gj = if j < nv { dg * x[j] } else { dsig };
                    acc[i * k + j] += w * gi * gj;
                }
            }
        });
        for i in 0..k {
            for j in 0..i {
                jj[j * k + i] = jj[i * k + j];
            }
        }
        jj
    }
}
