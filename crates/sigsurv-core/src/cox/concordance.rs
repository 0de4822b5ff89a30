//! Harrell's concordance of the fitted risk score and its infinitesimal-jackknife standard error, as
//! `coxph` stores it (`concordancefit(y, lp, strata, weights, cluster, reverse = TRUE, timewt = "n")`).
//!
//! A pair is comparable when one member has an event at time t while the other is still at risk after t
//! (time > t, or censored at t; for (start, stop] data the other's interval must contain t). With
//! `η` the risk score, the pair is concordant when the member with the event has the larger η:
//! ```text
//! C = (concordant + tied.x / 2) / (concordant + discordant + tied.x)      pairs weighted by w_i w_j
//! ```
//! Pairs of events at the same time count as tied.y (tied.xy if η ties too) and do not enter C. The
//! variance is Σ_g D_g² / 4 with `D_i = w_i ((I_disc,i − I_conc,i) / N − (Somers' d / N) Σ_k I_k,i)`, where
//! `I_·,i` is subject i's share of each pair count and N the number of comparable pairs (D summed within
//! clusters when given). Counting uses two Fenwick trees over the ranks of η: O(n log n).
//! Reference: Harrell et al. (1982) JAMA 247:2543; Therneau & Atkinson, survival vignette "concordance".

#![allow(clippy::needless_range_loop)] // index loops mirror the pair-count formulas

use super::concordance_sweep::{Sweep, SweepInput};
use super::data::CoxData;
use super::fit::Concordance;
use super::prep::Prepared;
use rayon::prelude::*;

/// Fenwick tree of weights over ranks 0..m.
struct Fenwick {
    tree: Vec<f64>,
    node: Vec<f64>,
    total: f64,
}

impl Fenwick {
    fn new(m: usize) -> Fenwick {
        Fenwick {
            tree: vec![0.0; m + 1],
            node: vec![0.0; m],
            total: 0.0,
        }
    }

    fn add(&mut self, r: usize, w: f64) {
        self.node[r] += w;
        self.total += w;
        let mut i = r + 1;
        while i < self.tree.len() {
            self.tree[i] += w;
            i += i & i.wrapping_neg();
        }
    }

    /// (weight with rank above r, below r, equal to r).
    fn split(&self, r: usize) -> [f64; 3] {
        let mut less = 0.0;
        let mut i = r;
        while i > 0 {
            less += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        let tied = self.node[r];
        [self.total - less - tied, less, tied]
    }
}

/// Concordance of `lp` (one value per original row) on the prepared (time-fixed, sorted) data. Takes `lp` to free
/// it as soon as it is no longer needed (millions of rows).
pub(crate) fn concordance(prep: &Prepared, data: &CoxData, lp: Vec<f64>) -> Concordance {
    if prep.counting {
        by_fenwick(prep, data, &lp)
    } else {
        by_sweep(prep, data, lp)
    }
}

/// Any data: a descending-time pass per stratum with Fenwick trees over the ranks of η.
fn by_fenwick(prep: &Prepared, data: &CoxData, lp: &[f64]) -> Concordance {
    let n = prep.n;
    let mut count = [0.0f64; 5];
    let mut inf = vec![[0.0f64; 5]; n]; // by sorted position
    for &(b0, b1) in &prep.strata {
        stratum(prep, lp, b0, b1, &mut count, &mut inf);
    }
    count[3] -= count[4]; // tied.xy pairs were also counted as tied.y
    let npair = count[0] + count[1] + count[2];
    let somer = (count[0] - count[1]) / npair;
    let mut dfbeta: Vec<f64> = (0..n)
        .map(|k| {
            let i = &inf[k];
            prep.weight[k] * ((i[0] - i[1]) / npair - (somer / npair) * (i[0] + i[1] + i[2]))
        })
        .collect();
    if let Some(cl) = data.cluster {
        let (group, ng) = super::robust::groups(prep, Some(cl));
        let mut sums = vec![0.0; ng];
        for k in 0..n {
            sums[group[k]] += dfbeta[k];
        }
        dfbeta = sums;
    }
    let var = dfbeta.iter().map(|d| d * d).sum::<f64>() / 4.0;
    // reverse = TRUE: a higher risk score should go with a shorter time.
    Concordance {
        concordant: count[1],
        discordant: count[0],
        tied_x: count[2],
        tied_y: count[3],
        tied_xy: count[4],
        c: 1.0 - (somer + 1.0) / 2.0,
        se: var.sqrt(),
    }
}

/// Right-censored data: the η sweep of `concordance_sweep.rs`, strata in parallel, combined in order.
fn by_sweep(prep: &Prepared, data: &CoxData, lp: Vec<f64>) -> Concordance {
    let inputs: Vec<SweepInput> = prep
        .strata
        .iter()
        .map(|&(b0, b1)| SweepInput::new(prep, &lp, b0, b1, data.weights.is_some()))
        .collect();
    drop(lp); // the sweeps need only the keys
    let sweeps: Vec<Sweep> = inputs.into_par_iter().map(SweepInput::run).collect();
    let mut count = [0.0f64; 5];
    for s in &sweeps {
        for c in 0..5 {
            count[c] += s.count[c];
        }
    }
    count[3] -= count[4];
    let npair = count[0] + count[1] + count[2];
    let somer = (count[0] - count[1]) / npair;
    let dfbeta = |s: &Sweep, i: usize| {
        let f = &s.inf[i];
        prep.weight[s.pos[i] as usize]
            * ((f[0] - f[1]) / npair - (somer / npair) * (f[0] + f[1] + f[2]))
    };
    let var = match data.cluster {
        None => {
            let mut v = 0.0;
            for s in &sweeps {
                for i in 0..s.pos.len() {
                    v += dfbeta(s, i).powi(2);
                }
            }
            v / 4.0
        }
        Some(cl) => {
            let (group, ng) = super::robust::groups(prep, Some(cl));
            let mut sums = vec![0.0; ng];
            for s in &sweeps {
                for i in 0..s.pos.len() {
                    sums[group[s.pos[i] as usize]] += dfbeta(s, i);
                }
            }
            sums.iter().map(|d| d * d).sum::<f64>() / 4.0
        }
    };
    Concordance {
        concordant: count[1],
        discordant: count[0],
        tied_x: count[2],
        tied_y: count[3],
        tied_xy: count[4],
        c: 1.0 - (somer + 1.0) / 2.0,
        se: var.sqrt(),
    }
}

fn stratum(
    prep: &Prepared,
    lp: &[f64],
    b0: usize,
    b1: usize,
    count: &mut [f64; 5],
    inf: &mut [[f64; 5]],
) {
    // η and its rank for each position of the stratum, computed once.
    let et: Vec<f64> = (b0..b1).map(|k| lp[prep.order[k] as usize]).collect();
    let eta = |k: usize| et[k - b0];
    let mut by_eta: Vec<usize> = (0..et.len()).collect();
    by_eta.sort_unstable_by(|&a, &b| et[a].total_cmp(&et[b]));
    let mut rk = vec![0usize; et.len()];
    let mut nranks = 0;
    for (i, &q) in by_eta.iter().enumerate() {
        if i > 0 && et[q] != et[by_eta[i - 1]] {
            nranks += 1;
        }
        rk[q] = nranks;
    }
    let vals_len = if et.is_empty() { 0 } else { nranks + 1 };
    let rank = |k: usize| rk[k - b0];
    let mut risk = Fenwick::new(vals_len);
    let mut deaths = Fenwick::new(vals_len);
    // Stop time descending, censored before events at a tie, then η ascending (R's sort order).
    // Positions are already in descending stop order; within a tied stop time put censored rows
    // first, then η ascending (R's sort order).
    let mut ord: Vec<usize> = (b0..b1).collect();
    let mut g = 0;
    while g < ord.len() {
        let mut h = g + 1;
        while h < ord.len() && prep.stop[ord[h]] == prep.stop[ord[g]] {
            h += 1;
        }
        if h - g > 1 {
            ord[g..h].sort_by(|&a, &b| {
                prep.event[a]
                    .cmp(&prep.event[b])
                    .then(eta(a).total_cmp(&eta(b)))
                    .then(a.cmp(&b))
            });
        }
        g = h;
    }
    let mut by_start: Vec<usize> = if prep.counting {
        ord.clone()
    } else {
        Vec::new()
    };
    by_start.sort_by(|&a, &b| prep.start[b].total_cmp(&prep.start[a]).then(a.cmp(&b)));
    let mut removed = vec![false; b1 - b0];
    let mut i2 = 0;
    let mut i = 0;
    while i < ord.len() {
        let k = ord[i];
        let w = prep.weight[k];
        if !prep.event[k] {
            let s = deaths.split(rank(k));
            inf[k][0] -= s[1];
            inf[k][1] -= s[0];
            inf[k][2] -= s[2];
            risk.add(rank(k), w);
            i += 1;
            continue;
        }
        let t = prep.stop[k];
        while i2 < by_start.len() && prep.start[by_start[i2]] >= t {
            let q = by_start[i2];
            i2 += 1;
            let s = deaths.split(rank(q));
            inf[q][0] += s[1];
            inf[q][1] += s[0];
            inf[q][2] += s[2];
            risk.add(rank(q), -prep.weight[q]);
            removed[q - b0] = true;
        }
        let j0 = i;
        let mut j1 = i;
        while j1 < ord.len() && prep.stop[ord[j1]] == t && prep.event[ord[j1]] {
            j1 += 1;
        }
        let group = &ord[j0..j1];
        let mut dwt = 0.0;
        for &q in group {
            let wq = prep.weight[q];
            count[3] += wq * dwt;
            dwt += wq;
            let s = risk.split(rank(q));
            for c in 0..3 {
                count[c] += wq * s[c];
                inf[q][c] += s[c];
            }
            deaths.add(rank(q), wq);
        }
        // Events tied on both time and η.
        let mut g0 = 0;
        while g0 < group.len() {
            let mut g1 = g0 + 1;
            while g1 < group.len() && eta(group[g1]) == eta(group[g0]) {
                g1 += 1;
            }
            let wsum: f64 = group[g0..g1].iter().map(|&q| prep.weight[q]).sum();
            let mut acc = 0.0;
            for &q in &group[g0..g1] {
                count[4] += prep.weight[q] * acc;
                acc += prep.weight[q];
                if g1 - g0 > 1 {
                    inf[q][4] += wsum - prep.weight[q];
                    inf[q][3] -= wsum - prep.weight[q];
                }
            }
            g0 = g1;
        }
        for &q in group {
            let s = deaths.split(rank(q));
            inf[q][0] -= s[1];
            inf[q][1] -= s[0];
            inf[q][2] -= s[2];
            inf[q][3] += dwt - prep.weight[q];
            risk.add(rank(q), prep.weight[q]);
        }
        i = j1;
    }
    // Everyone still at risk at the start of follow-up collects the events that came after entry.
    for &k in &ord {
        if !removed[k - b0] {
            let s = deaths.split(rank(k));
            inf[k][0] += s[1];
            inf[k][1] += s[0];
            inf[k][2] += s[2];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The η sweep and the time pass agree on right-censored data with ties in time and in η,
    /// weights, strata and clusters.
    #[test]
    #[allow(clippy::type_complexity)]
    fn sweep_equals_time_pass() {
        let n = 3000;
        let mut state = 99u64;
        let mut unif = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let time: Vec<f64> = (0..n).map(|_| (unif() * 40.0).ceil()).collect();
        let event: Vec<bool> = (0..n).map(|_| unif() < 0.6).collect();
        let lp: Vec<f64> = (0..n).map(|_| (unif() * 7.0).floor() * 0.25).collect();
        let w: Vec<f64> = (0..n).map(|i| 1.0 + (i % 4) as f64 / 3.0).collect();
        let strata: Vec<u32> = (0..n).map(|_| (unif() * 2.0) as u32).collect();
        let cluster: Vec<u32> = (0..n as u32).map(|i| i / 3).collect();
        let names = vec!["x".to_string()];
        let cases: [(Option<&[f64]>, Option<&[u32]>, Option<&[u32]>); 3] = [
            (None, None, None),
            (Some(&w), Some(&strata), None),
            (Some(&w), None, Some(&cluster)),
        ];
        for (weights, strata, cluster) in cases {
            let d = CoxData {
                start: None,
                stop: &time,
                event: &event,
                x: &lp,
                p: 1,
                names: &names,
                strata,
                weights,
                cluster,
                offset: None,
            };
            let prep = Prepared::new(&d, true).unwrap();
            let a = by_sweep(&prep, &d, lp.clone());
            let b = by_fenwick(&prep, &d, &lp);
            let pairs = [
                (a.concordant, b.concordant),
                (a.discordant, b.discordant),
                (a.tied_x, b.tied_x),
                (a.tied_y, b.tied_y),
                (a.tied_xy, b.tied_xy),
                (a.c, b.c),
                (a.se, b.se),
            ];
            for (x, y) in pairs {
                assert!((x - y).abs() <= 1e-12 * y.abs().max(1.0), "{a:?} vs {b:?}");
            }
            assert!(a.tied_x > 0.0 && a.tied_xy > 0.0);
        }
    }
}
