//! The data of a Cox fit: plain slices of times, events, covariates, strata, weights and clusters.

use rayon::prelude::*;

/// The data of one fit, as plain slices (rows without missing values; the caller drops NA rows).
///
/// Build it with [`CoxData::new`] (right-censored rows) and the `with_*` methods for what a model adds, or
/// from a formula's [`Design`](crate::design::Design) with [`CoxData::from_design`]. The fields are public
/// for callers that fill them directly; lengths are checked by the fit, not here.
///
/// ```
/// use sigsurv_core::CoxData;
/// let (time, status) = ([9.0, 1.0, 1.0, 6.0, 6.0, 8.0], [true, true, false, true, true, false]);
/// let x = [0.0, 1.0, 1.0, 1.0, 0.0, 0.0];
/// let names = ["x".to_string()];
/// let weights = [1.0, 2.0, 1.0, 1.0, 1.0, 1.0];
/// let data = CoxData::new(&time, &status, &x, &names).with_weights(&weights);
/// assert_eq!((data.p, data.weights.map(<[f64]>::len)), (1, Some(6)));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CoxData<'a> {
    /// Start times of (start, stop] counting-process rows; `None` for right-censored data.
    pub start: Option<&'a [f64]>,
    /// Event or censoring time (the stop time of counting-process rows).
    pub stop: &'a [f64],
    pub event: &'a [bool],
    /// Covariates, column-major: column j is `x[j * n..(j + 1) * n]`.
    pub x: &'a [f64],
    pub p: usize,
    /// Coefficient names, one per column of `x`.
    pub names: &'a [String],
    /// Stratum code of each row (any u32 values).
    pub strata: Option<&'a [u32]>,
    /// Case weights (> 0).
    pub weights: Option<&'a [f64]>,
    /// Cluster code of each row; implies the robust variance, grouped by cluster.
    pub cluster: Option<&'a [u32]>,
    /// A known part of each row's linear predictor, its coefficient fixed at 1 (R: `offset()` in the formula).
    pub offset: Option<&'a [f64]>,
}

impl<'a> CoxData<'a> {
    /// Right-censored data: the event or censoring `time` and `event` of each row, the covariates `x`
    /// column-major (column j is `x[j * n..(j + 1) * n]`, n = `time.len()`) and one name per column (so
    /// `p = names.len()`). No strata, weights or clusters; add them with the `with_*` methods.
    pub fn new(
        time: &'a [f64],
        event: &'a [bool],
        x: &'a [f64],
        names: &'a [String],
    ) -> CoxData<'a> {
        CoxData {
            start: None,
            stop: time,
            event,
            x,
            p: names.len(),
            names,
            strata: None,
            weights: None,
            cluster: None,
            offset: None,
        }
    }

    /// Counting-process (start, stop] rows: `start` is each row's entry time, the `time` given to
    /// [`CoxData::new`] its stop time (R: `Surv(start, stop, event)`).
    pub fn with_start(self, start: &'a [f64]) -> CoxData<'a> {
        CoxData {
            start: Some(start),
            ..self
        }
    }

    /// A stratum code for each row (any `u32` values; R: `strata()` in the formula).
    pub fn with_strata(self, strata: &'a [u32]) -> CoxData<'a> {
        CoxData {
            strata: Some(strata),
            ..self
        }
    }

    /// Case weights, > 0 (R: `weights =`).
    pub fn with_weights(self, weights: &'a [f64]) -> CoxData<'a> {
        CoxData {
            weights: Some(weights),
            ..self
        }
    }

    /// A cluster code for each row: the fit reports the robust variance, summed within clusters (R:
    /// `cluster()` in the formula).
    pub fn with_cluster(self, cluster: &'a [u32]) -> CoxData<'a> {
        CoxData {
            cluster: Some(cluster),
            ..self
        }
    }

    /// A known part of each row's linear predictor, `η = xβ + offset` (R: `offset()` in the formula).
    pub fn with_offset(self, offset: &'a [f64]) -> CoxData<'a> {
        CoxData {
            offset: Some(offset),
            ..self
        }
    }

    /// The data of a model whose covariates, names, strata, clusters and offset come from `design`.
    pub fn from_design(
        design: &'a crate::design::Design,
        start: Option<&'a [f64]>,
        stop: &'a [f64],
        event: &'a [bool],
        weights: Option<&'a [f64]>,
    ) -> CoxData<'a> {
        CoxData {
            start,
            stop,
            event,
            x: &design.x,
            p: design.p(),
            names: &design.names,
            strata: design.strata.as_deref(),
            weights,
            cluster: design.cluster.as_deref(),
            offset: design.offset.as_deref(),
        }
    }
}

/// What the fits compute from the data alone.
impl CoxData<'_> {
    /// `X β + offset` for each row (original order).
    pub(crate) fn linear_predictor(&self, coef: &[f64]) -> Vec<f64> {
        let data = self;
        let n = data.stop.len();
        let mut lp = vec![0.0; n];
        // By chunks of rows (in parallel), each summing the columns in order: the same sums as column by column
        // over all rows, with the chunk of `lp` staying in cache.
        const ROWS: usize = 1 << 12;
        lp.par_chunks_mut(ROWS).enumerate().for_each(|(c, out)| {
            let a = c * ROWS;
            if let Some(o) = data.offset {
                out.copy_from_slice(&o[a..a + out.len()]);
            }
            for (j, &b) in coef.iter().enumerate() {
                if b != 0.0 {
                    let col = &data.x[j * n + a..j * n + a + out.len()];
                    out.iter_mut().zip(col).for_each(|(l, x)| *l += b * x);
                }
            }
        });
        lp
    }

    /// R's `fit$means` for counting-process data (`agreg.fit`): unweighted column means over every row, 0 for
    /// columns with values only in {-1, 0, 1}.
    pub(crate) fn counting_means(&self, n: usize) -> Vec<f64> {
        let data = self;
        (0..data.p)
            .map(|j| {
                let col = &data.x[j * n..(j + 1) * n];
                if col.iter().all(|&v| v == 0.0 || v == 1.0 || v == -1.0) {
                    0.0
                } else {
                    col.iter().sum::<f64>() / n as f64
                }
            })
            .collect()
    }
}
