//! The elastic-net Cox problem as glmnet's `coxnet` sets it up: rows sorted by time, weights normalised to sum
//! to 1, columns standardized, and the partial likelihood's gradient and Hessian diagonal in the linear
//! predictor (glmnet's `outer`, `risk`, `groups`). glmnet's likelihood is Breslow's; Efron's (survival's
//! `coxfit6`: a time's d tied deaths give d denominators `U - (l / d) T`, l = 0..d, each with the deaths' mean
//! weight) is the other choice, and Breslow's is its case of one term per event time.

use crate::cox::Ties;
use crate::error::CoreError;

/// glmnet caps the linear predictor at `log(huge * 0.1)` before exponentiating.
const ETA_CAP: f64 = 707.0;

/// One elastic-net Cox problem on the standardized scale.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub n: usize,
    pub p: usize,
    /// Standardized columns in time order, column-major (`x[j * n + i]`); excluded columns are zeros.
    pub x: Vec<f64>,
    /// Column scales (1 without standardization) that map back to the original scale.
    pub scale: Vec<f64>,
    /// Columns left out of the fit: constant (glmnet's `chkvars`) or of zero weighted variance.
    pub excluded: Vec<bool>,
    /// Normalised weights `q` (sum 1) and `q * status`, in time order.
    pub q: Vec<f64>,
    pub dq: Vec<f64>,
    /// Distinct event times: first sorted row of the time (its risk set starts there) and weighted deaths `D_k`.
    pub event_start: Vec<usize>,
    pub deaths: Vec<f64>,
    /// For each sorted row, the number of event times at or before its time (0: before the first event).
    pub events_before: Vec<u32>,
    /// Terms of each event time's denominator: its deaths under Efron (sorted first among the time's rows,
    /// zero weights included, as `coxfit6` counts them), 1 under Breslow.
    pub terms: Vec<u32>,
    /// Sum of the original weights (glmnet's `nulldev = 2 * sw * (l_sat - l(0))`).
    pub weight_sum: f64,
    /// Saturated and null log likelihoods (normalised weights).
    pub loglik_sat: f64,
    pub loglik_null: f64,
}

/// The working quantities at a linear predictor: glmnet's `w` (Hessian diagonal) and `wr` (gradient).
#[derive(Debug, Clone)]
pub(crate) struct Working {
    pub e: Vec<f64>,
    pub w: Vec<f64>,
    pub r: Vec<f64>,
    /// Risk-set sums `U_k` at each event time.
    pub risk: Vec<f64>,
}

/// One event time's denominators summed as the derivatives need them: over its terms `D_l = U - phi_l T`
/// (`phi_l = l / d`, weight `a = D / d`), `log = sum a log D_l`, `b = sum a / D_l`, `c = sum a / D_l^2`, and for
/// its own tied deaths, which are in term l with the share `1 - phi_l`, `b_own = sum a (1 - phi_l) / D_l` and
/// `c_own = sum a (1 - phi_l)^2 / D_l^2`. With one term (Breslow, or a single death) `b = b_own = D / U`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TermSums {
    pub log: f64,
    pub b: f64,
    pub c: f64,
    pub b_own: f64,
    pub c_own: f64,
    /// `T`: the tied deaths' share of the risk-set sum.
    pub tied: f64,
}

/// Checks the inputs of every coxnet entry point. `x` has `x_rows` rows (the analysed rows' count, or more when
/// the rows are a subset of a larger matrix's).
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_inputs(
    time: &[f64],
    status: &[bool],
    x: &[f64],
    x_rows: usize,
    p: usize,
    weights: &[f64],
    penalty_factor: &[f64],
    alpha: f64,
    ties: Ties,
) -> Result<(), CoreError> {
    let n = time.len();
    for (what, got, expected) in [
        ("status", status.len(), n),
        ("x (column-major n x p)", x.len(), x_rows * p),
        ("weights", weights.len(), n),
        ("penalty_factor", penalty_factor.len(), p),
    ] {
        if got != expected {
            return Err(CoreError::LengthMismatch {
                what,
                got,
                expected,
            });
        }
    }
    if let Some((row, &value)) = time
        .iter()
        .enumerate()
        .find(|(_, t)| !(t.is_finite() && **t > 0.0))
    {
        return Err(if value.is_finite() {
            CoreError::NegativeTime { row, value }
        } else {
            CoreError::NonFiniteTime { row, value }
        });
    }
    if let Some((i, &value)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(CoreError::NonFinite {
            what: format!("x column {}", i / x_rows.max(1)),
            row: i % x_rows.max(1),
            value,
        });
    }
    if let Some((row, &value)) = weights
        .iter()
        .enumerate()
        .find(|(_, w)| !(w.is_finite() && **w >= 0.0))
    {
        return Err(CoreError::InvalidWeight { row, value });
    }
    if !(alpha > 0.0 && alpha <= 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "alpha = {alpha} is outside (0, 1] (1 is the lasso; smaller values mix in a ridge penalty)"
        )));
    }
    if ties == Ties::Exact {
        return Err(CoreError::InvalidArgument(
            "the exact partial likelihood is not available for the elastic net: use breslow (glmnet's) or efron"
                .to_string(),
        ));
    }
    if penalty_factor.iter().any(|f| !(f.is_finite() && *f >= 0.0)) {
        return Err(CoreError::InvalidArgument(
            "penalty factors must be finite and >= 0 (0 leaves a variable unpenalized)".to_string(),
        ));
    }
    if !penalty_factor.iter().any(|f| *f > 0.0) {
        return Err(CoreError::InvalidArgument(
            "every penalty factor is 0: nothing is penalized (fit an ordinary Cox model instead)"
                .to_string(),
        ));
    }
    if !status.iter().zip(weights).any(|(d, w)| *d && *w > 0.0) {
        return Err(CoreError::InvalidArgument(
            "no event with a positive weight: the Cox score is zero".to_string(),
        ));
    }
    Ok(())
}

impl Problem {
    /// Sorts, normalises and standardizes (glmnet's `coxnet`, `cstandard`, `groups`, `died`).
    pub fn new(
        time: &[f64],
        status: &[bool],
        x: &[f64],
        p: usize,
        weights: &[f64],
        standardize: bool,
        ties: Ties,
    ) -> Problem {
        let rows: Vec<usize> = (0..time.len()).collect();
        Problem::on_rows(
            time,
            status,
            x,
            time.len(),
            &rows,
            p,
            weights,
            standardize,
            ties,
        )
    }

    /// The problem on some rows of a column-major matrix with `x_rows` rows: row `i` of the problem (with
    /// `time[i]`, `status[i]`, `weights[i]`) is row `rows[i]` of `x`. A cross-validation fold is built from the
    /// whole matrix this way, without a copy of its rows.
    #[allow(clippy::too_many_arguments)]
    pub fn on_rows(
        time: &[f64],
        status: &[bool],
        x: &[f64],
        x_rows: usize,
        rows: &[usize],
        p: usize,
        weights: &[f64],
        standardize: bool,
        ties: Ties,
    ) -> Problem {
        let n = time.len();
        debug_assert_eq!(rows.len(), n);
        let weight_sum: f64 = weights.iter().sum();
        // Events before censorings at the same time: a censored row is at risk at its own time (glmnet adds
        // 100 eps to censored times for the same effect).
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| time[a].total_cmp(&time[b]).then(status[b].cmp(&status[a])));
        let q: Vec<f64> = order.iter().map(|&i| weights[i] / weight_sum).collect();
        let dq: Vec<f64> = order
            .iter()
            .zip(&q)
            .map(|(&i, &qi)| if status[i] { qi } else { 0.0 })
            .collect();
        let mut event_start = Vec::new();
        let mut deaths = Vec::new();
        let mut events_before = vec![0u32; n];
        let mut terms = Vec::new();
        let mut k = 0;
        while k < n {
            let t = time[order[k]];
            let mut end = k;
            let mut d = 0.0;
            let mut dead = 0u32;
            while end < n && time[order[end]] == t {
                d += dq[end];
                dead += u32::from(status[order[end]]);
                end += 1;
            }
            if d > 0.0 {
                event_start.push(k);
                deaths.push(d);
                terms.push(if ties == Ties::Efron { dead } else { 1 });
            }
            for e in &mut events_before[k..end] {
                *e = deaths.len() as u32;
            }
            k = end;
        }
        let mut xs = vec![0.0; n * p];
        let mut scale = vec![1.0; p];
        let mut excluded = vec![false; p];
        // The analysed rows of x in time order.
        let sorted_rows: Vec<usize> = order.iter().map(|&i| rows[i]).collect();
        for j in 0..p {
            let col = &x[j * x_rows..(j + 1) * x_rows];
            let first = sorted_rows.first().map(|&r| col[r]);
            if sorted_rows.iter().all(|&r| Some(col[r]) == first) {
                excluded[j] = true;
                continue;
            }
            let m: f64 = sorted_rows.iter().zip(&q).map(|(&r, qi)| qi * col[r]).sum();
            let sd = sorted_rows
                .iter()
                .zip(&q)
                .map(|(&r, qi)| qi * (col[r] - m) * (col[r] - m))
                .sum::<f64>()
                .sqrt();
            if sd == 0.0 {
                excluded[j] = true;
                continue;
            }
            let s = if standardize { sd } else { 1.0 };
            scale[j] = s;
            for (dst, &r) in xs[j * n..(j + 1) * n].iter_mut().zip(&sorted_rows) {
                *dst = (col[r] - m) / s;
            }
        }
        // glmnet's saturated likelihood: each time's deaths dominate its risk set (`U = T = D`), which leaves
        // Efron's terms the shares `(1 - phi_l) D`.
        let loglik_sat = -deaths
            .iter()
            .zip(&terms)
            .map(|(d, &m)| {
                let a = d / m as f64;
                (0..m)
                    .map(|l| a * ((1.0 - l as f64 / m as f64) * d).ln())
                    .sum::<f64>()
            })
            .sum::<f64>();
        let mut problem = Problem {
            n,
            p,
            x: xs,
            scale,
            excluded,
            q,
            dq,
            event_start,
            deaths,
            events_before,
            terms,
            weight_sum,
            loglik_sat,
            loglik_null: 0.0,
        };
        problem.loglik_null = problem.loglik(&vec![0.0; n]);
        problem
    }

    /// Column `j` of the standardized matrix.
    pub fn col(&self, j: usize) -> &[f64] {
        &self.x[j * self.n..(j + 1) * self.n]
    }

    fn exp_eta(&self, f: &[f64]) -> Vec<f64> {
        f.iter()
            .zip(&self.q)
            .map(|(fi, qi)| qi * fi.clamp(-ETA_CAP, ETA_CAP).exp())
            .collect()
    }

    /// Risk-set sums `U_k` of `e` at each event time (suffix sums from the time's first row).
    fn risk_sums(&self, e: &[f64]) -> Vec<f64> {
        let mut risk = vec![0.0; self.event_start.len()];
        let mut acc = 0.0;
        let mut i = self.n;
        for k in (0..self.event_start.len()).rev() {
            while i > self.event_start[k] {
                i -= 1;
                acc += e[i];
            }
            risk[k] = acc;
        }
        risk
    }

    /// Each event time's [`TermSums`] at the risk-set sums `risk` of `e`.
    pub fn term_sums(&self, e: &[f64], risk: &[f64]) -> Vec<TermSums> {
        (0..risk.len())
            .map(|k| {
                // One term (phi = 0) gives Breslow's D log U, D / U, D / U^2 to the bit.
                let (d, u, m) = (self.deaths[k], risk[k], self.terms[k]);
                let start = self.event_start[k];
                let tied: f64 = e[start..start + m as usize].iter().sum();
                let a = d / m as f64;
                let mut s = TermSums {
                    log: 0.0,
                    b: 0.0,
                    c: 0.0,
                    b_own: 0.0,
                    c_own: 0.0,
                    tied,
                };
                for l in 0..m {
                    let phi = l as f64 / m as f64;
                    let den = u - phi * tied;
                    let share = 1.0 - phi;
                    s.log += a * den.ln();
                    s.b += a / den;
                    s.c += a / (den * den);
                    s.b_own += a * share / den;
                    s.c_own += a * share * share / (den * den);
                }
                s
            })
            .collect()
    }

    /// Partial log likelihood with the normalised weights (glmnet's `risk`; Efron's when chosen).
    pub fn loglik(&self, f: &[f64]) -> f64 {
        let e = self.exp_eta(f);
        let risk = self.risk_sums(&e);
        let linear: f64 = self.dq.iter().zip(f).map(|(d, fi)| d * fi).sum();
        linear - self.term_sums(&e, &risk).iter().map(|s| s.log).sum::<f64>()
    }

    /// Gradient `r` and Hessian diagonal `w` of the log likelihood in the linear predictor (glmnet's `outer`):
    /// `r_i = dq_i - e_i b_i`, `w_i = e_i b_i - e_i^2 c_i` with `b_i`, `c_i` the sums of [`TermSums`] over the
    /// event times row i is at risk at (its own time's `b_own`, `c_own` for a tied death).
    pub fn working(&self, f: &[f64]) -> Working {
        let e = self.exp_eta(f);
        let risk = self.risk_sums(&e);
        let sums = self.term_sums(&e, &risk);
        let (b, c) = cumulated(&sums);
        let mut w = vec![0.0; self.n];
        let mut r = vec![0.0; self.n];
        for i in 0..self.n {
            let (bi, ci) = self.row_sums(i, &sums, &b, &c);
            w[i] = e[i] * (bi - e[i] * ci);
            r[i] = self.dq[i] - e[i] * bi;
        }
        Working { e, w, r, risk }
    }

    /// Row i's `(b_i, c_i)` from the cumulated sums of [`cumulated`]. Row i is a tied death of event time
    /// `k - 1` (`k = events_before[i]`) when it is among that time's first `terms` rows; with one term the own
    /// sums are the full ones, so `b[k - 1] + b_own` is `b[k]` to the bit.
    #[inline]
    pub fn row_sums(&self, i: usize, sums: &[TermSums], b: &[f64], c: &[f64]) -> (f64, f64) {
        let k = self.events_before[i] as usize;
        if k > 0 && i < self.event_start[k - 1] + self.terms[k - 1] as usize {
            (b[k - 1] + sums[k - 1].b_own, c[k - 1] + sums[k - 1].c_own)
        } else {
            (b[k], c[k])
        }
    }

    /// glmnet's deviance ratio of a linear predictor: `(l(f) - l(0)) / (l_sat - l(0))`.
    pub fn dev_ratio(&self, f: &[f64]) -> f64 {
        (self.loglik(f) - self.loglik_null) / (self.loglik_sat - self.loglik_null)
    }

    /// glmnet's null deviance `2 * sum(w) * (l_sat - l(0))`.
    pub fn null_deviance(&self) -> f64 {
        2.0 * self.weight_sum * (self.loglik_sat - self.loglik_null)
    }
}

/// Prefix sums of `b` and `c` over the event times: entry k covers the first k (row i at risk at every event
/// time up to its own has `events_before[i]` of them).
pub(crate) fn cumulated(sums: &[TermSums]) -> (Vec<f64>, Vec<f64>) {
    let mut b = Vec::with_capacity(sums.len() + 1);
    let mut c = Vec::with_capacity(sums.len() + 1);
    b.push(0.0);
    c.push(0.0);
    for s in sums {
        b.push(b.last().unwrap() + s.b);
        c.push(c.last().unwrap() + s.c);
    }
    (b, c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tied deaths (three at t = 2, two at t = 5 with a censoring there too), unequal weights.
    fn tied_problem(ties: Ties) -> Problem {
        let time = [2.0, 2.0, 2.0, 3.0, 5.0, 5.0, 5.0, 7.0, 8.0, 9.0];
        let status = [
            true, true, true, false, true, true, false, true, false, true,
        ];
        let x: Vec<f64> = (0..10).map(|i| (i as f64 * 0.37).sin()).collect();
        let w: Vec<f64> = (0..10).map(|i| 0.5 + (i % 3) as f64 * 0.5).collect();
        Problem::new(&time, &status, &x, 1, &w, false, ties)
    }

    #[test]
    fn the_working_gradient_and_hessian_are_the_likelihoods_derivatives() {
        for ties in [Ties::Breslow, Ties::Efron] {
            let problem = tied_problem(ties);
            let f: Vec<f64> = (0..problem.n)
                .map(|i| 0.3 * (i as f64 * 1.3).cos())
                .collect();
            let work = problem.working(&f);
            let h = 1e-5;
            for i in 0..problem.n {
                let at = |d: f64| {
                    let mut g = f.clone();
                    g[i] += d;
                    problem.loglik(&g)
                };
                let gradient = (at(h) - at(-h)) / (2.0 * h);
                let curvature = -(at(h) - 2.0 * at(0.0) + at(-h)) / (h * h);
                assert!((work.r[i] - gradient).abs() < 1e-9, "{ties:?} r[{i}]");
                assert!((work.w[i] - curvature).abs() < 1e-5, "{ties:?} w[{i}]");
            }
        }
    }

    #[test]
    fn efron_counts_each_times_deaths_and_breslow_one_term() {
        assert_eq!(tied_problem(Ties::Efron).terms, vec![3, 2, 1, 1]);
        assert_eq!(tied_problem(Ties::Breslow).terms, vec![1, 1, 1, 1]);
        // Efron's likelihood is above Breslow's with ties, and so is its saturated value.
        let (e, b) = (tied_problem(Ties::Efron), tied_problem(Ties::Breslow));
        let f = vec![0.0; e.n];
        assert!(e.loglik(&f) > b.loglik(&f));
        assert!(e.loglik_sat > b.loglik_sat);
    }
}
