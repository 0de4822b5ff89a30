//! Test of proportional hazards (R's `cox.zph`): for each term, a score test of adding `x · g(t)`
//! to the fitted model, evaluated at (β̂, 0).
//!
//! ```text
//! U_g   = Σ_events g(t) (w_i x_i − w̄ Σ_k x̄_k(t))          (the score of the x·g(t) block at β̂)
//! I     = Σ_t [ V(t)  g V(t) ; g V(t)  g² V(t) ]            (V(t): the information increment at time t)
//! χ²    = (0, U_g[term])ᵀ I[kk, kk]⁻¹ (0, U_g[term]),      kk = all x columns and the term's x·g columns
//! ```
//! with `g(t) = G(t) − mean of G over the events` and G the transform: `Km` 1 − S(t−) with S the
//! Kaplan-Meier of all rows, `Identity` t, `Rank` the rank of t among all rows, `Log` log t. A factor is
//! one term (df = levels − 1); GLOBAL uses all columns. Collinear (dropped) columns are left out.
//! Reference: Grambsch & Therneau (1994) Biometrika 81:515; Therneau & Grambsch (2000) section 6.2.
//! R: `cox.zph(fit, transform = "km", terms = TRUE, global = TRUE)$table` (survival 3.x).

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

use super::chol::Ldl;
use super::data::CoxData;
use super::eval::stratum_pass;
use super::fit::CoxFit;
use super::prep::Prepared;
use crate::error::{CoreError, Result};
use crate::pvalue::chisq_sf;

/// The time transform of [`cox_zph`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZphTransform {
    /// 1 − Kaplan-Meier(t−) (R's default "km").
    #[default]
    Km,
    Identity,
    Rank,
    Log,
}

/// One row of the `cox.zph` table.
#[derive(Debug, Clone, PartialEq)]
pub struct ZphTest {
    pub term: String,
    pub chisq: f64,
    pub df: usize,
    pub p_value: f64,
}

/// The `cox.zph` table: one test per term, then GLOBAL.
#[derive(Debug, Clone, PartialEq)]
pub struct Zph {
    pub transform: ZphTransform,
    pub terms: Vec<ZphTest>,
    pub global: ZphTest,
}

/// Proportional-hazards tests for a fitted model.
///
/// `term_of[j]` is the term index of coefficient j and `term_names` the term labels (as
/// [`crate::design::Design`]'s `term_of` and `terms`); pass `term_of = 0..p` with the coefficient names
/// for one test per coefficient (R's `terms = FALSE`).
///
/// # Formula
/// See the module documentation.
///
/// # Reference
/// Grambsch & Therneau (1994); Therneau & Grambsch (2000) *Modeling Survival Data*, section 6.2.
///
/// # R equivalent
/// `cox.zph(fit, transform = "km" | "identity" | "rank" | "log")$table`.
///
/// # Errors
/// Data errors of [`super::cox_ph`]; a model with no events or no estimated coefficient; `Log` with a
/// time ≤ 0; `term_of` of the wrong length or pointing past `term_names`.
///
/// # Examples
/// The book example of [`super::cox_ph`] (Breslow ties); R 4.2 / survival 3.5-3's `cox.zph(fit)` gives
/// χ² 0.300497438573738 on 1 df, p 0.58357073942606 (`fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::{cox_ph, cox_zph, CoxData, CoxOptions, Ties, ZphTransform};
/// let time = [9.0, 1.0, 1.0, 6.0, 6.0, 8.0];
/// let status = [true, true, false, true, true, false];
/// let x = [0.0, 1.0, 1.0, 1.0, 0.0, 0.0];
/// let names = ["x".to_string()];
/// let data = CoxData::new(&time, &status, &x, &names);
/// let fit = cox_ph(&data, &CoxOptions { ties: Ties::Breslow, ..CoxOptions::default() })?;
/// let zph = cox_zph(&fit, &data, &[0], &names, ZphTransform::Km)?;
/// let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
/// assert!(close(zph.terms[0].chisq, 0.300497438573738));
/// assert!(close(zph.global.p_value, 0.58357073942606));
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
pub fn cox_zph(
    fit: &CoxFit,
    data: &CoxData,
    term_of: &[usize],
    term_names: &[String],
    transform: ZphTransform,
) -> Result<Zph> {
    let prep = Prepared::new(data, fit.timefix)?;
    let p = prep.p;
    if term_of.len() != p {
        return Err(CoreError::LengthMismatch {
            what: "term_of",
            got: term_of.len(),
            expected: p,
        });
    }
    if let Some(&t) = term_of.iter().find(|&&t| t >= term_names.len()) {
        return Err(CoreError::InvalidArgument(format!(
            "term index {t} has no name"
        )));
    }
    let kept: Vec<usize> = (0..p).filter(|&j| !fit.dropped[j]).collect();
    if fit.n_events == 0 || kept.is_empty() {
        return Err(CoreError::InvalidArgument(
            "cox.zph needs events and at least one estimated coefficient".into(),
        ));
    }
    let g = transform_at_events(&prep, transform)?;
    let beta: Vec<f64> = fit
        .coef
        .iter()
        .zip(&prep.scale)
        .map(|(b, s)| b / s)
        .collect();

    // U_g (p) and the 2p × 2p information, accumulated per event time.
    let mut ug = vec![0.0; p];
    let mut info = vec![0.0; 4 * p * p];
    let q = 2 * p;
    for (s, &(b0, b1)) in prep.strata.iter().enumerate() {
        stratum_pass(&prep, &beta, fit.ties, s, b0, b1, &mut |t, _, u, im| {
            let gt = g(t);
            for i in 0..p {
                ug[i] += gt * u[i];
                for j in 0..=i {
                    let v = im[i * (i + 1) / 2 + j];
                    for (a, b, f) in [
                        (i, j, 1.0),
                        (i + p, j, gt),
                        (i, j + p, gt),
                        (i + p, j + p, gt * gt),
                    ] {
                        info[a * q + b] += f * v;
                        if i != j {
                            info[b * q + a] += f * v;
                        }
                    }
                }
            }
        });
    }
    // Back to the original covariate scale (the tests do not depend on it, the numbers do).
    let sc = |k: usize| prep.scale[k % p];
    for a in 0..q {
        for b in 0..q {
            info[a * q + b] *= sc(a) * sc(b);
        }
    }
    ug.iter_mut()
        .enumerate()
        .for_each(|(j, u)| *u *= prep.scale[j]);

    let test = |cols: &[usize]| -> f64 {
        let kk: Vec<usize> = kept
            .iter()
            .copied()
            .chain(cols.iter().map(|&j| j + p))
            .collect();
        let m: Vec<f64> = kk
            .iter()
            .flat_map(|&a| kk.iter().map(move |&b| (a, b)))
            .map(|(a, b)| info[a * q + b])
            .collect();
        let u: Vec<f64> = kk
            .iter()
            .map(|&a| if a < p { 0.0 } else { ug[a - p] })
            .collect();
        Ldl::new(&m, kk.len(), 1e-12).quad_form(&u)
    };
    let mut terms = Vec::new();
    for (t, name) in term_names.iter().enumerate() {
        let cols: Vec<usize> = kept.iter().copied().filter(|&j| term_of[j] == t).collect();
        if cols.is_empty() {
            continue;
        }
        let chisq = test(&cols);
        terms.push(ZphTest {
            term: name.clone(),
            chisq,
            df: cols.len(),
            p_value: chisq_sf(chisq, cols.len() as f64),
        });
    }
    let chisq = test(&kept);
    let global = ZphTest {
        term: "GLOBAL".into(),
        chisq,
        df: kept.len(),
        p_value: chisq_sf(chisq, kept.len() as f64),
    };
    Ok(Zph {
        transform,
        terms,
        global,
    })
}

/// g(t) = G(t) − mean over events of G, as a function of an event time.
fn transform_at_events(prep: &Prepared, tr: ZphTransform) -> Result<impl Fn(f64) -> f64> {
    let n = prep.n;
    let mut etimes: Vec<f64> = (0..n)
        .filter(|&k| prep.event[k])
        .map(|k| prep.stop[k])
        .collect();
    etimes.sort_unstable_by(f64::total_cmp);
    let mut uniq = etimes.clone();
    uniq.dedup();
    let values: Vec<f64> = match tr {
        ZphTransform::Identity => uniq.clone(),
        ZphTransform::Log => {
            if let Some(t) = uniq.iter().find(|&&t| t <= 0.0 || t.is_nan()) {
                return Err(CoreError::InvalidArgument(format!(
                    "log transform of event time {t} <= 0"
                )));
            }
            uniq.iter().map(|t| t.ln()).collect()
        }
        ZphTransform::Rank => {
            // R's rank(times) over all rows, ties averaged.
            let mut all = prep.stop.clone();
            all.sort_unstable_by(f64::total_cmp);
            uniq.iter()
                .map(|&t| {
                    let lo = all.partition_point(|&v| v < t) as f64;
                    let hi = all.partition_point(|&v| v <= t) as f64;
                    (lo + 1.0 + hi) / 2.0
                })
                .collect()
        }
        ZphTransform::Km => {
            // Kaplan-Meier of all rows (unweighted, unstratified); G(t) = 1 − S(t−).
            let mut stops = prep.stop.clone();
            stops.sort_unstable_by(f64::total_cmp);
            let mut starts: Vec<f64> = prep.start.each().map(<[f64]>::to_vec).unwrap_or_default();
            starts.sort_unstable_by(f64::total_cmp);
            let mut s = 1.0;
            let mut out = Vec::with_capacity(uniq.len());
            let mut e = 0;
            for &t in &uniq {
                out.push(1.0 - s);
                let at_risk = (n - stops.partition_point(|&v| v < t))
                    - (starts.len() - starts.partition_point(|&v| v < t));
                let d0 = e;
                while e < etimes.len() && etimes[e] == t {
                    e += 1;
                }
                s *= 1.0 - (e - d0) as f64 / at_risk as f64;
            }
            out
        }
    };
    let mean = etimes
        .iter()
        .map(|&t| values[uniq.partition_point(|&u| u < t)])
        .sum::<f64>()
        / etimes.len() as f64;
    Ok(move |t: f64| values[uniq.partition_point(|&u| u < t).min(uniq.len() - 1)] - mean)
}
