//! Cox proportional-hazards regression, numerically as R survival's `coxph`.
//!
//! [`cox_ph`] fits the model by Newton–Raphson on the log partial likelihood (Breslow or Efron ties,
//! strata, case weights, right-censored or counting-process (start, stop] data), and reports what
//! `summary(coxph(...))` reports: coefficients, hazard ratios, (robust) standard errors, Wald z and
//! p-values, confidence intervals, likelihood-ratio / Wald / score (and robust score) tests, and Harrell's
//! concordance as `coxph` stores it. See `docs/methods/cox.md` for every formula and default.

mod chol;
mod data;
mod eval;
mod exact;
mod fit;
mod likelihood;
mod newton;
mod options;
mod outer;
pub(crate) mod penalized;
mod prep;
mod resid;
mod residuals;
mod risk;
mod robust;
mod row_order;
mod square;
mod survfit;
mod term_tests;
mod tie_terms;
mod ties;
mod zph;

use crate::error::{CoreError, Result};
use crate::pvalue::z_for_level;
pub use data::CoxData;
#[doc(hidden)]
pub use eval::{with_forced_path, CoxPath, ForcedPath};
use fit::wald_statistic;
pub use fit::{Concordance, CoxFit, CoxTerm, Test};
pub use likelihood::{CoxLikelihood, LoglikEval};
pub use options::CoxOptions;
pub use penalized::{
    cox_ph_penalized, EffectiveTest, LinearTrend, PenalizedSummary, PenalizedTerm, Smoothing,
    SplineSummary,
};
use prep::Prepared;
pub use ties::Ties;
// The R names of items defined in private modules go on their re-exports: rustdoc indexes them only there.
#[doc(alias = "residuals.coxph")]
pub use residuals::cox_residuals;
pub use residuals::{ResidualType, Residuals};
#[doc(alias = "survfit.coxph")]
pub use survfit::cox_survfit;
pub use survfit::{CoxCurve, NewData};
pub use term_tests::TermTest;
#[doc(alias = "cox.zph")]
pub use zph::cox_zph;
pub use zph::{Zph, ZphTest, ZphTransform};

/// Fits a Cox proportional-hazards model.
///
/// # Formula
/// ```text
/// ℓ(β) = Σ_strata Σ_{event times t} [ Σ_{i ∈ D(t)} w_i η_i − Σ_{k=0}^{d−1} (w_D / d) log S0_k(t) ],  η = xβ
/// S0_k(t) = Σ_{j ∈ R(t)} w_j e^{η_j} − (k/d) Σ_{j ∈ D(t)} w_j e^{η_j}       (Efron; Breslow: k = 0, one term of weight w_D)
/// ```
/// maximised by Newton–Raphson from β = 0 with step-halving (see `newton.rs`). Standard errors from
/// `I(β̂)⁻¹`; robust: `V = Dᵀ D` with D the weighted dfbeta residuals summed within clusters. Tests:
/// `LR = 2(ℓ(β̂) − ℓ(0))`, `Wald = β̂ᵀ V⁻ β̂`, `score = U(0)ᵀ I(0)⁻ U(0)`, robust score `U(0)ᵀ (Tᵀ T)⁻ U(0)` with
/// T the weighted score residuals at β = 0 summed within clusters.
///
/// # Reference
/// Cox (1972); Efron (1977); Therneau & Grambsch (2000) *Modeling Survival Data*, chapters 3 and 7;
/// Lin & Wei (1989) for the robust variance.
///
/// # R equivalent
/// `summary(coxph(Surv(time, status) ~ x, ties = "efron", robust = FALSE))` (survival 3.5). Collinear
/// columns are dropped with R's `toler.chol` rule and reported as NA (`None`). With no events the fit
/// is R's: every coefficient NA, ℓ = 0, tests with df 0 and p NaN, and a warning.
/// Differences from R: when iterations run out, the variance is recomputed at the last accepted β (R
/// inverts an unfactored matrix there); exact ties ("exact") are not implemented.
///
/// # Errors
/// Length mismatches, non-finite times, covariates or weights, non-positive weights, start ≥ stop, no rows.
///
/// # Examples
/// The first example of Therneau & Grambsch (2000), section 3.3 (its row with a missing status dropped);
/// R 4.2 / survival 3.5-3 gives `coef` 1.6768574855882 (Efron) and 1.47528491482887 (Breslow), se
/// 1.27761557627803 and 1.25573439301052 (`fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::{cox_ph, CoxData, CoxOptions, Ties};
/// let time = [9.0, 1.0, 1.0, 6.0, 6.0, 8.0];
/// let status = [true, true, false, true, true, false];
/// let x = [0.0, 1.0, 1.0, 1.0, 0.0, 0.0];
/// let names = ["x".to_string()];
/// let data = CoxData::new(&time, &status, &x, &names);
/// let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
///
/// let efron = cox_ph(&data, &CoxOptions::default())?;
/// assert!(close(efron.coef[0], 1.6768574855882));
/// assert!(close(efron.terms[0].se.unwrap(), 1.27761557627803));
/// assert!(close(efron.loglik, -3.35897484026335));
///
/// let breslow = cox_ph(&data, &CoxOptions { ties: Ties::Breslow, ..CoxOptions::default() })?;
/// assert!(close(breslow.coef[0], 1.47528491482887));
/// assert!(close(breslow.terms[0].se.unwrap(), 1.25573439301052));
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "coxph")]
pub fn cox_ph(data: &CoxData, opts: &CoxOptions) -> Result<CoxFit> {
    if !(opts.conf_level > 0.0 && opts.conf_level < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "conf_level {} is not in (0, 1)",
            opts.conf_level
        )));
    }
    // Without the sorted stop times until after the iterations: at millions of rows that lowers the peak memory
    // of the fit by one column.
    let mut prep = Prepared::build(data, opts.timefix, false)?;
    let p = prep.p;
    let n = prep.n;
    let n_events = data.event.iter().filter(|&&e| e).count();
    let robust = opts.robust || data.cluster.is_some();
    if robust && data.start.is_some() && data.cluster.is_none() {
        // R: "one of cluster or id is needed": rows of one subject must be grouped.
        return Err(CoreError::InvalidArgument(
            "a robust variance for (start, stop] data needs cluster(id) to group each subject's rows".into(),
        ));
    }
    // R's means: for right-censored data the weighted means, which are the centres of the prepared covariates
    // (the same sums in the same order); for counting-process data the unweighted means of every row.
    let means = if prep.counting {
        data.counting_means(n)
    } else {
        prep.centre.clone()
    };
    if n_events == 0 {
        return Ok(no_event_fit(data, opts, n, means));
    }
    // The null model (`~ 1`): R evaluates the log partial likelihood at β = 0 without iterating.
    let null_opts = CoxOptions {
        iter_max: 0,
        ..opts.clone()
    };
    let opts = if p == 0 { &null_opts } else { opts };
    let nt = if opts.ties == Ties::Exact {
        exact::check(data, &prep, robust)?;
        exact::newton(&prep, opts)
    } else {
        newton::newton(&prep, opts)
    };
    prep.row_buffer = Default::default();
    // A pivot the factorisation declared singular has a zero row in the inverse: that coefficient is not
    // estimable (R's NA). The rank may be negative (an indefinite matrix far from the optimum).
    let dropped: Vec<bool> = (0..p)
        .map(|i| (nt.rank.unsigned_abs() as usize) < p && nt.var[i * p + i] == 0.0)
        .collect();
    let coef: Vec<f64> = nt
        .beta
        .iter()
        .zip(&dropped)
        .map(|(&b, &d)| if d { 0.0 } else { b })
        .collect();
    let mut warnings = Vec::new();
    infinite_warnings(&prep, opts, &nt, data.names, &mut warnings);
    if !nt.converged
        && !prep.counting
        && opts.ties != Ties::Exact
        && opts.iter_max > 1
        && diverging(data, &nt, &coef, &means)
    {
        warnings.push("one or more coefficients may be infinite".to_string());
    }
    let aliased: Vec<String> = (0..p)
        .filter(|&i| dropped[i])
        .map(|i| format!("{} ({})", i + 1, data.names[i]))
        .collect();
    let estimated = p - aliased.len();
    if estimated > n_events {
        warnings.push(format!(
            "{estimated} coefficients from only {n_events} events: too few events to estimate them (the \
             estimates, standard errors and p-values are not reliable)"
        ));
    }
    if !aliased.is_empty() {
        // R computes the same NA coefficients and says so only under singular.ok = FALSE; a silent NA in a
        // summary is easy to misread, so sigsurv says it.
        warnings.push(format!(
            "X matrix deemed to be singular; variable {}: not estimable from these data (coefficient NA)",
            aliased.join(", ")
        ));
    }

    if let Some(c) = data.cluster {
        if c.iter().all(|&v| v == c[0]) {
            warnings.push(
                "cluster() has a single cluster: the robust (sandwich) variance needs many clusters and is \
                 meaningless with one (use the model-based variance, --no-robust)"
                    .to_string(),
            );
        }
    }
    let (var, naive_var, robust_score) = if robust && dropped.iter().any(|d| !d) {
        if prep.stop_pending() {
            prep.restore_stop(data.stop); // the score residuals read it
        }
        let cluster: Option<Vec<u32>> = data.cluster.map(|c| c.to_vec());
        let r = robust::robust(
            &prep,
            opts.ties,
            &coef,
            &nt.var,
            cluster.as_deref(),
            opts.toler_chol,
        );
        (
            r.var,
            Some(nt.var.clone()),
            Some(Test::new(r.score, count_kept(&dropped))),
        )
    } else {
        (nt.var.clone(), None, None)
    };

    let df = count_kept(&dropped);
    let wald = wald_statistic(&coef, &var, &dropped, opts.toler_chol);
    let zc = z_for_level(opts.conf_level);
    let terms = (0..p)
        .map(|i| {
            if dropped[i] {
                CoxTerm::dropped(&data.names[i])
            } else {
                let (se_naive, se) = (nt.var[i * p + i].sqrt(), var[i * p + i].sqrt());
                CoxTerm::estimated(
                    &data.names[i],
                    coef[i],
                    se_naive,
                    se,
                    naive_var.is_some(),
                    zc,
                )
            }
        })
        .collect();
    if !nt.converged {
        warnings.insert(0, "Ran out of iterations and did not converge".to_string());
    }
    // The sorted covariates are no longer needed: free them before the concordance's own buffers.
    prep.x = Vec::new();
    if prep.stop_pending() {
        prep.restore_stop(data.stop);
    }
    let concordance = if p == 0 || !opts.concordance {
        // R's null model has no concordance (every pair is tied in the linear predictor).
        Concordance::undefined()
    } else {
        concordance::concordance(&prep, data, data.linear_predictor(&coef))
    };
    Ok(CoxFit {
        n,
        n_events,
        ties: opts.ties,
        converged: nt.converged,
        iterations: nt.iterations,
        terms,
        loglik_null: nt.loglik0,
        loglik: nt.loglik,
        lrt: Test::new(2.0 * (nt.loglik - nt.loglik0), df),
        wald: Test::new(wald, df),
        score: Test::new(nt.sctest, df),
        robust_score,
        concordance,
        warnings,
        means,
        coef,
        var,
        naive_var,
        dropped,
        robust,
        timefix: opts.timefix,
        penalized: None,
    })
}

fn count_kept(dropped: &[bool]) -> usize {
    dropped.iter().filter(|d| !**d).count()
}

/// coxph.fit's test, when iterations ran out, for a fit heading to an infinite coefficient: the centred linear
/// predictor `x β − Σ β mean` exceeds 500 somewhere, or `U · V` is not finite.
fn diverging(data: &CoxData, nt: &newton::Newton, coef: &[f64], means: &[f64]) -> bool {
    let p = data.p;
    let offset: f64 = coef.iter().zip(means).map(|(b, m)| b * m).sum();
    let max_lp = data
        .linear_predictor(coef)
        .into_iter()
        .fold(f64::NEG_INFINITY, f64::max)
        - offset;
    let infs_finite = (0..p).all(|j| {
        (0..p)
            .map(|i| nt.u[i] * nt.var[i * p + j])
            .sum::<f64>()
            .is_finite()
    });
    max_lp > 500.0 || !infs_finite
}

/// R's warning when the log-likelihood converged while a coefficient still moves (`coxph.fit.R`,
/// `agreg.fit.R`): `|U · V|` large relative to the coefficient.
fn infinite_warnings(
    prep: &Prepared,
    opts: &CoxOptions,
    nt: &newton::Newton,
    names: &[String],
    warnings: &mut Vec<String>,
) {
    let p = prep.p;
    if opts.iter_max <= 1 || !nt.converged {
        return;
    }
    let flagged: Vec<String> = (0..p)
        .filter(|&j| {
            let infs = (0..p)
                .map(|i| nt.u[i] * nt.var[i * p + j])
                .sum::<f64>()
                .abs();
            let b = nt.beta[j].abs();
            if !nt.u[j].is_finite() {
                return true;
            }
            if prep.counting {
                infs > opts.toler_inf * (1.0 + b)
            } else {
                infs > opts.eps && infs > opts.toler_inf * b
            }
        })
        .map(|j| format!("{} ({})", j + 1, names[j]))
        .collect();
    if !flagged.is_empty() {
        warnings.push(format!(
            "Loglik converged before variable {}; coefficient may be infinite",
            flagged.join(", ")
        ));
    }
}

fn no_event_fit(data: &CoxData, opts: &CoxOptions, n: usize, means: Vec<f64>) -> CoxFit {
    let p = data.p;
    let none = |name: &String| CoxTerm::dropped(name);
    let zero = Test {
        statistic: 0.0,
        df: 0,
        p_value: f64::NAN,
    };
    CoxFit {
        n,
        n_events: 0,
        ties: opts.ties,
        converged: false,
        iterations: 0,
        terms: data.names.iter().map(none).collect(),
        loglik_null: 0.0,
        loglik: 0.0,
        lrt: zero,
        wald: zero,
        score: zero,
        robust_score: None,
        concordance: Concordance::undefined(),
        warnings: vec![
            "no events: the coefficients are undefined (R's coxph returns NA)".to_string(),
        ],
        means,
        coef: vec![0.0; p],
        var: vec![0.0; p * p],
        naive_var: None,
        dropped: vec![true; p],
        robust: false,
        timefix: opts.timefix,
        penalized: None,
    }
}

mod concordance;
mod concordance_sweep;
