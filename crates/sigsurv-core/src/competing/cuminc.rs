//! cmprsk's `cuminc`: the cumulative incidence of each cause per group with Aalen's (1978) variance, the
//! variance cmprsk reports (survfit reports the infinitesimal jackknife instead, [`super::aalen_johansen()`]).

use super::data::{validate_codes, CompetingData};
use crate::error::{CoreError, Result};

/// One cumulative incidence curve as cmprsk returns it: the corners of the step function.
///
/// `time` starts at 0 and lists every time with an exit by the cause twice (the value before and after the
/// jump), then the last time of the group; `estimate` and `variance` follow it (R's `$time`, `$est`, `$var`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CumincCurve {
    pub time: Vec<f64>,
    pub estimate: Vec<f64>,
    pub variance: Vec<f64>,
}

impl CumincCurve {
    /// The estimate and variance at each time, as cmprsk's `timepoints()`: the values at the last time of the
    /// curve at or before it; `None` before 0 and after the last time of the group (R's NA).
    #[doc(alias = "timepoints")]
    pub fn at(&self, times: &[f64]) -> Vec<Option<(f64, f64)>> {
        let last = self.time.last().copied().unwrap_or(f64::NEG_INFINITY);
        times
            .iter()
            .map(|&t| {
                let upto = self.time.partition_point(|&x| x <= t);
                (upto > 0 && t <= last).then(|| (self.estimate[upto - 1], self.variance[upto - 1]))
            })
            .collect()
    }
}

/// cmprsk's cumulative incidence estimate and its variance, per group and cause.
///
/// # Formula
/// At each distinct time t_i of the group with n_i at risk, d_1i exits by the cause and d_2i by any other
/// cause (d_i = d_1i + d_2i), S the Kaplan-Meier estimate of no exit before t_i (S(t_i−)) and S⁺ after it:
/// ```text
/// F(t_i) = F(t_i−) + S d_1i / n_i
/// tie factor  τ(d) = 1 − (d − 1)/(n_i − 1)  (1 for d ≤ 1)
/// other causes, if S⁺ > 0:   a = F(t_i)/S⁺,   b = 1/S⁺,              q = S² τ(d_2i) d_2i / n_i²
/// the cause:                 a = 1 + F(t_i)/S⁺, b = 1/S⁺ (0 if S⁺ = 0), q = S² τ(d_1i) d_1i / n_i²
/// v1 += a² q,  v2 += a b q,  v3 += b² q
/// var F(t_i) = v1 + F(t_i)² v3 − 2 F(t_i) v2
/// ```
/// Unweighted; times are not merged (cmprsk has no `timefix`).
///
/// # Reference
/// Aalen (1978), Scand J Stat 5:141-150; Gray (1988), Ann Stat 16:1141-1154; cmprsk's `cincsub.f`.
///
/// # R equivalent
/// `cmprsk::cuminc(time, cause, group, cencode = 0)`: curve `[g][k − 1]` is the element named
/// `"<group> <cause>"`. cmprsk leaves out causes with no exit in the data and groups with no rows; here every
/// cause code 1..=`n_causes` and every group code has its curve (a group without rows has none: empty
/// vectors).
///
/// # Errors
/// As [`super::aalen_johansen_by`], and [`CoreError::InvalidArgument`] for case weights (cmprsk takes none).
///
/// # Examples
/// KMsurv's `bmt`, the 38 patients with ALL: relapse (cause 1) or death in remission (cause 2) after a
/// bone-marrow transplant, days; `mtx` is methotrexate (z10). R 4.2 / survival 3.5-3 / cmprsk 2.2-11
/// (`fixtures/doctests/make_reference.R`): `timepoints(cuminc(t2, cause, z10), 365)` gives, without methotrexate, a relapse
/// incidence of 0.0982142857142857 with variance 0.00461677144739639.
/// ```
/// use sigsurv_core::{cuminc, CompetingData};
/// let time = [
///     2081.0, 1602.0, 1496.0, 1462.0, 1433.0, 1377.0, 1330.0, 996.0, 226.0, 1199.0, 1111.0, 530.0, 1182.0,
///     1167.0, 418.0, 383.0, 276.0, 104.0, 609.0, 172.0, 487.0, 662.0, 194.0, 230.0, 526.0, 122.0, 129.0,
///     74.0, 122.0, 86.0, 466.0, 192.0, 109.0, 55.0, 1.0, 107.0, 110.0, 332.0,
/// ];
/// let cause = [
///     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 1, 2, 2, 1, 2, 1, 2, 2, 1, 1, 1, 2, 2, 1, 1, 1,
///     2, 2, 1, 2,
/// ];
/// let mtx = [
///     0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
///     1, 1, 1, 1,
/// ];
/// let curves = cuminc(&CompetingData::new(&time, &cause, 2), &mtx, 2)?;
/// let (estimate, variance) = curves[0][0].at(&[365.0])[0].unwrap();
/// assert!((estimate - 0.0982142857142857).abs() <= 1e-12);
/// assert!((variance - 0.00461677144739639).abs() <= 1e-9 * 0.00461677144739639);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "cinc")]
pub fn cuminc(
    data: &CompetingData,
    group: &[u32],
    n_groups: usize,
) -> Result<Vec<Vec<CumincCurve>>> {
    data.validate()?;
    validate_codes(group, n_groups, data.time.len(), "group")?;
    if data.weight.is_some() {
        return Err(CoreError::InvalidArgument(
            "cmprsk's cumulative incidence takes no case weights".into(),
        ));
    }
    let mut by_group: Vec<Vec<(f64, u32)>> = vec![Vec::new(); n_groups];
    for i in 0..data.time.len() {
        by_group[group[i] as usize].push((data.time[i], data.cause[i]));
    }
    Ok(by_group
        .into_iter()
        .map(|mut rows| {
            rows.sort_by(|a, b| a.0.total_cmp(&b.0));
            (1..=data.n_causes as u32)
                .map(|cause| {
                    if rows.is_empty() {
                        CumincCurve::default()
                    } else {
                        curve(&rows, cause)
                    }
                })
                .collect()
        })
        .collect())
}

/// The tie factor 1 − (d − 1)/(n − 1) of Aalen's variance (1 for a single exit).
fn tie_factor(d: usize, n: f64) -> f64 {
    if d > 1 {
        1.0 - (d as f64 - 1.0) / (n - 1.0)
    } else {
        1.0
    }
}

/// One curve from the group's rows in time order (at least one row).
fn curve(rows: &[(f64, u32)], cause: u32) -> CumincCurve {
    let mut c = CumincCurve {
        time: vec![0.0],
        estimate: vec![0.0],
        variance: vec![0.0],
    };
    let (mut surv, mut f) = (1.0f64, 0.0f64);
    let (mut v1, mut v2, mut v3) = (0.0f64, 0.0f64, 0.0f64);
    let mut at_risk = rows.len() as f64;
    let mut start = 0;
    while start < rows.len() {
        let t = rows[start].0;
        let mut end = start;
        let (mut d1, mut d2) = (0usize, 0usize);
        while end < rows.len() && rows[end].0 == t {
            match rows[end].1 {
                0 => {}
                k if k == cause => d1 += 1,
                _ => d2 += 1,
            }
            end += 1;
        }
        let d = d1 + d2;
        if d > 0 {
            let surv_after = surv * (at_risk - d as f64) / at_risk;
            if d1 > 0 {
                f += surv * d1 as f64 / at_risk;
            }
            if d2 > 0 && surv_after > 0.0 {
                let q = surv * surv * tie_factor(d2, at_risk) * d2 as f64 / (at_risk * at_risk);
                let (a, b) = (f / surv_after, 1.0 / surv_after);
                v1 += a * a * q;
                v2 += b * a * q;
                v3 += b * b * q;
            }
            if d1 > 0 {
                let q = surv * surv * tie_factor(d1, at_risk) * d1 as f64 / (at_risk * at_risk);
                let b = if surv_after > 0.0 {
                    1.0 / surv_after
                } else {
                    0.0
                };
                let a = 1.0 + b * f;
                v1 += a * a * q;
                v2 += b * a * q;
                v3 += b * b * q;
                let var = v1 + f * f * v3 - 2.0 * f * v2;
                let (f_before, var_before) =
                    (*c.estimate.last().unwrap(), *c.variance.last().unwrap());
                c.time.extend([t, t]);
                c.estimate.extend([f_before, f]);
                c.variance.extend([var_before, var]);
            }
            surv = surv_after;
        }
        at_risk = (rows.len() - end) as f64;
        start = end;
    }
    c.time.push(rows[rows.len() - 1].0);
    c.estimate.push(f);
    c.variance.push(*c.variance.last().unwrap());
    c
}
