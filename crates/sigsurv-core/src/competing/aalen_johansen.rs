//! The Aalen-Johansen estimator of the cumulative incidence of competing causes, with the
//! infinitesimal-jackknife standard errors of survival's multi-state `survfit`, in one pass over the sorted
//! rows of each group.

use super::curve::{CifCurve, CifOptions};
use super::data::{rows_by_group, validate_codes, CompetingData};
use crate::error::Result;
use crate::km::order::{partition, Obs, Ordered};
use crate::pvalue::z_for_level;
use rayon::prelude::*;

/// Aalen-Johansen cumulative incidence of every cause, with infinitesimal-jackknife standard errors and
/// pointwise confidence limits: all rows as one group.
///
/// # Formula
/// At each distinct time t_m with weighted number at risk Y_m (exit time ≥ t_m), weighted exits by cause k
/// d_km and d_m = Σ_k d_km:
/// ```text
/// S(t_m)   = S(t_m−) (1 − d_m/Y_m)                       event-free probability (Kaplan-Meier)
/// F_k(t_m) = F_k(t_m−) + S(t_m−) d_km/Y_m                  cumulative incidence of cause k
/// ```
/// The standard error is the infinitesimal jackknife, sqrt(Σ_i w_i² U_ik(t)²), with U_i the influence of
/// row i on (S, F_1, ..., F_K), updated at every time with an exit (h = d_m/Y_m, h_k = d_km/Y_m):
/// ```text
/// U_i0 ← (1 − h) U_i0 + [i at risk] S(t_m−)/Y_m ([i stays] − (1 − h))
/// U_ik ← U_ik + h_k U_i0 + [i at risk] S(t_m−)/Y_m ([i exits by k] − h_k)
/// ```
/// (U_i0 on the right is the value before the update.) Every row still at risk has the same influence,
/// U_i0 = S G and U_ik = B_k with G = Σ d/(Y(Y − d)) and B_k = Σ S(t−) h_k (G(t−) − 1/Y), and after its exit
/// a row's influence moves along the curve, dU_ik = c_i dF_k and U_i0(t) = c_i S(t), so the sums of squares
/// (and of U_ik c_i, c_i²) over the rows that have exited are kept as running sums: one pass, linear in the
/// rows after the sort. A time counts as an exit
/// time only when its exits have a positive weight (R's `wevent > 0`).
///
/// # Reference
/// Aalen & Johansen (1978), Scand J Stat 5:141-150; Therneau, survival's `survfitci.c` (the influence
/// recursion) and the vignette "Multi-state models and competing risks".
///
/// # R equivalent
/// `survfit(Surv(time, factor(status)) ~ 1, weights = w, conf.type =)` with the censoring as the first level
/// of `status`: `pstate[, 1]` (`"(s0)"`) is `event_free`, `pstate[, k + 1]` is cause k, `std.err` and
/// `lower`/`upper` likewise; `n.risk[, 1]`, `n.event[, k + 1]`, `n.censor`. R's counts are unweighted, as
/// here. With one cause, `causes[0]` is 1 − the Kaplan-Meier curve. cmprsk's `cuminc` has the same estimate
/// with another variance ([`super::cuminc()`]).
///
/// # Errors
/// [`CoreError::LengthMismatch`](crate::CoreError::LengthMismatch), [`CoreError::Empty`](crate::CoreError::Empty),
/// [`CoreError::NegativeTime`](crate::CoreError::NegativeTime) / [`CoreError::NonFiniteTime`](crate::CoreError::NonFiniteTime),
/// [`CoreError::CodeOutOfRange`](crate::CoreError::CodeOutOfRange) for a cause above `n_causes`,
/// [`CoreError::InvalidWeight`](crate::CoreError::InvalidWeight), each with the first bad row;
/// [`CoreError::InvalidArgument`](crate::CoreError::InvalidArgument) for no causes or a confidence level outside (0, 1).
///
/// # Examples
/// KMsurv's `bmt`, the 38 patients with ALL: relapse (cause 1) or death in remission (cause 2) after a
/// bone-marrow transplant, days; `mtx` is methotrexate (z10). R 4.2 / survival 3.5-3 / cmprsk 2.2-11
/// (`fixtures/doctests/make_reference.R`): `summary(survfit(Surv(t2, factor(cause, 0:2)) ~ 1), times = 365)` gives
/// 0.549199084668192 event-free, a relapse incidence of 0.237986270022883 (standard error
/// 0.069299276061545) and 0.212814645308925 for death in remission.
/// ```
/// use sigsurv_core::{aalen_johansen, CifOptions, CompetingData};
/// let time = [
///     2081.0, 1602.0, 1496.0, 1462.0, 1433.0, 1377.0, 1330.0, 996.0, 226.0, 1199.0, 1111.0, 530.0, 1182.0,
///     1167.0, 418.0, 383.0, 276.0, 104.0, 609.0, 172.0, 487.0, 662.0, 194.0, 230.0, 526.0, 122.0, 129.0,
///     74.0, 122.0, 86.0, 466.0, 192.0, 109.0, 55.0, 1.0, 107.0, 110.0, 332.0,
/// ];
/// let cause = [
///     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 1, 2, 2, 1, 2, 1, 2, 2, 1, 1, 1, 2, 2, 1, 1, 1,
///     2, 2, 1, 2,
/// ];
/// let fit = aalen_johansen(&CompetingData::new(&time, &cause, 2), &CifOptions::default())?;
/// let at = fit.at(&[365.0]);
/// let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b;
/// assert!(close(at.event_free.estimate[0], 0.549199084668192));
/// assert!(close(at.causes[0].estimate[0], 0.237986270022883));
/// assert!((at.causes[0].std_err[0] - 0.069299276061545).abs() <= 1e-9 * 0.069299276061545);
/// assert!(close(at.causes[1].estimate[0], 0.212814645308925));
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "survfit")]
#[doc(alias = "survfitCI")]
pub fn aalen_johansen(data: &CompetingData, opts: &CifOptions) -> Result<CifCurve> {
    let group = vec![0u32; data.time.len()];
    Ok(aalen_johansen_by(data, &group, 1, opts)?.remove(0))
}

/// One set of Aalen-Johansen curves per group code `0..n_groups` (an empty group gives curves with no rows).
/// Near-tied times are merged over all rows before the split, as survfit does.
///
/// # Formula, Reference, Errors
/// As [`aalen_johansen`], plus [`CoreError::CodeOutOfRange`](crate::CoreError::CodeOutOfRange) for a group
/// code `>= n_groups`.
///
/// # R equivalent
/// `survfit(Surv(time, factor(status)) ~ group, weights = w)`; group k is `fit[k, ]`.
#[doc(alias = "survfit")]
pub fn aalen_johansen_by(
    data: &CompetingData,
    group: &[u32],
    n_groups: usize,
    opts: &CifOptions,
) -> Result<Vec<CifCurve>> {
    data.validate()?;
    validate_codes(group, n_groups, data.time.len(), "group")?;
    opts.check()?;
    let (entries, offsets) = entries_by_group(data, group, n_groups, opts.timefix);
    Ok((0..n_groups)
        .into_par_iter()
        .map(|g| curve_of_group(&entries[offsets[g]..offsets[g + 1]], data.n_causes, opts))
        .collect())
}

/// Rows of one group with one time and one cause, taken together: all the one-pass estimator needs of them.
#[derive(Clone, Copy, Debug)]
struct Entry {
    time: f64,
    cause: u32,
    rows: usize,
    /// Σ w and Σ w² over the rows.
    weight: f64,
    weight2: f64,
}

/// The entries of each group in time order, with `offsets[g]..offsets[g + 1]` those of group g. Unweighted
/// rows are counted by (time, group, cause) when times are heavily tied (the Kaplan-Meier tally, with its
/// merging of near-ties), else each row is an entry.
fn entries_by_group(
    data: &CompetingData,
    group: &[u32],
    n_groups: usize,
    timefix: bool,
) -> (Vec<Entry>, Vec<usize>) {
    let codes = data.n_causes + 1;
    let n_tags = n_groups.saturating_mul(codes);
    if data.weight.is_none() && n_tags <= u32::MAX as usize {
        let event: Vec<bool> = data.cause.iter().map(|&c| c != 0).collect();
        let tag = |r: usize| group[r] * codes as u32 + data.cause[r];
        return match Ordered::new(data.time, &event, None, n_tags, tag, timefix) {
            Ordered::Rows(rows) => counted_entries(&rows, codes, n_groups),
            Ordered::Counts(counts) => counted_entries(&counts, codes, n_groups),
        };
    }
    let (rows, offsets) = rows_by_group(data, group, n_groups, timefix);
    let entries = rows
        .iter()
        .map(|r| Entry {
            time: r.time,
            cause: r.cause,
            rows: 1,
            weight: r.weight,
            weight2: r.weight * r.weight,
        })
        .collect();
    (entries, offsets)
}

/// Unweighted entries from rows (or counts) in time order tagged `group * codes + cause`.
fn counted_entries<T: Obs>(
    sorted: &[T],
    codes: usize,
    n_groups: usize,
) -> (Vec<Entry>, Vec<usize>) {
    let (parts, offsets) = partition(sorted, |tag| tag as usize / codes, n_groups);
    let entries = parts
        .iter()
        .map(|o| {
            let rows = o.events() + o.censored();
            Entry {
                time: o.time(),
                cause: o.tag() % codes as u32,
                rows,
                weight: rows as f64,
                weight2: rows as f64,
            }
        })
        .collect();
    (entries, offsets)
}

/// What happens at one distinct time: weighted exits per cause and their sum, counts, and the weight leaving.
pub(crate) struct Exits {
    /// Weighted exits by cause k at index k − 1.
    pub by_cause: Vec<f64>,
    /// Σ_k d_k, summed in cause order (as survfit's transition matrix is).
    pub total: f64,
    pub count_by_cause: Vec<usize>,
    pub censored: usize,
}

impl Exits {
    /// From the (cause, rows, weight) of the rows or entries of one time.
    pub(crate) fn of(run: impl Iterator<Item = (u32, usize, f64)>, n_causes: usize) -> Exits {
        let mut e = Exits {
            by_cause: vec![0.0; n_causes],
            total: 0.0,
            count_by_cause: vec![0; n_causes],
            censored: 0,
        };
        for (cause, rows, weight) in run {
            if cause == 0 {
                e.censored += rows;
            } else {
                e.by_cause[cause as usize - 1] += weight;
                e.count_by_cause[cause as usize - 1] += rows;
            }
        }
        e.total = e.by_cause.iter().sum();
        e
    }
}

/// `(start, end)` of the runs of entries with one time.
fn time_runs(entries: &[Entry]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let mut end = start + 1;
        while end < entries.len() && entries[end].time == entries[start].time {
            end += 1;
        }
        runs.push((start, end));
        start = end;
    }
    runs
}

/// Relative rounding of the running sums of squares, below which a variance is 0 (a few hundred ε).
const ROUNDING: f64 = 1e-13;

/// The curves of one group from its rows in time order.
fn curve_of_group(entries: &[Entry], n_causes: usize, opts: &CifOptions) -> CifCurve {
    let z = z_for_level(opts.conf_level);
    let runs = time_runs(entries);
    let mut c = CifCurve::with_capacity(runs.len(), n_causes, opts);
    c.n = entries.iter().map(|e| e.rows).sum();
    let k = n_causes;
    let (mut surv, mut g) = (1.0f64, 0.0f64);
    let mut incidence = vec![0.0f64; k];
    // Influence of every row still at risk on F_k.
    let mut b = vec![0.0f64; k];
    // Over the rows that have exited, with weight w and U_ik = their influence on F_k now, c_i its slope:
    // Σ w²U², Σ w²U c (per cause) and Σ w²c². When F_k moves by δ, each U_ik moves by c_i δ.
    let (mut sum_uu, mut sum_uc, mut sum_cc) = (vec![0.0f64; k], vec![0.0f64; k], 0.0f64);
    // The size of the terms added into each Σ w²U²: a variance below its rounding (all influence cancelled,
    // as when every row of the group ends in the same state) is 0.
    let mut magnitude = vec![0.0f64; k];
    let mut w2_at_risk: f64 = entries.iter().map(|e| e.weight2).sum();
    let mut at_risk = c.n;
    let mut y: f64 = entries.iter().map(|e| e.weight).sum();
    for &(start, end) in &runs {
        let run = &entries[start..end];
        let exits = Exits::of(run.iter().map(|e| (e.cause, e.rows, e.weight)), k);
        let (surv_before, g_before) = (surv, g);
        if exits.total > 0.0 {
            let stay = 1.0 - exits.total / y;
            for j in 0..k {
                let h = exits.by_cause[j] / y;
                let step = surv_before * h;
                if surv_before > 0.0 {
                    b[j] += step * (g_before - 1.0 / y);
                }
                incidence[j] += step;
                let moved = step * (2.0 * sum_uc[j] + step * sum_cc);
                sum_uu[j] += moved;
                magnitude[j] += moved.abs();
                sum_uc[j] += step * sum_cc;
            }
            surv = surv_before * stay;
            g = g_before + exits.total / (y * (y - exits.total));
        }
        for r in run.iter().filter(|r| r.weight2 > 0.0) {
            let w2 = r.weight2;
            // U_i0(T_i) / S(T_i): where S(T_i) = 0 nothing moves afterwards, so the slope does not matter.
            let slope = if surv == 0.0 {
                0.0
            } else if r.cause == 0 {
                g
            } else {
                g_before - 1.0 / y
            };
            for j in 0..k {
                let mut u = b[j];
                if r.cause as usize == j + 1 {
                    u += surv_before / y;
                }
                sum_uu[j] += w2 * u * u;
                magnitude[j] += w2 * u * u;
                sum_uc[j] += w2 * u * slope;
            }
            sum_cc += w2 * slope * slope;
            w2_at_risk -= w2;
        }
        if w2_at_risk < 0.0 || end == entries.len() {
            w2_at_risk = 0.0; // rounding of the running sum
        }
        let var_surv = if surv == 0.0 {
            0.0
        } else {
            let at_risk_part = if w2_at_risk > 0.0 {
                g * g * w2_at_risk
            } else {
                0.0
            };
            surv * surv * (at_risk_part + sum_cc)
        };
        c.time.push(run[0].time);
        c.n_risk.push(at_risk);
        c.n_censor.push(exits.censored);
        c.event_free
            .push(surv, var_surv.max(0.0).sqrt(), z, opts.conf_type);
        for j in 0..k {
            let f = incidence[j];
            let mut var = b[j] * b[j] * w2_at_risk + sum_uu[j];
            if var <= ROUNDING * magnitude[j] {
                var = 0.0;
            }
            let cause = &mut c.causes[j];
            cause.n_event.push(exits.count_by_cause[j]);
            cause.n_events += exits.count_by_cause[j];
            cause
                .incidence
                .push(f, var.max(0.0).sqrt(), z, opts.conf_type);
        }
        for r in run {
            at_risk -= r.rows;
            y -= r.weight; // row by row (or whole counts), as survfit takes them out of the risk set
        }
    }
    c
}
