//! The data of a Fine-Gray fit as both implementations read it: rows in time order with crr's status codes,
//! centred covariates, the censoring weights, and the runs of tied times.

use super::censoring_weights::censoring_weights;

/// crr's status of a row: censored, an exit by the cause of interest, or by a competing cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Censored,
    Failure,
    Competing,
}

/// Rows sorted by time (ties in row order), as crr sorts them.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    pub n: usize,
    pub p: usize,
    pub time: Vec<f64>,
    pub status: Vec<Status>,
    /// Covariates minus their means, column-major (column k is `x[k * n..(k + 1) * n]`). The
    /// subdistribution likelihood, its derivatives and the sandwich do not change when a covariate is
    /// shifted; centring keeps exp(xβ) in range.
    pub x: Vec<f64>,
    /// G(t_i−), the censoring weight of each row.
    pub g: Vec<f64>,
    /// `(start, end)` of each run of rows with one time, increasing.
    pub runs: Vec<(usize, usize)>,
}

impl Prepared {
    /// `x` is column-major over the rows of `time`; `cause` holds 0 (censored) or a cause code.
    pub fn new(time: &[f64], cause: &[u32], failcode: u32, x: &[f64], p: usize) -> Prepared {
        let n = time.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
        let time: Vec<f64> = order.iter().map(|&i| time[i]).collect();
        let status: Vec<Status> = order
            .iter()
            .map(|&i| match cause[i] {
                0 => Status::Censored,
                c if c == failcode => Status::Failure,
                _ => Status::Competing,
            })
            .collect();
        let mut xs = Vec::with_capacity(n * p);
        for k in 0..p {
            let col = &x[k * n..(k + 1) * n];
            let mean = col.iter().sum::<f64>() / n as f64;
            xs.extend(order.iter().map(|&i| col[i] - mean));
        }
        let censored: Vec<bool> = status.iter().map(|s| *s == Status::Censored).collect();
        let g = censoring_weights(&time, &censored);
        let mut runs = Vec::new();
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && time[end] == time[start] {
                end += 1;
            }
            runs.push((start, end));
            start = end;
        }
        Prepared {
            n,
            p,
            time,
            status,
            x: xs,
            g,
            runs,
        }
    }

    /// Covariate k of row i.
    #[inline]
    pub fn x(&self, i: usize, k: usize) -> f64 {
        self.x[k * self.n + i]
    }

    /// x_i β for every row.
    pub fn linear_predictor(&self, beta: &[f64]) -> Vec<f64> {
        let mut eta = vec![0.0f64; self.n];
        for (k, b) in beta.iter().enumerate() {
            let col = &self.x[k * self.n..(k + 1) * self.n];
            eta.iter_mut().zip(col).for_each(|(e, x)| *e += b * x);
        }
        eta
    }
}

/// The negative log pseudo-likelihood, its gradient and Hessian at one β (crr minimises; its `crrfsv`).
#[derive(Clone, Debug)]
pub(crate) struct Evaluation {
    pub neg_loglik: f64,
    pub neg_score: Vec<f64>,
    /// The information, p × p row-major.
    pub information: Vec<f64>,
}
