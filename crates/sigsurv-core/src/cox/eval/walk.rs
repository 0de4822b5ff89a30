//! The risk-set walk of one stratum, shared by the sequential pass, the event-time table (`risk.rs`) and
//! predicted curves (`survfit.rs`).
//!
//! Stop times are visited from the largest down, one distinct time at a time. At time t the risk set is the rows
//! with stop ≥ t (and start < t for (start, stop] rows): it grows by the rows that stop at t and, for
//! counting-process data, loses the rows with start ≥ t, which leave in order of start time, descending
//! (Therneau & Grambsch 2000, section 3.7; R's `agfit4`, `agsurv`). The walk tracks membership; each caller
//! keeps its own sums, adding a row when the walk hands it a tie group and subtracting it when the walk says it
//! leaves.

use super::super::prep::Prepared;
use std::ops::Range;

/// What the walk reports when a row leaves the risk set.
pub(crate) enum Leave {
    /// Row `q` (sorted position) leaves and others remain: subtract its terms.
    Row(usize),
    /// The last row left: restart the sums from zero rather than carry round-off.
    Emptied,
}

/// Walks the tie groups of one stratum in descending time (see the module documentation).
pub(crate) struct RiskSetWalk<'a> {
    prep: &'a Prepared,
    /// The stratum's members by start time, descending (empty for right-censored data).
    by_start: &'a [usize],
    /// Whether rows flagged `prep.ignore` count as members (survfit's numbers at risk count them).
    every_row: bool,
    removed: usize,
    next: usize,
    end: usize,
    members: usize,
}

impl<'a> RiskSetWalk<'a> {
    /// The rows of stratum `s` (sorted positions `b0..b1`) that enter the fit.
    pub fn fitted(prep: &'a Prepared, s: usize, b0: usize, b1: usize) -> RiskSetWalk<'a> {
        let by_start: &[usize] = match prep.by_start_bounds.get(s) {
            Some(&(lo, hi)) => &prep.by_start[lo..hi],
            None => &[],
        };
        RiskSetWalk::new(prep, by_start, false, b0, b1)
    }

    /// Every row of the stratum `b0..b1`, with `by_start` all of them by start time, descending.
    pub fn every_row(
        prep: &'a Prepared,
        by_start: &'a [usize],
        b0: usize,
        b1: usize,
    ) -> RiskSetWalk<'a> {
        RiskSetWalk::new(prep, by_start, true, b0, b1)
    }

    fn new(
        prep: &'a Prepared,
        by_start: &'a [usize],
        every_row: bool,
        b0: usize,
        b1: usize,
    ) -> RiskSetWalk<'a> {
        RiskSetWalk {
            prep,
            by_start,
            every_row,
            removed: 0,
            next: b0,
            end: b1,
            members: 0,
        }
    }

    /// The number of rows in the risk set (after the last [`RiskSetWalk::next_time`]).
    pub fn at_risk(&self) -> usize {
        self.members
    }

    /// The next distinct time and the sorted positions of its rows (ignored rows included: callers skip them
    /// as they need). First hands `leave` every member whose start time is at or above that time. Right-censored
    /// fits leave the sorted stop times out until after the iterations (prep.rs); the tie groups say the same
    /// thing, and the time is then NaN.
    #[inline]
    pub fn next_time(&mut self, mut leave: impl FnMut(Leave)) -> Option<(f64, Range<usize>)> {
        let prep = self.prep;
        let k0 = self.next;
        if k0 >= self.end {
            return None;
        }
        let by_group = prep.stop.is_empty();
        let time = if by_group { f64::NAN } else { prep.stop[k0] };
        if prep.counting {
            while self.removed < self.by_start.len()
                && prep.start[self.by_start[self.removed]] >= time
            {
                let q = self.by_start[self.removed];
                self.removed += 1;
                self.members -= 1;
                leave(if self.members == 0 {
                    Leave::Emptied
                } else {
                    Leave::Row(q)
                });
            }
        }
        let k1 = if by_group {
            let g = prep.groups.partition_point(|&x| x as usize <= k0);
            (prep.groups[g] as usize).min(self.end)
        } else {
            k0 + prep.stop[k0..self.end]
                .iter()
                .take_while(|&&t| t == time)
                .count()
        };
        self.members += if self.every_row {
            k1 - k0
        } else {
            (k0..k1).filter(|&k| !prep.ignore[k]).count()
        };
        self.next = k1;
        Some((time, k0..k1))
    }
}
