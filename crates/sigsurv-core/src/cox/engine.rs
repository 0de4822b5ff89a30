//! One pass over the sorted data: the log partial likelihood, its score vector and information matrix at
//! a given β, for Breslow or Efron ties, right-censored or counting-process data, within strata.
//!
//! Walking stop times from the largest down, the risk set only grows (right-censored data), so its
//! weighted sums `S0 = Σ w r`, `S1 = Σ w r x`, `S2 = Σ w r x xᵀ` are running totals; for (start, stop]
//! data, rows leave the risk set once the current time falls to or below their start time. At each event
//! time with `d` events of total weight `w_d`:
//!
//! ```text
//! Breslow: ℓ += Σ_deaths w_i η_i − w_d log S0;  U += Σ w_i x_i − w_d S1/S0;  I += w_d (S2/S0 − S1 S1ᵀ/S0²)
//! Efron:   the same with d sub-steps k = 0..d−1, each of weight w_d/d, on the sums
//!          S·(k) = S·(censored and earlier) + (k+1)/d · S·(deaths at this time)   (R's order of updates)
//! ```
//! This is R survival's `coxfit6_iter` and `agfit4` (Therneau & Grambsch 2000, sections 3.2–3.3).

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

use super::prep::Prepared;
use super::Ties;
use rayon::prelude::*;

/// ℓ(β), U(β) and the information matrix (packed lower triangle, `i * (i + 1) / 2 + j`).
#[derive(Debug, Clone)]
pub(crate) struct Eval {
    pub loglik: f64,
    pub u: Vec<f64>,
    pub imat: Vec<f64>,
    /// The largest η (unshifted) of the rows used: R's fitters exponentiate η as it is, so their evaluation
    /// overflows once this passes ln(f64::MAX), and the Newton iteration treats such a point as R does.
    pub max_eta: f64,
}

impl Eval {
    fn zero(p: usize) -> Eval {
        Eval {
            loglik: 0.0,
            u: vec![0.0; p],
            imat: vec![0.0; p * (p + 1) / 2],
            max_eta: f64::NEG_INFINITY,
        }
    }

    /// The information matrix as a full row-major p × p matrix.
    pub fn imat_full(&self, p: usize) -> Vec<f64> {
        let mut m = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..=i {
                let v = self.imat[i * (i + 1) / 2 + j];
                m[i * p + j] = v;
                m[j * p + i] = v;
            }
        }
        m
    }
}

/// ℓ, U and I at `beta` (on the centred, scaled covariates of `prep`). Strata run in parallel and are
/// added in stratum order, so the result does not depend on the number of threads.
pub(crate) fn evaluate(prep: &Prepared, beta: &[f64], ties: Ties) -> Eval {
    if super::grouped::fits(prep) {
        // Right-censored data with few distinct times: one read of the covariates (see grouped.rs).
        return super::grouped::evaluate_grouped(prep, beta, ties);
    }
    if !prep.counting {
        // Right-censored data: parallel blocks within strata (see blocked.rs).
        return super::blocked::evaluate_blocked(prep, beta, ties);
    }
    evaluate_by_strata(prep, beta, ties)
}

/// [`evaluate`] by one sequential pass per stratum (strata in parallel); any kind of data.
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

#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
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

/// A shift of η within a stratum that keeps exp() finite; ℓ, U and I do not depend on it.
pub(crate) fn eta_shift(prep: &Prepared, beta: &[f64], b0: usize, b1: usize) -> f64 {
    sequential_shift(stratum_max_eta(prep, beta, b0, b1))
}

/// The largest η of the rows of sorted positions `b0..b1` that enter the fit.
fn stratum_max_eta(prep: &Prepared, beta: &[f64], b0: usize, b1: usize) -> f64 {
    (b0..b1)
        .filter(|&k| !prep.ignore[k])
        .map(|k| dot(beta, prep.row(k)))
        .fold(f64::NEG_INFINITY, f64::max)
}

/// The sequential pass's shift for a stratum whose largest η is `max`. R's `coxfit6_iter` / `agfit4`
/// exponentiate η as it is (finite up to η ≈ 709, and e^η ≥ 1e-323 down to η ≈ -745); the pass does the same while
/// `max ≤ 600`, and beyond that lowers η by `max − 600`: the largest risk is then e^600, room for sums over
/// millions of rows, and small risks underflow no sooner than R's. (Shifting by the whole `max` would push
/// the smallest risks below e^-745 as soon as the range of η passes 745, which R survives.)
pub(crate) fn sequential_shift(max: f64) -> f64 {
    if max.is_finite() && max > 600.0 {
        max - 600.0
    } else {
        0.0
    }
}

/// Whether a regrouped evaluation (`blocked.rs`, `grouped.rs`) is exact for a stratum whose η spans
/// `[min, max]` on its shifted scale (`shift` = `max` above 200, else 0). Those use `1 / D²` of risk-set sums `D`,
/// which leaves the range of doubles once some shifted η falls below about -354; then the sequential pass,
/// which needs only e^η, evaluates instead (only fits heading to an infinite coefficient get there).
pub(crate) fn regrouped_exact(min: f64, shift: f64) -> bool {
    !min.is_finite() || min - shift > -300.0
}

/// The regrouped evaluations' shift for a stratum whose largest η is `max`.
pub(crate) fn regrouped_shift(max: f64) -> f64 {
    if max.is_finite() && max > 200.0 {
        max
    } else {
        0.0
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
    let mut nrisk = 0usize;
    // Removal pointer into this stratum's rows sorted by start time, descending.
    let by_start: &[usize] = match prep.by_start_bounds.get(s) {
        Some(&(lo, hi)) => &prep.by_start[lo..hi],
        None => &[],
    };
    let mut rm = 0usize;
    let mut k = b0;
    // Right-censored fits leave the sorted stop times out until after the iterations (prep.rs); the tie groups
    // say the same thing, and the time itself is then unknown (NaN) to the sink.
    let by_group = prep.stop.is_empty();
    while k < b1 {
        let dtime = if by_group { f64::NAN } else { prep.stop[k] };
        let group_end = if by_group {
            let g = prep.groups.partition_point(|&x| x as usize <= k);
            (prep.groups[g] as usize).min(b1)
        } else {
            b1
        };
        if prep.counting {
            while rm < by_start.len() && prep.start[by_start[rm]] >= dtime {
                let q = by_start[rm];
                rm += 1;
                nrisk -= 1;
                if nrisk == 0 {
                    // Everyone has left: restart the sums from zero rather than carry round-off.
                    denom = 0.0;
                    a.iter_mut().for_each(|v| *v = 0.0);
                    cmat.iter_mut().for_each(|v| *v = 0.0);
                } else {
                    let r = prep.weight[q] * (dot(beta, prep.row(q)) - shift).exp();
                    denom -= r;
                    add_outer(&mut a, &mut cmat, prep.row(q), -r);
                }
            }
        }
        let (mut nd, mut deadwt, mut denom2) = (0usize, 0.0, 0.0);
        while k < group_end && (by_group || prep.stop[k] == dtime) {
            if !prep.ignore[k] {
                let x = prep.row(k);
                let w = prep.weight[k];
                let eta = dot(beta, x) - shift;
                let r = w * eta.exp();
                nrisk += 1;
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
            k += 1;
        }
        if nd == 0 {
            continue;
        }
        let steps = if ties == Ties::Breslow || nd == 1 {
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
