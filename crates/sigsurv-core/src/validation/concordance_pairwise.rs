//! The concordance by its definition: every pair of rows of a stratum is visited. O(n^2); the reference the
//! tree pass is tested against.

use super::concordance_tally::{PairTally, Prepared};

/// Adds the pairs of one stratum to `tally`, event rows weighted by their time weights `v`.
pub(crate) fn tally_pairwise(p: &Prepared, v: &[f64], stratum: usize, tally: &mut PairTally) {
    let rows = &p.strata[stratum];
    for (a, &i) in rows.iter().enumerate() {
        if !p.event[i] {
            continue;
        }
        let v = v[i];
        for (b, &j) in rows.iter().enumerate() {
            if j == i {
                continue;
            }
            let pair = p.weight[i] * p.weight[j] * v;
            let later = p.time[j] > p.time[i] || (p.time[j] == p.time[i] && !p.event[j]);
            if later {
                // Concordant in R's orientation: the later row has the larger marker.
                let kind = match p.rank[j].cmp(&p.rank[i]) {
                    std::cmp::Ordering::Greater => 0,
                    std::cmp::Ordering::Less => 1,
                    std::cmp::Ordering::Equal => 2,
                };
                match kind {
                    0 => tally.concordant += pair,
                    1 => tally.discordant += pair,
                    _ => tally.tied_x += pair,
                }
                tally.influence[i][kind] += p.weight[j] * v;
                tally.influence[j][kind] += p.weight[i] * v;
            } else if p.time[j] == p.time[i] && p.event[j] && b > a {
                tally.tied_y_all += pair;
                if p.rank[j] == p.rank[i] {
                    tally.tied_xy += pair;
                }
            }
        }
    }
}
