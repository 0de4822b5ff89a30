//! The Kaplan-Meier curve read at chosen times: the "survival at 1, 5 and 10 years" table of every survival paper,
//! as R's `summary(fit, times = ...)`.

use super::curve::KmCurve;
use crate::confint::ConfType;

/// The curve at one requested time (R's `summary(fit, times = t)` row).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KmAtTime {
    pub time: f64,
    /// At risk at `time`: the risk set of the first curve time ≥ `time` (weighted with case weights, as R).
    pub n_risk: f64,
    /// Events after the previous requested time, up to and including `time` (weighted with case weights).
    pub n_event: f64,
    /// Censored after the previous requested time, up to and including `time`.
    pub n_censor: f64,
    pub surv: f64,
    /// Standard error of S(`time`) (NaN once S = 0, as R's `0 · Inf`).
    pub std_err: f64,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub cumhaz: f64,
}

/// The rows at the requested times, and the requested times R's `summary` leaves out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KmAtTimes {
    /// In increasing order of time; a time requested twice has two rows (the second with no new events).
    pub rows: Vec<KmAtTime>,
    /// Requested times after the curve's last time (R's `extend = FALSE` drops them: the curve is not known
    /// there), or not finite; in increasing order.
    pub omitted: Vec<f64>,
}

impl KmCurve {
    /// The curve, its standard error and limits, the number at risk and the events and censorings since the
    /// previous requested time, at each of `times`.
    ///
    /// # Formula
    /// On the curve with a point added at t0 = min(0, first time) (S = 1, se 0, limits 1; not added when the
    /// first time is t0), sorted times t: S, se, limits and Λ are those of the last point ≤ t (the first point
    /// when none is); n.risk is that of the first curve time ≥ t; n.event and n.censor are the sums over curve
    /// times in (t_prev, t], t_prev the previous requested time (−∞ for the first).
    ///
    /// # R equivalent
    /// `summary(fit, times = times)` (survival's `summary.survfit` with `survfit0`, `extend = FALSE`): the
    /// rows of its `time`, `n.risk`, `n.event`, `n.censor`, `surv`, `std.err`, `lower`, `upper`, `cumhaz`.
    /// Times after the last time R leaves out silently; here they are listed in [`KmAtTimes::omitted`] so the
    /// caller can say so.
    ///
    /// # Examples
    /// Maintained patients of R's `aml` data: `summary(survfit(Surv(time, status) ~ 1, aml[aml$x ==
    /// "Maintained", ]), times = c(12, 24, 200))` gives at 12: n.risk 10, n.event 1, survival 0.909090909090909,
    /// std.err 0.0866784172041448; at 24: n.risk 6, n.event 3, survival 0.613636363636364; 200 is after the
    /// last time (161) and left out.
    /// ```
    /// use sigsurv_core::km::{kaplan_meier, KmOptions};
    /// let time = [9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0];
    /// let status = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0].map(|s| s == 1);
    /// let curve = kaplan_meier(&time, &status, &KmOptions::default())?;
    /// let at = curve.at_times(&[24.0, 12.0, 200.0]);
    /// let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
    /// assert_eq!((at.rows[0].time, at.rows[0].n_risk, at.rows[0].n_event), (12.0, 10.0, 1.0));
    /// assert!(close(at.rows[0].surv, 0.909090909090909) && close(at.rows[0].std_err, 0.0866784172041448));
    /// assert_eq!((at.rows[1].n_risk, at.rows[1].n_event), (6.0, 3.0));
    /// assert!(close(at.rows[1].surv, 0.613636363636364));
    /// assert_eq!(at.omitted, [200.0]);
    /// # Ok::<(), sigsurv_core::CoreError>(())
    /// ```
    #[doc(alias = "summary.survfit")]
    pub fn at_times(&self, times: &[f64]) -> KmAtTimes {
        let mut requested = times.to_vec();
        requested.sort_by(f64::total_cmp);
        let mut out = KmAtTimes::default();
        let (Some(&first), Some(&last)) = (self.time.first(), self.time.last()) else {
            out.omitted = requested;
            return out;
        };
        let counts = |i: usize| match &self.weighted {
            Some(w) => (w.n_risk[i], w.n_event[i], w.n_censor[i]),
            None => (
                self.n_risk[i] as f64,
                self.n_event[i] as f64,
                self.n_censor[i] as f64,
            ),
        };
        // survfit0's point at t0 exists unless the curve already starts there.
        let t0 = first.min(0.0);
        let added = first != t0;
        let one = (self.conf_type != ConfType::None).then_some(1.0);
        // Curve points already counted in an earlier row.
        let mut done = 0;
        for t in requested {
            if !t.is_finite() || t > last {
                out.omitted.push(t);
                continue;
            }
            // Curve times ≤ t (their events count up to t), and the first curve time ≥ t (its risk set).
            let upto = self.time.partition_point(|&x| x <= t);
            let at_or_after = self.time.partition_point(|&x| x < t);
            let (mut new_events, mut new_censored) = (0.0, 0.0);
            for i in done..upto {
                let (_, d, c) = counts(i);
                new_events += d;
                new_censored += c;
            }
            done = done.max(upto);
            let (surv, std_err, lower, upper, cumhaz) = match upto {
                0 if added => (1.0, 0.0, one, one, 0.0),
                k => {
                    let i = k.max(1) - 1;
                    (
                        self.surv[i],
                        self.std_err[i],
                        self.lower[i],
                        self.upper[i],
                        self.cumhaz[i],
                    )
                }
            };
            out.rows.push(KmAtTime {
                time: t,
                n_risk: counts(at_or_after).0,
                n_event: new_events,
                n_censor: new_censored,
                surv,
                std_err,
                lower,
                upper,
                cumhaz,
            });
        }
        out
    }
}
