//! ℓ(β), U(β) and I(β) for right-censored data in parallel blocks of rows, bit-identical for any
//! number of threads. Used when the distinct times are many (else `grouped.rs` reads the covariates once).
//!
//! The per-event-time sums of the reference pass (`sequential.rs`) are regrouped so that rows can be processed independently.
//! At an event time t with risk-set sums S0, A = S1, C = S2 (all rows with stop ≥ t), event sums E,
//! A_D, C_D, the terms are those of `tie_terms.rs`:
//! ```text
//! ℓ −= Σ_k ω log D_k
//! U −= g1 A − g2 A_D
//! I += g1 C − g2 C_D − [h0 A Aᵀ − h1 (A A_Dᵀ + A_D Aᵀ) + h2 A_D A_Dᵀ]
//! ```
//! Summed over t, the C and A terms become per-row weights: row i contributes `r_i c_i x_i` to U and
//! `r_i c_i x_i x_iᵀ` to I with `c_i = Λ1(t_i) − δ_i g2(t_i)`, `Λ1(s) = Σ_{event t ≤ s} g1(t)`. Only the
//! rank-one terms need the running A(t); within a block, `A = A_off + L(t)` with L the block's own
//! running sum and A_off the sum of the earlier blocks of the stratum, so each block reports
//! `H0 = Σ h0`, `V = Σ (h0 L − h1 A_D)` and `M = Σ [h0 L Lᵀ − h1 (L A_Dᵀ + A_D Lᵀ) + h2 A_D A_Dᵀ]`, and the
//! blocks are combined in order: `I −= M + H0 A_off A_offᵀ + A_off Vᵀ + V A_offᵀ`.
//!
//! Passes: (1) η and exp(η − shift) per block, in parallel; (2) one scalar pass over the tie groups
//! for D_k, ℓ and the g, h coefficients; (3) the block sums, in parallel; (4) the fixed-order combine.
//! The algebra is that of R's `coxfit6` (Therneau & Grambsch 2000, sections 3.2–3.3); only the order of
//! the floating-point additions differs.

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

use super::super::outer::{add_outer_rows, lower};
use super::super::prep::Prepared;
use super::super::tie_terms::TieTerms;
use super::super::ties::Ties;
use super::kernels::Kernels;
use super::sequential::evaluate_by_strata;
use super::shift::{regrouped_exact, regrouped_shift};
use super::value::Eval;
use rayon::prelude::*;

/// The sums one block hands to the combine step.
struct BlockSums {
    /// Σ δ w x − Σ r c x (the block's share of U).
    u: Vec<f64>,
    /// Σ r c x xᵀ − M, packed lower triangle.
    imat: Vec<f64>,
    /// L at the end of the block (Σ r x over its rows), V and H0.
    l: Vec<f64>,
    v: Vec<f64>,
    h0: f64,
}

/// Coefficients of one tie group: its event time's terms (zero for groups without events) and Λ1.
#[derive(Clone, Copy, Default)]
struct GroupCoef {
    /// Λ1 at this time (cumulative over this and later groups of the stratum).
    lam: f64,
    t: TieTerms,
}

pub(crate) fn evaluate_blocked(
    prep: &Prepared,
    beta: &[f64],
    ties: Ties,
    kernels: Kernels,
) -> Eval {
    let p = prep.p;
    let np = p * (p + 1) / 2;
    let g = &prep.groups;
    let rows_of = |b: &(usize, usize, usize)| g[b.0] as usize..g[b.1] as usize;

    // (1) η per row; per block: max η and Σ δ w η.
    let mut risk = prep.row_buffer.take(prep.n);
    let mut chunks: Vec<&mut [f64]> = Vec::with_capacity(prep.blocks.len());
    let mut rest = risk.as_mut_slice();
    for b in &prep.blocks {
        let (head, tail) = rest.split_at_mut(rows_of(b).len());
        chunks.push(head);
        rest = tail;
    }
    let stats: Vec<(f64, f64, f64)> = chunks
        .par_iter_mut()
        .zip(&prep.blocks)
        .map(|(out, b)| {
            let (mut max, mut min, mut ll) = (f64::NEG_INFINITY, f64::INFINITY, 0.0);
            for (o, k) in out.iter_mut().zip(rows_of(b)) {
                let eta = prep.eta(beta, k);
                *o = eta;
                max = max.max(eta);
                min = min.min(eta);
                if prep.event[k] {
                    ll += prep.weight[k] * eta;
                }
            }
            (max, min, ll)
        })
        .collect();
    // A shift of η per stratum that keeps exp() finite (shift.rs).
    let mut shift = vec![f64::NEG_INFINITY; prep.strata.len()];
    let mut min = vec![f64::INFINITY; prep.strata.len()];
    for (b, st) in prep.blocks.iter().zip(&stats) {
        shift[b.2] = shift[b.2].max(st.0);
        min[b.2] = min[b.2].min(st.1);
    }
    let max_eta = shift.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for s in shift.iter_mut() {
        *s = regrouped_shift(*s);
    }
    if min
        .iter()
        .zip(&shift)
        .any(|(&m, &s)| !regrouped_exact(m, s))
    {
        drop(chunks);
        prep.row_buffer.give_back(risk);
        return evaluate_by_strata(prep, beta, ties);
    }
    let mut loglik: f64 = stats.iter().map(|st| st.2).sum();
    chunks
        .par_iter_mut()
        .zip(&prep.blocks)
        .for_each(|(out, b)| {
            for (o, k) in out.iter_mut().zip(rows_of(b)) {
                *o = prep.weight[k] * (*o - shift[b.2]).exp();
            }
        });
    drop(chunks);
    let ngroups = g.len() - 1;

    // (2) Scalar pass over the groups of each stratum, descending time.
    let mut coef = vec![GroupCoef::default(); ngroups];
    let mut gstart = 0;
    for (s, &(_, b1)) in prep.strata.iter().enumerate() {
        let mut gend = gstart;
        while (g[gend] as usize) < b1 {
            gend += 1;
        }
        let mut s0 = 0.0;
        for gi in gstart..gend {
            let (mut nd, mut wd, mut e) = (0usize, 0.0, 0.0);
            for k in g[gi] as usize..g[gi + 1] as usize {
                s0 += risk[k];
                if prep.event[k] {
                    nd += 1;
                    wd += prep.weight[k];
                    e += risk[k];
                }
            }
            if nd == 0 {
                continue;
            }
            let t = TieTerms::new(s0, e, nd, wd, ties);
            loglik -= t.log_terms;
            coef[gi].t = t;
        }
        // Λ1 accumulates from the last (smallest) time upwards.
        let mut lam = 0.0;
        for gi in (gstart..gend).rev() {
            lam += coef[gi].t.g1;
            coef[gi].lam = lam;
        }
        if shift[s] != 0.0 {
            // log D_k was taken on the shifted scale: log D = log D_shifted + shift for each of w_D.
            let wd: f64 = (prep.strata[s].0..b1)
                .filter(|&k| prep.event[k])
                .map(|k| prep.weight[k])
                .sum();
            loglik -= wd * shift[s];
        }
        gstart = gend;
    }

    // (3) Block sums in parallel.
    let sums: Vec<BlockSums> = prep
        .blocks
        .par_iter()
        .map(|b| kernels.run(|| block_sums(prep, b, &coef, &risk)))
        .collect();

    // (4) Combine in block order; A_off restarts at each stratum.
    let mut e = Eval {
        loglik,
        u: vec![0.0; p],
        imat: vec![0.0; np],
        max_eta,
    };
    let mut off = vec![0.0; p];
    let mut cur = usize::MAX;
    for (b, s) in prep.blocks.iter().zip(&sums) {
        if b.2 != cur {
            cur = b.2;
            off.iter_mut().for_each(|v| *v = 0.0);
        }
        for j in 0..p {
            e.u[j] += s.u[j];
        }
        let mut idx = 0;
        for i in 0..p {
            for j in 0..=i {
                e.imat[idx] +=
                    s.imat[idx] - (s.h0 * off[i] * off[j] + off[i] * s.v[j] + s.v[i] * off[j]);
                idx += 1;
            }
        }
        for j in 0..p {
            off[j] += s.l[j];
        }
    }
    prep.row_buffer.give_back(risk);
    e
}

/// Pass (3) for one block: the block's share of U, its Σ r c x xᵀ − M, and L, V, H0 for the combine.
#[inline(always)]
fn block_sums(
    prep: &Prepared,
    b: &(usize, usize, usize),
    coef: &[GroupCoef],
    risk: &[f64],
) -> BlockSums {
    let p = prep.p;
    let np = p * (p + 1) / 2;
    let g = &prep.groups;
    let mut out = BlockSums {
        u: vec![0.0; p],
        imat: vec![0.0; np],
        l: vec![0.0; p],
        v: vec![0.0; p],
        h0: 0.0,
    };
    let mut rcx = vec![0.0; p];
    // Σ r c x xᵀ as a full p x p square: fixed-length rows vectorise; its lower triangle holds exactly
    // the sums (same products, same order) a packed triangle would.
    let mut rcxx = vec![0.0; p * p];
    let mut ad = vec![0.0; p];
    // M as a full p x p square, its lower triangle filled by whole vectors (as `rcxx`): the same products and
    // sums per element as a packed triangle, in vector instructions.
    let mut m = vec![0.0; p * p];
    // Weight r c of each row of the block, for the outer products taken after the loop.
    let first = g[b.0] as usize;
    let mut rc = vec![0.0; g[b.1] as usize - first];
    for gi in b.0..b.1 {
        let GroupCoef { lam, t: c } = coef[gi];
        if c.multi {
            ad.iter_mut().for_each(|v| *v = 0.0);
        }
        let mut any_event = false;
        for k in g[gi] as usize..g[gi + 1] as usize {
            let x = prep.row(k);
            let r = risk[k];
            let ev = prep.event[k];
            let ck = if ev { lam - c.g2 } else { lam };
            rc[k - first] = r * ck;
            for j in 0..p {
                out.l[j] += r * x[j];
            }
            if ev {
                any_event = true;
                let w = prep.weight[k];
                for j in 0..p {
                    out.u[j] += w * x[j];
                }
                if c.multi {
                    for j in 0..p {
                        ad[j] += r * x[j];
                    }
                }
            }
        }
        if !any_event {
            continue;
        }
        out.h0 += c.h0;
        let l = &out.l;
        for i in 0..p {
            out.v[i] += c.h0 * l[i] - if c.multi { c.h1 * ad[i] } else { 0.0 };
            let row = &mut m[i * p..i * p + lower(i, p)];
            let hl = c.h0 * l[i];
            if c.multi {
                let (h2a, h1l, h1a) = (c.h2 * ad[i], l[i], ad[i]);
                for ((mj, &lj), &aj) in row.iter_mut().zip(l).zip(&ad) {
                    let t = hl * lj;
                    *mj += t + (h2a * aj - c.h1 * (h1l * aj + h1a * lj));
                }
            } else {
                for (mj, &lj) in row.iter_mut().zip(l) {
                    *mj += hl * lj;
                }
            }
        }
    }
    add_outer_rows(&mut rcx, &mut rcxx, prep, |q| first + q, &rc);
    for j in 0..p {
        out.u[j] -= rcx[j];
    }
    let mut idx = 0;
    for i in 0..p {
        for j in 0..=i {
            out.imat[idx] = rcxx[i * p + j] - m[i * p + j];
            idx += 1;
        }
    }
    out
}
