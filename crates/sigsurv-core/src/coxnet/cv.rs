//! Cross-validation of the elastic-net Cox path as `cv.glmnet(x, y, family = "cox", foldid = ...)`: each fold
//! refits the path on the other folds with its own lambda sequence, its coefficients are read at the full data's
//! lambdas by glmnet's linear interpolation (`lambda.interp`), and the fold is scored by the grouped deviance
//! (`coxnet.deviance` of all rows minus that of the training rows) or by Harrell's C of its own rows.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rayon::prelude::*;

use super::path::{coxnet_path, coxnet_path_on_rows, CoxnetOptions, CoxnetPath};
use super::problem::Problem;
use crate::cox::Ties;
use crate::error::CoreError;
use crate::validation::{concordance, ConcordanceData, ConcordanceOptions};

/// What a fold is scored by (`type.measure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CvMeasure {
    /// Grouped partial-likelihood deviance (glmnet's default for Cox; smaller is better).
    Deviance,
    /// Harrell's C of the fold's own rows (larger is better).
    C,
}

/// `cv.glmnet`'s result.
#[derive(Debug, Clone, PartialEq)]
pub struct CoxnetCv {
    /// The full data's path (its lambdas are the ones cross-validated).
    pub path: CoxnetPath,
    pub measure: CvMeasure,
    pub cvm: Vec<f64>,
    pub cvsd: Vec<f64>,
    /// Per fold, the measure at each lambda (`cvraw` after division by the fold's weight).
    pub cvraw: Vec<Vec<f64>>,
    /// Each fold's own lambda sequence.
    pub fold_lambda: Vec<Vec<f64>>,
    /// Largest lambda at the best `cvm`, and its index in `path.lambda`.
    pub lambda_min: f64,
    pub index_min: usize,
    /// Largest lambda whose `cvm` is within one `cvsd` (of the best) of the best.
    pub lambda_1se: f64,
    pub index_1se: usize,
}

/// Fold numbers 1..=nfolds as `sample(rep(seq(nfolds), length = n))` does, from a seeded generator (not R's:
/// pass R's `foldid` to compare with R). The same for any thread count.
pub fn coxnet_fold_ids(n: usize, nfolds: usize, seed: u64) -> Vec<usize> {
    let mut ids: Vec<usize> = (0..n).map(|i| i % nfolds.max(1) + 1).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    ids.shuffle(&mut rng);
    ids
}

/// glmnet's `coxnet.deviance(x = x, y, weights, beta)`: `2 (l_sat - l(beta))` with the weights rescaled to sum
/// to the number of rows, Breslow ties.
pub fn coxnet_deviance(
    time: &[f64],
    status: &[bool],
    x: &[f64],
    p: usize,
    weights: &[f64],
    beta: &[f64],
) -> f64 {
    let n = time.len();
    let eta: Vec<f64> = (0..n)
        .map(|i| (0..p).map(|j| x[j * n + i] * beta[j]).sum())
        .collect();
    deviance_of_eta(time, status, &eta, weights, Ties::Breslow)
}

fn deviance_of_eta(time: &[f64], status: &[bool], eta: &[f64], weights: &[f64], ties: Ties) -> f64 {
    let n = time.len();
    let sum: f64 = weights.iter().sum();
    let w: Vec<f64> = weights.iter().map(|w| w * n as f64 / sum).collect();
    // The log likelihood is invariant to shifting eta; glmnet centres it (weighted) before exponentiating.
    let shift = eta.iter().zip(&w).map(|(e, w)| e * w).sum::<f64>() / n as f64;
    let centred: Vec<f64> = eta.iter().map(|e| e - shift).collect();
    let problem = Problem::new(time, status, &centred, 1, &w, false, ties);
    // Problem normalises the weights to sum 1: scale back to glmnet's sum of n.
    let f: Vec<f64> = problem.x.clone();
    let scale = n as f64;
    let loglik_q = if problem.excluded[0] {
        // A constant predictor: the likelihood at eta = 0 is the same.
        problem.loglik_null
    } else {
        problem.loglik(&f)
    };
    // l_w = n * (l_q + log(n) * sum q d) : the risk-set sums scale by n inside the logarithm.
    let dq: f64 = problem.dq.iter().sum();
    let loglik = scale * (loglik_q - scale.ln() * dq);
    let loglik_sat = scale * (problem.loglik_sat - scale.ln() * dq);
    2.0 * (loglik_sat - loglik)
}

/// glmnet's `lambda.interp`: the coefficients of `path` at `s` by linear interpolation in lambda, clamped to
/// the path's range.
fn interpolate(path: &CoxnetPath, s: f64) -> Vec<f64> {
    let lambda = &path.lambda;
    let k = lambda.len();
    if k == 1 {
        return path.beta[0].clone();
    }
    let span = lambda[0] - lambda[k - 1];
    let frac = ((lambda[0] - s) / span).clamp(0.0, 1.0);
    let norm: Vec<f64> = lambda.iter().map(|l| (lambda[0] - l) / span).collect();
    // approx(norm, seq, frac): the (1-based) fractional index of frac.
    let mut left = 0;
    while left + 1 < k && norm[left + 1] <= frac {
        left += 1;
    }
    let coord = if left + 1 < k && norm[left + 1] > norm[left] {
        left as f64 + (frac - norm[left]) / (norm[left + 1] - norm[left])
    } else {
        left as f64
    };
    let (l, r) = (coord.floor() as usize, coord.ceil() as usize);
    let mut weight = if l == r {
        1.0
    } else {
        (frac - norm[r]) / (norm[l] - norm[r])
    };
    if (lambda[l] - lambda[r]).abs() < f64::EPSILON {
        weight = 1.0;
    }
    path.beta[l]
        .iter()
        .zip(&path.beta[r])
        .map(|(a, b)| a * weight + b * (1.0 - weight))
        .collect()
}

fn subset<T: Copy>(v: &[T], keep: &[bool]) -> Vec<T> {
    v.iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(x, _)| *x)
        .collect()
}

/// `x beta` at every row of the column-major n-row `x`.
fn predictor(x: &[f64], n: usize, beta: &[f64]) -> Vec<f64> {
    let mut eta = vec![0.0; n];
    for (j, b) in beta.iter().enumerate() {
        if *b != 0.0 {
            for (e, xi) in eta.iter_mut().zip(&x[j * n..(j + 1) * n]) {
                *e += b * xi;
            }
        }
    }
    eta
}

/// `x beta` at the rows `rows` only: each the same sum as [`predictor`]'s.
fn predictor_at(x: &[f64], n: usize, beta: &[f64], rows: &[usize]) -> Vec<f64> {
    let mut eta = vec![0.0; rows.len()];
    for (j, b) in beta.iter().enumerate() {
        if *b != 0.0 {
            let col = &x[j * n..(j + 1) * n];
            for (e, &i) in eta.iter_mut().zip(rows) {
                *e += b * col[i];
            }
        }
    }
    eta
}

/// Cross-validated elastic-net Cox path as `cv.glmnet(..., foldid)` with `grouped = TRUE` (its default).
/// `foldid` holds fold numbers 1..=K (K >= 3), as R's; see [`coxnet_fold_ids`]. Folds run in parallel.
#[allow(clippy::too_many_arguments)]
#[doc(alias = "cv.glmnet")]
pub fn cv_coxnet(
    time: &[f64],
    status: &[bool],
    x: &[f64],
    p: usize,
    weights: Option<&[f64]>,
    penalty_factor: Option<&[f64]>,
    options: &CoxnetOptions,
    foldid: &[usize],
    measure: CvMeasure,
) -> Result<CoxnetCv, CoreError> {
    let n = time.len();
    if foldid.len() != n {
        return Err(CoreError::LengthMismatch {
            what: "foldid",
            got: foldid.len(),
            expected: n,
        });
    }
    let nfolds = foldid.iter().copied().max().unwrap_or(0);
    if nfolds < 3 || foldid.contains(&0) {
        return Err(CoreError::InvalidArgument(format!(
            "fold numbers must run from 1 to at least 3 (got 1..{nfolds}); 10 folds are recommended"
        )));
    }
    let unit = vec![1.0; n];
    let w = weights.unwrap_or(&unit);
    let events = status
        .iter()
        .zip(w)
        .filter(|(d, w)| **d && **w > 0.0)
        .count();
    if nfolds > events {
        return Err(CoreError::InvalidArgument(format!(
            "{nfolds} folds but only {events} events: use at most {events} folds"
        )));
    }
    let path = coxnet_path(time, status, x, p, weights, penalty_factor, options)?;
    // Per fold: its own lambda sequence and its measure at the full data's lambdas.
    type Fold = Result<(Vec<f64>, Vec<f64>), CoreError>;
    let folds: Vec<Fold> = (1..=nfolds)
        .into_par_iter()
        .map(|k| {
            let train: Vec<bool> = foldid.iter().map(|f| *f != k).collect();
            let test: Vec<bool> = train.iter().map(|t| !t).collect();
            let rows: Vec<usize> = (0..n).filter(|&i| train[i]).collect();
            let held_out: Vec<usize> = (0..n).filter(|&i| test[i]).collect();
            let (tt, ts, tw) = (
                subset(time, &train),
                subset(status, &train),
                subset(w, &train),
            );
            let fit =
                coxnet_path_on_rows(&tt, &ts, x, n, &rows, p, Some(&tw), penalty_factor, options)?;
            let (vt, vs, vw) = (subset(time, &test), subset(status, &test), subset(w, &test));
            let raw: Vec<f64> = path
                .lambda
                .iter()
                .map(|&s| {
                    let beta = interpolate(&fit, s);
                    match measure {
                        // The grouped deviance needs every row's predictor; the C-index the fold's own.
                        CvMeasure::Deviance => {
                            let eta = predictor(x, n, &beta);
                            let full = deviance_of_eta(time, status, &eta, w, options.ties);
                            let minus =
                                deviance_of_eta(&tt, &ts, &subset(&eta, &train), &tw, options.ties);
                            full - minus
                        }
                        CvMeasure::C => {
                            let marker = predictor_at(x, n, &beta, &held_out);
                            let data = ConcordanceData {
                                time: &vt,
                                event: &vs,
                                marker: &marker,
                                weight: Some(&vw),
                                strata: None,
                            };
                            concordance(&data, &ConcordanceOptions::default())
                                .map_or(f64::NAN, |c| c.c)
                        }
                    }
                })
                .collect();
            Ok((fit.lambda, raw))
        })
        .collect();
    let mut cvraw = Vec::with_capacity(nfolds);
    let mut fold_lambda = Vec::with_capacity(nfolds);
    for fold in folds {
        let (lambda, raw) = fold?;
        fold_lambda.push(lambda);
        cvraw.push(raw);
    }
    // Fold weights: weighted events (deviance) or weights (C); the deviance is per weighted event.
    let fold_weight: Vec<f64> = (1..=nfolds)
        .map(|k| {
            (0..n)
                .filter(|&i| foldid[i] == k && (measure == CvMeasure::C || status[i]))
                .map(|i| w[i])
                .sum()
        })
        .collect();
    if measure == CvMeasure::Deviance {
        for (raw, fw) in cvraw.iter_mut().zip(&fold_weight) {
            for v in raw.iter_mut() {
                *v /= fw;
            }
        }
    }
    let nl = path.lambda.len();
    let mut cvm = vec![0.0; nl];
    let mut cvsd = vec![0.0; nl];
    for l in 0..nl {
        let (mut sw, mut sv, mut count) = (0.0, 0.0, 0usize);
        for (raw, fw) in cvraw.iter().zip(&fold_weight) {
            if raw[l].is_finite() {
                sw += fw;
                sv += fw * raw[l];
                count += 1;
            }
        }
        cvm[l] = sv / sw;
        let var = cvraw
            .iter()
            .zip(&fold_weight)
            .filter(|(raw, _)| raw[l].is_finite())
            .map(|(raw, fw)| fw * (raw[l] - cvm[l]).powi(2))
            .sum::<f64>()
            / sw;
        cvsd[l] = (var / (count as f64 - 1.0)).sqrt();
    }
    // getOptcv.glmnet: the C is maximised, so its sign is flipped.
    let sign = if measure == CvMeasure::C { -1.0 } else { 1.0 };
    let best = (0..nl).map(|l| sign * cvm[l]).fold(f64::INFINITY, f64::min);
    let index_min = (0..nl)
        .filter(|&l| sign * cvm[l] <= best)
        .max_by(|&a, &b| path.lambda[a].total_cmp(&path.lambda[b]))
        .unwrap_or(0);
    let bound = sign * cvm[index_min] + cvsd[index_min];
    let index_1se = (0..nl)
        .filter(|&l| sign * cvm[l] <= bound)
        .max_by(|&a, &b| path.lambda[a].total_cmp(&path.lambda[b]))
        .unwrap_or(index_min);
    Ok(CoxnetCv {
        lambda_min: path.lambda[index_min],
        lambda_1se: path.lambda[index_1se],
        index_min,
        index_1se,
        path,
        measure,
        cvm,
        cvsd,
        cvraw,
        fold_lambda,
    })
}
