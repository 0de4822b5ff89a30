//! The censoring distribution G(t−) at each row, read off the Kaplan-Meier curve of the censorings exactly
//! as cmprsk's `crr` reads it.

use crate::timefix::timefix;

/// G(t_i−) for each row: the Kaplan-Meier estimate of "not yet censored" (censorings are the events, exits
/// by any cause are censored), at the largest time of that curve at or before t_i (1 − 100ε), and 1 before
/// its first time.
///
/// # R equivalent
/// crr's `approx(c(min(0, u$time) - 10 * eps, u$time, max(u$time) * (1 + 10 * eps)), c(1, u$surv, 0),
/// xout = ftime * (1 - 100 * eps), method = "constant", f = 0, rule = 2)` with `u = survfit(Surv(ftime,
/// cenind) ~ 1)`, whose times have R's `timefix` applied. `censored[i]` is `cenind`.
pub(crate) fn censoring_weights(time: &[f64], censored: &[bool]) -> Vec<f64> {
    let merged = timefix(time);
    let mut order: Vec<usize> = (0..time.len()).collect();
    order.sort_by(|&a, &b| merged[a].total_cmp(&merged[b]));
    // The censoring Kaplan-Meier curve at its distinct times.
    let (mut knots, mut surv) = (Vec::new(), Vec::new());
    let mut at_risk = time.len() as f64;
    let mut km = 1.0f64;
    let mut i = 0;
    while i < order.len() {
        let t = merged[order[i]];
        let (mut exits, mut cens) = (0usize, 0usize);
        while i < order.len() && merged[order[i]] == t {
            exits += 1;
            cens += usize::from(censored[order[i]]);
            i += 1;
        }
        if cens > 0 {
            km *= (at_risk - cens as f64) / at_risk;
        }
        knots.push(t);
        surv.push(km);
        at_risk -= exits as f64;
    }
    let shrink = 1.0 - 100.0 * f64::EPSILON;
    time.iter()
        .map(|&t| {
            let x = t * shrink;
            let upto = knots.partition_point(|&k| k <= x);
            if upto == 0 {
                1.0
            } else {
                surv[upto - 1]
            }
        })
        .collect()
}
