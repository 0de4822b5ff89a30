//! The log-rank test and its G-rho family (Harrington & Fleming), stratified or not, and pairwise tests.

use crate::error::{CoreError, Result};
use crate::km::order::{partition, validate, validate_codes, Obs, Ordered};
use crate::padjust::{p_adjust, PAdjust};
use crate::pvalue::chisq_sf;
use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use std::borrow::Cow;

/// Options of [`survdiff`].
#[derive(Clone, Debug)]
pub struct LogRankOptions {
    /// Weight exponent: each event time is weighted by S(t−)^rho (0 = log-rank, 1 = Peto-Peto / Wilcoxon-like).
    pub rho: f64,
    /// Merge near-tied times first, as R's `timefix = TRUE` (default true).
    pub timefix: bool,
}

impl Default for LogRankOptions {
    fn default() -> Self {
        LogRankOptions {
            rho: 0.0,
            timefix: true,
        }
    }
}

/// Result of a k-sample G-rho test ([`survdiff`]). Vectors have one entry per group code.
#[derive(Clone, Debug)]
pub struct LogRank {
    /// The chi-square statistic (0 when fewer than two groups have expected > 0).
    pub chisq: f64,
    /// Degrees of freedom: the number of groups with expected > 0, minus 1.
    pub df: usize,
    /// Upper-tail chi-square probability of `chisq` on `df`: 1 when df = 0 (one group with expected events), NaN
    /// when no group expects an event (no events at all: R's df is −1 and its p `NA`), as R.
    pub p_value: f64,
    /// The rho used.
    pub rho: f64,
    /// Rows per group.
    pub n: Vec<usize>,
    /// Observed events per group, summed over strata; weighted by S(t−)^rho when rho ≠ 0, as R.
    pub observed: Vec<f64>,
    /// Expected events per group, summed over strata (weighted likewise).
    pub expected: Vec<f64>,
    /// Variance matrix of O − E, k×k row-major, summed over strata (R's `survdiff$var`).
    pub variance: Vec<f64>,
}

/// Compares survival between groups with the G-rho family of weighted log-rank tests, optionally
/// stratified.
///
/// # Formula
/// Within each stratum, at every distinct event time t with n at risk (n_k in group k), d events (d_k) and
/// weight w = Ŝ(t−)^rho, Ŝ the pooled Kaplan-Meier of the stratum, left-continuous:
/// ```text
/// O_k += w·d_k      E_k += w·d·n_k/n
/// V_kl += w²·d·(n_k/n)·(δ_kl − n_l/n)·(n − d)/(n − 1)        (skipped when n = 1)
/// ```
/// O, E and V are summed over strata. With G the groups having E_k > 0 and the first of them dropped,
/// χ² = (O − E)_Gᵀ V_G⁻¹ (O − E)_G on |G| − 1 degrees of freedom (χ² = 0 when |G| < 2). With no events G is
/// empty and p is NaN (R: `df = -1`, `pchisq(0, -1)` is `NaN`); `df` is reported as 0 then.
///
/// # Reference
/// Mantel (1966), Cancer Chemother Rep 50:163-170; Peto & Peto (1972), JRSS A 135:185-207; Harrington &
/// Fleming (1982), Biometrika 69:553-566. Therneau, survival's `survdiff2.c`.
///
/// # R equivalent
/// `survdiff(Surv(time, event) ~ group [+ strata(s)], rho = rho)`; `observed`/`expected` are R's `obs`/`exp`
/// summed over strata. Group codes with no rows are kept with zeros (R drops unused levels); they and groups
/// with zero expected do not count in `df`. Where R's `solve` fails on a singular variance matrix we return
/// [`CoreError::Numerical`].
///
/// # Errors
/// As [`crate::km::kaplan_meier`] for the inputs; [`CoreError::InvalidArgument`] for a bad group or stratum
/// slice, a non-finite rho, or when fewer than two groups have rows ("there is only 1 group", as R).
#[doc(alias = "log-rank")]
/// The most groups [`survdiff`] compares.
pub const MAX_GROUPS: usize = 1000;

pub fn survdiff(
    time: &[f64],
    event: &[bool],
    group: &[u32],
    n_groups: usize,
    strata: Option<&[u32]>,
    opts: &LogRankOptions,
) -> Result<LogRank> {
    let strata = check_inputs(time, event, group, n_groups, strata, opts)?;
    let present = group_counts(group, n_groups, None)
        .iter()
        .filter(|&&c| c > 0)
        .count();
    if present < 2 {
        return Err(CoreError::InvalidArgument(format!(
            "there is only 1 group with observations (of {n_groups} group codes); a test needs at least 2"
        )));
    }
    if present > MAX_GROUPS {
        // The test solves a (k - 1) x (k - 1) system per stratum and reports every group: beyond a thousand
        // groups it is minutes of arithmetic for a table no one reads, and almost always the wrong column.
        return Err(CoreError::InvalidArgument(format!(
            "{present} groups: the log-rank test compares at most {MAX_GROUPS} (is the grouping column an id or a \
             continuous score? split a score first, e.g. with cutpoint or --split)"
        )));
    }
    test_rows(
        time,
        event,
        group,
        n_groups,
        strata.as_ref().map(|(c, k)| (c.as_ref(), *k)),
        None,
        opts,
    )
}

/// One pairwise comparison of [`pairwise_survdiff`].
#[derive(Clone, Debug)]
pub struct PairwiseLogRank {
    pub group_a: usize,
    pub group_b: usize,
    pub chisq: f64,
    /// Unadjusted p-value on 1 degree of freedom.
    pub p_value: f64,
    /// Adjusted over all pairs returned.
    pub p_adjusted: f64,
}

/// The G-rho test for every pair of groups a < b that both have rows, adjusted for multiple testing.
///
/// # Formula
/// [`survdiff`] on the rows of groups a and b only (near-ties merged within those rows, strata as given),
/// p = P(χ²₁ > χ²); then [`p_adjust`] over all pairs.
///
/// # Reference
/// Kassambara et al., survminer's `pairwise_survdiff`.
///
/// # R equivalent
/// `survminer::pairwise_survdiff(Surv(time, event) ~ group [+ strata(s)], data, p.adjust.method, rho)`, i.e.
/// `survdiff` on each two-group subset, `pchisq(chisq, 1, lower.tail = FALSE)`, and `p.adjust`. Group
/// codes without rows are left out of the pairs (R would fail on them).
///
/// # Errors
/// As [`survdiff`].
#[allow(clippy::too_many_arguments)]
pub fn pairwise_survdiff(
    time: &[f64],
    event: &[bool],
    group: &[u32],
    n_groups: usize,
    strata: Option<&[u32]>,
    opts: &LogRankOptions,
    adjust: PAdjust,
) -> Result<Vec<PairwiseLogRank>> {
    let strata = check_inputs(time, event, group, n_groups, strata, opts)?;
    let counts = group_counts(group, n_groups, None);
    let present: Vec<usize> = (0..n_groups).filter(|&g| counts[g] > 0).collect();
    if present.len() < 2 {
        return Err(CoreError::InvalidArgument(
            "there is only 1 group with observations; pairwise tests need at least 2".into(),
        ));
    }
    let pairs: Vec<(usize, usize)> = present
        .iter()
        .enumerate()
        .flat_map(|(i, &a)| present[i + 1..].iter().map(move |&b| (a, b)))
        .collect();
    let stats: Vec<f64> = pairs
        .par_iter()
        .map(|&(a, b)| {
            let rows: Vec<u32> = (0..time.len() as u32)
                .filter(|&r| matches!(group[r as usize] as usize, g if g == a || g == b))
                .collect();
            let s = strata.as_ref().map(|(c, k)| (c.as_ref(), *k));
            test_rows(time, event, group, n_groups, s, Some(&rows), opts).map(|t| t.chisq)
        })
        .collect::<Result<_>>()?;
    let p: Vec<f64> = stats.iter().map(|&x| chisq_sf(x, 1.0)).collect();
    let adj = p_adjust(&p, adjust);
    Ok(pairs
        .iter()
        .zip(stats.iter().zip(p.iter().zip(&adj)))
        .map(
            |(&(a, b), (&chisq, (&p_value, &p_adjusted)))| PairwiseLogRank {
                group_a: a,
                group_b: b,
                chisq,
                p_value,
                p_adjusted,
            },
        )
        .collect())
}

/// Validates the inputs; returns the strata as compact codes 0..k (borrowed when they already are) and k.
fn check_inputs<'a>(
    time: &[f64],
    event: &[bool],
    group: &[u32],
    n_groups: usize,
    strata: Option<&'a [u32]>,
    opts: &LogRankOptions,
) -> Result<Option<(Cow<'a, [u32]>, usize)>> {
    validate(time, event)?;
    validate_codes(group, n_groups, time.len(), "group")?;
    if !opts.rho.is_finite() {
        return Err(CoreError::InvalidArgument(format!(
            "rho must be finite, got {}",
            opts.rho
        )));
    }
    let Some(s) = strata else { return Ok(None) };
    if s.len() != time.len() {
        return Err(CoreError::LengthMismatch {
            what: "strata",
            got: s.len(),
            expected: time.len(),
        });
    }
    // Codes 0..k that all occur (as a factor's) are used as they are; others are compacted (in increasing
    // order) so that any u32 labels work.
    let max = s.iter().copied().max().unwrap_or(0) as usize;
    if max < s.len() {
        let mut seen = vec![false; max + 1];
        s.iter().for_each(|&c| seen[c as usize] = true);
        if seen.iter().all(|&x| x) {
            return Ok(Some((Cow::Borrowed(s), max + 1)));
        }
    }
    let mut levels = s.to_vec();
    levels.sort_unstable();
    levels.dedup();
    let codes = s
        .iter()
        .map(|v| levels.binary_search(v).unwrap_or(0) as u32)
        .collect();
    Ok(Some((Cow::Owned(codes), levels.len())))
}

fn group_counts(group: &[u32], n_groups: usize, rows: Option<&[u32]>) -> Vec<usize> {
    let mut n = vec![0usize; n_groups];
    match rows {
        Some(rs) => rs.iter().for_each(|&r| n[group[r as usize] as usize] += 1),
        None => group.iter().for_each(|&g| n[g as usize] += 1),
    }
    n
}

/// Observed, expected and variance of one stratum: the pass over its rows in time order.
struct Sums {
    obs: Vec<f64>,
    exp: Vec<f64>,
    var: Vec<f64>,
}

fn test_rows(
    time: &[f64],
    event: &[bool],
    group: &[u32],
    n_groups: usize,
    strata: Option<(&[u32], usize)>,
    rows: Option<&[u32]>,
    opts: &LogRankOptions,
) -> Result<LogRank> {
    let g = n_groups;
    // Each sorted row carries its stratum (high bits) and group (low `gbits` bits), so the passes below never
    // index back into the inputs and split the tag with a shift and a mask.
    let gbits = usize::BITS - g.saturating_sub(1).leading_zeros();
    let ordered = match strata {
        Some((codes, k)) => Ordered::new(
            time,
            event,
            rows,
            k << gbits,
            |r| (codes[r] << gbits) | group[r],
            opts.timefix,
        ),
        None => Ordered::new(time, event, rows, g, |r| group[r], opts.timefix),
    };
    let k = strata.map_or(1, |(_, k)| k);
    let parts = match ordered {
        Ordered::Rows(rows) => strata_sums(rows, k, g, gbits, opts.rho),
        Ordered::Counts(counts) => strata_sums(counts, k, g, gbits, opts.rho),
    };
    // Sum the strata in order, so that the result does not depend on the thread count.
    let mut obs = vec![0.0; g];
    let mut exp = vec![0.0; g];
    let mut var = vec![0.0; g * g];
    for s in &parts {
        obs.iter_mut().zip(&s.obs).for_each(|(a, b)| *a += b);
        exp.iter_mut().zip(&s.exp).for_each(|(a, b)| *a += b);
        var.iter_mut().zip(&s.var).for_each(|(a, b)| *a += b);
    }
    let (chisq, df) = chi_square(&obs, &exp, &var, g)?;
    let p_value = if exp.iter().all(|&e| e <= 0.0) {
        f64::NAN
    } else if df == 0 {
        1.0
    } else {
        chisq_sf(chisq, df as f64)
    };
    Ok(LogRank {
        chisq,
        df,
        p_value,
        rho: opts.rho,
        n: group_counts(group, g, rows),
        observed: obs,
        expected: exp,
        variance: var,
    })
}

/// Splits rows in time order by stratum (the high bits of their tag) and sums each stratum in parallel.
fn strata_sums<T: Obs>(sorted: Vec<T>, k: usize, g: usize, gbits: u32, rho: f64) -> Vec<Sums> {
    let mask = (1u32 << gbits) - 1;
    let (sorted, offsets) = if k > 1 {
        partition(&sorted, |tag| (tag >> gbits) as usize, k)
    } else {
        let n = sorted.len();
        (sorted, vec![0, n])
    };
    offsets
        .windows(2)
        .collect::<Vec<_>>()
        .par_iter()
        .map(|w| stratum_sums(&sorted[w[0]..w[1]], g, mask, rho))
        .collect()
}

fn stratum_sums<T: Obs>(rows: &[T], g: usize, mask: u32, rho: f64) -> Sums {
    let mut s = Sums {
        obs: vec![0.0; g],
        exp: vec![0.0; g],
        var: vec![0.0; g * g],
    };
    // Counts are summed as f64 for the arithmetic; they are integers below 2^53, so exact in any grouping.
    let mut risk = vec![0.0f64; g]; // at risk per group
    let mut nrisk = 0.0f64;
    for it in rows {
        let m = (it.events() + it.censored()) as f64;
        risk[(it.tag() & mask) as usize] += m;
        nrisk += m;
    }
    let mut deaths = vec![0.0f64; g];
    let mut leaving = vec![0.0f64; g];
    let mut km = 1.0f64; // pooled KM just before the current time
    let mut i = 0;
    while i < rows.len() {
        let t = rows[i].time();
        let mut d = 0.0;
        let mut left = 0.0;
        while i < rows.len() && rows[i].time() == t {
            let k = (rows[i].tag() & mask) as usize;
            let (e, m) = (
                rows[i].events() as f64,
                (rows[i].events() + rows[i].censored()) as f64,
            );
            leaving[k] += m;
            left += m;
            deaths[k] += e;
            d += e;
            i += 1;
        }
        if d > 0.0 {
            let wt = if rho == 0.0 { 1.0 } else { km.powf(rho) };
            let inv_n = 1.0 / nrisk;
            let e = wt * d * inv_n;
            for k in 0..g {
                s.obs[k] += deaths[k] * wt;
                s.exp[k] += e * risk[k];
            }
            if nrisk > 1.0 {
                // tmp_j = w²·d·n_j·(n − d)/(n(n − 1)); V_jj += tmp_j; V_jk −= tmp_j·n_k/n
                let c = wt * wt * d * (nrisk - d) / (nrisk * (nrisk - 1.0));
                for j in 0..g {
                    if risk[j] == 0.0 {
                        continue;
                    }
                    let tmp = c * risk[j];
                    let row = &mut s.var[j * g..(j + 1) * g];
                    row[j] += tmp;
                    let tn = tmp * inv_n;
                    for (v, r) in row.iter_mut().zip(&risk) {
                        *v -= tn * r;
                    }
                }
            }
            km *= (nrisk - d) * inv_n;
        }
        for k in 0..g {
            risk[k] -= leaving[k];
            leaving[k] = 0.0;
            deaths[k] = 0.0;
        }
        nrisk -= left;
    }
    s
}

/// R's statistic: groups with expected > 0, the first of them dropped, (O − E)ᵀ V⁻¹ (O − E).
fn chi_square(obs: &[f64], exp: &[f64], var: &[f64], g: usize) -> Result<(f64, usize)> {
    let keep: Vec<usize> = (0..g).filter(|&k| exp[k] > 0.0).collect();
    if keep.len() < 2 {
        return Ok((0.0, keep.len().saturating_sub(1)));
    }
    let idx = &keep[1..];
    let m = idx.len();
    let v = DMatrix::from_fn(m, m, |i, j| var[idx[i] * g + idx[j]]);
    let u = DVector::from_fn(m, |i, _| obs[idx[i]] - exp[idx[i]]);
    let lu = v.lu();
    // R's solve() refuses a (computationally) singular matrix; a pivot ratio below machine epsilon stands in
    // for its reciprocal-condition test.
    let piv = lu.u().diagonal().map(f64::abs);
    let singular = piv.max() == 0.0 || piv.min() / piv.max() < f64::EPSILON;
    let x = lu.solve(&u).filter(|x| !singular && x.iter().all(|v| v.is_finite())).ok_or_else(|| {
        CoreError::Numerical(
            "the log-rank variance matrix is singular (e.g. a group whose only time at risk has no variance); \
             R's survdiff stops here too"
                .into(),
        )
    })?;
    Ok((x.dot(&u), m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_group_is_an_error() {
        let e = survdiff(
            &[1.0, 2.0],
            &[true, true],
            &[1, 1],
            2,
            None,
            &LogRankOptions::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("only 1 group"), "{e}");
    }

    /// Two groups, one event time each: hand-computed hypergeometric moments.
    #[test]
    fn two_by_two_by_hand() {
        // t=1: a group-0 event with 2 at risk in each group; t=2: a group-1 event with 1 at risk in each.
        let time = [1.0, 3.0, 1.0, 2.0, 0.5];
        let event = [true, false, false, true, false];
        let group = [0, 0, 1, 1, 1];
        let r = survdiff(&time, &event, &group, 2, None, &LogRankOptions::default()).unwrap();
        // E0 = 1·2/4 + 1·1/2; V00 = 1·(2/4)(2/4)·3/3 + 1·(1/2)(1/2)·1/1 ... with n = 4 then 2
        let e0 = 0.5 + 0.5;
        let v00 = 2.0 * 3.0 / 12.0 * (1.0 - 0.5) + 0.5 * (1.0 - 0.5);
        assert!((r.expected[0] - e0).abs() < 1e-15);
        assert!((r.variance[0] - v00).abs() < 1e-15);
        assert!((r.variance[1] + v00).abs() < 1e-15);
        assert!((r.chisq - (1.0 - e0).powi(2) / v00).abs() < 1e-14);
        // rho = 1: the second time is weighted by S(2-) = 3/4, its variance term by 9/16.
        let r1 = survdiff(
            &time,
            &event,
            &group,
            2,
            None,
            &LogRankOptions {
                rho: 1.0,
                timefix: true,
            },
        )
        .unwrap();
        assert!((r1.expected[0] - (0.5 + 0.75 * 0.5)).abs() < 1e-15);
        assert!((r1.observed[1] - 0.75).abs() < 1e-15);
        assert!((r1.variance[0] - (0.25 + 0.5625 * 0.25)).abs() < 1e-15);
        assert_eq!(r.df, 1);
        assert_eq!(r.n, vec![2, 3]);
    }

    /// Tied data with strata: counting by (time, stratum, group) gives bit-for-bit the sums of the row-by-row
    /// pass, for the log-rank and a G-rho test.
    #[test]
    fn counted_rows_give_identical_sums() {
        use crate::km::{order::sort_by_time, tally::tally_by_time};
        let mut next = crate::test_rng::lcg(5);
        let n = 300_000;
        let time: Vec<f64> = (0..n).map(|_| (next() % 300) as f64 * 0.5).collect();
        let event: Vec<bool> = (0..n).map(|_| !next().is_multiple_of(3)).collect();
        let tag: Vec<u32> = (0..n)
            .map(|_| (((next() % 4) << 2) | (next() % 3)) as u32)
            .collect();
        for rho in [0.0, 1.0] {
            let rows = sort_by_time(&time, &event, None, |r| tag[r], true);
            let counts = tally_by_time(&time, &event, None, 16, |r| tag[r]).unwrap();
            let a = strata_sums(rows, 4, 3, 2, rho);
            let b = strata_sums(counts, 4, 3, 2, rho);
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            for (a, b) in a.iter().zip(&b) {
                assert_eq!(bits(&a.obs), bits(&b.obs));
                assert_eq!(bits(&a.exp), bits(&b.exp));
                assert_eq!(bits(&a.var), bits(&b.var));
            }
        }
    }

    /// R: survdiff(Surv(t, e) ~ g) with t = 1,1,1, e = 1,1,1, g = a,b,c stops in solve() ("exactly
    /// singular"): everyone dies at the only event time, so the variance is zero.
    #[test]
    fn singular_variance_is_an_error_as_in_r() {
        let err = survdiff(
            &[1.0; 3],
            &[true; 3],
            &[0, 1, 2],
            3,
            None,
            &LogRankOptions::default(),
        )
        .unwrap_err();
        assert!(matches!(err, CoreError::Numerical(_)), "{err}");
        // R: t = 1,2,3,4,10, e = 1,0,1,1,1, g = a,b,a,b,c: chisq 3.94 on 2 df (not singular).
        let t = [1.0, 2.0, 3.0, 4.0, 10.0];
        let e = [true, false, true, true, true];
        let r = survdiff(
            &t,
            &e,
            &[0, 1, 0, 1, 2],
            3,
            None,
            &LogRankOptions::default(),
        )
        .unwrap();
        assert_eq!(r.df, 2);
        assert!((r.chisq - 3.94).abs() < 5e-3);
    }
}
