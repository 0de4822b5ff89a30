//! The order the Cox passes read rows in: stratum (ascending code), then stop time descending, then row.
//!
//! Follow-up in whole days (a few thousand distinct times for millions of rows) is placed by a counting sort:
//! one parallel pass counts the rows of every (stratum, day), a second places each row, in row order, after
//! the rows of the cells before its own. Other times are sorted as (stratum, time, row) integer keys. The keys
//! are distinct, so the order is unique and both ways give the same one.

use crate::sort_key::total_order_bits;
use crate::timefix::timefix_in_place;
use rayon::prelude::*;

/// Rows in pass order, their stop times in that order, and each stratum's range of positions.
pub(crate) struct SortedRows {
    /// `order[k]` = original row of sorted position k.
    pub order: Vec<u32>,
    pub stop: Vec<f64>,
    /// Half-open ranges of sorted positions, one per stratum present, in stratum-code order.
    pub strata: Vec<(usize, usize)>,
    /// Whether near-tied times were merged (then `stop` differs from the input's times in that order).
    pub merged: bool,
}

/// The rows in pass order; with `timefix`, near-tied stop times are merged first as R's aeqSurv does (only when
/// the sorted times show a near-tie, which whole days never do).
pub(crate) fn sort_rows(stop: &[f64], strata: Option<&[u32]>, timefix: bool) -> SortedRows {
    if let Some(order) = counting_order(stop, strata) {
        let s_stop = crate::scan::map(&order, |&i| stop[i as usize]);
        let ranges = stratum_ranges(order.len(), |k| strata.map_or(0, |s| s[order[k] as usize]));
        return SortedRows {
            order,
            stop: s_stop,
            strata: ranges,
            merged: false,
        };
    }
    let mut keys = sort_keys(stop, strata);
    let merged = timefix && needs_timefix(&keys);
    if merged {
        // Rare: some distinct times differ by noise only. Merge them and sort again.
        let mut t = stop.to_vec();
        timefix_in_place(&mut t, &mut []);
        keys = sort_keys(&t, strata);
    }
    let order: Vec<u32> = keys.iter().map(|k| k.2).collect();
    let ranges = stratum_ranges(keys.len(), |k| keys[k].0);
    let s_stop = keys.iter().map(|k| from_desc(k.1)).collect();
    SortedRows {
        order,
        stop: s_stop,
        strata: ranges,
        merged,
    }
}

/// The runs of equal stratum codes along the sorted positions.
fn stratum_ranges(n: usize, code: impl Fn(usize) -> u32) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut b0 = 0;
    for k in 1..=n {
        if k == n || code(k) != code(b0) {
            ranges.push((b0, k));
            b0 = k;
        }
    }
    ranges
}

/// A counting sort pays off when there are at most a quarter as many (stratum, day) cells as rows.
const CELL_SHARE: usize = 4;
/// Largest day a counting sort takes: whole numbers this small never differ by R's timefix tolerance, neither
/// absolutely (a gap is at least 1) nor relative to the mean time (1 / 2^24 > sqrt(machine epsilon)).
const MAX_DAY: u32 = 1 << 24;
const CHUNK: usize = 1 << 16;

/// The pass order by a counting sort, when every stop time is a whole number in 0..=MAX_DAY (+0.0 exactly, so
/// that -0.0 keeps its own place in the key order) and the cells are few enough.
fn counting_order(stop: &[f64], strata: Option<&[u32]>) -> Option<Vec<u32>> {
    let n = stop.len();
    let max_day = stop
        .par_chunks(CHUNK)
        .map(|c| {
            let (mut whole, mut max) = (true, 0u32);
            for &t in c {
                let d = t as u32; // saturating; negative and NaN times become 0 and fail the check
                whole &= f64::from(d).to_bits() == t.to_bits();
                max = max.max(d);
            }
            whole.then_some(max)
        })
        .try_reduce(|| 0, |a, b| Some(a.max(b)))?;
    if max_day > MAX_DAY {
        return None;
    }
    let days = max_day as usize + 1;
    let n_strata = strata.map_or(1, |s| s.par_iter().copied().max().unwrap_or(0) as usize + 1);
    let cells = days.checked_mul(n_strata)?;
    if cells.saturating_mul(CELL_SHARE) > n {
        return None;
    }
    // Cell of a row: its stratum, then its day from the last (so that later days come first).
    let cell = |i: usize| {
        strata.map_or(0, |s| s[i] as usize) * days + (max_day as usize - stop[i] as usize)
    };
    let n_chunks = n.div_ceil(CHUNK);
    let counts: Vec<Vec<u32>> = (0..n_chunks)
        .into_par_iter()
        .map(|c| {
            let mut counts = vec![0u32; cells];
            (c * CHUNK..((c + 1) * CHUNK).min(n)).for_each(|i| counts[cell(i)] += 1);
            counts
        })
        .collect();
    // Where each chunk's rows of each cell start: cells in order, chunks in row order within a cell.
    let mut next: Vec<Vec<u32>> = vec![vec![0; cells]; n_chunks];
    let mut pos = 0u32;
    for k in 0..cells {
        for c in 0..n_chunks {
            next[c][k] = pos;
            pos += counts[c][k];
        }
    }
    let mut order = vec![0u32; n];
    for (c, next) in next.iter_mut().enumerate() {
        for i in c * CHUNK..((c + 1) * CHUNK).min(n) {
            let slot = &mut next[cell(i)];
            order[*slot as usize] = i as u32;
            *slot += 1;
        }
    }
    Some(order)
}

/// Sort keys (stratum, stop time descending as ordered bits, row), sorted: plain integers compare fast.
fn sort_keys(stop: &[f64], strata: Option<&[u32]>) -> Vec<(u32, u64, u32)> {
    let mut keys: Vec<(u32, u64, u32)> = stop
        .iter()
        .enumerate()
        .map(|(i, &v)| (strata.map_or(0, |s| s[i]), to_desc(v), i as u32))
        .collect();
    keys.par_sort_unstable();
    keys
}

/// Bits of `v` mapped so that unsigned order is descending numeric order (total order).
fn to_desc(v: f64) -> u64 {
    !total_order_bits(v)
}

fn from_desc(k: u64) -> f64 {
    let asc = !k;
    f64::from_bits(if asc >> 63 == 1 {
        asc & !(1 << 63)
    } else {
        !asc
    })
}

/// Whether R's aeqSurv would merge any times, decided from the sorted keys with the rule of
/// [`crate::timefix`]: distinct times ascending, a gap `≤ tol` or `≤ tol · mean|t|` is a tie.
fn needs_timefix(keys: &[(u32, u64, u32)]) -> bool {
    // Distinct times, ascending. Keys are descending within each stratum.
    let mut y: Vec<f64> = Vec::new();
    let mut lo = 0;
    while lo < keys.len() {
        let mut hi = lo;
        while hi < keys.len() && keys[hi].0 == keys[lo].0 {
            hi += 1;
        }
        for k in keys[lo..hi].iter().rev() {
            let v = from_desc(k.1);
            if y.last() != Some(&v) {
                y.push(v);
            }
        }
        lo = hi;
    }
    if lo > 0 && keys[0].0 != keys[keys.len() - 1].0 {
        y.sort_unstable_by(f64::total_cmp);
        y.dedup();
    }
    if y.len() < 2 {
        return false;
    }
    let mean_abs = crate::timefix::mean_abs(|| y.iter().copied());
    let tol = crate::timefix::TIMEFIX_TOLERANCE;
    y.windows(2)
        .any(|w| w[1] - w[0] <= tol || (w[1] - w[0]) / mean_abs <= tol)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counting and sorting give the same order, stop times and strata (whole days, some rows per day).
    #[test]
    fn counting_sort_equals_key_sort() {
        let mut next = crate::test_rng::lcg(3);
        let n = 200_000;
        let stop: Vec<f64> = (0..n).map(|_| (next() % 3000) as f64).collect();
        let strata: Vec<u32> = (0..n).map(|_| (next() % 3) as u32 * 2).collect(); // codes 0, 2, 4
        for s in [None, Some(strata.as_slice())] {
            let order = counting_order(&stop, s).expect("whole days in a small range");
            let keys = sort_keys(&stop, s);
            assert_eq!(order, keys.iter().map(|k| k.2).collect::<Vec<_>>());
            let a = sort_rows(&stop, s, true);
            assert_eq!(a.strata, stratum_ranges(n, |k| keys[k].0));
        }
        // A fraction, a -0.0 or a wide range goes to the key sort.
        let mut frac = stop.clone();
        frac[10] = 2.5;
        assert!(counting_order(&frac, None).is_none());
        frac[10] = -0.0;
        assert!(counting_order(&frac, None).is_none());
        frac[10] = 1e7;
        assert!(counting_order(&frac, None).is_none());
    }
}
