//! Fine-Gray regression of the subdistribution hazard of one cause: options, result, and the fit with the
//! sorted scans or with the reference sums.

use super::newton::{newton, solve};
use super::prepared::{Evaluation, Prepared, Status};
use super::{reference, sorted_scan};
use crate::competing::data::CompetingData;
use crate::error::{CoreError, Result};
use crate::pvalue::{normal_two_sided, z_for_level};

/// Options of [`fine_gray`] (crr's defaults).
#[derive(Clone, Debug)]
pub struct FineGrayOptions {
    /// Convergence tolerance (crr's `gtol`, 1e-6).
    pub gtol: f64,
    /// Largest number of Newton steps (crr's `maxiter`, 10).
    pub max_iter: usize,
    /// Confidence level of the intervals of exp(β) (0.95, as `summary.crr`).
    pub conf_level: f64,
}

impl Default for FineGrayOptions {
    fn default() -> Self {
        FineGrayOptions {
            gtol: 1e-6,
            max_iter: 10,
            conf_level: 0.95,
        }
    }
}

/// One coefficient of a Fine-Gray fit, as `summary(crr)` reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct FineGrayTerm {
    pub name: String,
    pub coef: f64,
    /// exp(β), the subdistribution hazard ratio.
    pub exp_coef: f64,
    /// Sandwich standard error, sqrt of the diagonal of crr's `var`.
    pub se: f64,
    /// Naive standard error, sqrt of the diagonal of crr's `invinf`.
    pub se_naive: f64,
    /// β / se.
    pub z: f64,
    pub p_value: f64,
    /// exp(β ∓ z_{1−α/2} se).
    pub lower: f64,
    pub upper: f64,
}

/// A Fine-Gray fit (cmprsk's `crr` object).
#[derive(Clone, Debug, PartialEq)]
pub struct FineGrayFit {
    /// Rows used (crr's `n`).
    pub n: usize,
    /// Exits by the cause of interest, and by the other causes.
    pub n_events: usize,
    pub n_competing: usize,
    pub terms: Vec<FineGrayTerm>,
    pub coef: Vec<f64>,
    /// Sandwich variance (crr's `var`), p × p row-major.
    pub var: Vec<f64>,
    /// Inverse information (crr's `invinf`), p × p row-major.
    pub naive_var: Vec<f64>,
    /// Log pseudo-likelihood at the estimate and at β = 0 (crr's `loglik`, `loglik.null`).
    pub loglik: f64,
    pub loglik_null: f64,
    /// The score at the estimate (crr's `score`).
    pub score: Vec<f64>,
    pub converged: bool,
    /// Newton steps taken.
    pub iterations: usize,
}

/// Fine-Gray proportional subdistribution hazards regression of cause `failcode`.
///
/// # Formula
/// Rows exiting by a competing cause stay in the risk set with a weight that decays as the censoring
/// distribution G (the Kaplan-Meier estimate of the censorings, read just before each time):
/// ```text
/// w_j(s) = 1 (t_j ≥ s),  G(s−)/G(t_j−) (t_j < s, competing exit),  0 (t_j < s, censored)
/// S0(s) = Σ_j w_j(s) e^{x_j β},  S1, S2 likewise with x_j, x_j x_jᵀ,  x̄ = S1/S0
/// ℓ(β) = Σ_{failures i} [x_i β − log S0(t_i)]            (Breslow ties: each failure its own term)
/// U(β) = Σ_{failures i} (x_i − x̄(t_i)),   I(β) = Σ_{failures i} (S2/S0 − x̄ x̄ᵀ)(t_i)
/// ```
/// Newton-Raphson with step halving from β = 0 (crr's rules: see `newton.rs`). `naive_var` is I⁻¹,
/// `var` the sandwich I⁻¹ (Σ_i (η_i + ψ_i)(η_i + ψ_i)ᵀ) I⁻¹ of Fine & Gray (1999, sec. 4), whose ψ_i is the
/// term from estimating G.
///
/// Every risk-set sum is a sorted scan (Kawaguchi et al. 2020): S0, S1 at each failure time from a backward
/// sum over the rows still at risk and a forward sum over the competing exits before it (times G(s−)); the
/// information and the sandwich reorder their double sums into per-row weights from forward and backward
/// cumulative sums. O(n log n) for the sort, then O(n p²) per Newton step.
///
/// # Reference
/// Fine & Gray (1999), "A proportional hazards model for the subdistribution of a competing risk", JASA
/// 94:496-509; Kawaguchi, Shen, Li, Suchard & Saigo (2020), "A fast and scalable implementation method for
/// competing risks data with the R package fastcmprsk", Biostatistics; cmprsk's `crr.f`.
///
/// # R equivalent
/// `cmprsk::crr(time, cause, cov1 = x, failcode = failcode, cencode = 0)`: `coef`, `var`, `invinf`,
/// `loglik`, `loglik.null`, `score`, `converged`, `n`; `summary(fit)$coef` for the terms. One censoring group
/// (no `cengroup`), no time-varying covariates (`cov2`). The covariates are centred internally, which
/// changes none of these values.
///
/// # Errors
/// As [`crate::aalen_johansen()`]; [`CoreError::NonFinite`] for a non-finite covariate (naming it and the
/// row); [`CoreError::InvalidArgument`] for case weights (crr takes none), no covariates, a cause code outside
/// 1..=`n_causes` or without exits, and a wrong length of `x`; [`CoreError::Numerical`] when the information
/// is singular or the pseudo-likelihood not finite.
///
/// # Examples
/// KMsurv's `bmt`, the 38 patients with ALL: relapse (cause 1) or death in remission (cause 2) after a
/// bone-marrow transplant, days, and methotrexate (z10). R 4.2 / cmprsk 2.2-11 (`fixtures/doctests/make_reference.R`):
/// `crr(t2, cause, cbind(mtx = z10), failcode = 1)` has coefficient 0.795692966933089, sandwich standard
/// error 0.563557544668432, naive 0.58720320782187 and log pseudo-likelihood −40.4511808941331.
/// ```
/// use sigsurv_core::{fine_gray, CompetingData, FineGrayOptions};
/// let time = [
///     2081.0, 1602.0, 1496.0, 1462.0, 1433.0, 1377.0, 1330.0, 996.0, 226.0, 1199.0, 1111.0, 530.0, 1182.0,
///     1167.0, 418.0, 383.0, 276.0, 104.0, 609.0, 172.0, 487.0, 662.0, 194.0, 230.0, 526.0, 122.0, 129.0,
///     74.0, 122.0, 86.0, 466.0, 192.0, 109.0, 55.0, 1.0, 107.0, 110.0, 332.0,
/// ];
/// let cause = [
///     0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 1, 1, 2, 2, 1, 2, 1, 2, 2, 1, 1, 1, 2, 2, 1, 1, 1,
///     2, 2, 1, 2,
/// ];
/// let mtx = [
///     0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
///     0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0,
/// ];
/// let names = ["mtx".to_string()];
/// let data = CompetingData::new(&time, &cause, 2);
/// let fit = fine_gray(&data, 1, &mtx, &names, &FineGrayOptions::default())?;
/// let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
/// assert!(close(fit.coef[0], 0.795692966933089));
/// assert!(close(fit.terms[0].se, 0.563557544668432));
/// assert!(close(fit.terms[0].se_naive, 0.58720320782187));
/// assert!(close(fit.loglik, -40.4511808941331));
/// assert_eq!((fit.n_events, fit.n_competing), (12, 12));
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "crr")]
#[doc(alias = "finegray")]
pub fn fine_gray(
    data: &CompetingData,
    failcode: u32,
    x: &[f64],
    names: &[String],
    opts: &FineGrayOptions,
) -> Result<FineGrayFit> {
    fit(data, failcode, x, names, opts, false)
}

/// [`fine_gray`] with every sum written out over all rows (the reference the sorted scans are tested
/// against; quadratic in the rows).
#[doc(hidden)]
pub fn fine_gray_reference(
    data: &CompetingData,
    failcode: u32,
    x: &[f64],
    names: &[String],
    opts: &FineGrayOptions,
) -> Result<FineGrayFit> {
    fit(data, failcode, x, names, opts, true)
}

fn check(
    data: &CompetingData,
    failcode: u32,
    x: &[f64],
    names: &[String],
    opts: &FineGrayOptions,
) -> Result<()> {
    data.validate()?;
    let (n, p) = (data.time.len(), names.len());
    if data.weight.is_some() {
        return Err(CoreError::InvalidArgument(
            "Fine-Gray regression (crr) takes no case weights".into(),
        ));
    }
    if p == 0 {
        return Err(CoreError::InvalidArgument(
            "Fine-Gray regression needs at least one covariate".into(),
        ));
    }
    if x.len() != n * p {
        return Err(CoreError::LengthMismatch {
            what: "covariates",
            got: x.len(),
            expected: n * p,
        });
    }
    if failcode == 0 || failcode as usize > data.n_causes {
        return Err(CoreError::InvalidArgument(format!(
            "the cause of interest must be one of 1..={}, got {failcode}",
            data.n_causes
        )));
    }
    if !data.cause.contains(&failcode) {
        return Err(CoreError::InvalidArgument(format!(
            "no exits by cause {failcode}: nothing to fit"
        )));
    }
    for (k, name) in names.iter().enumerate() {
        let col = &x[k * n..(k + 1) * n];
        if let Some(row) = crate::scan::first_where(col, |v| !v.is_finite()) {
            return Err(CoreError::NonFinite {
                what: name.clone(),
                row,
                value: col[row],
            });
        }
    }
    let level_ok = opts.conf_level > 0.0 && opts.conf_level < 1.0;
    let gtol_ok = opts.gtol > 0.0;
    if !(level_ok && gtol_ok) {
        return Err(CoreError::InvalidArgument(format!(
            "confidence level must be in (0, 1) and gtol > 0, got {} and {}",
            opts.conf_level, opts.gtol
        )));
    }
    Ok(())
}

fn fit(
    data: &CompetingData,
    failcode: u32,
    x: &[f64],
    names: &[String],
    opts: &FineGrayOptions,
    use_reference: bool,
) -> Result<FineGrayFit> {
    check(data, failcode, x, names, opts)?;
    let p = names.len();
    let d = Prepared::new(data.time, data.cause, failcode, x, p);
    let evaluate = |b: &[f64]| -> Evaluation {
        if use_reference {
            reference::evaluate(&d, b)
        } else {
            sorted_scan::evaluate(&d, b, true)
        }
    };
    let value = |b: &[f64]| evaluate_value(&d, b, use_reference);
    let result = newton(vec![0.0; p], opts.gtol, opts.max_iter, evaluate, value)?;
    let beta = result.beta;
    let naive_var = invert(&result.at_beta.information, p)?;
    let meat = if use_reference {
        reference::sandwich_meat(&d, &beta)
    } else {
        sorted_scan::sandwich_meat(&d, &beta)
    };
    let var = sandwich(&naive_var, &meat, p);
    let loglik_null = -evaluate_value(&d, &vec![0.0; p], use_reference);
    let z = z_for_level(opts.conf_level);
    let terms = (0..p)
        .map(|k| {
            let (coef, se, se_naive) =
                (beta[k], var[k * p + k].sqrt(), naive_var[k * p + k].sqrt());
            FineGrayTerm {
                name: names[k].clone(),
                coef,
                exp_coef: coef.exp(),
                se,
                se_naive,
                z: coef / se,
                p_value: normal_two_sided(coef / se),
                lower: (coef - z * se).exp(),
                upper: (coef + z * se).exp(),
            }
        })
        .collect();
    Ok(FineGrayFit {
        n: d.n,
        n_events: d.status.iter().filter(|s| **s == Status::Failure).count(),
        n_competing: d.status.iter().filter(|s| **s == Status::Competing).count(),
        terms,
        coef: beta,
        var,
        naive_var,
        loglik: -result.at_beta.neg_loglik,
        loglik_null,
        score: result.at_beta.neg_score.iter().map(|s| -s).collect(),
        converged: result.converged,
        iterations: result.iterations,
    })
}

fn evaluate_value(d: &Prepared, b: &[f64], use_reference: bool) -> f64 {
    if use_reference {
        reference::evaluate(d, b).neg_loglik
    } else {
        sorted_scan::evaluate(d, b, false).neg_loglik
    }
}

/// The inverse of the information, column by column (R's `solve(h)`).
fn invert(a: &[f64], p: usize) -> Result<Vec<f64>> {
    let mut inv = vec![0.0; p * p];
    for k in 0..p {
        let mut e = vec![0.0; p];
        e[k] = 1.0;
        let col = solve(a, &e).ok_or_else(|| {
            CoreError::Numerical(
                "the Fine-Gray information matrix is singular (collinear covariates?)".into(),
            )
        })?;
        for i in 0..p {
            inv[i * p + k] = col[i];
        }
    }
    Ok(inv)
}

/// h m hᵀ for p × p row-major matrices.
fn sandwich(h: &[f64], m: &[f64], p: usize) -> Vec<f64> {
    let mut hm = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            hm[i * p + j] = (0..p).map(|k| h[i * p + k] * m[k * p + j]).sum();
        }
    }
    let mut out = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..p {
            out[i * p + j] = (0..p).map(|k| hm[i * p + k] * h[j * p + k]).sum();
        }
    }
    out
}
