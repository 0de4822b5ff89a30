//! Harrell's and Uno's concordance of a risk marker with a censored outcome, with the infinitesimal-jackknife
//! variance, as R's `survival::concordance`.

use super::concordance_pairwise::tally_pairwise;
use super::concordance_sweep::tally_sweep;
use super::concordance_tally::{PairTally, Prepared};
use super::concordance_tree::tally_tree;
pub use super::concordance_types::{
    Concordance, ConcordanceData, ConcordanceOptions, PairCounting, TimeWeight,
};
use crate::error::Result;
use rayon::prelude::*;

/// Harrell's or Uno's concordance of `marker` with the outcome, with the infinitesimal-jackknife variance;
/// O(n log n): a sort, then one pass with two Fenwick trees, over the distinct times when a stratum has fewer
/// of them than distinct markers (times in days), else over the marker's ranks (see [`PairCounting`]).
///
/// # Formula
/// A pair (i, j) is comparable when i has an event at t_i and j is still at risk after it: t_j > t_i, or
/// t_j = t_i with j censored (a censoring at an event time counts as later). Pairs of events at the same time
/// are not comparable (they are the `tied_y` / `tied_xy` counts). Each comparable pair has weight
/// w_i w_j v(t_i), with v = 1 (Harrell) or v = 1 / G(t_i-)^2 (Uno), G the Kaplan-Meier of the censoring
/// with censorings counted after events at the same time, and v = 0 for t_i > tau. The pair is concordant
/// when the earlier event has the larger marker (with `higher_is_riskier`), tied_x when the markers are equal.
/// With the Somers' d = (concordant - discordant) / npair, npair = concordant + discordant + tied_x:
/// C = (d + 1) / 2. The variance is the infinitesimal jackknife: with I_k(i) the weight of the pairs of kind
/// k (concordant, discordant, tied_x) that row i is part of (without its own weight),
/// dfbeta_i = w_i [(I_c(i) - I_d(i)) / npair - d (I_c(i) + I_d(i) + I_t(i)) / npair] and
/// var(C) = sum_i dfbeta_i^2 / 4 (G is held fixed). With strata, pairs are formed within a stratum and the
/// counts and dfbeta are summed over strata. A stratum with fewer than two events uses v = 1, as R does.
///
/// # Reference
/// Harrell et al. (1982), JAMA 247:2543-2546; Uno et al. (2011), Stat Med 30:1105-1117; Therneau & Atkinson,
/// "The concordance statistic" (survival vignette); survival's `R/concordance.R`, `src/concordance3.c`,
/// `src/fastkm.c`. [`concordance_pairwise`] is the O(n^2) reference implementation.
///
/// # R equivalent
/// `concordance(Surv(time, event) ~ marker, reverse = TRUE, timewt = "n" | "n/G2", ymax = tau, weights =,
/// ~ marker + strata(s))`: `c` is `fit$concordance`, `var` is `fit$var`, the counts are `fit$count` (summed
/// over strata). scikit-survival's `concordance_index_ipcw` reads G right-continuously at T_i, which differs
/// when an event and a censoring share a time.
///
/// # Errors
/// [`CoreError::Empty`](crate::error::CoreError::Empty), [`CoreError::LengthMismatch`](crate::error::CoreError::LengthMismatch), [`CoreError::NonFiniteTime`](crate::error::CoreError::NonFiniteTime) and
/// [`CoreError::NonFinite`](crate::error::CoreError::NonFinite) (marker) with the first bad row, [`CoreError::InvalidWeight`](crate::error::CoreError::InvalidWeight),
/// [`CoreError::InvalidArgument`](crate::error::CoreError::InvalidArgument) for a NaN `tau`, [`CoreError::NoComparablePairs`](crate::error::CoreError::NoComparablePairs) when no pair has weight,
/// [`CoreError::Numerical`](crate::error::CoreError::Numerical) when Uno's weight is infinite (G(t-) = 0 at an event time: zero weights).
///
/// # Examples
/// R's `aml` data (survival 3.5-3): `concordance(Surv(time, status) ~ x, reverse = TRUE)` with x = 1 for
/// "Nonmaintained" gives C = 0.619047619047619, var = 0.00399234372509397; Uno's (`timewt = "n/G2",
/// ymax = 40`) gives 0.600897763095369, var 0.00427733120422609 (R 4.2, `fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::{concordance, ConcordanceData, ConcordanceOptions, TimeWeight};
/// let time = [
///     9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0, // maintained
///     5.0, 5.0, 8.0, 8.0, 12.0, 16.0, 23.0, 27.0, 30.0, 33.0, 43.0, 45.0, // not maintained
/// ];
/// let status = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1].map(|s| s == 1);
/// let x: Vec<f64> = (0..23).map(|i| if i < 11 { 0.0 } else { 1.0 }).collect();
/// let data = ConcordanceData::new(&time, &status, &x);
/// let harrell = concordance(&data, &ConcordanceOptions::default())?;
/// assert!((harrell.c - 0.619047619047619).abs() < 1e-12);
/// assert!((harrell.var - 0.00399234372509397).abs() < 1e-15);
/// let opts = ConcordanceOptions { time_weight: TimeWeight::Uno, tau: Some(40.0), ..Default::default() };
/// let uno = concordance(&data, &opts)?;
/// assert!((uno.c - 0.600897763095369).abs() < 1e-12);
/// assert!((uno.var - 0.00427733120422609).abs() < 1e-15);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(alias = "concordancefit")]
pub fn concordance(data: &ConcordanceData, opts: &ConcordanceOptions) -> Result<Concordance> {
    concordance_by(data, opts, PairCounting::Auto)
}

/// [`concordance`] under several option sets on the same rows (e.g. Harrell's and Uno's C): the rows are
/// checked and sorted once per `timefix` setting and the option sets counted in parallel. The results are
/// in the order of `opts`; the first error stops.
///
/// # Errors
/// As [`concordance`].
pub fn concordances(
    data: &ConcordanceData,
    opts: &[ConcordanceOptions],
) -> Result<Vec<Concordance>> {
    let mut out: Vec<Option<Concordance>> = vec![None; opts.len()];
    for timefix in [true, false] {
        let which: Vec<usize> = (0..opts.len())
            .filter(|&k| opts[k].timefix == timefix)
            .collect();
        if which.is_empty() {
            continue;
        }
        let group: Vec<ConcordanceOptions> = which.iter().map(|&k| opts[k]).collect();
        let prepared = Prepared::new(data, &group)?;
        let fits: Vec<Result<Concordance>> = group
            .par_iter()
            .map(|o| count(&prepared, o, PairCounting::Auto))
            .collect();
        for (k, fit) in which.into_iter().zip(fits) {
            out[k] = Some(fit?);
        }
    }
    Ok(out.into_iter().flatten().collect())
}

/// [`concordance`] with the pairs counted as `counting` says: every choice gives the same counts and
/// variance up to rounding. For tests and benchmarks; use [`concordance`].
///
/// # Errors
/// As [`concordance`].
pub fn concordance_by(
    data: &ConcordanceData,
    opts: &ConcordanceOptions,
    counting: PairCounting,
) -> Result<Concordance> {
    let prepared = Prepared::new(data, std::slice::from_ref(opts))?;
    count(&prepared, opts, counting)
}

/// The same as [`concordance`], by the definition: every pair of rows is visited (O(n^2)). The readable
/// reference the fast paths are tested against; use [`concordance`].
///
/// # Errors
/// As [`concordance`].
pub fn concordance_pairwise(
    data: &ConcordanceData,
    opts: &ConcordanceOptions,
) -> Result<Concordance> {
    concordance_by(data, opts, PairCounting::Pairwise)
}

fn count(
    prepared: &Prepared,
    opts: &ConcordanceOptions,
    counting: PairCounting,
) -> Result<Concordance> {
    let v = prepared.time_weights(opts)?;
    let tally = prepared.tally(
        match counting {
            PairCounting::Auto => tally_auto,
            PairCounting::MarkerTree => tally_tree,
            PairCounting::TimeTree => tally_sweep,
            PairCounting::Pairwise => tally_pairwise,
        },
        &v,
    );
    tally.finish(prepared, opts)
}

/// The tree over time codes (two per distinct time) when it is smaller than the tree over marker ranks.
fn tally_auto(p: &Prepared, v: &[f64], stratum: usize, tally: &mut PairTally) {
    if p.n_codes[stratum] < p.strata[stratum].len().min(p.n_ranks) {
        tally_sweep(p, v, stratum, tally);
    } else {
        tally_tree(p, v, stratum, tally);
    }
}
