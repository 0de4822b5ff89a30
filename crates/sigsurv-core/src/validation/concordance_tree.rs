//! The O(n log n) pass of the concordance: rows visited from the latest time down, with the weights of the
//! rows already passed (still at risk) and of the events already passed in two Fenwick trees over the marker's
//! ranks. The idea is survival's `concordance3.c`.

use super::concordance_tally::{add_tied_events, PairTally, Prepared};
use super::fenwick::Fenwick;

/// Adds the pairs of one stratum (its rows in the order of [`Prepared`], event rows' time weights `v`) to
/// `tally`.
///
/// An event row meets, in the risk tree, every row that is later or censored at its time; a row entering the
/// risk tree is charged minus the events already in the event tree, and credited with the whole event tree at
/// the end, so that it keeps exactly the events earlier than itself.
pub(crate) fn tally_tree(p: &Prepared, v: &[f64], stratum: usize, tally: &mut PairTally) {
    let rows = &p.strata[stratum];
    let mut at_risk = Fenwick::new(p.n_ranks);
    let mut events = Fenwick::new(p.n_ranks);
    let mut i = 0;
    while i < rows.len() {
        let r = rows[i];
        if !p.event[r] {
            charge_entry(&events, p.rank[r], &mut tally.influence[r]);
            at_risk.add(p.rank[r], p.weight[r]);
            i += 1;
            continue;
        }
        // The events tied at this time: censored rows sorted first, so the rest of the time block.
        let end = i + rows[i..]
            .iter()
            .take_while(|&&j| p.time[j] == p.time[r])
            .count();
        let tied = &rows[i..end];
        let v = v[r];
        add_tied_events(p, tied, v, tally);
        for &j in tied {
            let w = p.weight[j];
            let (below, at, above) = at_risk.split(p.rank[j]);
            tally.concordant += w * above * v;
            tally.discordant += w * below * v;
            tally.tied_x += w * at * v;
            let inf = &mut tally.influence[j];
            inf[0] += above * v;
            inf[1] += below * v;
            inf[2] += at * v;
            events.add(p.rank[j], w * v);
        }
        for &j in tied {
            charge_entry(&events, p.rank[j], &mut tally.influence[j]);
            at_risk.add(p.rank[j], p.weight[j]);
        }
        i = end;
    }
    for &r in rows {
        let (below, at, above) = events.split(p.rank[r]);
        let inf = &mut tally.influence[r];
        inf[0] += below;
        inf[1] += above;
        inf[2] += at;
    }
}

/// The events already passed when a row enters the risk set are later than it: they are taken off now and
/// come back in the final credit, which leaves the earlier ones.
fn charge_entry(events: &Fenwick, rank: usize, inf: &mut [f64; 3]) {
    let (below, at, above) = events.split(rank);
    inf[0] -= below;
    inf[1] -= above;
    inf[2] -= at;
}
