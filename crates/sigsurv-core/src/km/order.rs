//! Input checks and the one ordering of rows by time that Kaplan-Meier and the log-rank test share.
//!
//! When times are heavily tied, rows are counted by (time, tag) instead (see [`super::tally`]). Otherwise
//! rows are put in time order once, by sorting integer keys made from the bits of the (non-negative, finite)
//! times, which order exactly as the times do; the key also holds the event flag, and a small tag (group,
//! stratum) travels with it, so that every later pass reads memory in order. Near-tied times are
//! then merged on the sorted sequence with R's `aeqSurv` rule (the same rule as [`crate::timefix`], so the
//! results are identical), and rows can be split into groups or strata by a stable counting sort that keeps
//! the time order inside each part. The passes read either form through the [`Obs`] trait.

pub(crate) use super::obs::Obs;
use super::tally::{tally_by_time, Tally};
use crate::error::{CoreError, Result};
use crate::timefix::TIMEFIX_TOLERANCE;
use rayon::prelude::*;

/// One row in the sorted order: `key` packs the (possibly merged) time and the event flag, `tag` is a
/// caller-chosen code (a group, or a stratum and group) carried along so that later passes read memory in order.
/// Packed to 12 bytes: the sort's cost is mostly moving items.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, packed(4))]
pub(crate) struct Item {
    key: u64,
    pub tag: u32,
}

impl Item {
    /// Non-negative finite times order like their bit patterns, whose sign bit is 0: shifting it out leaves
    /// room for the event flag in the lowest bit (so ties put censorings first, which no pass relies on).
    fn new(time: f64, event: bool, tag: u32) -> Item {
        let bits = if time == 0.0 { 0 } else { time.to_bits() }; // +0.0 stands in for -0.0
        Item {
            key: (bits << 1) | u64::from(event),
            tag,
        }
    }
}

impl Obs for Item {
    #[inline]
    fn time(&self) -> f64 {
        f64::from_bits(self.key >> 1)
    }
    #[inline]
    fn tag(&self) -> u32 {
        self.tag
    }
    #[inline]
    fn events(&self) -> usize {
        (self.key & 1) as usize
    }
    #[inline]
    fn censored(&self) -> usize {
        1 - (self.key & 1) as usize
    }
    fn set_time(&mut self, t: f64) {
        self.key = (t.to_bits() << 1) | (self.key & 1);
    }
}

/// Rows in time order: one by one, or counted by (time, tag) when times are heavily tied.
pub(crate) enum Ordered {
    Rows(Vec<Item>),
    Counts(Vec<Tally>),
}

impl Ordered {
    /// The rows listed in `rows` (or all rows when `None`) in time order, each carrying `tag(row)` (below
    /// `n_tags`); near-ties merged first when `timefix`. Times must have passed [`validate`].
    pub fn new(
        time: &[f64],
        event: &[bool],
        rows: Option<&[u32]>,
        n_tags: usize,
        tag: impl Fn(usize) -> u32 + Sync,
        timefix: bool,
    ) -> Ordered {
        match tally_by_time(time, event, rows, n_tags, &tag) {
            Some(mut counts) => {
                if timefix {
                    merge_near_ties(&mut counts);
                }
                Ordered::Counts(counts)
            }
            None => Ordered::Rows(sort_by_time(time, event, rows, tag, timefix)),
        }
    }
}

/// Checks lengths and times; `NegativeTime` / `NonFiniteTime` name the first bad row.
pub(crate) fn validate(time: &[f64], event: &[bool]) -> Result<()> {
    if event.len() != time.len() {
        return Err(CoreError::LengthMismatch {
            what: "event",
            got: event.len(),
            expected: time.len(),
        });
    }
    if time.is_empty() {
        return Err(CoreError::Empty);
    }
    if time.len() > u32::MAX as usize {
        return Err(CoreError::InvalidArgument(format!(
            "too many rows ({}); at most {}",
            time.len(),
            u32::MAX
        )));
    }
    let first_bad = crate::scan::first_where(time, |t| !(t.is_finite() && *t >= 0.0));
    match first_bad {
        None => Ok(()),
        Some(row) if !time[row].is_finite() => Err(CoreError::NonFiniteTime {
            row,
            value: time[row],
        }),
        Some(row) => Err(CoreError::NegativeTime {
            row,
            value: time[row],
        }),
    }
}

/// Checks that every code is below `n_codes`; `what` names the slice in the error.
pub(crate) fn validate_codes(
    codes: &[u32],
    n_codes: usize,
    n_rows: usize,
    what: &'static str,
) -> Result<()> {
    if codes.len() != n_rows {
        return Err(CoreError::LengthMismatch {
            what,
            got: codes.len(),
            expected: n_rows,
        });
    }
    if let Some(row) = crate::scan::first_where(codes, |&c| c as usize >= n_codes) {
        return Err(CoreError::CodeOutOfRange {
            what,
            row,
            code: codes[row],
            n_codes,
        });
    }
    Ok(())
}

/// The rows listed in `rows` (or all rows when `None`) in time order, each carrying `tag(row)`; near-ties
/// merged first when `timefix`. Times must have passed [`validate`].
pub(crate) fn sort_by_time(
    time: &[f64],
    event: &[bool],
    rows: Option<&[u32]>,
    tag: impl Fn(usize) -> u32,
    timefix: bool,
) -> Vec<Item> {
    let item = |r: usize| Item::new(time[r], event[r], tag(r));
    let mut items: Vec<Item> = match rows {
        Some(rs) => rs.iter().map(|&r| item(r as usize)).collect(),
        None => (0..time.len()).map(item).collect(),
    };
    // Unstable is enough: rows with equal keys share time and event, and every later pass only counts them
    // (per group), so their order cannot change any result. (Measured here, pattern-defeating quicksort on
    // the 12-byte items beat an LSD radix sort, whose scatter passes are memory-bound.)
    if items.len() > 1 << 16 {
        items.par_sort_unstable_by_key(|it| it.key);
    } else {
        items.sort_unstable_by_key(|it| it.key);
    }
    if timefix {
        merge_near_ties(&mut items);
    }
    items
}

/// R's `aeqSurv` on sorted rows, in place: distinct times closer than the tolerance (absolutely, or relative
/// to the mean absolute distinct time) are chained into one bin and replaced by its first value. Gives the
/// same times as [`crate::timefix::timefix`] on the unsorted input (same rule, same summation order).
pub(crate) fn merge_near_ties<T: Obs>(sorted: &mut [T]) {
    let mut n_distinct = 0usize;
    let mut sum_abs = 0.0f64;
    let mut prev = f64::NAN;
    for it in sorted.iter() {
        let t = it.time();
        if t != prev {
            n_distinct += 1;
            sum_abs += t.abs();
            prev = t;
        }
    }
    if n_distinct < 2 {
        return;
    }
    let mean_abs = if sum_abs.is_finite() {
        sum_abs / n_distinct as f64
    } else {
        // Times near f64::MAX: the sum overflowed (R's extended-precision sum does not).
        crate::timefix::mean_abs(|| distinct_times(sorted))
    };
    let tied = |d: f64| d <= TIMEFIX_TOLERANCE || d / mean_abs <= TIMEFIX_TOLERANCE;
    let mut prev = sorted[0].time();
    if !sorted.iter().any(|it| {
        let t = it.time();
        let hit = t != prev && tied(t - prev);
        prev = t;
        hit
    }) {
        return; // the common case: nothing to merge
    }
    let mut bin_start = sorted[0].time();
    let mut prev_distinct = bin_start;
    for it in sorted.iter_mut() {
        let t = it.time();
        if t != prev_distinct {
            if !tied(t - prev_distinct) {
                bin_start = t;
            }
            prev_distinct = t;
        }
        it.set_time(bin_start);
    }
}

/// The distinct times of sorted rows, in order.
fn distinct_times<T: Obs>(sorted: &[T]) -> impl Iterator<Item = f64> + '_ {
    let mut prev = f64::NAN;
    sorted.iter().filter_map(move |it| {
        let t = it.time();
        (t != prev).then(|| {
            prev = t;
            t
        })
    })
}

/// Splits sorted rows into parts by `part(tag)` (0..n_parts), keeping the time order within each part.
/// Returns the reordered rows and the start offset of every part (`n_parts + 1` entries).
pub(crate) fn partition<T: Obs>(
    sorted: &[T],
    part: impl Fn(u32) -> usize,
    n_parts: usize,
) -> (Vec<T>, Vec<usize>) {
    let mut offsets = vec![0usize; n_parts + 1];
    for it in sorted {
        offsets[part(it.tag()) + 1] += 1;
    }
    for i in 0..n_parts {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let mut out = vec![T::default(); sorted.len()];
    for &it in sorted {
        let c = part(it.tag());
        out[next[c]] = it;
        next[c] += 1;
    }
    (out, offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_matches_comparison_sort() {
        let mut state = 12345u64;
        let times: Vec<f64> = (0..5000)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if i % 7 == 0 {
                    0.0
                } else {
                    ((state >> 11) as f64 / (1u64 << 53) as f64) * 1e4
                }
            })
            .collect();
        let event: Vec<bool> = (0..times.len()).map(|i| i % 3 == 0).collect();
        let s = sort_by_time(&times, &event, None, |r| r as u32, false);
        let mut want = times.clone();
        want.sort_by(f64::total_cmp);
        assert_eq!(s.iter().map(Item::time).collect::<Vec<_>>(), want);
        assert!(s.iter().all(|it| times[it.tag as usize] == it.time()
            && event[it.tag as usize] == (it.events() == 1)));
    }

    #[test]
    fn merge_equals_timefix() {
        let t = [
            3.0,
            1.0 + 1e-12,
            2.0,
            1.0,
            3.0 - 1e-13,
            0.0,
            7.5,
            2.0 + 2e-9,
        ];
        let want = crate::timefix::timefix(&t);
        let s = sort_by_time(&t, &[true; 8], None, |r| r as u32, true);
        for it in &s {
            assert_eq!(it.time(), want[it.tag as usize]);
            assert_eq!(it.events(), 1);
        }
    }

    #[test]
    fn negative_zero_is_zero() {
        let s = sort_by_time(&[-0.0, 0.0, 1.0], &[false; 3], None, |_| 0, false);
        assert!(s.iter().all(|it| it.time().is_sign_positive()));
    }

    /// Counting gives, per time and tag, what the sorted rows hold.
    #[test]
    fn counts_match_sorted_rows() {
        let n = 700_000; // several chunks
        let mut next = crate::test_rng::lcg(7);
        let time: Vec<f64> = (0..n)
            .map(|i| {
                if i % 11 == 0 {
                    -0.0
                } else {
                    (next() % 500) as f64
                }
            })
            .collect();
        let event: Vec<bool> = (0..n).map(|_| next().is_multiple_of(3)).collect();
        let tag: Vec<u32> = (0..n).map(|_| (next() % 5) as u32).collect();
        let rows: Vec<u32> = (0..n as u32).filter(|r| r % 4 != 1).collect();
        for subset in [None, Some(rows.as_slice())] {
            let counted = tally_by_time(&time, &event, subset, 5, |r| tag[r]).unwrap();
            let mut sorted = sort_by_time(&time, &event, subset, |r| tag[r], false);
            sorted.sort_by_key(|it| (it.time().to_bits(), it.tag()));
            let mut i = 0;
            for t in &counted {
                let (mut d, mut c) = (0, 0);
                while i < sorted.len() && sorted[i].time() == t.time() && sorted[i].tag() == t.tag()
                {
                    d += sorted[i].events();
                    c += sorted[i].censored();
                    i += 1;
                }
                assert_eq!((d, c), (t.events(), t.censored()));
                assert!(t.time().is_sign_positive());
            }
            assert_eq!(i, sorted.len());
        }
    }
}
