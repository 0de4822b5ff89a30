//! The log-likelihood of a location-scale model for `y = log T`, its score and its observed information over
//! `θ = (β, log σ_1, ..., log σ_S)` (one scale per stratum, S = 1 without strata), in one pass over the rows.
//!
//! # Formula
//! With `η_i = x_i'β`, `σ = e^s`, `z_i = (y_i - η_i) / σ`, case weight `w_i` and `ℓ_i(z)` = `log f(z)` for an
//! event or `log S(z)` for a right-censored time (see `distributions.rs`, `a = ℓ'`, `b = ℓ''`):
//! ```text
//! log L        = Σ w_i [ ℓ_i(z_i) - δ_i s ]
//! ∂/∂η         = -a / σ                ∂²/∂η²   = b / σ²
//! ∂/∂s         = -a z - δ              ∂²/∂η∂s  = (b z + a) / σ
//!                                      ∂²/∂s²   = b z² + a z
//! U = Σ w_i (∂/∂η x_i, ∂/∂s),   I = -Σ w_i (Hessian of the row), J = Σ w_i g_i g_i' (g_i the row's score)
//! ```
//! `log L` is on the scale of `y = log T`; the caller adds `-Σ_{events} w_i log t_i` for the scale of `T`.
//! With strata, row `i` uses the scale `σ_h` of its stratum `h` and contributes to the `s_h` entries only, so the
//! information has no `s_h, s_g` cross terms for `h ≠ g`.
//!
//! # Reference
//! Kalbfleisch & Prentice (2002), section 3.9; Therneau, Mayo Clinic Biostatistics technical report #53.
//!
//! # R equivalent
//! The `survregc1` likelihood routine behind `survreg`.
//!
//! Rows are processed in fixed chunks, in parallel, and the chunk sums are added in chunk order, so the result is
//! bit-identical for any number of threads.

use super::distributions::ErrorDist;
use rayon::prelude::*;

/// Rows per independently summed chunk.
const CHUNK: usize = 8192;

/// The data of one fit: `y = log t`, events, the covariate columns (without the intercept), weights, strata.
pub(crate) struct AftData<'a> {
    pub y: &'a [f64],
    pub event: &'a [bool],
    /// One slice of `n` values per covariate (centred and scaled where the fit rescales); the intercept is
    /// implicit.
    pub x: Vec<&'a [f64]>,
    pub weights: Option<&'a [f64]>,
    /// The stratum (0-based) of each row when each stratum has its own scale; `None` for one common scale.
    pub strata: Option<&'a [u32]>,
    pub dist: ErrorDist,
}

/// A model on [`AftData`]: which covariates enter and whether σ is estimated.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AftModel {
    /// Number of leading covariate columns used (0 = intercept only).
    pub p_used: usize,
    /// `Some(log σ)` when the scale is fixed (exponential), else the log σ of each stratum follow the
    /// coefficients.
    pub fixed_log_scale: Option<f64>,
    /// Number of strata (1 without strata); each has its own σ unless the scale is fixed.
    pub n_strata: usize,
}

impl AftModel {
    /// Number of regression coefficients, the intercept included.
    pub fn nvar(&self) -> usize {
        self.p_used + 1
    }

    /// Number of estimated scale parameters: one per stratum, none when the scale is fixed.
    pub fn n_scales(&self) -> usize {
        if self.fixed_log_scale.is_some() {
            0
        } else {
            self.n_strata
        }
    }

    /// Number of parameters: coefficients plus the estimated log σ.
    pub fn npar(&self) -> usize {
        self.nvar() + self.n_scales()
    }

    /// `(log σ, σ)` of each stratum.
    fn scales(&self, theta: &[f64]) -> Vec<(f64, f64)> {
        (0..self.n_strata)
            .map(|h| {
                let s = self
                    .fixed_log_scale
                    .unwrap_or_else(|| theta[self.nvar() + h]);
                (s, s.exp())
            })
            .collect()
    }
}

/// Log-likelihood, score and observed information at one `θ`.
#[derive(Clone, Debug)]
pub(crate) struct Eval {
    pub loglik: f64,
    pub score: Vec<f64>,
    /// Row-major `npar x npar`, symmetric.
    pub info: Vec<f64>,
}

impl Eval {
    /// False when anything a Newton step would use is NaN or infinite.
    pub fn is_finite(&self) -> bool {
        let k = self.score.len();
        self.loglik.is_finite()
            && self.score.iter().all(|v| v.is_finite())
            && (0..k).all(|i| self.info[i * k + i].is_finite())
    }
}

/// The row's contributions: `(g, ∂/∂η, ∂²/∂η², ∂/∂s, ∂²/∂η∂s, ∂²/∂s²)`.
#[inline]
fn row_terms(
    dist: ErrorDist,
    y: f64,
    eta: f64,
    log_sigma: f64,
    sigma: f64,
    event: bool,
) -> [f64; 6] {
    let z = (y - eta) / sigma;
    let (d, ev) = if event {
        (dist.log_density(z), 1.0)
    } else {
        (dist.log_survival(z), 0.0)
    };
    let (a, b) = (d.d1, d.d2);
    [
        d.value - ev * log_sigma,
        -a / sigma,
        b / (sigma * sigma),
        -a * z - ev,
        (b * z + a) / sigma,
        b * z * z + a * z,
    ]
}

impl AftData<'_> {
    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// Number of covariate columns (without the intercept).
    pub fn p(&self) -> usize {
        self.x.len()
    }

    #[inline]
    fn weight(&self, i: usize) -> f64 {
        self.weights.map_or(1.0, |w| w[i])
    }

    #[inline]
    fn stratum(&self, i: usize) -> usize {
        self.strata.map_or(0, |s| s[i] as usize)
    }

    /// The derivatives in η of each row's log-likelihood when `η_i = y_i` (z = 0), with the log scale
    /// `log_sigma[h]` of each stratum: `(∂/∂η, ∂²/∂η²)` per row. These drive survreg's weighted-least-squares
    /// starting values.
    pub fn derivs_at_zero(&self, log_sigma: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let n = self.n();
        let mut dg = Vec::with_capacity(n);
        let mut ddg = Vec::with_capacity(n);
        for i in 0..n {
            let s = log_sigma[self.stratum(i)];
            let r = row_terms(self.dist, 0.0, 0.0, s, s.exp(), self.event[i]);
            dg.push(r[1]);
            ddg.push(r[2]);
        }
        (dg, ddg)
    }

    /// The row terms of rows `lo..hi`: `(g, ∂/∂η, ∂²/∂η², ∂/∂s, ∂²/∂η∂s, ∂²/∂s²)`, one column each, multiplied
    /// by the case weights when `weighted`.
    fn chunk_terms(
        &self,
        model: &AftModel,
        theta: &[f64],
        lo: usize,
        hi: usize,
        weighted: bool,
    ) -> [Vec<f64>; 6] {
        let scales = model.scales(theta);
        // η column by column: contiguous reads of each column.
        let mut eta = vec![theta[0]; hi - lo];
        for j in 0..model.p_used {
            let b = theta[j + 1];
            for (e, x) in eta.iter_mut().zip(&self.x[j][lo..hi]) {
                *e += b * x;
            }
        }
        let mut out: [Vec<f64>; 6] = std::array::from_fn(|_| vec![0.0; hi - lo]);
        let (y, event) = (&self.y[lo..hi], &self.event[lo..hi]);
        for (r, &e) in eta.iter().enumerate() {
            let w = if weighted { self.weight(lo + r) } else { 1.0 };
            let (log_sigma, sigma) = scales[self.stratum(lo + r)];
            let t = row_terms(self.dist, y[r], e, log_sigma, sigma, event[r]);
            for (o, v) in out.iter_mut().zip(t) {
                o[r] = w * v;
            }
        }
        out
    }

    /// Column `a` of the design with the intercept first (`None` = the intercept's ones), rows `lo..hi`.
    #[inline]
    fn column(&self, a: usize, lo: usize, hi: usize) -> Option<&[f64]> {
        (a > 0).then(|| &self.x[a - 1][lo..hi])
    }

    /// `(X'diag(v)X, X'r)` for the design with the intercept (row-major `(p+1) x (p+1)`, and `p+1`).
    pub fn weighted_cross_products(&self, v: &[f64], r: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let nv = self.p() + 1;
        let acc = self.sum_chunks(nv * nv + nv, |lo, hi| {
            let mut acc = vec![0.0; nv * nv + nv];
            for a in 0..nv {
                let xa = self.column(a, lo, hi);
                acc[nv * nv + a] = dot(xa, &r[lo..hi]);
                for b in 0..=a {
                    let m = dot3(xa, self.column(b, lo, hi), &v[lo..hi]);
                    acc[a * nv + b] = m;
                    acc[b * nv + a] = m;
                }
            }
            acc
        });
        (acc[..nv * nv].to_vec(), acc[nv * nv..].to_vec())
    }

    /// Sums a per-chunk computation over fixed chunks (in parallel) and adds the chunk results in chunk order.
    fn sum_chunks<F>(&self, len: usize, per_chunk: F) -> Vec<f64>
    where
        F: Fn(usize, usize) -> Vec<f64> + Sync,
    {
        let n = self.n();
        let n_chunks = n.div_ceil(CHUNK).max(1);
        let run = |c: usize| per_chunk(c * CHUNK, ((c + 1) * CHUNK).min(n));
        let parts: Vec<Vec<f64>> = if n_chunks == 1 {
            vec![run(0)]
        } else {
            (0..n_chunks).into_par_iter().map(run).collect()
        };
        let mut total = vec![0.0; len];
        for part in parts {
            for (t, v) in total.iter_mut().zip(part) {
                *t += v;
            }
        }
        total
    }

    /// Log-likelihood (on the log-time scale), score and information at `θ`.
    pub fn eval(&self, model: &AftModel, theta: &[f64]) -> Eval {
        let nv = model.nvar();
        let k = model.npar();
        let n_scales = model.n_scales();
        // Layout: [loglik, score (k), information (k x k row-major, lower triangle filled)].
        let acc = self.sum_chunks(1 + k + k * k, |lo, hi| {
            let [g, dg, ddg, dsig, dsg, ddsig] = self.chunk_terms(model, theta, lo, hi, true);
            let mut acc = vec![0.0; 1 + k + k * k];
            acc[0] = sum(&g);
            let (score, info) = acc[1..].split_at_mut(k);
            for a in 0..nv {
                let xa = self.column(a, lo, hi);
                score[a] = dot(xa, &dg);
                if n_scales == 1 {
                    info[nv * k + a] = -dot(xa, &dsg);
                }
                for b in 0..=a {
                    info[a * k + b] = -dot3(xa, self.column(b, lo, hi), &ddg);
                }
            }
            if n_scales == 1 {
                score[nv] = sum(&dsig);
                info[nv * k + nv] = -sum(&ddsig);
            } else if n_scales > 1 {
                // Each row adds to the entries of its own stratum's log σ.
                for r in 0..hi - lo {
                    let s = nv + self.stratum(lo + r);
                    score[s] += dsig[r];
                    info[s * k + s] -= ddsig[r];
                    info[s * k] -= dsg[r];
                    for a in 1..nv {
                        info[s * k + a] -= self.x[a - 1][lo + r] * dsg[r];
                    }
                }
            }
            acc
        });
        let mut info = acc[1 + k..].to_vec();
        for i in 0..k {
            for j in 0..i {
                info[j * k + i] = info[i * k + j];
            }
        }
        Eval {
            loglik: acc[0],
            score: acc[1..1 + k].to_vec(),
            info,
        }
    }

    /// `J = Σ w_i g_i g_i'`, the outer product of the row scores (row-major `npar x npar`): survreg's fallback
    /// Newton matrix when the information is not positive definite.
    pub fn outer_score(&self, model: &AftModel, theta: &[f64]) -> Vec<f64> {
        let nv = model.nvar();
        let k = model.npar();
        let n_scales = model.n_scales();
        let has_scale = n_scales == 1;
        let mut jj = self.sum_chunks(k * k, |lo, hi| {
            let t = self.chunk_terms(model, theta, lo, hi, false);
            let w = |i: usize| self.weight(lo + i);
            let (dg, dsig) = (&t[1], &t[3]);
            let dg2: Vec<f64> = dg.iter().enumerate().map(|(i, v)| w(i) * v * v).collect();
            let dgs: Vec<f64> = if n_scales > 0 {
                dg.iter()
                    .zip(dsig)
                    .enumerate()
                    .map(|(i, (a, b))| w(i) * a * b)
                    .collect()
            } else {
                Vec::new()
            };
            let mut acc = vec![0.0; k * k];
            for a in 0..nv {
                let xa = self.column(a, lo, hi);
                for b in 0..=a {
                    acc[a * k + b] = dot3(xa, self.column(b, lo, hi), &dg2);
                }
                if has_scale {
                    acc[nv * k + a] = dot(xa, &dgs);
                }
            }
            if has_scale {
                acc[nv * k + nv] = dsig.iter().enumerate().map(|(i, v)| w(i) * v * v).sum();
            } else if n_scales > 1 {
                for r in 0..hi - lo {
                    let s = nv + self.stratum(lo + r);
                    acc[s * k + s] += w(r) * dsig[r] * dsig[r];
                    acc[s * k] += dgs[r];
                    for a in 1..nv {
                        acc[s * k + a] += self.x[a - 1][lo + r] * dgs[r];
                    }
                }
            }
            acc
        });
        for i in 0..k {
            for j in 0..i {
                jj[j * k + i] = jj[i * k + j];
            }
        }
        jj
    }
}

/// `Σ v` with four running sums (a fixed order, so results do not depend on the machine's threads).
#[inline]
fn sum(v: &[f64]) -> f64 {
    let mut s = [0.0; 4];
    let mut it = v.chunks_exact(4);
    for c in &mut it {
        for l in 0..4 {
            s[l] += c[l];
        }
    }
    (s[0] + s[1]) + (s[2] + s[3]) + it.remainder().iter().sum::<f64>()
}

/// `Σ x_i v_i`, with `None` standing for a column of ones.
#[inline]
fn dot(x: Option<&[f64]>, v: &[f64]) -> f64 {
    let Some(x) = x else { return sum(v) };
    let mut s = [0.0; 4];
    let (xc, vc) = (x.chunks_exact(4), v.chunks_exact(4));
    let tail: f64 = xc
        .remainder()
        .iter()
        .zip(vc.remainder())
        .map(|(a, b)| a * b)
        .sum();
    for (a, b) in xc.zip(vc) {
        for l in 0..4 {
            s[l] += a[l] * b[l];
        }
    }
    (s[0] + s[1]) + (s[2] + s[3]) + tail
}

/// `Σ x_i y_i v_i`, with `None` standing for a column of ones.
#[inline]
fn dot3(x: Option<&[f64]>, y: Option<&[f64]>, v: &[f64]) -> f64 {
    match (x, y) {
        (None, y) => dot(y, v),
        (x, None) => dot(x, v),
        (Some(x), Some(y)) => {
            let mut s = [0.0; 4];
            let (xc, yc, vc) = (x.chunks_exact(4), y.chunks_exact(4), v.chunks_exact(4));
            let tail: f64 = xc
                .remainder()
                .iter()
                .zip(yc.remainder())
                .zip(vc.remainder())
                .map(|((a, b), c)| a * b * c)
                .sum();
            for ((a, b), c) in xc.zip(yc).zip(vc) {
                for l in 0..4 {
                    s[l] += a[l] * b[l] * c[l];
                }
            }
            (s[0] + s[1]) + (s[2] + s[3]) + tail
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small censored data set with two covariates, weights and more rows than one chunk.
    fn data(n: usize) -> (Vec<f64>, Vec<bool>, Vec<f64>, Vec<f64>) {
        let y: Vec<f64> = (0..n)
            .map(|i| 1.0 + ((i * 37 % 101) as f64) / 30.0)
            .collect();
        let event: Vec<bool> = (0..n).map(|i| i % 3 != 0).collect();
        let mut x: Vec<f64> = (0..n).map(|i| ((i * 13 % 17) as f64) / 4.0).collect();
        x.extend((0..n).map(|i| (i % 2) as f64));
        let w: Vec<f64> = (0..n).map(|i| 0.5 + (i % 5) as f64 * 0.3).collect();
        (y, event, x, w)
    }

    #[test]
    fn score_and_information_are_the_derivatives_of_the_loglik() {
        let (y, event, x, w) = data(CHUNK + 37);
        let n = y.len();
        let strata: Vec<u32> = (0..n).map(|i| (i * 7 % 3) as u32).collect();
        for dist in [
            ErrorDist::ExtremeValue,
            ErrorDist::Logistic,
            ErrorDist::Gaussian,
        ] {
            for stratified in [false, true] {
                let d = AftData {
                    y: &y,
                    event: &event,
                    x: vec![&x[..n], &x[n..]],
                    weights: Some(&w),
                    strata: stratified.then_some(strata.as_slice()),
                    dist,
                };
                for fixed in [None, Some(0.0)] {
                    let model = AftModel {
                        p_used: 2,
                        fixed_log_scale: fixed,
                        n_strata: if stratified { 3 } else { 1 },
                    };
                    let theta: Vec<f64> =
                        [2.0, 0.1, -0.3, -0.2, 0.1, -0.4][..model.npar()].to_vec();
                    let ev = d.eval(&model, &theta);
                    let k = model.npar();
                    for i in 0..k {
                        let h = 1e-6;
                        let mut tp = theta.clone();
                        tp[i] += h;
                        let mut tm = theta.clone();
                        tm[i] -= h;
                        let (ep, em) = (d.eval(&model, &tp), d.eval(&model, &tm));
                        let g = (ep.loglik - em.loglik) / (2.0 * h);
                        assert!(
                            (g - ev.score[i]).abs() <= 1e-5 * (1.0 + g.abs()),
                            "{dist:?} score {i}"
                        );
                        for j in 0..k {
                            let hij = -(ep.score[j] - em.score[j]) / (2.0 * h);
                            let got = ev.info[i * k + j];
                            assert!(
                                (hij - got).abs() <= 1e-5 * (1.0 + hij.abs()),
                                "{dist:?} stratified {stratified} info {i},{j}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn outer_score_matches_a_row_by_row_sum() {
        let (y, event, x, w) = data(CHUNK + 5);
        let n = y.len();
        let strata: Vec<u32> = (0..n).map(|i| (i % 2) as u32).collect();
        for stratified in [false, true] {
            let d = AftData {
                y: &y,
                event: &event,
                x: vec![&x[..n], &x[n..]],
                weights: Some(&w),
                strata: stratified.then_some(strata.as_slice()),
                dist: ErrorDist::Logistic,
            };
            let model = AftModel {
                p_used: 2,
                fixed_log_scale: None,
                n_strata: if stratified { 2 } else { 1 },
            };
            let k = model.npar();
            let theta = [2.0, 0.1, -0.3, -0.2, 0.3];
            let theta = &theta[..k];
            let jj = d.outer_score(&model, theta);
            let mut naive = vec![0.0; k * k];
            for i in 0..n {
                let eta = theta[0] + theta[1] * x[i] + theta[2] * x[n + i];
                let h = if stratified { strata[i] as usize } else { 0 };
                let s = theta[3 + h];
                let r = row_terms(d.dist, y[i], eta, s, s.exp(), event[i]);
                let mut g = [r[1], r[1] * x[i], r[1] * x[n + i], 0.0, 0.0];
                g[3 + h] = r[3];
                for a in 0..k {
                    for b in 0..k {
                        naive[a * k + b] += w[i] * g[a] * g[b];
                    }
                }
            }
            for (a, b) in jj.iter().zip(naive) {
                assert!((a - b).abs() <= 1e-10 * b.abs().max(1.0), "{a} vs {b}");
            }
        }
    }
}
