//! Restricted mean survival time (RMST) and restricted mean time lost (RMTL) per group, and their contrasts
//! between two groups, as `survRM2::rmst2`.

use crate::error::{CoreError, Result};
use crate::km::{kaplan_meier, KmOptions};
use crate::pvalue::{normal_two_sided, z_for_level};

/// RMST and RMTL of one group up to tau, with standard error and Wald limits.
#[derive(Clone, Debug, PartialEq)]
pub struct RmstGroup {
    /// Rows in the group.
    pub n: usize,
    /// Area under the group's Kaplan-Meier curve from 0 to tau.
    pub rmst: f64,
    /// Standard error of RMST (and of RMTL).
    pub se: f64,
    pub lower: f64,
    pub upper: f64,
    /// tau - RMST.
    pub rmtl: f64,
    pub rmtl_lower: f64,
    pub rmtl_upper: f64,
}

/// One contrast between two groups: estimate, confidence limits and two-sided p-value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmstContrast {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
    pub p_value: f64,
}

/// The contrasts of group 1 against group 0, as `rmst2(...)$unadjusted.result`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmstContrasts {
    /// RMST(1) - RMST(0).
    pub difference: RmstContrast,
    /// RMST(1) / RMST(0) (CI and p on the log scale).
    pub ratio: RmstContrast,
    /// RMTL(1) / RMTL(0) (CI and p on the log scale).
    pub rmtl_ratio: RmstContrast,
}

/// RMST per group at one tau.
#[derive(Clone, Debug, PartialEq)]
pub struct RmstGroups {
    pub tau: f64,
    /// The largest tau the groups allow ([`rmst_default_tau`]); `tau` when none was given.
    pub default_tau: f64,
    pub conf_level: f64,
    /// By group code.
    pub groups: Vec<RmstGroup>,
}

impl RmstGroups {
    /// The contrasts of group `one` against group `zero` (difference `one - zero`, ratios `one / zero`).
    ///
    /// # Formula
    /// difference: d = mu1 - mu0, se = sqrt(V1 + V0); ratio: log r = log mu1 - log mu0, se = sqrt(V1 / mu1^2 +
    /// V0 / mu0^2); RMTL ratio the same with the RMTLs (whose variances are the RMSTs'). Limits
    /// estimate -/+ z se (back-transformed for the ratios), p = 2 P(Z > |estimate / se|) on the same scale.
    /// A ratio with a zero RMTL (no event before tau in a group) is NaN or infinite, as R's.
    ///
    /// # Errors
    /// [`CoreError::InvalidArgument`] for a group index out of range.
    pub fn contrast(&self, one: usize, zero: usize) -> Result<RmstContrasts> {
        let (Some(g1), Some(g0)) = (self.groups.get(one), self.groups.get(zero)) else {
            return Err(CoreError::InvalidArgument(format!(
                "RMST contrast of groups {one} and {zero}: there are {} groups",
                self.groups.len()
            )));
        };
        let z = z_for_level(self.conf_level);
        let (v1, v0) = (g1.se * g1.se, g0.se * g0.se);
        let wald = |estimate: f64, se: f64, back: fn(f64) -> f64| RmstContrast {
            estimate: back(estimate),
            lower: back(estimate - z * se),
            upper: back(estimate + z * se),
            p_value: normal_two_sided(estimate / se),
        };
        let same = |x: f64| x;
        Ok(RmstContrasts {
            difference: wald(g1.rmst - g0.rmst, (v1 + v0).sqrt(), same),
            ratio: wald(
                g1.rmst.ln() - g0.rmst.ln(),
                (v1 / (g1.rmst * g1.rmst) + v0 / (g0.rmst * g0.rmst)).sqrt(),
                f64::exp,
            ),
            rmtl_ratio: wald(
                g1.rmtl.ln() - g0.rmtl.ln(),
                (v1 / (g1.rmtl * g1.rmtl) + v0 / (g0.rmtl * g0.rmtl)).sqrt(),
                f64::exp,
            ),
        })
    }
}

/// The largest truncation time the groups allow, survRM2's default tau.
///
/// A group whose largest time is an event (every row at that time an event) has S = 0 after it and does not
/// limit tau; any other group limits tau to its largest time. tau is the smallest limit, and at most the
/// largest time over all groups. For two groups this is `rmst2`'s rule: the larger of the two largest times
/// when the group with the shorter follow-up ends in an event, else the smaller.
///
/// # Errors
/// As [`rmst_by_group`].
pub fn rmst_default_tau(
    time: &[f64],
    event: &[bool],
    group: &[u32],
    n_groups: usize,
) -> Result<f64> {
    check_groups(time, event, group, n_groups)?;
    let mut last = vec![(f64::NEG_INFINITY, true); n_groups]; // (largest time, all events there)
    for ((&t, &e), &g) in time.iter().zip(event).zip(group) {
        let slot = &mut last[g as usize];
        if t > slot.0 {
            *slot = (t, e);
        } else if t == slot.0 {
            slot.1 &= e;
        }
    }
    let overall = last.iter().map(|l| l.0).fold(f64::NEG_INFINITY, f64::max);
    let limit = last
        .iter()
        .filter(|l| !l.1)
        .map(|l| l.0)
        .fold(f64::INFINITY, f64::min);
    Ok(limit.min(overall))
}

/// RMST, RMTL, their standard error and confidence limits for each group `0..n_groups` at `tau` (default:
/// [`rmst_default_tau`]).
///
/// # Formula
/// RMST(tau) = integral from 0 to tau of the group's Kaplan-Meier curve S;
/// Var = sum over event times t_i <= tau of A_i^2 d_i / (n_i (n_i - d_i)), A_i = integral from t_i to tau of
/// S (0 when n_i = d_i; no n / (n - 1) factor); RMTL = tau - RMST with the same variance. Limits
/// estimate -/+ z se, z = qnorm(1 - (1 - conf_level) / 2); the RMTL limits are tau minus the RMST limits.
///
/// # Reference
/// Royston & Parmar (2013), BMC Med Res Methodol 13:152; Uno et al. (2014), J Clin Oncol 32:2380-2385;
/// survRM2 1.0-4, `R/rmst1.R` and `R/rmst2.R`.
///
/// # R equivalent
/// `survRM2::rmst2(time, status, arm, tau, alpha = 1 - conf_level)`: `RMST.arm1$result` and `RMST.arm0$result`
/// are groups 1 and 0; [`RmstGroups::contrast`]`(1, 0)` is `unadjusted.result`. Each group's curve merges
/// near-tied times on its own rows (`survfit` per arm, as rmst2).
///
/// # Errors
/// [`CoreError::Empty`], [`CoreError::LengthMismatch`], [`CoreError::CodeOutOfRange`], [`CoreError::EmptyGroup`],
/// the time errors of [`kaplan_meier`], [`CoreError::InvalidArgument`] for a confidence level outside (0, 1),
/// a tau that is not a positive number, or one past [`rmst_default_tau`] (as rmst2, which stops there).
///
/// # Examples
/// R's `aml` data (survival 3.5-3), maintained (group 1) against not maintained (group 0):
/// `survRM2::rmst2(time, status, arm)` takes tau = 161 (the shorter arm ends in an event), RMST 52.6454545454545
/// (se 19.8286027955626) for the maintained arm, a difference of 29.9371212121212 weeks, p = 0.139592108530797
/// (R 4.2, rmst2's formulas in `fixtures/common/rmst2_reference.R`; `fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::rmst_by_group;
/// let time = [
///     9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0, // maintained
///     5.0, 5.0, 8.0, 8.0, 12.0, 16.0, 23.0, 27.0, 30.0, 33.0, 43.0, 45.0, // not maintained
/// ];
/// let status = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1].map(|s| s == 1);
/// let arm: Vec<u32> = (0..23).map(|i| if i < 11 { 1 } else { 0 }).collect();
/// let fit = rmst_by_group(&time, &status, &arm, 2, None, 0.95)?;
/// assert_eq!(fit.tau, 161.0);
/// assert!((fit.groups[1].rmst - 52.6454545454545).abs() < 1e-11);
/// assert!((fit.groups[1].se - 19.8286027955626).abs() < 1e-9);
/// let c = fit.contrast(1, 0)?;
/// assert!((c.difference.estimate - 29.9371212121212).abs() < 1e-9);
/// assert!((c.difference.p_value - 0.139592108530797).abs() < 1e-9);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "rmst2")]
#[doc(alias = "rmst1")]
pub fn rmst_by_group(
    time: &[f64],
    event: &[bool],
    group: &[u32],
    n_groups: usize,
    tau: Option<f64>,
    conf_level: f64,
) -> Result<RmstGroups> {
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "confidence level {conf_level} is not between 0 and 1"
        )));
    }
    let default_tau = rmst_default_tau(time, event, group, n_groups)?;
    let tau = match tau {
        None => default_tau,
        Some(t) if !(t.is_finite() && t > 0.0) => {
            return Err(CoreError::InvalidArgument(format!(
                "tau {t} is not a positive number"
            )))
        }
        Some(t) if t > default_tau => {
            return Err(CoreError::InvalidArgument(format!(
                "tau {t} is past {default_tau}, the largest the groups allow (a group whose follow-up ends \
                 in a censoring is not estimated beyond its last time)"
            )))
        }
        Some(t) => t,
    };
    let z = z_for_level(conf_level);
    let mut groups = Vec::with_capacity(n_groups);
    for g in 0..n_groups {
        let rows: Vec<usize> = (0..time.len())
            .filter(|&i| group[i] as usize == g)
            .collect();
        let t: Vec<f64> = rows.iter().map(|&i| time[i]).collect();
        let e: Vec<bool> = rows.iter().map(|&i| event[i]).collect();
        let km = kaplan_meier(&t, &e, &KmOptions::default()).map_err(|err| at_row(err, &rows))?;
        let r = km.rmst(tau);
        groups.push(RmstGroup {
            n: rows.len(),
            rmst: r.rmst,
            se: r.se,
            lower: r.rmst - z * r.se,
            upper: r.rmst + z * r.se,
            rmtl: tau - r.rmst,
            rmtl_lower: tau - (r.rmst + z * r.se),
            rmtl_upper: tau - (r.rmst - z * r.se),
        });
    }
    Ok(RmstGroups {
        tau,
        default_tau,
        conf_level,
        groups,
    })
}

/// Lengths, codes, non-empty groups, and times that a Kaplan-Meier curve takes.
fn check_groups(time: &[f64], event: &[bool], group: &[u32], n_groups: usize) -> Result<()> {
    let n = time.len();
    if n == 0 {
        return Err(CoreError::Empty);
    }
    for (what, got) in [("event", event.len()), ("group", group.len())] {
        if got != n {
            return Err(CoreError::LengthMismatch {
                what,
                got,
                expected: n,
            });
        }
    }
    for (row, &t) in time.iter().enumerate() {
        if !t.is_finite() {
            return Err(CoreError::NonFiniteTime { row, value: t });
        }
        if t < 0.0 {
            return Err(CoreError::NegativeTime { row, value: t });
        }
    }
    let mut size = vec![0usize; n_groups];
    for (row, &code) in group.iter().enumerate() {
        match size.get_mut(code as usize) {
            Some(s) => *s += 1,
            None => {
                return Err(CoreError::CodeOutOfRange {
                    what: "group",
                    row,
                    code,
                    n_codes: n_groups,
                })
            }
        }
    }
    if let Some(g) = size.iter().position(|&s| s == 0) {
        return Err(CoreError::EmptyGroup { group: g as u32 });
    }
    Ok(())
}

/// A row error of one group's curve, moved back to the row in the whole data.
fn at_row(err: CoreError, rows: &[usize]) -> CoreError {
    match err {
        CoreError::NegativeTime { row, value } => CoreError::NegativeTime {
            row: rows[row],
            value,
        },
        CoreError::NonFiniteTime { row, value } => CoreError::NonFiniteTime {
            row: rows[row],
            value,
        },
        other => other,
    }
}
