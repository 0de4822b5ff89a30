//! Kaplan-Meier with case weights, delayed entry (left truncation) and the robust (infinitesimal jackknife)
//! variance: R's `survfit(Surv(entry, exit, event) ~ group, weights, cluster)`.
//!
//! This is the reference implementation of the general curve; [`super::kaplan_meier_by`] is the fast path for
//! unweighted right-censored data with the Greenwood variance, and gives the same curves (tested on every
//! golden case).

use super::curve::{KmCurve, WeightedCounts};
use super::influence::Influence;
use super::limits::{row_limits, RowSe};
use super::options::{check_level, KmOptions};
use super::order::{validate, validate_codes};
use crate::error::{CoreError, Result};
use crate::pvalue::z_for_level;
use crate::timefix::timefix_in_place;
use rayon::prelude::*;
use std::collections::HashMap;

/// The data of a general Kaplan-Meier fit. Only `time` and `event` are required.
#[derive(Clone, Copy, Debug)]
pub struct KmData<'a> {
    /// Exit times (finite, ≥ 0).
    pub time: &'a [f64],
    pub event: &'a [bool],
    /// Entry times for delayed entry (left truncation): row i is at risk at t when `entry[i] < t ≤ time[i]`.
    pub entry: Option<&'a [f64]>,
    /// Case weights (finite, ≥ 0).
    pub weight: Option<&'a [f64]>,
    /// Cluster codes for the robust variance (rows of one cluster are one independent unit).
    pub cluster: Option<&'a [u32]>,
    /// Robust (infinitesimal jackknife) variance instead of Greenwood's; each row is its own cluster when
    /// `cluster` is `None`. See [`robust_by_default`] for R's default.
    pub robust: bool,
}

impl<'a> KmData<'a> {
    /// Right-censored, unweighted data with the Greenwood variance.
    pub fn new(time: &'a [f64], event: &'a [bool]) -> KmData<'a> {
        KmData {
            time,
            event,
            entry: None,
            weight: None,
            cluster: None,
            robust: false,
        }
    }
}

/// R's default for `survfit(robust = )`: robust when a cluster is given or some weight is not a whole number.
/// (R also turns it on for an `id` with more than one event per subject; here an id is passed as `cluster`.)
pub fn robust_by_default(weight: Option<&[f64]>, has_cluster: bool) -> bool {
    has_cluster || weight.is_some_and(|w| w.iter().any(|x| *x != x.floor()))
}

/// One Kaplan-Meier curve per group code `0..n_groups`, with case weights, delayed entry and the robust
/// variance as `data` says.
///
/// # Formula
/// At each distinct exit time t_i of the group, with w the case weights,
/// ```text
/// n_i = Σ w_j [entry_j < t_i ≤ exit_j]        (weighted number at risk)
/// d_i = Σ w_j [exit_j = t_i, event_j]          (weighted events)
/// S(t)        = ∏_{t_i ≤ t} (1 − d_i/n_i)
/// Greenwood:  var(−log S) = Σ_{t_i ≤ t} d_i / (n_i (n_i − d_i))
/// H(t)        = Σ d_i/n_i,   var H = Σ d_i/n_i²
/// ```
/// An entry at the same time as an exit is not in that exit's risk set. A time contributes only when it has
/// an event row with a positive weight.
///
/// Robust variance: the influence U_k of cluster k on S and V_k on H are updated at each event time, with
/// h = d_i/n_i, Y_k the weight of cluster k at risk and D_k its weighted events at t_i:
/// ```text
/// U_k ← U_k (1 − h) + S(t_i−) (h Y_k − D_k) / n_i,    V_k ← V_k − (h Y_k − D_k) / n_i
/// var S = Σ_k U_k²,  var H = Σ_k V_k²
/// ```
/// Updated cluster by cluster this costs (event times) × (clusters); the clusters whose influence is a common
/// multiple of their weight (at risk since the start, no event yet) or only shrinks (no longer at risk) are
/// kept as sums instead (see `influence.rs`), which makes one cluster per row cost about the rows.
///
/// # Reference
/// Kaplan & Meier (1958); Greenwood (1926); Tsai, Jewell & Wang (1987), Biometrika 74:883-886 (left
/// truncation); Therneau, survival's methods vignette, "survfitkm: robust variance".
///
/// # R equivalent
/// `survfit(Surv(entry, time, event) ~ group, weights = w, cluster = cluster, robust = robust)`, each curve
/// as `fit[k]`; `std_err` is `summary(fit)$std.err`. Counting-process data are treated row by row (R's
/// default without `id`): every exit time is a time of the curve and every non-event row a censoring.
///
/// # Errors
/// As [`super::kaplan_meier_by`], plus [`CoreError::StartNotBeforeStop`] for an entry not before its exit
/// (also after near-ties are merged), [`CoreError::NonFinite`] for a non-finite entry,
/// [`CoreError::InvalidWeight`] for a negative or non-finite weight, and [`CoreError::LengthMismatch`].
#[doc(alias = "survfit")]
pub fn kaplan_meier_general(
    data: &KmData,
    group: &[u32],
    n_groups: usize,
    opts: &KmOptions,
) -> Result<Vec<KmCurve>> {
    general(data, group, n_groups, opts, false)
}

/// [`kaplan_meier_general`] with the robust variance updated cluster by cluster at every event time (the
/// reference that the faster bookkeeping of `influence.rs` is tested against).
#[doc(hidden)]
pub fn kaplan_meier_general_direct_variance(
    data: &KmData,
    group: &[u32],
    n_groups: usize,
    opts: &KmOptions,
) -> Result<Vec<KmCurve>> {
    general(data, group, n_groups, opts, true)
}

fn general(
    data: &KmData,
    group: &[u32],
    n_groups: usize,
    opts: &KmOptions,
    direct_variance: bool,
) -> Result<Vec<KmCurve>> {
    validate(data.time, data.event)?;
    let n = data.time.len();
    validate_codes(group, n_groups, n, "group")?;
    check_level(opts)?;
    let check_len = |what: &'static str, got: usize| {
        if got == n {
            Ok(())
        } else {
            Err(CoreError::LengthMismatch {
                what,
                got,
                expected: n,
            })
        }
    };
    if let Some(w) = data.weight {
        check_len("weight", w.len())?;
        if let Some(row) = w.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
            return Err(CoreError::InvalidWeight { row, value: w[row] });
        }
    }
    if let Some(c) = data.cluster {
        check_len("cluster", c.len())?;
    }
    let mut time = data.time.to_vec();
    let mut entry = data.entry.map(<[f64]>::to_vec);
    if let Some(e) = &entry {
        check_len("entry", e.len())?;
        if let Some(row) = e.iter().position(|x| !x.is_finite()) {
            return Err(CoreError::NonFinite {
                what: "entry".into(),
                row,
                value: e[row],
            });
        }
        first_empty_interval(e, &time)?;
    }
    if opts.timefix {
        match &mut entry {
            Some(e) => timefix_in_place(&mut time, &mut [e.as_mut_slice()]),
            None => timefix_in_place(&mut time, &mut []),
        }
        if let Some(e) = &entry {
            // R's aeqSurv stops when merging leaves an interval of length 0.
            first_empty_interval(e, &time)?;
        }
    }
    let start_time = entry
        .as_ref()
        .map_or(0.0, |e| e.iter().fold(0.0f64, |a, &b| a.min(b)));
    let fixed = Fixed {
        time: &time,
        entry: entry.as_deref(),
        event: data.event,
        weight: data.weight,
        cluster: data.cluster,
        robust: data.robust,
        direct_variance,
        start_time,
    };
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); n_groups];
    for (r, &g) in group.iter().enumerate() {
        rows[g as usize].push(r);
    }
    Ok(rows.par_iter().map(|rs| fixed.curve(rs, opts)).collect())
}

/// The first row whose entry is not before its exit, as an error.
fn first_empty_interval(entry: &[f64], time: &[f64]) -> Result<()> {
    match entry.iter().zip(time).position(|(e, t)| e >= t) {
        Some(row) => Err(CoreError::StartNotBeforeStop {
            row,
            start: entry[row],
            stop: time[row],
        }),
        None => Ok(()),
    }
}

/// The validated data, times merged by timefix.
struct Fixed<'a> {
    time: &'a [f64],
    entry: Option<&'a [f64]>,
    event: &'a [bool],
    weight: Option<&'a [f64]>,
    cluster: Option<&'a [u32]>,
    robust: bool,
    direct_variance: bool,
    start_time: f64,
}

/// The counts at one distinct exit time.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    time: f64,
    n_risk: usize,
    n_event: usize,
    n_censor: usize,
    w_risk: f64,
    w_event: f64,
    w_censor: f64,
}

impl Fixed<'_> {
    fn w(&self, r: usize) -> f64 {
        self.weight.map_or(1.0, |w| w[r])
    }

    /// The curve of the rows `rows` (one group).
    fn curve(&self, rows: &[usize], opts: &KmOptions) -> KmCurve {
        let mut c = KmCurve::with_capacity(0, opts);
        c.start_time = self.start_time;
        c.robust = self.robust;
        if rows.is_empty() {
            return c;
        }
        let mut by_exit = rows.to_vec();
        by_exit.sort_by(|&a, &b| self.time[a].total_cmp(&self.time[b]));
        let by_entry: Vec<usize> = match self.entry {
            Some(e) => {
                let mut v = rows.to_vec();
                v.sort_by(|&a, &b| e[a].total_cmp(&e[b]));
                v
            }
            None => Vec::new(),
        };
        let table = self.counts(&by_exit, &by_entry);
        let robust = self.robust.then(|| {
            if self.direct_variance {
                self.influence(&by_exit, &by_entry, &table)
            } else {
                self.influence_tracked(&by_exit, &by_entry, &table)
            }
        });

        let z = z_for_level(opts.conf_level);
        c.n = rows.len();
        c.n_events = rows.iter().filter(|&&r| self.event[r]).count();
        let mut weighted = WeightedCounts::default();
        let (mut km, mut greenwood, mut na, mut na_var) = (1.0f64, 0.0f64, 0.0f64, 0.0f64);
        let mut n_lag = table[0].w_risk;
        for (i, k) in table.iter().enumerate() {
            let (nr, d) = (k.w_risk, k.w_event);
            if k.n_event > 0 && d > 0.0 {
                km *= (nr - d) / nr;
                greenwood += d / (nr * (nr - d));
                na += d / nr;
                na_var += d / (nr * nr);
                n_lag = nr;
            }
            let (se, chaz_se) = match &robust {
                Some((se_s, se_h)) => (se_s[i], se_h[i]),
                None => (greenwood.sqrt(), na_var.sqrt()),
            };
            let row = RowSe {
                surv: km,
                se,
                on_surv_scale: robust.is_some(),
                n_risk: nr,
                n_lag,
            };
            let (lo, hi) = row_limits(row, z, opts.conf_type, opts.conf_lower);
            c.time.push(k.time);
            c.n_risk.push(k.n_risk);
            c.n_event.push(k.n_event);
            c.n_censor.push(k.n_censor);
            weighted.n_risk.push(nr);
            weighted.n_event.push(d);
            weighted.n_censor.push(k.w_censor);
            weighted.n_events += d;
            c.surv.push(km);
            c.log_se.push(row.log_se());
            c.std_err.push(if robust.is_some() { se } else { se * km });
            c.lower.push(lo);
            c.upper.push(hi);
            c.cumhaz.push(na);
            c.cumhaz_se.push(chaz_se);
        }
        if self.weight.is_some() {
            c.weighted = Some(weighted);
        }
        c
    }

    /// Counts at each distinct exit time, swept from the last time backwards as survfit does: at risk are the
    /// rows exiting at or after t, less those entering at or after t.
    fn counts(&self, by_exit: &[usize], by_entry: &[usize]) -> Vec<Counts> {
        let mut table: Vec<Counts> = Vec::new();
        for &r in by_exit {
            if table.last().is_none_or(|k| k.time != self.time[r]) {
                table.push(Counts {
                    time: self.time[r],
                    ..Counts::default()
                });
            }
        }
        let (mut n1, mut w1) = (0usize, 0.0f64);
        let mut exits = by_exit.iter().rev().peekable();
        let mut entries = by_entry.iter().rev().peekable();
        for k in table.iter_mut().rev() {
            while let Some(&&r) = exits.peek() {
                if self.time[r] < k.time {
                    break;
                }
                exits.next();
                let w = self.w(r);
                n1 += 1;
                w1 += w;
                if self.event[r] {
                    k.n_event += 1;
                    k.w_event += w;
                } else {
                    k.n_censor += 1;
                    k.w_censor += w;
                }
            }
            if let Some(e) = self.entry {
                while let Some(&&r) = entries.peek() {
                    if e[r] < k.time {
                        break;
                    }
                    entries.next();
                    n1 -= 1;
                    w1 -= self.w(r);
                }
            }
            k.n_risk = n1;
            k.w_risk = w1;
        }
        table
    }

    /// Clusters numbered 0.. in order of first appearance within the group, for each row of the data.
    fn cluster_codes(&self, by_exit: &[usize]) -> (Vec<usize>, usize) {
        let mut code: HashMap<u32, usize> = HashMap::new();
        let mut cluster_of = vec![0usize; self.time.len()];
        for &r in by_exit {
            let key = self.cluster.map_or(r as u32, |c| c[r]);
            let next = code.len();
            cluster_of[r] = *code.entry(key).or_insert(next);
        }
        let k = code.len();
        (cluster_of, k)
    }

    /// [`Fixed::influence`]'s standard errors, with the clusters kept as `influence.rs` describes.
    fn influence_tracked(
        &self,
        by_exit: &[usize],
        by_entry: &[usize],
        table: &[Counts],
    ) -> (Vec<f64>, Vec<f64>) {
        let (cluster_of, k) = self.cluster_codes(by_exit);
        let mut pending = vec![0usize; k];
        if self.entry.is_some() {
            for &r in by_exit {
                pending[cluster_of[r]] += 1;
            }
        }
        let mut inf = Influence::new(pending);
        if self.entry.is_none() {
            for &r in by_exit {
                inf.enter_at_start(cluster_of[r], self.w(r));
            }
        }
        let (mut se_s, mut se_h) = (
            Vec::with_capacity(table.len()),
            Vec::with_capacity(table.len()),
        );
        let (mut var_s, mut var_h) = (0.0f64, 0.0f64);
        let (mut next_exit, mut next_entry) = (0usize, 0usize);
        let mut km = 1.0f64;
        for t in table {
            while next_exit < by_exit.len() && self.time[by_exit[next_exit]] < t.time {
                let r = by_exit[next_exit];
                inf.leave(cluster_of[r], self.w(r));
                next_exit += 1;
            }
            if let Some(e) = self.entry {
                while next_entry < by_entry.len() && e[by_entry[next_entry]] < t.time {
                    let r = by_entry[next_entry];
                    inf.enter(cluster_of[r], self.w(r));
                    next_entry += 1;
                }
            }
            if t.n_event > 0 && t.w_event > 0.0 {
                let (nr, h) = (t.w_risk, t.w_event / t.w_risk);
                let events = by_exit[next_exit..]
                    .iter()
                    .take_while(|&&r| self.time[r] == t.time)
                    .filter(|&&r| self.event[r])
                    .map(|&r| (cluster_of[r], self.w(r)));
                (var_s, var_h) = inf.event_time(h, nr, km, events);
                km *= 1.0 - h;
            }
            se_s.push(var_s.sqrt());
            se_h.push(var_h.sqrt());
        }
        (se_s, se_h)
    }

    /// The robust standard errors of S and H at each time of `table` (R's infinitesimal jackknife).
    fn influence(
        &self,
        by_exit: &[usize],
        by_entry: &[usize],
        table: &[Counts],
    ) -> (Vec<f64>, Vec<f64>) {
        let (cluster_of, k) = self.cluster_codes(by_exit);
        // Weight and rows of each cluster in the risk set; the weight is reset to exactly 0 when its last row
        // leaves, so that sums of many weights leave no rounding residue.
        let mut at_risk_w = vec![0.0f64; k];
        let mut at_risk_n = vec![0usize; k];
        let add = |r: usize, w: &mut Vec<f64>, n: &mut Vec<usize>| {
            w[cluster_of[r]] += self.w(r);
            n[cluster_of[r]] += 1;
        };
        if self.entry.is_none() {
            for &r in by_exit {
                add(r, &mut at_risk_w, &mut at_risk_n);
            }
        }
        let (mut u, mut v) = (vec![0.0f64; k], vec![0.0f64; k]);
        let (mut se_s, mut se_h) = (
            Vec::with_capacity(table.len()),
            Vec::with_capacity(table.len()),
        );
        let (mut var_s, mut var_h) = (0.0f64, 0.0f64);
        let (mut next_exit, mut next_entry) = (0usize, 0usize);
        let mut km = 1.0f64; // S(t−)
        for t in table {
            // Rows that exited before t leave, then rows that entered before t join.
            while next_exit < by_exit.len() && self.time[by_exit[next_exit]] < t.time {
                let r = by_exit[next_exit];
                let c = cluster_of[r];
                at_risk_n[c] -= 1;
                at_risk_w[c] = if at_risk_n[c] == 0 {
                    0.0
                } else {
                    at_risk_w[c] - self.w(r)
                };
                next_exit += 1;
            }
            if let Some(e) = self.entry {
                while next_entry < by_entry.len() && e[by_entry[next_entry]] < t.time {
                    add(by_entry[next_entry], &mut at_risk_w, &mut at_risk_n);
                    next_entry += 1;
                }
            }
            if t.n_event > 0 && t.w_event > 0.0 {
                let (nr, h) = (t.w_risk, t.w_event / t.w_risk);
                for c in 0..k {
                    u[c] = u[c] * (1.0 - h) + at_risk_w[c] * km * h / nr;
                    v[c] -= at_risk_w[c] * h / nr;
                }
                for &r in by_exit[next_exit..]
                    .iter()
                    .take_while(|&&r| self.time[r] == t.time)
                {
                    if self.event[r] {
                        let c = cluster_of[r];
                        u[c] -= km * self.w(r) / nr;
                        v[c] += self.w(r) / nr;
                    }
                }
                km *= 1.0 - h;
                var_s = u.iter().map(|x| x * x).sum();
                var_h = v.iter().map(|x| x * x).sum();
            }
            se_s.push(var_s.sqrt());
            se_h.push(var_h.sqrt());
        }
        (se_s, se_h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand calculation: entries 0, 0, 2, 0 and exits 3, 5, 4, 1 (events at 3 and 4, censored at 1 and 5).
    /// At 1 the row (2, 4] has not entered yet: 3 at risk, one censoring. At 3: 3 at risk, one event,
    /// S = 2/3. At 4: (0, 5] and (2, 4] at risk, one event: S = 1/3.
    #[test]
    fn delayed_entry_by_hand() {
        let entry = [0.0, 0.0, 2.0, 0.0];
        let time = [3.0, 5.0, 4.0, 1.0];
        let event = [true, false, true, false];
        let data = KmData {
            entry: Some(&entry),
            ..KmData::new(&time, &event)
        };
        let c = &kaplan_meier_general(&data, &[0; 4], 1, &KmOptions::default()).unwrap()[0];
        assert_eq!(c.time, [1.0, 3.0, 4.0, 5.0]);
        assert_eq!(c.n_risk, [3, 3, 2, 1]);
        let want = [1.0, 2.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0];
        for (a, b) in c.surv.iter().zip(want) {
            assert!((a - b).abs() < 1e-15);
        }
        // Greenwood at 4: 1/(3·2) + 1/(2·1).
        assert!((c.log_se[2] - (1.0f64 / 6.0 + 0.5).sqrt()).abs() < 1e-15);
    }

    /// An entry at exactly an event time is not at risk for it (R: at risk when entry < t ≤ exit).
    #[test]
    fn entry_at_event_time_is_not_at_risk() {
        let entry = [0.0, 2.0, 0.0];
        let time = [2.0, 6.0, 7.0];
        let event = [true, true, false];
        let data = KmData {
            entry: Some(&entry),
            ..KmData::new(&time, &event)
        };
        let c = &kaplan_meier_general(&data, &[0; 3], 1, &KmOptions::default()).unwrap()[0];
        assert_eq!(c.n_risk, [2, 2, 1]);
        assert!((c.surv[0] - 0.5).abs() < 1e-15);
    }

    #[test]
    fn errors_name_the_row() {
        let time = [3.0, 5.0];
        let event = [true, false];
        let o = KmOptions::default();
        let bad_entry = [0.0, 5.0];
        let d = KmData {
            entry: Some(&bad_entry),
            ..KmData::new(&time, &event)
        };
        assert!(matches!(
            kaplan_meier_general(&d, &[0, 0], 1, &o),
            Err(CoreError::StartNotBeforeStop { row: 1, .. })
        ));
        let w = [1.0, -0.5];
        let d = KmData {
            weight: Some(&w),
            ..KmData::new(&time, &event)
        };
        assert!(matches!(
            kaplan_meier_general(&d, &[0, 0], 1, &o),
            Err(CoreError::InvalidWeight { row: 1, .. })
        ));
        assert!(robust_by_default(Some(&[1.0, 2.5]), false));
        assert!(!robust_by_default(Some(&[1.0, 2.0]), false));
        assert!(robust_by_default(None, true));
    }
}
