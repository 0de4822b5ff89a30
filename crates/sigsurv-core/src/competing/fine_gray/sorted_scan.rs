//! The Fine-Gray risk-set sums by sorted scans (Kawaguchi et al. 2020): each sum over a risk set is a
//! backward cumulative sum over the rows still at risk plus G(s−) times a forward cumulative sum over the
//! competing exits before s, and the double sums of the information and the sandwich are regrouped into
//! per-row weights. Linear in the rows (after the sort of `prepared.rs`), O(n p²).
#![allow(clippy::needless_range_loop)] // index loops mirror the sums over rows and covariates

use super::prepared::{Evaluation, Prepared, Status};

/// S0(s) and S1(s) at each run of tied times that holds a failure (`None` for the other runs), and the
/// number of failures of each run.
struct RiskSums {
    s0: Vec<f64>,
    /// x̄(s) = S1(s)/S0(s), p per run (zeros for runs without a failure).
    xbar: Vec<f64>,
    failures: Vec<usize>,
}

fn risk_sums(d: &Prepared, e: &[f64]) -> RiskSums {
    let (p, n_runs) = (d.p, d.runs.len());
    let failures: Vec<usize> = d
        .runs
        .iter()
        .map(|&(a, b)| (a..b).filter(|&i| d.status[i] == Status::Failure).count())
        .collect();
    let mut s0 = vec![0.0; n_runs];
    let mut xbar = vec![0.0; n_runs * p];
    // Backward: Σ e, Σ e x over the rows with t ≥ s.
    let (mut t0, mut t1) = (0.0f64, vec![0.0f64; p]);
    for (r, &(a, b)) in d.runs.iter().enumerate().rev() {
        for i in a..b {
            t0 += e[i];
            for k in 0..p {
                t1[k] += e[i] * d.x(i, k);
            }
        }
        if failures[r] > 0 {
            s0[r] = t0;
            xbar[r * p..(r + 1) * p].copy_from_slice(&t1);
        }
    }
    // Forward: Σ e/G, Σ e x/G over the competing exits before s, times G(s−).
    let (mut c0, mut c1) = (0.0f64, vec![0.0f64; p]);
    for (r, &(a, b)) in d.runs.iter().enumerate() {
        if failures[r] > 0 {
            let g = d.g[a];
            s0[r] += g * c0;
            for k in 0..p {
                xbar[r * p + k] = (xbar[r * p + k] + g * c1[k]) / s0[r];
            }
        }
        for i in (a..b).filter(|&i| d.status[i] == Status::Competing) {
            let w = e[i] / d.g[i];
            c0 += w;
            for k in 0..p {
                c1[k] += w * d.x(i, k);
            }
        }
    }
    RiskSums { s0, xbar, failures }
}

/// −ℓ, and with `derivatives` −U and the information, at β.
pub(crate) fn evaluate(d: &Prepared, beta: &[f64], derivatives: bool) -> Evaluation {
    let p = d.p;
    let eta = d.linear_predictor(beta);
    let e: Vec<f64> = eta.iter().map(|v| v.exp()).collect();
    let rs = risk_sums(d, &e);
    let mut out = Evaluation {
        neg_loglik: 0.0,
        neg_score: vec![0.0; if derivatives { p } else { 0 }],
        information: vec![0.0; if derivatives { p * p } else { 0 }],
    };
    for (r, &(a, b)) in d.runs.iter().enumerate() {
        if rs.failures[r] == 0 {
            continue;
        }
        let m = rs.failures[r] as f64;
        out.neg_loglik += m * rs.s0[r].ln();
        for i in (a..b).filter(|&i| d.status[i] == Status::Failure) {
            out.neg_loglik -= eta[i];
            if derivatives {
                for k in 0..p {
                    out.neg_score[k] -= d.x(i, k);
                }
            }
        }
        if derivatives {
            let xb = &rs.xbar[r * p..(r + 1) * p];
            for k in 0..p {
                out.neg_score[k] += m * xb[k];
                for l in 0..p {
                    out.information[k * p + l] -= m * xb[k] * xb[l];
                }
            }
        }
    }
    if !derivatives {
        return out;
    }
    // Σ_r (d_r/S0_r) S2_r = Σ_j e_j x_j x_jᵀ (A(t_j) + [j competing] A'(t_j)/G(t_j−)), with
    // A(t) = Σ_{s_r ≤ t} d_r/S0_r and A'(t) = Σ_{s_r > t} d_r G(s_r−)/S0_r.
    let mut after = vec![0.0f64; d.runs.len()];
    let mut acc = 0.0f64;
    for (r, &(a, _)) in d.runs.iter().enumerate().rev() {
        after[r] = acc;
        if rs.failures[r] > 0 {
            acc += rs.failures[r] as f64 * d.g[a] / rs.s0[r];
        }
    }
    let mut upto = 0.0f64;
    for (r, &(a, b)) in d.runs.iter().enumerate() {
        if rs.failures[r] > 0 {
            upto += rs.failures[r] as f64 / rs.s0[r];
        }
        for i in a..b {
            let mut w = upto;
            if d.status[i] == Status::Competing {
                w += after[r] / d.g[i];
            }
            let w = w * e[i];
            if w == 0.0 {
                continue;
            }
            for k in 0..p {
                let wx = w * d.x(i, k);
                for l in 0..p {
                    out.information[k * p + l] += wx * d.x(i, l);
                }
            }
        }
    }
    out
}

/// The middle of the sandwich, Σ_i (η_i + ψ_i)(η_i + ψ_i)ᵀ (formulas at `reference::sandwich_meat`), by
/// one backward and one forward scan.
pub(crate) fn sandwich_meat(d: &Prepared, beta: &[f64]) -> Vec<f64> {
    let (n, p, n_runs) = (d.n, d.p, d.runs.len());
    let eta = d.linear_predictor(beta);
    let e: Vec<f64> = eta.iter().map(|v| v.exp()).collect();
    let rs = risk_sums(d, &e);
    // Backward, strictly after each run: A' = Σ d G/S0 and B' = Σ d G x̄/S0 over the later failure runs.
    let mut a_after = vec![0.0f64; n_runs];
    let mut b_after = vec![0.0f64; n_runs * p];
    let (mut a_acc, mut b_acc) = (0.0f64, vec![0.0f64; p]);
    for (r, &(a, _)) in d.runs.iter().enumerate().rev() {
        a_after[r] = a_acc;
        b_after[r * p..(r + 1) * p].copy_from_slice(&b_acc);
        if rs.failures[r] > 0 {
            let w = rs.failures[r] as f64 * d.g[a] / rs.s0[r];
            a_acc += w;
            for k in 0..p {
                b_acc[k] += w * rs.xbar[r * p + k];
            }
        }
    }
    // Forward: A = Σ d/S0, B = Σ d x̄/S0 up to and with the run; Q0 = Σ e/G, Q1 = Σ e x/G over the competing
    // exits before the run; Ψ = Σ q c/π² over the censoring runs up to and with it.
    let (mut a_upto, mut b_upto) = (0.0f64, vec![0.0f64; p]);
    let (mut q0, mut q1) = (0.0f64, vec![0.0f64; p]);
    let mut psi_upto = vec![0.0f64; p];
    let mut meat = vec![0.0f64; p * p];
    let mut r_i = vec![0.0f64; p];
    let mut q = vec![0.0f64; p];
    for (r, &(a, b)) in d.runs.iter().enumerate() {
        let xb = &rs.xbar[r * p..(r + 1) * p];
        if rs.failures[r] > 0 {
            let w = rs.failures[r] as f64 / rs.s0[r];
            a_upto += w;
            for k in 0..p {
                b_upto[k] += w * xb[k];
            }
        }
        let censored = (a..b).filter(|&i| d.status[i] == Status::Censored).count();
        let at_risk = (n - a) as f64;
        if censored > 0 {
            // q(u) = Q1 C0 − Q0 C1, C over the failure runs at or after u.
            let (mut c0, mut c1) = (a_after[r], b_after[r * p..(r + 1) * p].to_vec());
            if rs.failures[r] > 0 {
                let w = rs.failures[r] as f64 * d.g[a] / rs.s0[r];
                c0 += w;
                for k in 0..p {
                    c1[k] += w * xb[k];
                }
            }
            for k in 0..p {
                q[k] = q1[k] * c0 - q0 * c1[k];
                psi_upto[k] += q[k] * censored as f64 / (at_risk * at_risk);
            }
        }
        for i in a..b {
            for k in 0..p {
                let x = d.x(i, k);
                let mut v = -e[i] * (x * a_upto - b_upto[k]);
                if d.status[i] == Status::Competing {
                    v -= e[i] / d.g[i] * (x * a_after[r] - b_after[r * p + k]);
                }
                if d.status[i] == Status::Failure {
                    v += x - xb[k];
                }
                v -= psi_upto[k];
                if d.status[i] == Status::Censored {
                    v += q[k] / at_risk;
                }
                r_i[k] = v;
            }
            for k in 0..p {
                for l in 0..p {
                    meat[k * p + l] += r_i[k] * r_i[l];
                }
            }
        }
        for i in (a..b).filter(|&i| d.status[i] == Status::Competing) {
            let w = e[i] / d.g[i];
            q0 += w;
            for k in 0..p {
                q1[k] += w * d.x(i, k);
            }
        }
    }
    meat
}

#[cfg(test)]
mod tests {
    use super::super::prepared::Prepared;
    use super::super::reference;
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-10 * a.abs().max(b.abs()).max(1.0)
    }

    /// On tied random data at several β, the scans give the reference sums: −ℓ, −U, the information and
    /// the middle of the sandwich.
    #[test]
    fn scans_equal_reference_sums() {
        let mut next = crate::test_rng::lcg(7);
        for trial in 0..40 {
            let n = 5 + (next() % 120) as usize;
            let p = 1 + trial % 3;
            let time: Vec<f64> = (0..n).map(|_| (next() % 30) as f64).collect();
            let cause: Vec<u32> = (0..n).map(|_| (next() % 3) as u32).collect();
            let x: Vec<f64> = (0..n * p)
                .map(|_| (next() % 1000) as f64 / 250.0 - 2.0)
                .collect();
            let d = Prepared::new(&time, &cause, 1, &x, p);
            let beta: Vec<f64> = (0..p).map(|_| (next() % 100) as f64 / 50.0 - 1.0).collect();
            let (a, b) = (evaluate(&d, &beta, true), reference::evaluate(&d, &beta));
            assert!(
                close(a.neg_loglik, b.neg_loglik),
                "{} vs {}",
                a.neg_loglik,
                b.neg_loglik
            );
            for (x, y) in a.neg_score.iter().zip(&b.neg_score) {
                assert!(close(*x, *y));
            }
            for (x, y) in a.information.iter().zip(&b.information) {
                assert!(close(*x, *y), "information {x} vs {y}");
            }
            assert!(close(evaluate(&d, &beta, false).neg_loglik, b.neg_loglik));
            let (ma, mb) = (
                sandwich_meat(&d, &beta),
                reference::sandwich_meat(&d, &beta),
            );
            for (x, y) in ma.iter().zip(&mb) {
                assert!(close(*x, *y), "meat {x} vs {y} (trial {trial})");
            }
        }
    }
}
