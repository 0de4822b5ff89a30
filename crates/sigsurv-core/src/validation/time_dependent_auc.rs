//! Time-dependent AUC with cumulative cases and dynamic controls, inverse-probability-of-censoring weighted,
//! with its influence-function standard error, as `riskRegression::Score(..., metrics = "auc")`.

use super::censoring_km::CensoringKm;
use super::cohort_checks::{check_cohort, check_times, check_values};
pub use super::time_auc::TimeAuc;
use super::time_dependent_auc_reference::auc_at;
use super::time_dependent_auc_sweep::AucSweep;
use crate::error::Result;
use crate::pvalue::z_for_level;

/// The time-dependent AUC of `marker` (a larger value predicts an earlier event) at each of `times`.
///
/// # Formula
/// At time t, cases are the rows with T_i <= t and an event, controls the rows with T_j > t (whatever their
/// status); rows censored at or before t do not count. With G the Kaplan-Meier of the censoring (censorings
/// after events at a tied time), a case weighs w_i = 1 / G(T_i-), a control w_j = 1 / G(t), and
/// AUC(t) = sum_i sum_j w_i w_j [1(x_i > x_j) + 1(x_i = x_j) / 2] / (sum_i w_i sum_j w_j).
/// The standard error is sd(IF) / sqrt(n) (divisor n - 1) of the influence function of this ratio: its part
/// with G fixed (each row's share of the numerator and the denominator), plus the part through G, where the
/// weights move with the influence of each row on the Nelson-Aalen cumulative hazard of the censoring,
/// IF_i(Lambda(s)) = n 1(T_i <= s, censored) / Y(T_i) - sum over u <= min(T_i, s) of n c(u) / Y(u)^2 (Y the
/// rows at risk with the events). Predictions are taken as fixed. The rows are sorted once by marker and
/// once by time (O(n log n)); each time then costs two linear sweeps, and the times run in parallel.
///
/// # Reference
/// Heagerty, Lumley & Pepe (2000), Biometrics 56:337-344 (cumulative/dynamic); Uno et al. (2007), JASA
/// 102:527-537 and Blanche, Dartigues & Jacqmin-Gadda (2013), Stat Med 32:5381-5397 (IPCW and its influence
/// function); riskRegression 2022.11.28, `R/AUC.survival.R`, `src/getInfluenceFunctionAUC.cpp`.
///
/// # R equivalent
/// `Score(list(marker), formula = Hist(time, event) ~ 1, data, metrics = "auc", times = times,
/// cens.model = "km", se.fit = TRUE)$AUC$score` (`AUC`, `se`, `lower`, `upper`). timeROC's `timeROC(...,
/// weighting = "marginal", iid = TRUE)` gives the same AUC with its own standard error.
///
/// # Errors
/// [`CoreError::Empty`](crate::CoreError::Empty), [`CoreError::LengthMismatch`](crate::CoreError::LengthMismatch),
/// [`CoreError::NonFiniteTime`](crate::CoreError::NonFiniteTime) /
/// [`CoreError::NegativeTime`](crate::CoreError::NegativeTime) and
/// [`CoreError::NonFinite`](crate::CoreError::NonFinite) (marker) with the first bad row,
/// [`CoreError::InvalidArgument`](crate::CoreError::InvalidArgument) for a prediction time that is not a
/// finite number >= 0 or a confidence level outside (0, 1).
///
/// # Examples
/// R's `aml` data (survival 3.5-3), "not maintained" as the marker: `Score(list(nm), Hist(time, status) ~ 1,
/// metrics = "auc", times = c(12, 24), cens.model = "km", se.fit = TRUE)` gives AUC 0.71078431372549 (se
/// 0.0988633941855151) at 12 weeks and 0.567247820672478 (se 0.11078034483541) at 24 (R 4.2,
/// riskRegression 2022.11.28, `fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::time_dependent_auc;
/// let time = [
///     9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0, // maintained
///     5.0, 5.0, 8.0, 8.0, 12.0, 16.0, 23.0, 27.0, 30.0, 33.0, 43.0, 45.0, // not maintained
/// ];
/// let status = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1].map(|s| s == 1);
/// let not_maintained: Vec<f64> = (0..23).map(|i| if i < 11 { 0.0 } else { 1.0 }).collect();
/// let auc = time_dependent_auc(&time, &status, &not_maintained, &[12.0, 24.0], 0.95)?;
/// assert!((auc[0].auc - 0.71078431372549).abs() < 1e-12);
/// assert!((auc[0].se - 0.0988633941855151).abs() < 1e-12);
/// assert!((auc[1].auc - 0.567247820672478).abs() < 1e-12);
/// assert!((auc[1].se - 0.11078034483541).abs() < 1e-12);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "Score")]
#[doc(alias = "timeROC")]
pub fn time_dependent_auc(
    time: &[f64],
    event: &[bool],
    marker: &[f64],
    times: &[f64],
    conf_level: f64,
) -> Result<Vec<TimeAuc>> {
    let z = checked(time, event, marker, times, conf_level)?;
    Ok(AucSweep::new(time, event, marker).at_times(times, z))
}

/// The inputs checked; the normal quantile of the confidence level.
fn checked(
    time: &[f64],
    event: &[bool],
    marker: &[f64],
    times: &[f64],
    conf_level: f64,
) -> Result<f64> {
    check_cohort(time, event)?;
    check_values("marker", marker, time.len())?;
    check_times(times, conf_level)?;
    Ok(z_for_level(conf_level))
}

/// The same as [`time_dependent_auc`], each time computed as its formula reads (binary searches per row;
/// O(n log n) per time). The readable reference the fast path is tested against; use
/// [`time_dependent_auc`].
///
/// # Errors
/// As [`time_dependent_auc`].
pub fn time_dependent_auc_reference(
    time: &[f64],
    event: &[bool],
    marker: &[f64],
    times: &[f64],
    conf_level: f64,
) -> Result<Vec<TimeAuc>> {
    let z = checked(time, event, marker, times, conf_level)?;
    let km = CensoringKm::new(time, event);
    Ok(times
        .iter()
        .map(|&t| auc_at(&km, time, event, marker, t, z))
        .collect())
}
