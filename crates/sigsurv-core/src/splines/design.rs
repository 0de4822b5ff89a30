//! The B-spline basis and its derivatives at given points: R's `splines::splineDesign`.

use crate::error::{CoreError, Result};
use rayon::prelude::*;

/// The B-spline basis of order `order` (degree + 1) on the knot sequence `knots` (non-decreasing, length at least
/// 2·order), or its `deriv`-th derivative, at each `x`: a matrix with one column per basis function
/// (`knots.len() − order` of them) as columns, `x.len()` rows each.
///
/// # Formula
/// On the knot interval [t_c−1, t_c) that holds x (the last interval closed on the right), the `order` nonzero
/// basis functions B_{c−order}, …, B_{c−1} by the Cox-de Boor recursion
/// B_{i,1} = 1 on the interval, B_{i,m}(x) = (x − t_i)/(t_{i+m−1} − t_i) · B_{i,m−1}(x) + (t_{i+m} − x)/(t_{i+m} −
/// t_{i+1}) · B_{i+1,m−1}(x); derivatives by D B_{i,m} = (m − 1) [B_{i,m−1}/(t_{i+m−1} − t_i) − B_{i+1,m−1}/(t_{i+m}
/// − t_{i+1})] applied `deriv` times (a term over a zero-length span is 0). As R, the derivative of order
/// `order − 1` at the right boundary is 0.
///
/// # R equivalent
/// `splines::splineDesign(knots, x, ord = order, derivs = deriv, outer.ok = FALSE)`.
///
/// # Errors
/// [`CoreError::InvalidArgument`] for fewer than `2 · order` knots, knots out of order, or an `x` outside
/// [t_order−1, t_(len − order)] (R: "the 'x' data must be in the range ...").
#[doc(alias = "splineDesign")]
pub fn spline_design(
    knots: &[f64],
    x: &[f64],
    order: usize,
    deriv: usize,
) -> Result<Vec<Vec<f64>>> {
    let nk = knots.len();
    if order == 0 || nk < 2 * order {
        return Err(CoreError::InvalidArgument(format!(
            "a spline of order {order} needs at least {} knots (have {nk})",
            2 * order
        )));
    }
    if knots.iter().any(|t| !t.is_finite()) || knots.windows(2).any(|w| w[0] > w[1]) {
        return Err(CoreError::InvalidArgument(
            "spline knots must be finite and in increasing order".into(),
        ));
    }
    let ncoef = nk - order;
    let (lo, hi) = (knots[order - 1], knots[ncoef]);
    if let Some(&xi) = x.iter().find(|&&xi| !(xi >= lo && xi <= hi)) {
        return Err(CoreError::InvalidArgument(format!(
            "value {xi} is outside the spline's boundary knots [{lo}, {hi}]"
        )));
    }
    let mut columns = vec![vec![0.0; x.len()]; ncoef];
    // Rows in parallel chunks, each chunk writing its rows of every column.
    row_chunks(&mut columns)
        .into_par_iter()
        .enumerate()
        .for_each(|(k, mut cols)| {
            let mut values = vec![0.0; order];
            for (r, &xi) in x[k * ROWS..]
                .iter()
                .take(cols.first().map_or(0, |c| c.len()))
                .enumerate()
            {
                let (cursor, boundary) = cursor(knots, order, xi);
                nonzero_basis(knots, order, cursor, xi, deriv, &mut values);
                if deriv >= order || (boundary && order > 1 && deriv == order - 1) {
                    values.iter_mut().for_each(|v| *v = 0.0);
                }
                for (j, &v) in values.iter().enumerate() {
                    cols[cursor - order + j][r] = v;
                }
            }
        });
    Ok(columns)
}

/// Every B-spline of order `order` at one x inside the boundary knots, into `row` (`knots.len() − order` values,
/// zero but the `order` nonzero ones); `values` is scratch of length `order`. The same values as
/// [`spline_design`]'s row.
pub(crate) fn basis_row(knots: &[f64], order: usize, x: f64, values: &mut [f64], row: &mut [f64]) {
    let (cursor, _) = cursor(knots, order, x);
    nonzero_basis(knots, order, cursor, x, 0, values);
    row.iter_mut().for_each(|v| *v = 0.0);
    row[cursor - order..cursor].copy_from_slice(values);
}

/// The columns cut into chunks of `ROWS` rows: chunk k holds rows `k * ROWS..` of every column, so that chunks
/// can be filled in parallel.
pub(crate) fn row_chunks(columns: &mut [Vec<f64>]) -> Vec<Vec<&mut [f64]>> {
    let n = columns.first().map_or(0, Vec::len);
    let mut chunks: Vec<Vec<&mut [f64]>> = (0..n.div_ceil(ROWS))
        .map(|_| Vec::with_capacity(columns.len()))
        .collect();
    for col in columns.iter_mut() {
        for (k, part) in col.chunks_mut(ROWS).enumerate() {
            chunks[k].push(part);
        }
    }
    chunks
}

/// Fills `columns` (each `x.len()` long) row by row in parallel chunks of rows: `row(scratch, x_i, values)` writes
/// row i's values (one per column); `scratch` is made once per chunk. A missing x (NaN) gives a row of NaN
/// without calling `row`.
pub(crate) fn fill_rows<S>(
    columns: &mut [Vec<f64>],
    x: &[f64],
    scratch: impl Fn() -> S + Sync,
    row: impl Fn(&mut S, f64, &mut [f64]) + Sync,
) {
    let width = columns.len();
    row_chunks(columns)
        .into_par_iter()
        .enumerate()
        .for_each(|(k, mut cols)| {
            let mut state = scratch();
            let mut values = vec![0.0; width];
            let first = k * ROWS;
            for r in 0..cols.first().map_or(0, |c| c.len()) {
                let xi = x[first + r];
                if xi.is_nan() {
                    values.iter_mut().for_each(|v| *v = f64::NAN);
                } else {
                    row(&mut state, xi, &mut values);
                }
                for (col, &v) in cols.iter_mut().zip(&values) {
                    col[r] = v;
                }
            }
        });
}

/// Rows per parallel chunk of a basis: large enough to amortize a task, small enough to balance two cores.
pub(crate) const ROWS: usize = 1 << 14;

/// The index c of the first knot > x (so x ∈ [t_c−1, t_c)), or, for x on the right boundary knot, that knot's
/// index with `true` (the last interval is closed there).
fn cursor(knots: &[f64], order: usize, x: f64) -> (usize, bool) {
    let last_legit = knots.len() - order;
    let c = knots.partition_point(|&t| t <= x);
    if c > last_legit && x == knots[last_legit] {
        return (last_legit, true);
    }
    (c, false)
}

/// The `order` basis functions nonzero on the interval ending at knot `c` (B_{c−order} … B_{c−1}), or their
/// `deriv`-th derivatives, into `out`.
pub(crate) fn nonzero_basis(
    knots: &[f64],
    order: usize,
    c: usize,
    x: f64,
    deriv: usize,
    out: &mut [f64],
) {
    let base = order.saturating_sub(deriv).max(1);
    // Order 1: the indicator of the interval; out[j] holds B_{c−m+j, m} for the current order m.
    out.iter_mut().for_each(|v| *v = 0.0);
    out[0] = 1.0;
    // Each order's values overwrite the previous order's in place, from the last down, so that out[j − 1] and
    // out[j] still hold order m − 1 when B_{·,m} at j is computed.
    for m in 2..=base {
        for j in (0..m).rev() {
            let i = c + j - m; // B_{i,m}
            let left = if j > 0 { out[j - 1] } else { 0.0 }; // B_{i, m−1}
            let right = if j < m - 1 { out[j] } else { 0.0 }; // B_{i+1, m−1}
            let (ti, tim1, ti1, tim) = (knots[i], knots[i + m - 1], knots[i + 1], knots[i + m]);
            let a = if tim1 > ti {
                (x - ti) / (tim1 - ti) * left
            } else {
                0.0
            };
            let b = if tim > ti1 {
                (tim - x) / (tim - ti1) * right
            } else {
                0.0
            };
            out[j] = a + b;
        }
    }
    // Each derivative step raises the order by one: D B_{i,m} from the B_{·, m−1} values.
    for m in base + 1..=order {
        for j in (0..m).rev() {
            let i = c + j - m;
            let left = if j > 0 { out[j - 1] } else { 0.0 };
            let right = if j < m - 1 { out[j] } else { 0.0 };
            let (ti, tim1, ti1, tim) = (knots[i], knots[i + m - 1], knots[i + 1], knots[i + m]);
            let a = if tim1 > ti { left / (tim1 - ti) } else { 0.0 };
            let b = if tim > ti1 { right / (tim - ti1) } else { 0.0 };
            out[j] = (m - 1) as f64 * (a - b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cubic_basis_sums_to_one_and_its_derivative_to_zero() {
        let knots = [0.0, 0.0, 0.0, 0.0, 1.0, 2.5, 4.0, 4.0, 4.0, 4.0];
        let x = [0.0, 0.3, 1.0, 2.0, 3.99, 4.0];
        let b = spline_design(&knots, &x, 4, 0).unwrap();
        let d = spline_design(&knots, &x, 4, 1).unwrap();
        for r in 0..x.len() {
            let s: f64 = b.iter().map(|c| c[r]).sum();
            let ds: f64 = d.iter().map(|c| c[r]).sum();
            assert!(
                (s - 1.0).abs() < 1e-14 && ds.abs() < 1e-12,
                "row {r}: {s} {ds}"
            );
        }
        assert_eq!(
            b[b.len() - 1][x.len() - 1],
            1.0,
            "the right boundary is the last function's peak"
        );
        assert!(spline_design(&knots, &[4.5], 4, 0).is_err());
    }
}
