//! The input of the competing-risks estimators: exit times, the cause of each exit (0 = censored), optional
//! case weights, and their checks; and the one ordering of rows by group and time that the estimators share.

use crate::error::{CoreError, Result};
use crate::timefix::timefix;
use rayon::prelude::*;

/// Competing-risks data, one row per subject: the row leaves follow-up at `time[i]`, censored when
/// `cause[i] == 0`, else by cause `cause[i]` (1, ..., `n_causes`).
///
/// The causes are R's factor levels after the censoring level: for `Surv(t, factor(status))` with levels
/// `c("censor", "pcm", "death")`, code 1 is `"pcm"` and code 2 `"death"`.
#[derive(Clone, Copy, Debug)]
pub struct CompetingData<'a> {
    /// Exit times (finite, ≥ 0).
    pub time: &'a [f64],
    /// 0 for a censoring, k in 1..=`n_causes` for an exit by cause k.
    pub cause: &'a [u32],
    /// Number of causes (at least 1).
    pub n_causes: usize,
    /// Case weights (finite, ≥ 0); `None` is weight 1 for every row.
    pub weight: Option<&'a [f64]>,
}

impl<'a> CompetingData<'a> {
    /// Unweighted data.
    pub fn new(time: &'a [f64], cause: &'a [u32], n_causes: usize) -> CompetingData<'a> {
        CompetingData {
            time,
            cause,
            n_causes,
            weight: None,
        }
    }

    /// The same data with case weights.
    pub fn with_weights(self, weight: &'a [f64]) -> CompetingData<'a> {
        CompetingData {
            weight: Some(weight),
            ..self
        }
    }

    /// The weight of row `i` (1 without weights).
    #[inline]
    pub(crate) fn weight_of(&self, i: usize) -> f64 {
        self.weight.map_or(1.0, |w| w[i])
    }

    /// Checks lengths, times, causes and weights; each error names the first bad row.
    pub(crate) fn validate(&self) -> Result<()> {
        let n = self.time.len();
        if self.cause.len() != n {
            return Err(CoreError::LengthMismatch {
                what: "cause",
                got: self.cause.len(),
                expected: n,
            });
        }
        if let Some(w) = self.weight {
            if w.len() != n {
                return Err(CoreError::LengthMismatch {
                    what: "weight",
                    got: w.len(),
                    expected: n,
                });
            }
        }
        if self.n_causes == 0 {
            return Err(CoreError::InvalidArgument(
                "competing risks need at least one cause".into(),
            ));
        }
        if n == 0 {
            return Err(CoreError::Empty);
        }
        if n > u32::MAX as usize {
            return Err(CoreError::InvalidArgument(format!(
                "too many rows ({n}); at most {}",
                u32::MAX
            )));
        }
        if let Some(row) = crate::scan::first_where(self.time, |t| !(t.is_finite() && *t >= 0.0)) {
            let value = self.time[row];
            return Err(if value.is_finite() {
                CoreError::NegativeTime { row, value }
            } else {
                CoreError::NonFiniteTime { row, value }
            });
        }
        let n_codes = self.n_causes + 1;
        if let Some(row) = crate::scan::first_where(self.cause, |&c| c as usize >= n_codes) {
            return Err(CoreError::CodeOutOfRange {
                what: "cause",
                row,
                code: self.cause[row],
                n_codes,
            });
        }
        if let Some(w) = self.weight {
            if let Some(row) = crate::scan::first_where(w, |x| !(x.is_finite() && *x >= 0.0)) {
                return Err(CoreError::InvalidWeight { row, value: w[row] });
            }
        }
        Ok(())
    }
}

/// Group and stratum codes are checked as the Kaplan-Meier's are.
pub(crate) use crate::km::order::validate_codes;

/// One row in time order: its (near-ties merged) time, its cause code, its weight and its original index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    pub time: f64,
    pub cause: u32,
    pub weight: f64,
    pub index: u32,
}

/// The rows of each group, each group's rows in increasing time (ties in the original row order), with
/// R's `timefix` applied over all rows first when `timefix` is set (survfit merges near-ties before it splits
/// by group). `offsets[g]..offsets[g + 1]` are the rows of group g.
pub(crate) fn rows_by_group(
    data: &CompetingData,
    group: &[u32],
    n_groups: usize,
    timefix_times: bool,
) -> (Vec<Row>, Vec<usize>) {
    let merged;
    let time: &[f64] = if timefix_times {
        merged = timefix(data.time);
        &merged
    } else {
        data.time
    };
    let mut keyed: Vec<(u32, Row)> = (0..time.len())
        .map(|i| {
            let row = Row {
                time: time[i],
                cause: data.cause[i],
                weight: data.weight_of(i),
                index: i as u32,
            };
            (group[i], row)
        })
        .collect();
    let order = |a: &(u32, Row), b: &(u32, Row)| {
        a.0.cmp(&b.0)
            .then(a.1.time.total_cmp(&b.1.time))
            .then(a.1.index.cmp(&b.1.index))
    };
    if keyed.len() > 1 << 16 {
        keyed.par_sort_unstable_by(order);
    } else {
        keyed.sort_unstable_by(order);
    }
    let mut offsets = vec![0usize; n_groups + 1];
    for (g, _) in &keyed {
        offsets[*g as usize + 1] += 1;
    }
    for g in 0..n_groups {
        offsets[g + 1] += offsets[g];
    }
    (keyed.into_iter().map(|(_, r)| r).collect(), offsets)
}

/// The runs of rows with equal time in a time-ordered slice, as `(start, end)` ranges.
pub(crate) fn tied_runs(rows: &[Row]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= rows.len() {
            return None;
        }
        let t = rows[start].time;
        let mut end = start + 1;
        while end < rows.len() && rows[end].time == t {
            end += 1;
        }
        let run = (start, end);
        start = end;
        Some(run)
    })
}
