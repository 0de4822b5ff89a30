//! The options of a Cox fit, with R's `coxph.control()` defaults.

use super::ties::Ties;

/// Fitting options; [`Default`] gives R's `coxph.control()` defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct CoxOptions {
    pub ties: Ties,
    /// Report the robust (sandwich) variance. Implied when a cluster is given.
    pub robust: bool,
    /// Convergence: stop when `|1 − ℓ_old / ℓ_new| ≤ eps` (R: `eps = 1e-9`).
    pub eps: f64,
    /// Maximum Newton iterations (R: `iter.max = 20`).
    pub iter_max: usize,
    /// Pivot tolerance declaring a covariate redundant (R: `toler.chol = .Machine$double.eps^0.75`).
    pub toler_chol: f64,
    /// Tolerance of the infinite-coefficient check (R: `toler.inf = sqrt(eps)`).
    pub toler_inf: f64,
    /// Level of the hazard-ratio confidence intervals.
    pub conf_level: f64,
    /// Merge times that differ by floating-point noise, as R's `timefix = TRUE`.
    pub timefix: bool,
    /// Compute Harrell's concordance as `coxph` stores it (`fit$concordance`). A caller that needs only the
    /// coefficients turns it off and saves a sort and a pass over the rows; [`CoxFit::concordance`] is then
    /// undefined (NaN), as for the null model.
    ///
    /// [`CoxFit::concordance`]: super::CoxFit::concordance
    pub concordance: bool,
}

impl Default for CoxOptions {
    fn default() -> Self {
        CoxOptions {
            ties: Ties::Efron,
            robust: false,
            eps: 1e-9,
            iter_max: 20,
            toler_chol: f64::EPSILON.powf(0.75),
            toler_inf: 1e-9f64.sqrt(),
            conf_level: 0.95,
            timefix: true,
            concordance: true,
        }
    }
}
