//! Predictions from a fitted AFT model: linear predictor, quantiles and survival of `T` for a covariate row,
//! and the proportional-hazards form of a Weibull fit.

use super::{AftDist, AftFit, AftTerm};
use crate::error::{CoreError, Result};
use crate::pvalue::z_for_level;

impl AftFit {
    /// Number of covariates (terms without the intercept).
    pub fn n_covariates(&self) -> usize {
        self.terms.len() - 1
    }

    /// The linear predictor `η = β₀ + x'β` for one covariate row `x` (length p, no intercept).
    ///
    /// # Formula
    /// `η = β₀ + Σ_j β_j x_j`, the location of `log T`.
    ///
    /// # Reference
    /// Kalbfleisch & Prentice (2002), section 2.3.
    ///
    /// # R equivalent
    /// `predict(fit, newdata, type = "lp")`.
    pub fn linear_predictor(&self, x: &[f64]) -> Result<f64> {
        if x.len() != self.n_covariates() {
            return Err(CoreError::LengthMismatch {
                what: "covariate row",
                got: x.len(),
                expected: self.n_covariates(),
            });
        }
        Ok(self.terms[0].coef
            + self.terms[1..]
                .iter()
                .zip(x)
                .map(|(t, v)| t.coef * v)
                .sum::<f64>())
    }

    /// The common σ; an error for a stratified fit, whose scale depends on the stratum.
    fn common_scale(&self) -> Result<f64> {
        if self.strata.is_empty() {
            Ok(self.scale)
        } else {
            Err(CoreError::InvalidArgument(
                "the fit has one scale per stratum: predictions from a stratified fit are not available".into(),
            ))
        }
    }

    /// Quantiles of `T` given the covariate row `x`, one per probability in `p` (NaN for p outside [0, 1]).
    /// An error for a stratified fit.
    ///
    /// # Formula
    /// `t_p = exp(η + σ w_p)`, `w_p` the `p` quantile of the error distribution: `log(-log(1 - p))` (extreme
    /// value), `log(p / (1 - p))` (logistic), `Φ⁻¹(p)` (normal).
    ///
    /// # Reference
    /// Kalbfleisch & Prentice (2002), section 2.3.
    ///
    /// # R equivalent
    /// `predict(fit, newdata, type = "quantile", p = p)`.
    #[doc(alias = "predict.survreg")]
    pub fn quantiles(&self, x: &[f64], p: &[f64]) -> Result<Vec<f64>> {
        let eta = self.linear_predictor(x)?;
        let scale = self.common_scale()?;
        let d = self.dist.error_dist();
        Ok(p.iter()
            .map(|&q| (eta + scale * d.quantile(q)).exp())
            .collect())
    }

    /// Survival `S(t | x)` at the given times (1 for `t <= 0`, NaN for NaN). An error for a stratified fit.
    ///
    /// # Formula
    /// `S(t | x) = S_W((log t - η) / σ)`.
    ///
    /// # Reference
    /// Kalbfleisch & Prentice (2002), section 2.3.
    ///
    /// # R equivalent
    /// `1 - psurvreg(t, mean = predict(fit, newdata, type = "lp"), scale = fit$scale, distribution = fit$dist)`.
    pub fn survival(&self, x: &[f64], t: &[f64]) -> Result<Vec<f64>> {
        let eta = self.linear_predictor(x)?;
        let scale = self.common_scale()?;
        let d = self.dist.error_dist();
        Ok(t.iter()
            .map(|&ti| {
                if ti.is_nan() {
                    f64::NAN
                } else if ti <= 0.0 {
                    1.0
                } else {
                    d.survival((ti.ln() - eta) / scale)
                }
            })
            .collect())
    }

    /// The Weibull (and exponential) fit as a proportional-hazards model: log hazard ratios per covariate with
    /// delta-method standard errors, Wald z, p-values and intervals at `conf_level`. `None` for the log-normal
    /// and log-logistic models, which are not proportional-hazards models, and for stratified fits (whose
    /// hazard ratios `-β_j / σ_h` differ between strata).
    ///
    /// # Formula
    /// `h(t | x) = h₀(t) exp(x'γ)` with `γ_j = -β_j / σ` (shape `1/σ`). With `s = log σ`,
    /// `∇γ_j = (-1/σ for β_j, β_j/σ for s)`, so `Var γ_j = (V_jj - 2 β_j V_js + β_j² V_ss) / σ²`
    /// (for the exponential, σ = 1 is fixed and `γ_j = -β_j`).
    ///
    /// # Reference
    /// Kalbfleisch & Prentice (2002), section 2.3.1; Collett (2015), *Modelling Survival Data in Medical
    /// Research*, 3rd ed., section 5.6.
    ///
    /// # R equivalent
    /// `-coef(fit)[-1] / fit$scale` with the delta method on `vcov(fit)` (as `SurvRegCensCov::ConvertWeibull`).
    pub fn weibull_ph(&self, conf_level: f64) -> Option<Vec<AftTerm>> {
        if !matches!(self.dist, AftDist::Weibull | AftDist::Exponential) || !self.strata.is_empty()
        {
            return None;
        }
        let k = (self.var.len() as f64).sqrt().round() as usize;
        let nv = self.terms.len();
        let has_scale = k > nv;
        let sigma = self.scale;
        let zcrit = z_for_level(conf_level);
        Some(
            self.terms[1..]
                .iter()
                .enumerate()
                .map(|(j, t)| {
                    let i = j + 1;
                    let b = t.coef;
                    let mut v = self.var[i * k + i];
                    if has_scale {
                        v += -2.0 * b * self.var[i * k + nv] + b * b * self.var[nv * k + nv];
                    }
                    AftTerm::wald(t.term.clone(), -b / sigma, v.sqrt() / sigma, zcrit)
                })
                .collect(),
        )
    }
}
