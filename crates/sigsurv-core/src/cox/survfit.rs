//! Predicted survival curves of a fitted Cox model for given covariate profiles, as R's
//! `survfit(coxfit, newdata)` (survival 3.5: `survfit.coxph`, `coxsurv.fit`, `agsurv`).
//!
//! For each stratum, at every distinct stop time t (censoring times included) with d events of total
//! weight w_D, on the risk set R(t) (stop ≥ t, and start < t for (start, stop] rows) with
//! `S0 = Σ w r`, `S1 = Σ w r x` (r = exp(η)), and `S0_D`, `S1_D` the same sums over the events at t:
//! ```text
//! Breslow (ctype 1):  dΛ = w_D / S0,                 dV = w_D / S0²,                 dX = dΛ · S1 / S0
//! Efron   (ctype 2):  dΛ = (w_D/d) Σ_{j<d} 1/D_j,    dV = (w_D/d) Σ_{j<d} 1/D_j²,    dX = (w_D/d) Σ_{j<d} (S1 − (j/d) S1_D) / D_j²
//!                     D_j = S0 − (j/d) S0_D
//! profile z, r_z = exp(zβ):   Λ_z(t) = r_z Λ(t),   S_z(t) = exp(−Λ(t))^{r_z}                       (stype 2)
//! var Λ_z(t) = r_z² [ Σ_{u≤t} dV(u) + q(t)ᵀ V q(t) ],   q(t) = Λ(t) z − Σ_{u≤t} dX(u)
//! ```
//! V is the variance of β̂ (robust when the fit is robust, as R's `fit$var`). The second term carries
//! the uncertainty of β̂ (Tsiatis 1981; Therneau & Grambsch 2000, section 10.2). `std_err` is the
//! standard error of Λ_z (R's `std.err`, `logse = TRUE`); confidence limits are R's `conf.type = "log"`:
//! `S exp(∓ z_{1−α/2} se)`, the upper one capped at 1, both equal to S when se = 0, NA when S = 0.

#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

use super::data::CoxData;
use super::eval::{regrouped_shift, Leave, RiskSetWalk};
use super::fit::CoxFit;
use super::prep::Prepared;
use super::ties::Ties;
use crate::error::{CoreError, Result};
use crate::pvalue::z_for_level;

/// Covariate profiles for [`cox_survfit`] (R's `newdata`), on the ORIGINAL scale of the design
/// (factors as their 0/1 dummies, in the column order of the fit).
#[derive(Debug, Clone, Copy)]
pub struct NewData<'a> {
    /// Number of profiles.
    pub n: usize,
    /// Profiles, row-major: profile i is `x[i * p..(i + 1) * p]`.
    pub x: &'a [f64],
    /// Stratum code of each profile (the codes of [`CoxData::strata`]). `None` with a stratified fit:
    /// every profile gets a curve in every stratum (R, when newdata lacks the strata variables).
    pub strata: Option<&'a [u32]>,
}

/// One predicted survival curve: a row per distinct (time-fixed) stop time of its stratum, censoring
/// times included (R's `censor = TRUE`).
#[derive(Debug, Clone, PartialEq)]
pub struct CoxCurve {
    /// Index of the profile in [`NewData`]; `None` for the curve at `fit.means` (R's default curve).
    pub profile: Option<usize>,
    /// Stratum code, `None` for an unstratified fit.
    pub stratum: Option<u32>,
    pub time: Vec<f64>,
    /// Weighted number at risk, of events and of censored rows at each time (R weights them too).
    pub n_risk: Vec<f64>,
    pub n_event: Vec<f64>,
    pub n_censor: Vec<f64>,
    pub surv: Vec<f64>,
    pub cumhaz: Vec<f64>,
    /// Standard error of the cumulative hazard (R's `std.err`).
    pub std_err: Vec<f64>,
    /// Log-type confidence limits of `surv`; `None` where R gives NA (surv = 0).
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
}

/// The baseline quantities of one stratum at the reference point (centre of the prepared covariates,
/// shifted by `shift`), cumulated over its distinct times.
struct Baseline {
    code: Option<u32>,
    shift: f64,
    time: Vec<f64>,
    n_risk: Vec<f64>,
    n_event: Vec<f64>,
    n_censor: Vec<f64>,
    cumhaz: Vec<f64>,
    cumvar: Vec<f64>,
    /// Σ dX, row-major T × p, covariates centred (original units).
    cumx: Vec<f64>,
}

/// Predicted survival curves for covariate profiles (or at `fit.means` when `newdata` is `None`).
///
/// # Formula
/// See the module documentation: Breslow-type estimate `S = exp(−Λ)` (stype 2) with the hazard
/// increments of the fit's ties (Breslow → Nelson–Aalen type, Efron → Fleming–Harrington type), and
/// the variance of Λ including the term for the estimated coefficients.
///
/// # Reference
/// Tsiatis (1981) Ann. Statist. 9:93; Therneau & Grambsch (2000) *Modeling Survival Data*, section 10.2.
///
/// # R equivalent
/// `survfit(fit, newdata, stype = 2, ctype = <1 for breslow, 2 for efron>, conf.type = "log",
/// conf.int = conf_level)`; without `newdata`, `survfit(fit)` (the curve at `fit$means`). Curves come
/// stratum by stratum, profiles within each (R's order); with `newdata.strata`, one curve per profile.
/// Collinear (dropped) terms count with coefficient 0, as R. Not supported: `stype = 1`
/// (Kalbfleisch–Prentice), `id`/`individual` curves, `start.time`, other `conf.type`s.
///
/// # Errors
/// The data errors of [`super::cox_ph`]; `fit` and `data` of different widths; profiles of the wrong
/// length or non-finite; a stratum code not in the data; strata given for an unstratified fit.
pub fn cox_survfit(
    fit: &CoxFit,
    data: &CoxData,
    newdata: Option<&NewData>,
    conf_level: f64,
) -> Result<Vec<CoxCurve>> {
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(CoreError::InvalidArgument(format!(
            "conf_level {conf_level} is not in (0, 1)"
        )));
    }
    let p = data.p;
    if fit.coef.len() != p || fit.var.len() != p * p || fit.means.len() != p {
        return Err(CoreError::InvalidArgument(format!(
            "the fit has {} coefficients but the data {p} columns",
            fit.coef.len()
        )));
    }
    if let Some(nd) = newdata {
        if nd.x.len() != nd.n * p {
            return Err(CoreError::LengthMismatch {
                what: "newdata x",
                got: nd.x.len(),
                expected: nd.n * p,
            });
        }
        if let Some((i, &v)) = nd.x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(CoreError::NonFinite {
                what: format!("newdata {}", data.names[i % p.max(1)]),
                row: i / p.max(1),
                value: v,
            });
        }
        if let Some(s) = nd.strata {
            if s.len() != nd.n {
                return Err(CoreError::LengthMismatch {
                    what: "newdata strata",
                    got: s.len(),
                    expected: nd.n,
                });
            }
            if data.strata.is_none() {
                return Err(CoreError::InvalidArgument(
                    "newdata has strata but the model is not stratified".into(),
                ));
            }
        }
    }
    let prep = Prepared::new(data, fit.timefix)?;
    let beta: Vec<f64> = fit
        .coef
        .iter()
        .zip(&prep.scale)
        .map(|(b, s)| b / s)
        .collect();
    let bases: Vec<Baseline> = prep
        .strata
        .iter()
        .map(|&(b0, b1)| {
            let code = data.strata.map(|s| s[prep.order[b0] as usize]);
            baseline(&prep, &beta, fit.ties, code, b0, b1)
        })
        .collect();
    let zc = z_for_level(conf_level);
    let curve = |b: &Baseline, x: &[f64], profile: Option<usize>| {
        expand(b, x, &fit.coef, &fit.var, &prep.centre, zc, profile)
    };
    let mut out = Vec::new();
    match newdata {
        None => out.extend(bases.iter().map(|b| curve(b, &fit.means, None))),
        Some(nd) => match nd.strata {
            Some(codes) => {
                for (i, &c) in codes.iter().enumerate() {
                    let b = bases.iter().find(|b| b.code == Some(c)).ok_or_else(|| {
                        CoreError::InvalidArgument(format!(
                            "newdata row {i}: stratum {c} is not in the data"
                        ))
                    })?;
                    out.push(curve(b, &nd.x[i * p..(i + 1) * p], Some(i)));
                }
            }
            None => {
                for b in &bases {
                    for i in 0..nd.n {
                        out.push(curve(b, &nd.x[i * p..(i + 1) * p], Some(i)));
                    }
                }
            }
        },
    }
    Ok(out)
}

/// One descending pass over a stratum: at each distinct stop time the risk-set sums, then the hazard,
/// variance and mean increments, cumulated in ascending time.
fn baseline(
    prep: &Prepared,
    beta: &[f64],
    ties: Ties,
    code: Option<u32>,
    b0: usize,
    b1: usize,
) -> Baseline {
    let p = prep.p;
    let eta = |k: usize| -> f64 { prep.eta(beta, k) };
    // Keep exp() finite (the regrouped rule of `eval/shift.rs`); Λ_z and its variance do not depend on the
    // reference point.
    let max = (b0..b1).map(eta).fold(f64::NEG_INFINITY, f64::max);
    let shift = regrouped_shift(max);
    // Every row of the stratum, by start time descending, leaves the risk set once t ≤ start.
    let mut entry: Vec<usize> = if prep.counting {
        (b0..b1).collect()
    } else {
        Vec::new()
    };
    entry.sort_unstable_by(|&a, &b| prep.start[b].total_cmp(&prep.start[a]).then(a.cmp(&b)));

    // Per time, descending: (time, at risk, events, censored, deaths, S0, S0_D); S1 and S1_D flat.
    let mut rows: Vec<(f64, f64, f64, f64, usize, f64, f64)> = Vec::new();
    let (mut s1_all, mut s1d_all) = (Vec::new(), Vec::new());
    let (mut s0, mut s1, mut wrisk) = (0.0, vec![0.0; p], 0.0);
    let mut s1d = vec![0.0; p];
    // The numbers at risk count every row, also those whose interval holds no event time.
    let mut walk = RiskSetWalk::every_row(prep, &entry, b0, b1);
    loop {
        let step = walk.next_time(|leave| match leave {
            Leave::Emptied => {
                s0 = 0.0;
                wrisk = 0.0;
                s1.iter_mut().for_each(|v| *v = 0.0);
            }
            Leave::Row(q) => {
                let r = prep.weight[q] * (eta(q) - shift).exp();
                s0 -= r;
                wrisk -= prep.weight[q];
                s1.iter_mut()
                    .zip(prep.row(q))
                    .for_each(|(a, x)| *a -= r * x);
            }
        });
        let Some((t, group)) = step else { break };
        let (mut wd, mut wc, mut nd, mut s0d) = (0.0, 0.0, 0usize, 0.0);
        s1d.iter_mut().for_each(|v| *v = 0.0);
        for k in group {
            let w = prep.weight[k];
            let r = w * (eta(k) - shift).exp();
            s0 += r;
            wrisk += w;
            s1.iter_mut()
                .zip(prep.row(k))
                .for_each(|(a, x)| *a += r * x);
            if prep.event[k] {
                wd += w;
                nd += 1;
                s0d += r;
                s1d.iter_mut()
                    .zip(prep.row(k))
                    .for_each(|(a, x)| *a += r * x);
            } else {
                wc += w;
            }
        }
        rows.push((t, wrisk, wd, wc, nd, s0, s0d));
        s1_all.extend_from_slice(&s1);
        s1d_all.extend_from_slice(&s1d);
    }

    let m = rows.len();
    let mut b = Baseline {
        code,
        shift,
        time: Vec::with_capacity(m),
        n_risk: Vec::with_capacity(m),
        n_event: Vec::with_capacity(m),
        n_censor: Vec::with_capacity(m),
        cumhaz: Vec::with_capacity(m),
        cumvar: Vec::with_capacity(m),
        cumx: Vec::with_capacity(m * p),
    };
    let (mut ch, mut cv, mut cx) = (0.0, 0.0, vec![0.0; p]);
    for i in (0..m).rev() {
        let (t, wrisk, wd, wc, nd, s0, s0d) = rows[i];
        let s1 = &s1_all[i * p..(i + 1) * p];
        let s1d = &s1d_all[i * p..(i + 1) * p];
        if nd > 0 {
            if ties != Ties::Efron || nd == 1 {
                let h = wd / s0;
                ch += h;
                cv += wd / (s0 * s0);
                for j in 0..p {
                    cx[j] += h * s1[j] / s0 / prep.scale[j];
                }
            } else {
                // R's agsurv5 order: average over the d sub-steps, then multiply by w_D.
                let d = nd as f64;
                let (mut sum1, mut sum2) = (0.0, 0.0);
                let mut xs = vec![0.0; p];
                for jj in 0..nd {
                    let f = jj as f64 / d;
                    let inv = 1.0 / (s0 - s0d * f);
                    sum1 += inv / d;
                    sum2 += inv * inv / d;
                    for j in 0..p {
                        xs[j] += (s1[j] - s1d[j] * f) * inv * inv / d;
                    }
                }
                ch += wd * sum1;
                cv += wd * sum2;
                for j in 0..p {
                    cx[j] += wd * xs[j] / prep.scale[j];
                }
            }
        }
        b.time.push(t);
        b.n_risk.push(wrisk);
        b.n_event.push(wd);
        b.n_censor.push(wc);
        b.cumhaz.push(ch);
        b.cumvar.push(cv);
        b.cumx.extend_from_slice(&cx);
    }
    b
}

/// The curve of profile `x` (original scale) from a stratum's baseline.
fn expand(
    b: &Baseline,
    x: &[f64],
    coef: &[f64],
    var: &[f64],
    centre: &[f64],
    zc: f64,
    profile: Option<usize>,
) -> CoxCurve {
    let p = coef.len();
    let z: Vec<f64> = x.iter().zip(centre).map(|(x, c)| x - c).collect();
    let risk = (coef.iter().zip(&z).map(|(b, z)| b * z).sum::<f64>() - b.shift).exp();
    let m = b.time.len();
    let mut c = CoxCurve {
        profile,
        stratum: b.code,
        time: b.time.clone(),
        n_risk: b.n_risk.clone(),
        n_event: b.n_event.clone(),
        n_censor: b.n_censor.clone(),
        surv: Vec::with_capacity(m),
        cumhaz: Vec::with_capacity(m),
        std_err: Vec::with_capacity(m),
        lower: Vec::with_capacity(m),
        upper: Vec::with_capacity(m),
    };
    let mut q = vec![0.0; p];
    for i in 0..m {
        let h = b.cumhaz[i];
        for j in 0..p {
            q[j] = h * z[j] - b.cumx[i * p + j];
        }
        let mut quad = 0.0;
        for a in 0..p {
            let va = &var[a * p..(a + 1) * p];
            quad += q[a] * va.iter().zip(&q).map(|(v, q)| v * q).sum::<f64>();
        }
        let se = ((b.cumvar[i] + quad) * risk * risk).sqrt();
        let s = (-h).exp().powf(risk);
        c.surv.push(s);
        c.cumhaz.push(h * risk);
        c.std_err.push(se);
        let (lo, hi) = if s == 0.0 {
            (None, None)
        } else if se == 0.0 {
            (Some(s), Some(s))
        } else {
            let ls = s.ln();
            (
                Some((ls - zc * se).exp()),
                Some((ls + zc * se).exp().min(1.0)),
            )
        };
        c.lower.push(lo);
        c.upper.push(hi);
    }
    c
}
