//! The search for the penalty weight θ that gives a term its target degrees of freedom: R survival's
//! `frailty.controldf`, step for step (the θ it tries next depends on every (θ, df) pair tried so far, so the
//! same rule gives R's θ and hence R's fit).

/// The (θ, df) pairs tried so far, starting from R's two anchors (θ = 1: df 1; θ = 0: df = nterm).
#[derive(Debug, Clone)]
pub(super) struct DfSearch {
    target: f64,
    eps: f64,
    pub thetas: Vec<f64>,
    pub dfs: Vec<f64>,
    /// R's `half`: how many bisections in a row (None before the first step).
    half: Option<u32>,
}

impl DfSearch {
    /// The search and its first θ, `1 − df / nterm`.
    pub fn start(target: f64, eps: f64, nterm: usize) -> (DfSearch, f64) {
        let s = DfSearch {
            target,
            eps,
            thetas: vec![1.0, 0.0],
            dfs: vec![1.0, nterm as f64],
            half: None,
        };
        (s, 1.0 - target / nterm as f64)
    }

    /// Records that outer iteration `iter` (from 1) fitted `theta` and found `df`; returns the next θ and whether
    /// the search is done (the fit just made is the answer).
    pub fn next(&mut self, iter: usize, theta: f64, df: f64) -> (f64, bool) {
        self.thetas.push(theta);
        self.dfs.push(df);
        let nx = self.thetas.len();
        if nx == 2 {
            // Only reached with no anchors; kept as R writes it.
            let (t, d) = (&self.thetas, &self.dfs);
            let mut next = t[0] + (t[1] - t[0]) * (self.target - d[0]) / (d[1] - d[0]);
            if self.target > df {
                next *= 1.5;
            }
            self.half = Some(0);
            return (next, false);
        }
        let done = iter > 1 && (self.dfs[nx - 1] - self.target).abs() < self.eps;
        let mut target = self.target;
        let doing_well = ((self.dfs[nx - 1] - target) / (self.dfs[nx - 2] - target)).abs() <= 0.6;
        let mut ord: Vec<usize> = (0..nx).collect();
        ord.sort_by(|&a, &b| self.thetas[a].total_cmp(&self.thetas[b]));
        let x: Vec<f64> = ord.iter().map(|&i| self.thetas[i]).collect();
        let mut y: Vec<f64> = ord.iter().map(|&i| self.dfs[i]).collect();
        if (self.thetas[0] - self.thetas[1]) * (self.dfs[0] - self.dfs[1]) <= 0.0 {
            y.iter_mut().for_each(|v| *v = -*v);
            target = -target;
        }
        // b1 is R's 1-based index.
        let mut b1 = if y.iter().all(|&v| v > target) {
            1
        } else if y.iter().all(|&v| v < target) {
            nx - 2
        } else {
            let mut b1 = (1..=nx).filter(|&i| y[i - 1] <= target).max().unwrap_or(1);
            if !doing_well && self.half.is_none_or(|h| h < 2) {
                self.half = Some(self.half.unwrap_or(0) + 1);
                return ((x[b1 - 1] + x[b1]) / 2.0, done);
            }
            if b1 + 1 == nx || (b1 > 1 && (target - y[b1 - 1]) < (y[b1] - target)) {
                b1 -= 1;
            }
            b1
        };
        // R would index past the end (an NA θ) when every df is at or below the target; stay inside.
        b1 = b1.clamp(1, nx - 2);
        // A power curve through (x[b1], y[b1]) and the next two points, solved for the target.
        let (x0, y0) = (x[b1 - 1], y[b1 - 1]);
        let xx = [(x[b1] - x0).ln(), (x[b1 + 1] - x0).ln()];
        let yy = [(y[b1] - y0).ln(), (y[b1 + 1] - y0).ln()];
        let power = (yy[1] - yy[0]) / (xx[1] - xx[0]);
        let a = yy[0] - power * xx[0];
        let newx = ((target - y0).ln() - a) / power;
        self.half = Some(0);
        (x0 + newx.exp(), done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retraces_r_on_lung_age() {
        // survival 3.5-3, coxph(Surv(time, status) ~ pspline(age, df = 4) + sex, lung): fit$history[[1]]$history
        // thetas 0.6, 0.7039487, 0.7711817, 0.7983225 with dfs 5.011091, 4.561259, 4.236803, 4.092186.
        let (mut s, first) = DfSearch::start(4.0, 0.1, 10);
        assert!((first - 0.6).abs() < 1e-15);
        let dfs = [5.011091, 4.561259, 4.236803, 4.092186];
        let r_next = [0.7039487, 0.7711817, 0.7983225];
        let mut theta = first;
        for (k, &df) in dfs.iter().enumerate() {
            let (next, done) = s.next(k + 1, theta, df);
            if k < 3 {
                assert!(!done);
                assert!((next - r_next[k]).abs() < 2e-7, "{k}: {next}");
                theta = r_next[k];
            } else {
                assert!(done);
            }
        }
    }
}
