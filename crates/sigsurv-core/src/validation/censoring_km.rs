//! The Kaplan-Meier of the censoring times of a cohort and the influence of each row on its cumulative
//! hazard: the inverse-probability-of-censoring weights of the time-dependent AUC and the Brier score, as
//! riskRegression's `Score(..., cens.model = "km")` computes them.

use crate::sort_key::{sort_keys, total_order_bits};

/// The censoring distribution G of a cohort (no case weights), on its distinct times.
pub(crate) struct CensoringKm {
    /// Distinct times, increasing.
    times: Vec<f64>,
    /// G just after each distinct time.
    g: Vec<f64>,
    /// Rows with time >= each distinct time (events included), as the influence function counts them.
    at_risk: Vec<f64>,
    /// sum over distinct times u <= each time of n c(u) / Y(u)^2 (the compensator part of the influence).
    compensator: Vec<f64>,
    n: f64,
}

impl CensoringKm {
    /// G(s) = prod over times u <= s of (1 - c(u) / (Y(u) - d(u))): the censorings at u come after the events
    /// at u (prodlim's `reverse = TRUE`). The influence function of the censoring cumulative hazard uses the
    /// risk set Y(u) with the events, as riskRegression's `getInfluenceFunctionKM`.
    pub(crate) fn new(time: &[f64], event: &[bool]) -> CensoringKm {
        CensoringKm::with_order(time, event).0
    }

    /// [`CensoringKm::new`], with the row indices by increasing time it was built from.
    pub(crate) fn with_order(time: &[f64], event: &[bool]) -> (CensoringKm, Vec<usize>) {
        let n = time.len();
        let mut keyed: Vec<(u64, u32)> = time
            .iter()
            .enumerate()
            .map(|(i, &t)| (total_order_bits(t), i as u32))
            .collect();
        sort_keys(&mut keyed);
        let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i as usize).collect();
        let mut times = Vec::new();
        let mut g = Vec::new();
        let mut at_risk = Vec::new();
        let mut compensator = Vec::new();
        let (mut g_now, mut mc) = (1.0, 0.0);
        let mut passed = 0usize;
        for block in order.chunk_by(|&a, &b| time[a] == time[b]) {
            let y = (n - passed) as f64;
            let censored = block.iter().filter(|&&i| !event[i]).count() as f64;
            let events = block.len() as f64 - censored;
            if censored > 0.0 {
                g_now *= 1.0 - censored / (y - events);
            }
            mc += n as f64 * censored / (y * y);
            times.push(time[block[0]]);
            g.push(g_now);
            at_risk.push(y);
            compensator.push(mc);
            passed += block.len();
        }
        let km = CensoringKm {
            times,
            g,
            at_risk,
            compensator,
            n: n as f64,
        };
        (km, order)
    }

    /// G just after the `k`-th distinct time.
    pub(crate) fn g_after(&self, k: usize) -> f64 {
        self.g[k]
    }

    /// The compensator sum through the `k`-th distinct time; 0 for `None` (before the first).
    pub(crate) fn compensator_through(&self, k: Option<usize>) -> f64 {
        k.map_or(0.0, |k| self.compensator[k])
    }

    /// [`CensoringKm::influence_after_own_time`] of a row whose time is the `k`-th distinct time.
    pub(crate) fn influence_after_distinct(&self, k: usize, censored: bool) -> f64 {
        let jump = if censored {
            self.n / self.at_risk[k]
        } else {
            0.0
        };
        jump - self.compensator[k]
    }

    /// Index of the last distinct time <= s (`None` before the first).
    fn last_at_or_before(&self, s: f64) -> Option<usize> {
        self.times.partition_point(|&u| u <= s).checked_sub(1)
    }

    /// Index of the last distinct time < s.
    fn last_before(&self, s: f64) -> Option<usize> {
        self.times.partition_point(|&u| u < s).checked_sub(1)
    }

    /// G(s), right-continuous.
    pub(crate) fn at(&self, s: f64) -> f64 {
        self.last_at_or_before(s).map_or(1.0, |k| self.g[k])
    }

    /// G(s-).
    pub(crate) fn before(&self, s: f64) -> f64 {
        self.last_before(s).map_or(1.0, |k| self.g[k])
    }

    /// The compensator sum up to s (inclusive).
    pub(crate) fn compensator_at(&self, s: f64) -> f64 {
        self.compensator_through(self.last_at_or_before(s))
    }

    /// The compensator sum up to s-.
    pub(crate) fn compensator_before(&self, s: f64) -> f64 {
        self.compensator_through(self.last_before(s))
    }

    /// The influence of row i (time t_i, censored or not) on the censoring cumulative hazard at any s >= t_i:
    /// n 1(censored) / Y(t_i) - (compensator up to t_i). At s < t_i it is `-compensator(s)`.
    pub(crate) fn influence_after_own_time(&self, t_i: f64, censored: bool) -> f64 {
        match self.last_at_or_before(t_i) {
            Some(k) => self.influence_after_distinct(k, censored),
            None => 0.0, // not reached: t_i is one of the cohort's times
        }
    }

    /// The influence of row i on the censoring cumulative hazard at s (right-continuous).
    pub(crate) fn influence_at(&self, t_i: f64, censored: bool, s: f64) -> f64 {
        if t_i <= s {
            self.influence_after_own_time(t_i, censored)
        } else {
            -self.compensator_at(s)
        }
    }

    /// For every row i of the cohort: sum over the cases k of a_k IF_i(Lambda(T_k-)) plus
    /// `control_total` IF_i(Lambda(t)), where IF_i is the influence of row i on the censoring cumulative
    /// hazard. This is how an IPCW sum with weights 1/G(T_k-) (cases) and 1/G(t) (controls) moves with G
    /// (d(1/G) = (1/G) dLambda). O((n + cases) log n).
    pub(crate) fn weighted_influence(
        &self,
        time: &[f64],
        event: &[bool],
        cases: &[(f64, f64)],
        control_total: f64,
        t: f64,
    ) -> Vec<f64> {
        let mut cases = cases.to_vec();
        cases.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        // Prefix sums over the cases by time: of a_k, and of a_k compensator(T_k-).
        let mut sum_a = Vec::with_capacity(cases.len() + 1);
        let mut sum_am = Vec::with_capacity(cases.len() + 1);
        let (mut a_acc, mut am_acc) = (0.0, 0.0);
        sum_a.push(0.0);
        sum_am.push(0.0);
        for &(tk, ak) in &cases {
            a_acc += ak;
            am_acc += ak * self.compensator_before(tk);
            sum_a.push(a_acc);
            sum_am.push(am_acc);
        }
        let total_a = a_acc;
        time.iter()
            .zip(event)
            .map(|(&ti, &ei)| {
                // Cases at or before t_i see IF_i(Lambda(T_k-)) = -compensator(T_k-); later ones see the
                // full influence of row i.
                let m = cases.partition_point(|c| c.0 <= ti);
                let later = total_a - sum_a[m];
                let own = self.influence_after_own_time(ti, !ei);
                own * later - sum_am[m] + control_total * self.influence_at(ti, !ei, t)
            })
            .collect()
    }
}
