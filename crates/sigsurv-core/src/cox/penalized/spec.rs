//! A penalized term of a Cox design: which columns it covers, its penalty matrix and how the penalty's weight is
//! chosen (R: the attributes survival's `pspline()` attaches to its basis for `coxpenal.fit`).

use std::ops::Range;

/// How the weight θ of a penalty is chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Smoothing {
    /// θ searched until the term's effective degrees of freedom are within `eps` of `df` (R's
    /// `frailty.controldf`); `nterm` is the df of the unpenalized basis, where the search starts from.
    Df { df: f64, eps: f64, nterm: usize },
    /// A fixed θ in (0, 1) (R's `pspline(x, theta = )`).
    Theta(f64),
}

/// One penalized term: the penalty `λ/2 · βᵀ P β` on the coefficients of `columns`, with λ = θ / (1 − θ).
#[derive(Debug, Clone, PartialEq)]
pub struct PenalizedTerm {
    /// The term's index in the design's terms.
    pub term: usize,
    /// Its columns in the design (consecutive).
    pub columns: Range<usize>,
    /// `P`, row-major, `columns.len()` square.
    pub penalty: Vec<f64>,
    /// The position of each column's basis function on the covariate's scale (for the linear-trend test).
    pub centres: Vec<f64>,
    pub smoothing: Smoothing,
}
