//! The time-dependent AUC in linear passes per prediction time: the rows sorted once by marker and once by
//! time, the pair shares counted in one sweep over the marker order, and the influence through the censoring
//! distribution accumulated in one sweep over the time order. The same quantities as
//! [`auc_at`](super::time_dependent_auc_reference::auc_at), which finds each of them by binary search.

use super::censoring_km::CensoringKm;
use super::cohort_checks::influence_se;
use super::time_auc::TimeAuc;
use crate::sort_key::{sort_keys, total_order_bits};
use rayon::prelude::*;

/// A cohort sorted for the sweeps; built once for all prediction times.
pub(crate) struct AucSweep {
    km: CensoringKm,
    /// By increasing time: the time, whether an event, the distinct-time index, and 1 / G(T-).
    time_t: Vec<f64>,
    event_t: Vec<bool>,
    distinct_t: Vec<u32>,
    case_weight_t: Vec<f64>,
    /// By increasing marker: the time-order position of the row, and whether its marker differs from the
    /// previous row's (a new block of tied markers).
    position_m: Vec<u32>,
    new_marker_m: Vec<bool>,
}

impl AucSweep {
    pub(crate) fn new(time: &[f64], event: &[bool], marker: &[f64]) -> AucSweep {
        let (km, order) = CensoringKm::with_order(time, event);
        let n = time.len();
        let mut time_t = Vec::with_capacity(n);
        let mut event_t = Vec::with_capacity(n);
        let mut distinct_t = Vec::with_capacity(n);
        let mut case_weight_t = Vec::with_capacity(n);
        let mut position = vec![0u32; n];
        for (k, block) in order.chunk_by(|&a, &b| time[a] == time[b]).enumerate() {
            // G(T-) is G after the previous distinct time.
            let g_before = if k == 0 { 1.0 } else { km.g_after(k - 1) };
            for &i in block {
                position[i] = time_t.len() as u32;
                time_t.push(time[i]);
                event_t.push(event[i]);
                distinct_t.push(k as u32);
                case_weight_t.push(1.0 / g_before);
            }
        }
        let mut by_marker: Vec<(u64, u32)> = marker
            .iter()
            .enumerate()
            .map(|(i, &x)| (total_order_bits(x), i as u32))
            .collect();
        sort_keys(&mut by_marker);
        let position_m = by_marker
            .iter()
            .map(|&(_, i)| position[i as usize])
            .collect();
        let new_marker_m = by_marker
            .iter()
            .enumerate()
            .map(|(q, &(_, i))| q == 0 || marker[i as usize] != marker[by_marker[q - 1].1 as usize])
            .collect();
        AucSweep {
            km,
            time_t,
            event_t,
            distinct_t,
            case_weight_t,
            position_m,
            new_marker_m,
        }
    }

    /// The AUC at each of `times`, the times in parallel.
    pub(crate) fn at_times(&self, times: &[f64], z: f64) -> Vec<TimeAuc> {
        times.par_iter().map(|&t| self.at(t, z)).collect()
    }

    // Index loops: each row's quantities sit in several parallel time-order arrays.
    #[allow(clippy::needless_range_loop)]
    fn at(&self, t: f64, z: f64) -> TimeAuc {
        let n = self.time_t.len();
        let nf = n as f64;
        // Rows up to `last` (time order) have time <= t: the cases among them; the rest are the controls.
        let last = self.time_t.partition_point(|&s| s <= t);
        let is_case = |p: usize| p < last && self.event_t[p];
        let n_cases = (0..last).filter(|&p| self.event_t[p]).count();
        let n_controls = n - last;
        if n_cases == 0 || n_controls == 0 {
            return TimeAuc::without_pairs(t, n_cases, n_controls);
        }
        let control_weight = 1.0 / self.km.at(t);
        let mu_case: f64 = (0..last)
            .filter(|&p| self.event_t[p])
            .map(|p| self.case_weight_t[p])
            .sum();
        let mu_control = n_controls as f64 * control_weight;

        // Marker order: each case's weighted share of the controls below it and each control's share of the
        // cases above it (ties 1/2), written at the row's time-order position.
        let mut share = vec![0.0; n];
        let mut controls_below = 0usize;
        let mut cases_below = 0.0;
        let mut q = 0;
        while q < n {
            let end = q
                + 1
                + self.new_marker_m[q + 1..]
                    .iter()
                    .take_while(|&&new| !new)
                    .count();
            let block = &self.position_m[q..end];
            let (mut block_controls, mut block_cases) = (0usize, 0.0);
            for &p in block {
                let p = p as usize;
                if p >= last {
                    block_controls += 1;
                } else if self.event_t[p] {
                    block_cases += self.case_weight_t[p];
                }
            }
            for &p in block {
                let p = p as usize;
                if p >= last {
                    share[p] = (mu_case - (cases_below + block_cases)) + 0.5 * block_cases;
                } else if self.event_t[p] {
                    share[p] =
                        control_weight * (controls_below as f64 + 0.5 * block_controls as f64);
                }
            }
            controls_below += block_controls;
            cases_below += block_cases;
            q = end;
        }
        let numerator: f64 = (0..last)
            .filter(|&p| self.event_t[p])
            .map(|p| self.case_weight_t[p] * share[p])
            .sum();
        let auc = (numerator / (mu_case * mu_control)).clamp(0.0, 1.0);
        let control_num_total: f64 = share[last..].iter().map(|s| control_weight * s).sum();

        // Time order: each row's influence with G fixed, plus its influence through G on the numerator's
        // and the denominator's weights (cases weighted w s and w, the controls together).
        let mu = mu_case * mu_control / (nf * nf);
        let nu = numerator / (nf * nf);
        let ratio = |num: f64, den: f64| (num * mu - den * nu) / (mu * mu);
        let compensator_t = self.km.compensator_at(t);
        // Each row's influence replaces its share once read (no row's share is read after its own time block):
        // one buffer of n values instead of two.
        let mut influence = share;
        // Running sums over the cases up to the current time block: of a_k and of a_k compensator(T_k-),
        // for the numerator's a_k = w_k s_k and the denominator's a_k = w_k.
        let (mut num_a, mut num_am, mut den_a, mut den_am) = (0.0, 0.0, 0.0, 0.0);
        let mut p = 0;
        while p < n {
            let k = self.distinct_t[p] as usize;
            let end = p + self.distinct_t[p..]
                .iter()
                .take_while(|&&d| d as usize == k)
                .count();
            let before = self.km.compensator_through(k.checked_sub(1));
            for c in p..end {
                if is_case(c) {
                    let w = self.case_weight_t[c];
                    num_a += w * influence[c];
                    num_am += w * influence[c] * before;
                    den_a += w;
                    den_am += w * before;
                }
            }
            for c in p..end {
                let censored = !self.event_t[c];
                let own = self.km.influence_after_distinct(k, censored);
                let at_t = if self.time_t[c] <= t {
                    own
                } else {
                    -compensator_t
                };
                let num_g = own * (numerator - num_a) - num_am + control_num_total * at_t;
                let den_g = own * (mu_case - den_a) - den_am + mu_case * at_t;
                let share_c = influence[c];
                let fixed = if is_case(c) {
                    let w = self.case_weight_t[c];
                    ratio(w * share_c / nf, w * mu_control / nf)
                } else if c >= last {
                    ratio(control_weight * share_c / nf, control_weight * mu_case / nf)
                } else {
                    0.0
                };
                influence[c] = fixed + ratio(num_g / (nf * nf), mu_control * den_g / (nf * nf));
            }
            p = end;
        }
        TimeAuc::finished(t, auc, influence_se(&influence), z, n_cases, n_controls)
    }
}
