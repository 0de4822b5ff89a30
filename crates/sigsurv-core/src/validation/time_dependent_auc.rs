//! Time-dependent AUC with cumulative cases and dynamic controls, inverse-probability-of-censoring weighted,
//! with its influence-function standard error, as `riskRegression::Score(..., metrics = "auc")`.

use super::censoring_km::CensoringKm;
use super::cohort_checks::{check_cohort, check_times, check_values, influence_se};
use crate::error::Result;
use crate::pvalue::z_for_level;

/// The AUC of a marker at one prediction time.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeAuc {
    pub time: f64,
    /// NaN when there is no case or no control at `time`.
    pub auc: f64,
    /// Influence-function standard error. R: `Score(...)$AUC$score$se`.
    pub se: f64,
    /// `auc -/+ z se`, clipped to [0, 1] as Score does.
    pub lower: f64,
    pub upper: f64,
    /// Rows with an event at or before `time`.
    pub n_cases: usize,
    /// Rows with time after `time`.
    pub n_controls: usize,
}

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
/// rows at risk with the events). Predictions are taken as fixed. O(n log n) per time.
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
    check_cohort(time, event)?;
    check_values("marker", marker, time.len())?;
    check_times(times, conf_level)?;
    let km = CensoringKm::new(time, event);
    let z = z_for_level(conf_level);
    Ok(times
        .iter()
        .map(|&t| auc_at(&km, time, event, marker, t, z))
        .collect())
}

fn auc_at(
    km: &CensoringKm,
    time: &[f64],
    event: &[bool],
    marker: &[f64],
    t: f64,
    z: f64,
) -> TimeAuc {
    let n = time.len();
    let is_case = |i: usize| time[i] <= t && event[i];
    let cases: Vec<usize> = (0..n).filter(|&i| is_case(i)).collect();
    let controls: Vec<usize> = (0..n).filter(|&i| time[i] > t).collect();
    let mut out = TimeAuc {
        time: t,
        auc: f64::NAN,
        se: f64::NAN,
        lower: f64::NAN,
        upper: f64::NAN,
        n_cases: cases.len(),
        n_controls: controls.len(),
    };
    if cases.is_empty() || controls.is_empty() {
        return out;
    }
    let case_weight: Vec<f64> = cases.iter().map(|&i| 1.0 / km.before(time[i])).collect();
    let control_weight = 1.0 / km.at(t);
    let mu_case: f64 = case_weight.iter().sum();
    let mu_control = controls.len() as f64 * control_weight;

    // Each case's weighted share of controls below it (ties 1/2), and each control's share of cases above.
    let mut control_markers: Vec<f64> = controls.iter().map(|&j| marker[j]).collect();
    control_markers.sort_unstable_by(f64::total_cmp);
    let mut by_marker: Vec<(f64, f64)> = cases
        .iter()
        .zip(&case_weight)
        .map(|(&i, &w)| (marker[i], w))
        .collect();
    by_marker.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut case_cum = Vec::with_capacity(by_marker.len() + 1);
    case_cum.push(0.0);
    for &(_, w) in &by_marker {
        case_cum.push(case_cum.last().copied().unwrap_or(0.0) + w);
    }
    let beats = |x: f64| -> f64 {
        let below = control_markers.partition_point(|&v| v < x);
        let at_or_below = control_markers.partition_point(|&v| v <= x);
        control_weight * (below as f64 + 0.5 * (at_or_below - below) as f64)
    };
    let beaten_by = |x: f64| -> f64 {
        let below = by_marker.partition_point(|c| c.0 < x);
        let at_or_below = by_marker.partition_point(|c| c.0 <= x);
        let total = case_cum[by_marker.len()];
        (total - case_cum[at_or_below]) + 0.5 * (case_cum[at_or_below] - case_cum[below])
    };
    let case_share: Vec<f64> = cases.iter().map(|&i| beats(marker[i])).collect();
    let control_share: Vec<f64> = controls.iter().map(|&j| beaten_by(marker[j])).collect();
    let numerator: f64 = case_share
        .iter()
        .zip(&case_weight)
        .map(|(s, w)| s * w)
        .sum();
    // A weighted share of pairs: in [0, 1], where rounding of the sums could put it an ulp outside.
    let auc = (numerator / (mu_case * mu_control)).clamp(0.0, 1.0);

    // Influence with G fixed: (IF of numerator * mu - IF of denominator * nu) / mu^2, on R's 1/n^2 scale.
    let nf = n as f64;
    let mu = mu_case * mu_control / (nf * nf);
    let nu = numerator / (nf * nf);
    let mut influence = vec![0.0; n];
    for (k, &i) in cases.iter().enumerate() {
        let num = case_weight[k] * case_share[k] / nf;
        let den = case_weight[k] * mu_control / nf;
        influence[i] = (num * mu - den * nu) / (mu * mu);
    }
    for (k, &j) in controls.iter().enumerate() {
        let num = control_weight * control_share[k] / nf;
        let den = control_weight * mu_case / nf;
        influence[j] = (num * mu - den * nu) / (mu * mu);
    }
    // Through G: the numerator's and the denominator's weights move with the censoring hazard.
    let num_cases: Vec<(f64, f64)> = cases
        .iter()
        .zip(case_weight.iter().zip(&case_share))
        .map(|(&i, (w, s))| (time[i], w * s))
        .collect();
    let den_cases: Vec<(f64, f64)> = cases
        .iter()
        .zip(&case_weight)
        .map(|(&i, &w)| (time[i], w))
        .collect();
    let control_num_total: f64 = control_share.iter().map(|s| control_weight * s).sum();
    let num_g = km.weighted_influence(time, event, &num_cases, control_num_total, t);
    // The denominator is (sum of case weights) x (sum of control weights); the control weights move together.
    let den_g = km.weighted_influence(time, event, &den_cases, mu_case, t);
    for i in 0..n {
        let num = num_g[i] / (nf * nf);
        let den = mu_control * den_g[i] / (nf * nf);
        influence[i] += (num * mu - den * nu) / (mu * mu);
    }
    let se = influence_se(&influence);
    out.auc = auc;
    out.se = se;
    out.lower = (auc - z * se).max(0.0);
    out.upper = (auc + z * se).min(1.0);
    out
}
