//! Counting rows by (time, tag) instead of sorting them, when times are heavily tied.
//!
//! Follow-up recorded in days (or months) gives a few thousand distinct times for millions of rows. Then the
//! Kaplan-Meier and log-rank passes only need, for every distinct time and tag (group, or stratum and group), the
//! number of events and of censorings. Whole-number times (days) in a range small next to the number of rows are
//! counted in a plain array indexed by (time, tag): one increment per row, no hashing, no sort. Other tied times
//! go through a hash table (one update per row, then a sort of the distinct entries only).
//! The counts are integers, so the chunks counted in parallel add up to the same entries for any thread count;
//! and each pass adds the counts of a time exactly as it would add its rows one by one (small integers are exact
//! in f64), so every result is bit-for-bit what the row-by-row pass gives. When a chunk turns out to have many
//! distinct entries (continuous times), counting is abandoned and the caller sorts the rows instead.

use super::obs::Obs;
use rayon::prelude::*;

/// The rows sharing one time and one tag: how many had an event and how many were censored.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tally {
    /// Bits of the time (+0.0 for −0.0): non-negative finite times order like these.
    bits: u64,
    tag: u32,
    events: u32,
    censored: u32,
}

impl Obs for Tally {
    #[inline]
    fn time(&self) -> f64 {
        f64::from_bits(self.bits)
    }
    #[inline]
    fn tag(&self) -> u32 {
        self.tag
    }
    #[inline]
    fn events(&self) -> usize {
        self.events as usize
    }
    #[inline]
    fn censored(&self) -> usize {
        self.censored as usize
    }
    fn set_time(&mut self, t: f64) {
        self.bits = t.to_bits();
    }
}

/// Rows per chunk counted by one task; a chunk with more distinct (time, tag) entries than a quarter of a full
/// chunk is not worth counting.
const CHUNK: usize = 1 << 18;
const MAX_DISTINCT_SHARE: usize = 4;

/// The rows listed in `rows` (or all rows) counted by (time, tag), in increasing time (then tag) order; `None`
/// when times are too little tied for counting to pay off. Times must have passed `validate`; every tag is
/// below `n_tags`.
pub(crate) fn tally_by_time(
    time: &[f64],
    event: &[bool],
    rows: Option<&[u32]>,
    n_tags: usize,
    tag: impl Fn(usize) -> u32 + Sync,
) -> Option<Vec<Tally>> {
    let n_tags = n_tags.max(1);
    match dense_cells(time, rows, n_tags) {
        Some(cells) => Some(count_dense(time, event, rows, n_tags, cells, &tag)),
        None => count_hashed(time, event, rows, &tag),
    }
}

/// Counts rows in a hash table per chunk, then sorts and merges the chunks' entries; `None` when a chunk has
/// too many distinct (time, tag) entries.
fn count_hashed(
    time: &[f64],
    event: &[bool],
    rows: Option<&[u32]>,
    tag: &(impl Fn(usize) -> u32 + Sync),
) -> Option<Vec<Tally>> {
    let n = rows.map_or(time.len(), <[u32]>::len);
    let chunks: Vec<(usize, usize)> = (0..n.div_ceil(CHUNK))
        .map(|c| (c * CHUNK, ((c + 1) * CHUNK).min(n)))
        .collect();
    // The same limit for every chunk (a short last chunk may have as many entries as a full one).
    let limit = (n.min(CHUNK) / MAX_DISTINCT_SHARE).max(64);
    let counted: Vec<Vec<Tally>> = chunks
        .par_iter()
        .map(|&(a, b)| {
            let mut table = Table::new();
            let add = |table: &mut Table, r: usize| table.add(time[r], event[r], tag(r), limit);
            let ok = match rows {
                Some(rs) => rs[a..b].iter().all(|&r| add(&mut table, r as usize)),
                None => (a..b).all(|r| add(&mut table, r)),
            };
            ok.then_some(table.entries)
        })
        .collect::<Option<_>>()?;
    let mut all: Vec<Tally> = counted.into_iter().flatten().collect();
    all.sort_unstable_by_key(|t| (t.bits, t.tag));
    // Merge the entries of one (time, tag) counted in different chunks.
    let mut out: Vec<Tally> = Vec::with_capacity(all.len());
    for t in all {
        match out.last_mut() {
            Some(last) if last.bits == t.bits && last.tag == t.tag => {
                last.events += t.events;
                last.censored += t.censored;
            }
            _ => out.push(t),
        }
    }
    Some(out)
}

/// A dense count pays off when the array has at most a quarter as many cells as there are rows.
const DENSE_SHARE: usize = 4;

/// The number of (time, tag) cells of a dense count, when every time is a whole number and the cells are few
/// enough next to the rows.
fn dense_cells(time: &[f64], rows: Option<&[u32]>, n_tags: usize) -> Option<usize> {
    // Max of the times as integers, or None when one is not a whole number (or above u32::MAX).
    fn whole_max(values: impl Iterator<Item = f64>) -> Option<u32> {
        let (mut whole, mut max) = (true, 0u32);
        for t in values {
            let i = t as u32; // saturating; NaN was excluded by validate
            whole &= f64::from(i) == t;
            max = max.max(i);
        }
        whole.then_some(max)
    }
    const SCAN: usize = 1 << 16;
    let max = match rows {
        None => time
            .par_chunks(SCAN)
            .map(|c| whole_max(c.iter().copied()))
            .try_reduce(|| 0, |a, b| Some(a.max(b)))?,
        Some(rs) => rs
            .par_chunks(SCAN)
            .map(|c| whole_max(c.iter().map(|&r| time[r as usize])))
            .try_reduce(|| 0, |a, b| Some(a.max(b)))?,
    };
    let n = rows.map_or(time.len(), <[u32]>::len);
    let cells = (max as usize + 1).checked_mul(n_tags.max(1))?;
    (cells.saturating_mul(DENSE_SHARE) <= n).then_some(cells)
}

/// Counts whole-number times in an array of `cells` = (max time + 1) x `n_tags` entries of [events, censored],
/// one array per parallel chunk, then lists the non-empty cells in (time, tag) order.
fn count_dense(
    time: &[f64],
    event: &[bool],
    rows: Option<&[u32]>,
    n_tags: usize,
    cells: usize,
    tag: &(impl Fn(usize) -> u32 + Sync),
) -> Vec<Tally> {
    let n = rows.map_or(time.len(), <[u32]>::len);
    // Each chunk's array is at most a quarter of its rows, so the arrays never cost more than the rows.
    let n_chunks = rayon::current_num_threads()
        .min(n / (DENSE_SHARE * cells))
        .max(1);
    let per = n.div_ceil(n_chunks);
    let count = |c: usize| {
        let mut counts = vec![[0u32; 2]; cells];
        let mut add = |r: usize| {
            let cell = time[r] as usize * n_tags + tag(r) as usize;
            counts[cell][usize::from(!event[r])] += 1;
        };
        let (a, b) = (c * per, ((c + 1) * per).min(n));
        match rows {
            Some(rs) => rs[a..b].iter().for_each(|&r| add(r as usize)),
            None => (a..b).for_each(add),
        }
        counts
    };
    let counts = (0..n_chunks)
        .into_par_iter()
        .map(count)
        .reduce_with(|mut a, b| {
            for (x, y) in a.iter_mut().zip(&b) {
                x[0] += y[0];
                x[1] += y[1];
            }
            a
        })
        .unwrap_or_default();
    counts
        .iter()
        .enumerate()
        .filter(|(_, c)| c[0] + c[1] > 0)
        .map(|(cell, c)| Tally {
            bits: ((cell / n_tags) as f64).to_bits(),
            tag: (cell % n_tags) as u32,
            events: c[0],
            censored: c[1],
        })
        .collect()
}

/// An open-addressing hash table from (time bits, tag) to an entry of `entries`; grows by doubling.
struct Table {
    /// Index + 1 of the entry in each slot, 0 for an empty slot.
    slots: Vec<u32>,
    shift: u32,
    entries: Vec<Tally>,
}

impl Table {
    fn new() -> Table {
        let bits = 12;
        Table {
            slots: vec![0; 1 << bits],
            shift: 64 - bits,
            entries: Vec::new(),
        }
    }

    #[inline]
    fn slot(&self, bits: u64, tag: u32) -> usize {
        // A multiply-xorshift mix: integer-valued times differ only in their high bits.
        let mut h = bits ^ (u64::from(tag) << 7) ^ (bits >> 29);
        h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> self.shift) as usize
    }

    /// Counts one row; false once there are more than `limit` entries.
    #[inline]
    fn add(&mut self, time: f64, event: bool, tag: u32, limit: usize) -> bool {
        let bits = if time == 0.0 { 0 } else { time.to_bits() }; // +0.0 stands in for −0.0
        let mask = self.slots.len() - 1;
        let mut s = self.slot(bits, tag);
        loop {
            let e = self.slots[s];
            if e == 0 {
                break;
            }
            let t = &mut self.entries[e as usize - 1];
            if t.bits == bits && t.tag == tag {
                t.events += u32::from(event);
                t.censored += u32::from(!event);
                return true;
            }
            s = (s + 1) & mask;
        }
        if self.entries.len() >= limit {
            return false;
        }
        self.entries.push(Tally {
            bits,
            tag,
            events: u32::from(event),
            censored: u32::from(!event),
        });
        self.slots[s] = self.entries.len() as u32;
        if 2 * self.entries.len() > self.slots.len() {
            self.grow();
        }
        true
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        self.shift -= 1;
        self.slots = vec![0; size];
        for (i, t) in self.entries.iter().enumerate() {
            let mut s = self.slot(t.bits, t.tag);
            while self.slots[s] != 0 {
                s = (s + 1) & (size - 1);
            }
            self.slots[s] = i as u32 + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dense array and the hash table count the same entries.
    #[test]
    fn dense_and_hashed_counts_agree() {
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
            let cells = dense_cells(&time, subset, 5).expect("whole-number times in a small range");
            let dense = count_dense(&time, &event, subset, 5, cells, &|r| tag[r]);
            let hashed = count_hashed(&time, &event, subset, &|r| tag[r]).unwrap();
            assert_eq!(dense.len(), hashed.len());
            for (a, b) in dense.iter().zip(&hashed) {
                assert_eq!(
                    (a.bits, a.tag, a.events, a.censored),
                    (b.bits, b.tag, b.events, b.censored)
                );
            }
        }
    }

    #[test]
    fn distinct_times_give_up() {
        let time: Vec<f64> = (0..400_000).map(|i| i as f64 * 0.5).collect();
        let event = vec![true; time.len()];
        assert!(tally_by_time(&time, &event, None, 1, |_| 0).is_none());
    }

    /// Whole numbers over a range as wide as the rows are hashed (a dense array would be mostly empty); a
    /// fraction anywhere rules the array out.
    #[test]
    fn dense_only_for_narrow_whole_numbers() {
        let wide: Vec<f64> = (0..100_000).map(|i| (i % 50_000) as f64).collect();
        assert_eq!(dense_cells(&wide, None, 1), None);
        let narrow: Vec<f64> = (0..100_000).map(|i| (i % 1000) as f64).collect();
        assert_eq!(dense_cells(&narrow, None, 3), Some(3000));
        let mut fraction = narrow.clone();
        fraction[77_777] = 3.5;
        assert_eq!(dense_cells(&fraction, None, 3), None);
        let rows: Vec<u32> = (0..77_777).collect();
        assert_eq!(dense_cells(&fraction, Some(&rows), 3), Some(3000));
    }
}
