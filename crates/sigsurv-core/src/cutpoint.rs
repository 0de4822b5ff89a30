//! Data-driven ("optimal") cut-points: the maximally selected log-rank statistic of `maxstat`, with Lausen &
//! Schumacher's (1994) corrected p-value, an optional permutation p-value, and the naive log-rank p-value at the
//! chosen cut (reported for comparison only: it ignores the search and is biased low).

mod naive;
mod permutation;
mod scores;

use rayon::slice::ParallelSliceMut;

use crate::error::{CoreError, Result};
use crate::pvalue::{chisq_sf, normal_two_sided};

/// Options of [`maxstat_logrank`]; the defaults are maxstat's.
#[derive(Debug, Clone, PartialEq)]
pub struct CutpointOptions {
    /// Smallest fraction of observations in the low group (maxstat `minprop`, default 0.1).
    pub min_prop: f64,
    /// Largest fraction of observations in the low group (maxstat `maxprop`, default 0.9).
    pub max_prop: f64,
    /// Number of permutations for [`Cutpoint::p_value_permutation`]; 0 (the default) skips it.
    pub permutations: usize,
    /// Seed of the permutations; the same seed gives the same p-value on any number of threads.
    pub seed: u64,
}

impl Default for CutpointOptions {
    fn default() -> Self {
        CutpointOptions {
            min_prop: 0.1,
            max_prop: 0.9,
            permutations: 0,
            seed: 0,
        }
    }
}

/// The selected cut-point and its statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Cutpoint {
    /// The cut: observations with `score <= cutpoint` form the low group (maxstat's `estimate`).
    pub cutpoint: f64,
    /// The maximal standardised log-rank statistic `M` (maxstat's `statistic`).
    pub statistic: f64,
    /// Lausen & Schumacher (1994) approximation of `P(max > M)`, capped at 1 (see [`lausen94_p`]).
    pub p_value: f64,
    /// `(1 + #{M_b ≥ M}) / (B + 1)` over `B` permutations; `None` when `permutations == 0`.
    pub p_value_permutation: Option<f64>,
    /// Number of observations with `score <= cutpoint`.
    pub n_low: usize,
    /// Number of observations with `score > cutpoint`.
    pub n_high: usize,
    /// survdiff's log-rank chi-square (1 df) of low vs high at the chosen cut.
    pub naive_chisq: f64,
    /// `P(χ²₁ > naive_chisq)`: **biased** (too small), because the cut was chosen to maximise the difference.
    pub naive_p_value: f64,
    /// Every candidate cut with its standardised statistic, in increasing order of the cut (maxstat's `cuts`,
    /// `stats`).
    pub candidates: Vec<(f64, f64)>,
}

/// The maximally selected log-rank statistic over cut-points of a continuous score.
///
/// # Formula
/// Log-rank scores `a_i` (see `cutpoint/scores.rs`: `δ_i` minus the Nelson–Aalen increments up to `t_i`, ties
/// sharing the largest rank as exactRankTests does). Order observations by the score `x` (ties in input order). A
/// candidate cut is each distinct `x` value `c` but the largest; `m = #{x ≤ c}` must satisfy
/// `max(1, ⌊N·min_prop⌋) ≤ m ≤ ⌊N·max_prop⌋`. With `S_m` the sum of `a` over the `m` lowest `x`:
/// ```text
/// E_m = m/N · Σa,   V_m = m(N − m) / (N²(N − 1)) · (N Σa² − (Σa)²),   T_m = |S_m − E_m| / √V_m
/// M = max_m T_m     (the smallest cut attaining it is chosen)
/// p (Lau94) = 2Φ(−M) + (1/π) e^{−M²/2} Σ_j (t_j − (M²/4 − 1) t_j³ / 6),
///             t_j = √(1 − m_j (N − m_{j+1}) / ((N − m_j) m_{j+1}))   over consecutive candidates m_j < m_{j+1}
/// ```
/// The permutation p-value shuffles `a` against `x` (B times, SplitMix64 seeded from `(seed, b)`) and counts
/// `M_b ≥ M` (relative tolerance 1e-10): `(1 + count) / (B + 1)`. The naive p-value is survdiff's log-rank test of
/// `x ≤ c` vs `x > c` (with R's timefix).
///
/// # Reference
/// Lausen B, Schumacher M (1992) Maximally selected rank statistics. Biometrics 48:73–85. Lausen B, Schumacher M
/// (1994) in: Computational Statistics, Physica, 483–496 (the improved Bonferroni bound used here; maxstat's
/// `pLausen94`). Hothorn T, Lausen B (2003) On the exact distribution of maximally selected rank statistics.
/// CSDA 43:121–137. Phipson B, Smyth GK (2010) SAGMB 9:39 (permutation p-values).
///
/// # R equivalent
/// `maxstat.test(Surv(time, event) ~ score, data, smethod = "LogRank", pmethod = "Lau94", minprop = 0.1,
/// maxprop = 0.9)`: `statistic`, `estimate`, `p.value`, `cuts`, `stats`. Naive: `survdiff(Surv(time, event) ~
/// (score > cut))`. Differences from R: (1) `p_value` is capped at 1 (maxstat reports the raw bound, which can
/// exceed 1 for small `M`; [`lausen94_p`] returns it uncapped); (2) `2Φ(−M)` is computed directly rather than as
/// `1 − (Φ(M) − Φ(−M))`, which in R loses all digits once `p < ~1e-13`; (3) R's integer overflow of `m(N − m)` for
/// `N > 46340` does not occur; (4) the permutation p-value is sigsurv's own (maxstat's `condMC` uses R's RNG).
/// With `min_prop = 0` and `max_prop = 1` the largest candidate is dropped, exactly as maxstat does.
///
/// # Errors
/// [`CoreError::LengthMismatch`]; [`CoreError::NonFiniteTime`] / [`CoreError::NegativeTime`] /
/// [`CoreError::NonFinite`] with the row; [`CoreError::InvalidArgument`] for bad proportions, fewer than 2
/// observations, no events, or no candidate cut inside `[min_prop, max_prop]`; [`CoreError::Numerical`] when the
/// log-rank scores are all equal.
///
/// # Examples
/// The best cut of age in R's `ovarian` data (survival 3.5-3, 26 patients):
/// `maxstat.test(Surv(futime, fustat) ~ age, ovarian, smethod = "LogRank", pmethod = "Lau94")` gives the cut
/// 59.6301 years, statistic 3.17522010455283 and p = 0.0192874877525672 (R 4.2 / maxstat 0.7-25,
/// `fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::{maxstat_logrank, CutpointOptions};
/// let futime = [
///     59.0, 115.0, 156.0, 421.0, 431.0, 448.0, 464.0, 475.0, 477.0, 563.0, 638.0, 744.0, 769.0,
///     770.0, 803.0, 855.0, 1040.0, 1106.0, 1129.0, 1206.0, 1227.0, 268.0, 329.0, 353.0, 365.0, 377.0,
/// ];
/// let fustat = [1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0].map(|s| s == 1);
/// let age = [
///     72.3315, 74.4932, 66.4658, 53.3644, 50.3397, 56.4301, 56.9370, 59.8548, 64.1753, 55.1781,
///     56.7562, 50.1096, 59.6301, 57.0521, 39.2712, 43.1233, 38.8932, 44.6000, 53.9068, 44.2055,
///     59.5890, 74.5041, 43.1370, 63.2192, 64.4247, 58.3096,
/// ];
/// let cut = maxstat_logrank(&futime, &fustat, &age, &CutpointOptions::default())?;
/// let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
/// assert_eq!(cut.cutpoint, 59.6301);
/// assert!(close(cut.statistic, 3.17522010455283));
/// assert!(close(cut.p_value, 0.0192874877525672));
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "maxstat.test", alias = "surv_cutpoint")]
pub fn maxstat_logrank(
    time: &[f64],
    event: &[bool],
    score: &[f64],
    opts: &CutpointOptions,
) -> Result<Cutpoint> {
    check_input(time, event, score, opts)?;
    let n = time.len();
    let nf = n as f64;

    let by_time = sorted_order(time);
    let a = scores::logrank_scores(time, event, &by_time);
    let order = sorted_order(score);
    let x: Vec<f64> = order.iter().map(|&i| score[i]).collect();
    let y: Vec<f64> = order.iter().map(|&i| a[i]).collect();

    let ms = candidate_sizes(&x, opts)?;

    let sum: f64 = y.iter().sum();
    let sum_sq: f64 = y.iter().map(|v| v * v).sum();
    let spread = nf * sum_sq - sum * sum;
    if spread.is_nan() || spread <= 0.0 {
        return Err(CoreError::Numerical(
            "the log-rank scores are all equal: no cut-point can be selected".into(),
        ));
    }
    // (m, E_m, sqrt(V_m)), in maxstat's order of operations.
    let cuts: Vec<(usize, f64, f64)> = ms
        .iter()
        .map(|&m| {
            let mf = m as f64;
            let e = mf / nf * sum;
            let v = mf * (nf - mf) / (nf * nf * (nf - 1.0)) * spread;
            (m, e, v.sqrt())
        })
        .collect();

    let mut partial = 0.0;
    let mut done = 0;
    let candidates: Vec<(f64, f64)> = cuts
        .iter()
        .map(|&(m, e, sd)| {
            partial += y[done..m].iter().sum::<f64>();
            done = m;
            (x[m - 1], ((partial - e) / sd).abs())
        })
        .collect();
    let statistic = candidates
        .iter()
        .map(|c| c.1)
        .fold(f64::NEG_INFINITY, f64::max);
    let best = candidates
        .iter()
        .position(|c| c.1 == statistic)
        .expect("at least one candidate");
    let (cutpoint, n_low) = (candidates[best].0, ms[best]);

    let high: Vec<bool> = score.iter().map(|&s| s > cutpoint).collect();
    let naive_chisq = naive::logrank_chisq(time, event, &high, &by_time);
    let p_value_permutation = (opts.permutations > 0)
        .then(|| permutation::permutation_p(&y, &cuts, statistic, opts.permutations, opts.seed));

    Ok(Cutpoint {
        cutpoint,
        statistic,
        p_value: lausen94_p(statistic, n, &ms).clamp(0.0, 1.0),
        p_value_permutation,
        n_low,
        n_high: n - n_low,
        naive_chisq,
        naive_p_value: chisq_sf(naive_chisq, 1.0),
        candidates,
    })
}

/// Lausen & Schumacher's (1994) approximation of `P(max_m |T_m| > b)` over the candidate low-group sizes `m`
/// (increasing), **not** capped at 1.
///
/// # Formula
/// `2Φ(−b) + (1/π) e^{−b²/2} Σ_j (t_j − (b²/4 − 1) t_j³ / 6)`, `t_j = √(1 − m_j (N − m_{j+1}) / ((N − m_j)
/// m_{j+1}))`; with a single candidate the sum is empty.
///
/// # Reference
/// Lausen B, Schumacher M (1994), see [`maxstat_logrank`].
///
/// # R equivalent
/// `maxstat::pLausen94(b, N, m = m)`; R evaluates the first term as `1 − (pnorm(b) − pnorm(−b))`, which cancels
/// for large `b`: this function keeps the tail precision instead.
#[doc(alias = "pLausen94")]
pub fn lausen94_p(b: f64, n: usize, m: &[usize]) -> f64 {
    let nf = n as f64;
    let weight = (-b * b / 2.0).exp() / std::f64::consts::PI;
    let d: f64 = m
        .windows(2)
        .map(|w| {
            let (m1, m2) = (w[0] as f64, w[1] as f64);
            let t = (1.0 - m1 * (nf - m2) / ((nf - m1) * m2)).sqrt();
            weight * (t - (b * b / 4.0 - 1.0) * t.powi(3) / 6.0)
        })
        .sum();
    normal_two_sided(b) + d
}

/// Positions sorted by value ascending, ties in index order (R's stable `order()`). Sorting (value, index) pairs
/// gives a unique order, so the parallel unstable sort is deterministic.
fn sorted_order(v: &[f64]) -> Vec<usize> {
    let mut pairs: Vec<(f64, usize)> = v.iter().copied().zip(0..).collect();
    pairs.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    pairs.into_iter().map(|p| p.1).collect()
}

/// The low-group sizes `m` of the candidate cuts, as maxstat's `cmaxstat` selects them. `x` is sorted.
fn candidate_sizes(x: &[f64], opts: &CutpointOptions) -> Result<Vec<usize>> {
    let n = x.len();
    // m = number of observations below each distinct value (0 for the smallest).
    let all: Vec<usize> = std::iter::once(0)
        .chain((1..n).filter(|&i| x[i] != x[i - 1]))
        .collect();
    let none_inside = || {
        CoreError::InvalidArgument(format!(
            "no cut-point of the score leaves between {} and {} of the {n} observations in the low group \
             (too few distinct score values?)",
            opts.min_prop, opts.max_prop
        ))
    };
    if opts.min_prop == 0.0 && opts.max_prop == 1.0 {
        // maxstat drops the first (m = 0) and the last candidate in this case.
        return if all.len() >= 3 {
            Ok(all[1..all.len() - 1].to_vec())
        } else {
            Err(none_inside())
        };
    }
    let lo = (n as f64 * opts.min_prop).floor() as usize;
    let hi = (n as f64 * opts.max_prop).floor() as usize;
    let ms: Vec<usize> = all
        .into_iter()
        .filter(|&m| m >= lo.max(1) && m <= hi)
        .collect();
    if ms.is_empty() {
        return Err(none_inside());
    }
    Ok(ms)
}

fn check_input(time: &[f64], event: &[bool], score: &[f64], opts: &CutpointOptions) -> Result<()> {
    let n = time.len();
    if event.len() != n {
        return Err(CoreError::LengthMismatch {
            what: "event",
            got: event.len(),
            expected: n,
        });
    }
    if score.len() != n {
        return Err(CoreError::LengthMismatch {
            what: "score",
            got: score.len(),
            expected: n,
        });
    }
    if n == 0 {
        return Err(CoreError::Empty);
    }
    for (row, &t) in time.iter().enumerate() {
        if !t.is_finite() {
            return Err(CoreError::NonFiniteTime { row, value: t });
        }
        if t < 0.0 {
            return Err(CoreError::NegativeTime { row, value: t });
        }
    }
    if let Some(row) = score.iter().position(|v| !v.is_finite()) {
        return Err(CoreError::NonFinite {
            what: "score".into(),
            row,
            value: score[row],
        });
    }
    let (lo, hi) = (opts.min_prop, opts.max_prop);
    if !(0.0..=1.0).contains(&lo) || !(0.0..=1.0).contains(&hi) || lo > hi {
        return Err(CoreError::InvalidArgument(format!(
            "cut-point proportions must satisfy 0 <= min_prop <= max_prop <= 1 (got {lo}, {hi})"
        )));
    }
    if n < 2 {
        return Err(CoreError::InvalidArgument(
            "a cut-point needs at least 2 observations".into(),
        ));
    }
    if !event.iter().any(|&e| e) {
        return Err(CoreError::InvalidArgument(
            "no events: the log-rank statistic is undefined".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lausen94_matches_maxstat() {
        // R: maxstat::pLausen94(2, 100, m = c(10, 20, 50, 80)) = 0.15222337791832063 (maxstat 0.7-25)
        let p = lausen94_p(2.0, 100, &[10, 20, 50, 80]);
        assert!((p / 0.15222337791832063 - 1.0).abs() < 1e-14, "{p}");
        // A single candidate: the plain two-sided normal tail.
        assert_eq!(lausen94_p(2.0, 100, &[50]), normal_two_sided(2.0));
    }

    #[test]
    fn bad_input_is_an_error() {
        let o = CutpointOptions::default();
        let t = [1.0, 2.0, 3.0, 4.0];
        let e = [true, false, true, true];
        let x = [0.1, 0.2, 0.3, 0.4];
        assert!(matches!(
            maxstat_logrank(&t, &e[..3], &x, &o),
            Err(CoreError::LengthMismatch { .. })
        ));
        assert!(matches!(
            maxstat_logrank(&[1.0, -2.0, 3.0, 4.0], &e, &x, &o),
            Err(CoreError::NegativeTime { row: 1, .. })
        ));
        assert!(maxstat_logrank(&t, &[false; 4], &x, &o).is_err());
        assert!(maxstat_logrank(&t, &e, &[1.0; 4], &o).is_err());
        let bad = CutpointOptions {
            min_prop: 0.6,
            max_prop: 0.4,
            ..o.clone()
        };
        assert!(maxstat_logrank(&t, &e, &x, &bad).is_err());
        assert!(maxstat_logrank(&t, &e, &[0.1, f64::NAN, 0.3, 0.4], &o).is_err());
    }
}
