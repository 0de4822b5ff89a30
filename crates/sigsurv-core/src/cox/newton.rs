//! Newton–Raphson with step-halving from β = 0, with the exact iteration rules of R survival's
//! `coxfit6` (right-censored data) and `agfit4` (counting-process data).
//!
//! Each step solves `I(β) δ = U(β)` with the generalised Cholesky of [`super::chol`]; the fit has
//! converged when `|1 − ℓ_best / ℓ_new| ≤ eps`. A step that lowers ℓ (or gives a non-finite value) is
//! pulled back towards the last good β: `β_new ← (β_new + h β_old) / (h + 1)` with h = 1, 2, ….
//! The iterations run on centred, scaled covariates; results are mapped back to the original scale.

use super::chol::Ldl;
use super::eval::{evaluate, Eval};
use super::options::CoxOptions;
use super::prep::Prepared;
use super::square::scaled_both_sides;
use super::ties::Ties;

/// Raw result of the iterations, on the original covariate scale.
#[derive(Debug, Clone)]
pub(crate) struct Newton {
    pub beta: Vec<f64>,
    pub loglik0: f64,
    pub loglik: f64,
    /// Score at the final β.
    pub u: Vec<f64>,
    /// Inverse information at the final β (row-major p × p), zero rows/columns for redundant terms.
    pub var: Vec<f64>,
    /// Score test at β = 0: `U(0)ᵀ I(0)⁻ U(0)`.
    pub sctest: f64,
    pub rank: i64,
    pub converged: bool,
    pub iterations: usize,
}

impl Newton {
    /// The result at β (on the prepared, scaled covariates) with the evaluation `e` there and its factorisation
    /// `f`, mapped back to the original scale; `lls` is ℓ(0), ℓ(β̂) and the score test.
    pub(crate) fn on_original_scale(
        prep: &Prepared,
        beta: Vec<f64>,
        e: &Eval,
        f: &Ldl,
        [loglik0, loglik, sctest]: [f64; 3],
        converged: bool,
        iterations: usize,
    ) -> Newton {
        let p = prep.p;
        let inv = f.inverse();
        let s = &prep.scale;
        let var = scaled_both_sides(&inv, s);
        debug_assert_eq!(var.len(), p * p);
        Newton {
            beta: beta.iter().zip(s).map(|(b, s)| b * s).collect(),
            loglik0,
            loglik,
            u: e.u.iter().zip(s).map(|(u, s)| u / s).collect(),
            var,
            sctest,
            rank: f.rank,
            converged,
            iterations,
        }
    }
}

pub(crate) fn chol(e: &Eval, p: usize, toler: f64) -> Ldl {
    Ldl::new(&e.imat_full(p), p, toler)
}

/// Whether R's fitter would see a non-finite evaluation here: an infinite or NaN value, or an η beyond
/// ln(f64::MAX), where its unshifted exp() overflows (sigsurv's shifted sums would stay finite, but then
/// the iterations would leave R's path on fits heading to an infinite coefficient).
fn non_finite(e: &Eval) -> bool {
    e.max_eta > f64::MAX.ln()
        || !e.loglik.is_finite()
        || e.u.iter().any(|v| !v.is_finite())
        || e.imat.iter().any(|v| !v.is_finite())
}

pub(crate) fn newton(prep: &Prepared, opts: &CoxOptions) -> Newton {
    let p = prep.p;
    let ties: Ties = opts.ties;
    let mut beta = vec![0.0; p];
    let e0 = evaluate(prep, &beta, ties);
    let f0 = chol(&e0, p, opts.toler_chol);
    let mut step = e0.u.clone();
    f0.solve(&mut step);
    let sctest: f64 = e0.u.iter().zip(&step).map(|(a, b)| a * b).sum();
    let loglik0 = e0.loglik;

    let finish =
        |beta: Vec<f64>, e: &Eval, f: &Ldl, loglik: f64, converged: bool, iterations: usize| {
            Newton::on_original_scale(
                prep,
                beta,
                e,
                f,
                [loglik0, loglik, sctest],
                converged,
                iterations,
            )
        };
    if opts.iter_max == 0 || !loglik0.is_finite() {
        return finish(beta, &e0, &f0, loglik0, true, 0);
    }

    let mut best = loglik0;
    let mut halving = 0usize;
    if !prep.counting {
        // coxfit6: `newbeta` is the trial point, `beta` the last accepted one.
        let mut newbeta: Vec<f64> = beta.iter().zip(&step).map(|(b, d)| b + d).collect();
        let mut last_good = (e0.clone(), f0.clone());
        for iter in 1..=opts.iter_max {
            let e = evaluate(prep, &newbeta, ties);
            let f = chol(&e, p, opts.toler_chol);
            let bad = non_finite(&e);
            if !bad && (1.0 - best / e.loglik).abs() <= opts.eps {
                return finish(newbeta, &e, &f, e.loglik, true, iter);
            }
            if bad || e.loglik < best {
                halving += 1;
                let h = halving as f64;
                for (nb, b) in newbeta.iter_mut().zip(&beta) {
                    *nb = (*nb + h * b) / (h + 1.0);
                }
            } else {
                halving = 0;
                best = e.loglik;
                let mut d = e.u.clone();
                f.solve(&mut d);
                beta.clone_from(&newbeta);
                newbeta.iter_mut().zip(&d).for_each(|(nb, d)| *nb += d);
                last_good = (e, f);
            }
        }
        // Out of iterations: report the last accepted β (R recomputes ℓ there).
        let (e, f) = if opts.iter_max > 1 {
            let e = evaluate(prep, &beta, ties);
            let f = chol(&e, p, opts.toler_chol);
            (e, f)
        } else {
            last_good
        };
        let ll = e.loglik;
        // coxfit6's loop counter ends one past the limit, and R reports it: `fit$iter` is iter.max + 1.
        return finish(beta, &e, &f, ll, false, opts.iter_max + 1);
    }

    // agfit4: `beta` is the trial point, `oldbeta` the last accepted one; convergence needs a full step.
    let rank0 = f0.rank;
    let mut oldbeta = beta.clone();
    beta.iter_mut().zip(&step).for_each(|(b, d)| *b += d);
    let mut iter = 1;
    loop {
        let mut e = evaluate(prep, &beta, ties);
        let mut f = chol(&e, p, opts.toler_chol);
        let fail = non_finite(&e) || f.rank != rank0;
        if !fail && halving == 0 && (1.0 - best / e.loglik).abs() <= opts.eps {
            let ll = e.loglik;
            return finish(beta, &e, &f, ll, true, iter);
        }
        if iter == opts.iter_max {
            if opts.iter_max > 1 && (e.loglik - best) / best.abs() < -opts.eps {
                // The last trial was worse than the best point: go back to it.
                beta.clone_from(&oldbeta);
                e = evaluate(prep, &beta, ties);
                f = chol(&e, p, opts.toler_chol);
            }
            let ll = e.loglik;
            return finish(beta, &e, &f, ll, false, iter);
        }
        if fail || e.loglik < best {
            halving += 1;
            let h = halving as f64;
            for (b, ob) in beta.iter_mut().zip(&oldbeta) {
                *b = (ob * h + *b) / (h + 1.0);
            }
        } else {
            halving = 0;
            best = e.loglik;
            let mut d = e.u.clone();
            f.solve(&mut d);
            oldbeta.clone_from(&beta);
            beta.iter_mut().zip(&d).for_each(|(b, d)| *b += d);
        }
        iter += 1;
    }
}
