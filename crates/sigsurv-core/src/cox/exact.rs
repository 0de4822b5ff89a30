//! The exact partial likelihood for tied event times (R's `ties = "exact"`, survival's `coxexact`): the
//! discrete-time logistic model, in which the d events tied at a time are one draw of d subjects from the risk
//! set.
//!
//! ```text
//! ℓ(β) = Σ_t [ Σ_{i ∈ D(t)} η_i − log B_d(R(t)) ]      B_d(R) = Σ_{S ⊂ R, |S| = d} Π_{i ∈ S} r_i,   r = exp(η)
//! ```
//! B and its derivatives come from the recursion over the risk set's members (Gail, Lubin & Rubinstein 1981):
//! B_k(m) = B_k(m − 1) + r_m B_{k−1}(m − 1), B_0 = 1; ∂_j B_k(m) = ∂_j B_k(m − 1) + r_m [x_mj B_{k−1}(m − 1) +
//! ∂_j B_{k−1}(m − 1)]; ∂_jl B_k(m) = ∂_jl B_k(m − 1) + r_m [x_mj x_ml B_{k−1}(m − 1) + x_mj ∂_l B_{k−1}(m − 1) +
//! x_ml ∂_j B_{k−1}(m − 1) + ∂_jl B_{k−1}(m − 1)]. Rows are in decreasing time within a stratum, so each risk set
//! is a prefix and the recursion runs once per stratum (O(K n p²), K the largest tie). U_j = Σ_D x_j − ∂_j B/B,
//! I_jl = ∂_jl B/B − (∂_j B/B)(∂_l B/B). The r are shifted by the stratum's largest η so that the products stay
//! finite (B scales by e^{dc}; the ratios do not change).
//!
//! The iterations follow `coxexact`: a full Newton step, converged when |1 − ℓ_best/ℓ_new| ≤ eps with no halving
//! under way; a step that lowers ℓ is halved towards the last accepted β; out of iterations, the last β tried
//! is reported with ℓ there and `iter.max` as the iteration count.

#![allow(clippy::needless_range_loop)] // index loops mirror the recursion's subscripts

use super::eval::Eval;
use super::newton::{chol, Newton};
use super::prep::Prepared;
use super::{CoxData, CoxOptions};
use crate::error::{CoreError, Result};

/// The most arithmetic (tie size × rows × (1 + p + p(p+1)/2), summed over strata) one evaluation may take
/// before the exact method is refused as too slow: about a second per Newton step.
const MAX_WORK: f64 = 2e9;

/// Refuses data the exact method cannot take (R: case weights; counting-process data needs R's `agexact`,
/// not implemented) or would take too long on, naming the largest tie.
pub(crate) fn check(data: &CoxData, prep: &Prepared, robust: bool) -> Result<()> {
    if data.start.is_some() {
        return Err(CoreError::InvalidArgument(
            "ties = \"exact\" is implemented for right-censored data only (R's agexact for (start, stop] data \
             is not): use Efron's approximation"
                .into(),
        ));
    }
    if data.weights.is_some_and(|w| w.iter().any(|&v| v != 1.0)) {
        return Err(CoreError::InvalidArgument(
            "case weights are not supported for the exact method (as in R): use Efron's approximation".into(),
        ));
    }
    if robust {
        return Err(CoreError::InvalidArgument(
            "a robust variance needs score residuals, which the exact method does not have (as in R): use \
             Efron's approximation"
                .into(),
        ));
    }
    let p = prep.p as f64;
    let per_row = 1.0 + p + p * (p + 1.0) / 2.0;
    let mut work = 0.0;
    let mut largest = (0usize, 0usize); // (events, sorted position of the group)
    for &(a, b) in &prep.strata {
        let k = max_tie(prep, a, b, &mut largest);
        work += k as f64 * (b - a) as f64 * per_row;
    }
    if work > MAX_WORK {
        return Err(CoreError::InvalidArgument(format!(
            "ties = \"exact\" would take too long here: the largest tie has {} events (at row {}), and the exact \
             likelihood sums over every way of choosing them from the risk set; use Efron's approximation",
            largest.0,
            prep.order[largest.1] as usize + 1
        )));
    }
    Ok(())
}

/// The tie groups (half-open ranges of sorted positions) of the stratum at sorted positions a..b.
fn tie_groups(prep: &Prepared, a: usize, b: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let lo = prep.groups.partition_point(|&g| (g as usize) < a);
    let hi = prep.groups.partition_point(|&g| (g as usize) < b);
    prep.groups[lo..=hi.min(prep.groups.len() - 1)]
        .windows(2)
        .map(|w| (w[0] as usize, w[1] as usize))
}

/// The largest number of events in one tie group of the stratum at sorted positions a..b.
fn max_tie(prep: &Prepared, a: usize, b: usize, largest: &mut (usize, usize)) -> usize {
    let mut k = 0;
    for (g0, g1) in tie_groups(prep, a, b) {
        let d = (g0..g1).filter(|&i| prep.event[i]).count();
        k = k.max(d);
        if d > largest.0 {
            *largest = (d, g0);
        }
    }
    k
}

/// ℓ(β), U(β) and I(β) of the exact partial likelihood on prepared (scaled) covariates.
pub(crate) fn evaluate(prep: &Prepared, beta: &[f64]) -> Eval {
    let p = prep.p;
    let np = p * (p + 1) / 2;
    let mut out = Eval {
        loglik: 0.0,
        u: vec![0.0; p],
        imat: vec![0.0; np],
        max_eta: f64::NEG_INFINITY,
    };
    let eta: Vec<f64> = (0..prep.n)
        .map(|i| (0..p).map(|j| prep.x[i * p + j] * beta[j]).sum::<f64>() + prep.offset[i])
        .collect();
    for &(a, b) in &prep.strata {
        let mut ignore = (0, 0);
        let k = max_tie(prep, a, b, &mut ignore);
        if k == 0 {
            continue;
        }
        let shift = eta[a..b].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        out.max_eta = out.max_eta.max(shift);
        // b0[k], b1[k * p + j], b2[k * np + jl]: the sums over subsets of size k of the rows added so far.
        let mut b0 = vec![0.0; k + 1];
        let mut b1 = vec![0.0; (k + 1) * p];
        let mut b2 = vec![0.0; (k + 1) * np];
        b0[0] = 1.0;
        for (g0, g1) in tie_groups(prep, a, b) {
            for m in g0..g1 {
                let r = (eta[m] - shift).exp();
                let x = &prep.x[m * p..(m + 1) * p];
                // Larger subset sizes first, so that the size-(k − 1) sums are still those without row m.
                for size in (1..=k).rev() {
                    let lo = size - 1;
                    let mut jl = 0;
                    for j in 0..p {
                        for l in 0..=j {
                            b2[size * np + jl] += r
                                * (x[j] * x[l] * b0[lo]
                                    + x[j] * b1[lo * p + l]
                                    + x[l] * b1[lo * p + j]
                                    + b2[lo * np + jl]);
                            jl += 1;
                        }
                    }
                    for j in 0..p {
                        b1[size * p + j] += r * (x[j] * b0[lo] + b1[lo * p + j]);
                    }
                    b0[size] += r * b0[lo];
                }
            }
            let d = (g0..g1).filter(|&i| prep.event[i]).count();
            if d == 0 {
                continue;
            }
            let denom = b0[d];
            out.loglik -= denom.ln();
            for i in (g0..g1).filter(|&i| prep.event[i]) {
                out.loglik += eta[i] - shift;
                for j in 0..p {
                    out.u[j] += prep.x[i * p + j];
                }
            }
            let mean: Vec<f64> = (0..p).map(|j| b1[d * p + j] / denom).collect();
            let mut jl = 0;
            for j in 0..p {
                out.u[j] -= mean[j];
                for l in 0..=j {
                    out.imat[jl] += b2[d * np + jl] / denom - mean[j] * mean[l];
                    jl += 1;
                }
            }
        }
    }
    out
}

/// Newton-Raphson as survival's `coxexact`.
pub(crate) fn newton(prep: &Prepared, opts: &CoxOptions) -> Newton {
    let p = prep.p;
    let mut beta = vec![0.0; p];
    let e0 = evaluate(prep, &beta);
    let f0 = chol(&e0, p, opts.toler_chol);
    let mut step = e0.u.clone();
    f0.solve(&mut step);
    let sctest: f64 = e0.u.iter().zip(&step).map(|(a, b)| a * b).sum();
    let loglik0 = e0.loglik;
    if opts.iter_max == 0 {
        return Newton::on_original_scale(
            prep,
            beta,
            &e0,
            &f0,
            [loglik0, loglik0, sctest],
            true,
            0,
        );
    }
    let mut oldbeta = beta.clone();
    beta.iter_mut().zip(&step).for_each(|(b, d)| *b += d);
    let mut best = loglik0;
    let mut halving = false;
    let mut iter = 1;
    loop {
        let e = evaluate(prep, &beta);
        let f = chol(&e, p, opts.toler_chol);
        if (1.0 - best / e.loglik).abs() <= opts.eps && !halving {
            let ll = e.loglik;
            return Newton::on_original_scale(
                prep,
                beta,
                &e,
                &f,
                [loglik0, ll, sctest],
                true,
                iter,
            );
        }
        if iter == opts.iter_max {
            let ll = e.loglik;
            return Newton::on_original_scale(
                prep,
                beta,
                &e,
                &f,
                [loglik0, ll, sctest],
                false,
                iter,
            );
        }
        if e.loglik < best {
            halving = true;
            for (b, ob) in beta.iter_mut().zip(&oldbeta) {
                *b = (ob + *b) / 2.0;
            }
        } else {
            halving = false;
            best = e.loglik;
            let mut d = e.u.clone();
            f.solve(&mut d);
            oldbeta.clone_from(&beta);
            beta.iter_mut().zip(&d).for_each(|(b, d)| *b += d);
        }
        iter += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::lcg;

    /// The reference: every subset of the risk set of each tie listed and summed, the derivatives by the
    /// formula (Σ_S x_S Π r / B and Σ_S x_S x_Sᵀ Π r / B), on the prepared covariates.
    fn brute_force(prep: &Prepared, beta: &[f64]) -> (f64, Vec<f64>, Vec<f64>) {
        let p = prep.p;
        let eta: Vec<f64> = (0..prep.n)
            .map(|i| (0..p).map(|j| prep.x[i * p + j] * beta[j]).sum::<f64>() + prep.offset[i])
            .collect();
        let (mut ll, mut u, mut imat) = (0.0, vec![0.0; p], vec![0.0; p * p]);
        for &(a, b) in &prep.strata {
            for (g0, g1) in tie_groups(prep, a, b) {
                let deaths: Vec<usize> = (g0..g1).filter(|&i| prep.event[i]).collect();
                let d = deaths.len();
                if d == 0 {
                    continue;
                }
                let risk: Vec<usize> = (a..g1).collect();
                let (mut b0, mut b1, mut b2) = (0.0, vec![0.0; p], vec![0.0; p * p]);
                for mask in 0u32..(1 << risk.len()) {
                    if mask.count_ones() as usize != d {
                        continue;
                    }
                    let members: Vec<usize> = (0..risk.len())
                        .filter(|&k| mask >> k & 1 == 1)
                        .map(|k| risk[k])
                        .collect();
                    let w: f64 = members.iter().map(|&i| eta[i]).sum::<f64>().exp();
                    let xs: Vec<f64> = (0..p)
                        .map(|j| members.iter().map(|&i| prep.x[i * p + j]).sum())
                        .collect();
                    b0 += w;
                    for j in 0..p {
                        b1[j] += w * xs[j];
                        for l in 0..p {
                            b2[j * p + l] += w * xs[j] * xs[l];
                        }
                    }
                }
                ll += deaths.iter().map(|&i| eta[i]).sum::<f64>() - b0.ln();
                for j in 0..p {
                    u[j] += deaths.iter().map(|&i| prep.x[i * p + j]).sum::<f64>() - b1[j] / b0;
                    for l in 0..p {
                        imat[j * p + l] += b2[j * p + l] / b0 - b1[j] * b1[l] / (b0 * b0);
                    }
                }
            }
        }
        (ll, u, imat)
    }

    #[test]
    fn the_recursion_equals_the_sum_over_every_subset() {
        let mut next = lcg(7);
        let mut uniform = move || next() as f64 / (1u64 << 31) as f64;
        for case in 0..60 {
            let n = 2 + case % 11;
            let p = 1 + case % 3;
            let time: Vec<f64> = (0..n).map(|_| (uniform() * 4.0).floor()).collect();
            let event: Vec<bool> = (0..n).map(|_| uniform() < 0.7).collect();
            let x: Vec<f64> = (0..n * p).map(|_| uniform() * 2.0 - 1.0).collect();
            let strata: Vec<u32> = (0..n).map(|i| (i % (1 + case % 2)) as u32).collect();
            let names: Vec<String> = (0..p).map(|j| format!("x{j}")).collect();
            let data = CoxData::new(&time, &event, &x, &names).with_strata(&strata);
            let prep = Prepared::new(&data, false).unwrap();
            let beta: Vec<f64> = (0..p).map(|j| 0.4 - 0.3 * j as f64).collect();
            let fast = evaluate(&prep, &beta);
            let (ll, u, imat) = brute_force(&prep, &beta);
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-10 * (1.0 + b.abs());
            assert!(
                close(fast.loglik, ll),
                "case {case}: {} vs {ll}",
                fast.loglik
            );
            for j in 0..p {
                assert!(close(fast.u[j], u[j]), "case {case}: u[{j}]");
                for l in 0..=j {
                    assert!(
                        close(fast.imat[j * (j + 1) / 2 + l], imat[j * p + l]),
                        "case {case}: I[{j},{l}]"
                    );
                }
            }
        }
    }
}
