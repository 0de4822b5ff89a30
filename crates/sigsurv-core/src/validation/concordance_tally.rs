//! The rows of a concordance prepared for counting (merged times, marker ranks, per-option time weights) and
//! the weighted pair counts with each row's share, from which C and its infinitesimal-jackknife variance follow.

use super::censoring_weights::event_time_weights;
use super::concordance_types::{Concordance, ConcordanceData, ConcordanceOptions};
use crate::error::{CoreError, Result};
use crate::sort_key::{sort_keys, total_order_bits};
use crate::timefix::timefix;

/// The rows checked, with merged times, marker ranks and weights; the same for every option set with the same
/// `timefix`.
pub(crate) struct Prepared {
    pub(crate) time: Vec<f64>,
    pub(crate) event: Vec<bool>,
    /// Rank of each marker among the distinct markers (0-based).
    pub(crate) rank: Vec<usize>,
    pub(crate) n_ranks: usize,
    pub(crate) weight: Vec<f64>,
    /// Row indices of each stratum, by decreasing time, censored before events at a tied time, then by rank.
    pub(crate) strata: Vec<Vec<usize>>,
    /// The rows of each stratum by increasing marker, then time code: (marker rank, time code, row).
    pub(crate) by_marker: Vec<Vec<(u32, u32, u32)>>,
    /// Whether the rows have case weights (else every weight is 1).
    pub(crate) weighted: bool,
    /// Each row's time code in its stratum: 2 rank(time) + [censored], ranks from the earliest time.
    pub(crate) time_code: Vec<u32>,
    /// The number of time codes of each stratum (twice its distinct times).
    pub(crate) n_codes: Vec<usize>,
}

impl Prepared {
    /// Checks the rows (and each option set's `tau`) and sorts them; `opts` share one `timefix`.
    pub(crate) fn new(data: &ConcordanceData, opts: &[ConcordanceOptions]) -> Result<Prepared> {
        let n = data.time.len();
        if n == 0 {
            return Err(CoreError::Empty);
        }
        let check_len = |what: &'static str, got: usize| {
            if got == n {
                Ok(())
            } else {
                Err(CoreError::LengthMismatch {
                    what,
                    got,
                    expected: n,
                })
            }
        };
        check_len("event", data.event.len())?;
        check_len("marker", data.marker.len())?;
        if let Some(w) = data.weight {
            check_len("weight", w.len())?;
        }
        if let Some(s) = data.strata {
            check_len("strata", s.len())?;
        }
        if opts.iter().any(|o| o.tau.is_some_and(f64::is_nan)) {
            return Err(CoreError::InvalidArgument("tau is NaN".into()));
        }
        for (row, &t) in data.time.iter().enumerate() {
            if !t.is_finite() {
                return Err(CoreError::NonFiniteTime { row, value: t });
            }
        }
        for (row, &x) in data.marker.iter().enumerate() {
            if !x.is_finite() {
                return Err(CoreError::NonFinite {
                    what: "marker".into(),
                    row,
                    value: x,
                });
            }
        }
        let weight = match data.weight {
            Some(w) => {
                if let Some((row, &value)) = w
                    .iter()
                    .enumerate()
                    .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
                {
                    return Err(CoreError::InvalidWeight { row, value });
                }
                w.to_vec()
            }
            None => vec![1.0; n],
        };
        let time = if opts.first().is_none_or(|o| o.timefix) {
            timefix(data.time)
        } else {
            data.time.to_vec()
        };
        let (rank, n_ranks, marker_order) = marker_ranks(data.marker);
        let stratum = |i: usize| data.strata.map_or(0, |s| s[i]);
        // Rows by stratum, latest time first, censored before events, then marker rank: sorted on one packed key
        // per row (the comparisons read contiguous keys, not four scattered columns).
        let mut keyed: Vec<(u32, u64, u64, u32)> = (0..n)
            .map(|i| {
                // Inverted for the latest time first.
                let ordered = total_order_bits(time[i]);
                let tail = (u64::from(data.event[i]) << 32) | rank[i] as u64;
                (stratum(i), !ordered, tail, i as u32)
            })
            .collect();
        sort_keys(&mut keyed);
        let order: Vec<usize> = keyed.into_iter().map(|k| k.3 as usize).collect();
        // Without strata the order is the one stratum (no copy of millions of indices).
        let strata: Vec<Vec<usize>> = match data.strata {
            None => vec![order],
            Some(_) => order
                .chunk_by(|&a, &b| stratum(a) == stratum(b))
                .map(<[usize]>::to_vec)
                .collect(),
        };
        let mut stratum_index = vec![0u32; n];
        let mut time_code = vec![0u32; n];
        let mut n_codes = Vec::with_capacity(strata.len());
        for (k, rows) in strata.iter().enumerate() {
            let blocks: Vec<&[usize]> = rows.chunk_by(|&a, &b| time[a] == time[b]).collect();
            // The rows run by decreasing time: the last block has time rank 0.
            for (b, block) in blocks.iter().enumerate() {
                let time_rank = (blocks.len() - 1 - b) as u32;
                for &i in *block {
                    stratum_index[i] = k as u32;
                    time_code[i] = 2 * time_rank + u32::from(!data.event[i]);
                }
            }
            n_codes.push(2 * blocks.len());
        }
        let mut by_marker: Vec<Vec<(u32, u32, u32)>> =
            strata.iter().map(|r| Vec::with_capacity(r.len())).collect();
        for i in marker_order {
            let i = i as usize;
            by_marker[stratum_index[i] as usize].push((rank[i] as u32, time_code[i], i as u32));
        }
        for rows in &mut by_marker {
            for ties in rows.chunk_by_mut(|a, b| a.0 == b.0) {
                ties.sort_unstable();
            }
        }
        Ok(Prepared {
            time,
            event: data.event.to_vec(),
            rank,
            n_ranks,
            weight,
            strata,
            by_marker,
            weighted: data.weight.is_some(),
            time_code,
            n_codes,
        })
    }

    /// v(t_i) of each event row under `opts` (0 for a censored row): 1 (Harrell) or 1 / G(t_i-)^2 (Uno), 0
    /// after tau.
    pub(crate) fn time_weights(&self, opts: &ConcordanceOptions) -> Result<Vec<f64>> {
        let mut time_weight = vec![0.0; self.time.len()];
        for rows in &self.strata {
            event_time_weights(
                rows,
                &self.time,
                &self.event,
                &self.weight,
                opts.time_weight,
                opts.tau,
                &mut time_weight,
            );
        }
        if time_weight.iter().any(|v| !v.is_finite()) {
            // Only rows of weight 0 after a censoring time make G(t-) = 0 at an event time (R stops too).
            return Err(CoreError::Numerical(
                "the censoring distribution is 0 before an event time (every later row has weight 0): \
                 Uno's weights are infinite"
                    .into(),
            ));
        }
        Ok(time_weight)
    }

    /// The case weight of row `i`.
    #[inline]
    pub(crate) fn w(&self, i: usize) -> f64 {
        if self.weighted {
            self.weight[i]
        } else {
            1.0
        }
    }

    /// The pair counts of every stratum, each counted by `count` with the time weights `v`.
    pub(crate) fn tally(&self, count: CountPairs, v: &[f64]) -> PairTally {
        let mut tally = PairTally::new(self.time.len());
        for k in 0..self.strata.len() {
            count(self, v, k, &mut tally);
        }
        tally
    }
}

/// A way of adding the pairs of the `k`-th stratum of a [`Prepared`] to a tally, with the time weights `v` of
/// the event rows.
pub(crate) type CountPairs = fn(&Prepared, &[f64], usize, &mut PairTally);

/// The pairs of events tied at one time (`tied`, in rank order, all with time weight `v`): not comparable,
/// counted as tied_y, and as tied_xy when the markers are equal too.
pub(crate) fn add_tied_events(p: &Prepared, tied: &[usize], v: f64, tally: &mut PairTally) {
    let mut tied_weight = 0.0;
    for run in tied.chunk_by(|&a, &b| p.rank[a] == p.rank[b]) {
        let mut run_weight = 0.0;
        for &j in run {
            let w = p.weight[j];
            tally.tied_y_all += w * tied_weight * v;
            tally.tied_xy += w * run_weight * v;
            tied_weight += w;
            run_weight += w;
        }
    }
}

/// Ranks of the distinct marker values (equal values, `-0.0` and `0.0` included, share a rank), their number,
/// and the rows by increasing marker.
fn marker_ranks(marker: &[f64]) -> (Vec<usize>, usize, Vec<u32>) {
    let mut keyed: Vec<(u64, u32)> = marker
        .iter()
        .enumerate()
        .map(|(i, x)| (total_order_bits(*x), i as u32))
        .collect();
    sort_keys(&mut keyed);
    let order: Vec<u32> = keyed.into_iter().map(|k| k.1).collect();
    let mut rank = vec![0; marker.len()];
    let mut r = 0;
    for (k, &i) in order.iter().enumerate() {
        if k > 0 && marker[i as usize] != marker[order[k - 1] as usize] {
            r += 1;
        }
        rank[i as usize] = r;
    }
    (rank, r + 1, order)
}

/// Weighted pair counts and, per row, the weight of the concordant, discordant and tied_x pairs it is in, in
/// R's orientation (a pair is concordant when the later time has the larger marker).
pub(crate) struct PairTally {
    pub(crate) concordant: f64,
    pub(crate) discordant: f64,
    pub(crate) tied_x: f64,
    /// All pairs of events at one time, equal markers included.
    pub(crate) tied_y_all: f64,
    pub(crate) tied_xy: f64,
    pub(crate) influence: Vec<[f64; 3]>,
}

impl PairTally {
    fn new(n: usize) -> PairTally {
        PairTally {
            concordant: 0.0,
            discordant: 0.0,
            tied_x: 0.0,
            tied_y_all: 0.0,
            tied_xy: 0.0,
            influence: vec![[0.0; 3]; n],
        }
    }

    pub(crate) fn finish(&self, p: &Prepared, opts: &ConcordanceOptions) -> Result<Concordance> {
        let npair = self.concordant + self.discordant + self.tied_x;
        if !npair.is_finite() {
            // Only a zero-weight risk set makes G(t-) = 0 at an event time.
            return Err(CoreError::Numerical(
                "the censoring distribution is 0 before an event time: Uno's weights are infinite"
                    .into(),
            ));
        }
        if npair <= 0.0 {
            return Err(CoreError::NoComparablePairs);
        }
        let somers_d = (self.concordant - self.discordant) / npair;
        let sum_sq: f64 = self
            .influence
            .iter()
            .zip(&p.weight)
            .map(|(inf, w)| {
                let dfbeta =
                    w * ((inf[0] - inf[1]) / npair - somers_d / npair * (inf[0] + inf[1] + inf[2]));
                dfbeta * dfbeta
            })
            .sum();
        let c = (somers_d + 1.0) / 2.0;
        let (c, concordant, discordant) = if opts.higher_is_riskier {
            (1.0 - c, self.discordant, self.concordant)
        } else {
            (c, self.concordant, self.discordant)
        };
        Ok(Concordance {
            c,
            var: sum_sq / 4.0,
            concordant,
            discordant,
            tied_x: self.tied_x,
            tied_y: self.tied_y_all - self.tied_xy,
            tied_xy: self.tied_xy,
            n: p.time.len(),
            time_weight: opts.time_weight,
            tau: opts.tau,
        })
    }
}
