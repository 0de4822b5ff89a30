//! The rows a concordance scores, its options and its result.

pub use super::time_weight::TimeWeight;
use crate::error::{CoreError, Result};
use crate::pvalue::z_for_level;

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

/// Options of [`concordance`](fn@super::concordance::concordance).
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

/// How [`concordance_by`](fn@super::concordance::concordance_by) counts the comparable pairs. Every choice
/// gives the same counts and variance up to rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PairCounting {
    /// Per stratum, `TimeTree` when it has fewer than half as many distinct times as distinct markers, else
    /// `MarkerTree`.
    #[default]
    Auto,
    /// Rows by decreasing time, Fenwick trees over the marker's ranks (the idea of survival's
    /// `concordance3.c`).
    MarkerTree,
    /// Rows by increasing marker, Fenwick trees over two codes per distinct time.
    TimeTree,
    /// Every pair of rows visited, O(n^2): the reference.
    Pairwise,
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
