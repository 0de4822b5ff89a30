//! ℓ(β), U(β) and I(β) for right-censored data with few distinct times, in one read of the covariates.
//!
//! Each tie group (rows of one stratum with one stop time) is summed once, in parallel blocks of groups:
//! `S0 = Σ r`, `E = Σ_deaths r`, `L = Σ r x`, `A_D = Σ_deaths r x`, `C = Σ r x xᵀ`, `C_D = Σ_deaths r x xᵀ`
//! with `r = w exp(η)`, plus the deaths' `Σ w η` and `Σ w x`. A short sequential pass over the groups of each
//! stratum (descending time) then keeps the risk-set totals S0, A = Σ L and C = Σ C_g running and adds each
//! event time's terms (`tie_terms.rs`): ℓ, U and I exactly as R's `coxfit6`, the running sums taken per
//! time instead of per row: the algebra of the reference pass (`sequential.rs`), regrouped per tie group.
//!
//! The covariates (the bulk of the data) are read once per evaluation instead of twice (`blocked.rs` reads them
//! for η and again for the weighted sums, because its per-row weights need the risk-set totals first). The group
//! sums take `O(p²)` numbers per group, so this path is used when the groups are few next to the rows (times
//! in days, months or years: the usual case at scale); see [`fits`].
//!
//! Results do not depend on the number of threads: the blocks are fixed by the data and each group's sums run
//! in row order.

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

use super::super::outer::add_outer_rows;
use super::super::prep::Prepared;
use super::super::tie_terms::TieTerms;
use super::super::ties::Ties;
use super::kernels::Kernels;
use super::sequential::evaluate_by_strata;
use super::shift::{regrouped_exact, regrouped_shift};
use super::value::Eval;
use rayon::prelude::*;

/// Layout of one group's sums in the flat buffer: 5 scalars, three p-vectors, two packed lower triangles.
struct Layout {
    p: usize,
}

const S0: usize = 0;
const E: usize = 1;
const WD: usize = 2;
const WETA: usize = 3;
const ND: usize = 4;

impl Layout {
    fn tri(&self) -> usize {
        self.p * (self.p + 1) / 2
    }
    fn stride(&self) -> usize {
        5 + 3 * self.p + 2 * self.tri()
    }
    /// Σ_deaths w x.
    fn ux(&self) -> std::ops::Range<usize> {
        5..5 + self.p
    }
    /// Σ r x over all rows.
    fn l(&self) -> std::ops::Range<usize> {
        5 + self.p..5 + 2 * self.p
    }
    /// Σ_deaths r x.
    fn ad(&self) -> std::ops::Range<usize> {
        5 + 2 * self.p..5 + 3 * self.p
    }
    /// Σ r x xᵀ over all rows (packed lower triangle, `i * (i + 1) / 2 + j`).
    fn c(&self) -> std::ops::Range<usize> {
        let a = 5 + 3 * self.p;
        a..a + self.tri()
    }
    /// Σ_deaths r x xᵀ (packed).
    fn cd(&self) -> std::ops::Range<usize> {
        let a = 5 + 3 * self.p + self.tri();
        a..a + self.tri()
    }
}

/// Whether the group sums are small next to the covariates (at most a quarter of their size, or 1 MB).
pub(crate) fn fits(prep: &Prepared) -> bool {
    let ngroups = prep.groups.len().saturating_sub(1);
    let values = ngroups.saturating_mul(Layout { p: prep.p }.stride());
    !prep.counting && (values <= prep.n * prep.p.max(1) / 4 || values <= 1 << 17)
}

pub(crate) fn evaluate_grouped(
    prep: &Prepared,
    beta: &[f64],
    ties: Ties,
    kernels: Kernels,
) -> Eval {
    let lay = Layout { p: prep.p };
    let ngroups = prep.groups.len() - 1;
    let mut sums = vec![0.0; ngroups * lay.stride()];
    // η is taken unshifted; a stratum whose largest η exceeds 200 is summed again on a shifted scale
    // (`shift.rs`), so that exp() stays finite; an η range too wide for the regrouped algebra goes
    // to the sequential pass.
    let no_shift = vec![0.0; prep.strata.len()];
    let range = sum_groups(prep, beta, &no_shift, &lay, &mut sums, kernels);
    let shift: Vec<f64> = range.iter().map(|&(max, _)| regrouped_shift(max)).collect();
    if range
        .iter()
        .zip(&shift)
        .any(|(&(_, min), &s)| !regrouped_exact(min, s))
    {
        return evaluate_by_strata(prep, beta, ties);
    }
    if shift.iter().any(|&s| s != 0.0) {
        sum_groups(prep, beta, &shift, &lay, &mut sums, kernels);
    }
    let mut e = combine(prep, &lay, &sums, &shift, ties);
    e.max_eta = range.iter().map(|r| r.0).fold(f64::NEG_INFINITY, f64::max);
    e
}

/// Fills every group's sums (parallel blocks of groups); returns the largest and smallest η of each stratum.
fn sum_groups(
    prep: &Prepared,
    beta: &[f64],
    shift: &[f64],
    lay: &Layout,
    sums: &mut [f64],
    kernels: Kernels,
) -> Vec<(f64, f64)> {
    let stride = lay.stride();
    let mut parts: Vec<&mut [f64]> = Vec::with_capacity(prep.blocks.len());
    let mut rest = sums;
    for b in &prep.blocks {
        let (head, tail) = rest.split_at_mut((b.1 - b.0) * stride);
        parts.push(head);
        rest = tail;
    }
    let block_max: Vec<(f64, f64)> = parts
        .into_par_iter()
        .zip(&prep.blocks)
        .map(|(out, b)| kernels.run(|| sum_block(prep, beta, shift[b.2], lay, *b, out)))
        .collect();
    let mut range = vec![(f64::NEG_INFINITY, f64::INFINITY); prep.strata.len()];
    for (b, (max, min)) in prep.blocks.iter().zip(block_max) {
        let r = &mut range[b.2];
        *r = (r.0.max(max), r.1.min(min));
    }
    range
}

/// The sums of the groups of one block into `out` (one stride per group); returns the block's largest and
/// smallest η.
#[inline(always)]
fn sum_block(
    prep: &Prepared,
    beta: &[f64],
    shift: f64,
    lay: &Layout,
    b: (usize, usize, usize),
    out: &mut [f64],
) -> (f64, f64) {
    let p = prep.p;
    let stride = lay.stride();
    let g = &prep.groups;
    let (mut max, mut min) = (f64::NEG_INFINITY, f64::INFINITY);
    // A second pass (shifted η) reuses the buffer.
    out.fill(0.0);
    // Per group: the rows of its deaths and of its censored rows, with their r.
    let (mut dead, mut dead_r, mut cens, mut cens_r) = (vec![], vec![], vec![], vec![]);
    let (mut csq, mut cdsq) = (vec![0.0; p * p], vec![0.0; p * p]);
    let mut etas = Vec::new();
    let zero_beta = shift == 0.0 && !prep.has_offset() && beta.iter().all(|&b| b == 0.0);
    for (gi, o) in (b.0..b.1).zip(out.chunks_exact_mut(stride)) {
        dead.clear();
        dead_r.clear();
        cens.clear();
        cens_r.clear();
        let (k0, k1) = (g[gi] as usize, g[gi + 1] as usize);
        if zero_beta {
            // β = 0 (the first Newton step): η = 0 and r = w, no products or exponentials.
            etas.clear();
            etas.resize(k1 - k0, 0.0);
        } else {
            linear_predictors(prep, beta, k0, k1, &mut etas);
        }
        let (mut s0, mut e, mut wd, mut weta, mut nd) = (0.0, 0.0, 0.0, 0.0, 0usize);
        for (k, &eta) in (k0..k1).zip(&etas) {
            let x = prep.row(k);
            max = max.max(eta);
            min = min.min(eta);
            let w = prep.weight[k];
            let r = if zero_beta {
                w
            } else {
                w * (eta - shift).exp()
            };
            s0 += r;
            if prep.event[k] {
                nd += 1;
                e += r;
                wd += w;
                weta += w * eta;
                o[lay.ux()].iter_mut().zip(x).for_each(|(u, x)| *u += w * x);
                dead.push(k);
                dead_r.push(r);
            } else {
                cens.push(k);
                cens_r.push(r);
            }
        }
        o[S0] = s0;
        o[E] = e;
        o[WD] = wd;
        o[WETA] = weta;
        o[ND] = nd as f64;
        // Deaths into (A_D, C_D); the censored rows into (L, C), which then take the deaths' sums too. The
        // squares are summed in full (rows of one length vectorise) and stored as triangles.
        csq.fill(0.0);
        cdsq.fill(0.0);
        let (l, ad) = o[lay.l().start..lay.ad().end].split_at_mut(p);
        add_outer_rows(ad, &mut cdsq, prep, |q| dead[q], &dead_r);
        add_outer_rows(l, &mut csq, prep, |q| cens[q], &cens_r);
        l.iter_mut().zip(ad.iter()).for_each(|(l, a)| *l += a);
        let (c, cd) = o[lay.c().start..].split_at_mut(lay.tri());
        let mut idx = 0;
        for i in 0..p {
            for j in 0..=i {
                cd[idx] = cdsq[i * p + j];
                c[idx] = csq[i * p + j] + cdsq[i * p + j];
                idx += 1;
            }
        }
    }
    (max, min)
}

/// η = x·β of the rows k0..k1 into `out`, four rows at a time (four independent chains of fused multiply-adds,
/// each in column order).
#[inline(always)]
fn linear_predictors(prep: &Prepared, beta: &[f64], k0: usize, k1: usize, out: &mut Vec<f64>) {
    out.clear();
    let p = prep.p;
    if p == 0 {
        out.resize(k1 - k0, 0.0);
        add_offsets(prep, k0, k1, out);
        return;
    }
    let x = &prep.x[k0 * p..k1 * p];
    let mut quads = x.chunks_exact(4 * p);
    for q in &mut quads {
        let (x0, rest) = q.split_at(p);
        let (x1, rest) = rest.split_at(p);
        let (x2, x3) = rest.split_at(p);
        let (mut a0, mut a1, mut a2, mut a3) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for ((((&b, &y0), &y1), &y2), &y3) in beta.iter().zip(x0).zip(x1).zip(x2).zip(x3) {
            a0 = b.mul_add(y0, a0);
            a1 = b.mul_add(y1, a1);
            a2 = b.mul_add(y2, a2);
            a3 = b.mul_add(y3, a3);
        }
        out.extend_from_slice(&[a0, a1, a2, a3]);
    }
    for r in quads.remainder().chunks_exact(p) {
        out.push(beta.iter().zip(r).fold(0.0, |a, (&b, &x)| b.mul_add(x, a)));
    }
    add_offsets(prep, k0, k1, out);
}

/// η += offset of the rows k0..k1 (when the model has one).
#[inline(always)]
fn add_offsets(prep: &Prepared, k0: usize, k1: usize, out: &mut [f64]) {
    if let Some(o) = prep.offset.each() {
        out.iter_mut().zip(&o[k0..k1]).for_each(|(e, o)| *e += o);
    }
}

/// The sequential pass over each stratum's groups (descending time): running risk-set totals and each event
/// time's terms.
fn combine(prep: &Prepared, lay: &Layout, sums: &[f64], shift: &[f64], ties: Ties) -> Eval {
    let p = prep.p;
    let stride = lay.stride();
    let g = &prep.groups;
    let mut e = Eval {
        loglik: 0.0,
        u: vec![0.0; p],
        imat: vec![0.0; p * (p + 1) / 2],
        max_eta: f64::NEG_INFINITY,
    };
    // The risk-set S0 at each group (running within its stratum), then every event time's terms, in parallel
    // (Efron's take one logarithm and a few divisions per death).
    let ngroups = g.len() - 1;
    let group = |gi: usize| &sums[gi * stride..(gi + 1) * stride];
    let mut s0_at = vec![0.0; ngroups];
    let mut gi = 0;
    for &(_, b1) in &prep.strata {
        let mut s0 = 0.0;
        while gi < ngroups && (g[gi] as usize) < b1 {
            s0 += group(gi)[S0];
            s0_at[gi] = s0;
            gi += 1;
        }
    }
    let terms: Vec<Option<TieTerms>> = (0..ngroups)
        .into_par_iter()
        .map(|gi| {
            let o = group(gi);
            (o[ND] > 0.0).then(|| TieTerms::new(s0_at[gi], o[E], o[ND] as usize, o[WD], ties))
        })
        .collect();
    let mut gi = 0;
    for (s, &(_, b1)) in prep.strata.iter().enumerate() {
        let (mut a, mut c) = (vec![0.0; p], vec![0.0; lay.tri()]);
        let mut wd_all = 0.0;
        while gi < ngroups && (g[gi] as usize) < b1 {
            let o = group(gi);
            let t = terms[gi];
            gi += 1;
            a.iter_mut().zip(&o[lay.l()]).for_each(|(a, l)| *a += l);
            c.iter_mut().zip(&o[lay.c()]).for_each(|(c, x)| *c += x);
            let Some(t) = t else { continue };
            wd_all += o[WD];
            e.loglik += o[WETA] - t.log_terms;
            let (ux, ad, cd) = (&o[lay.ux()], &o[lay.ad()], &o[lay.cd()]);
            let mut idx = 0;
            for i in 0..p {
                e.u[i] += ux[i] - t.g1 * a[i];
                if t.multi {
                    e.u[i] += t.g2 * ad[i];
                }
                for j in 0..=i {
                    let mut v = t.g1 * c[idx] - t.h0 * a[i] * a[j];
                    if t.multi {
                        v += t.h1 * (a[i] * ad[j] + ad[i] * a[j])
                            - t.g2 * cd[idx]
                            - t.h2 * ad[i] * ad[j];
                    }
                    e.imat[idx] += v;
                    idx += 1;
                }
            }
        }
        if shift[s] != 0.0 {
            // log D_k was taken on the shifted scale: log D = log D_shifted + shift for each of w_D.
            e.loglik -= wd_all * shift[s];
        }
    }
    e
}
