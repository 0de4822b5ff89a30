//! The reference evaluation of the Cox partial likelihood: one sequential pass over the sorted data per stratum,
//! giving the log partial likelihood ℓ, its score vector U and information matrix I at a given β, for Breslow
//! or Efron ties, right-censored or counting-process (start, stop] data. The fast paths (`blocked.rs`,
//! `grouped.rs`) regroup these sums and are tested against this pass (`mod.rs`).
//!
//! With r_i = w_i exp(η_i), η = xβ, the risk set R(t) of an event time t (rows with stop ≥ t and start < t),
//! its deaths D(t) (d of them, total weight w_d) and the sums `S0 = Σ_R r`, `S1 = Σ_R r x`, `S2 = Σ_R r x xᵀ`:
//!
//! ```text
//! Breslow: ℓ += Σ_D w_i η_i − w_d log S0;  U += Σ_D w_i x_i − w_d S1/S0;  I += w_d (S2/S0 − S1 S1ᵀ/S0²)
//! Efron:   the same with d sub-steps k = 0..d−1, each of weight w_d/d, on the sums
//!          S·(k) = S·(censored and earlier) + (k+1)/d · S·(deaths at this time)   (R's order of updates)
//! ```
//! (R survival's `agreg.Rnw` / `agfit4` and `coxfit6_iter`; Therneau & Grambsch 2000, sections 3.2–3.3.)
//!
//! Walking stop times from the largest down (`walk.rs`), the risk set only grows for right-censored data, so
//! S0, S1, S2 are running totals; (start, stop] rows leave once the current time falls to or below their start
//! time. η is shifted by `shift.rs`'s sequential rule, which follows R's own arithmetic.

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

use super::super::prep::Prepared;
use super::super::ties::Ties;
use super::shift::{eta_shift, stratum_max_eta};
use super::value::Eval;
use super::walk::{Leave, RiskSetWalk};
use rayon::prelude::*;

/// ℓ, U and I at `beta` (on the centred, scaled covariates of `prep`) by one sequential pass per stratum; any kind
/// of data. Strata run in parallel and are added in stratum order, so the result does not depend on the number of
/// threads.
pub(crate) fn evaluate_by_strata(prep: &Prepared, beta: &[f64], ties: Ties) -> Eval {
    let p = prep.p;
    let parts: Vec<Eval> = prep
        .strata
        .par_iter()
        .enumerate()
        .map(|(s, &(b0, b1))| {
            let mut e = Eval::zero(prep.p);
            e.max_eta = stratum_max_eta(prep, beta, b0, b1);
            stratum_pass(prep, beta, ties, s, b0, b1, &mut |_, ll, u, im| {
                e.loglik += ll;
                e.u.iter_mut().zip(u).for_each(|(a, b)| *a += b);
                e.imat.iter_mut().zip(im).for_each(|(a, b)| *a += b);
            });
            e
        })
        .collect();
    let mut out = Eval::zero(p);
    for e in parts {
        out.loglik += e.loglik;
        out.u.iter_mut().zip(&e.u).for_each(|(a, b)| *a += b);
        out.imat.iter_mut().zip(&e.imat).for_each(|(a, b)| *a += b);
        out.max_eta = out.max_eta.max(e.max_eta);
    }
    out
}

/// Adds `r x` to `a` and `r x xᵀ` to the packed lower triangle `c`.
#[inline]
fn add_outer(a: &mut [f64], c: &mut [f64], x: &[f64], r: f64) {
    let mut idx = 0;
    for i in 0..x.len() {
        let rx = r * x[i];
        a[i] += rx;
        for &xj in &x[..=i] {
            c[idx] += rx * xj;
            idx += 1;
        }
    }
}

/// Receives (time, ℓ_t, U_t, packed I_t) for each event time.
pub(crate) type EventSink<'a> = dyn FnMut(f64, f64, &[f64], &[f64]) + 'a;

/// Runs the risk-set pass over stratum `s` (sorted positions b0..b1) and hands each event time's
/// contribution (time, ℓ_t, U_t, I_t packed) to `sink`, in descending time order.
pub(crate) fn stratum_pass(
    prep: &Prepared,
    beta: &[f64],
    ties: Ties,
    s: usize,
    b0: usize,
    b1: usize,
    sink: &mut EventSink,
) {
    let p = prep.p;
    let np = p * (p + 1) / 2;
    let mut out = Eval::zero(p);
    let shift = eta_shift(prep, beta, b0, b1);
    let (mut denom, mut a, mut cmat) = (0.0, vec![0.0; p], vec![0.0; np]);
    let (mut a2, mut cmat2) = (vec![0.0; p], vec![0.0; np]);
    let mut walk = RiskSetWalk::fitted(prep, s, b0, b1);
    loop {
        let step = walk.next_time(|leave| match leave {
            Leave::Emptied => {
                denom = 0.0;
                a.iter_mut().for_each(|v| *v = 0.0);
                cmat.iter_mut().for_each(|v| *v = 0.0);
            }
            Leave::Row(q) => {
                let r = prep.weight[q] * (prep.eta(beta, q) - shift).exp();
                denom -= r;
                add_outer(&mut a, &mut cmat, prep.row(q), -r);
            }
        });
        let Some((dtime, rows)) = step else { break };
        let (mut nd, mut deadwt, mut denom2) = (0usize, 0.0, 0.0);
        for k in rows {
            if !prep.ignore[k] {
                let x = prep.row(k);
                let w = prep.weight[k];
                let eta = prep.eta(beta, k) - shift;
                let r = w * eta.exp();
                if prep.event[k] {
                    nd += 1;
                    deadwt += w;
                    denom2 += r;
                    out.loglik += w * eta;
                    out.u.iter_mut().zip(x).for_each(|(u, xi)| *u += w * xi);
                    add_outer(&mut a2, &mut cmat2, x, r);
                } else {
                    denom += r;
                    add_outer(&mut a, &mut cmat, x, r);
                }
            }
        }
        if nd == 0 {
            continue;
        }
        let steps = if ties != Ties::Efron || nd == 1 {
            1
        } else {
            nd
        };
        let frac = 1.0 / steps as f64;
        let wstep = deadwt / steps as f64;
        for _ in 0..steps {
            denom += denom2 * frac;
            out.loglik -= wstep * denom.ln();
            let mut idx = 0;
            for i in 0..p {
                a[i] += a2[i] * frac;
                let mean_i = a[i] / denom;
                out.u[i] -= wstep * mean_i;
                for j in 0..=i {
                    cmat[idx] += cmat2[idx] * frac;
                    out.imat[idx] += wstep * (cmat[idx] - mean_i * a[j]) / denom;
                    idx += 1;
                }
            }
        }
        a2.iter_mut().for_each(|v| *v = 0.0);
        cmat2.iter_mut().for_each(|v| *v = 0.0);
        sink(dtime, out.loglik, &out.u, &out.imat);
        out.loglik = 0.0;
        out.u.iter_mut().for_each(|v| *v = 0.0);
        out.imat.iter_mut().for_each(|v| *v = 0.0);
    }
}
