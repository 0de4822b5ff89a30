//! The reference implementation of the Fine-Gray pseudo-likelihood, its derivatives and the sandwich
//! variance: every risk-set sum written out over all rows, as the formulas of [`super::fit::fine_gray`] read.
//! Quadratic in the rows (cubic for the censoring term of the sandwich); the sorted scans of
//! `sorted_scan.rs` are tested against it.
#![allow(clippy::needless_range_loop)] // index loops mirror the sums over rows and covariates

use super::prepared::{Evaluation, Prepared, Status};

/// The weight of row j in the risk set at a failure time s with censoring weight `g_s` = G(s−): 1 while
/// at risk, G(s−)/G(t_j−) after an exit by a competing cause, 0 after a censoring.
fn risk_weight(d: &Prepared, j: usize, s: f64, g_s: f64) -> f64 {
    if d.time[j] >= s {
        1.0
    } else if d.status[j] == Status::Competing {
        g_s / d.g[j]
    } else {
        0.0
    }
}

/// S0 = Σ w e^η, S1 = Σ w e^η x and S2 = Σ w e^η x xᵀ over the risk set at failure time s.
fn risk_sums(d: &Prepared, e: &[f64], s: f64, g_s: f64) -> (f64, Vec<f64>, Vec<f64>) {
    let p = d.p;
    let (mut s0, mut s1, mut s2) = (0.0, vec![0.0; p], vec![0.0; p * p]);
    for j in 0..d.n {
        let w = risk_weight(d, j, s, g_s) * e[j];
        s0 += w;
        for a in 0..p {
            s1[a] += w * d.x(j, a);
            for b in 0..p {
                s2[a * p + b] += w * d.x(j, a) * d.x(j, b);
            }
        }
    }
    (s0, s1, s2)
}

/// −ℓ, −U and the information at β (Breslow ties: each failure has the risk set of its time).
pub(crate) fn evaluate(d: &Prepared, beta: &[f64]) -> Evaluation {
    let p = d.p;
    let eta = d.linear_predictor(beta);
    let e: Vec<f64> = eta.iter().map(|v| v.exp()).collect();
    let mut out = Evaluation {
        neg_loglik: 0.0,
        neg_score: vec![0.0; p],
        information: vec![0.0; p * p],
    };
    for i in (0..d.n).filter(|&i| d.status[i] == Status::Failure) {
        let (s0, s1, s2) = risk_sums(d, &e, d.time[i], d.g[i]);
        out.neg_loglik += s0.ln() - eta[i];
        for a in 0..p {
            out.neg_score[a] += s1[a] / s0 - d.x(i, a);
            for b in 0..p {
                out.information[a * p + b] += s2[a * p + b] / s0 - s1[a] * s1[b] / (s0 * s0);
            }
        }
    }
    out
}

/// The middle of the sandwich, Σ_i (η_i + ψ_i)(η_i + ψ_i)ᵀ, p × p row-major (crr's `crrvv`).
///
/// η_i is row i's term of the score with the baseline subdistribution hazard estimated, ψ_i the part from
/// estimating the censoring distribution:
/// ```text
/// η_i = [i fails](x_i − x̄(t_i)) − Σ_{failures j} w_i(t_j) e^{η_i} (x_i − x̄(t_j)) / S0(t_j)
/// q(u) = Σ_{failures j, t_j ≥ u} (1/S0(t_j)) Σ_{competing k, t_k < u} (G(t_j−)/G(t_k−)) e^{η_k} (x_k − x̄(t_j))
/// ψ_i = −Σ_{censoring times u ≤ t_i} q(u) c(u) / π(u)² + [i censored] q(t_i) / π(t_i)
/// ```
/// with c(u) the censorings at u and π(u) the rows with time ≥ u.
pub(crate) fn sandwich_meat(d: &Prepared, beta: &[f64]) -> Vec<f64> {
    let (n, p) = (d.n, d.p);
    let eta = d.linear_predictor(beta);
    let e: Vec<f64> = eta.iter().map(|v| v.exp()).collect();
    // S0 and x̄ at each failure (indexed by row).
    let mut s0 = vec![f64::NAN; n];
    let mut xbar = vec![vec![0.0; p]; n];
    for j in (0..n).filter(|&j| d.status[j] == Status::Failure) {
        let (a, b, _) = risk_sums(d, &e, d.time[j], d.g[j]);
        s0[j] = a;
        xbar[j] = b.iter().map(|v| v / a).collect();
    }
    let failures: Vec<usize> = (0..n).filter(|&j| d.status[j] == Status::Failure).collect();
    let at_risk = |u: f64| (0..n).filter(|&j| d.time[j] >= u).count() as f64;
    let q = |u: f64| {
        let mut q = vec![0.0; p];
        for &j in failures.iter().filter(|&&j| d.time[j] >= u) {
            for k in (0..n).filter(|&k| d.status[k] == Status::Competing && d.time[k] < u) {
                let w = d.g[j] / d.g[k] * e[k] / s0[j];
                for a in 0..p {
                    q[a] += w * (d.x(k, a) - xbar[j][a]);
                }
            }
        }
        q
    };
    // The censoring term at each distinct censoring time u: q(u) c(u) / π(u)².
    let mut censoring_terms: Vec<(f64, Vec<f64>, f64)> = Vec::new(); // (u, q(u), π(u))
    for &(start, end) in &d.runs {
        let c = (start..end)
            .filter(|&j| d.status[j] == Status::Censored)
            .count();
        if c > 0 {
            let u = d.time[start];
            censoring_terms.push((u, q(u), at_risk(u)));
        }
    }
    let mut meat = vec![0.0; p * p];
    for i in 0..n {
        let mut r = vec![0.0; p];
        for &j in &failures {
            let w = if d.time[j] <= d.time[i] {
                1.0
            } else if d.status[i] == Status::Competing {
                d.g[j] / d.g[i]
            } else {
                0.0
            };
            for a in 0..p {
                r[a] -= w * e[i] * (d.x(i, a) - xbar[j][a]) / s0[j];
            }
        }
        if d.status[i] == Status::Failure {
            for a in 0..p {
                r[a] += d.x(i, a) - xbar[i][a];
            }
        }
        for (u, qu, pi) in &censoring_terms {
            if *u <= d.time[i] {
                let c = d
                    .runs
                    .iter()
                    .find(|r| d.time[r.0] == *u)
                    .map_or(0, |&(s, e)| {
                        (s..e).filter(|&j| d.status[j] == Status::Censored).count()
                    });
                for a in 0..p {
                    r[a] -= qu[a] * c as f64 / (pi * pi);
                }
            }
            if *u == d.time[i] && d.status[i] == Status::Censored {
                for a in 0..p {
                    r[a] += qu[a] / pi;
                }
            }
        }
        for a in 0..p {
            for b in 0..p {
                meat[a * p + b] += r[a] * r[b];
            }
        }
    }
    meat
}
