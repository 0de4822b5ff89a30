//! Parametric accelerated-failure-time (AFT) survival models: Weibull, exponential, log-normal and log-logistic,
//! fitted by maximum likelihood as R's `survreg` does.
//!
//! # Formula
//! ```text
//! log T = x'β + σ W,     W ~ extreme value (Weibull; exponential with σ = 1), normal (log-normal),
//!                            logistic (log-logistic)
//! log L = Σ_i w_i [ δ_i (log f(z_i) - log σ - log t_i) + (1 - δ_i) log S(z_i) ],   z_i = (log t_i - x_i'β) / σ
//! ```
//! The log-likelihood is that of `T` (the `-log t_i` Jacobian of events included), as R reports it. Standard
//! errors come from the inverse observed information over `(β, log σ)`; Wald `z = coef / se` with two-sided normal
//! p-values; the likelihood-ratio test compares against the intercept-only model with `df = p`
//! (R's `print.survreg`: "Chisq= .. on .. degrees of freedom"). With strata ([`aft_fit_stratified`]) each
//! stratum `h` has its own `σ_h` (the coefficients are shared), as `strata()` in a `survreg` formula.
//!
//! # Reference
//! Kalbfleisch & Prentice (2002), *The Statistical Analysis of Failure Time Data*, 2nd ed., ch. 2-3;
//! Therneau & Grambsch (2000), *Modeling Survival Data*; `survival` package sources (`survreg.fit`, `survreg6.c`).
//!
//! # R equivalent
//! `survreg(Surv(time, status) ~ x [+ strata(g)], data, weights, dist = "weibull" | "exponential" | "lognormal" |
//! "loglogistic")` with `summary()` and `predict(type = "quantile")`. Differences from R: a design with collinear
//! columns is an error (R drops the column with an `NA` coefficient); `weights` must be > 0 as in R; predictions
//! from a stratified fit are not available. See `docs/methods/aft.md`.

mod chol;
pub mod distributions;
mod fit;
mod likelihood;
mod predict;

use crate::error::{CoreError, Result};
use crate::pvalue::{chisq_sf, normal_two_sided, z_for_level};
use distributions::ErrorDist;
use fit::{glim_start, moment_start, newton, Rescale, NULL_MODEL_MAX_ITER};
use likelihood::{AftData, AftModel};

/// The distribution of `T` (its log is a location-scale family).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AftDist {
    /// `log T` minimum extreme value; hazard `λ k t^(k-1)` with shape `k = 1/σ`.
    Weibull,
    /// Weibull with `σ` fixed at 1 (constant hazard).
    Exponential,
    /// `log T` normal.
    LogNormal,
    /// `log T` logistic.
    LogLogistic,
}

impl AftDist {
    /// R's `dist =` name.
    ///
    /// # R equivalent
    /// The `dist` argument of `survreg` (`names(survreg.distributions)`).
    pub fn name(self) -> &'static str {
        match self {
            AftDist::Weibull => "weibull",
            AftDist::Exponential => "exponential",
            AftDist::LogNormal => "lognormal",
            AftDist::LogLogistic => "loglogistic",
        }
    }

    /// Parses R's names (case-insensitive; `loggaussian` is accepted for `lognormal` as in R).
    ///
    /// # R equivalent
    /// `survreg(..., dist = s)`; R's other names (`rayleigh`, `gaussian`, `logistic`, `extreme`, `t`) are errors.
    pub fn parse(s: &str) -> Result<AftDist> {
        match s.to_ascii_lowercase().as_str() {
            "weibull" => Ok(AftDist::Weibull),
            "exponential" => Ok(AftDist::Exponential),
            "lognormal" | "loggaussian" => Ok(AftDist::LogNormal),
            "loglogistic" => Ok(AftDist::LogLogistic),
            other => Err(CoreError::InvalidArgument(format!(
                "unknown distribution {other:?}: expected weibull, exponential, lognormal or loglogistic"
            ))),
        }
    }

    /// The standardised error distribution of `log T`.
    pub fn error_dist(self) -> ErrorDist {
        match self {
            AftDist::Weibull | AftDist::Exponential => ErrorDist::ExtremeValue,
            AftDist::LogNormal => ErrorDist::Gaussian,
            AftDist::LogLogistic => ErrorDist::Logistic,
        }
    }

    /// `Some(σ)` when the scale is fixed by the distribution.
    pub fn fixed_scale(self) -> Option<f64> {
        match self {
            AftDist::Exponential => Some(1.0),
            _ => None,
        }
    }
}

/// Fitting options; the defaults are R's `survreg.control()`.
#[derive(Clone, Debug, PartialEq)]
pub struct AftOptions {
    pub dist: AftDist,
    /// Maximum Newton-Raphson iterations (R: `maxiter = 30`).
    pub max_iter: usize,
    /// Convergence: relative change of the log-likelihood (R: `rel.tolerance = 1e-9`).
    pub rel_tol: f64,
    /// Level of the Wald confidence intervals in [`AftTerm`].
    pub conf_level: f64,
}

impl Default for AftOptions {
    fn default() -> Self {
        AftOptions {
            dist: AftDist::Weibull,
            max_iter: 30,
            rel_tol: 1e-9,
            conf_level: 0.95,
        }
    }
}

/// One coefficient with its Wald statistics (R: a row of `summary(fit)$table`, plus `confint`).
#[derive(Clone, Debug, PartialEq)]
pub struct AftTerm {
    pub term: String,
    pub coef: f64,
    pub se: f64,
    pub z: f64,
    pub p_value: f64,
    /// Wald interval `coef ± z_{(1+level)/2} se` (R: `confint(fit)`).
    pub lower: f64,
    pub upper: f64,
}

impl AftTerm {
    fn wald(term: String, coef: f64, se: f64, zcrit: f64) -> AftTerm {
        let z = coef / se;
        AftTerm {
            term,
            coef,
            se,
            z,
            p_value: normal_two_sided(z),
            lower: coef - zcrit * se,
            upper: coef + zcrit * se,
        }
    }
}

/// A chi-square test.
#[derive(Clone, Debug, PartialEq)]
pub struct AftTest {
    pub statistic: f64,
    pub df: f64,
    pub p_value: f64,
}

/// The strata of a fit with one scale per stratum (R: `strata()` in a `survreg` formula).
#[derive(Clone, Copy, Debug)]
pub struct AftStrata<'a> {
    /// The stratum (0-based) of each row.
    pub codes: &'a [u32],
    /// The label of each stratum, e.g. `sex=1` (R: `names(fit$scale)`, the scale rows of `summary(fit)`).
    pub labels: &'a [String],
}

/// The scale of one stratum of a stratified fit.
#[derive(Clone, Debug, PartialEq)]
pub struct AftStratumScale {
    /// The stratum's label (R: `names(fit$scale)`).
    pub stratum: String,
    /// σ of the stratum (R: `fit$scale[h]`).
    pub scale: f64,
    /// Its log σ with Wald statistics, named by the stratum (R: the row of `summary(fit)$table` after the
    /// coefficients).
    pub log_scale: AftTerm,
}

/// A fitted AFT model.
#[derive(Clone, Debug, PartialEq)]
pub struct AftFit {
    pub dist: AftDist,
    /// Rows used.
    pub n: usize,
    /// Rows with an event (unweighted count).
    pub n_events: usize,
    /// `(Intercept)` then one term per covariate, in the order given (R: `coef(fit)`).
    pub terms: Vec<AftTerm>,
    /// σ (R: `fit$scale`); 1 for the exponential; NaN for a stratified fit (see `strata`).
    pub scale: f64,
    /// `Log(scale)` as R's summary table reports it; `None` when the scale is fixed (exponential) or the fit is
    /// stratified.
    pub log_scale: Option<AftTerm>,
    /// One scale per stratum of a stratified fit, in the order of the strata codes; empty without strata.
    pub strata: Vec<AftStratumScale>,
    /// Log-likelihood of the model (R: `fit$loglik[2]`).
    pub loglik: f64,
    /// Log-likelihood of the intercept-only model (R: `fit$loglik[1]`).
    pub loglik_null: f64,
    /// Likelihood-ratio test against the intercept-only model, `df = p` (`None` when p = 0).
    pub lrt: Option<AftTest>,
    pub converged: bool,
    /// Newton-Raphson iterations of the full model (R: `fit$iter`).
    pub iterations: usize,
    /// Covariance of `(β, log σ)` (log σ only when estimated; one per stratum), row-major (R: `fit$var`).
    pub var: Vec<f64>,
    pub warnings: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
fn check_inputs(
    time: &[f64],
    event: &[bool],
    x: &[f64],
    p: usize,
    names: &[String],
    weights: Option<&[f64]>,
    strata: Option<AftStrata<'_>>,
    opts: &AftOptions,
) -> Result<()> {
    let n = time.len();
    if n == 0 {
        return Err(CoreError::Empty);
    }
    let expect = |what: &'static str, got: usize, expected: usize| {
        if got == expected {
            Ok(())
        } else {
            Err(CoreError::LengthMismatch {
                what,
                got,
                expected,
            })
        }
    };
    expect("event", event.len(), n)?;
    expect("x (n * p)", x.len(), n * p)?;
    expect("names", names.len(), p)?;
    if let Some(w) = weights {
        expect("weights", w.len(), n)?;
        if let Some((row, &value)) = w
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v > 0.0))
        {
            return Err(CoreError::AtRow {
                row,
                what: format!("weight {value}"),
                why: "survreg needs finite weights > 0".into(),
            });
        }
    }
    for (row, &t) in time.iter().enumerate() {
        if !t.is_finite() {
            return Err(CoreError::NonFiniteTime { row, value: t });
        }
        if t <= 0.0 {
            return Err(CoreError::AtRow {
                row,
                what: format!("time {t}"),
                why: "AFT models on log(time) need times > 0".into(),
            });
        }
    }
    for j in 0..p {
        let col = &x[j * n..(j + 1) * n];
        if let Some((row, &value)) = col.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(CoreError::NonFinite {
                what: names[j].clone(),
                row,
                value,
            });
        }
    }
    if let Some(st) = strata {
        expect("strata", st.codes.len(), n)?;
        let mut rows = vec![0usize; st.labels.len()];
        for (row, &h) in st.codes.iter().enumerate() {
            match rows.get_mut(h as usize) {
                Some(r) => *r += 1,
                None => {
                    return Err(CoreError::StratumWithoutLabel {
                        row,
                        code: h,
                        n_labels: st.labels.len(),
                    })
                }
            }
        }
        if let Some(h) = rows.iter().position(|&r| r == 0) {
            return Err(CoreError::EmptyStratum {
                stratum: st.labels[h].clone(),
            });
        }
        if st.labels.len() > 1 && opts.dist.fixed_scale().is_some() {
            return Err(CoreError::InvalidArgument(format!(
                "the {} distribution has a fixed scale, so strata (one scale per stratum) do not apply \
                 (survreg: \"The scale argument is not valid with multiple strata\")",
                opts.dist.name()
            )));
        }
    }
    if !(opts.conf_level > 0.0 && opts.conf_level < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "conf_level {} is not in (0, 1)",
            opts.conf_level
        )));
    }
    if opts.rel_tol.is_nan() || opts.rel_tol <= 0.0 {
        return Err(CoreError::InvalidArgument(format!(
            "rel_tol {} must be > 0",
            opts.rel_tol
        )));
    }
    if !event.iter().any(|&e| e) {
        return Err(CoreError::InvalidArgument(
            "no events: every time is censored, so the likelihood has no maximum".into(),
        ));
    }
    Ok(())
}

/// Fits an AFT model by maximum likelihood.
///
/// `x` is the column-major `n x p` model matrix **without** the intercept (the fit adds `(Intercept)` as its first
/// term); `names` names its `p` columns. `event[i]` is true for an observed event, false for a right-censored time.
/// `weights` are case weights (> 0).
///
/// # Formula
/// See the module docs: `log T = x'β + σ W`; maximum likelihood over `(β, log σ)` by survreg's Newton-Raphson
/// (`aft::fit`), from survreg's starting values, on the centred and scaled covariates; variance = inverse
/// observed information, mapped back to the raw covariates.
///
/// # Reference
/// Kalbfleisch & Prentice (2002), section 3.9.
///
/// # R equivalent
/// `survreg(Surv(time, event) ~ x, weights = w, dist = opts$dist, control = survreg.control(maxiter =
/// opts$max_iter, rel.tolerance = opts$rel_tol))`; `fit$loglik`, `summary(fit)$table`, `confint(fit)`.
/// Differences: collinear columns are an error (R gives them `NA`); a step to a non-finite log-likelihood is
/// halved back (survival 3.5-3 stalls there).
///
/// # Errors
/// [`CoreError::LengthMismatch`], [`CoreError::NonFiniteTime`], [`CoreError::AtRow`] for a time ≤ 0 or
/// a weight that is not finite and > 0, [`CoreError::NonFinite`] for a covariate, [`CoreError::CollinearColumn`]
/// (each with its row or column); [`CoreError::InvalidArgument`] for no events or a bad option;
/// [`CoreError::Numerical`] for a failed intercept-only fit or a singular information matrix at the estimate.
///
/// # Examples
/// A Weibull model of R's `aml` data: `survreg(Surv(time, status) ~ x, aml, dist = "weibull")` gives
/// coefficients 4.10905505126213 (intercept) and -0.929341611365523 (not maintained), scale
/// 0.790954436951233 and log-likelihood -80.5216452034027 (R 4.2 / survival 3.5-3,
/// `fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::{aft_fit, AftOptions};
/// let time = [
///     9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0, // maintained
///     5.0, 5.0, 8.0, 8.0, 12.0, 16.0, 23.0, 27.0, 30.0, 33.0, 43.0, 45.0, // not maintained
/// ];
/// let status = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1].map(|s| s == 1);
/// let not_maintained: Vec<f64> = (0..23).map(|i| f64::from(u8::from(i >= 11))).collect();
/// let names = ["xNonmaintained".to_string()];
/// let fit = aft_fit(&time, &status, &not_maintained, 1, &names, None, &AftOptions::default())?;
/// let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
/// assert!(close(fit.terms[0].coef, 4.10905505126213));
/// assert!(close(fit.terms[1].coef, -0.929341611365523));
/// assert!(close(fit.scale, 0.790954436951233));
/// assert!(close(fit.loglik, -80.5216452034027));
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "survreg")]
pub fn aft_fit(
    time: &[f64],
    event: &[bool],
    x: &[f64],
    p: usize,
    names: &[String],
    weights: Option<&[f64]>,
    opts: &AftOptions,
) -> Result<AftFit> {
    fit_model(time, event, x, p, names, weights, None, None, opts)
}

/// Fits an AFT model with one scale per stratum: the coefficients are common, each stratum `h` has its own
/// `σ_h` (arguments as [`aft_fit`]). One stratum is the unstratified fit.
///
/// # Formula
/// `log T_i = x_i'β + σ_{h(i)} W_i`; maximum likelihood over `(β, log σ_1, ..., log σ_S)`. The intercept-only
/// model (`loglik_null`) keeps the stratum scales; the likelihood-ratio test has `df = p`.
///
/// # Reference
/// Kalbfleisch & Prentice (2002), section 3.9; Therneau, `survival` package, `survreg` (strata).
///
/// # R equivalent
/// `survreg(Surv(time, event) ~ x + strata(g), weights = w, dist = opts$dist)`: `fit$scale` (named by the
/// strata), `summary(fit)$table` (one log-scale row per stratum, named by its label), `fit$loglik`, `fit$iter`.
///
/// # Errors
/// Those of [`aft_fit`]; strata codes of the wrong length ([`CoreError::LengthMismatch`]) or without a label
/// ([`CoreError::StratumWithoutLabel`]), a stratum without rows ([`CoreError::EmptyStratum`]), and strata
/// with the exponential (whose scale is fixed; R: "The scale argument is not valid with multiple strata").
#[doc(alias = "survreg")]
#[allow(clippy::too_many_arguments)]
pub fn aft_fit_stratified(
    time: &[f64],
    event: &[bool],
    x: &[f64],
    p: usize,
    names: &[String],
    weights: Option<&[f64]>,
    strata: AftStrata<'_>,
    opts: &AftOptions,
) -> Result<AftFit> {
    fit_model(time, event, x, p, names, weights, Some(strata), None, opts)
}

/// Fits an AFT model with a known part of each row's location, `log T_i = x_i'β + offset_i + σ W_i` (arguments
/// as [`aft_fit_stratified`], `strata` optional). The offset enters the intercept-only model too.
///
/// # R equivalent
/// `survreg(Surv(time, event) ~ x + offset(o), ...)`: `coef`, `scale`, `loglik` (both), `vcov`.
///
/// # Errors
/// Those of [`aft_fit_stratified`], and an offset of the wrong length or not finite.
#[doc(alias = "survreg")]
#[allow(clippy::too_many_arguments)]
pub fn aft_fit_with_offset(
    time: &[f64],
    event: &[bool],
    x: &[f64],
    p: usize,
    names: &[String],
    weights: Option<&[f64]>,
    strata: Option<AftStrata<'_>>,
    offset: &[f64],
    opts: &AftOptions,
) -> Result<AftFit> {
    if offset.len() != time.len() {
        return Err(CoreError::LengthMismatch {
            what: "offset",
            got: offset.len(),
            expected: time.len(),
        });
    }
    if let Some(row) = offset.iter().position(|v| !v.is_finite()) {
        return Err(CoreError::NonFinite {
            what: "offset".into(),
            row,
            value: offset[row],
        });
    }
    fit_model(
        time,
        event,
        x,
        p,
        names,
        weights,
        strata,
        Some(offset),
        opts,
    )
}

#[allow(clippy::too_many_arguments)]
fn fit_model(
    time: &[f64],
    event: &[bool],
    x: &[f64],
    p: usize,
    names: &[String],
    weights: Option<&[f64]>,
    strata: Option<AftStrata<'_>>,
    offset: Option<&[f64]>,
    opts: &AftOptions,
) -> Result<AftFit> {
    check_inputs(time, event, x, p, names, weights, strata, opts)?;
    // One stratum is no stratification (R: `nstrata == 1`, a single unnamed scale).
    let strata = strata.filter(|s| s.labels.len() > 1);
    let n_strata = strata.map_or(1, |s| s.labels.len());
    let n = time.len();
    let log_time: Vec<f64> = time.iter().map(|t| t.ln()).collect();
    // An offset moves each row's location: the model of log T - offset has no offset.
    let y: std::borrow::Cow<[f64]> = match offset {
        Some(o) => log_time.iter().zip(o).map(|(y, o)| y - o).collect(),
        None => std::borrow::Cow::Borrowed(&log_time),
    };
    let raw: Vec<&[f64]> = (0..p).map(|j| &x[j * n..(j + 1) * n]).collect();
    let rescale = Rescale::for_design(&raw);
    let scaled = rescale
        .as_ref()
        .map(|r| r.scaled_columns(&raw))
        .unwrap_or_default();
    let columns: Vec<&[f64]> = (0..p)
        .map(|j| match scaled.get(j) {
            Some(Some(c)) => c.as_slice(),
            _ => raw[j],
        })
        .collect();
    let data = AftData {
        y: &y[..],
        event,
        x: columns,
        weights,
        strata: strata.map(|s| s.codes),
        dist: opts.dist.error_dist(),
    };
    let fixed_log_scale = opts.dist.fixed_scale().map(f64::ln);
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    // log L of T = log L of log T - Σ_events w log t.
    let log_jacobian: f64 = -(0..n)
        .filter(|&i| event[i])
        .map(|i| w(i) * log_time[i])
        .sum::<f64>();
    let mut warnings = Vec::new();

    let (mu0, log_sigma0) = moment_start(&data, fixed_log_scale, n_strata);
    if !(mu0.is_finite() && log_sigma0.is_finite()) {
        return Err(CoreError::Numerical(
            "starting values are not finite (are all times equal?)".into(),
        ));
    }
    let null_model = AftModel {
        p_used: 0,
        fixed_log_scale,
        n_strata,
    };
    let mut init0 = vec![mu0];
    init0.extend(std::iter::repeat_n(log_sigma0, null_model.n_scales()));
    let model = AftModel {
        p_used: p,
        fixed_log_scale,
        n_strata,
    };

    let (mut full, loglik_null) = if p == 0 {
        let full = newton(&data, null_model, init0, opts.max_iter, opts.rel_tol)?;
        let ll = full.loglik;
        (full, ll)
    } else {
        let null = newton(&data, null_model, init0, NULL_MODEL_MAX_ITER, opts.rel_tol)?;
        if !(null.theta.iter().all(|v| v.is_finite())
            && null.loglik.is_finite()
            && null.var.iter().all(|v| v.is_finite()))
        {
            return Err(CoreError::Numerical(
                "the intercept-only model failed (survreg: \"initial iteration failed\")".into(),
            ));
        }
        if !null.converged {
            warnings.push(format!(
                "the intercept-only model did not converge in {NULL_MODEL_MAX_ITER} iterations"
            ));
        }
        let log_sigma: Vec<f64> = match fixed_log_scale {
            Some(s) => vec![s; n_strata],
            None => null.theta[1..].to_vec(),
        };
        let mut init = glim_start(&data, &log_sigma).map_err(|col| {
            let name = if col == 0 {
                "(Intercept)"
            } else {
                names[col - 1].as_str()
            };
            CoreError::CollinearColumn {
                column: name.to_string(),
            }
        })?;
        if fixed_log_scale.is_none() {
            init.extend(log_sigma);
        }
        let full = newton(&data, model, init, opts.max_iter, opts.rel_tol)?;
        (full, null.loglik)
    };
    if !full.converged && opts.max_iter > 0 {
        warnings.push(format!(
            "Ran out of iterations and did not converge ({} iterations)",
            opts.max_iter
        ));
    }
    let k = model.npar();
    if full.rank < k || !full.theta.iter().all(|v| v.is_finite()) {
        return Err(CoreError::Numerical(format!(
            "the information matrix is singular at the estimate (rank {} of {k}): the model is not identifiable",
            full.rank
        )));
    }
    if let Some(r) = &rescale {
        r.coefficients_to_raw(&mut full.theta);
        r.variance_to_raw(&mut full.var, k);
    }

    let zcrit = z_for_level(opts.conf_level);
    let se = |i: usize| full.var[i * k + i].sqrt();
    let terms: Vec<AftTerm> = (0..=p)
        .map(|i| {
            let name = if i == 0 {
                "(Intercept)".to_string()
            } else {
                names[i - 1].clone()
            };
            AftTerm::wald(name, full.theta[i], se(i), zcrit)
        })
        .collect();
    let scale_term =
        |h: usize, name: String| AftTerm::wald(name, full.theta[p + 1 + h], se(p + 1 + h), zcrit);
    let (scale, log_scale, strata_scales) = match (fixed_log_scale, strata) {
        (Some(s), _) => (s.exp(), None, Vec::new()),
        (None, None) => (
            full.theta[p + 1].exp(),
            Some(scale_term(0, "Log(scale)".into())),
            Vec::new(),
        ),
        (None, Some(st)) => (
            f64::NAN,
            None,
            st.labels
                .iter()
                .enumerate()
                .map(|(h, label)| AftStratumScale {
                    stratum: label.clone(),
                    scale: full.theta[p + 1 + h].exp(),
                    log_scale: scale_term(h, label.clone()),
                })
                .collect(),
        ),
    };
    let loglik = full.loglik + log_jacobian;
    let loglik_null = loglik_null + log_jacobian;
    let lrt = (p > 0).then(|| {
        let statistic = 2.0 * (loglik - loglik_null);
        AftTest {
            statistic,
            df: p as f64,
            p_value: chisq_sf(statistic, p as f64),
        }
    });
    Ok(AftFit {
        dist: opts.dist,
        n,
        n_events: event.iter().filter(|&&e| e).count(),
        terms,
        scale,
        log_scale,
        strata: strata_scales,
        loglik,
        loglik_null,
        lrt,
        converged: full.converged,
        iterations: full.iterations,
        var: full.var,
        warnings,
    })
}
