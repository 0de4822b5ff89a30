//! Validation and one-time sorting of the Cox input: rows ordered by stratum and decreasing stop time,
//! covariates copied row-major in that order, centred and scaled as R's `coxfit6` / `agfit4` do.

use super::data::CoxData;
use super::row_order::{sort_rows, SortedRows};
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
    pub order: Vec<u32>,
    /// Half-open ranges of sorted positions, one per stratum, in stratum-code order.
    pub strata: Vec<(usize, usize)>,
    pub stop: Vec<f64>,
    /// Whether `stop[k]` is the input's `stop[order[k]]` (no times were merged), so that it can be freed
    /// and gathered again.
    stop_is_input: bool,
    /// Start times (counting process) or -inf (right-censored), sorted positions.
    pub start: PerRow<f64>,
    pub event: Vec<bool>,
    pub weight: PerRow<f64>,
    /// The offset of each sorted position (R's `offset()`): a known part of η, not centred.
    pub offset: PerRow<f64>,
    /// Covariates of sorted positions, row-major (`x[k * p + j]`), centred and scaled.
    pub x: Vec<f64>,
    /// Per stratum: sorted positions ordered by start time, descending (counting process only).
    pub by_start: Vec<usize>,
    /// For each stratum, its half-open range in `by_start`.
    pub by_start_bounds: Vec<(usize, usize)>,
    /// Positions whose interval holds no event time of their stratum (R's `agreg.fit` drops them).
    pub ignore: PerRow<bool>,
    /// Start position of each tie group (rows of one stratum with one stop time), plus `n` at the end.
    pub groups: Vec<u32>,
    /// Fixed partition of the groups into blocks of about [`BLOCK_ROWS`] rows that never cross a
    /// stratum: (first group, end group, stratum index). Depends on the data only, never on threads.
    pub blocks: Vec<(usize, usize, usize)>,
    /// The prepared covariates are `(x − centre) · scale`.
    pub centre: Vec<f64>,
    pub scale: Vec<f64>,
    /// A buffer of one value per row that each evaluation of the likelihood borrows, so that the repeated
    /// evaluations of a fit reuse one allocation (a fresh one costs a page fault per 4 KB).
    pub row_buffer: RowBuffer,
}

impl Prepared {
    pub fn new(d: &CoxData, timefix: bool) -> Result<Prepared> {
        Prepared::build(d, timefix, true)
    }

    /// [`Prepared::new`]; with `stop_now` false, right-censored data's sorted stop times are left for
    /// [`Prepared::restore_stop`] (the Newton passes never read them: a fit gathers them after its iterations).
    pub fn build(d: &CoxData, timefix: bool, stop_now: bool) -> Result<Prepared> {
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
        if let Some(o) = d.offset {
            check_len("offset", o.len(), n)?;
            if let Some(row) = crate::scan::first_where(o, |v| !v.is_finite()) {
                return Err(CoreError::NonFinite {
                    what: "offset".into(),
                    row,
                    value: o[row],
                });
            }
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
            let col = &d.x[j * n..(j + 1) * n];
            if let Some(row) = crate::scan::first_where(col, |v| !v.is_finite()) {
                return Err(CoreError::NonFinite {
                    what: d.names[j].clone(),
                    row,
                    value: col[row],
                });
            }
        }

        // (start, stop] data: merge near-ties on the joint grid first (R's aeqSurv on both columns).
        let mut stop: Option<Vec<f64>> = None; // time-fixed stop times, when they differ from d.stop
        let mut start = d.start.map(<[f64]>::to_vec);
        if timefix {
            if let Some(s) = start.as_mut() {
                let mut t = d.stop.to_vec();
                timefix_in_place(&mut t, &mut [s.as_mut_slice()]);
                for (row, (&a, &b)) in s.iter().zip(&t).enumerate() {
                    if a >= b {
                        return Err(CoreError::StartNotBeforeStop {
                            row,
                            start: a,
                            stop: b,
                        });
                    }
                }
                stop = Some(t);
            }
        }
        // Right-censored data: near-ties are merged (when there are any) while sorting.
        let SortedRows {
            order,
            stop: mut s_stop,
            strata,
            merged,
        } = sort_rows(
            stop.as_deref().unwrap_or(d.stop),
            d.strata,
            timefix && start.is_none(),
        );
        let s_start = match &start {
            Some(s) => PerRow::Each(order.iter().map(|&i| s[i as usize]).collect()),
            None => PerRow::Same(f64::NEG_INFINITY),
        };
        let event: Vec<bool> = order.iter().map(|&i| d.event[i as usize]).collect();
        let weight = match d.weights {
            Some(w) => PerRow::Each(order.iter().map(|&i| w[i as usize]).collect()),
            None => PerRow::Same(1.0),
        };
        let offset = match d.offset {
            Some(o) => PerRow::Each(order.iter().map(|&i| o[i as usize]).collect()),
            None => PerRow::Same(0.0),
        };

        let (groups, blocks) = tie_groups(&strata, &s_stop);
        // Right-censored data: the sorted stop times are not needed again until after the fit; while the sorted
        // copy of the covariates is written (the peak of memory) they are not held (gathered again below).
        let stop_is_input = !merged && start.is_none();
        if stop_is_input {
            s_stop = Vec::new();
        }

        // Rows whose (start, stop] holds no event time of their stratum carry no information.
        let mut ignore = PerRow::Same(false);
        let mut by_start = Vec::new();
        let mut by_start_bounds = Vec::new();
        if start.is_some() {
            let mut flags = vec![false; n];
            for &(b0, b1) in &strata {
                let mut times: Vec<f64> =
                    (b0..b1).filter(|&k| event[k]).map(|k| s_stop[k]).collect();
                times.sort_unstable_by(f64::total_cmp);
                times.dedup();
                for k in b0..b1 {
                    // first event time > start; ignored unless it is <= stop
                    let idx = times.partition_point(|&t| t <= s_start[k]);
                    flags[k] = idx == times.len() || times[idx] > s_stop[k];
                }
                let mut idx: Vec<usize> = (b0..b1).filter(|&k| !flags[k]).collect();
                idx.sort_by(|&a, &b| s_start[b].total_cmp(&s_start[a]).then(a.cmp(&b)));
                by_start_bounds.push((by_start.len(), by_start.len() + idx.len()));
                by_start.extend(idx);
            }
            ignore = PerRow::Each(flags);
        }

        // Centre at the weighted mean and scale by sum(w) / sum(w |x - mean|), over the rows used;
        // columns with values only in {-1, 0, 1} are left alone (R's nocenter = c(-1, 0, 1)).
        let (centre, scale): (Vec<f64>, Vec<f64>) =
            centre_and_scale(d.x, n, p, &order, &weight, &ignore)
                .into_iter()
                .unzip();
        let x = scatter_rows(d.x, n, p, &order, &centre, &scale);
        if stop_is_input && stop_now {
            s_stop = crate::scan::map(&order, |&i| d.stop[i as usize]);
        }
        Ok(Prepared {
            n,
            p,
            counting: start.is_some(),
            order,
            strata,
            stop: s_stop,
            stop_is_input,
            start: s_start,
            event,
            weight,
            offset,
            x,
            by_start,
            by_start_bounds,
            ignore,
            groups,
            blocks,
            centre,
            scale,
            row_buffer: RowBuffer::default(),
        })
    }

    /// Whether the sorted stop times were left out by [`Prepared::build`].
    pub fn stop_pending(&self) -> bool {
        self.stop_is_input && self.stop.is_empty()
    }

    /// Gathers the sorted stop times from the input's (after [`Prepared::build`] left them out).
    pub fn restore_stop(&mut self, stop: &[f64]) {
        self.stop = crate::scan::map(&self.order, |&i| stop[i as usize]);
    }

    /// η of sorted position k at `beta` (on the centred, scaled covariates): `x_k·β + offset_k`.
    #[inline]
    pub fn eta(&self, beta: &[f64], k: usize) -> f64 {
        self.row(k)
            .iter()
            .zip(beta)
            .map(|(x, b)| b * x)
            .sum::<f64>()
            + self.offset[k]
    }

    /// Whether the model has an offset.
    pub fn has_offset(&self) -> bool {
        self.offset.each().is_some()
    }

    /// Row k of the centred, scaled covariates.
    #[inline]
    pub fn row(&self, k: usize) -> &[f64] {
        &self.x[k * self.p..(k + 1) * self.p]
    }
}

/// A reusable buffer of one value per row (see [`Prepared::row_buffer`]); a clone starts empty.
#[derive(Debug, Default)]
pub(crate) struct RowBuffer(std::sync::Mutex<Vec<f64>>);

impl RowBuffer {
    /// The buffer, `n` zeros long (its memory is reused when it was given back).
    pub fn take(&self, n: usize) -> Vec<f64> {
        let mut v = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        v.clear();
        v.resize(n, 0.0);
        v
    }

    /// Gives the buffer back for the next evaluation.
    pub fn give_back(&self, v: Vec<f64>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = v;
    }
}

impl Clone for RowBuffer {
    fn clone(&self) -> Self {
        RowBuffer::default()
    }
}

/// A per-row value that is often the same for every row (weights of 1; start times of −∞ and no ignored rows
/// for right-censored data): then it is stored once instead of once per row, which at millions of rows is tens
/// of megabytes.
#[derive(Debug, Clone)]
pub(crate) enum PerRow<T> {
    Same(T),
    Each(Vec<T>),
}

impl<T> PerRow<T> {
    /// The values of every row, when they differ.
    pub fn each(&self) -> Option<&[T]> {
        match self {
            PerRow::Same(_) => None,
            PerRow::Each(v) => Some(v),
        }
    }
}

impl<T> std::ops::Index<usize> for PerRow<T> {
    type Output = T;
    #[inline]
    fn index(&self, k: usize) -> &T {
        match self {
            PerRow::Same(v) => v,
            PerRow::Each(v) => &v[k],
        }
    }
}

/// Per column: the weighted mean over the rows used, and `Σw / Σ w |x − mean|` (1 when that is 0);
/// (0, 1) for columns with values only in {-1, 0, 1}.
fn centre_and_scale(
    xcol: &[f64],
    n: usize,
    p: usize,
    order: &[u32],
    weight: &PerRow<f64>,
    ignore: &PerRow<bool>,
) -> Vec<(f64, f64)> {
    // Effective weight of each original row (0 for rows that carry no information); none when every row
    // weighs 1 (then the sums below are the same sums without the factor 1.0).
    let uniform = matches!((weight, ignore), (PerRow::Same(w), PerRow::Same(false)) if *w == 1.0);
    let w_orig: Option<Vec<f64>> = (!uniform).then(|| {
        let mut w_orig = vec![0.0; n];
        for k in 0..n {
            if !ignore[k] {
                w_orig[order[k] as usize] = weight[k];
            }
        }
        w_orig
    });
    let wsum: f64 = w_orig.as_ref().map_or(n as f64, |w| w.iter().sum());
    // Columns in parallel; each column's sums run in row order (thread-independent).
    (0..p)
        .into_par_iter()
        .map(|j| {
            let col = &xcol[j * n..(j + 1) * n];
            if col.iter().all(|&v| v == 0.0 || v == 1.0 || v == -1.0) {
                return (0.0, 1.0);
            }
            let (m, mad) = match &w_orig {
                Some(w) => {
                    let m = col.iter().zip(w).map(|(x, w)| w * x).sum::<f64>() / wsum;
                    (
                        m,
                        col.iter()
                            .zip(w)
                            .map(|(x, w)| w * (x - m).abs())
                            .sum::<f64>(),
                    )
                }
                None => {
                    let m = col.iter().sum::<f64>() / wsum;
                    (m, col.iter().map(|x| (x - m).abs()).sum::<f64>())
                }
            };
            (m, if mad > 0.0 { wsum / mad } else { 1.0 })
        })
        .collect()
}

/// The covariates of sorted positions, row-major, centred and scaled: `(x - centre) * scale`. The sorted rows
/// are split into a few ranges filled in parallel; each range's task reads the columns in order (p sequential
/// streams) and writes the rows that land in its range: the random writes are shared out, and no task reads
/// a column at random.
fn scatter_rows(
    xcol: &[f64],
    n: usize,
    p: usize,
    order: &[u32],
    centre: &[f64],
    scale: &[f64],
) -> Vec<f64> {
    let mut x = vec![0.0; n * p];
    if p == 0 || n == 0 {
        return x;
    }
    let mut pos = vec![0u32; n];
    for (k, &i) in order.iter().enumerate() {
        pos[i as usize] = k as u32;
    }
    // Every task reads all the columns, so a few ranges are enough to share the writes.
    let ranges = rayon::current_num_threads().clamp(1, 4);
    let per = n.div_ceil(ranges);
    x.par_chunks_mut(per * p).enumerate().for_each(|(r, out)| {
        let (lo, hi) = (r * per, (r * per + out.len() / p) as u32);
        for (i, &k) in pos.iter().enumerate() {
            if (lo as u32..hi).contains(&k) {
                let row = &mut out[(k as usize - lo) * p..(k as usize - lo + 1) * p];
                for (j, v) in row.iter_mut().enumerate() {
                    *v = (xcol[j * n + i] - centre[j]) * scale[j];
                }
            }
        }
    });
    x
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_tied_times_are_merged_before_sorting() {
        let stop = [2.0, 1.0 + 1e-12, 3.0, 1.0, 2.0 - 1e-13];
        let event = [true; 5];
        let x = [0.5, 1.5, 2.5, 3.5, 4.5];
        let names = vec!["x".to_string()];
        let d = CoxData {
            start: None,
            stop: &stop,
            event: &event,
            x: &x,
            p: 1,
            names: &names,
            strata: None,
            weights: None,
            cluster: None,
            offset: None,
        };
        let fixed = Prepared::new(&d, true).unwrap();
        assert_eq!(fixed.stop, vec![3.0, 2.0 - 1e-13, 2.0 - 1e-13, 1.0, 1.0]);
        assert_eq!(fixed.order, vec![2, 0, 4, 1, 3]);
        assert_eq!(fixed.groups, vec![0, 1, 3, 5]);
        let raw = Prepared::new(&d, false).unwrap();
        assert_eq!(raw.stop, vec![3.0, 2.0, 2.0 - 1e-13, 1.0 + 1e-12, 1.0]);
    }
}
