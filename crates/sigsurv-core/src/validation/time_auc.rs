//! The time-dependent AUC at one prediction time, as the fast and the reference computation return it.

use super::cohort_checks::clipped_limits;

/// The AUC of a marker at one prediction time.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeAuc {
    pub time: f64,
    /// NaN when there is no case or no control at `time`.
    pub auc: f64,
    /// Influence-function standard error. R: `Score(...)$AUC$score$se`.
    pub se: f64,
    /// `auc -/+ z se`, clipped to [0, 1] as Score does.
    pub lower: f64,
    pub upper: f64,
    /// Rows with an event at or before `time`.
    pub n_cases: usize,
    /// Rows with time after `time`.
    pub n_controls: usize,
}

impl TimeAuc {
    /// No case or no control at `t`: every value NaN.
    pub(crate) fn without_pairs(t: f64, n_cases: usize, n_controls: usize) -> TimeAuc {
        TimeAuc {
            time: t,
            auc: f64::NAN,
            se: f64::NAN,
            lower: f64::NAN,
            upper: f64::NAN,
            n_cases,
            n_controls,
        }
    }

    /// The AUC with its standard error and the limits `auc -/+ z se` clipped to [0, 1].
    pub(crate) fn finished(
        t: f64,
        auc: f64,
        se: f64,
        z: f64,
        n_cases: usize,
        n_controls: usize,
    ) -> TimeAuc {
        let (lower, upper) = clipped_limits(auc, se, z);
        TimeAuc {
            time: t,
            auc,
            se,
            lower,
            upper,
            n_cases,
            n_controls,
        }
    }
}
