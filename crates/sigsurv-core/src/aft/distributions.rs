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

/// Mills ratio `Φ(-z) / φ(z)` for `z >= 2` (about 100 terms at z = 2, 50 at z = 3) by its continued fraction
/// `1 / (z + 1 / (z + 2 / (z + 3 / (z + ...))))` (modified Lentz; Abramowitz & Stegun 26.2.14).
fn mills_ratio_upper(z: f64) -> f64 {
    let tiny = 1e-300;
    let mut f = z;
    let mut c = z;
    let mut d = 0.0;
    for k in 1..2000 {
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

/// `erf(x)` for `0 <= x < 2.2` by the all-positive series
/// `erf(x) = 2/√π e^{-x²} Σ_n 2^n x^{2n+1} / (1·3·…·(2n+1))` (Abramowitz & Stegun 7.1.6): no cancellation,
/// so full double precision.
fn erf_series(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = x;
    let mut total = x;
    for n in 1..200 {
        term *= 2.0 * x2 / (2 * n + 1) as f64;
        total += term;
        if term < 1e-17 * total {
            break;
        }
    }
    std::f64::consts::FRAC_2_SQRT_PI * (-x2).exp() * total
}

/// `(log Φ(-z), φ(z) / Φ(-z))`: the normal log-survival and hazard, accurate in both tails
/// (series for `-2 < z < 3`, Mills-ratio continued fraction beyond; relative error < 1e-13).
fn normal_log_surv_and_hazard(z: f64) -> (f64, f64) {
    let log_phi = -0.5 * z * z - LN_SQRT_2PI;
    if z >= 3.0 {
        let r = mills_ratio_upper(z);
        (log_phi + r.ln(), 1.0 / r)
    } else if z <= -2.0 {
        // Φ(-z) = 1 - Φ(z) with Φ(z) = φ(z) R(-z) small: log1p keeps the digits.
        let lower = (log_phi + mills_ratio_upper(-z).ln()).exp();
        ((-lower).ln_1p(), log_phi.exp() / (1.0 - lower))
    } else {
        let e = erf_series(z.abs() * FRAC_1_SQRT_2);
        if z >= 0.0 {
            let s = 0.5 - 0.5 * e;
            (s.ln(), log_phi.exp() / s)
        } else {
            let lower = 0.5 - 0.5 * e;
            ((-lower).ln_1p(), log_phi.exp() / (1.0 - lower))
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
    #[allow(clippy::excessive_precision)] // R's 17 significant digits, as printed
    fn normal_tail_matches_r() {
        // R: cbind(pnorm(-z, log.p = TRUE), dnorm(z) / pnorm(-z))
        let r = [
            (-5.0, -2.8665161296376358e-07, 1.4867199409049058e-06),
            (-3.0, -1.3508099647481938e-03, 4.4378390421256639e-03),
            (-2.9, -1.8675560981809215e-03, 5.9636594949805501e-03),
            (-1.0, -1.7275377902344988e-01, 2.8759997093917838e-01),
            (-0.1, -6.1650501011502623e-01, 7.3533174850578076e-01),
            (0.0, -std::f64::consts::LN_2, 7.9788456080286541e-01),
            (0.3, -9.6210281816885079e-01, 9.9816596885848352e-01),
            (1.0, -1.8410216450092636e+00, 1.5251352761609813e+00),
            (2.5, -5.0816482772786902e+00, 2.8227447976639080e+00),
            (2.99, -6.5749417017486955e+00, 3.2738058234926881e+00),
            (3.0, -6.6077262215103492e+00, 3.2830986549304368e+00),
            (3.01, -6.6406036853375490e+00, 3.2923946334467824e+00),
            (5.0, -1.5064998393988725e+01, 5.1865039671258417e+00),
            (8.0, -3.5013437159914552e+01, 8.1213681122361123e+00),
            (10.0, -5.3231285150512470e+01, 1.0098093233962512e+01),
            (20.0, -2.0391715537109727e+02, 2.0049753068527853e+01),
            (37.0, -6.8903058557689064e+02, 3.7026987686126986e+01),
            (40.0, -8.0460844201375380e+02, f64::NAN),
        ];
        for (z, ls, h) in r {
            let (a, b) = normal_log_surv_and_hazard(z);
            assert!((a / ls - 1.0).abs() < 1e-13, "log S at {z}: {a} vs {ls}");
            if h.is_finite() {
                assert!((b / h - 1.0).abs() < 1e-13, "hazard at {z}: {b} vs {h}");
            } else {
                assert!(
                    b.is_finite() && b > 40.0,
                    "R underflows at {z}; we keep {b}"
                );
            }
        }
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
