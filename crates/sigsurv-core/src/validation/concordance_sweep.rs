//! The O(n log n) pass of the concordance for data with few distinct times: rows visited by increasing
//! marker, with the weights of the rows already passed (smaller markers) in Fenwick trees over time
//! codes. The trees have two entries per distinct time, so with times in days they stay in cache where the
//! trees over marker ranks of `concordance_tree.rs` (one entry per distinct marker) do not.
//!
//! Each row gets the time code c = 2 rank(time) + [censored]: a pair (i, j) with i an event is comparable
//! exactly when c_j > c_i (j later, or censored at i's time). Visiting rows by increasing marker, with the
//! rows of smaller markers in a tree of weights w (all rows) and w v (events), every row's share of each
//! kind of pair is a query by its code:
//! ```text
//! event i: concordant = Σ_{x_j > x_i, c_j > c_i} w_j   discordant = Σ_{x_j < x_i, c_j > c_i} w_j   tied_x: x_j = x_i
//! row j:   concordant = Σ_{x_i < x_j, c_i < c_j} w_i v_i over events i, discordant x_i > x_j, tied_x x_i = x_j
//! ```
//! (R's orientation: concordant when the later row has the larger marker).

use super::concordance_tally::{add_tied_events, PairTally, Prepared};
use super::fenwick::Fenwick;

/// Adds the pairs of one stratum (event rows' time weights `v`) to `tally`.
pub(crate) fn tally_sweep(p: &Prepared, v: &[f64], stratum: usize, tally: &mut PairTally) {
    let rows = &p.strata[stratum];
    let n_codes = p.n_codes[stratum];
    // Totals by code: the weight of all rows with code >= c, and of events (times v) with code < c.
    let mut all_from = vec![0.0; n_codes + 1];
    let mut events_before = vec![0.0; n_codes + 1];
    for block in rows.chunk_by(|&a, &b| p.time[a] == p.time[b]) {
        // Censored rows come first in a block of tied times: the rest are its events, in rank order.
        let first_event = block.iter().take_while(|&&i| !p.event[i]).count();
        let tied = &block[first_event..];
        if let Some(&last) = tied.last() {
            add_tied_events(p, tied, v[last], tally);
        }
        for &i in block {
            let c = p.time_code[i] as usize;
            all_from[c] += p.w(i);
            if p.event[i] {
                events_before[c + 1] += p.w(i) * v[i];
            }
        }
    }
    for c in (0..n_codes).rev() {
        all_from[c] += all_from[c + 1];
    }
    for c in 1..=n_codes {
        events_before[c] += events_before[c - 1];
    }

    // The time weight of each event code (one per time), read once per block of tied times.
    let mut v_code = vec![0.0; n_codes];
    for block in rows.chunk_by(|&a, &b| p.time[a] == p.time[b]) {
        if let Some(&e) = block.iter().find(|&&i| p.event[i]) {
            v_code[p.time_code[e] as usize] = v[e];
        }
    }

    let sorted = &p.by_marker[stratum];
    // Side by side in one tree: the weights of all rows, and the time-weighted weights of the events.
    let mut passed: Fenwick<2> = Fenwick::new(n_codes);
    for group in sorted.chunk_by(|a, b| a.0 == b.0) {
        // Within one marker value (rows by code): the group's rows with a greater code and its events with a
        // smaller one are its ties.
        let group_total: f64 = group.iter().map(|g| p.w(g.2 as usize)).sum();
        let (mut seen_all, mut seen_events) = (0.0, 0.0);
        for run in group.chunk_by(|a, b| a.1 == b.1) {
            let c = run[0].1 as usize;
            let run_weight: f64 = run.iter().map(|g| p.w(g.2 as usize)).sum();
            let is_event = c & 1 == 0; // even codes are events
            let vi = v_code[c];
            let later_tied = group_total - seen_all - run_weight;
            let (below, _, above) = passed.split_all(c);
            let later_below = above[0];
            let later_above = all_from[c + 1] - later_below - later_tied;
            let earlier_below = below[1];
            let earlier_above = events_before[c] - earlier_below - seen_events;
            for &(_, _, i) in run {
                let i = i as usize;
                let mut share = [earlier_below, earlier_above, seen_events];
                if is_event {
                    let w = p.w(i);
                    tally.concordant += w * later_above * vi;
                    tally.discordant += w * later_below * vi;
                    tally.tied_x += w * later_tied * vi;
                    share[0] += later_above * vi;
                    share[1] += later_below * vi;
                    share[2] += later_tied * vi;
                }
                let row = &mut tally.influence[i];
                for k in 0..3 {
                    row[k] += share[k];
                }
            }
            if is_event {
                seen_events += run_weight * vi;
            }
            seen_all += run_weight;
        }
        // The group enters the trees only now: its rows are not below one another.
        for run in group.chunk_by(|a, b| a.1 == b.1) {
            let c = run[0].1 as usize;
            let run_weight: f64 = run.iter().map(|g| p.w(g.2 as usize)).sum();
            let events = if c & 1 == 0 {
                run_weight * v_code[c]
            } else {
                0.0
            };
            passed.add_all(c, [run_weight, events]);
        }
    }
}
