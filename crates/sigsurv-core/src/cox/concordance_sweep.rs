//! Concordance of right-censored data by one sweep over the risk score, with a Fenwick tree over the
//! (few) distinct times instead of over the (many) distinct scores: the tree stays in cache.
//!
//! Each row gets a time code `c = 2 · rank(time) + [censored]`. A pair (i, j) with i an event is
//! comparable exactly when `c_j > c_i` (j lives longer, or is censored at i's time), and then it is
//! concordant when η_i > η_j, discordant when η_i < η_j, tied.x when η_i = η_j (reverse = TRUE).
//! Sweeping the rows by η ascending, with trees of the rows of smaller η (all rows, and events, by
//! code), gives every row's share of each kind of pair (needed for the jackknife variance):
//! ```text
//! event i:   concordant = Σ_{η_j < η_i, c_j > c_i} w_j,   tied.x = Σ_{η_j = η_i, c_j > c_i} w_j,   discordant = rest of Σ_{c_j > c_i} w_j
//! any row j: discordant = Σ_{η_i < η_j, c_i < c_j, i event} w_i,   tied.x likewise with η_i = η_j,   concordant = rest
//! ```
//! Events tied in time are tied.y, tied.xy when η ties too. Counts and variance are those of
//! `concordance.rs` (R's `concordancefit(..., reverse = TRUE, timewt = "n")`); O(n log n) for the sort
//! and O(n log T) for the sweep, T the number of distinct times.

use super::prep::Prepared;
use crate::sort_key::total_order_bits;
use rayon::prelude::*;

/// Rows per chunk of the parallel sweep, at least (fixed: results do not depend on the number of threads).
#[cfg(not(test))]
const CHUNK: usize = 1 << 18;
/// Small chunks in unit tests, so that small data cross chunk boundaries.
#[cfg(test)]
const CHUNK: usize = 1 << 10;

/// Fenwick tree of weights over codes 0..m, with its running total.
struct Fenwick {
    tree: Vec<f64>,
    total: f64,
}

impl Fenwick {
    fn add(&mut self, c: usize, w: f64) {
        self.total += w;
        let mut i = c + 1;
        while i < self.tree.len() {
            self.tree[i] += w;
            i += i & i.wrapping_neg();
        }
    }

    /// Σ weights with code < c.
    fn below(&self, c: usize) -> f64 {
        let (mut s, mut i) = (0.0, c);
        while i > 0 {
            s += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        s
    }

    /// Σ weights with code > c.
    fn above(&self, c: usize) -> f64 {
        self.total - self.below(c + 1)
    }

    /// The tree of the weights `h[c]` by code (linear-time build).
    fn from_weights(h: &[f64]) -> Fenwick {
        let mut tree = vec![0.0; h.len() + 1];
        tree[1..].copy_from_slice(h);
        for i in 1..tree.len() {
            let parent = i + (i & i.wrapping_neg());
            if parent < tree.len() {
                tree[parent] += tree[i];
            }
        }
        Fenwick {
            tree,
            total: h.iter().sum(),
        }
    }
}

/// Per-stratum result: pair counts [discordant, concordant, tied.x, tied.y (all time ties), tied.xy],
/// and each row's pair shares [disc, conc, tied.x] with its sorted position.
pub(crate) struct Sweep {
    pub count: [f64; 5],
    pub inf: Vec<[f64; 3]>,
    pub pos: Vec<u32>,
}

/// Static per-stratum tables shared by the chunks.
struct Tables<'a> {
    prep: &'a Prepared,
    b0: usize,
    weighted: bool,
    /// Σ w of all rows with code ≥ c, and of events with code < c.
    all_ge: Vec<f64>,
    ev_lt: Vec<f64>,
}

impl Tables<'_> {
    #[inline]
    fn w(&self, i: u32) -> f64 {
        if self.weighted {
            self.prep.weight[self.b0 + i as usize]
        } else {
            1.0
        }
    }
}

/// One stratum ready for the sweep: its tables and its rows as (η key, time code, position − b0), in position
/// order. It no longer needs η itself, so the caller can free it before the sort and sweep.
pub(crate) struct SweepInput<'a> {
    t: Tables<'a>,
    b1: usize,
    ncodes: usize,
    items: Vec<(u64, u32, u32)>,
}

impl<'a> SweepInput<'a> {
    /// Stratum positions b0..b1 (sorted by stop descending); `lp` holds each original row's score.
    pub fn new(prep: &'a Prepared, lp: &[f64], b0: usize, b1: usize, weighted: bool) -> Self {
        let m = b1 - b0;
        // Time codes: positions run in descending time, so rank = (number of groups − 1 − group index).
        let mut code = vec![0u32; m];
        let mut ng = 0usize;
        for k in b0..b1 {
            if k > b0 && prep.stop[k] != prep.stop[k - 1] {
                ng += 1;
            }
            code[k - b0] = ng as u32; // provisional: group index
        }
        let ngroups = ng + 1;
        for (i, c) in code.iter_mut().enumerate() {
            let rank = (ngroups - 1 - *c as usize) as u32;
            *c = 2 * rank + u32::from(!prep.event[b0 + i]);
        }
        let ncodes = 2 * ngroups;
        let mut t = Tables {
            prep,
            b0,
            weighted,
            all_ge: vec![0.0; ncodes + 1],
            ev_lt: vec![0.0; ncodes + 1],
        };
        for (i, &c) in code.iter().enumerate() {
            let w = t.w(i as u32);
            t.all_ge[c as usize] += w;
            if c & 1 == 0 {
                t.ev_lt[c as usize + 1] += w;
            }
        }
        for c in (0..ncodes).rev() {
            t.all_ge[c] += t.all_ge[c + 1];
        }
        for c in 1..=ncodes {
            t.ev_lt[c] += t.ev_lt[c - 1];
        }
        // η as a key whose unsigned order is the numeric order.
        let key = total_order_bits;
        let order = &prep.order[b0..b1];
        let mut items = vec![(0u64, 0u32, 0u32); m];
        const ROWS: usize = 1 << 14;
        items
            .par_chunks_mut(ROWS)
            .zip(code.par_chunks(ROWS))
            .enumerate()
            .for_each(|(ch, (out, codes))| {
                let a = ch * ROWS;
                for (i, (o, &c)) in out.iter_mut().zip(codes).enumerate() {
                    *o = (key(lp[order[a + i] as usize]), c, (a + i) as u32);
                }
            });
        SweepInput {
            t,
            b1,
            ncodes,
            items,
        }
    }

    /// The sweep: pair counts and each row's shares.
    pub fn run(self) -> Sweep {
        sweep(self)
    }
}

fn sweep(input: SweepInput) -> Sweep {
    let SweepInput {
        t,
        b1,
        ncodes,
        mut items,
    } = input;
    let (prep, b0, weighted) = (t.prep, t.b0, t.weighted);
    let m = items.len();
    // Rows by η ascending, then by code (as the within-group pass needs), then position.
    if m > 1 << 16 {
        items.par_sort_unstable();
    } else {
        items.sort_unstable();
    }

    // Fixed chunks of whole η groups, each at least 8 rows per time code (the trees each chunk starts from cost
    // O(codes) to build).
    let mut bounds = vec![0usize];
    let chunk = CHUNK.max(8 * ncodes);
    let mut a = chunk;
    while a < m {
        while a < m && items[a].0 == items[a - 1].0 {
            a += 1;
        }
        if a < m {
            bounds.push(a);
        }
        a += chunk;
    }
    bounds.push(m);
    let chunks: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
    // Tree state at the start of each chunk: weights by code of all earlier chunks.
    let hist: Vec<(Vec<f64>, Vec<f64>)> = chunks[..chunks.len() - 1]
        .par_iter()
        .map(|&(a, b)| {
            let (mut all, mut ev) = (vec![0.0; ncodes], vec![0.0; ncodes]);
            for &(_, c, i) in &items[a..b] {
                let w = t.w(i);
                all[c as usize] += w;
                if c & 1 == 0 {
                    ev[c as usize] += w;
                }
            }
            (all, ev)
        })
        .collect();
    let mut starts = vec![(vec![0.0; ncodes], vec![0.0; ncodes])];
    for (all, ev) in &hist {
        let (pa, pe) = starts.last().unwrap();
        let na: Vec<f64> = pa.iter().zip(all).map(|(x, y)| x + y).collect();
        let ne: Vec<f64> = pe.iter().zip(ev).map(|(x, y)| x + y).collect();
        starts.push((na, ne));
    }
    drop(hist);

    let mut inf = vec![[0.0f64; 3]; m];
    let mut slices: Vec<&mut [[f64; 3]]> = Vec::with_capacity(chunks.len());
    let mut rest = inf.as_mut_slice();
    for &(a, b) in &chunks {
        let (head, tail) = rest.split_at_mut(b - a);
        slices.push(head);
        rest = tail;
    }
    let counts: Vec<[f64; 5]> = slices
        .into_par_iter()
        .zip(&chunks)
        .zip(&starts)
        .map(|((out, &(a, b)), (all0, ev0))| {
            let all = Fenwick::from_weights(all0);
            let ev = Fenwick::from_weights(ev0);
            sweep_chunk(&t, &items[a..b], all, ev, out)
        })
        .collect();
    let mut count = [0.0f64; 5];
    for c in &counts {
        for j in 0..5 {
            count[j] += c[j];
        }
    }
    // Events tied in time (tied.y, including tied.xy).
    let mut k = b0;
    while k < b1 {
        let (mut acc, time) = (0.0, prep.stop[k]);
        while k < b1 && prep.stop[k] == time {
            if prep.event[k] {
                let w = if weighted { prep.weight[k] } else { 1.0 };
                count[3] += w * acc;
                acc += w;
            }
            k += 1;
        }
    }
    let pos = items
        .iter()
        .map(|&(_, _, i)| (b0 + i as usize) as u32)
        .collect();
    Sweep { count, inf, pos }
}

/// The sweep over `items` (η ascending, whole η groups) from the given tree state.
fn sweep_chunk(
    t: &Tables,
    items: &[(u64, u32, u32)],
    mut all: Fenwick,
    mut ev: Fenwick,
    inf: &mut [[f64; 3]],
) -> [f64; 5] {
    let mut count = [0.0f64; 5];
    let m = items.len();
    let mut a = 0;
    while a < m {
        let mut b = a + 1;
        while b < m && items[b].0 == items[a].0 {
            b += 1;
        }
        // The group a..b has one η and is sorted by code: within it, the weight of rows with a
        // greater code and of events with a smaller one.
        let total: f64 = if b - a == 1 {
            t.w(items[a].2)
        } else {
            items[a..b].iter().map(|it| t.w(it.2)).sum()
        };
        let (mut seen_all, mut seen_ev) = (0.0, 0.0);
        let mut g0 = a;
        while g0 < b {
            let mut g1 = g0 + 1;
            while g1 < b && items[g1].1 == items[g0].1 {
                g1 += 1;
            }
            let c = items[g0].1 as usize;
            let run: f64 = if g1 - g0 == 1 {
                t.w(items[g0].2)
            } else {
                items[g0..g1].iter().map(|it| t.w(it.2)).sum()
            };
            let greater = total - seen_all - run;
            let is_event = c & 1 == 0;
            // Tree queries depend on the code only: once per run.
            let below = if is_event { all.above(c) } else { 0.0 };
            let above = if is_event {
                t.all_ge[c + 1] - below - greater
            } else {
                0.0
            };
            let ev_below = ev.below(c);
            let ev_above = t.ev_lt[c] - ev_below - seen_ev;
            let mut acc = 0.0;
            for (s, it) in (g0..g1).zip(&items[g0..g1]) {
                let w = t.w(it.2);
                let f = &mut inf[s];
                if is_event {
                    count[0] += w * above;
                    count[1] += w * below;
                    count[2] += w * greater;
                    // Events tied on time and η.
                    count[4] += w * acc;
                    acc += w;
                    f[0] = above + ev_below;
                    f[1] = below + ev_above;
                    f[2] = greater + seen_ev;
                } else {
                    f[0] = ev_below;
                    f[1] = ev_above;
                    f[2] = seen_ev;
                }
            }
            seen_all += run;
            if is_event {
                seen_ev += run;
            }
            g0 = g1;
        }
        for it in &items[a..b] {
            let (c, w) = (it.1 as usize, t.w(it.2));
            all.add(c, w);
            if c & 1 == 0 {
                ev.add(c, w);
            }
        }
        a = b;
    }
    count
}
