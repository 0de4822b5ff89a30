//! The event-time table at a fixed β: for every event time of every stratum, the hazard increments and
//! risk-set covariate means of each Efron sub-step. Residuals, the robust variance, the proportional
//! hazards test and predicted survival curves are all sums over this table.
//!
//! At an event time with d deaths of mean weight w̄ = w_d / d, Efron's sub-step k = 0..d−1 has
//! `D_k = S0 − (k/d) S0_deaths`, `h_k = w̄ / D_k`, `x̄_k = (S1 − (k/d) S1_deaths) / D_k`; a death shares in
//! sub-step k only with weight `1 − k/d`. Breslow is the single sub-step k = 0 with `h = w_d / S0`.
//! (R survival: `coxscore2.c`, `coxmart.c`, `agscore3.c`, `agsurv.c`.)

#![allow(clippy::needless_range_loop, clippy::type_complexity)] // index loops mirror the matrix formulas

use super::eval::{eta_shift, Leave, RiskSetWalk};
use super::prep::Prepared;
use super::ties::Ties;

#[derive(Debug, Clone)]
pub(crate) struct EventTable {
    pub p: usize,
    /// Per stratum: range of event times in the flat arrays (ascending time within a stratum).
    pub strata: Vec<(usize, usize)>,
    pub time: Vec<f64>,
    /// Number of events and their total weight at each time.
    pub nd: Vec<usize>,
    pub deadwt: Vec<f64>,
    /// Weighted number at risk (Σ w) and number of rows at risk at each time.
    pub wrisk: Vec<f64>,
    pub nrisk: Vec<usize>,
    /// Per time: range of its sub-steps in `h`, `downwt`, `xbar`.
    pub steps: Vec<(usize, usize)>,
    pub h: Vec<f64>,
    pub downwt: Vec<f64>,
    /// Sub-step covariate means, row-major (`xbar[s * p + j]`), on the prepared (centred, scaled) scale.
    pub xbar: Vec<f64>,
    /// exp(η − shift) of each sorted position, and the per-stratum shift.
    pub risk: Vec<f64>,
    pub shift: Vec<f64>,
}

impl EventTable {
    pub fn new(prep: &Prepared, beta: &[f64], ties: Ties) -> EventTable {
        EventTable::build(prep, beta, ties, true)
    }

    /// The table at η = 0 for every row: β = 0 and the offset left out, as R's robust score test evaluates
    /// the score residuals (`coxph` sets the linear predictors to 0 there, offset or not).
    pub fn at_zero(prep: &Prepared, ties: Ties) -> EventTable {
        EventTable::build(prep, &vec![0.0; prep.p], ties, false)
    }

    fn build(prep: &Prepared, beta: &[f64], ties: Ties, with_offset: bool) -> EventTable {
        let p = prep.p;
        let n = prep.n;
        let mut t = EventTable {
            p,
            strata: Vec::new(),
            time: Vec::new(),
            nd: Vec::new(),
            deadwt: Vec::new(),
            wrisk: Vec::new(),
            nrisk: Vec::new(),
            steps: Vec::new(),
            h: Vec::new(),
            downwt: Vec::new(),
            xbar: Vec::new(),
            risk: vec![0.0; n],
            shift: Vec::new(),
        };
        for (s, &(b0, b1)) in prep.strata.iter().enumerate() {
            let shift = if with_offset {
                eta_shift(prep, beta, b0, b1)
            } else {
                0.0
            };
            t.shift.push(shift);
            for k in b0..b1 {
                let eta = if with_offset { prep.eta(beta, k) } else { 0.0 };
                t.risk[k] = (eta - shift).exp();
            }
            let first = t.time.len();
            let (mut denom, mut a, mut wrisk) = (0.0, vec![0.0; p], 0.0);
            // Times are visited in descending order; the stratum's block is reversed at the end.
            let mut rev: Vec<(f64, usize, f64, f64, usize, Vec<f64>, Vec<f64>, f64, f64)> =
                Vec::new();
            let mut walk = RiskSetWalk::fitted(prep, s, b0, b1);
            loop {
                let step = walk.next_time(|leave| match leave {
                    Leave::Emptied => {
                        denom = 0.0;
                        wrisk = 0.0;
                        a.iter_mut().for_each(|v| *v = 0.0);
                    }
                    Leave::Row(q) => {
                        let r = prep.weight[q] * t.risk[q];
                        denom -= r;
                        wrisk -= prep.weight[q];
                        a.iter_mut().zip(prep.row(q)).for_each(|(a, x)| *a -= r * x);
                    }
                });
                let Some((dtime, rows)) = step else { break };
                let (mut nd, mut deadwt, mut e_denom, mut a2) = (0, 0.0, 0.0, vec![0.0; p]);
                for k in rows {
                    if !prep.ignore[k] {
                        let w = prep.weight[k];
                        let r = w * t.risk[k];
                        denom += r;
                        wrisk += w;
                        a.iter_mut().zip(prep.row(k)).for_each(|(a, x)| *a += r * x);
                        if prep.event[k] {
                            nd += 1;
                            deadwt += w;
                            e_denom += r;
                            a2.iter_mut()
                                .zip(prep.row(k))
                                .for_each(|(a, x)| *a += r * x);
                        }
                    }
                }
                if nd > 0 {
                    rev.push((
                        dtime,
                        nd,
                        deadwt,
                        wrisk,
                        walk.at_risk(),
                        a.clone(),
                        a2,
                        denom,
                        e_denom,
                    ));
                }
            }
            for (time, nd, deadwt, wrisk, nrisk, a, a2, denom, e_denom) in rev.into_iter().rev() {
                t.time.push(time);
                t.nd.push(nd);
                t.deadwt.push(deadwt);
                t.wrisk.push(wrisk);
                t.nrisk.push(nrisk);
                let s0 = t.h.len();
                let steps = if ties != Ties::Efron || nd == 1 {
                    1
                } else {
                    nd
                };
                let meanwt = deadwt / steps as f64;
                for dd in 0..steps {
                    let down = if steps == 1 {
                        0.0
                    } else {
                        dd as f64 / nd as f64
                    };
                    let d = denom - down * e_denom;
                    t.h.push(meanwt / d);
                    t.downwt.push(down);
                    t.xbar
                        .extend(a.iter().zip(&a2).map(|(a, a2)| (a - down * a2) / d));
                }
                t.steps.push((s0, t.h.len()));
            }
            t.strata.push((first, t.time.len()));
        }
        t
    }

    /// Index range of this stratum's event times t with `lo < t <= hi`.
    pub fn window(&self, stratum: usize, lo: f64, hi: f64) -> (usize, usize) {
        let (a, b) = self.strata[stratum];
        let times = &self.time[a..b];
        let i0 = times.partition_point(|&t| t <= lo);
        let i1 = times.partition_point(|&t| t <= hi);
        (a + i0, a + i1)
    }
}
