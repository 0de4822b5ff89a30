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

/// Fenwick tree of weights over codes 0..m, with its running total.
struct Fenwick {
    tree: Vec<f64>,
    total: f64,
}

impl Fenwick {
    fn new(m: usize) -> Fenwick {
        Fenwick {
            tree: vec![0.0; m + 1],
            total: 0.0,
        }
    }

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
}

/// Per-stratum result: pair counts [discordant, concordant, tied.x, tied.y (all time ties), tied.xy],
/// and each row's pair shares [disc, conc, tied.x] with its sorted position.
pub(crate) struct Sweep {
    pub count: [f64; 5],
    pub inf: Vec<[f64; 3]>,
    pub pos: Vec<u32>,
}

/// Sweeps stratum positions b0..b1 (sorted by stop descending); `eta[k - b0]` is row k's score.
pub(crate) fn sweep(prep: &Prepared, eta: &[f64], b0: usize, b1: usize) -> Sweep {
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
    // Static totals: all rows by code (suffix sums) and events by code (prefix sums).
    let mut all_ge = vec![0.0; ncodes + 1];
    let mut ev_lt = vec![0.0; ncodes + 1];
    for (i, &c) in code.iter().enumerate() {
        let w = prep.weight[b0 + i];
        all_ge[c as usize] += w;
        if c & 1 == 0 {
            ev_lt[c as usize + 1] += w;
        }
    }
    for c in (0..ncodes).rev() {
        all_ge[c] += all_ge[c + 1];
    }
    for c in 1..=ncodes {
        ev_lt[c] += ev_lt[c - 1];
    }

    // Rows by η ascending (ties by position: deterministic).
    let key = |v: f64| {
        let b = v.to_bits();
        if b >> 63 == 1 {
            !b
        } else {
            b | (1 << 63)
        }
    };
    let mut by_eta: Vec<(u64, u32)> = (0..m).map(|i| (key(eta[i]), i as u32)).collect();
    if m > 1 << 16 {
        use rayon::slice::ParallelSliceMut;
        by_eta.par_sort_unstable();
    } else {
        by_eta.sort_unstable();
    }

    let mut count = [0.0f64; 5];
    let mut inf = vec![[0.0f64; 3]; m];
    let mut all = Fenwick::new(ncodes);
    let mut ev = Fenwick::new(ncodes);
    // Scratch for one group of equal η: (code, weight, sweep index).
    let mut grp: Vec<(u32, f64, usize)> = Vec::new();
    let mut a = 0;
    while a < m {
        let mut b = a + 1;
        while b < m && by_eta[b].0 == by_eta[a].0 {
            b += 1;
        }
        grp.clear();
        grp.extend((a..b).map(|s| {
            let i = by_eta[s].1 as usize;
            (code[i], prep.weight[b0 + i], s)
        }));
        if grp.len() > 1 {
            grp.sort_unstable_by_key(|g| (g.0, g.2));
        }
        // Within the group, by code: weight of rows with a greater code, of events with a smaller one.
        let total: f64 = grp.iter().map(|g| g.1).sum();
        let (mut seen_all, mut seen_ev) = (0.0, 0.0);
        let mut g0 = 0;
        while g0 < grp.len() {
            let mut g1 = g0 + 1;
            while g1 < grp.len() && grp[g1].0 == grp[g0].0 {
                g1 += 1;
            }
            let c = grp[g0].0 as usize;
            let run: f64 = grp[g0..g1].iter().map(|g| g.1).sum();
            let greater = total - seen_all - run;
            let is_event = c & 1 == 0;
            for &(_, w, s) in &grp[g0..g1] {
                let inf_s = &mut inf[s];
                if is_event {
                    let below = all.above(c);
                    let above = all_ge[c + 1] - below - greater;
                    count[0] += w * above;
                    count[1] += w * below;
                    count[2] += w * greater;
                    inf_s[0] += above;
                    inf_s[1] += below;
                    inf_s[2] += greater;
                }
                let ev_below = ev.below(c);
                let ev_above = ev_lt[c] - ev_below - seen_ev;
                inf_s[0] += ev_below;
                inf_s[1] += ev_above;
                inf_s[2] += seen_ev;
            }
            if is_event && g1 - g0 > 1 {
                // Events tied on time and η.
                let mut acc = 0.0;
                for &(_, w, _) in &grp[g0..g1] {
                    count[4] += w * acc;
                    acc += w;
                }
            }
            seen_all += run;
            if is_event {
                seen_ev += run;
            }
            g0 = g1;
        }
        for &(c, w, _) in &grp {
            all.add(c as usize, w);
            if c & 1 == 0 {
                ev.add(c as usize, w);
            }
        }
        a = b;
    }
    // Events tied in time (tied.y, including tied.xy).
    let mut k = b0;
    while k < b1 {
        let (mut acc, t) = (0.0, prep.stop[k]);
        while k < b1 && prep.stop[k] == t {
            if prep.event[k] {
                count[3] += prep.weight[k] * acc;
                acc += prep.weight[k];
            }
            k += 1;
        }
    }
    let pos = by_eta
        .iter()
        .map(|&(_, i)| (b0 + i as usize) as u32)
        .collect();
    Sweep { count, inf, pos }
}
