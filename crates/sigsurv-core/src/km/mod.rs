//! Kaplan-Meier (product-limit) survival curves with Greenwood standard errors, pointwise confidence limits,
//! and the Nelson-Aalen cumulative hazard; one curve or one per group.
//!
//! The summaries of a curve (median and quantiles with their CIs, restricted mean, values at given times) are
//! in [`summary`]; the table at chosen times (R's `summary(fit, times =)`) in [`at_times`]; two curves compared
//! at a fixed time in [`difference`]. The shared sort and input checks are in `order` (also used by the log-rank test). Case
//! weights, delayed entry and the robust variance are in [`general`]; the confidence limits in `limits`.

pub mod at_times;
mod curve;
pub mod difference;
pub mod general;
pub(crate) mod influence;
pub(crate) mod limits;
mod obs;
mod options;
pub(crate) mod order;
pub mod summary;
pub(crate) mod tally;

pub use at_times::{KmAtTime, KmAtTimes};
pub use curve::{KmCurve, WeightedCounts};
pub use difference::{survival_difference, SurvivalDifference};
pub use general::{kaplan_meier_general, KmData};
pub use limits::ConfLower;
use options::check_level;
pub use options::KmOptions;
pub use summary::{QuantileEstimate, Rmst};

// The errors named in the documentation.
#[cfg(doc)]
use crate::error::CoreError;
use crate::error::Result;
use crate::pvalue::z_for_level;
use limits::{row_limits, RowSe};
use order::{partition, validate, validate_codes, Obs, Ordered};
use rayon::prelude::*;

/// Kaplan-Meier estimate of S(t) with Greenwood standard errors, confidence limits and the Nelson-Aalen
/// cumulative hazard.
///
/// # Formula
/// At the distinct times t_i with n_i at risk and d_i events:
/// ```text
/// S(t)        = ∏_{t_i ≤ t} (1 − d_i/n_i)
/// se(−log S)  = sqrt(Σ_{t_i ≤ t} d_i / (n_i (n_i − d_i)))          (Greenwood; infinite once n_i = d_i)
/// se(S)       = S(t) · se(−log S)
/// H(t)        = Σ_{t_i ≤ t} d_i/n_i,   se(H) = sqrt(Σ d_i/n_i²)    (Nelson-Aalen)
/// ```
/// Limits: [`crate::confint::surv_confint`] with `z = qnorm(1 − (1 − conf_level)/2)`.
///
/// # Reference
/// Kaplan & Meier (1958), JASA 53:457-481; Greenwood (1926); Nelson (1972), Technometrics 14:945-966;
/// Aalen (1978), Ann Stat 6:701-726. Therneau, survival's `survfitkm.c`.
///
/// # R equivalent
/// `survfit(Surv(time, event) ~ 1, conf.type, conf.int)` with `summary(fit, censored = TRUE)$std.err` for
/// `std_err`. Zero times are kept (no row at time 0 is added, as R). No known differences.
///
/// # Errors
/// [`CoreError::LengthMismatch`], [`CoreError::Empty`], [`CoreError::NegativeTime`] /
/// [`CoreError::NonFiniteTime`] with the first bad row, [`CoreError::InvalidArgument`] for a confidence level
/// outside (0, 1).
///
/// # Examples
/// R's `aml` data (survival 3.5-3, 23 patients); `survfit(Surv(time, status) ~ 1, aml)` has median 27 weeks
/// (95% CI 18 to 45) and S(12) = 0.739130434782609, S(30) = 0.44168391994479 (R 4.2,
/// `fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::{kaplan_meier, KmOptions};
/// let time = [
///     9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0, // maintained
///     5.0, 5.0, 8.0, 8.0, 12.0, 16.0, 23.0, 27.0, 30.0, 33.0, 43.0, 45.0, // not maintained
/// ];
/// let status = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1].map(|s| s == 1);
/// let km = kaplan_meier(&time, &status, &KmOptions::default())?;
/// let median = km.median();
/// assert_eq!((median.estimate, median.lower, median.upper), (Some(27.0), Some(18.0), Some(45.0)));
/// assert!((km.surv_at(12.0) - 0.739130434782609).abs() < 1e-12);
/// assert!((km.surv_at(30.0) - 0.44168391994479).abs() < 1e-12);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "survfit")]
pub fn kaplan_meier(time: &[f64], event: &[bool], opts: &KmOptions) -> Result<KmCurve> {
    validate(time, event)?;
    check_level(opts)?;
    Ok(
        match Ordered::new(time, event, None, 1, |_| 0, opts.timefix) {
            Ordered::Rows(rows) => curve_from_sorted(&rows, opts),
            Ordered::Counts(counts) => curve_from_sorted(&counts, opts),
        },
    )
}

/// One Kaplan-Meier curve per group code `0..n_groups` (an empty group gives an empty curve with `n = 0`).
///
/// Near-tied times are merged once over all rows before the split (as `survfit` does), and the curves are
/// computed in parallel; each is identical to what [`kaplan_meier`] gives on that group's rows when no
/// merging happens across groups.
///
/// # Formula, Reference
/// As [`kaplan_meier`].
///
/// # R equivalent
/// `survfit(Surv(time, event) ~ group)`; curve k is `fit[k]`.
///
/// # Errors
/// As [`kaplan_meier`], plus [`CoreError::CodeOutOfRange`] for a group code `>= n_groups` (naming the row).
#[doc(alias = "survfit")]
pub fn kaplan_meier_by(
    time: &[f64],
    event: &[bool],
    group: &[u32],
    n_groups: usize,
    opts: &KmOptions,
) -> Result<Vec<KmCurve>> {
    validate(time, event)?;
    validate_codes(group, n_groups, time.len(), "group")?;
    check_level(opts)?;
    Ok(
        match Ordered::new(time, event, None, n_groups, |r| group[r], opts.timefix) {
            Ordered::Rows(rows) => curves_by(rows, n_groups, opts),
            Ordered::Counts(counts) => curves_by(counts, n_groups, opts),
        },
    )
}

/// Splits rows in time order by group (their tag) and computes the curves in parallel.
fn curves_by<T: Obs>(sorted: Vec<T>, n_groups: usize, opts: &KmOptions) -> Vec<KmCurve> {
    let (parts, offsets) = partition(&sorted, |g| g as usize, n_groups);
    drop(sorted);
    (0..n_groups)
        .into_par_iter()
        .map(|g| {
            let (a, b) = (offsets[g], offsets[g + 1]);
            if a == b {
                KmCurve::empty(opts)
            } else {
                curve_from_sorted(&parts[a..b], opts)
            }
        })
        .collect()
}

/// The product-limit pass over rows (or counted rows) already in time order.
fn curve_from_sorted<T: Obs>(rows: &[T], opts: &KmOptions) -> KmCurve {
    let n: usize = rows.iter().map(|r| r.events() + r.censored()).sum();
    let z = z_for_level(opts.conf_level);
    let n_times = 1 + rows
        .windows(2)
        .filter(|w| w[0].time() != w[1].time())
        .count();
    let mut c = KmCurve::with_capacity(n_times, opts);
    c.n = n;
    let (mut km, mut greenwood, mut na, mut na_var) = (1.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut at_risk = n;
    let mut n_lag = n as f64; // at risk at the last event (or the first time): conf.lower = "modified"
    let mut i = 0;
    while i < rows.len() {
        let t = rows[i].time();
        let (mut d, mut cens) = (0usize, 0usize);
        while i < rows.len() && rows[i].time() == t {
            d += rows[i].events();
            cens += rows[i].censored();
            i += 1;
        }
        if d > 0 {
            let (nr, dd) = (at_risk as f64, d as f64);
            km *= (nr - dd) / nr;
            greenwood += dd / (nr * (nr - dd));
            na += dd / nr;
            na_var += dd / (nr * nr);
            n_lag = nr;
        }
        let se = greenwood.sqrt();
        let row = RowSe {
            surv: km,
            se,
            on_surv_scale: false,
            n_risk: at_risk as f64,
            n_lag,
        };
        let (lo, hi) = row_limits(row, z, opts.conf_type, opts.conf_lower);
        c.time.push(t);
        c.n_risk.push(at_risk);
        c.n_event.push(d);
        c.n_censor.push(cens);
        c.surv.push(km);
        c.log_se.push(se);
        c.std_err.push(se * km);
        c.lower.push(lo);
        c.upper.push(hi);
        c.cumhaz.push(na);
        c.cumhaz_se.push(na_var.sqrt());
        c.n_events += d;
        at_risk -= d + cens;
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CoreError;

    /// aml, maintained group (Miller 1997): times 9 13 13+ 18 23 28+ 31 34 45+ 48 161+.
    #[test]
    fn aml_maintained_by_hand() {
        let time = [
            9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0,
        ];
        let event = [
            true, true, false, true, true, false, true, true, false, true, false,
        ];
        let c = kaplan_meier(&time, &event, &KmOptions::default()).unwrap();
        assert_eq!(
            c.time,
            vec![9.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0]
        );
        assert_eq!(c.n_risk, vec![11, 10, 8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(c.n_event, vec![1, 1, 1, 1, 0, 1, 1, 0, 1, 0]);
        assert_eq!(c.n_censor, vec![0, 1, 0, 0, 1, 0, 0, 1, 0, 1]);
        // S = 10/11, ·9/10, ·7/8, ·6/7, ·4/5, ·3/4, ·1/2
        let s = [
            10.0 / 11.0,
            9.0 / 11.0,
            63.0 / 88.0,
            54.0 / 88.0,
            54.0 / 88.0,
            0.490_909_090_909_090_9,
        ];
        for (a, b) in c.surv.iter().zip(s) {
            assert!((a - b).abs() < 1e-15, "{a} vs {b}");
        }
        assert!((c.surv[9] - 0.184_090_909_090_909_1).abs() < 1e-15);
        // Greenwood at t = 9: sqrt(1/(11·10)); at 13: sqrt(1/110 + 1/90).
        assert!((c.log_se[0] - (1.0f64 / 110.0).sqrt()).abs() < 1e-15);
        assert!((c.log_se[1] - (1.0f64 / 110.0 + 1.0 / 90.0).sqrt()).abs() < 1e-15);
        // R: survfit(...)$lower[1] = 0.75413385, $upper[1] = 1
        assert!((c.lower[0].unwrap() - 0.754_133_85).abs() < 1e-8);
        assert_eq!(c.upper[0], Some(1.0));
        // Median: S drops to 0.4909 at 31 (R's summary table: 31).
        assert_eq!(c.median().estimate, Some(31.0));
        assert_eq!(c.n_events, 7);
    }

    #[test]
    fn errors_name_the_row() {
        let o = KmOptions::default();
        assert_eq!(kaplan_meier(&[], &[], &o).unwrap_err(), CoreError::Empty);
        assert!(matches!(
            kaplan_meier(&[1.0, -2.0], &[true, true], &o),
            Err(CoreError::NegativeTime { row: 1, .. })
        ));
        assert!(matches!(
            kaplan_meier(&[1.0, f64::NAN], &[true, true], &o),
            Err(CoreError::NonFiniteTime { row: 1, .. })
        ));
        assert!(matches!(
            kaplan_meier(&[1.0], &[true, true], &o),
            Err(CoreError::LengthMismatch { .. })
        ));
        assert!(matches!(
            kaplan_meier_by(&[1.0, 2.0], &[true, true], &[0, 3], 2, &o),
            Err(CoreError::CodeOutOfRange {
                what: "group",
                row: 1,
                code: 3,
                n_codes: 2
            })
        ));
        let bad = KmOptions {
            conf_level: 1.0,
            ..KmOptions::default()
        };
        assert!(kaplan_meier(&[1.0], &[true], &bad).is_err());
    }

    /// Tied data (integer days, some near-ties for timefix): counting by (time, group) gives bit-for-bit the
    /// curves of the row-by-row pass.
    #[test]
    fn counted_rows_give_identical_curves() {
        let mut next = crate::test_rng::lcg(99);
        let n = 300_000;
        let time: Vec<f64> = (0..n)
            .map(|i| {
                let t = (next() % 400) as f64;
                if i % 1000 == 0 {
                    t + 1e-11 // merged into t by timefix
                } else {
                    t
                }
            })
            .collect();
        let event: Vec<bool> = (0..n).map(|_| !next().is_multiple_of(4)).collect();
        let group: Vec<u32> = (0..n).map(|_| (next() % 3) as u32).collect();
        let opts = KmOptions::default();
        let rows = order::sort_by_time(&time, &event, None, |r| group[r], true);
        let mut counts = tally::tally_by_time(&time, &event, None, 3, |r| group[r]).unwrap();
        order::merge_near_ties(&mut counts);
        let a = curves_by(rows, 3, &opts);
        let b = curves_by(counts, 3, &opts);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (a, b) in a.iter().zip(&b) {
            assert_eq!((a.n, a.n_events), (b.n, b.n_events));
            assert_eq!(bits(&a.time), bits(&b.time));
            assert_eq!(a.n_risk, b.n_risk);
            assert_eq!(a.n_event, b.n_event);
            assert_eq!(a.n_censor, b.n_censor);
            for (x, y) in [
                (&a.surv, &b.surv),
                (&a.std_err, &b.std_err),
                (&a.log_se, &b.log_se),
                (&a.cumhaz, &b.cumhaz),
                (&a.cumhaz_se, &b.cumhaz_se),
            ] {
                assert_eq!(bits(x), bits(y));
            }
            let obits =
                |v: &[Option<f64>]| v.iter().map(|x| x.map(f64::to_bits)).collect::<Vec<_>>();
            assert_eq!(obits(&a.lower), obits(&b.lower));
            assert_eq!(obits(&a.upper), obits(&b.upper));
        }
        assert_eq!(a[0].time.len(), 400, "near-ties were merged");
    }

    #[test]
    fn empty_group_gives_empty_curve() {
        let cs = kaplan_meier_by(
            &[1.0, 2.0],
            &[true, false],
            &[0, 0],
            2,
            &KmOptions::default(),
        )
        .unwrap();
        assert_eq!(cs[1].n, 0);
        assert!(cs[1].time.is_empty());
        assert_eq!(cs[1].median().estimate, None);
    }

    /// Without weights, entry or robust variance, the general pass gives the fast path's curves.
    #[test]
    fn plain_data_match_the_fast_path() {
        let mut next = crate::test_rng::lcg(5);
        let n = 3000;
        let time: Vec<f64> = (0..n).map(|_| (next() % 300) as f64 / 7.0).collect();
        let event: Vec<bool> = (0..n).map(|_| !next().is_multiple_of(3)).collect();
        let group: Vec<u32> = (0..n).map(|_| (next() % 3) as u32).collect();
        let opts = KmOptions::default();
        let a = kaplan_meier_by(&time, &event, &group, 3, &opts).unwrap();
        let b = kaplan_meier_general(&KmData::new(&time, &event), &group, 3, &opts).unwrap();
        for (a, b) in a.iter().zip(&b) {
            assert_eq!(a.time, b.time);
            assert_eq!(a.n_risk, b.n_risk);
            assert_eq!(a.n_censor, b.n_censor);
            for (x, y) in a.surv.iter().zip(&b.surv) {
                assert!((x - y).abs() <= 1e-14);
            }
            for (x, y) in a.log_se.iter().zip(&b.log_se) {
                assert!((x - y).abs() <= 1e-12 * x.abs().max(1.0));
            }
        }
    }
}
