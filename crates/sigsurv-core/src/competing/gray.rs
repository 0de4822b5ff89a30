//! Gray's (1988) test of equal cumulative incidence of one cause between groups, optionally stratified:
//! cmprsk's `cuminc(..., group, strata)$Tests`.

use super::data::{validate_codes, CompetingData};
use crate::error::{CoreError, Result};
use crate::km::order::{Obs, Ordered};
use crate::pvalue::chisq_sf;

/// Gray's test for one cause.
#[derive(Clone, Debug, PartialEq)]
pub struct GrayTest {
    /// The cause code (1-based).
    pub cause: u32,
    /// s' V⁻¹ s; −1 when V is singular, as cmprsk reports it.
    pub statistic: f64,
    /// Degrees of freedom: the number of groups with rows, minus 1.
    pub df: usize,
    /// Upper chi-square tail of the statistic (1 when V is singular).
    pub p_value: f64,
    /// The scores s of the first `df` groups (with rows), summed over strata.
    pub score: Vec<f64>,
    /// Their variance V, `df` × `df`, row-major.
    pub variance: Vec<f64>,
}

/// Gray's test of equal cumulative incidence of each cause between the groups, summed over strata.
///
/// # Formula
/// Per stratum and group g, with S_g(t−) the Kaplan-Meier estimate of no exit and F_g(t−) the cumulative
/// incidence of the cause just before t, R_g = n_g(t) / S_g(t−) and R = Σ_g R_g, the score of group g is
/// ```text
/// s_g = Σ_t w(t) (d_1g(t) − d_1(t) R_g (1 − F_g(t−)) / Σ_h R_h (1 − F_h(t−))),   w(t) = (1 − F(t−))^ρ
/// ```
/// over the times t with an exit by the cause (F the pooled estimate Σ d_1/R). Its variance is Gray's
/// (1988) estimate, with the same tie factors as cmprsk; scores and variances of the first G − 1 groups are
/// summed over strata and the statistic s' V⁻¹ s is chi-square with G − 1 degrees of freedom. V is taken as
/// singular, as by R's `qr()`, when a column's part orthogonal to the columns before it is below 1e-7 of its
/// norm.
///
/// # Reference
/// Gray (1988), "A class of K-sample tests for comparing the cumulative incidence of a competing risk",
/// Ann Stat 16:1141-1154; cmprsk's `crstm.f`.
///
/// # R equivalent
/// `cmprsk::cuminc(time, cause, group, strata, rho = rho, cencode = 0)$Tests`: row k is cause k (`stat`,
/// `pv`, `df`). Groups without rows are left out, as cmprsk does; times are not merged (no `timefix`). The
/// p-value is the upper tail computed directly, where R's `1 - pchisq()` rounds to 0 below about 1e-16.
///
/// # Errors
/// As [`super::aalen_johansen_by`], [`CoreError::CodeOutOfRange`] for a stratum code `>= n_strata`,
/// [`CoreError::InvalidArgument`] for case weights, fewer than two groups with rows, or a non-finite rho.
///
/// # Examples
/// KMsurv's `bmt`, the 38 patients with ALL: relapse (cause 1) or death in remission (cause 2) after a
/// bone-marrow transplant, days; `mtx` is methotrexate (z10). R 4.2 / survival 3.5-3 / cmprsk 2.2-11
/// (`fixtures/doctests/make_reference.R`): Gray's test of relapse between the methotrexate groups, `cuminc(t2, cause, z10)$Tests`,
/// has statistic 1.93294212944478 and p = 0.16443692027116.
/// ```
/// use sigsurv_core::{gray_test, CompetingData};
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
///     0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
///     1, 1, 1, 1,
/// ];
/// let tests = gray_test(&CompetingData::new(&time, &cause, 2), &mtx, 2, None, 0.0)?;
/// assert_eq!(tests[0].df, 1);
/// assert!((tests[0].statistic - 1.93294212944478).abs() <= 1e-9 * 1.93294212944478);
/// assert!((tests[0].p_value - 0.16443692027116).abs() <= 1e-9 * 0.16443692027116);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "cuminc")]
#[doc(alias = "crstm")]
pub fn gray_test(
    data: &CompetingData,
    group: &[u32],
    n_groups: usize,
    strata: Option<(&[u32], usize)>,
    rho: f64,
) -> Result<Vec<GrayTest>> {
    data.validate()?;
    let n = data.time.len();
    validate_codes(group, n_groups, n, "group")?;
    if let Some((s, n_strata)) = strata {
        validate_codes(s, n_strata, n, "stratum")?;
    }
    if data.weight.is_some() {
        return Err(CoreError::InvalidArgument(
            "Gray's test takes no case weights".into(),
        ));
    }
    if !rho.is_finite() {
        return Err(CoreError::InvalidArgument(format!(
            "rho must be finite, got {rho}"
        )));
    }
    // Groups with rows, renumbered 0..ng as cmprsk's factor() does.
    let mut rows_in = vec![0usize; n_groups];
    for &g in group {
        rows_in[g as usize] += 1;
    }
    let mut code = vec![u32::MAX; n_groups];
    let mut ng = 0usize;
    for g in 0..n_groups {
        if rows_in[g] > 0 {
            code[g] = ng as u32;
            ng += 1;
        }
    }
    if ng < 2 {
        return Err(CoreError::InvalidArgument(format!(
            "Gray's test needs at least two groups with rows, got {ng}"
        )));
    }
    let n_strata = strata.map_or(1, |s| s.1);
    let by_stratum = entries_by_stratum(data, group, &code, ng, strata, n_strata);
    Ok((1..=data.n_causes as u32)
        .map(|cause| {
            let m = ng - 1;
            let (mut score, mut variance) = (vec![0.0; m], vec![0.0; m * m]);
            for rows in by_stratum.iter().filter(|r| !r.is_empty()) {
                let (s, v) = stratum_score(rows, cause, ng, rho);
                for i in 0..m {
                    score[i] += s[i];
                    for j in 0..m {
                        variance[i * m + j] += v[i * m + j];
                    }
                }
            }
            let statistic = quadratic_form(&score, &variance, m).unwrap_or(-1.0);
            let p_value = if statistic < 0.0 {
                1.0
            } else {
                chisq_sf(statistic, m as f64)
            };
            GrayTest {
                cause,
                statistic,
                df: m,
                p_value,
                score,
                variance,
            }
        })
        .collect())
}

/// The rows of each stratum in time order as (time, cause, group among those with rows, rows), counted by
/// (time, stratum, group, cause) when times are heavily tied (the Kaplan-Meier tally), else one per row.
/// Times are not merged: cmprsk compares them as they are.
fn entries_by_stratum(
    data: &CompetingData,
    group: &[u32],
    code: &[u32],
    ng: usize,
    strata: Option<(&[u32], usize)>,
    n_strata: usize,
) -> Vec<Vec<(f64, u32, u32, usize)>> {
    let codes = data.n_causes + 1;
    let per_stratum = ng * codes;
    let n_tags = n_strata.saturating_mul(per_stratum);
    let stratum = |r: usize| strata.map_or(0, |s| s.0[r] as usize);
    let mut out = vec![Vec::new(); n_strata];
    if n_tags <= u32::MAX as usize {
        let event: Vec<bool> = data.cause.iter().map(|&c| c != 0).collect();
        let tag = |r: usize| {
            ((stratum(r) * ng + code[group[r] as usize] as usize) * codes + data.cause[r] as usize)
                as u32
        };
        let mut push = |o: &dyn Fn() -> (u32, f64, usize)| {
            let (t, time, rows) = o();
            let t = t as usize;
            let (s, rest) = (t / per_stratum, t % per_stratum);
            out[s].push((time, (rest % codes) as u32, (rest / codes) as u32, rows));
        };
        match Ordered::new(data.time, &event, None, n_tags, tag, false) {
            Ordered::Rows(rows) => rows
                .iter()
                .for_each(|o| push(&|| (o.tag(), o.time(), o.events() + o.censored()))),
            Ordered::Counts(counts) => counts
                .iter()
                .for_each(|o| push(&|| (o.tag(), o.time(), o.events() + o.censored()))),
        }
    } else {
        for i in 0..data.time.len() {
            out[stratum(i)].push((data.time[i], data.cause[i], code[group[i] as usize], 1));
        }
        for rows in out.iter_mut() {
            rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
    }
    out
}

/// s' V⁻¹ s, or `None` when V is singular by R's `qr()` rule (tolerance 1e-7) or not finite.
fn quadratic_form(s: &[f64], v: &[f64], m: usize) -> Option<f64> {
    if v.iter().any(|x| !x.is_finite()) {
        return None;
    }
    // Gram-Schmidt on the columns in order: a column whose remainder is below 1e-7 of its norm is dependent.
    let col = |j: usize| (0..m).map(|i| v[i * m + j]).collect::<Vec<f64>>();
    let norm = |x: &[f64]| x.iter().map(|a| a * a).sum::<f64>().sqrt();
    let mut basis: Vec<Vec<f64>> = Vec::new();
    for j in 0..m {
        let original = col(j);
        let mut r = original.clone();
        for q in &basis {
            let dot: f64 = r.iter().zip(q).map(|(a, b)| a * b).sum();
            r.iter_mut().zip(q).for_each(|(a, b)| *a -= dot * b);
        }
        let (nr, no) = (norm(&r), norm(&original));
        if nr < 1e-7 * no || no == 0.0 || nr.is_nan() {
            return None;
        }
        basis.push(r.iter().map(|a| a / nr).collect());
    }
    let lu = nalgebra::DMatrix::from_row_slice(m, m, v).lu();
    let x = lu.solve(&nalgebra::DVector::from_column_slice(s))?;
    Some(s.iter().zip(x.iter()).map(|(a, b)| a * b).sum())
}

/// Gray's score and variance of the first ng − 1 groups in one stratum (entries (time, cause, group, rows)
/// in time order, groups coded 0..ng).
fn stratum_score(
    rows: &[(f64, u32, u32, usize)],
    cause: u32,
    ng: usize,
    rho: f64,
) -> (Vec<f64>, Vec<f64>) {
    let m = ng - 1;
    let mut at_risk = vec![0usize; ng];
    for r in rows {
        at_risk[r.2 as usize] += r.3;
    }
    let (mut f_before, mut f_after) = (vec![0.0f64; ng], vec![0.0f64; ng]);
    let (mut s_before, mut s_after) = (vec![1.0f64; ng], vec![1.0f64; ng]);
    let mut v3 = vec![0.0f64; ng];
    let mut v2 = vec![0.0f64; m * ng];
    let mut c = vec![0.0f64; ng * ng];
    let mut a = vec![0.0f64; ng * ng];
    let mut score = vec![0.0f64; m];
    let mut v = vec![0.0f64; m * m]; // lower triangle used
    let mut pooled_before = 0.0f64;
    let mut start = 0;
    while start < rows.len() {
        let t = rows[start].0;
        let mut end = start;
        // Exits by the cause (1) and by another cause (2) per group.
        let (mut d1, mut d2) = (vec![0usize; ng], vec![0usize; ng]);
        while end < rows.len() && rows[end].0 == t {
            let (k, g, count) = (rows[end].1, rows[end].2 as usize, rows[end].3);
            if k == cause {
                d1[g] += count;
            } else if k != 0 {
                d2[g] += count;
            }
            end += 1;
        }
        let (nd1, nd2): (usize, usize) = (d1.iter().sum(), d2.iter().sum());
        if nd1 > 0 || nd2 > 0 {
            let (mut tr, mut tq) = (0.0f64, 0.0f64);
            for g in 0..ng {
                if at_risk[g] == 0 {
                    continue;
                }
                let nr = at_risk[g] as f64;
                s_after[g] = s_before[g] * (nr - (d1[g] + d2[g]) as f64) / nr;
                f_after[g] = f_before[g] + (s_before[g] * d1[g] as f64) / nr;
                tr += nr / s_before[g];
                tq += nr * (1.0 - f_before[g]) / s_before[g];
            }
            let pooled = pooled_before + nd1 as f64 / tr;
            let fb = (1.0 - pooled_before).powf(rho);
            let nd1f = nd1 as f64;
            for i in 0..ng {
                for j in i..ng {
                    a[i * ng + j] = 0.0;
                }
                if at_risk[i] == 0 {
                    continue;
                }
                let t1 = at_risk[i] as f64 / s_before[i];
                a[i * ng + i] = fb * t1 * (1.0 - t1 / tr);
                if a[i * ng + i] != 0.0 {
                    c[i * ng + i] += a[i * ng + i] * nd1f / (tr * (1.0 - pooled_before));
                }
                for j in i + 1..ng {
                    if at_risk[j] == 0 {
                        continue;
                    }
                    a[i * ng + j] = -fb * t1 * at_risk[j] as f64 / (s_before[j] * tr);
                    if a[i * ng + j] != 0.0 {
                        c[i * ng + j] += a[i * ng + j] * nd1f / (tr * (1.0 - pooled_before));
                    }
                }
            }
            for i in 1..ng {
                for j in 0..i {
                    a[i * ng + j] = a[j * ng + i];
                    c[i * ng + j] = c[j * ng + i];
                }
            }
            for i in 0..m {
                if at_risk[i] > 0 {
                    let nr = at_risk[i] as f64;
                    score[i] +=
                        fb * (d1[i] as f64 - nd1f * nr * (1.0 - f_before[i]) / (s_before[i] * tq));
                }
            }
            if nd1 > 0 {
                for k in 0..ng {
                    if at_risk[k] == 0 {
                        continue;
                    }
                    let t4 = if s_after[k] > 0.0 {
                        1.0 - (1.0 - pooled) / s_after[k]
                    } else {
                        1.0
                    };
                    let t5 = if nd1 > 1 {
                        1.0 - (nd1f - 1.0) / (tr * s_before[k] - 1.0)
                    } else {
                        1.0
                    };
                    let t3 = t5 * s_before[k] * nd1f / (tr * at_risk[k] as f64);
                    v3[k] += t4 * t4 * t3;
                    for i in 0..m {
                        let t1 = a[i * ng + k] - t4 * c[i * ng + k];
                        v2[i * ng + k] += t1 * t4 * t3;
                        for j in 0..=i {
                            let t2 = a[j * ng + k] - t4 * c[j * ng + k];
                            v[i * m + j] += t1 * t2 * t3;
                        }
                    }
                }
            }
            if nd2 > 0 {
                for k in 0..ng {
                    if !(s_after[k] > 0.0 && d2[k] > 0) {
                        continue;
                    }
                    let t4 = (1.0 - pooled) / s_after[k];
                    let nr = at_risk[k] as f64;
                    let t5 = if d2[k] > 1 {
                        1.0 - (d2[k] as f64 - 1.0) / (nr - 1.0)
                    } else {
                        1.0
                    };
                    let t3 = t5 * ((s_before[k] * s_before[k]) * d2[k] as f64) / (nr * nr);
                    v3[k] += t4 * t4 * t3;
                    for i in 0..m {
                        let t1 = t4 * c[i * ng + k];
                        v2[i * ng + k] -= t1 * t4 * t3;
                        for j in 0..=i {
                            let t2 = t4 * c[j * ng + k];
                            v[i * m + j] += t1 * t2 * t3;
                        }
                    }
                }
            }
            pooled_before = pooled;
        }
        if end >= rows.len() {
            break;
        }
        for r in &rows[start..end] {
            at_risk[r.2 as usize] -= r.3;
        }
        f_before.copy_from_slice(&f_after);
        s_before.copy_from_slice(&s_after);
        start = end;
    }
    for i in 0..m {
        for j in 0..=i {
            let mut x = v[i * m + j];
            for k in 0..ng {
                x += c[i * ng + k] * c[j * ng + k] * v3[k];
                x += c[i * ng + k] * v2[j * ng + k];
                x += c[j * ng + k] * v2[i * ng + k];
            }
            v[i * m + j] = x;
            v[j * m + i] = x;
        }
    }
    (score, v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Heavily tied rows counted by (time, stratum, group, cause) give the scores and variances of the rows
    /// taken one by one.
    #[test]
    fn counted_rows_give_the_scores_of_single_rows() {
        let mut next = crate::test_rng::lcg(5);
        let n = 20_000;
        let time: Vec<f64> = (0..n).map(|_| (next() % 200) as f64).collect();
        let cause: Vec<u32> = (0..n).map(|_| (next() % 3) as u32).collect();
        let group: Vec<u32> = (0..n).map(|_| (next() % 3) as u32).collect();
        let stratum: Vec<u32> = (0..n).map(|_| (next() % 2) as u32).collect();
        let data = CompetingData::new(&time, &cause, 2);
        let code = [0, 1, 2];
        let counted = entries_by_stratum(&data, &group, &code, 3, Some((&stratum, 2)), 2);
        assert!(counted[0].len() < n / 4, "the rows were counted");
        for s in 0..2u32 {
            let mut single: Vec<(f64, u32, u32, usize)> = (0..n)
                .filter(|&i| stratum[i] == s)
                .map(|i| (time[i], cause[i], group[i], 1))
                .collect();
            single.sort_by(|a, b| a.0.total_cmp(&b.0));
            for k in 1..=2 {
                let (a, va) = stratum_score(&counted[s as usize], k, 3, 0.0);
                let (b, vb) = stratum_score(&single, k, 3, 0.0);
                for (x, y) in a.iter().chain(&va).zip(b.iter().chain(&vb)) {
                    assert!(
                        (x - y).abs() <= 1e-10 * x.abs().max(y.abs()).max(1.0),
                        "{x} vs {y}"
                    );
                }
            }
        }
    }
}
