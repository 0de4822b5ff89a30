//! The integrated Brier score up to tau from Brier scores on a grid of times, as riskRegression's
//! `Score(..., summary = "ibs")`.

use crate::error::{CoreError, Result};

/// The integrated Brier score up to `tau` of the Brier scores `brier[k]` at the increasing `times[k]`.
///
/// # Formula
/// riskRegression's rule: the Brier curve is a step function on the grid (0, times...) with value 0 on
/// \[0, t_1) and brier\[k\] on \[t_k, t_{k+1}); IBS(tau) = (1 / tau) times its integral from 0 to tau
/// (tau is capped at the last time). It depends on the grid: give the Brier score on a fine grid (e.g. every
/// event time) for the usual integrated Brier score. pec's `crps` integrates its prediction-error curve over
/// the event times in the same left-step way, starting from the Brier score at time 0.
///
/// # R equivalent
/// `Score(..., times = times, metrics = "brier", summary = "ibs")$Brier$score$IBS` at the row of `tau`
/// (riskRegression 2022.11.28, `computePerformance`).
///
/// # Errors
/// [`CoreError::InvalidArgument`] when the lengths differ, the times are not finite, > 0 and increasing, a
/// Brier score is not finite, or tau is not > 0.
///
/// # Examples
/// ```
/// use sigsurv_core::integrated_brier;
/// // (0 * 1 + 0.1 * 2 + 0.2 * 2) / 5
/// let ibs = integrated_brier(&[1.0, 3.0, 5.0], &[0.1, 0.2, 0.3], 5.0)?;
/// assert!((ibs - 0.12).abs() < 1e-15);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
pub fn integrated_brier(times: &[f64], brier: &[f64], tau: f64) -> Result<f64> {
    if times.len() != brier.len() || times.is_empty() {
        return Err(CoreError::InvalidArgument(format!(
            "integrated Brier score: {} times and {} Brier scores",
            times.len(),
            brier.len()
        )));
    }
    if times.iter().any(|t| !(t.is_finite() && *t > 0.0))
        || times.windows(2).any(|w| w[1] <= w[0])
        || brier.iter().any(|b| !b.is_finite())
    {
        return Err(CoreError::InvalidArgument(
            "integrated Brier score: times must be finite, > 0 and increasing, Brier scores finite"
                .into(),
        ));
    }
    if tau.is_nan() || tau <= 0.0 {
        return Err(CoreError::InvalidArgument(format!(
            "integrated Brier score: tau {tau} is not > 0"
        )));
    }
    let stop = tau.min(times[times.len() - 1]);
    let mut area = 0.0;
    let mut prev = (0.0, 0.0); // (start of the step, its value)
    for (&t, &b) in times.iter().zip(brier) {
        if t >= stop {
            break;
        }
        area += prev.1 * (t - prev.0);
        prev = (t, b);
    }
    area += prev.1 * (stop - prev.0);
    Ok(area / stop)
}
