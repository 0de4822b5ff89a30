//! The shift of η that keeps exp(η) finite, the one home of the rule for every Cox evaluation.
//!
//! ℓ, U and I (and predicted curves) do not depend on a constant subtracted from η within a stratum, but the
//! floating-point numbers do, so each evaluation uses a fixed rule:
//!
//! ```text
//! sequential pass (reference):  shift = max η − 600   when max η > 600,  else 0        (sequential_shift)
//! regrouped paths and survfit:  shift = max η         when max η > 200,  else 0        (regrouped_shift)
//! regrouped paths are exact while  min η − shift > −300                                 (regrouped_exact)
//! ```
//! (max and min over the stratum's rows; a non-finite max never shifts.) The sequential pass follows R, which
//! exponentiates η as it is: unshifted up to 600, so that fits heading to an infinite coefficient take R's
//! iterations. The regrouped paths (`blocked.rs`, `grouped.rs`) divide by squares of risk-set sums, so they
//! shift sooner and hand a stratum whose η range is too wide for them to the sequential pass.

use super::super::prep::Prepared;

/// The sequential pass's shift for a stratum whose largest η is `max`. R's `coxfit6_iter` / `agfit4`
/// exponentiate η as it is (finite up to η ≈ 709, and e^η ≥ 1e-323 down to η ≈ -745); the pass does the same while
/// `max ≤ 600`, and beyond that lowers η by `max − 600`: the largest risk is then e^600, room for sums over
/// millions of rows, and small risks underflow no sooner than R's. (Shifting by the whole `max` would push
/// the smallest risks below e^-745 as soon as the range of η passes 745, which R survives.)
pub(crate) fn sequential_shift(max: f64) -> f64 {
    if max.is_finite() && max > 600.0 {
        max - 600.0
    } else {
        0.0
    }
}

/// The regrouped evaluations' shift (and the reference point of survfit's baseline) for a stratum whose
/// largest η is `max`.
pub(crate) fn regrouped_shift(max: f64) -> f64 {
    if max.is_finite() && max > 200.0 {
        max
    } else {
        0.0
    }
}

/// Whether a regrouped evaluation (`blocked.rs`, `grouped.rs`) is exact for a stratum whose η spans
/// `[min, max]` on its shifted scale (`shift` from [`regrouped_shift`]). Those use `1 / D²` of risk-set sums `D`,
/// which leaves the range of doubles once some shifted η falls below about -354; then the sequential pass,
/// which needs only e^η, evaluates instead (only fits heading to an infinite coefficient get there).
pub(crate) fn regrouped_exact(min: f64, shift: f64) -> bool {
    !min.is_finite() || min - shift > -300.0
}

/// The sequential pass's shift of stratum rows `b0..b1` (sorted positions) at `beta`.
pub(crate) fn eta_shift(prep: &Prepared, beta: &[f64], b0: usize, b1: usize) -> f64 {
    sequential_shift(stratum_max_eta(prep, beta, b0, b1))
}

/// The largest η of the rows of sorted positions `b0..b1` that enter the fit.
pub(crate) fn stratum_max_eta(prep: &Prepared, beta: &[f64], b0: usize, b1: usize) -> f64 {
    (b0..b1)
        .filter(|&k| !prep.ignore[k])
        .map(|k| prep.eta(beta, k))
        .fold(f64::NEG_INFINITY, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_rules() {
        assert_eq!(sequential_shift(600.0), 0.0);
        assert_eq!(sequential_shift(750.0), 150.0);
        assert_eq!(sequential_shift(f64::INFINITY), 0.0);
        assert_eq!(sequential_shift(f64::NEG_INFINITY), 0.0);
        assert_eq!(regrouped_shift(200.0), 0.0);
        assert_eq!(regrouped_shift(250.0), 250.0);
        assert_eq!(regrouped_shift(f64::INFINITY), 0.0);
        assert!(regrouped_exact(-299.0, 0.0));
        assert!(!regrouped_exact(-100.0, 250.0));
        assert!(regrouped_exact(f64::INFINITY, 0.0)); // an empty stratum
    }
}
