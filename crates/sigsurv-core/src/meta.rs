//! Pooling per-cohort estimates (log hazard ratios) and measuring how much they differ: Cochran's Q, I², H², the
//! DerSimonian-Laird between-cohort variance τ², and the fixed-effect and random-effects pooled estimates.

use crate::error::{CoreError, Result};
use crate::pvalue::{chisq_sf, normal_two_sided, z_for_level};

/// A pooled estimate with its standard error, confidence interval, Wald z and two-sided p.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pooled {
    pub estimate: f64,
    pub se: f64,
    pub lower: f64,
    pub upper: f64,
    pub z: f64,
    pub p_value: f64,
}

/// Heterogeneity of per-cohort estimates and their two pooled estimates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetaAnalysis {
    /// Number of cohorts.
    pub k: usize,
    /// Cochran's Q on `k − 1` degrees of freedom, and its p-value (χ² upper tail); NaN with one cohort.
    pub q: f64,
    pub q_df: usize,
    pub q_p_value: f64,
    /// I² in percent: the share of the variability due to between-cohort differences (0 when Q ≤ df).
    pub i2: f64,
    /// H² = total / within-cohort variability (Q / df for DerSimonian-Laird).
    pub h2: f64,
    /// DerSimonian-Laird between-cohort variance τ² (0 when Q ≤ df).
    pub tau2: f64,
    /// Inverse-variance (fixed-effect) pooled estimate.
    pub fixed: Pooled,
    /// Random-effects pooled estimate, weights 1 / (se² + τ²).
    pub random: Pooled,
}

/// Pools estimates `y` (e.g. per-cohort log hazard ratios) with standard errors `se`.
///
/// # Formula
/// With w_i = 1/se_i²: the fixed-effect estimate θ_F = Σ w y / Σ w, se 1/√Σw; Q = Σ w (y − θ_F)², df = k − 1;
/// C = Σw − Σw²/Σw; τ² = max(0, (Q − df)/C); I² = 100 · max(0, (Q − df)/Q); H² = Q/df (1 when Q = 0). The
/// random-effects estimate uses w*_i = 1/(se_i² + τ²): θ_R = Σ w* y / Σ w*, se 1/√Σw*. Intervals are
/// θ ± z_{(1+level)/2} · se, p = 2 Φ(−|θ/se|).
///
/// # Reference
/// DerSimonian & Laird (1986), Control Clin Trials 7:177-188; Higgins & Thompson (2002), Stat Med 21:1539-1558.
///
/// # R equivalent
/// `metafor::rma(yi = y, sei = se, method = "DL")` (`QE`, `QEp`, `I2`, `H2`, `tau2`, `b`, `se`, `ci.lb`,
/// `ci.ub`, `zval`, `pval`) and `rma(..., method = "FE")` for the fixed-effect row; `meta::metagen(y, se,
/// method.tau = "DL")` gives the same numbers. With one cohort Q, I² and H² are NaN and τ² is 0 (metafor
/// refuses k = 1 for heterogeneity).
///
/// # Errors
/// [`CoreError::LengthMismatch`] when `y` and `se` differ in length; [`CoreError::InvalidArgument`] for no
/// estimates, a non-finite estimate or a standard error that is not finite and > 0 (naming the cohort's
/// position), or a confidence level outside (0, 1).
///
/// # Examples
/// The treatment effect of R's `veteran` trial within its four cell types (adeno, large, small cell,
/// squamous: Cox log HRs and se) pooled as
/// `metafor::rma(yi, sei = se, method = "DL")`: Q = 5.28843073841523 (3 df), τ² = 0.115162123866543,
/// I² = 43.27239689067 %, random-effects estimate 0.146898669982989 (R 4.2, metafor 3.8-1,
/// `fixtures/meta/make_reference.R`).
/// ```
/// use sigsurv_core::meta_analysis;
/// let y = [0.206650971472638, 0.428936655549791, 0.502025191842877, -0.60810534379999];
/// let se = [0.432229413608219, 0.406910331651393, 0.331336820167902, 0.395352491849646];
/// let m = meta_analysis(&y, &se, 0.95)?;
/// let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs();
/// assert!(close(m.q, 5.28843073841523) && m.q_df == 3);
/// assert!(close(m.tau2, 0.115162123866543) && close(m.i2, 43.27239689067));
/// assert!(close(m.random.estimate, 0.146898669982989));
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(
    alias = "rma",
    alias = "metagen",
    alias = "DerSimonian-Laird",
    alias = "I2"
)]
pub fn meta_analysis(y: &[f64], se: &[f64], conf_level: f64) -> Result<MetaAnalysis> {
    if y.len() != se.len() {
        return Err(CoreError::LengthMismatch {
            what: "standard errors",
            got: se.len(),
            expected: y.len(),
        });
    }
    if y.is_empty() {
        return Err(CoreError::InvalidArgument("no estimates to pool".into()));
    }
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "confidence level {conf_level} is not between 0 and 1"
        )));
    }
    for (i, (&yi, &si)) in y.iter().zip(se).enumerate() {
        if !(yi.is_finite() && si.is_finite() && si > 0.0) {
            return Err(CoreError::InvalidArgument(format!(
                "estimate {} (estimate {yi}, standard error {si}) cannot be pooled: both must be finite and \
                 the standard error > 0",
                i + 1
            )));
        }
    }
    let z_crit = z_for_level(conf_level);
    let pool = |weight: &dyn Fn(f64) -> f64| -> Pooled {
        let (sw, swy) = y.iter().zip(se).fold((0.0, 0.0), |(sw, swy), (&yi, &si)| {
            let w = weight(si);
            (sw + w, swy + w * yi)
        });
        let estimate = swy / sw;
        let se = 1.0 / sw.sqrt();
        let z = estimate / se;
        Pooled {
            estimate,
            se,
            lower: estimate - z_crit * se,
            upper: estimate + z_crit * se,
            z,
            p_value: normal_two_sided(z),
        }
    };
    let fixed = pool(&|s| 1.0 / (s * s));
    let k = y.len();
    let df = k - 1;
    let (sw, sw2) = se.iter().fold((0.0, 0.0), |(a, b), &s| {
        let w = 1.0 / (s * s);
        (a + w, b + w * w)
    });
    let q: f64 = y
        .iter()
        .zip(se)
        .map(|(&yi, &si)| (yi - fixed.estimate).powi(2) / (si * si))
        .sum();
    let (q, q_p_value, i2, h2, tau2) = if df == 0 {
        (f64::NAN, f64::NAN, f64::NAN, f64::NAN, 0.0)
    } else {
        let excess = (q - df as f64).max(0.0);
        let c = sw - sw2 / sw;
        let i2 = if q > 0.0 { 100.0 * excess / q } else { 0.0 };
        let h2 = if q > 0.0 {
            (q / df as f64).max(1.0)
        } else {
            1.0
        };
        (q, chisq_sf(q, df as f64), i2, h2, excess / c)
    };
    let random = pool(&|s| 1.0 / (s * s + tau2));
    Ok(MetaAnalysis {
        k,
        q,
        q_df: df,
        q_p_value,
        i2,
        h2,
        tau2,
        fixed,
        random,
    })
}
