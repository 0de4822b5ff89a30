//! The standardised error distributions of the accelerated-failure-time models and their log-density /
//! log-survival derivatives.
//!
//! With `y = log T = η + σ W`, the standardised residual is `z = (y - η) / σ` and `W` follows one of
//! three location-scale families:
//!
//! | family | `f(z)` | `S(z) = P(W > z)` | used by |
//! |---|---|---|---|
//! | extreme value (minimum) | `exp(z - e^z)` | `exp(-e^z)` | Weibull, exponential |
//! | logistic | `e^z / (1 + e^z)^2` | `1 / (1 + e^z)` | log-logistic |
//! | standard normal | `φ(z)` | `Φ(-z)` | log-normal |
//!
//! For each observation the likelihood needs `ℓ(z)` (log f for an event, log S for a censored time) and its first
//! two derivatives in `z`, `a = ℓ'(z)` and `b = ℓ''(z)`; everything else (derivatives in η and log σ) follows by
//! the chain rule in `likelihood.rs`. All three are computed in forms that neither overflow nor cancel in the
//! tails (logistic through `exp(-|z|)`, the normal tail through its Mills ratio).
//!
//! # Reference
//! Kalbfleisch & Prentice (2002), *The Statistical Analysis of Failure Time Data*, 2nd ed., ch. 2.2-2.3;
//! Therneau, *A package for survival analysis in R*, section "Parametric models".
//!
//! # R equivalent
//! `survreg.distributions$extreme`, `$logistic`, `$gaussian` (their `density`, `quantile` and `init` members).

use statrs::function::erf::erfc;
use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// `log(sqrt(2 π))`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// A standardised error distribution `W`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorDist {
    /// Minimum extreme value (Gumbel for minima).
    ExtremeValue,
    Logistic,
    Gaussian,
}

/// `ℓ(z)` and its first two derivatives in `z`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogDeriv {
    pub value: f64,
    pub d1: f64,
    pub d2: f64,
}

/// `(F, 1 - F)` of the standard logistic, each without cancellation.
#[inline]
fn logistic_cdf_pair(z: f64) -> (f64, f64) {
    if z > 0.0 {
        let e = (-z).exp();
        (1.0 / (1.0 + e), e / (1.0 + e))
    } else {
        let e = z.exp();
        (e / (1.0 + e), 1.0 / (1.0 + e))
    }
}

/// Mills ratio `Φ(-z) / φ(z)` for `z > 8` by its continued fraction
/// `1 / (z + 1 / (z + 2 / (z + 3 / (z + ...))))` (modified Lentz; Abramowitz & Stegun 26.2.14).
fn mills_ratio_upper(z: f64) -> f64 {
    let tiny = 1e-300;
    let mut f = z;
    let mut c = z;
    let mut d = 0.0;
    for k in 1..200 {
        let a = k as f64;
        d = z + a * d;
        if d.abs() < tiny {
            d = tiny;
        }
        c = z + a / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    1.0 / f
}

/// `(log Φ(-z), φ(z) / Φ(-z))`: the normal log-survival and hazard, accurate in both tails.
fn normal_log_surv_and_hazard(z: f64) -> (f64, f64) {
    if z > 8.0 {
        let r = mills_ratio_upper(z);
        (-0.5 * z * z - LN_SQRT_2PI + r.ln(), 1.0 / r)
    } else {
        let phi = (-0.5 * z * z - LN_SQRT_2PI).exp();
        if z < 0.0 {
            // Φ(-z) = 1 - Φ(z), with Φ(z) small: log1p keeps the digits.
            let lower = 0.5 * erfc(-z * FRAC_1_SQRT_2);
            let s = 1.0 - lower;
            ((-lower).ln_1p(), phi / s)
        } else {
            let s = 0.5 * erfc(z * FRAC_1_SQRT_2);
            (s.ln(), phi / s)
        }
    }
}

impl ErrorDist {
    /// `log f(z)` with derivatives: the contribution of an observed event (before the `-log σ` Jacobian).
    #[inline]
    pub fn log_density(self, z: f64) -> LogDeriv {
        match self {
            ErrorDist::ExtremeValue => {
                let w = z.exp();
                LogDeriv {
                    value: z - w,
                    d1: 1.0 - w,
                    d2: -w,
                }
            }
            ErrorDist::Logistic => {
                let (f, s) = logistic_cdf_pair(z);
                let value = -z.abs() - 2.0 * (-z.abs()).exp().ln_1p();
                LogDeriv {
                    value,
                    d1: s - f,
                    d2: -2.0 * f * s,
                }
            }
            ErrorDist::Gaussian => LogDeriv {
                value: -0.5 * z * z - LN_SQRT_2PI,
                d1: -z,
                d2: -1.0,
            },
        }
    }

    /// `log S(z)` with derivatives: the contribution of a right-censored time.
    #[inline]
    pub fn log_survival(self, z: f64) -> LogDeriv {
        match self {
            ErrorDist::ExtremeValue => {
                let w = z.exp();
                LogDeriv {
                    value: -w,
                    d1: -w,
                    d2: -w,
                }
            }
            ErrorDist::Logistic => {
                let (f, s) = logistic_cdf_pair(z);
                LogDeriv {
                    value: -(z.max(0.0) + (-z.abs()).exp().ln_1p()),
                    d1: -f,
                    d2: -f * s,
                }
            }
            ErrorDist::Gaussian => {
                let (value, h) = normal_log_surv_and_hazard(z);
                LogDeriv {
                    value,
                    d1: -h,
                    d2: h * (z - h),
                }
            }
        }
    }

    /// `S(z) = P(W > z)`.
    pub fn survival(self, z: f64) -> f64 {
        match self {
            ErrorDist::ExtremeValue => (-z.exp()).exp(),
            ErrorDist::Logistic => logistic_cdf_pair(z).1,
            ErrorDist::Gaussian => normal_log_surv_and_hazard(z).0.exp(),
        }
    }

    /// The `p` quantile of `W` (R: `survreg.distributions[[d]]$quantile(p)`); NaN outside (0, 1).
    pub fn quantile(self, p: f64) -> f64 {
        if !(p > 0.0 && p < 1.0) {
            return match p {
                0.0 => f64::NEG_INFINITY,
                1.0 => f64::INFINITY,
                _ => f64::NAN,
            };
        }
        match self {
            ErrorDist::ExtremeValue => (-(-p).ln_1p()).ln(),
            ErrorDist::Logistic => (p / (1.0 - p)).ln(),
            ErrorDist::Gaussian => crate::pvalue::qnorm(p),
        }
    }

    /// Moment starting values from the weighted mean `m` and variance `v` of `y` (R: `$init`):
    /// the location `m + E-offset` and the variance of `σ W` matched to `v`, returned as `(location, σ²)`.
    pub fn moment_start(self, mean: f64, var: f64) -> (f64, f64) {
        match self {
            // R's rounded constants: -digamma(1) ~ 0.5772 and pi^2 / 6 ~ 1.645.
            ErrorDist::ExtremeValue => (mean + 0.572, var / 1.64),
            // pi^2 / 3 ~ 3.29, rounded by R to 3.2.
            ErrorDist::Logistic => (mean, var / 3.2),
            ErrorDist::Gaussian => (mean, var),
        }
    }

    /// The variance of `W` (R: `$variance`).
    pub fn variance(self) -> f64 {
        match self {
            ErrorDist::ExtremeValue => PI * PI / 6.0,
            ErrorDist::Logistic => PI * PI / 3.0,
            ErrorDist::Gaussian => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num_deriv(f: impl Fn(f64) -> f64, z: f64) -> f64 {
        let h = 1e-5 * (1.0 + z.abs());
        (f(z + h) - f(z - h)) / (2.0 * h)
    }

    #[test]
    fn derivatives_match_finite_differences() {
        for d in [
            ErrorDist::ExtremeValue,
            ErrorDist::Logistic,
            ErrorDist::Gaussian,
        ] {
            for &z in &[-6.0, -2.5, -0.3, 0.0, 0.7, 2.0, 7.5, 8.5, 12.0] {
                for (name, g) in [
                    (
                        "density",
                        ErrorDist::log_density as fn(ErrorDist, f64) -> LogDeriv,
                    ),
                    ("survival", ErrorDist::log_survival),
                ] {
                    if d == ErrorDist::ExtremeValue && z > 3.0 {
                        continue; // e^z dominates; relative check below is enough
                    }
                    let v = g(d, z);
                    let d1 = num_deriv(|x| g(d, x).value, z);
                    let d2 = num_deriv(|x| g(d, x).d1, z);
                    assert!(
                        (v.d1 - d1).abs() <= 1e-6 * (1.0 + d1.abs()),
                        "{d:?} {name} d1 at {z}"
                    );
                    assert!(
                        (v.d2 - d2).abs() <= 1e-6 * (1.0 + d2.abs()),
                        "{d:?} {name} d2 at {z}"
                    );
                }
            }
        }
    }

    #[test]
    fn normal_tail_matches_r() {
        // R: pnorm(10, lower.tail = FALSE, log.p = TRUE) = -53.23128515051247
        let (ls, _) = normal_log_surv_and_hazard(10.0);
        assert!((ls / -53.23128515051247 - 1.0).abs() < 1e-13, "{ls}");
        // R: pnorm(-3, log.p = TRUE) via log S at z = 3 is log(pnorm(-3)) = -6.607726221510349
        let (ls, _) = normal_log_surv_and_hazard(3.0);
        assert!((ls / -6.607726221510349 - 1.0).abs() < 1e-12, "{ls}");
        // The two branches agree where they meet.
        let a = normal_log_surv_and_hazard(8.0 - 1e-12).0;
        let b = normal_log_surv_and_hazard(8.0 + 1e-12).0;
        assert!((a - b).abs() < 1e-10);
    }

    #[test]
    fn quantile_inverts_survival() {
        for d in [
            ErrorDist::ExtremeValue,
            ErrorDist::Logistic,
            ErrorDist::Gaussian,
        ] {
            for &p in &[0.01, 0.1, 0.5, 0.9, 0.999] {
                let q = d.quantile(p);
                assert!((1.0 - d.survival(q) - p).abs() < 1e-12, "{d:?} {p}");
            }
        }
    }
}
