//! Martingale and score residuals at a fixed β, from the event-time table, in O(n p) after the sort.
//!
//! ```text
//! martingale  M_i = δ_i − r_i Σ_{t ∈ (start_i, stop_i]} Σ_k c_ik h_k(t)
//! score       L_i = Σ_k δ_i(t_i) (x_i − x̄_k(t_i)) / d − r_i Σ_{t ∈ (start_i, stop_i]} Σ_k c_ik (x_i − x̄_k(t)) h_k(t)
//! ```
//! with `r_i = exp(η_i)`, `c_ik = 1` for rows at risk and `1 − k/d` for a death at its own time (Efron).
//! Reference: Therneau & Grambsch (2000) sections 4.2 and 4.6; R survival `coxmart.c`, `coxscore2.c`,
//! `agmart3.c`, `agscore3.c`. Both are unweighted per row, as R's `residuals.coxph(weighted = FALSE)`.

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

use super::prep::Prepared;
use super::risk::EventTable;

/// Stratum index (position in `prep.strata`) of each sorted position.
pub(crate) fn stratum_index(prep: &Prepared) -> Vec<usize> {
    let mut out = vec![0; prep.n];
    for (s, &(b0, b1)) in prep.strata.iter().enumerate() {
        out[b0..b1].iter_mut().for_each(|v| *v = s);
    }
    out
}

/// Cumulative Σ h and Σ h x̄ over event times, with a leading zero per stratum block:
/// `cum_h[m + s + 1]` is the total up to and including time m of stratum s.
struct Cumulative {
    h: Vec<f64>,
    xh: Vec<f64>,
}

fn cumulative(t: &EventTable) -> Cumulative {
    let p = t.p;
    let m = t.time.len();
    let mut h = vec![0.0; m + t.strata.len()];
    let mut xh = vec![0.0; (m + t.strata.len()) * p];
    for (s, &(a, b)) in t.strata.iter().enumerate() {
        for i in a..b {
            let o = i + s + 1;
            h[o] = h[o - 1];
            for j in 0..p {
                xh[o * p + j] = xh[(o - 1) * p + j];
            }
            let (s0, s1) = t.steps[i];
            for st in s0..s1 {
                h[o] += t.h[st];
                for j in 0..p {
                    xh[o * p + j] += t.h[st] * t.xbar[st * p + j];
                }
            }
        }
    }
    Cumulative { h, xh }
}

/// Martingale residuals (by sorted position) and, when `want_score`, score residuals (sorted position
/// × p, row-major, on the ORIGINAL covariate scale).
pub(crate) fn residuals(prep: &Prepared, t: &EventTable, want_score: bool) -> (Vec<f64>, Vec<f64>) {
    let p = prep.p;
    let cum = cumulative(t);
    let sidx = stratum_index(prep);
    let mut mart = vec![0.0; prep.n];
    let mut score = if want_score {
        vec![0.0; prep.n * p]
    } else {
        Vec::new()
    };
    let mut xhaz = vec![0.0; p];
    for k in 0..prep.n {
        if prep.ignore[k] {
            // No event time in its interval: it never shares in the hazard.
            mart[k] = 0.0;
            continue;
        }
        let s = sidx[k];
        let (i0, i1) = t.window(s, prep.start[k], prep.stop[k]);
        let (o0, o1) = (i0 + s, i1 + s); // positions in the cumulative arrays (leading zero per stratum)
        let r = t.risk[k];
        let hsum = cum.h[o1] - cum.h[o0];
        let x = prep.row(k);
        for j in 0..p {
            xhaz[j] = cum.xh[o1 * p + j] - cum.xh[o0 * p + j];
        }
        let mut m = if prep.event[k] { 1.0 } else { 0.0 } - r * hsum;
        let out = if want_score {
            &mut score[k * p..(k + 1) * p]
        } else {
            &mut [][..]
        };
        for j in 0..out.len() {
            out[j] = -r * (x[j] * hsum - xhaz[j]);
        }
        if prep.event[k] && i1 > i0 {
            let (s0, s1) = t.steps[i1 - 1];
            let frac = 1.0 / (s1 - s0) as f64;
            for st in s0..s1 {
                let back = r * t.downwt[st] * t.h[st];
                m += back;
                for j in 0..out.len() {
                    let dx = x[j] - t.xbar[st * p + j];
                    out[j] += dx * frac + back * dx;
                }
            }
        }
        mart[k] = m;
        for j in 0..out.len() {
            out[j] /= prep.scale[j];
        }
    }
    (mart, score)
}
