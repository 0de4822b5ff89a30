//! Aalen-Johansen curves read at given times, as `summary(fit, times = )`.

use super::curve::{CifCurve, StateProbability};

/// The curves of one group at the requested times (see [`CifCurve::at`]).
#[derive(Clone, Debug, PartialEq)]
pub struct CifAt {
    /// The requested times kept (increasing; those after the last time of the curve are dropped).
    pub time: Vec<f64>,
    /// Rows at risk at each time: at the first time of the curve at or after it (0 past the end).
    pub n_risk: Vec<usize>,
    /// The event-free probability at each time.
    pub event_free: StateProbability,
    /// The cumulative incidence of each cause at each time.
    pub causes: Vec<StateProbability>,
}

impl CifCurve {
    /// The curves at the given times, as R's `summary(fit, times = times)` (default `extend = FALSE`):
    /// times are sorted, non-finite times and times after the last time of the curve are dropped, and each
    /// value is the one at the last time of the curve at or before the requested time. Before the first
    /// time (when it is after 0), the values are those of the row `survfit0` adds at time 0: probability 1
    /// event-free and 0 for each cause, standard error 0, and, as R reports them there, both confidence
    /// limits 0.
    ///
    /// # R equivalent
    /// `summary(fit[k, ], times = times)$pstate`, `$std.err`, `$lower`, `$upper`, `$n.risk[, 1]`.
    pub fn at(&self, times: &[f64]) -> CifAt {
        let mut wanted: Vec<f64> = times.iter().copied().filter(|t| t.is_finite()).collect();
        wanted.sort_by(f64::total_cmp);
        let last = self.time.last().copied();
        wanted.retain(|t| last.is_some_and(|l| *t <= l));
        let mut out = CifAt {
            time: Vec::with_capacity(wanted.len()),
            n_risk: Vec::with_capacity(wanted.len()),
            event_free: StateProbability::default(),
            causes: vec![StateProbability::default(); self.causes.len()],
        };
        // survfit0 adds a row at min(0, first time) unless the curve starts there.
        let first = self.time.first().copied().unwrap_or(0.0);
        let added_start = first > 0.0;
        for &t in &wanted {
            // Rows with time ≤ t, and the first row with time ≥ t.
            let upto = self.time.partition_point(|&x| x <= t);
            let from = self.time.partition_point(|&x| x < t);
            out.time.push(t);
            out.n_risk.push(self.n_risk.get(from).copied().unwrap_or(0));
            if upto == 0 && added_start {
                out.event_free.push_start(1.0, self.conf_type);
                for cause in out.causes.iter_mut() {
                    cause.push_start(0.0, self.conf_type);
                }
            } else {
                let i = upto.max(1) - 1;
                out.event_free.push_row_of(&self.event_free, i);
                for (cause, curve) in out.causes.iter_mut().zip(&self.causes) {
                    cause.push_row_of(&curve.incidence, i);
                }
            }
        }
        out
    }
}
