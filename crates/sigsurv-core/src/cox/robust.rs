//! The robust (infinitesimal-jackknife, sandwich) variance and robust score test of R's `coxph`.
//!
//! ```text
//! D_g = Σ_{i ∈ cluster g} w_i L_i(β̂) I(β̂)⁻¹        (weighted dfbeta residuals summed within clusters)
//! V   = Σ_g D_gᵀ D_g
//! T_g = Σ_{i ∈ g} w_i L_i(0),   robust score = (Σ_g T_g)ᵀ (Σ_g T_gᵀ T_g)⁻ (Σ_g T_g)
//! ```
//! with `L_i` the score residuals ([`super::resid`]); without a cluster every row is its own cluster.
//! Reference: Lin & Wei (1989) JASA 84:1074; Therneau & Grambsch (2000) section 7.2.
//! R: `coxph(..., robust = TRUE)` or `+ cluster(id)`: `fit$var`, `fit$naive.var`, `fit$rscore`.

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

use super::chol::Ldl;
use super::prep::Prepared;
use super::resid::residuals;
use super::risk::EventTable;
use super::ties::Ties;

pub(crate) struct Robust {
    pub var: Vec<f64>,
    pub score: f64,
}

/// Dense 0-based group index of each sorted position (clusters, or one group per row).
pub(crate) fn groups(prep: &Prepared, cluster: Option<&[u32]>) -> (Vec<usize>, usize) {
    match cluster {
        None => ((0..prep.n).collect(), prep.n),
        Some(c) => {
            let mut codes: Vec<u32> = c.to_vec();
            codes.sort_unstable();
            codes.dedup();
            let g = prep
                .order
                .iter()
                .map(|&i| codes.binary_search(&c[i as usize]).unwrap_or(0))
                .collect();
            (g, codes.len())
        }
    }
}

/// Weighted score residuals (times `mult`, if given) summed within groups: g × p row-major.
fn collapsed(
    prep: &Prepared,
    score: &[f64],
    mult: Option<&[f64]>,
    group: &[usize],
    ng: usize,
) -> Vec<f64> {
    let p = prep.p;
    let mut out = vec![0.0; ng * p];
    let mut row = vec![0.0; p];
    for k in 0..prep.n {
        let w = prep.weight[k];
        let l = &score[k * p..(k + 1) * p];
        match mult {
            Some(v) => {
                for j in 0..p {
                    row[j] = (0..p).map(|i| l[i] * v[i * p + j]).sum::<f64>() * w;
                }
            }
            None => row.iter_mut().zip(l).for_each(|(r, l)| *r = w * l),
        }
        let g = group[k];
        out[g * p..(g + 1) * p]
            .iter_mut()
            .zip(&row)
            .for_each(|(o, r)| *o += r);
    }
    out
}

fn crossprod(m: &[f64], p: usize) -> Vec<f64> {
    let mut out = vec![0.0; p * p];
    for r in m.chunks_exact(p.max(1)) {
        for i in 0..p {
            for j in 0..=i {
                out[i * p + j] += r[i] * r[j];
            }
        }
    }
    for i in 0..p {
        for j in 0..i {
            out[j * p + i] = out[i * p + j];
        }
    }
    out
}

pub(crate) fn robust(
    prep: &Prepared,
    ties: Ties,
    coef: &[f64],
    naive_var: &[f64],
    cluster: Option<&[u32]>,
    toler: f64,
) -> Robust {
    let p = prep.p;
    let (group, ng) = groups(prep, cluster);
    let beta: Vec<f64> = coef.iter().zip(&prep.scale).map(|(b, s)| b / s).collect();
    let table = EventTable::new(prep, &beta, ties);
    let (_, score) = residuals(prep, &table, true);
    let d = collapsed(prep, &score, Some(naive_var), &group, ng);
    let var = crossprod(&d, p);

    let table0 = EventTable::at_zero(prep, ties);
    let (_, score0) = residuals(prep, &table0, true);
    let t = collapsed(prep, &score0, None, &group, ng);
    let mut u = vec![0.0; p];
    for r in t.chunks_exact(p.max(1)) {
        u.iter_mut().zip(r).for_each(|(u, r)| *u += r);
    }
    let score = Ldl::new(&crossprod(&t, p), p, toler).quad_form(&u);
    Robust { var, score }
}
