//! Cox proportional-hazards regression, numerically as R survival's `coxph`.
//!
//! [`cox_ph`] fits the model by Newton–Raphson on the log partial likelihood (Breslow or Efron ties,
//! strata, case weights, right-censored or counting-process (start, stop] data), and reports what
//! `summary(coxph(...))` reports: coefficients, hazard ratios, (robust) standard errors, Wald z and
//! p-values, confidence intervals, likelihood-ratio / Wald / score (and robust score) tests, and Harrell's
//! concordance as `coxph` stores it. See `docs/methods/cox.md` for every formula and default.

mod chol;
mod eval;
mod exact;
mod likelihood;
mod newton;
mod outer;
mod prep;
mod resid;
mod residuals;
mod risk;
mod robust;
mod row_order;
mod survfit;
mod term_tests;
mod tie_terms;
mod zph;

use crate::error::{CoreError, Result};
use crate::pvalue::{chisq_sf, normal_two_sided, z_for_level};
use chol::Ldl;
#[doc(hidden)]
pub use eval::{with_forced_path, CoxPath, ForcedPath};
pub use likelihood::{CoxLikelihood, LoglikEval};
use prep::Prepared;
use rayon::prelude::*;
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

/// How tied event times enter the partial likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ties {
    /// Efron's approximation (R's default).
    #[default]
    Efron,
    /// Breslow's approximation.
    Breslow,
    /// The exact partial likelihood (discrete logistic model; right-censored data without case weights).
    Exact,
}

impl Ties {
    /// The method of R's name: "efron", "breslow" or "exact".
    pub fn parse(name: &str) -> Option<Ties> {
        [Ties::Efron, Ties::Breslow, Ties::Exact]
            .into_iter()
            .find(|t| t.as_str() == name)
    }

    /// R's name for the method: "efron", "breslow" or "exact".
    pub fn as_str(self) -> &'static str {
        match self {
            Ties::Efron => "efron",
            Ties::Breslow => "breslow",
            Ties::Exact => "exact",
        }
    }
}

/// Fitting options; [`Default`] gives R's `coxph.control()` defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct CoxOptions {
    pub ties: Ties,
    /// Report the robust (sandwich) variance. Implied when a cluster is given.
    pub robust: bool,
    /// Convergence: stop when `|1 − ℓ_old / ℓ_new| ≤ eps` (R: `eps = 1e-9`).
    pub eps: f64,
    /// Maximum Newton iterations (R: `iter.max = 20`).
    pub iter_max: usize,
    /// Pivot tolerance declaring a covariate redundant (R: `toler.chol = .Machine$double.eps^0.75`).
    pub toler_chol: f64,
    /// Tolerance of the infinite-coefficient check (R: `toler.inf = sqrt(eps)`).
    pub toler_inf: f64,
    /// Level of the hazard-ratio confidence intervals.
    pub conf_level: f64,
    /// Merge times that differ by floating-point noise, as R's `timefix = TRUE`.
    pub timefix: bool,
}

impl Default for CoxOptions {
    fn default() -> Self {
        CoxOptions {
            ties: Ties::Efron,
            robust: false,
            eps: 1e-9,
            iter_max: 20,
            toler_chol: f64::EPSILON.powf(0.75),
            toler_inf: 1e-9f64.sqrt(),
            conf_level: 0.95,
            timefix: true,
        }
    }
}

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

    /// The data of a model whose covariates, names, strata and clusters come from `design`.
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
        }
    }
}

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

/// A chi-square test: statistic, degrees of freedom, upper-tail p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Test {
    pub statistic: f64,
    pub df: usize,
    pub p_value: f64,
}

impl Test {
    fn new(statistic: f64, df: usize) -> Test {
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
}

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
        counting_means(data, n)
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

    let kept: Vec<usize> = (0..p).filter(|&i| !dropped[i]).collect();
    let df = kept.len();
    let wald = {
        let sub: Vec<f64> = kept
            .iter()
            .flat_map(|&i| kept.iter().map(move |&j| (i, j)))
            .map(|(i, j)| var[i * p + j])
            .collect();
        let b: Vec<f64> = kept.iter().map(|&i| coef[i]).collect();
        Ldl::new(&sub, kept.len(), opts.toler_chol).quad_form(&b)
    };
    let zc = z_for_level(opts.conf_level);
    let terms = (0..p)
        .map(|i| {
            if dropped[i] {
                return CoxTerm {
                    term: data.names[i].clone(),
                    coef: None,
                    exp_coef: None,
                    se: None,
                    robust_se: None,
                    z: None,
                    p_value: None,
                    lower: None,
                    upper: None,
                };
            }
            let b = coef[i];
            let se_naive = nt.var[i * p + i].sqrt();
            let se = var[i * p + i].sqrt();
            let z = b / se;
            CoxTerm {
                term: data.names[i].clone(),
                coef: Some(b),
                exp_coef: Some(b.exp()),
                se: Some(se_naive),
                robust_se: naive_var.as_ref().map(|_| se),
                z: Some(z),
                p_value: Some(normal_two_sided(z)),
                lower: Some((b - zc * se).exp()),
                upper: Some((b + zc * se).exp()),
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
    let concordance = if p == 0 {
        // R's null model has no concordance (every pair is tied in the linear predictor).
        undefined_concordance()
    } else {
        concordance::concordance(&prep, data, linear_predictor(data, &coef))
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
    })
}

/// `X β` for each row (original order).
pub(crate) fn linear_predictor(data: &CoxData, coef: &[f64]) -> Vec<f64> {
    let n = data.stop.len();
    let mut lp = vec![0.0; n];
    // By chunks of rows (in parallel), each summing the columns in order: the same sums as column by column
    // over all rows, with the chunk of `lp` staying in cache.
    const ROWS: usize = 1 << 12;
    lp.par_chunks_mut(ROWS).enumerate().for_each(|(c, out)| {
        let a = c * ROWS;
        for (j, &b) in coef.iter().enumerate() {
            if b != 0.0 {
                let col = &data.x[j * n + a..j * n + a + out.len()];
                out.iter_mut().zip(col).for_each(|(l, x)| *l += b * x);
            }
        }
    });
    lp
}

fn count_kept(dropped: &[bool]) -> usize {
    dropped.iter().filter(|d| !**d).count()
}

/// R's `fit$means` for counting-process data (`agreg.fit`): unweighted column means over every row, 0 for
/// columns with values only in {-1, 0, 1}.
fn counting_means(data: &CoxData, n: usize) -> Vec<f64> {
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

/// coxph.fit's test, when iterations ran out, for a fit heading to an infinite coefficient: the centred linear
/// predictor `x β − Σ β mean` exceeds 500 somewhere, or `U · V` is not finite.
fn diverging(data: &CoxData, nt: &newton::Newton, coef: &[f64], means: &[f64]) -> bool {
    let p = data.p;
    let offset: f64 = coef.iter().zip(means).map(|(b, m)| b * m).sum();
    let max_lp = linear_predictor(data, coef)
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

fn undefined_concordance() -> Concordance {
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

fn no_event_fit(data: &CoxData, opts: &CoxOptions, n: usize, means: Vec<f64>) -> CoxFit {
    let p = data.p;
    let none = |name: &String| CoxTerm {
        term: name.clone(),
        coef: None,
        exp_coef: None,
        se: None,
        robust_se: None,
        z: None,
        p_value: None,
        lower: None,
        upper: None,
    };
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
        concordance: undefined_concordance(),
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
    }
}

mod concordance;
mod concordance_sweep;
