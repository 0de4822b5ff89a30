//! Harrell's and Uno's concordance of a risk marker with a censored outcome, with the infinitesimal-jackknife
//! variance, as R's `survival::concordance`.

use super::censoring_weights::event_time_weights;
use super::concordance_pairwise::tally_pairwise;
use super::concordance_tree::tally_tree;
pub use super::time_weight::TimeWeight;
use crate::error::{CoreError, Result};
use crate::pvalue::z_for_level;
use crate::timefix::timefix;

/// The rows scored: outcome, marker, and optional case weights and strata (pairs are formed within a stratum).
#[derive(Clone, Copy, Debug)]
pub struct ConcordanceData<'a> {
    pub time: &'a [f64],
    pub event: &'a [bool],
    /// The risk marker, e.g. a Cox linear predictor.
    pub marker: &'a [f64],
    /// Case weights (finite, >= 0); `None` is weight 1.
    pub weight: Option<&'a [f64]>,
    /// Stratum codes; `None` is one stratum.
    pub strata: Option<&'a [u32]>,
}

impl<'a> ConcordanceData<'a> {
    /// Unweighted, unstratified rows.
    pub fn new(time: &'a [f64], event: &'a [bool], marker: &'a [f64]) -> ConcordanceData<'a> {
        ConcordanceData {
            time,
            event,
            marker,
            weight: None,
            strata: None,
        }
    }
}

/// Options of [`concordance`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConcordanceOptions {
    pub time_weight: TimeWeight,
    /// Pairs whose earlier time is an event after `tau` get weight 0 (R's `ymax`); `None` keeps all.
    pub tau: Option<f64>,
    /// `true` (the default): a larger marker predicts an earlier event, as a Cox linear predictor (R's
    /// `reverse = TRUE`). `false`: a larger marker predicts longer survival (R's default).
    pub higher_is_riskier: bool,
    /// Merge times that differ by floating-point noise first, as R's `timefix = TRUE` (the default).
    pub timefix: bool,
}

impl Default for ConcordanceOptions {
    fn default() -> Self {
        ConcordanceOptions {
            time_weight: TimeWeight::Harrell,
            tau: None,
            higher_is_riskier: true,
            timefix: true,
        }
    }
}

/// The concordance, its variance and the weighted pair counts, as R's `concordance()` object.
#[derive(Clone, Debug, PartialEq)]
pub struct Concordance {
    /// C = (concordant + tied_x / 2) / (concordant + discordant + tied_x). R: `fit$concordance`.
    pub c: f64,
    /// Infinitesimal-jackknife variance of C. R: `fit$var`.
    pub var: f64,
    /// Pairs ordered as the marker predicts (weighted by case and time weights). R: `fit$count`.
    pub concordant: f64,
    pub discordant: f64,
    /// Comparable pairs with equal markers (each counts 1/2 in C).
    pub tied_x: f64,
    /// Pairs of events at the same time with different markers (not comparable).
    pub tied_y: f64,
    /// Pairs of events at the same time with equal markers (not comparable).
    pub tied_xy: f64,
    /// Rows used. R: `fit$n`.
    pub n: usize,
    pub time_weight: TimeWeight,
    pub tau: Option<f64>,
}

impl Concordance {
    /// Standard error, `sqrt(var)`.
    pub fn se(&self) -> f64 {
        self.var.sqrt()
    }

    /// Normal (Wald) confidence limits `c -/+ z se` at `level` (e.g. 0.95).
    ///
    /// # Errors
    /// [`CoreError::InvalidArgument`] for a level outside (0, 1).
    pub fn conf_int(&self, level: f64) -> Result<(f64, f64)> {
        if !(level > 0.0 && level < 1.0) {
            return Err(CoreError::InvalidArgument(format!(
                "confidence level {level} is not between 0 and 1"
            )));
        }
        let half = z_for_level(level) * self.se();
        Ok((self.c - half, self.c + half))
    }
}

/// Harrell's or Uno's concordance of `marker` with the outcome, with the infinitesimal-jackknife variance;
/// O(n log n) (a sort, then one pass with two Fenwick trees over the marker's ranks).
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
/// [`CoreError::Empty`], [`CoreError::LengthMismatch`], [`CoreError::NonFiniteTime`] and
/// [`CoreError::NonFinite`] (marker) with the first bad row, [`CoreError::InvalidWeight`],
/// [`CoreError::InvalidArgument`] for a NaN `tau`, [`CoreError::NoComparablePairs`] when no pair has weight,
/// [`CoreError::Numerical`] when Uno's weight is infinite (G(t-) = 0 at an event time: zero weights).
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
    let prepared = Prepared::new(data, opts)?;
    let tally = prepared.tally(tally_tree);
    tally.finish(&prepared, opts)
}

/// The same as [`concordance`], by the definition: every pair of rows is visited (O(n^2)). The readable
/// reference the fast path is tested against; use [`concordance`].
///
/// # Errors
/// As [`concordance`].
pub fn concordance_pairwise(
    data: &ConcordanceData,
    opts: &ConcordanceOptions,
) -> Result<Concordance> {
    let prepared = Prepared::new(data, opts)?;
    let tally = prepared.tally(tally_pairwise);
    tally.finish(&prepared, opts)
}

/// The rows checked, with merged times, marker ranks, weights, and per-row time weights of event rows.
pub(crate) struct Prepared {
    pub(crate) time: Vec<f64>,
    pub(crate) event: Vec<bool>,
    /// Rank of each marker among the distinct markers (0-based).
    pub(crate) rank: Vec<usize>,
    pub(crate) n_ranks: usize,
    pub(crate) weight: Vec<f64>,
    /// v(t_i) for an event row i, 0 for a censored row.
    pub(crate) time_weight: Vec<f64>,
    /// Row indices of each stratum, by decreasing time, censored before events at a tied time, then by rank.
    pub(crate) strata: Vec<Vec<usize>>,
}

impl Prepared {
    fn new(data: &ConcordanceData, opts: &ConcordanceOptions) -> Result<Prepared> {
        let n = data.time.len();
        if n == 0 {
            return Err(CoreError::Empty);
        }
        let check_len = |what: &'static str, got: usize| {
            if got == n {
                Ok(())
            } else {
                Err(CoreError::LengthMismatch {
                    what,
                    got,
                    expected: n,
                })
            }
        };
        check_len("event", data.event.len())?;
        check_len("marker", data.marker.len())?;
        if let Some(w) = data.weight {
            check_len("weight", w.len())?;
        }
        if let Some(s) = data.strata {
            check_len("strata", s.len())?;
        }
        if let Some(tau) = opts.tau {
            if tau.is_nan() {
                return Err(CoreError::InvalidArgument("tau is NaN".into()));
            }
        }
        for (row, &t) in data.time.iter().enumerate() {
            if !t.is_finite() {
                return Err(CoreError::NonFiniteTime { row, value: t });
            }
        }
        for (row, &x) in data.marker.iter().enumerate() {
            if !x.is_finite() {
                return Err(CoreError::NonFinite {
                    what: "marker".into(),
                    row,
                    value: x,
                });
            }
        }
        let weight = match data.weight {
            Some(w) => {
                if let Some((row, &value)) = w
                    .iter()
                    .enumerate()
                    .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
                {
                    return Err(CoreError::InvalidWeight { row, value });
                }
                w.to_vec()
            }
            None => vec![1.0; n],
        };
        let time = if opts.timefix {
            timefix(data.time)
        } else {
            data.time.to_vec()
        };
        let (rank, n_ranks) = marker_ranks(data.marker);
        let stratum = |i: usize| data.strata.map_or(0, |s| s[i]);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_unstable_by(|&a, &b| {
            stratum(a)
                .cmp(&stratum(b))
                .then(time[b].total_cmp(&time[a]))
                .then(data.event[a].cmp(&data.event[b]))
                .then(rank[a].cmp(&rank[b]))
        });
        let strata: Vec<Vec<usize>> = order
            .chunk_by(|&a, &b| stratum(a) == stratum(b))
            .map(<[usize]>::to_vec)
            .collect();
        let mut time_weight = vec![0.0; n];
        for rows in &strata {
            event_time_weights(
                rows,
                &time,
                data.event,
                &weight,
                opts.time_weight,
                opts.tau,
                &mut time_weight,
            );
        }
        if time_weight.iter().any(|v| !v.is_finite()) {
            // Only rows of weight 0 after a censoring time make G(t-) = 0 at an event time (R stops too).
            return Err(CoreError::Numerical(
                "the censoring distribution is 0 before an event time (every later row has weight 0): \
                 Uno's weights are infinite"
                    .into(),
            ));
        }
        Ok(Prepared {
            time,
            event: data.event.to_vec(),
            rank,
            n_ranks,
            weight,
            time_weight,
            strata,
        })
    }

    fn tally(&self, count: fn(&Prepared, &[usize], &mut PairTally)) -> PairTally {
        let mut tally = PairTally::new(self.time.len());
        for rows in &self.strata {
            count(self, rows, &mut tally);
        }
        tally
    }
}

/// Ranks of the distinct marker values (equal values, `-0.0` and `0.0` included, share a rank).
fn marker_ranks(marker: &[f64]) -> (Vec<usize>, usize) {
    let mut order: Vec<usize> = (0..marker.len()).collect();
    order.sort_unstable_by(|&a, &b| marker[a].total_cmp(&marker[b]));
    let mut rank = vec![0; marker.len()];
    let mut r = 0;
    for (k, &i) in order.iter().enumerate() {
        if k > 0 && marker[i] != marker[order[k - 1]] {
            r += 1;
        }
        rank[i] = r;
    }
    (rank, r + 1)
}

/// Weighted pair counts and, per row, the weight of the concordant, discordant and tied_x pairs it is in, in
/// R's orientation (a pair is concordant when the later time has the larger marker).
pub(crate) struct PairTally {
    pub(crate) concordant: f64,
    pub(crate) discordant: f64,
    pub(crate) tied_x: f64,
    /// All pairs of events at one time, equal markers included.
    pub(crate) tied_y_all: f64,
    pub(crate) tied_xy: f64,
    pub(crate) influence: Vec<[f64; 3]>,
}

impl PairTally {
    fn new(n: usize) -> PairTally {
        PairTally {
            concordant: 0.0,
            discordant: 0.0,
            tied_x: 0.0,
            tied_y_all: 0.0,
            tied_xy: 0.0,
            influence: vec![[0.0; 3]; n],
        }
    }

    fn finish(&self, p: &Prepared, opts: &ConcordanceOptions) -> Result<Concordance> {
        let npair = self.concordant + self.discordant + self.tied_x;
        if !npair.is_finite() {
            // Only a zero-weight risk set makes G(t-) = 0 at an event time.
            return Err(CoreError::Numerical(
                "the censoring distribution is 0 before an event time: Uno's weights are infinite"
                    .into(),
            ));
        }
        if npair <= 0.0 {
            return Err(CoreError::NoComparablePairs);
        }
        let somers_d = (self.concordant - self.discordant) / npair;
        let sum_sq: f64 = self
            .influence
            .iter()
            .zip(&p.weight)
            .map(|(inf, w)| {
                let dfbeta =
                    w * ((inf[0] - inf[1]) / npair - somers_d / npair * (inf[0] + inf[1] + inf[2]));
                dfbeta * dfbeta
            })
            .sum();
        let c = (somers_d + 1.0) / 2.0;
        let (c, concordant, discordant) = if opts.higher_is_riskier {
            (1.0 - c, self.discordant, self.concordant)
        } else {
            (c, self.concordant, self.discordant)
        };
        Ok(Concordance {
            c,
            var: sum_sq / 4.0,
            concordant,
            discordant,
            tied_x: self.tied_x,
            tied_y: self.tied_y_all - self.tied_xy,
            tied_xy: self.tied_xy,
            n: p.time.len(),
            time_weight: opts.time_weight,
            tau: opts.tau,
        })
    }
}
