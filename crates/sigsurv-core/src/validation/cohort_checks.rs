//! Input checks shared by the IPCW metrics (time-dependent AUC, Brier score): a cohort of times and events,
//! values per row, and prediction times.

use crate::error::{CoreError, Result};

/// Times finite and >= 0, lengths equal; at least one row.
pub(crate) fn check_cohort(time: &[f64], event: &[bool]) -> Result<()> {
    if time.is_empty() {
        return Err(CoreError::Empty);
    }
    if event.len() != time.len() {
        return Err(CoreError::LengthMismatch {
            what: "event",
            got: event.len(),
            expected: time.len(),
        });
    }
    for (row, &t) in time.iter().enumerate() {
        if !t.is_finite() {
            return Err(CoreError::NonFiniteTime { row, value: t });
        }
        if t < 0.0 {
            return Err(CoreError::NegativeTime { row, value: t });
        }
    }
    Ok(())
}

/// One finite value per row.
pub(crate) fn check_values(what: &'static str, values: &[f64], n: usize) -> Result<()> {
    if values.len() != n {
        return Err(CoreError::LengthMismatch {
            what,
            got: values.len(),
            expected: n,
        });
    }
    if let Some((row, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(CoreError::NonFinite {
            what: what.into(),
            row,
            value,
        });
    }
    Ok(())
}

/// Prediction times finite and >= 0, and a confidence level in (0, 1).
pub(crate) fn check_times(times: &[f64], conf_level: f64) -> Result<()> {
    if let Some(t) = times.iter().find(|t| !(t.is_finite() && **t >= 0.0)) {
        return Err(CoreError::InvalidArgument(format!(
            "prediction time {t} is not a finite number >= 0"
        )));
    }
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "confidence level {conf_level} is not between 0 and 1"
        )));
    }
    Ok(())
}

/// The Wald limits `estimate -/+ z se` of a proportion-valued metric, clipped to [0, 1] as riskRegression's
/// `Score` clips them.
pub(crate) fn clipped_limits(estimate: f64, se: f64, z: f64) -> (f64, f64) {
    ((estimate - z * se).max(0.0), (estimate + z * se).min(1.0))
}

/// Sample standard deviation (divisor n - 1) of influence values over sqrt(n): R's `sd(IF) / sqrt(N)`.
pub(crate) fn influence_se(influence: &[f64]) -> f64 {
    let n = influence.len() as f64;
    if influence.len() < 2 {
        return f64::NAN;
    }
    let mean = influence.iter().sum::<f64>() / n;
    let ss: f64 = influence.iter().map(|v| (v - mean) * (v - mean)).sum();
    (ss / (n - 1.0)).sqrt() / n.sqrt()
}
