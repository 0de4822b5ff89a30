//! The rows of a concordance prepared for counting (merged times, marker ranks, time weights) and the
//! weighted pair counts with each row's share, from which C and its infinitesimal-jackknife variance follow.

use super::censoring_weights::event_time_weights;
use super::concordance_types::{Concordance, ConcordanceData, ConcordanceOptions};
use crate::error::{CoreError, Result};
use crate::timefix::timefix;

/// The rows checked, with merged times, marker ranks, weights, and per-row time weights of event rows.
pub(crate) struct Prepared {
    pub(crate) time: Vec<f64>,
    pub(crate) event: Vec<bool>,
    /// Rank of each marker among the distinct markers (0-based).
    pub(crate) rank: Vec<usize>,
    pub(crate) n_ranks: usize,
    pub(crate) weight: Vec<f64>,
    /// v(t_i) for an event row i, 0 for a censored row.
    pub(crate) time_weight: Vec<f64>,
    /// Row indices of each stratum, by decreasing time, censored before events at a tied time, then by rank.
    pub(crate) strata: Vec<Vec<usize>>,
}

impl Prepared {
    pub(crate) fn new(data: &ConcordanceData, opts: &ConcordanceOptions) -> Result<Prepared> {
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
        if let Some(tau) = opts.tau {
            if tau.is_nan() {
                return Err(CoreError::InvalidArgument("tau is NaN".into()));
            }
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
        let time = if opts.timefix {
            timefix(data.time)
        } else {
            data.time.to_vec()
        };
        let (rank, n_ranks) = marker_ranks(data.marker);
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
        keyed.sort_unstable();
        let order: Vec<usize> = keyed.into_iter().map(|k| k.3 as usize).collect();
        let strata: Vec<Vec<usize>> = order
            .chunk_by(|&a, &b| stratum(a) == stratum(b))
            .map(<[usize]>::to_vec)
            .collect();
        let mut time_weight = vec![0.0; n];
        for rows in &strata {
            event_time_weights(
                rows,
                &time,
                data.event,
                &weight,
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
        Ok(Prepared {
            time,
            event: data.event.to_vec(),
            rank,
            n_ranks,
            weight,
            time_weight,
            strata,
        })
    }

    pub(crate) fn tally(&self, count: fn(&Prepared, &[usize], &mut PairTally)) -> PairTally {
        let mut tally = PairTally::new(self.time.len());
        for rows in &self.strata {
            count(self, rows, &mut tally);
        }
        tally
    }
}

/// Ranks of the distinct marker values (equal values, `-0.0` and `0.0` included, share a rank).
fn marker_ranks(marker: &[f64]) -> (Vec<usize>, usize) {
    let mut keyed: Vec<(u64, u32)> = marker
        .iter()
        .enumerate()
        .map(|(i, x)| (total_order_bits(*x), i as u32))
        .collect();
    keyed.sort_unstable();
    let order: Vec<usize> = keyed.into_iter().map(|k| k.1 as usize).collect();
    let mut rank = vec![0; marker.len()];
    let mut r = 0;
    for (k, &i) in order.iter().enumerate() {
        if k > 0 && marker[i] != marker[order[k - 1]] {
            r += 1;
        }
        rank[i] = r;
    }
    (rank, r + 1)
}

/// The bits of `x` as an unsigned number ordered as `f64::total_cmp` orders the values.
fn total_order_bits(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
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
