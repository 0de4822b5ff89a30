//! The Brier score of predicted survival probabilities at given times, inverse-probability-of-censoring
//! weighted, with its influence-function standard error, the null model's Brier score and the index of
//! prediction accuracy, as `riskRegression::Score(..., metrics = "brier", null.model = TRUE)`.

use super::censoring_km::CensoringKm;
use super::cohort_checks::{check_cohort, check_times, clipped_limits, influence_se};
use crate::error::{CoreError, Result};
use crate::km::{kaplan_meier, KmOptions};
use crate::pvalue::z_for_level;

/// The Brier score of a model and of the null model at one prediction time.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeBrier {
    pub time: f64,
    pub brier: f64,
    /// Influence-function standard error. R: `Score(...)$Brier$score$se`.
    pub se: f64,
    /// `brier -/+ z se`, clipped to [0, 1] as Score does.
    pub lower: f64,
    pub upper: f64,
    /// The Brier score of the cohort's own Kaplan-Meier estimate S(t), predicted for every row.
    pub null_brier: f64,
    pub null_se: f64,
    pub null_lower: f64,
    pub null_upper: f64,
    /// The index of prediction accuracy, 1 - brier / null_brier.
    pub ipa: f64,
}

/// The Brier score of predicted survival probabilities at each of `times`; `surv[k][i]` is the predicted
/// probability that row i is event-free at `times[k]`.
///
/// # Formula
/// With G the Kaplan-Meier of the censoring (censorings after events at a tied time) and S_i the prediction,
/// BS(t) = (1/n) sum_i r_i, r_i = S_i^2 / G(T_i-) for an event at T_i <= t, (1 - S_i)^2 / G(t) for
/// T_i > t, and 0 for a row censored at or before t. The standard error is sd(IF) / sqrt(n) (divisor n - 1)
/// with IF_i = r_i - BS(t) + (1/n) [sum over events k <= t of r_k IF_i(Lambda(T_k-)) + IF_i(Lambda(t)) sum
/// over T_j > t of r_j], IF_i(Lambda(s)) the influence of row i on the Nelson-Aalen cumulative hazard of the
/// censoring (see [`time_dependent_auc`](fn@crate::time_dependent_auc)). The null model predicts the cohort's
/// Kaplan-Meier S(t) for every row, and has its Brier score and standard error by the same formulas; the
/// predictions are taken as fixed. IPA = 1 - BS / BS(null).
///
/// # Reference
/// Graf et al. (1999), Stat Med 18:2529-2545; Gerds & Schumacher (2006), Biom J 48:1029-1040; Kattan &
/// Gerds (2018), Diagn Progn Res 2:7 (IPA); riskRegression 2022.11.28, `R/Brier.survival.R`,
/// `src/getInfluenceFunctionBrier.cpp`.
///
/// # R equivalent
/// `Score(list(model = 1 - surv_matrix), formula = Hist(time, event) ~ 1, data, metrics = "brier",
/// times = times, cens.model = "km", se.fit = TRUE, null.model = TRUE, summary = "ipa")$Brier$score`: the
/// rows of the model (`Brier`, `se`, `lower`, `upper`, `IPA`) and of the "Null model".
///
/// # Errors
/// [`CoreError::Empty`], [`CoreError::LengthMismatch`], [`CoreError::NonFiniteTime`] /
/// [`CoreError::NegativeTime`] with the first bad row, [`CoreError::AtRow`] for a predicted probability that
/// is not a number in [0, 1], [`CoreError::InvalidArgument`] for a prediction time that is not a finite
/// number >= 0, a confidence level outside (0, 1), or not one column of predictions per time.
///
/// # Examples
/// R's `aml` data (survival 3.5-3), each arm's own Kaplan-Meier S(24) as the prediction (27/44 maintained,
/// 35/72 not): `Score(list(1 - pred), Hist(time, status) ~ 1, metrics = "brier", times = 24,
/// cens.model = "km", se.fit = TRUE, null.model = TRUE, summary = "ipa")` gives Brier 0.24339205587147 (se
/// 0.0172929921880935), null model 0.247829944832375, IPA 0.0179069924899808 (R 4.2, riskRegression
/// 2022.11.28, `fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::brier_score;
/// let time = [
///     9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0, // maintained
///     5.0, 5.0, 8.0, 8.0, 12.0, 16.0, 23.0, 27.0, 30.0, 33.0, 43.0, 45.0, // not maintained
/// ];
/// let status = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1].map(|s| s == 1);
/// let pred: Vec<f64> = (0..23).map(|i| if i < 11 { 27.0 / 44.0 } else { 35.0 / 72.0 }).collect();
/// let b = &brier_score(&time, &status, &[&pred], &[24.0], 0.95)?[0];
/// assert!((b.brier - 0.24339205587147).abs() < 1e-12);
/// assert!((b.se - 0.0172929921880935).abs() < 1e-12);
/// assert!((b.null_brier - 0.247829944832375).abs() < 1e-12);
/// assert!((b.ipa - 0.0179069924899808).abs() < 1e-12);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "Score")]
#[doc(alias = "pec")]
pub fn brier_score(
    time: &[f64],
    event: &[bool],
    surv: &[&[f64]],
    times: &[f64],
    conf_level: f64,
) -> Result<Vec<TimeBrier>> {
    check_cohort(time, event)?;
    check_times(times, conf_level)?;
    if surv.len() != times.len() {
        return Err(CoreError::InvalidArgument(format!(
            "{} columns of predicted survival for {} prediction times",
            surv.len(),
            times.len()
        )));
    }
    for column in surv {
        if column.len() != time.len() {
            return Err(CoreError::LengthMismatch {
                what: "predicted survival",
                got: column.len(),
                expected: time.len(),
            });
        }
        if let Some((row, &value)) = column
            .iter()
            .enumerate()
            .find(|(_, v)| !(**v >= 0.0 && **v <= 1.0))
        {
            return Err(CoreError::AtRow {
                row,
                what: "predicted survival".into(),
                why: format!("{value} is not a probability in [0, 1]"),
            });
        }
    }
    let km = CensoringKm::new(time, event);
    let null_curve = kaplan_meier(
        time,
        event,
        &KmOptions {
            timefix: false,
            ..KmOptions::default()
        },
    )?;
    let z = z_for_level(conf_level);
    Ok(times
        .iter()
        .zip(surv)
        .map(|(&t, column)| {
            let (brier, se) = brier_at(&km, time, event, |i| column[i], t);
            let null_s = null_curve.surv_at(t);
            let (null_brier, null_se) = brier_at(&km, time, event, |_| null_s, t);
            let (lower, upper) = clipped_limits(brier, se, z);
            let (null_lower, null_upper) = clipped_limits(null_brier, null_se, z);
            TimeBrier {
                time: t,
                brier,
                se,
                lower,
                upper,
                null_brier,
                null_se,
                null_lower,
                null_upper,
                ipa: 1.0 - brier / null_brier,
            }
        })
        .collect())
}

/// Brier score and its standard error at t for the predictions `surv(i)`.
fn brier_at(
    km: &CensoringKm,
    time: &[f64],
    event: &[bool],
    surv: impl Fn(usize) -> f64,
    t: f64,
) -> (f64, f64) {
    let n = time.len();
    let nf = n as f64;
    let g_t = km.at(t);
    let mut residual = vec![0.0; n];
    let mut cases = Vec::new();
    let mut control_total = 0.0;
    for i in 0..n {
        let s = surv(i);
        if time[i] <= t && event[i] {
            residual[i] = s * s / km.before(time[i]);
            cases.push((time[i], residual[i]));
        } else if time[i] > t {
            residual[i] = (1.0 - s) * (1.0 - s) / g_t;
            control_total += residual[i];
        }
    }
    let brier = residual.iter().sum::<f64>() / nf;
    let through_g = km.weighted_influence(time, event, &cases, control_total, t);
    let influence: Vec<f64> = residual
        .iter()
        .zip(&through_g)
        .map(|(r, g)| r - brier + g / nf)
        .collect();
    (brier, influence_se(&influence))
}
