//! A Kaplan-Meier curve: the estimate at every distinct time, with its counts and confidence limits.

use super::limits::ConfLower;
use super::options::KmOptions;
use crate::confint::ConfType;

/// A Kaplan-Meier curve: one row at every distinct time with an event or a censoring (as
/// `summary(fit, censored = TRUE)`).
#[derive(Clone, Debug)]
pub struct KmCurve {
    /// Number of observations (R's `n`), unweighted.
    pub n: usize,
    /// Total number of events (rows), unweighted.
    pub n_events: usize,
    /// Distinct times, increasing.
    pub time: Vec<f64>,
    /// Number of rows at risk at each time: exit time ≥ t (and entry time < t with delayed entry).
    pub n_risk: Vec<usize>,
    /// Rows with an event at each time.
    pub n_event: Vec<usize>,
    /// Rows censored at each time.
    pub n_censor: Vec<usize>,
    /// The same counts summed over case weights, which the estimate uses (R's `n.risk`, `n.event`,
    /// `n.censor` of a weighted fit; the unweighted ones above are then R's `counts`); `None` without weights.
    pub weighted: Option<WeightedCounts>,
    /// Whether `std_err` is the robust (infinitesimal jackknife) standard error rather than Greenwood's.
    pub robust: bool,
    /// Where the restricted mean starts: R's `t0 = min(0, entry times)` (0 without delayed entry).
    pub start_time: f64,
    /// S(t), the product-limit estimate, right-continuous.
    pub surv: Vec<f64>,
    /// Standard error of S(t) (Greenwood), as `summary.survfit` reports it: `surv · log_se`. NaN where
    /// S = 0 after every remaining subject died (R: `0 · Inf`). With `robust`, the robust standard error of S.
    pub std_err: Vec<f64>,
    /// survfit's own `std.err`: the Greenwood standard error of −log S(t) (infinite once S = 0). With
    /// `robust`, `std_err / surv` (0 where `std_err` is 0), as survfit_confint converts it.
    pub log_se: Vec<f64>,
    /// Lower pointwise confidence limit of S(t); `None` where R gives NA (or for `ConfType::None`).
    pub lower: Vec<Option<f64>>,
    /// Upper pointwise confidence limit of S(t); `None` where R gives NA.
    pub upper: Vec<Option<f64>>,
    /// Nelson-Aalen cumulative hazard Σ d/n (R's `cumhaz`, `ctype = 1`).
    pub cumhaz: Vec<f64>,
    /// Its standard error sqrt(Σ d/n²) (R's `std.chaz`; robust with `robust`).
    pub cumhaz_se: Vec<f64>,
    /// The transform used for `lower`/`upper`.
    pub conf_type: ConfType,
    /// The confidence level used for `lower`/`upper`.
    pub conf_level: f64,
    /// The standard error used for `lower`.
    pub conf_lower: ConfLower,
}

/// Counts of a curve summed over case weights, one per time (see [`KmCurve::weighted`]).
#[derive(Clone, Debug, Default)]
pub struct WeightedCounts {
    /// Weight at risk at each time (R's `n.risk`).
    pub n_risk: Vec<f64>,
    /// Weight of the events at each time (R's `n.event`).
    pub n_event: Vec<f64>,
    /// Weight of the censorings at each time (R's `n.censor`).
    pub n_censor: Vec<f64>,
    /// Total weight of the events (R's `events` in `print(fit)`).
    pub n_events: f64,
}

impl KmCurve {
    /// The number at risk the estimate used at row `i`: the weighted one with case weights.
    pub fn risk(&self, i: usize) -> f64 {
        match &self.weighted {
            Some(w) => w.n_risk[i],
            None => self.n_risk[i] as f64,
        }
    }

    /// The events the estimate used at row `i`: their weight with case weights.
    pub fn events_at(&self, i: usize) -> f64 {
        match &self.weighted {
            Some(w) => w.n_event[i],
            None => self.n_event[i] as f64,
        }
    }

    /// Total events as R's `print(fit)` reports them (their weight with case weights).
    pub fn total_events(&self) -> f64 {
        match &self.weighted {
            Some(w) => w.n_events,
            None => self.n_events as f64,
        }
    }
}

impl KmCurve {
    pub(super) fn empty(opts: &KmOptions) -> KmCurve {
        KmCurve::with_capacity(0, opts)
    }

    pub(super) fn with_capacity(k: usize, opts: &KmOptions) -> KmCurve {
        KmCurve {
            n: 0,
            n_events: 0,
            time: Vec::with_capacity(k),
            n_risk: Vec::with_capacity(k),
            n_event: Vec::with_capacity(k),
            n_censor: Vec::with_capacity(k),
            weighted: None,
            robust: false,
            start_time: 0.0,
            surv: Vec::with_capacity(k),
            std_err: Vec::with_capacity(k),
            log_se: Vec::with_capacity(k),
            lower: Vec::with_capacity(k),
            upper: Vec::with_capacity(k),
            cumhaz: Vec::with_capacity(k),
            cumhaz_se: Vec::with_capacity(k),
            conf_type: opts.conf_type,
            conf_level: opts.conf_level,
            conf_lower: opts.conf_lower,
        }
    }
}
