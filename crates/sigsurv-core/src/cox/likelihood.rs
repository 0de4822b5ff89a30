//! The log partial likelihood and its derivatives at any β, on data sorted once: the inner step of
//! [`super::cox_ph`], public for profile likelihoods, diagnostics and benchmarks.

use super::data::CoxData;
use super::eval::evaluate;
use super::prep::Prepared;
use super::ties::Ties;
use crate::error::Result;

/// Cox data validated, time-fixed, sorted and centred once, for repeated evaluations.
#[derive(Debug, Clone)]
pub struct CoxLikelihood {
    prep: Prepared,
}

/// ℓ(β), the score U(β) and the information I(β) (p × p, row-major), on the original covariate scale.
#[derive(Debug, Clone, PartialEq)]
pub struct LoglikEval {
    pub loglik: f64,
    pub score: Vec<f64>,
    pub information: Vec<f64>,
}

impl CoxLikelihood {
    /// Prepares `data` (R's `timefix` when `timefix`).
    ///
    /// # Errors
    /// The data errors of [`super::cox_ph`].
    pub fn new(data: &CoxData, timefix: bool) -> Result<CoxLikelihood> {
        Ok(CoxLikelihood {
            prep: Prepared::new(data, timefix)?,
        })
    }

    /// Evaluates ℓ, U and I at `beta` (one coefficient per column).
    ///
    /// # Formula
    /// `ℓ(β) = Σ_t [Σ_{i∈D(t)} w_i η_i − Σ_{k<d} (w_D/d) log S0_k(t)]` and its first two derivatives (see
    /// [`super::cox_ph`]); one pass over the sorted rows, in parallel blocks for right-censored data.
    ///
    /// # Reference
    /// Therneau & Grambsch (2000) *Modeling Survival Data*, sections 3.2–3.3.
    ///
    /// # R equivalent
    /// `coxph(..., init = beta, iter.max = 0)`: `fit$loglik[2]`; U and I are `coxph.detail`'s sums.
    ///
    /// # Panics
    /// Never; a `beta` of the wrong length is truncated or padded with zeros.
    pub fn evaluate(&self, beta: &[f64], ties: Ties) -> LoglikEval {
        let p = self.prep.p;
        let s = &self.prep.scale;
        let b: Vec<f64> = (0..p)
            .map(|j| beta.get(j).copied().unwrap_or(0.0) / s[j])
            .collect();
        let e = evaluate(&self.prep, &b, ties);
        let full = e.imat_full(p);
        let mut information = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..p {
                information[i * p + j] = full[i * p + j] / (s[i] * s[j]);
            }
        }
        LoglikEval {
            loglik: e.loglik,
            score: e.u.iter().zip(s).map(|(u, s)| u / s).collect(),
            information,
        }
    }
}
