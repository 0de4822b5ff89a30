//! Newton–Raphson on the penalized log partial likelihood at fixed penalty weights, with the iteration rules of
//! R survival's `coxfit5_b`.
//!
//! The objective is `ℓ(β) − ½ βᵀ P β`; each step solves `(I(β) + P) δ = U(β) − P β`. Unlike `coxfit6`, a step
//! that lowers the objective is halved once towards the last accepted β (and again while it stays lower), and
//! the fit has converged when `|1 − best / new| ≤ eps` after a full step. Newton's iterates do not depend on the
//! centring and scaling of the covariates, so the iterations run on the prepared (centred, scaled) ones with the
//! penalty carried over to that scale.

use crate::cox::chol::Ldl;
use crate::cox::eval::{evaluate, Eval};
use crate::cox::options::CoxOptions;
use crate::cox::prep::Prepared;

/// The fit at one set of penalty weights, on the prepared covariates' scale.
pub(super) struct PenalizedNewton {
    pub beta: Vec<f64>,
    /// ℓ, U and the unpenalized information at `beta`.
    pub eval: Eval,
    /// The factorisation of `I + P`.
    pub hf: Ldl,
    /// `½ βᵀ P β` at `beta`.
    pub penalty: f64,
    pub converged: bool,
    pub iterations: usize,
}

/// Iterates from `init` with the full penalty matrix `pen` (row-major p × p, on the prepared scale).
pub(super) fn penalized_newton(
    prep: &Prepared,
    opts: &CoxOptions,
    pen: &[f64],
    init: &[f64],
) -> PenalizedNewton {
    let p = prep.p;
    let mut beta = init.to_vec();
    let mut oldbeta = init.to_vec();
    // coxfit5_b starts from a stored log likelihood of 0, so the first evaluation never passes the test.
    let mut best = 0.0;
    let mut halving = false;
    let mut iter = 0;
    loop {
        let eval = evaluate(prep, &beta, opts.ties);
        let pb = mat_vec(pen, &beta, p);
        let penalty = 0.5 * dot(&beta, &pb);
        let newlk = eval.loglik - penalty;
        let mut h = eval.imat_full(p);
        h.iter_mut().zip(pen).for_each(|(a, b)| *a += b);
        let hf = Ldl::new(&h, p, opts.toler_chol);
        let converged =
            newlk.abs() < opts.eps || ((1.0 - best / newlk).abs() <= opts.eps && !halving);
        if converged || iter == opts.iter_max {
            return PenalizedNewton {
                beta,
                eval,
                hf,
                penalty,
                converged,
                iterations: iter,
            };
        }
        if iter > 0 && newlk < best {
            halving = true;
            beta.iter_mut()
                .zip(&oldbeta)
                .for_each(|(b, o)| *b = (*o + *b) / 2.0);
        } else {
            halving = false;
            best = newlk;
            let mut step: Vec<f64> = eval.u.iter().zip(&pb).map(|(u, q)| u - q).collect();
            hf.solve(&mut step);
            oldbeta.clone_from(&beta);
            beta.iter_mut().zip(&step).for_each(|(b, d)| *b += d);
        }
        iter += 1;
    }
}

pub(super) fn mat_vec(a: &[f64], x: &[f64], p: usize) -> Vec<f64> {
    (0..p).map(|i| dot(&a[i * p..(i + 1) * p], x)).collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
