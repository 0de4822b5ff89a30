//! What a penalized Cox fit reports beyond a Cox fit (R: the `coxph.penal` object and its print).

use super::trend::{EffectiveTest, LinearTrend};

/// What a penalized fit reports beyond a Cox fit (R: the `coxph.penal` object and its print).
#[derive(Debug, Clone, PartialEq)]
pub struct PenalizedSummary {
    /// `sqrt(diag(H⁻¹ I H⁻¹))` per coefficient (R's `se2`); NaN for a dropped one.
    pub se2: Vec<f64>,
    /// `H⁻¹ I H⁻¹` (R's `fit$var2`), row-major p × p.
    pub var2: Vec<f64>,
    /// The effective degrees of freedom of each term, in the design's term order (R's `fit$df`).
    pub term_df: Vec<f64>,
    /// One entry per penalized term.
    pub splines: Vec<SplineSummary>,
    /// Outer (θ) iterations and Newton iterations in all (R's `fit$iter`).
    pub outer_iterations: usize,
    pub newton_iterations: usize,
    /// `Σ λ/2 βᵀ P β` at the estimate (R's `fit$penalty[2]`).
    pub penalty: f64,
    /// The likelihood-ratio test (the unpenalized ℓ at the estimate against ℓ(0)) and the Wald test `βᵀ H β`,
    /// on `Σ term_df` degrees of freedom: R's `summary(fit)$logtest` and `fit$wald.test`.
    pub lrt: EffectiveTest,
    pub wald: EffectiveTest,
}

/// A penalized term's smoothing and its linear / non-linear tests.
#[derive(Debug, Clone, PartialEq)]
pub struct SplineSummary {
    /// The term's label (`pspline(age, df = 4)`).
    pub term: String,
    /// The θ of the reported fit, and its λ = θ / (1 − θ).
    pub theta: f64,
    pub lambda: f64,
    /// The term's effective degrees of freedom.
    pub df: f64,
    pub linear: LinearTrend,
    pub nonlinear: EffectiveTest,
    /// Every (θ, df) the search tried, in order (R's `fit$history[[k]]$history` without its two anchors).
    pub tried: Vec<(f64, f64)>,
}
