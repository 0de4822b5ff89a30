//! One point of the elastic-net Cox path: glmnet's coordinate descent on the quadratic approximation (its
//! `coxnet1` inner loops, strong rule and KKT checks), then Newton steps on the active set with the exact
//! Hessian, so that the result is the optimum of glmnet's objective to rounding rather than to its `thresh`.

#![allow(clippy::needless_range_loop)] // coordinate loops index several parallel vectors by j

use rayon::prelude::*;

use super::kernels::{dot, step};
use super::problem::{cumulated, Problem, Working};

/// Largest active set refined by Newton steps (each costs about `n k^2` flops and a k x k Cholesky).
pub(crate) const POLISH_MAX_ACTIVE: usize = 300;

/// Solver state carried from one lambda to the next (warm starts).
#[derive(Debug, Clone)]
pub(crate) struct State {
    /// Standardized coefficients.
    pub a: Vec<f64>,
    /// Linear predictor in time order.
    pub f: Vec<f64>,
    /// glmnet's strong set `ixx`: coordinates the descent visits.
    pub strong: Vec<bool>,
    /// Coordinates that have ever been nonzero, in order of entry (glmnet's `m`).
    pub entered: Vec<usize>,
    in_entered: Vec<bool>,
    /// Coordinate passes so far (glmnet's `nlp`, counted over the whole path).
    pub passes: usize,
}

/// The penalty at one lambda: `lambda * vq_j * (alpha |b| + (1 - alpha) / 2 b^2)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Penalty<'a> {
    pub lambda: f64,
    pub alpha: f64,
    /// Penalty factors rescaled to sum to p.
    pub factor: &'a [f64],
}

impl Penalty<'_> {
    fn l1(&self, j: usize) -> f64 {
        self.lambda * self.alpha * self.factor[j]
    }
    fn l2(&self, j: usize) -> f64 {
        self.lambda * (1.0 - self.alpha) * self.factor[j]
    }
    fn value(&self, a: &[f64]) -> f64 {
        a.iter()
            .enumerate()
            .map(|(j, b)| self.l1(j) * b.abs() + 0.5 * self.l2(j) * b * b)
            .sum()
    }
}

/// Why a point of the path could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// More coordinate passes than `maxit` (glmnet's `jerr = -k`).
    MaxPasses,
    /// A Hessian weight `w_i <= 0` (glmnet's `jerr = -30000`): the fit is degenerate.
    Degenerate,
}

fn weighted_sq(w: &[f64], x: &[f64]) -> f64 {
    w.iter().zip(x).map(|(w, x)| w * x * x).sum()
}

impl State {
    pub fn new(problem: &Problem) -> State {
        State {
            a: vec![0.0; problem.p],
            f: vec![0.0; problem.n],
            strong: vec![false; problem.p],
            entered: Vec::new(),
            in_entered: vec![false; problem.p],
            passes: 0,
        }
    }

    fn enter(&mut self, j: usize) {
        if !self.in_entered[j] {
            self.in_entered[j] = true;
            self.entered.push(j);
        }
    }

    /// One soft-thresholded coordinate update (glmnet's), keeping `r` and `f` current; returns `v * delta^2`.
    fn update(
        &mut self,
        problem: &Problem,
        pen: &Penalty,
        work: &mut Working,
        v: f64,
        j: usize,
    ) -> f64 {
        let x = problem.col(j);
        let u = self.a[j] * v + dot(&work.r, x);
        let l1 = pen.l1(j);
        let at = if u.abs() <= l1 {
            0.0
        } else {
            (u.abs() - l1).copysign(u) / (v + pen.l2(j))
        };
        if at == self.a[j] {
            return 0.0;
        }
        let del = at - self.a[j];
        self.a[j] = at;
        step(&mut work.r, &mut self.f, &work.w, x, del);
        self.enter(j);
        v * del * del
    }

    /// Coordinate descent at one lambda as glmnet's `coxnet1`: passes over the strong set, then the entered
    /// set until no coordinate moves by `threshold`, a new quadratic approximation, and the KKT check of the
    /// coordinates outside the strong set.
    pub fn descend(
        &mut self,
        problem: &Problem,
        pen: &Penalty,
        threshold: f64,
        maxit: usize,
    ) -> Result<Working, Stop> {
        let p = problem.p;
        let mut work = problem.working(&self.f);
        if work.w.iter().any(|w| *w < 0.0) {
            return Err(Stop::Degenerate);
        }
        let mut v = vec![0.0; p];
        loop {
            if self.passes > maxit {
                return Err(Stop::MaxPasses);
            }
            let before: Vec<f64> = self.entered.iter().map(|&j| self.a[j]).collect();
            for j in 0..p {
                if self.strong[j] {
                    v[j] = weighted_sq(&work.w, problem.col(j));
                }
            }
            loop {
                self.passes += 1;
                let mut moved = 0.0f64;
                for j in 0..p {
                    if self.strong[j] {
                        moved = moved.max(self.update(problem, pen, &mut work, v[j], j));
                    }
                }
                if moved < threshold {
                    break;
                }
                if self.passes > maxit {
                    return Err(Stop::MaxPasses);
                }
                loop {
                    self.passes += 1;
                    let mut moved = 0.0f64;
                    for l in 0..self.entered.len() {
                        let j = self.entered[l];
                        moved = moved.max(self.update(problem, pen, &mut work, v[j], j));
                    }
                    if moved < threshold {
                        break;
                    }
                    if self.passes > maxit {
                        return Err(Stop::MaxPasses);
                    }
                }
            }
            work = problem.working(&self.f);
            if work.w.iter().any(|w| *w < 0.0) {
                return Err(Stop::Degenerate);
            }
            let changed = self.entered.iter().enumerate().any(|(l, &j)| {
                let j_before = before.get(l).copied().unwrap_or(0.0);
                v[j] * (self.a[j] - j_before).powi(2) >= threshold
            });
            if changed {
                continue;
            }
            if !self.admit_violators(problem, pen, &work.r) {
                return Ok(work);
            }
        }
    }

    /// Adds to the strong set every excluded-from-it coordinate whose gradient breaks its KKT condition.
    fn admit_violators(&mut self, problem: &Problem, pen: &Penalty, r: &[f64]) -> bool {
        let violators: Vec<usize> = (0..problem.p)
            .into_par_iter()
            .filter(|&j| {
                !self.strong[j] && !problem.excluded[j] && dot(r, problem.col(j)).abs() > pen.l1(j)
            })
            .collect();
        for &j in &violators {
            self.strong[j] = true;
        }
        !violators.is_empty()
    }

    /// Marks as strong every zero coefficient whose score exceeds its L1 bound at the current point (beyond
    /// rounding); true if there was one.
    pub fn admit_kkt_violators(&mut self, problem: &Problem, pen: &Penalty) -> bool {
        let work = problem.working(&self.f);
        let a = &self.a;
        let violators: Vec<usize> = (0..problem.p)
            .into_par_iter()
            .filter(|&j| {
                a[j] == 0.0
                    && !problem.excluded[j]
                    && dot(&work.r, problem.col(j)).abs() > pen.l1(j) * (1.0 + 1e-9) + 1e-15
            })
            .collect();
        for &j in &violators {
            self.strong[j] = true;
        }
        !violators.is_empty()
    }

    /// Newton steps cost `n k^2` for k active coordinates: beyond `POLISH_MAX_ACTIVE` the descent's point stands,
    /// as accurate as glmnet's at the same threshold (`thresh` tightens it).
    pub fn worth_polishing(&self, problem: &Problem, unpenalized: &[bool]) -> bool {
        let k = (0..problem.p)
            .filter(|&j| !problem.excluded[j] && (self.a[j] != 0.0 || unpenalized[j]))
            .count();
        k <= POLISH_MAX_ACTIVE
    }

    /// Newton's method on the active set with the signs held, from the descent's point: the exact optimum.
    /// A coefficient that would change sign stops at zero and leaves the set. Returns false if the Hessian is
    /// not positive definite (then the descent's point stands).
    pub fn polish(&mut self, problem: &Problem, pen: &Penalty, unpenalized: &[bool]) -> bool {
        let n = problem.n;
        if !self.worth_polishing(problem, unpenalized) {
            return false;
        }
        let mut active: Vec<usize> = (0..problem.p)
            .filter(|&j| !problem.excluded[j] && (self.a[j] != 0.0 || unpenalized[j]))
            .collect();
        for _ in 0..50 {
            let k = active.len();
            if k == 0 {
                return true;
            }
            let work = problem.working(&self.f);
            let sign: Vec<f64> = active
                .iter()
                .map(|&j| {
                    if unpenalized[j] {
                        0.0
                    } else {
                        self.a[j].signum()
                    }
                })
                .collect();
            let grad: Vec<f64> = active
                .iter()
                .zip(&sign)
                .map(|(&j, s)| {
                    -dot(&work.r, problem.col(j)) + pen.l1(j) * s + pen.l2(j) * self.a[j]
                })
                .collect();
            let hess = active_hessian(problem, &work, &active, pen);
            let Some(chol) = nalgebra::DMatrix::from_vec(k, k, hess).cholesky() else {
                return false;
            };
            let step = chol.solve(&nalgebra::DVector::from_vec(grad.clone()));
            // Longest step before a penalized coefficient reaches zero.
            let mut t = 1.0f64;
            let mut hits = None;
            for (l, &j) in active.iter().enumerate() {
                let next = self.a[j] - step[l];
                if sign[l] != 0.0 && next * sign[l] < 0.0 {
                    let tl = self.a[j] / step[l];
                    if tl < t {
                        t = tl;
                        hits = Some(l);
                    }
                }
            }
            let objective = |a: &[f64], f: &[f64]| -problem.loglik(f) + pen.value(a);
            let current = objective(&self.a, &self.f);
            let mut accepted = false;
            for _ in 0..30 {
                let mut a = self.a.clone();
                let mut f = self.f.clone();
                for (l, &j) in active.iter().enumerate() {
                    let del = -t * step[l];
                    a[j] += del;
                    let x = problem.col(j);
                    for (fi, xi) in f.iter_mut().zip(x) {
                        *fi += del * xi;
                    }
                }
                if let Some(l) = hits {
                    a[active[l]] = 0.0;
                }
                let value = objective(&a, &f);
                if value <= current + 1e-15 * current.abs() {
                    let moved = active
                        .iter()
                        .enumerate()
                        .map(|(l, &j)| (t * step[l]).abs() / (1.0 + self.a[j].abs()))
                        .fold(0.0, f64::max);
                    self.a = a;
                    // Recompute the predictor from the coefficients to keep it free of accumulated rounding.
                    self.f = vec![0.0; n];
                    for j in 0..problem.p {
                        if self.a[j] != 0.0 {
                            for (fi, xi) in self.f.iter_mut().zip(problem.col(j)) {
                                *fi += self.a[j] * xi;
                            }
                        }
                    }
                    accepted = true;
                    if let Some(l) = hits {
                        active.remove(l);
                    } else if moved < 1e-14 {
                        return true;
                    }
                    break;
                }
                t *= 0.5;
                hits = None;
            }
            if !accepted {
                // No decrease at any step length: the point is optimal to rounding.
                return true;
            }
        }
        true
    }
}

/// `X_A' H X_A + diag(l2)`, H the Hessian of minus the log likelihood in the linear predictor:
/// `diag(e_i b_i) - sum_{k,l} a_k / D_kl^2 s_kl s_kl'` with `s_kl` the term's `e` (a tied death's share
/// `1 - phi_l` of it; see [`TermSums`](super::problem::TermSums)). Both parts are Gram matrices (`M'M` with `M = diag(sqrt(e b)) X_A`,
/// and `S'S` with one row of `S` per term, `sqrt(a_k) / D_kl s_kl' X_A`), computed by matrix products.
fn active_hessian(problem: &Problem, work: &Working, active: &[usize], pen: &Penalty) -> Vec<f64> {
    let n = problem.n;
    let k = active.len();
    let ne = problem.event_start.len();
    let sums = problem.term_sums(&work.e, &work.risk);
    let (b, c) = cumulated(&sums);
    let root: Vec<f64> = (0..n)
        .map(|i| {
            (work.e[i] * problem.row_sums(i, &sums, &b, &c).0)
                .max(0.0)
                .sqrt()
        })
        .collect();
    let terms: usize = problem.terms.iter().map(|&m| m as usize).sum();
    let mut m = nalgebra::DMatrix::<f64>::zeros(n, k);
    // Risk-set sums S_k = sum_{i in R_k} e_i x_i, from the last row backwards; each term's row of S is
    // (S_k - phi_l T_k) sqrt(a_k) / D_kl, T_k the tied deaths' part of S_k.
    let mut s = nalgebra::DMatrix::<f64>::zeros(terms, k);
    for (a, &j) in active.iter().enumerate() {
        let col = problem.col(j);
        for i in 0..n {
            m[(i, a)] = root[i] * col[i];
        }
        let mut acc = 0.0;
        let mut i = n;
        let mut row = terms;
        for r in (0..ne).rev() {
            while i > problem.event_start[r] {
                i -= 1;
                acc += work.e[i] * col[i];
            }
            let count = problem.terms[r] as usize;
            row -= count;
            let start = problem.event_start[r];
            let tied: f64 = (start..start + count).map(|i| work.e[i] * col[i]).sum();
            let weight = (problem.deaths[r] / count as f64).sqrt();
            for l in 0..count {
                let phi = l as f64 / count as f64;
                let den = work.risk[r] - phi * sums[r].tied;
                s[(row + l, a)] = (acc - phi * tied) * weight / den;
            }
        }
    }
    let mut h = m.tr_mul(&m) - s.tr_mul(&s);
    for (a, &j) in active.iter().enumerate() {
        h[(a, a)] += pen.l2(j);
    }
    h.as_slice().to_vec()
}
