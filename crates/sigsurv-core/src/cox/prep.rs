//! Validation and one-time sorting of the Cox input: rows ordered by stratum and decreasing stop time,
//! covariates copied row-major in that order, centred and scaled as R's `coxfit6` / `agfit4` do.

use super::CoxData;
use crate::error::{CoreError, Result};
use crate::timefix::timefix_in_place;
use rayon::prelude::*;

/// Target number of rows per block of the parallel risk-set passes.
pub(crate) const BLOCK_ROWS: usize = 1 << 15;

/// The input sorted once, ready for repeated risk-set passes.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub n: usize,
    pub p: usize,
    pub counting: bool,
    /// `order[k]` = original row of sorted position k (stratum, then stop descending).
    pub order: Vec<usize>,
    /// Half-open ranges of sorted positions, one per stratum, in stratum-code order.
    pub strata: Vec<(usize, usize)>,
    pub stop: Vec<f64>,
    /// Start times (counting process) or -inf (right-censored), sorted positions.
    pub start: Vec<f64>,
    pub event: Vec<bool>,
    pub weight: Vec<f64>,
    /// Covariates of sorted positions, row-major (`x[k * p + j]`), centred and scaled.
    pub x: Vec<f64>,
    /// Per stratum: sorted positions ordered by start time, descending (counting process only).
    pub by_start: Vec<usize>,
    /// For each stratum, its half-open range in `by_start`.
    pub by_start_bounds: Vec<(usize, usize)>,
    /// Positions whose interval holds no event time of their stratum (R's `agreg.fit` drops them).
    pub ignore: Vec<bool>,
    /// Start position of each tie group (rows of one stratum with one stop time), plus `n` at the end.
    pub groups: Vec<u32>,
    /// Fixed partition of the groups into blocks of about [`BLOCK_ROWS`] rows that never cross a
    /// stratum: (first group, end group, stratum index). Depends on the data only, never on threads.
    pub blocks: Vec<(usize, usize, usize)>,
    /// The prepared covariates are `(x − centre) · scale`.
    pub centre: Vec<f64>,
    pub scale: Vec<f64>,
}

impl Prepared {
    pub fn new(d: &CoxData, timefix: bool) -> Result<Prepared> {
        let n = d.stop.len();
        let p = d.p;
        check_len("event", d.event.len(), n)?;
        check_len("x", d.x.len(), n * p)?;
        check_len("names", d.names.len(), p)?;
        if let Some(s) = d.start {
            check_len("start", s.len(), n)?;
        }
        if let Some(s) = d.strata {
            check_len("strata", s.len(), n)?;
        }
        if let Some(w) = d.weights {
            check_len("weights", w.len(), n)?;
        }
        if let Some(c) = d.cluster {
            check_len("cluster", c.len(), n)?;
        }
        if n == 0 {
            return Err(CoreError::Empty);
        }
        if n > u32::MAX as usize {
            return Err(CoreError::InvalidArgument(format!(
                "{n} rows: at most 2^32 - 1 are supported"
            )));
        }
        for (row, &v) in d.stop.iter().enumerate() {
            if !v.is_finite() {
                return Err(CoreError::NonFiniteTime { row, value: v });
            }
        }
        if let Some(s) = d.start {
            for (row, (&a, &b)) in s.iter().zip(d.stop).enumerate() {
                if !a.is_finite() {
                    return Err(CoreError::NonFiniteTime { row, value: a });
                }
                if a >= b {
                    return Err(CoreError::StartNotBeforeStop {
                        row,
                        start: a,
                        stop: b,
                    });
                }
            }
        }
        if let Some(w) = d.weights {
            for (row, &v) in w.iter().enumerate() {
                if !v.is_finite() {
                    return Err(CoreError::InvalidWeight { row, value: v });
                }
                if v <= 0.0 {
                    return Err(CoreError::NonPositiveWeight { row, value: v });
                }
            }
        }
        for j in 0..p {
            for (row, &v) in d.x[j * n..(j + 1) * n].iter().enumerate() {
                if !v.is_finite() {
                    return Err(CoreError::NonFinite {
                        what: d.names[j].clone(),
                        row,
                        value: v,
                    });
                }
            }
        }

        let mut stop = d.stop.to_vec();
        let mut start = d.start.map(<[f64]>::to_vec);
        if timefix {
            match start.as_mut() {
                Some(s) => timefix_in_place(&mut stop, &mut [s.as_mut_slice()]),
                None => timefix_in_place(&mut stop, &mut []),
            }
            if let Some(s) = &start {
                for (row, (&a, &b)) in s.iter().zip(&stop).enumerate() {
                    if a >= b {
                        return Err(CoreError::StartNotBeforeStop {
                            row,
                            start: a,
                            stop: b,
                        });
                    }
                }
            }
        }

        let stratum = |i: usize| d.strata.map_or(0, |s| s[i]);
        // Sort on plain integer keys (stratum, descending stop, row): no closure indirection per compare.
        let desc = |v: f64| {
            let b = v.to_bits();
            let asc = if b >> 63 == 1 { !b } else { b | (1 << 63) };
            !asc
        };
        let mut keys: Vec<(u32, u64, u32)> = (0..n)
            .map(|i| (stratum(i), desc(stop[i]), i as u32))
            .collect();
        keys.par_sort_unstable();
        let order: Vec<usize> = keys.into_iter().map(|k| k.2 as usize).collect();
        let stratum_of: Vec<u32> = order.iter().map(|&i| stratum(i)).collect();
        let mut strata = Vec::new();
        let mut b0 = 0;
        for k in 1..=n {
            if k == n || stratum_of[k] != stratum_of[b0] {
                strata.push((b0, k));
                b0 = k;
            }
        }
        let s_stop: Vec<f64> = order.iter().map(|&i| stop[i]).collect();
        let s_start: Vec<f64> = match &start {
            Some(s) => order.iter().map(|&i| s[i]).collect(),
            None => vec![f64::NEG_INFINITY; n],
        };
        let event: Vec<bool> = order.iter().map(|&i| d.event[i]).collect();
        let weight: Vec<f64> = order
            .iter()
            .map(|&i| d.weights.map_or(1.0, |w| w[i]))
            .collect();

        let (groups, blocks) = tie_groups(&strata, &s_stop);

        // Rows whose (start, stop] holds no event time of their stratum carry no information.
        let mut ignore = vec![false; n];
        let mut by_start = Vec::new();
        let mut by_start_bounds = Vec::new();
        if start.is_some() {
            for &(b0, b1) in &strata {
                let mut times: Vec<f64> =
                    (b0..b1).filter(|&k| event[k]).map(|k| s_stop[k]).collect();
                times.sort_unstable_by(f64::total_cmp);
                times.dedup();
                for k in b0..b1 {
                    // first event time > start; ignored unless it is <= stop
                    let idx = times.partition_point(|&t| t <= s_start[k]);
                    ignore[k] = idx == times.len() || times[idx] > s_stop[k];
                }
                let mut idx: Vec<usize> = (b0..b1).filter(|&k| !ignore[k]).collect();
                idx.sort_by(|&a, &b| s_start[b].total_cmp(&s_start[a]).then(a.cmp(&b)));
                by_start_bounds.push((by_start.len(), by_start.len() + idx.len()));
                by_start.extend(idx);
            }
        }

        // Centre at the weighted mean and scale by sum(w) / sum(w |x - mean|), over the rows used;
        // columns with values only in {-1, 0, 1} are left alone (R's nocenter = c(-1, 0, 1)).
        let mut centre = vec![0.0; p];
        let mut scale = vec![1.0; p];
        // Effective weight of each original row (0 for rows that carry no information).
        let mut w_orig = vec![0.0; n];
        for k in 0..n {
            if !ignore[k] {
                w_orig[order[k]] = weight[k];
            }
        }
        let wsum: f64 = w_orig.iter().sum();
        for j in 0..p {
            let col = &d.x[j * n..(j + 1) * n];
            let zero_one = col.iter().all(|&v| v == 0.0 || v == 1.0 || v == -1.0);
            if !zero_one {
                let m = col.iter().zip(&w_orig).map(|(x, w)| w * x).sum::<f64>() / wsum;
                let mad: f64 = col
                    .iter()
                    .zip(&w_orig)
                    .map(|(x, w)| w * (x - m).abs())
                    .sum();
                centre[j] = m;
                scale[j] = if mad > 0.0 { wsum / mad } else { 1.0 };
            }
        }
        // Gather rows into sorted, row-major order (parallel over blocks of rows; no reductions).
        let mut x = vec![0.0; n * p];
        x.par_chunks_mut(p.max(1) * 4096)
            .enumerate()
            .for_each(|(c, chunk)| {
                for (r, row) in chunk.chunks_exact_mut(p.max(1)).enumerate() {
                    let i = order[c * 4096 + r];
                    for j in 0..p {
                        row[j] = (d.x[j * n + i] - centre[j]) * scale[j];
                    }
                }
            });
        Ok(Prepared {
            n,
            p,
            counting: start.is_some(),
            order,
            strata,
            stop: s_stop,
            start: s_start,
            event,
            weight,
            x,
            by_start,
            by_start_bounds,
            ignore,
            groups,
            blocks,
            centre,
            scale,
        })
    }

    /// Row k of the centred, scaled covariates.
    #[inline]
    pub fn row(&self, k: usize) -> &[f64] {
        &self.x[k * self.p..(k + 1) * self.p]
    }
}

/// Tie groups (runs of equal stop time within a stratum) and blocks of whole groups.
fn tie_groups(strata: &[(usize, usize)], stop: &[f64]) -> (Vec<u32>, Vec<(usize, usize, usize)>) {
    let mut groups = Vec::new();
    let mut blocks = Vec::new();
    for (s, &(b0, b1)) in strata.iter().enumerate() {
        let first = groups.len();
        let mut block_start = first;
        for k in b0..b1 {
            if k == b0 || stop[k] != stop[k - 1] {
                let g = groups.len();
                if g > block_start && k - groups[block_start] as usize >= BLOCK_ROWS {
                    blocks.push((block_start, g, s));
                    block_start = g;
                }
                groups.push(k as u32);
            }
        }
        if groups.len() > block_start {
            blocks.push((block_start, groups.len(), s));
        }
    }
    groups.push(stop.len() as u32);
    (groups, blocks)
}

fn check_len(what: &'static str, got: usize, expected: usize) -> Result<()> {
    if got != expected {
        return Err(CoreError::LengthMismatch {
            what,
            got,
            expected,
        });
    }
    Ok(())
}
