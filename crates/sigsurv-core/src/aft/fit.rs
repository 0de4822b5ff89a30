//! Maximum likelihood for the AFT models: survreg's starting values and its Newton-Raphson iteration,
//! run as an [`argmin`] solver.
//!
//! # Algorithm (R: `survreg.fit` + `survreg6`, survival 3.5-3)
//! 1. Starting values for the intercept-only model from the moments of `y = log t` (R's `$init`):
//!    `log σ₀ = log(4 v) / 2` (twice the moment estimate of σ, "never too small"), then one weighted least-squares
//!    ("glim") step for the intercept with the row derivatives at `z = 0`.
//! 2. The intercept-only model is fitted (at most 20 iterations): its log-likelihood is R's `loglik[1]` and its
//!    log σ starts the full model.
//! 3. Starting coefficients of the full model: one weighted least-squares step
//!    `β₀ = (X'WX)⁻¹ X'(W y + w ∂ℓ/∂η)`, `W = -w ∂²ℓ/∂η²`, all at `η = y`.
//! 4. Newton-Raphson on `(β, log σ)`: a step `I⁻¹U` (or `J⁻¹U`, the outer product of the scores, when the
//!    information is not positive definite); a step that lowers the log-likelihood or gives non-finite values is
//!    halved towards the last good point, `θ ← (θ_new + θ_old) / 2`, up to 5 times within one iteration until it
//!    improves, with each log σ kept within 1.1 of its old value on the first halving. An iteration is one pass
//!    of this loop (a Newton step, or one round of halvings), as R counts `iter`. Converged when
//!    `|1 - L_old / L_new| ≤ ε` after a full step. Out of iterations, the last point tried is returned (R).
//! 5. The variance is the inverse of the observed information at the estimate.
//!
//! Non-binary covariates are centred and scaled (unweighted mean and SD) before any of this, as R does
//! ([`Rescale`]); the coefficients and variance are mapped back to the raw covariates at the end. With strata,
//! each stratum has its own log σ; all start from the intercept-only model's.
//!
//! # Reference
//! Kalbfleisch & Prentice (2002), section 3.9; Therneau, `survival` package, `survreg.fit` and `survreg6.c`.

use super::chol::Ldl;
use super::likelihood::{AftData, AftModel, Eval};
use crate::error::{CoreError, Result};
use argmin::core::{
    Error as ArgminError, Executor, IterState, Problem, Solver, State, TerminationReason, KV,
};

/// survreg.control()$toler.chol.
pub(crate) const TOLER_CHOL: f64 = 1e-10;
/// survreg.fit's iteration limit for the intercept-only model.
pub(crate) const NULL_MODEL_MAX_ITER: usize = 20;
/// survreg6's limit on step halvings within one iteration.
const MAX_HALVINGS: usize = 5;

/// The centring and scaling of the covariates (R: `survreg.fit` scales its design matrix before the C code
/// runs): every column that is not all 0/1 becomes `(x - mean) / sd`. The fit runs on the scaled columns from the
/// start (starting values, information, steps, variance), and only its coefficients and variance are mapped
/// back, `θ = A θ_scaled` and `V = A V_scaled A'` (R's `vtemp`). Computing the information on the raw columns
/// and transforming it instead loses the digits that a large mean (next to a small SD) cancels.
#[derive(Clone, Debug)]
pub(crate) struct Rescale {
    /// Per covariate (without the intercept): centre and SD (0 and 1 for 0/1 columns).
    center: Vec<f64>,
    sd: Vec<f64>,
}

/// `Σ v` with Neumaier's compensation, so that the mean of a column far from 0 keeps its last digits (R sums
/// `colMeans` in long double).
fn compensated_sum(v: &[f64]) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for &x in v {
        let t = s + x;
        c += if s.abs() >= x.abs() {
            (s - t) + x
        } else {
            (x - t) + s
        };
        s = t;
    }
    s + c
}

impl Rescale {
    /// R's rule: rescale only if some covariate column is not all 0/1. `None` when nothing is rescaled.
    /// The centre is the mean and the scale the SD (divisor n - 1), both unweighted; a column without spread
    /// is left as it is (it is collinear with the intercept, which the starting values report).
    pub fn for_design(columns: &[&[f64]]) -> Option<Rescale> {
        let binary = |col: &[f64]| col.iter().all(|&v| v == 0.0 || v == 1.0);
        let n = columns.first().map_or(0, |c| c.len());
        if columns.iter().all(|c| binary(c)) || n < 2 {
            return None;
        }
        let mut center = vec![0.0; columns.len()];
        let mut sd = vec![1.0; columns.len()];
        for (j, col) in columns.iter().enumerate().filter(|(_, c)| !binary(c)) {
            let m = compensated_sum(col) / n as f64;
            // A second pass corrects the mean by the mean residual (as R's `var`).
            let m = m + col.iter().map(|v| v - m).sum::<f64>() / n as f64;
            let v = col.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1) as f64;
            if v > 0.0 {
                center[j] = m;
                sd[j] = v.sqrt();
            }
        }
        Some(Rescale { center, sd })
    }

    /// The scaled copy `(x - centre) / sd` of each column that changes; `None` for a column left as it is.
    pub fn scaled_columns(&self, columns: &[&[f64]]) -> Vec<Option<Vec<f64>>> {
        columns
            .iter()
            .zip(self.center.iter().zip(&self.sd))
            .map(|(col, (&c, &s))| {
                (c != 0.0 || s != 1.0).then(|| col.iter().map(|v| (v - c) / s).collect())
            })
            .collect()
    }

    /// `A v`: coefficients (or steps) in the scaled coordinates to raw ones; `v` may be longer (the scale
    /// parameters are untouched).
    pub fn coefficients_to_raw(&self, v: &mut [f64]) {
        let mut v0 = v[0];
        for (j, (c, s)) in self.center.iter().zip(&self.sd).enumerate() {
            v[j + 1] /= s;
            v0 -= c * v[j + 1];
        }
        v[0] = v0;
    }

    /// `A M A'` for a symmetric row-major `k x k` matrix (the scaled variance to the raw one).
    pub fn variance_to_raw(&self, m: &mut [f64], k: usize) {
        let mut col = vec![0.0; k];
        for j in 0..k {
            (0..k).for_each(|i| col[i] = m[i * k + j]);
            self.coefficients_to_raw(&mut col);
            (0..k).for_each(|i| m[i * k + j] = col[i]);
        }
        for i in 0..k {
            self.coefficients_to_raw(&mut m[i * k..(i + 1) * k]);
        }
    }
}

/// The argmin problem: the data and which model is fitted.
pub(crate) struct AftProblem<'a> {
    pub data: &'a AftData<'a>,
    pub model: AftModel,
}

/// Solves `M x = rhs`; also returns the factorisation, whose rank and sign flags the caller inspects.
fn solve(m: &[f64], rhs: &[f64], k: usize, toler: f64) -> (Vec<f64>, Ldl) {
    let mut x = rhs.to_vec();
    let f = Ldl::new(m, k, toler);
    f.solve(&mut x);
    (x, f)
}

/// survreg's Newton-Raphson with step shrinking, as an argmin [`Solver`]. The state's parameter is the latest
/// trial point; the last accepted point and its log-likelihood are kept here.
pub(crate) struct SurvregNewton {
    pub eps: f64,
    /// Positions of the log σ in θ (empty when the scale is fixed).
    pub scales: std::ops::Range<usize>,
    /// Last accepted parameters and their log-likelihood.
    pub theta: Vec<f64>,
    pub loglik: f64,
    /// The trial point and its evaluation.
    pub trial: Vec<f64>,
    pub trial_eval: Option<Eval>,
    pub halving: usize,
    pub converged: bool,
}

type NewtonState = IterState<Vec<f64>, (), (), (), (), f64>;

impl SurvregNewton {
    fn new(eps: f64, model: &AftModel) -> SurvregNewton {
        SurvregNewton {
            eps,
            scales: model.nvar()..model.npar(),
            theta: Vec::new(),
            loglik: f64::NAN,
            trial: Vec::new(),
            trial_eval: None,
            halving: 0,
            converged: false,
        }
    }

    /// The Newton step `I⁻¹U` at an evaluated point, falling back to `J⁻¹U` when `I` is not non-negative definite.
    fn step(&self, problem: &mut Problem<AftProblem<'_>>, theta: &[f64], ev: &Eval) -> Vec<f64> {
        let k = theta.len();
        let (step, f) = solve(&ev.info, &ev.score, k, TOLER_CHOL);
        if f.nonneg {
            return step;
        }
        let jj = problem
            .problem("outer_score", |p| Ok(p.data.outer_score(&p.model, theta)))
            .unwrap_or_else(|_| vec![0.0; k * k]);
        solve(&jj, &ev.score, k, TOLER_CHOL).0
    }
}

fn evaluate(
    problem: &mut Problem<AftProblem<'_>>,
    theta: &[f64],
) -> std::result::Result<Eval, ArgminError> {
    problem.problem("eval", |p| Ok(p.data.eval(&p.model, theta)))
}

impl<'a> Solver<AftProblem<'a>, NewtonState> for SurvregNewton {
    fn name(&self) -> &str {
        "survreg Newton-Raphson"
    }

    fn init(
        &mut self,
        problem: &mut Problem<AftProblem<'a>>,
        state: NewtonState,
    ) -> std::result::Result<(NewtonState, Option<KV>), ArgminError> {
        let theta = state
            .get_param()
            .ok_or_else(|| ArgminError::msg("no starting values"))?
            .clone();
        let ev = evaluate(problem, &theta)?;
        // The first step is always taken (R: "never complain about convergence on the first step").
        let step = self.step(problem, &theta, &ev);
        self.trial = theta.iter().zip(&step).map(|(t, s)| t + s).collect();
        self.loglik = ev.loglik;
        self.theta = theta;
        let trial_ev = evaluate(problem, &self.trial)?;
        let cost = -trial_ev.loglik;
        self.trial_eval = Some(trial_ev);
        Ok((state.param(self.trial.clone()).cost(cost), None))
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<AftProblem<'a>>,
        state: NewtonState,
    ) -> std::result::Result<(NewtonState, Option<KV>), ArgminError> {
        let ev = self.trial_eval.take().expect("trial point is evaluated");
        let new_lk = ev.loglik;
        // R's test is relative only; equal values also count (R would divide 0 by 0 at a log-likelihood of 0).
        if ev.is_finite()
            && self.halving == 0
            && (new_lk == self.loglik || (1.0 - self.loglik / new_lk).abs() <= self.eps)
        {
            self.converged = true;
            self.theta = self.trial.clone();
            self.loglik = new_lk;
            self.trial_eval = Some(ev);
            return Ok((
                state.terminate_with(TerminationReason::SolverConverged),
                None,
            ));
        }
        let worse = |ev: &Eval, old: f64| !ev.is_finite() || ev.loglik < old;
        if worse(&ev, self.loglik) {
            // Not improving: halve the step towards the last good point, up to 5 times in one iteration.
            let mut ev = ev;
            for _ in 0..MAX_HALVINGS {
                if !worse(&ev, self.loglik) {
                    break;
                }
                self.halving += 1;
                for (t, b) in self.trial.iter_mut().zip(&self.theta) {
                    *t = (*t + b) / 2.0;
                }
                // A Newton step that shrank a σ a lot is backed off further than the rest (R: at most 1.1 on
                // log σ), on the first halving only.
                if self.halving == 1 {
                    for s in self.scales.clone() {
                        if self.theta[s] - self.trial[s] > 1.1 {
                            self.trial[s] = self.theta[s] - 1.1;
                        }
                    }
                }
                ev = evaluate(problem, &self.trial)?;
            }
            let cost = -ev.loglik;
            self.trial_eval = Some(ev);
            return Ok((state.param(self.trial.clone()).cost(cost), None));
        }
        self.halving = 0;
        self.loglik = new_lk;
        let step = self.step(problem, &self.trial, &ev);
        self.theta = self.trial.clone();
        for (t, s) in self.trial.iter_mut().zip(&step) {
            *t += s;
        }
        let trial_ev = evaluate(problem, &self.trial)?;
        let cost = -trial_ev.loglik;
        self.trial_eval = Some(trial_ev);
        Ok((state.param(self.trial.clone()).cost(cost), None))
    }
}

/// The result of one Newton-Raphson fit.
#[derive(Clone, Debug)]
pub(crate) struct NewtonFit {
    pub theta: Vec<f64>,
    /// Log-likelihood at `theta` (log-time scale).
    pub loglik: f64,
    /// Inverse information at `theta`, row-major.
    pub var: Vec<f64>,
    /// Rank of the information at `theta`.
    pub rank: usize,
    pub converged: bool,
    pub iterations: usize,
}

/// Runs survreg's Newton-Raphson from `init`, in the coordinates of `data` (the scaled covariates when the fit
/// rescales).
pub(crate) fn newton(
    data: &AftData<'_>,
    model: AftModel,
    init: Vec<f64>,
    max_iter: usize,
    eps: f64,
) -> Result<NewtonFit> {
    let k = model.npar();
    let finish = |theta: Vec<f64>, ev: Eval, converged: bool, iterations: usize| {
        let f = Ldl::new(&ev.info, k, TOLER_CHOL);
        NewtonFit {
            theta,
            loglik: ev.loglik,
            var: f.inverse(),
            rank: f.rank,
            converged,
            iterations,
        }
    };
    if max_iter == 0 {
        // R (iter.max = 0): the starting values with the variance at them.
        let ev = data.eval(&model, &init);
        return Ok(finish(init, ev, false, 0));
    }
    let problem = AftProblem { data, model };
    let solver = SurvregNewton::new(eps, &model);
    let res = Executor::new(problem, solver)
        .configure(|s| s.param(init).max_iters(max_iter as u64))
        .run()
        .map_err(|e| CoreError::Numerical(format!("survreg iteration failed: {e}")))?;
    let iterations = res.state.get_iter() as usize;
    let mut solver = res.solver;
    let trial_ev = solver.trial_eval.take().expect("trial point is evaluated");
    if solver.converged {
        return Ok(finish(solver.theta, trial_ev, true, iterations));
    }
    // Out of iterations: R returns the last point tried, improving or not; a non-finite one is replaced by the
    // last accepted point.
    if trial_ev.is_finite() {
        Ok(finish(solver.trial, trial_ev, false, iterations))
    } else {
        let ev = data.eval(&model, &solver.theta);
        Ok(finish(solver.theta, ev, false, iterations))
    }
}

/// The intercept and log σ of survreg's first guess: moments of `y`, `log σ = log(4 σ²)/2`, then one weighted
/// least-squares step for the intercept at `z = 0` (R: `survreg.fit`, "get a better initial value for the mean").
/// Every stratum starts from the same σ.
pub(crate) fn moment_start(
    data: &AftData<'_>,
    fixed_log_scale: Option<f64>,
    n_strata: usize,
) -> (f64, f64) {
    let n = data.n();
    let w = |i: usize| data.weights.map_or(1.0, |w| w[i]);
    let sw: f64 = (0..n).map(w).sum();
    let mean = (0..n).map(|i| w(i) * data.y[i]).sum::<f64>() / sw;
    let var = (0..n)
        .map(|i| w(i) * (data.y[i] - mean).powi(2))
        .sum::<f64>()
        / sw;
    let (_, sigma2) = data.dist.moment_start(mean, var);
    let log_sigma = fixed_log_scale.unwrap_or_else(|| (4.0 * sigma2).ln() / 2.0);
    let (dg, ddg) = data.derivs_at_zero(&vec![log_sigma; n_strata]);
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..n {
        let wt = -ddg[i] * w(i);
        num += w(i) * dg[i] + wt * data.y[i];
        den += wt;
    }
    (num / den, log_sigma)
}

/// survreg's "glim" starting coefficients for the full model at the scales `exp(log_sigma[h])` of the strata:
/// `(X'WX)⁻¹ X'(W y + w ∂ℓ/∂η)` with `W = -w ∂²ℓ/∂η²` at `η = y`. Returns the index (0 = intercept) of the
/// first column found collinear with the ones before it as an error.
pub(crate) fn glim_start(
    data: &AftData<'_>,
    log_sigma: &[f64],
) -> std::result::Result<Vec<f64>, usize> {
    let n = data.n();
    let nv = data.p() + 1;
    let (dg, ddg) = data.derivs_at_zero(log_sigma);
    let w = |i: usize| data.weights.map_or(1.0, |w| w[i]);
    let wt: Vec<f64> = (0..n).map(|i| -ddg[i] * w(i)).collect();
    let resp: Vec<f64> = (0..n).map(|i| wt[i] * data.y[i] + w(i) * dg[i]).collect();
    let (m, r) = data.weighted_cross_products(&wt, &resp);
    // coxph.wtest's rule: a pivot below toler x the largest diagonal marks a redundant column.
    let max_diag = (0..nv).map(|i| m[i * nv + i]).fold(0.0, f64::max);
    let (beta, f) = solve(&m, &r, nv, TOLER_CHOL * max_diag);
    match f.first_redundant() {
        Some(i) => Err(i),
        None => Ok(beta),
    }
}
