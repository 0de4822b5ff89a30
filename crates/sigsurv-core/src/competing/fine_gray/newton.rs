//! Newton-Raphson with step halving, with crr's rules: from β = 0, converged when
//! max_k |U_k| max(|β_k|, 1) < max(|ℓ|, 1) · gtol, a step halved (at most 20 times) until
//! −ℓ(β + δ) ≤ −ℓ(β) + 10⁻⁴ δᵀ(−U), at most `max_iter` steps.

use super::prepared::Evaluation;
use crate::error::{CoreError, Result};

/// The end of the iterations.
pub(crate) struct NewtonResult {
    pub beta: Vec<f64>,
    /// The evaluation at `beta`.
    pub at_beta: Evaluation,
    pub converged: bool,
    /// Newton steps taken.
    pub iterations: usize,
}

/// Solves `a x = y` (a p × p row-major), `None` when `a` is singular: also when a pivot of its LU
/// decomposition is below 1e-12 of the largest, which is rounding left of an exact zero (an information
/// matrix of rank below p, e.g. fewer failures than covariates).
pub(crate) fn solve(a: &[f64], y: &[f64]) -> Option<Vec<f64>> {
    let p = y.len();
    let lu = nalgebra::DMatrix::from_row_slice(p, p, a).lu();
    let pivots: Vec<f64> = (0..p).map(|i| lu.u()[(i, i)].abs()).collect();
    let largest = pivots.iter().copied().fold(0.0f64, f64::max);
    if pivots.iter().any(|&u| u.is_nan() || u <= 1e-12 * largest) {
        return None;
    }
    let x = lu.solve(&nalgebra::DVector::from_column_slice(y))?;
    x.iter()
        .all(|v| v.is_finite())
        .then(|| x.iter().copied().collect())
}

/// Minimises −ℓ from `init` with `evaluate` (value, gradient, Hessian) and `value` (−ℓ alone).
pub(crate) fn newton(
    init: Vec<f64>,
    gtol: f64,
    max_iter: usize,
    evaluate: impl Fn(&[f64]) -> Evaluation,
    value: impl Fn(&[f64]) -> f64,
) -> Result<NewtonResult> {
    let mut beta = init;
    let mut iteration = 0;
    loop {
        let z = evaluate(&beta);
        if !z.neg_loglik.is_finite() || z.neg_score.iter().any(|s| !s.is_finite()) {
            return Err(CoreError::Numerical(format!(
                "the Fine-Gray pseudo-likelihood is not finite at iteration {iteration}"
            )));
        }
        let largest = z
            .neg_score
            .iter()
            .zip(&beta)
            .map(|(s, b)| s.abs() * b.abs().max(1.0))
            .fold(0.0f64, f64::max);
        if largest < z.neg_loglik.abs().max(1.0) * gtol {
            return Ok(NewtonResult {
                beta,
                at_beta: z,
                converged: true,
                iterations: iteration,
            });
        }
        if iteration == max_iter {
            return Ok(NewtonResult {
                beta,
                at_beta: z,
                converged: false,
                iterations: iteration,
            });
        }
        let step = solve(&z.information, &z.neg_score).ok_or_else(|| {
            CoreError::Numerical(
                "the Fine-Gray information matrix is singular (collinear covariates?)".into(),
            )
        })?;
        let mut step: Vec<f64> = step.iter().map(|v| -v).collect();
        let slope: f64 = step.iter().zip(&z.neg_score).map(|(a, b)| a * b).sum();
        let mut halvings = 0;
        let mut next: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
        let mut slope_now = slope;
        // NaN (R's NA) is no decrease either.
        let decreases = |v: f64, slope: f64| v <= z.neg_loglik + 1e-4 * slope;
        while !decreases(value(&next), slope_now) {
            halvings += 1;
            step.iter_mut().for_each(|s| *s *= 0.5);
            slope_now *= 0.5;
            next = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
            if halvings > 20 {
                break;
            }
        }
        if halvings > 20 {
            return Ok(NewtonResult {
                beta,
                at_beta: z,
                converged: false,
                iterations: iteration,
            });
        }
        beta = next;
        iteration += 1;
    }
}
