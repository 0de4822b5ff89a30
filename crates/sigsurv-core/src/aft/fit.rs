//! Maximum likelihood for the AFT models: survreg's starting values and its Newton-Raphson iteration,
//! run as an [`argmin`] solver.
//!
//! # Algorithm (R: `survreg.fit` + `survreg6`)
//! 1. Starting values for the intercept-only model from the moments of `y = log t` (R's `$init`):
//!    `log σ₀ = log(4 v) / 2` (twice the moment estimate of σ, "never too small"), then one weighted least-squares
//!    ("glim") step for the intercept with the row derivatives at `z = 0`.
//! 2. The intercept-only model is fitted (at most 20 iterations): its log-likelihood is R's `loglik[1]` and its
//!    log σ starts the full model.
//! 3. Starting coefficients of the full model: one weighted least-squares step
//!    `β₀ = (X'WX)⁻¹ X'(W y + w ∂ℓ/∂η)`, `W = -w ∂²ℓ/∂η²`, all at `η = y`.
//! 4. Newton-Raphson on `(β, log σ)`: a step `I⁻¹U` (or `J⁻¹U`, the outer product of the scores, when the
//!    information is not positive definite); a step that lowers the log-likelihood or gives non-finite values is
//!    shrunk towards the last good point, `θ ← (θ_new + 2 θ_old) / 3`, with log σ kept within 1.1 of its old value
//!    on the first shrink. Converged when `|1 - L_old / L_new| ≤ ε` or `|L_old - L_new| ≤ ε` after a full step.
//! 5. The variance is the inverse of the observed information at the estimate.
//!
//! Non-binary covariates are centred and scaled (unweighted mean and SD) for the linear algebra, as R does;
//! Newton's method is affine invariant, so this changes the conditioning, not the iterates.
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

/// The affine map `θ_raw = A θ_scaled` between the raw covariates and the centred and scaled ones
/// (R: `vtemp` in `survreg.fit`). The scale parameter is not transformed.
#[derive(Clone, Debug)]
pub(crate) struct Rescale {
    /// Per covariate (without the intercept): centre and SD (0 and 1 for 0/1 columns).
    center: Vec<f64>,
    sd: Vec<f64>,
}

impl Rescale {
    /// R's rule: rescale only if some covariate column is not all 0/1. `None` when nothing is rescaled.
    pub fn for_design(x: &[f64], n: usize, p: usize) -> Option<Rescale> {
        let binary = |j: usize| x[j * n..(j + 1) * n].iter().all(|&v| v == 0.0 || v == 1.0);
        if p == 0 || (0..p).all(binary) || n < 2 {
            return None;
        }
        let mut center = vec![0.0; p];
        let mut sd = vec![1.0; p];
        for j in (0..p).filter(|&j| !binary(j)) {
            let col = &x[j * n..(j + 1) * n];
            let m = col.iter().sum::<f64>() / n as f64;
            let v = col.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1) as f64;
            if v > 0.0 {
                center[j] = m;
                sd[j] = v.sqrt();
            }
        }
        Some(Rescale { center, sd })
    }

    /// `A v` (scaled parameters or steps to raw ones); `v` may be longer (the scale parameter is untouched).
    fn a_v(&self, v: &mut [f64]) {
        let mut v0 = v[0];
        for (j, (c, s)) in self.center.iter().zip(&self.sd).enumerate() {
            v[j + 1] /= s;
            v0 -= c * v[j + 1];
        }
        v[0] = v0;
    }

    /// `A' v` (raw scores to scaled ones).
    fn at_v(&self, v: &mut [f64]) {
        let v0 = v[0];
        for (j, (c, s)) in self.center.iter().zip(&self.sd).enumerate() {
            v[j + 1] = (v[j + 1] - c * v0) / s;
        }
    }

    /// `A' M A` for a symmetric row-major `k x k` matrix.
    fn at_m_a(&self, m: &mut [f64], k: usize) {
        let mut col = vec![0.0; k];
        for j in 0..k {
            (0..k).for_each(|i| col[i] = m[i * k + j]);
            self.at_v(&mut col);
            (0..k).for_each(|i| m[i * k + j] = col[i]);
        }
        for i in 0..k {
            self.at_v(&mut m[i * k..(i + 1) * k]);
        }
    }

    /// `A M A'` for a symmetric row-major `k x k` matrix (scaled variance to raw).
    fn a_m_at(&self, m: &mut [f64], k: usize) {
        let mut col = vec![0.0; k];
        for j in 0..k {
            (0..k).for_each(|i| col[i] = m[i * k + j]);
            self.a_v(&mut col);
            (0..k).for_each(|i| m[i * k + j] = col[i]);
        }
        for i in 0..k {
            self.a_v(&mut m[i * k..(i + 1) * k]);
        }
    }
}

/// The argmin problem: the data and which model is fitted.
pub(crate) struct AftProblem<'a> {
    pub data: &'a AftData<'a>,
    pub model: AftModel,
}

/// Solves `M x = rhs` in the scaled coordinates when a rescale applies; also returns the factorisation (of the
/// scaled matrix), whose rank and sign flags the caller inspects.
fn scaled_solve(
    rescale: Option<&Rescale>,
    m: &[f64],
    rhs: &[f64],
    k: usize,
    toler: f64,
) -> (Vec<f64>, Ldl) {
    let mut m = m.to_vec();
    let mut x = rhs.to_vec();
    if let Some(r) = rescale {
        r.at_m_a(&mut m, k);
        r.at_v(&mut x);
    }
    let f = Ldl::new(&m, k, toler);
    f.solve(&mut x);
    if let Some(r) = rescale {
        r.a_v(&mut x);
    }
    (x, f)
}

/// survreg's Newton-Raphson with step shrinking, as an argmin [`Solver`]. The state's parameter is the latest
/// trial point; the last accepted point and its log-likelihood are kept here.
pub(crate) struct SurvregNewton {
    pub eps: f64,
    pub rescale: Option<Rescale>,
    /// Position of log σ in θ, when it is estimated.
    pub scale_index: Option<usize>,
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
    fn new(eps: f64, rescale: Option<Rescale>, model: &AftModel) -> SurvregNewton {
        SurvregNewton {
            eps,
            rescale,
            scale_index: model.fixed_log_scale.is_none().then(|| model.nvar()),
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
        let (step, f) = scaled_solve(self.rescale.as_ref(), &ev.info, &ev.score, k, TOLER_CHOL);
        if f.nonneg {
            return step;
        }
        let jj = problem
            .problem("outer_score", |p| Ok(p.data.outer_score(&p.model, theta)))
            .unwrap_or_else(|_| vec![0.0; k * k]);
        scaled_solve(self.rescale.as_ref(), &jj, &ev.score, k, TOLER_CHOL).0
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
        let good = ev.is_finite();
        let new_lk = ev.loglik;
        if good
            && self.halving == 0
            && ((1.0 - self.loglik / new_lk).abs() <= self.eps
                || (self.loglik - new_lk).abs() <= self.eps)
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
        if !good || new_lk < self.loglik {
            // Not improving: back off towards the last good point.
            self.halving += 1;
            for (t, b) in self.trial.iter_mut().zip(&self.theta) {
                *t = (*t + 2.0 * b) / 3.0;
            }
            // A Newton step that shrank σ a lot is backed off further than the rest (R: at most 1.1 on log σ).
            if let (1, Some(s)) = (self.halving, self.scale_index) {
                if self.theta[s] - self.trial[s] > 1.1 {
                    self.trial[s] = self.theta[s] - 1.1;
                }
            }
        } else {
            self.halving = 0;
            self.loglik = new_lk;
            let step = self.step(problem, &self.trial, &ev);
            self.theta = self.trial.clone();
            for (t, s) in self.trial.iter_mut().zip(&step) {
                *t += s;
            }
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

/// Runs survreg's Newton-Raphson from `init`.
pub(crate) fn newton(
    data: &AftData<'_>,
    model: AftModel,
    init: Vec<f64>,
    max_iter: usize,
    eps: f64,
    rescale: Option<Rescale>,
) -> Result<NewtonFit> {
    let k = model.npar();
    let finish = |theta: Vec<f64>, ev: Eval, converged: bool, iterations: usize| {
        let mut info = ev.info;
        let mut rank = k;
        let var = {
            if let Some(r) = rescale.as_ref() {
                r.at_m_a(&mut info, k);
            }
            let f = Ldl::new(&info, k, TOLER_CHOL);
            rank = rank.min(f.rank);
            let mut v = f.inverse();
            if let Some(r) = rescale.as_ref() {
                r.a_m_at(&mut v, k);
            }
            v
        };
        NewtonFit {
            theta,
            loglik: ev.loglik,
            var,
            rank,
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
    let solver = SurvregNewton::new(eps, rescale.clone(), &model);
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
    // Out of iterations: keep the last step if it improved (R's rule), else the last accepted point.
    if solver.halving == 0 && trial_ev.loglik.is_finite() && trial_ev.loglik >= solver.loglik {
        Ok(finish(solver.trial, trial_ev, false, iterations))
    } else {
        let ev = data.eval(&model, &solver.theta);
        Ok(finish(solver.theta, ev, false, iterations))
    }
}

/// The intercept and log σ of survreg's first guess: moments of `y`, `log σ = log(4 σ²)/2`, then one weighted
/// least-squares step for the intercept at `z = 0` (R: `survreg.fit`, "get a better initial value for the mean").
pub(crate) fn moment_start(data: &AftData<'_>, fixed_log_scale: Option<f64>) -> (f64, f64) {
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
    let (dg, ddg) = data.derivs_at_zero(log_sigma.exp());
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..n {
        let wt = -ddg[i] * w(i);
        num += w(i) * dg[i] + wt * data.y[i];
        den += wt;
    }
    (num / den, log_sigma)
}

/// survreg's "glim" starting coefficients for the full model at scale `exp(log_sigma)`:
/// `(X'WX)⁻¹ X'(W y + w ∂ℓ/∂η)` with `W = -w ∂²ℓ/∂η²` at `η = y`. Returns the index (0 = intercept) of the
/// first column found collinear with the ones before it as an error.
pub(crate) fn glim_start(
    data: &AftData<'_>,
    log_sigma: f64,
    rescale: Option<&Rescale>,
) -> std::result::Result<Vec<f64>, usize> {
    let n = data.n();
    let nv = data.p + 1;
    let (dg, ddg) = data.derivs_at_zero(log_sigma.exp());
    let w = |i: usize| data.weights.map_or(1.0, |w| w[i]);
    let wt: Vec<f64> = (0..n).map(|i| -ddg[i] * w(i)).collect();
    let resp: Vec<f64> = (0..n).map(|i| wt[i] * data.y[i] + w(i) * dg[i]).collect();
    let (m, r) = data.weighted_cross_products(&wt, &resp);
    // coxph.wtest's rule: a pivot below toler x the largest diagonal marks a redundant column.
    let mut ms = m.clone();
    if let Some(rs) = rescale {
        rs.at_m_a(&mut ms, nv);
    }
    let max_diag = (0..nv).map(|i| ms[i * nv + i]).fold(0.0, f64::max);
    let (beta, f) = scaled_solve(rescale, &m, &r, nv, TOLER_CHOL * max_diag);
    match f.first_redundant() {
        Some(i) => Err(i),
        None => Ok(beta),
    }
}
