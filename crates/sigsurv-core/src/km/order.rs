//! Input checks and the one sort that Kaplan-Meier and the log-rank test share.
//!
//! Rows are put in time order once, by an LSD radix sort on the bits of the (non-negative, finite) times,
//! which orders them exactly as `f64` comparison does and costs a few linear passes. Near-tied times are
//! then merged on the sorted sequence with R's `aeqSurv` rule (the same rule as [`crate::timefix`], so the
//! results are identical), and rows can be split into groups or strata by a stable counting sort that keeps
//! the time order inside each part.

use crate::error::{CoreError, Result};
use crate::timefix::TIMEFIX_TOLERANCE;

/// Rows in time order: `time[i]` is the (possibly merged) time of row `row[i]` of the caller's slices.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sorted {
    pub row: Vec<u32>,
    pub time: Vec<f64>,
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
    for (row, &value) in time.iter().enumerate() {
        if !value.is_finite() {
            return Err(CoreError::NonFiniteTime { row, value });
        }
        if value < 0.0 {
            return Err(CoreError::NegativeTime { row, value });
        }
    }
    Ok(())
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
    if let Some((row, &c)) = codes
        .iter()
        .enumerate()
        .find(|(_, &c)| c as usize >= n_codes)
    {
        return Err(CoreError::InvalidArgument(format!(
            "{what} code {c} at row {row} is not below {n_codes}"
        )));
    }
    Ok(())
}

/// Sorts the rows listed in `rows` (or all rows when `None`) by time, then merges near-ties when `timefix`.
/// Times must have passed [`validate`].
pub(crate) fn sort_by_time(time: &[f64], rows: Option<&[u32]>, timefix: bool) -> Sorted {
    // Non-negative finite doubles order like their bit patterns; +0.0 stands in for -0.0.
    let key = |r: u32| {
        let t = time[r as usize];
        if t == 0.0 {
            0u64
        } else {
            t.to_bits()
        }
    };
    let mut pairs: Vec<(u64, u32)> = match rows {
        Some(rs) => rs.iter().map(|&r| (key(r), r)).collect(),
        None => (0..time.len() as u32).map(|r| (key(r), r)).collect(),
    };
    radix_sort(&mut pairs);
    let mut out = Sorted {
        row: pairs.iter().map(|p| p.1).collect(),
        time: pairs.iter().map(|p| f64::from_bits(p.0)).collect(),
    };
    drop(pairs);
    if timefix {
        merge_near_ties(&mut out.time);
    }
    out
}

/// LSD radix sort of (key, payload) pairs by key, 16 bits a pass, skipping passes where every key has the
/// same digit. Stable; small inputs use the standard sort.
fn radix_sort(v: &mut Vec<(u64, u32)>) {
    if v.len() <= 256 {
        v.sort_unstable();
        return;
    }
    let mut buf: Vec<(u64, u32)> = vec![(0, 0); v.len()];
    let mut counts = vec![0usize; 1 << 16];
    for pass in 0..4 {
        let shift = pass * 16;
        counts.iter_mut().for_each(|c| *c = 0);
        for &(k, _) in v.iter() {
            counts[((k >> shift) & 0xFFFF) as usize] += 1;
        }
        if counts.iter().any(|&c| c == v.len()) {
            continue; // every key has this digit: the pass would not move anything
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let here = *c;
            *c = sum;
            sum += here;
        }
        for &p in v.iter() {
            let d = ((p.0 >> shift) & 0xFFFF) as usize;
            buf[counts[d]] = p;
            counts[d] += 1;
        }
        std::mem::swap(v, &mut buf);
    }
}

/// R's `aeqSurv` on sorted times, in place: distinct values closer than the tolerance (absolutely, or
/// relative to the mean absolute distinct value) are chained into one bin and replaced by its first value.
/// Gives the same result as [`crate::timefix::timefix`] on the unsorted times.
pub(crate) fn merge_near_ties(sorted: &mut [f64]) {
    let mut n_distinct = 0usize;
    let mut sum_abs = 0.0f64;
    let mut prev = f64::NAN;
    for &t in sorted.iter() {
        if t != prev {
            n_distinct += 1;
            sum_abs += t.abs();
            prev = t;
        }
    }
    if n_distinct < 2 {
        return;
    }
    let mean_abs = sum_abs / n_distinct as f64;
    let tied = |d: f64| d <= TIMEFIX_TOLERANCE || d / mean_abs <= TIMEFIX_TOLERANCE;
    let mut bin_start = sorted[0];
    let mut prev_distinct = sorted[0];
    for t in sorted.iter_mut() {
        if *t != prev_distinct {
            if !tied(*t - prev_distinct) {
                bin_start = *t;
            }
            prev_distinct = *t;
        }
        *t = bin_start;
    }
}

/// Splits sorted rows into parts by `code[row]` (0..n_parts), keeping the time order within each part.
/// Returns the reordered rows and times and the start offset of every part (`n_parts + 1` entries).
pub(crate) fn partition(sorted: &Sorted, code: &[u32], n_parts: usize) -> (Sorted, Vec<usize>) {
    let mut offsets = vec![0usize; n_parts + 1];
    for &r in &sorted.row {
        offsets[code[r as usize] as usize + 1] += 1;
    }
    for i in 0..n_parts {
        offsets[i + 1] += offsets[i];
    }
    let mut next = offsets.clone();
    let n = sorted.row.len();
    let mut out = Sorted {
        row: vec![0; n],
        time: vec![0.0; n],
    };
    for (&r, &t) in sorted.row.iter().zip(&sorted.time) {
        let c = code[r as usize] as usize;
        out.row[next[c]] = r;
        out.time[next[c]] = t;
        next[c] += 1;
    }
    (out, offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_matches_comparison_sort() {
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
        let s = sort_by_time(&times, None, false);
        let mut want = times.clone();
        want.sort_by(f64::total_cmp);
        assert_eq!(s.time, want);
        assert!(s
            .row
            .iter()
            .zip(&s.time)
            .all(|(&r, &t)| times[r as usize] == t));
        // stable: equal times keep row order
        assert!(s
            .row
            .windows(2)
            .zip(s.time.windows(2))
            .all(|(r, t)| t[0] != t[1] || r[0] < r[1]));
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
        let s = sort_by_time(&t, None, true);
        for (r, v) in s.row.iter().zip(&s.time) {
            assert_eq!(*v, want[*r as usize]);
        }
    }

    #[test]
    fn negative_zero_is_zero() {
        let s = sort_by_time(&[-0.0, 0.0, 1.0], None, false);
        assert!(s.time.iter().all(|t| t.is_sign_positive()));
    }
}
