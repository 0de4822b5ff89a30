//! The time-dependent AUC at one prediction time as its formula reads: cases and controls collected, each
//! case's and control's share of the pairs found by binary search over the other side's sorted markers, and
//! each row's influence through the censoring distribution by binary search over the cases' times.
//! O(n log n) per time; the readable reference the sweep (`time_dependent_auc_sweep.rs`) is tested against.

use super::censoring_km::CensoringKm;
use super::cohort_checks::influence_se;
use super::time_auc::TimeAuc;

pub(crate) fn auc_at(
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
    if cases.is_empty() || controls.is_empty() {
        return TimeAuc::without_pairs(t, cases.len(), controls.len());
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
    TimeAuc::finished(
        t,
        auc,
        influence_se(&influence),
        z,
        cases.len(),
        controls.len(),
    )
}
