//! The elastic-net Cox path as `glmnet(x, Surv(time, status), family = "cox")`: the lambda sequence, warm
//! starts, the strong rule, and glmnet's rules for ending the path early.

use super::kernels::dot;
use super::lambda::geometric_lambdas;
use super::problem::{check_inputs, Problem};
use super::solve::{Penalty, State, Stop};
use crate::cox::Ties;
use crate::error::CoreError;
use rayon::prelude::*;

/// glmnet's factory settings for the Cox path (`glmnet.control`): the path ends once the deviance ratio
/// gains less than `100 * fdev` relatively over `mnlam - 1` steps, or exceeds `0.99 * devmax / 0.999`.
const FDEV: f64 = 1e-5 * 100.0;
const DEVMAX: f64 = 0.999 * 0.99 / 0.999;
const MIN_LAMBDAS: usize = 5;
/// glmnet's smallest allowed `lambda.min.ratio` (`glmnet.control(eps)`).
const MIN_RATIO: f64 = 1e-6;
/// glmnet's "infinite" lambda of the first step (`glmnet.control(big)`): only unpenalized variables move.
const BIG: f64 = 9.9e35;

/// Options of [`coxnet_path`], with glmnet's defaults.
#[derive(Debug, Clone)]
pub struct CoxnetOptions {
    /// Elastic-net mixing in (0, 1]: 1 is the lasso.
    pub alpha: f64,
    /// Number of lambdas of the default sequence.
    pub nlambda: usize,
    /// Smallest lambda as a fraction of lambda_max; `None` is glmnet's default (0.01 if n < p, else 1e-4).
    pub lambda_min_ratio: Option<f64>,
    /// A user sequence instead of the default one (sorted decreasing, as glmnet does; the path is not cut short).
    pub lambda: Option<Vec<f64>>,
    /// Standardize the columns (weighted sd, divisor the weights' sum) for the penalty.
    pub standardize: bool,
    /// glmnet's `thresh`: the coordinate descent stops once no coordinate moves its share of the null
    /// deviance by more than this. The result is then refined by Newton steps to the exact optimum.
    pub thresh: f64,
    /// glmnet's `maxit`: coordinate passes allowed over the whole path.
    pub maxit: usize,
    /// glmnet's `dfmax`: the path stops after the first lambda (from the 5th on, default sequence only) with
    /// more nonzero coefficients. `None`: no limit (glmnet's `nvars + 1`).
    pub dfmax: Option<usize>,
    /// glmnet's `pmax`: the path stops before the lambda at which more variables have ever been nonzero.
    /// `None`: glmnet's `min(2 * dfmax + 20, nvars)` with `dfmax` given, else no limit.
    pub pmax: Option<usize>,
    /// The partial likelihood's ties: Breslow (glmnet's, the default) or Efron (survival's `coxph` default);
    /// `Exact` is refused.
    pub ties: Ties,
}

impl Default for CoxnetOptions {
    fn default() -> Self {
        CoxnetOptions {
            alpha: 1.0,
            nlambda: 100,
            lambda_min_ratio: None,
            lambda: None,
            standardize: true,
            thresh: 1e-7,
            maxit: 100_000,
            dfmax: None,
            pmax: None,
            ties: Ties::Breslow,
        }
    }
}

/// An elastic-net Cox path (glmnet's `coxnet` object).
#[derive(Debug, Clone, PartialEq)]
pub struct CoxnetPath {
    /// Lambdas actually computed (glmnet may stop before `nlambda`).
    pub lambda: Vec<f64>,
    /// Coefficients on the original scale, one vector of p per lambda (`coef(fit)` column by column).
    pub beta: Vec<Vec<f64>>,
    /// Nonzero coefficients per lambda (glmnet's `df`).
    pub df: Vec<usize>,
    /// Fraction of the null deviance explained (glmnet's `dev.ratio`).
    pub dev_ratio: Vec<f64>,
    /// `2 * sum(w) * (l_sat - l(0))` (glmnet's `nulldev`).
    pub null_deviance: f64,
    /// Columns left out because they are constant (never in the path), by index.
    pub constant_columns: Vec<usize>,
    /// Coordinate passes used (glmnet's `npasses`).
    pub passes: usize,
    /// Why the path is shorter than asked, if it is not one of glmnet's regular stopping rules.
    pub truncated: Option<String>,
}

/// The elastic-net Cox path with glmnet 4.1's conventions (Breslow ties, weights normalised to sum 1,
/// standardized columns, penalty factors rescaled to sum to p, lambda sequence and early stopping as glmnet),
/// each point the exact optimum of glmnet's objective
/// `-l(b) / sum(w) + lambda * sum_j pf_j ((1 - alpha) / 2 b_j^2 + alpha |b_j|)`.
///
/// `x` is column-major (`x[j * n + i]`). A penalty factor of 0 leaves a variable unpenalized: it is fitted at
/// the first lambda, and lambda_max is the largest score of the penalized ones at that fit.
///
/// ```
/// use sigsurv_core::{coxnet_path, CoxnetOptions};
/// // survival's ovarian, columns age, resid.ds, rx, ecog.ps (fixtures/coxnet/make_lambda.R):
/// # let data = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/coxnet/lambda.json"));
/// # let v: serde_json::Value = serde_json::from_str(data).unwrap();
/// # let x: Vec<f64> = (0..4).flat_map(|j| v["x"].as_array().unwrap().iter().map(move |r| r[j].as_f64().unwrap())).collect();
/// # let time: Vec<f64> = v["time"].as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
/// # let status: Vec<bool> = v["status"].as_array().unwrap().iter().map(|d| d.as_f64().unwrap() == 1.0).collect();
/// let options = CoxnetOptions { nlambda: 20, ..CoxnetOptions::default() };
/// let path = coxnet_path(&time, &status, &x, 4, None, None, &options)?;
/// // glmnet(x, Surv(futime, fustat), family = "cox", nlambda = 20)$lambda[1:2]
/// for (got, want) in path.lambda.iter().zip([0.389262638265723, 0.239726698544965]) {
///     assert!((got - want).abs() <= 1e-9 * want);
/// }
/// assert!(path.beta[0].iter().all(|b| *b == 0.0));
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "glmnet")]
pub fn coxnet_path(
    time: &[f64],
    status: &[bool],
    x: &[f64],
    p: usize,
    weights: Option<&[f64]>,
    penalty_factor: Option<&[f64]>,
    options: &CoxnetOptions,
) -> Result<CoxnetPath, CoreError> {
    let rows: Vec<usize> = (0..time.len()).collect();
    coxnet_path_on_rows(
        time,
        status,
        x,
        time.len(),
        &rows,
        p,
        weights,
        penalty_factor,
        options,
    )
}

/// [`coxnet_path`] on some rows of a column-major matrix with `x_rows` rows (see `Problem::on_rows`): the
/// cross-validation folds' fits, without copies of their rows.
#[allow(clippy::too_many_arguments)]
pub(crate) fn coxnet_path_on_rows(
    time: &[f64],
    status: &[bool],
    x: &[f64],
    x_rows: usize,
    rows: &[usize],
    p: usize,
    weights: Option<&[f64]>,
    penalty_factor: Option<&[f64]>,
    options: &CoxnetOptions,
) -> Result<CoxnetPath, CoreError> {
    let n = time.len();
    let unit_w = vec![1.0; n];
    let unit_pf = vec![1.0; p];
    let weights = weights.unwrap_or(&unit_w);
    let penalty_factor = penalty_factor.unwrap_or(&unit_pf);
    check_inputs(
        time,
        status,
        x,
        x_rows,
        p,
        weights,
        penalty_factor,
        options.alpha,
        options.ties,
    )?;
    if rows.len() != n || rows.iter().any(|&r| r >= x_rows) {
        return Err(CoreError::InvalidArgument(format!(
            "{} row indices for {n} rows of a {x_rows}-row matrix",
            rows.len()
        )));
    }
    if options.nlambda == 0 {
        return Err(CoreError::InvalidArgument(
            "nlambda must be at least 1".to_string(),
        ));
    }
    if let Some(lambda) = &options.lambda {
        if lambda.is_empty() || lambda.iter().any(|l| !(l.is_finite() && *l >= 0.0)) {
            return Err(CoreError::InvalidArgument(
                "lambda values must be finite and >= 0, at least one".to_string(),
            ));
        }
    }
    let ratio = options
        .lambda_min_ratio
        .unwrap_or_else(|| super::lambda::default_lambda_min_ratio(n, p));
    if !(ratio > 0.0 && ratio < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "lambda.min.ratio = {ratio}: it must be in (0, 1)"
        )));
    }
    let problem = Problem::on_rows(
        time,
        status,
        x,
        x_rows,
        rows,
        p,
        weights,
        options.standardize,
        options.ties,
    );
    let vq_scale = p as f64 / penalty_factor.iter().sum::<f64>();
    let vq: Vec<f64> = penalty_factor.iter().map(|f| f * vq_scale).collect();
    let unpenalized: Vec<bool> = vq
        .iter()
        .zip(&problem.excluded)
        .map(|(f, ex)| *f == 0.0 && !ex)
        .collect();
    let threshold = options.thresh * (problem.loglik_sat - problem.loglik_null);
    let pmax = options
        .pmax
        .or(options.dfmax.map(|d| (2 * d + 20).min(p)))
        .unwrap_or(usize::MAX);
    let mut state = State::new(&problem);
    let user: Option<Vec<f64>> = options.lambda.as_ref().map(|l| {
        let mut l = l.clone();
        l.sort_by(|a, b| b.total_cmp(a));
        l
    });
    let nlambda = user.as_ref().map_or(options.nlambda, Vec::len);
    let mut out = CoxnetPath {
        lambda: Vec::new(),
        beta: Vec::new(),
        df: Vec::new(),
        dev_ratio: Vec::new(),
        null_deviance: problem.null_deviance(),
        constant_columns: (0..p).filter(|&j| problem.excluded[j]).collect(),
        passes: 0,
        truncated: None,
    };
    // The default sequence starts where only the unpenalized variables are in the model.
    let mut sequence = user.clone().unwrap_or_default();
    let mut previous = 0.0;
    let mut descent_dev = Vec::with_capacity(nlambda);
    for step in 0..nlambda {
        let lambda = if user.is_none() && step == 0 {
            BIG
        } else {
            sequence[step]
        };
        // glmnet's strong rule: a coordinate joins when its score exceeds alpha (2 lambda - lambda_prev).
        let strong_cut = options.alpha * (2.0 * lambda - previous);
        if step > 0 || user.is_some() || unpenalized.iter().any(|u| *u) {
            let work = problem.working(&state.f);
            let joining: Vec<usize> = (0..p)
                .into_par_iter()
                .filter(|&j| {
                    !state.strong[j]
                        && !problem.excluded[j]
                        && (unpenalized[j]
                            || dot(&work.r, problem.col(j)).abs() > strong_cut * vq[j])
                })
                .collect();
            for j in joining {
                state.strong[j] = true;
            }
        }
        let pen = Penalty {
            lambda,
            alpha: options.alpha,
            factor: &vq,
        };
        match state.descend(&problem, &pen, threshold, options.maxit) {
            // glmnet abandons the lambda at which its active set outgrows pmax.
            Ok(_) if state.entered.len() > pmax => {
                out.truncated = Some(format!(
                    "the number of variables ever in the model exceeds pmax = {pmax} at lambda {} of \
                     {nlambda}: the path stops before it (glmnet's error code {}, solutions for larger lambdas \
                     returned)",
                    step + 1,
                    -10001 - step as i64
                ));
                break;
            }
            Ok(_) => {}
            Err(stop) => {
                out.truncated = Some(match stop {
                    Stop::MaxPasses => format!(
                        "the path stopped at lambda {} of {nlambda}: more than {} coordinate passes (raise maxit)",
                        step + 1,
                        options.maxit
                    ),
                    Stop::Degenerate => format!(
                        "the path stopped at lambda {} of {nlambda}: the fit became degenerate (a risk set \
                         dominated by one row)",
                        step + 1
                    ),
                });
                break;
            }
        }
        // The exact optimum is polished from a copy: the descent's own iterates carry on to the next lambda
        // and decide the lambda sequence and the end of the path, as glmnet's do, so that the path has
        // glmnet's length (its stopping rule compares deviance ratios that differ by its convergence error).
        let mut exact = state.clone();
        // Beyond POLISH_MAX_ACTIVE the descent's point stands (its KKT check is glmnet's).
        let polishing = exact.worth_polishing(&problem, &unpenalized);
        for _ in 0..if polishing { 5 } else { 0 } {
            exact.polish(&problem, &pen, &unpenalized);
            if !exact.admit_kkt_violators(&problem, &pen)
                || exact
                    .descend(&problem, &pen, threshold, options.maxit)
                    .is_err()
            {
                break;
            }
        }
        if user.is_none() && step == 0 {
            let work = problem.working(&state.f);
            let lambda_max = (0..p)
                .filter(|&j| !problem.excluded[j] && vq[j] > 0.0)
                .map(|j| {
                    work.r
                        .iter()
                        .zip(problem.col(j))
                        .map(|(r, x)| r * x)
                        .sum::<f64>()
                        .abs()
                        / vq[j]
                })
                .fold(0.0, f64::max)
                / options.alpha.max(1e-3);
            sequence = geometric_lambdas(lambda_max, nlambda, ratio.max(MIN_RATIO));
        }
        let lambda = sequence[step];
        previous = lambda;
        out.lambda.push(lambda);
        out.beta.push(
            (0..p)
                .map(|j| {
                    if problem.excluded[j] {
                        0.0
                    } else {
                        exact.a[j] / problem.scale[j]
                    }
                })
                .collect(),
        );
        out.df.push(exact.a.iter().filter(|b| **b != 0.0).count());
        out.dev_ratio.push(problem.dev_ratio(&exact.f));
        let dev = problem.dev_ratio(&state.f);
        descent_dev.push(dev);
        if user.is_some() || step + 1 < MIN_LAMBDAS.min(nlambda) {
            continue;
        }
        if options
            .dfmax
            .is_some_and(|dfmax| state.a.iter().filter(|b| **b != 0.0).count() > dfmax)
        {
            break;
        }
        let back = descent_dev[step + 1 - MIN_LAMBDAS.min(nlambda)];
        if (dev - back) / dev < FDEV || dev > DEVMAX {
            break;
        }
    }
    out.passes = state.passes;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coxnet::lambda::coxnet_lambda_sequence;

    fn ovarian() -> (Vec<f64>, Vec<bool>, Vec<f64>) {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../../../fixtures/coxnet/lambda.json")).unwrap();
        let time: Vec<f64> = v["time"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_f64().unwrap())
            .collect();
        let status = v["status"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_f64() == Some(1.0))
            .collect();
        let rows = v["x"].as_array().unwrap();
        let x = (0..4)
            .flat_map(|j| rows.iter().map(move |r| r[j].as_f64().unwrap()))
            .collect();
        (time, status, x)
    }

    /// The KKT conditions of glmnet's objective on the standardized scale, recomputed from the coefficients.
    #[allow(clippy::too_many_arguments, clippy::needless_range_loop)]
    fn kkt_violation(
        time: &[f64],
        status: &[bool],
        x: &[f64],
        p: usize,
        w: &[f64],
        pf: &[f64],
        alpha: f64,
        lambda: f64,
        beta: &[f64],
    ) -> f64 {
        let problem = Problem::new(time, status, x, p, w, true, Ties::Breslow);
        let n = time.len();
        let b: Vec<f64> = (0..p).map(|j| beta[j] * problem.scale[j]).collect();
        let mut f = vec![0.0; n];
        for j in 0..p {
            for (fi, xi) in f.iter_mut().zip(problem.col(j)) {
                *fi += b[j] * xi;
            }
        }
        let r = problem.working(&f).r;
        let scale = p as f64 / pf.iter().sum::<f64>();
        (0..p)
            .map(|j| {
                let g: f64 = r.iter().zip(problem.col(j)).map(|(r, x)| r * x).sum();
                let l1 = lambda * alpha * pf[j] * scale;
                let l2 = lambda * (1.0 - alpha) * pf[j] * scale;
                if b[j] == 0.0 {
                    (g.abs() - l1).max(0.0)
                } else {
                    (g - l1 * b[j].signum() - l2 * b[j]).abs()
                }
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn every_point_of_the_path_meets_its_kkt_conditions() {
        let (time, status, x) = ovarian();
        let w: Vec<f64> = (0..26).map(|i| 0.5 + 1.5 * i as f64 / 25.0).collect();
        for (alpha, pf) in [
            (1.0, [1.0; 4]),
            (0.5, [1.0, 2.0, 0.5, 1.0]),
            (0.7, [0.0, 1.0, 1.0, 1.0]),
        ] {
            let options = CoxnetOptions {
                alpha,
                nlambda: 30,
                ..CoxnetOptions::default()
            };
            let path = coxnet_path(&time, &status, &x, 4, Some(&w), Some(&pf), &options).unwrap();
            assert!(path.lambda.len() >= 5);
            for (lambda, beta) in path.lambda.iter().zip(&path.beta) {
                let v = kkt_violation(&time, &status, &x, 4, &w, &pf, alpha, *lambda, beta);
                assert!(v < 1e-13, "alpha {alpha} lambda {lambda}: KKT off by {v}");
            }
            if pf[0] > 0.0 {
                let seq = coxnet_lambda_sequence(&time, &status, &x, 4, &w, &pf, alpha, 30, 1e-4)
                    .unwrap();
                for (a, b) in path.lambda.iter().zip(&seq) {
                    assert!((a - b).abs() <= 1e-12 * b);
                }
            } else {
                assert!(
                    path.beta[0][0] != 0.0,
                    "the unpenalized age is fitted at lambda_max"
                );
                assert!(path.beta[0][1..].iter().all(|b| *b == 0.0));
            }
        }
    }

    #[test]
    fn rejects_alpha_zero_and_all_unpenalized() {
        let (time, status, x) = ovarian();
        let options = CoxnetOptions {
            alpha: 0.0,
            ..CoxnetOptions::default()
        };
        assert!(coxnet_path(&time, &status, &x, 4, None, None, &options).is_err());
        let options = CoxnetOptions::default();
        assert!(coxnet_path(&time, &status, &x, 4, None, Some(&[0.0; 4]), &options).is_err());
    }
}
