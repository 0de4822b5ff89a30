//! Upper-tail probabilities that keep their precision far into the tail.
//!
//! `1 - cdf(x)` loses everything past x ~ 50; statrs' `sf` is accurate (relative ~1e-14) down to ~1e-306.
//! Normal two-sided p-values go through the chi-square(1) tail because statrs' `erfc` is only good to
//! ~1e-11 relative, while `pchisq(z^2, 1, lower = FALSE)` equals R's `2 * pnorm(-|z|)` to ~1e-14.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// P(X > x) for X ~ chi-square(df); R: `pchisq(x, df, lower.tail = FALSE)`.
/// Returns NaN for a non-finite statistic or df <= 0, and 1 for x <= 0.
#[doc(alias = "pchisq")]
pub fn chisq_sf(x: f64, df: f64) -> f64 {
    if !x.is_finite() || df.is_nan() || df <= 0.0 {
        return if x == f64::INFINITY && df > 0.0 {
            0.0
        } else {
            f64::NAN
        };
    }
    if x <= 0.0 {
        return 1.0;
    }
    match ChiSquared::new(df) {
        Ok(d) => d.sf(x),
        Err(_) => f64::NAN,
    }
}

/// Two-sided normal p-value `2 * P(Z > |z|)`; R: `2 * pnorm(-abs(z))`.
pub fn normal_two_sided(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    chisq_sf(z * z, 1.0)
}

/// Standard-normal quantile; R: `qnorm(p)`. Used for confidence levels (never the rounded 1.96).
pub fn qnorm(p: f64) -> f64 {
    Normal::standard().inverse_cdf(p)
}

/// The two-sided critical value for a confidence level, `qnorm(1 - (1 - level) / 2)`.
pub fn z_for_level(level: f64) -> f64 {
    qnorm(1.0 - (1.0 - level) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chisq_tail_keeps_precision() {
        // R: pchisq(200, 1, lower.tail = FALSE) = 2.0884875837625688e-45
        let p = chisq_sf(200.0, 1.0);
        assert!((p / 2.0884875837625688e-45 - 1.0).abs() < 1e-12, "{p}");
    }

    #[test]
    fn z_for_95_is_exact() {
        // R: qnorm(0.975) = 1.959963984540054
        assert!((z_for_level(0.95) - 1.959963984540054).abs() < 1e-15);
    }

    #[test]
    fn normal_two_sided_matches_r() {
        // R: 2 * pnorm(-1.959963984540054) = 0.05
        assert!((normal_two_sided(1.959963984540054) / 0.05 - 1.0).abs() < 1e-13);
    }
}
