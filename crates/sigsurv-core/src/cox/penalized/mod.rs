//! Cox models with penalized terms (`pspline()`), numerically as R survival's `coxpenal.fit`.
//!
//! An outer loop chooses each term's penalty weight θ (λ = θ / (1 − θ)); at each θ the penalized partial
//! likelihood `ℓ(β) − Σ_k λ_k/2 · β_kᵀ P_k β_k` is maximized by Newton–Raphson ([`newton`]), the effective degrees
//! of freedom of every term are computed ([`effective_df`]), and R's df search ([`df_search`]) proposes the next
//! θ, until each term's df is within `eps` of its target (at most 10 outer iterations, R's `outer.max`). Each
//! inner fit starts from the coefficients of the earlier fit whose θ was closest, as R's. The reported standard
//! errors are `sqrt(diag(H⁻¹))` with H = I + P; `se2` is from `H⁻¹ I H⁻¹`.

mod df_search;
mod effective_df;
mod newton;
pub(crate) mod spec;
pub(super) mod summary;
mod trend;

use super::concordance;
use super::data::CoxData;
use super::fit::{wald_statistic, Concordance, CoxFit, CoxTerm, Test};
use super::options::CoxOptions;
use super::prep::Prepared;
use super::square::{principal_block, scaled_both_sides};
use super::ties::Ties;
use crate::error::{CoreError, Result};
use crate::pvalue::{chisq_sf, z_for_level};
use df_search::DfSearch;
use effective_df::effective_df;
use newton::penalized_newton;
pub use spec::{PenalizedTerm, Smoothing};
pub use summary::{PenalizedSummary, SplineSummary};
pub use trend::{EffectiveTest, LinearTrend};

/// R's `coxph.control(outer.max = 10)`.
const OUTER_MAX: usize = 10;

/// Fits a Cox model with the penalized terms `penalized` (from [`crate::design::Design::penalized`]); `term_of`
/// and `terms` are the design's columns' terms and the terms' labels.
///
/// # R equivalent
/// `coxph(Surv(time, status) ~ pspline(age, df = 4) + sex, data)` (`coxpenal.fit`); `print(fit)` for the
/// linear and non-linear rows.
///
/// # Example
/// R: `coxph(Surv(futime, fustat) ~ pspline(age, df = 2, nterm = 5), ovarian)`.
/// ```
/// use sigsurv_core::cox::{cox_ph_penalized, CoxData, CoxOptions, PenalizedTerm, Smoothing};
/// use sigsurv_core::splines::PSplineBasis;
/// let futime = [59., 115., 156., 421., 431., 448., 464., 475., 477., 563., 638., 744., 769., 770., 803., 855.,
///     1040., 1106., 1129., 1206., 1227., 268., 329., 353., 365., 377.];
/// let fustat = [1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0];
/// let age = [72.3315, 74.4932, 66.4658, 53.3644, 50.3397, 56.4301, 56.937, 59.8548, 64.1753, 55.1781, 56.7562,
///     50.1096, 59.6301, 57.0521, 39.2712, 43.1233, 38.8932, 44.6, 53.9068, 44.2055, 59.589, 74.5041, 43.137,
///     63.2192, 64.4247, 58.3096];
/// let event: Vec<bool> = fustat.iter().map(|&s| s == 1).collect();
/// let basis = PSplineBasis::new(&age, 5, 3, None)?;
/// let x: Vec<f64> = basis.basis(&age)?.concat();
/// let k = basis.n_columns();
/// let names: Vec<String> = (0..k).map(|j| format!("ps(age){}", j + 3)).collect();
/// let data = CoxData::new(&futime, &event, &x, &names);
/// let spline = PenalizedTerm {
///     term: 0,
///     columns: 0..k,
///     penalty: basis.penalty(),
///     centres: basis.centres(),
///     smoothing: Smoothing::Df { df: 2.0, eps: 0.1, nterm: 5 },
/// };
/// let label = ["pspline(age, df = 2, nterm = 5)".to_string()];
/// let fit = cox_ph_penalized(&data, &[spline], &vec![0; k], &label, &CoxOptions::default())?;
/// let close = |a: f64, b: f64| (a - b).abs() < 1e-8 * b.abs();
/// let s = fit.penalized.as_ref().unwrap();
/// assert!(close(s.term_df[0], 1.93593723466706));
/// assert!(close(fit.loglik, -26.7081467325892));
/// assert!(close(fit.coef[6], 7.561270668224537));
/// assert_eq!((s.outer_iterations, s.newton_iterations), (2, 9));
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "coxpenal.fit")]
#[doc(alias = "pspline")]
pub fn cox_ph_penalized(
    data: &CoxData,
    penalized: &[PenalizedTerm],
    term_of: &[usize],
    terms: &[String],
    opts: &CoxOptions,
) -> Result<CoxFit> {
    check(data, penalized, term_of, opts)?;
    let mut prep = Prepared::build(data, opts.timefix, false)?;
    let p = prep.p;
    let n_events = data.event.iter().filter(|&&e| e).count();
    if n_events == 0 {
        return Err(CoreError::InvalidArgument(
            "no events: a penalized Cox model needs at least one".into(),
        ));
    }
    let means = if prep.counting {
        data.counting_means(prep.n)
    } else {
        prep.centre.clone()
    };
    let scale = prep.scale.clone();
    // Each term's penalty on the prepared scale: x_s = (x − c) s, so β = s β_s and βᵀPβ = β_sᵀ (S P S) β_s.
    let scaled: Vec<Vec<f64>> = penalized
        .iter()
        .map(|t| {
            let k = t.columns.len();
            let c0 = t.columns.start;
            (0..k * k)
                .map(|ij| t.penalty[ij] * scale[c0 + ij / k] * scale[c0 + ij % k])
                .collect()
        })
        .collect();
    let full_penalty = |thetas: &[f64]| -> Vec<f64> {
        let mut pen = vec![0.0; p * p];
        for ((t, m), &theta) in penalized.iter().zip(&scaled).zip(thetas) {
            let lambda = lambda_of(theta);
            let k = t.columns.len();
            let c0 = t.columns.start;
            for i in 0..k {
                for j in 0..k {
                    pen[(c0 + i) * p + c0 + j] = lambda * m[i * k + j];
                }
            }
        }
        pen
    };

    let mut searches: Vec<Option<DfSearch>> = Vec::new();
    let mut thetas: Vec<f64> = Vec::new();
    for t in penalized {
        match t.smoothing {
            Smoothing::Df { df, eps, nterm } => {
                let (s, first) = DfSearch::start(df, eps, nterm);
                searches.push(Some(s));
                thetas.push(first);
            }
            Smoothing::Theta(theta) => {
                searches.push(None);
                thetas.push(theta);
            }
        }
    }
    let loglik0 = super::eval::evaluate(&prep, &vec![0.0; p], opts.ties).loglik;
    let n_terms = terms.len();
    let mut init = vec![0.0; p];
    let mut tried: Vec<(Vec<f64>, Vec<f64>)> = Vec::new();
    let mut newton_iterations = 0;
    let mut failed_inner: Vec<usize> = Vec::new();
    let mut outer = 0;
    let (fit, ed, fitted_thetas, done) = loop {
        outer += 1;
        for &theta in &thetas {
            if !(0.0..1.0).contains(&theta) {
                return Err(CoreError::InvalidArgument(format!(
                    "the penalty search left (0, 1) (theta = {theta}): the spline's df target cannot be met on \
                     these data; give pspline(x, theta = ...) or another df"
                )));
            }
        }
        let pen = full_penalty(&thetas);
        let fit = penalized_newton(&prep, opts, &pen, &init);
        newton_iterations += fit.iterations;
        if !fit.converged {
            failed_inner.push(outer);
        }
        let hinv = fit.hf.inverse();
        let imat = fit.eval.imat_full(p);
        let ed = effective_df(&hinv, &imat, term_of, n_terms);
        let mut done = true;
        let mut next = thetas.clone();
        for (k, t) in penalized.iter().enumerate() {
            if let Some(s) = searches[k].as_mut() {
                let (theta, d) = s.next(outer, thetas[k], ed.df[t.term]);
                next[k] = theta;
                done &= d;
            }
        }
        if done || outer == OUTER_MAX {
            break (fit, ed, thetas, done);
        }
        tried.push((thetas.clone(), fit.beta.clone()));
        // Warm start from the fit whose θ was closest to the next one (the first of equals).
        let distance =
            |th: &[f64]| -> f64 { th.iter().zip(&next).map(|(a, b)| (a - b).powi(2)).sum() };
        let closest = tried
            .iter()
            .min_by(|a, b| distance(&a.0).total_cmp(&distance(&b.0)))
            .expect("one fit saved");
        init.clone_from(&closest.1);
        thetas = next;
    };

    // Back to the covariates' own scale.
    let coef_scaled = &fit.beta;
    let dropped: Vec<bool> = (0..p).map(|i| fit.hf.is_singular(i)).collect();
    let coef: Vec<f64> = (0..p)
        .map(|i| {
            if dropped[i] {
                0.0
            } else {
                coef_scaled[i] * scale[i]
            }
        })
        .collect();
    let var = scaled_both_sides(&ed.var, &scale);
    let var2 = scaled_both_sides(&ed.var2, &scale);
    let penalty: f64 = fit.penalty;
    let loglik = fit.eval.loglik;

    let zc = z_for_level(opts.conf_level);
    let cox_terms: Vec<CoxTerm> = (0..p)
        .map(|i| {
            if dropped[i] {
                CoxTerm::dropped(&data.names[i])
            } else {
                let se = var[i * p + i].sqrt();
                CoxTerm::estimated(&data.names[i], coef[i], se, se, false, zc)
            }
        })
        .collect();
    let se2: Vec<f64> = (0..p)
        .map(|i| {
            if dropped[i] {
                f64::NAN
            } else {
                var2[i * p + i].sqrt()
            }
        })
        .collect();

    let splines: Vec<SplineSummary> = penalized
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let cols = t.columns.clone();
            let indices: Vec<usize> = cols.clone().collect();
            let block = |m: &[f64]| principal_block(m, p, &indices);
            let df = ed.df[t.term];
            let (linear, nonlinear) = trend::trend(
                &coef[cols.clone()],
                &block(&var),
                &block(&var2),
                &t.centres,
                df,
            );
            let tried = searches[k]
                .as_ref()
                .map(|s| {
                    s.thetas[2..]
                        .iter()
                        .copied()
                        .zip(s.dfs[2..].iter().copied())
                        .collect()
                })
                .unwrap_or_else(|| vec![(fitted_thetas[k], df)]);
            SplineSummary {
                term: terms[t.term].clone(),
                theta: fitted_thetas[k],
                lambda: lambda_of(fitted_thetas[k]),
                df,
                linear,
                nonlinear,
                tried,
            }
        })
        .collect();

    let wald = wald_statistic(&coef, &var, &dropped, opts.toler_chol);
    let total_df: f64 = ed.df.iter().sum();
    let lrt_stat = 2.0 * (loglik - loglik0);
    let effective = |statistic: f64| EffectiveTest {
        statistic,
        df: total_df,
        p_value: chisq_sf(statistic, total_df),
    };

    let mut warnings = Vec::new();
    if !failed_inner.is_empty() {
        warnings.push(format!(
            "Inner loop failed to converge for iterations {}",
            failed_inner
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    if !done {
        warnings.push(format!(
            "the penalty search did not bring every spline's df within eps of its target in {OUTER_MAX} outer \
             iterations (R stops there too): the last fit is reported"
        ));
    }
    if dropped.iter().any(|&d| d) {
        let which: Vec<String> = (0..p)
            .filter(|&i| dropped[i])
            .map(|i| data.names[i].clone())
            .collect();
        warnings.push(format!(
            "X matrix deemed to be singular; variable {}: not estimable from these data (coefficient NA)",
            which.join(", ")
        ));
    }
    prep.row_buffer = Default::default();
    prep.x = Vec::new();
    if prep.stop_pending() {
        prep.restore_stop(data.stop);
    }
    let concordance = if opts.concordance {
        concordance::concordance(&prep, data, data.linear_predictor(&coef))
    } else {
        Concordance::undefined()
    };
    // The unpenalized tests of a Cox fit have no meaning here: their df are the effective df of `penalized`.
    let not_integral = |statistic: f64| Test {
        statistic,
        df: 0,
        p_value: f64::NAN,
    };
    Ok(CoxFit {
        n: prep.n,
        n_events,
        ties: opts.ties,
        converged: done && failed_inner.is_empty(),
        iterations: newton_iterations,
        terms: cox_terms,
        loglik_null: loglik0,
        loglik,
        lrt: not_integral(lrt_stat),
        wald: not_integral(wald),
        score: not_integral(f64::NAN),
        robust_score: None,
        concordance,
        warnings,
        means,
        coef,
        var,
        naive_var: None,
        dropped,
        robust: false,
        timefix: opts.timefix,
        penalized: Some(PenalizedSummary {
            se2,
            var2,
            term_df: ed.df,
            splines,
            outer_iterations: outer,
            newton_iterations,
            penalty,
            lrt: effective(lrt_stat),
            wald: effective(wald),
        }),
    })
}

/// λ = θ / (1 − θ) (0 for θ ≤ 0).
fn lambda_of(theta: f64) -> f64 {
    if theta <= 0.0 {
        0.0
    } else {
        theta / (1.0 - theta)
    }
}

/// What a penalized fit does not support, refused with the reason.
fn check(
    data: &CoxData,
    penalized: &[PenalizedTerm],
    term_of: &[usize],
    opts: &CoxOptions,
) -> Result<()> {
    if !(opts.conf_level > 0.0 && opts.conf_level < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "conf_level {} is not in (0, 1)",
            opts.conf_level
        )));
    }
    if opts.ties == Ties::Exact {
        return Err(CoreError::InvalidArgument(
            "pspline() needs ties = efron or breslow (R's penalized fit has no exact partial likelihood)".into(),
        ));
    }
    if opts.robust || data.cluster.is_some() {
        return Err(CoreError::InvalidArgument(
            "a robust variance (cluster(), --robust) with pspline() is not supported; drop cluster() or the \
             spline"
                .into(),
        ));
    }
    if penalized.is_empty() || term_of.len() != data.p {
        return Err(CoreError::InvalidArgument(
            "a penalized fit needs its penalized terms and the term of every column".into(),
        ));
    }
    for t in penalized {
        let k = t.columns.len();
        if t.columns.end > data.p || t.penalty.len() != k * k || t.centres.len() != k {
            return Err(CoreError::InvalidArgument(
                "a penalized term's columns, penalty and centres do not agree".into(),
            ));
        }
    }
    Ok(())
}
