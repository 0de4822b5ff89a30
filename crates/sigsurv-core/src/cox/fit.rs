//! What a Cox fit reports: the coefficients, the tests, the concordance (R: the `coxph` object and its
//! `summary`).

use super::chol::Ldl;
use super::penalized::summary::PenalizedSummary;
use super::square::principal_block;
use super::ties::Ties;
use crate::pvalue::{chisq_sf, normal_two_sided};

/// One coefficient of the fit. `None` fields are R's NA: a covariate dropped as collinear has all of
/// them `None`; `robust_se` is `None` unless the fit is robust.
#[derive(Debug, Clone, PartialEq)]
pub struct CoxTerm {
    pub term: String,
    pub coef: Option<f64>,
    pub exp_coef: Option<f64>,
    /// Model-based standard error, `sqrt(diag(I⁻¹))`.
    pub se: Option<f64>,
    pub robust_se: Option<f64>,
    /// `coef / se`, with the robust se when the fit is robust (as R).
    pub z: Option<f64>,
    pub p_value: Option<f64>,
    /// Confidence limits of the hazard ratio, `exp(coef ± z·se)` (robust se when robust).
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

impl CoxTerm {
    /// The row of a coefficient estimated as `coef` with the model-based se `se_naive` and the se used for
    /// inference `se` (robust when `robust`): z, p and the limits of the hazard ratio at `z_level` (R's
    /// `summary.coxph` columns).
    pub(super) fn estimated(
        term: &str,
        coef: f64,
        se_naive: f64,
        se: f64,
        robust: bool,
        z_level: f64,
    ) -> CoxTerm {
        let z = coef / se;
        CoxTerm {
            term: term.to_string(),
            coef: Some(coef),
            exp_coef: Some(coef.exp()),
            se: Some(se_naive),
            robust_se: robust.then_some(se),
            z: Some(z),
            p_value: Some(normal_two_sided(z)),
            lower: Some((coef - z_level * se).exp()),
            upper: Some((coef + z_level * se).exp()),
        }
    }

    /// The row of a coefficient dropped as collinear (or not estimated): every value NA.
    pub fn dropped(term: &str) -> CoxTerm {
        CoxTerm {
            term: term.to_string(),
            coef: None,
            exp_coef: None,
            se: None,
            robust_se: None,
            z: None,
            p_value: None,
            lower: None,
            upper: None,
        }
    }
}

/// The Wald statistic `bᵀ V⁻ b` of the coefficients not dropped (`var` row-major p × p).
pub(super) fn wald_statistic(coef: &[f64], var: &[f64], dropped: &[bool], toler: f64) -> f64 {
    let p = coef.len();
    let kept: Vec<usize> = (0..p).filter(|&i| !dropped[i]).collect();
    let sub = principal_block(var, p, &kept);
    let b: Vec<f64> = kept.iter().map(|&i| coef[i]).collect();
    Ldl::new(&sub, kept.len(), toler).quad_form(&b)
}

/// A chi-square test: statistic, degrees of freedom, upper-tail p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Test {
    pub statistic: f64,
    pub df: usize,
    pub p_value: f64,
}

impl Test {
    pub(super) fn new(statistic: f64, df: usize) -> Test {
        // A quadratic form of a non-negative definite matrix: rounding (or an empty form, -0.0) never makes it
        // negative in the report.
        let statistic = if statistic <= 0.0 { 0.0 } else { statistic };
        Test {
            statistic,
            df,
            p_value: if df == 0 {
                f64::NAN
            } else {
                chisq_sf(statistic, df as f64)
            },
        }
    }
}

/// Harrell's concordance of the fitted risk score, as `coxph` stores it (`fit$concordance`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Concordance {
    pub concordant: f64,
    pub discordant: f64,
    pub tied_x: f64,
    pub tied_y: f64,
    pub tied_xy: f64,
    /// C = (concordant + tied_x / 2) / (concordant + discordant + tied_x); NaN with no comparable pair.
    pub c: f64,
    /// Infinitesimal-jackknife standard error of C.
    pub se: f64,
}

impl CoxFit {
    /// A model whose coefficients are given rather than estimated, for prediction only (as glmnet's
    /// `survfit.coxnet` builds one with `coxph(..., init = b, iter.max = 0)`): the terms `names` with the
    /// coefficients `coef` (none dropped), the centre `means` of the linear predictor, a zero variance, no
    /// likelihood and no tests (NaN), `n` rows of which `n_events` events, and the ties of its baseline hazard.
    pub fn with_fixed_coefficients(
        names: &[String],
        coef: Vec<f64>,
        means: Vec<f64>,
        n: usize,
        n_events: usize,
        ties: Ties,
    ) -> CoxFit {
        let p = coef.len();
        let untested = Test {
            statistic: f64::NAN,
            df: 0,
            p_value: f64::NAN,
        };
        CoxFit {
            n,
            n_events,
            ties,
            converged: true,
            iterations: 0,
            terms: names.iter().map(|t| CoxTerm::dropped(t)).collect(),
            loglik_null: f64::NAN,
            loglik: f64::NAN,
            lrt: untested,
            wald: untested,
            score: untested,
            robust_score: None,
            concordance: Concordance::undefined(),
            warnings: Vec::new(),
            means,
            coef,
            var: vec![0.0; p * p],
            naive_var: None,
            dropped: vec![false; p],
            robust: false,
            timefix: true,
            penalized: None,
        }
    }
}

impl Concordance {
    /// The concordance of a fit that has none (R's NA): the null model, no events, or not asked for.
    pub fn undefined() -> Concordance {
        Concordance {
            concordant: 0.0,
            discordant: 0.0,
            tied_x: 0.0,
            tied_y: 0.0,
            tied_xy: 0.0,
            c: f64::NAN,
            se: f64::NAN,
        }
    }
}

/// A fitted Cox model (R: the `coxph` object and its `summary`).
#[derive(Debug, Clone)]
pub struct CoxFit {
    /// Rows used and events among them (unweighted, as R's `n` and `nevent`).
    pub n: usize,
    pub n_events: usize,
    pub ties: Ties,
    pub converged: bool,
    pub iterations: usize,
    pub terms: Vec<CoxTerm>,
    /// Log partial likelihood at β = 0 and at the estimate (R: `fit$loglik`).
    pub loglik_null: f64,
    pub loglik: f64,
    /// Likelihood-ratio, Wald (robust Wald when robust) and score tests; df = number of estimated terms.
    pub lrt: Test,
    pub wald: Test,
    pub score: Test,
    /// Robust score test (R: `fit$rscore`), when robust.
    pub robust_score: Option<Test>,
    pub concordance: Concordance,
    /// R's warnings, worded as R words them.
    pub warnings: Vec<String>,
    /// Covariate means as R's `fit$means` (0 for columns with values only in {-1, 0, 1}).
    pub means: Vec<f64>,
    /// Coefficients with 0 for dropped (collinear) terms, and the variance used for inference (robust
    /// when robust), p × p row-major, zero rows and columns for dropped terms.
    pub coef: Vec<f64>,
    pub var: Vec<f64>,
    /// The model-based variance `I⁻¹` when the fit is robust (R: `fit$naive.var`).
    pub naive_var: Option<Vec<f64>>,
    /// Which coefficients were dropped as collinear.
    pub dropped: Vec<bool>,
    pub robust: bool,
    /// Whether near-tied times were merged (the option used for the fit; residuals and curves reuse it).
    pub timefix: bool,
    /// A penalized fit's (`pspline()`) own results: effective df, `se2`, the splines' tests. In such a fit
    /// `lrt` and `wald` carry R's statistics with `df` 0 and no p-value (their df are not whole numbers: see
    /// [`PenalizedSummary::lrt`]) and `score` is NaN (R computes none).
    pub penalized: Option<PenalizedSummary>,
}
