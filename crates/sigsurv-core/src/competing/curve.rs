//! The result of the Aalen-Johansen estimator: cumulative incidence curves of every cause and the event-free
//! probability, with standard errors and pointwise confidence limits, and its options.

use crate::confint::{surv_confint, ConfType};
use crate::error::{CoreError, Result};

/// Options of [`super::aalen_johansen()`] and [`super::aalen_johansen_by`].
#[derive(Clone, Debug)]
pub struct CifOptions {
    /// Transform for the pointwise confidence limits (R's `conf.type`; default log). survfit applies it to
    /// each probability itself, the cumulative incidence as well as the event-free probability.
    pub conf_type: ConfType,
    /// Confidence level in (0, 1) (R's `conf.int`; default 0.95).
    pub conf_level: f64,
    /// Merge times that differ by floating-point noise first, as R's `timefix = TRUE` (default true).
    pub timefix: bool,
}

impl Default for CifOptions {
    fn default() -> Self {
        CifOptions {
            conf_type: ConfType::Log,
            conf_level: 0.95,
            timefix: true,
        }
    }
}

impl CifOptions {
    pub(crate) fn check(&self) -> Result<()> {
        if !(self.conf_level > 0.0 && self.conf_level < 1.0) {
            return Err(CoreError::InvalidArgument(format!(
                "confidence level must be in (0, 1), got {}",
                self.conf_level
            )));
        }
        Ok(())
    }
}

/// A probability over time (one state of the multi-state curve) with its standard error and pointwise
/// confidence limits.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateProbability {
    /// The estimate (R's `pstate` column).
    pub estimate: Vec<f64>,
    /// Its infinitesimal-jackknife standard error (R's `std.err` column).
    pub std_err: Vec<f64>,
    /// Lower confidence limit; `None` where R gives NA (a zero probability on the log scale, 0 or 1 on the
    /// log-log scale, or `ConfType::None`).
    pub lower: Vec<Option<f64>>,
    /// Upper confidence limit; `None` where R gives NA.
    pub upper: Vec<Option<f64>>,
}

impl StateProbability {
    fn with_capacity(k: usize) -> StateProbability {
        StateProbability {
            estimate: Vec::with_capacity(k),
            std_err: Vec::with_capacity(k),
            lower: Vec::with_capacity(k),
            upper: Vec::with_capacity(k),
        }
    }

    /// Appends one time: the estimate, its standard error and the limits R's `survfit_confint(p, se,
    /// logse = FALSE)` gives (the standard error of log p is se/p, 0 where se is 0).
    pub(crate) fn push(&mut self, p: f64, se: f64, z: f64, conf_type: ConfType) {
        let log_se = if se == 0.0 { 0.0 } else { se / p };
        let (lo, hi) = surv_confint(p, log_se, z, conf_type);
        self.estimate.push(p);
        self.std_err.push(se);
        self.lower.push(lo);
        self.upper.push(hi);
    }

    /// Appends a row with R's limits of the row survfit0 adds before the first time: both 0.
    pub(crate) fn push_start(&mut self, p: f64, conf_type: ConfType) {
        let limit = (conf_type != ConfType::None).then_some(0.0);
        self.estimate.push(p);
        self.std_err.push(0.0);
        self.lower.push(limit);
        self.upper.push(limit);
    }

    /// Appends row `i` of another probability.
    pub(crate) fn push_row_of(&mut self, other: &StateProbability, i: usize) {
        self.estimate.push(other.estimate[i]);
        self.std_err.push(other.std_err[i]);
        self.lower.push(other.lower[i]);
        self.upper.push(other.upper[i]);
    }
}

/// The cumulative incidence of one cause.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CauseIncidence {
    /// Rows that exit by this cause at each time (R's `n.event` column; unweighted, as R counts).
    pub n_event: Vec<usize>,
    /// All rows that exit by this cause.
    pub n_events: usize,
    /// The cumulative incidence F_k(t), its standard error and confidence limits.
    pub incidence: StateProbability,
}

/// Aalen-Johansen curves of one group: a row at every distinct time with an exit (by any cause or censored),
/// as survfit lists them.
#[derive(Clone, Debug, PartialEq)]
pub struct CifCurve {
    /// Number of rows.
    pub n: usize,
    /// Distinct times, increasing.
    pub time: Vec<f64>,
    /// Rows at risk (exit time ≥ t), unweighted as R's `n.risk` of the state `(s0)`.
    pub n_risk: Vec<usize>,
    /// Rows censored at each time (R's `n.censor`).
    pub n_censor: Vec<usize>,
    /// The probability of no exit yet, S(t) (R's state `"(s0)"`): the Kaplan-Meier estimate with every cause
    /// an event.
    pub event_free: StateProbability,
    /// The cumulative incidence of each cause, in the order of the cause codes 1, 2, ...
    pub causes: Vec<CauseIncidence>,
    /// The transform used for the limits.
    pub conf_type: ConfType,
    /// The confidence level used for the limits.
    pub conf_level: f64,
}

impl CifCurve {
    pub(crate) fn with_capacity(k: usize, n_causes: usize, opts: &CifOptions) -> CifCurve {
        CifCurve {
            n: 0,
            time: Vec::with_capacity(k),
            n_risk: Vec::with_capacity(k),
            n_censor: Vec::with_capacity(k),
            event_free: StateProbability::with_capacity(k),
            causes: (0..n_causes)
                .map(|_| CauseIncidence {
                    n_event: Vec::with_capacity(k),
                    n_events: 0,
                    incidence: StateProbability::with_capacity(k),
                })
                .collect(),
            conf_type: opts.conf_type,
            conf_level: opts.conf_level,
        }
    }
}
