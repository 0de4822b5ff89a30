//! A spline basis as one polynomial per knot interval and column, for evaluating it on many rows.
//!
//! Every basis built from B-splines by a fixed linear map (the natural spline's `B · Q`, or the B-splines
//! themselves) is, on each interval between distinct knots, one polynomial of degree `order − 1` per column. Taken
//! in powers of `u = x − t` (t the interval's left knot: the Taylor expansion there, from the B-splines'
//! derivatives at t), a row costs one search among the knots and Horner's rule per column, where the Cox-de Boor
//! recursion costs `order²` divisions and the map a matrix product. The recursion (`design.rs`) stays the
//! reference; the two agree to rounding (tests on every golden case).

use super::design::nonzero_basis;

/// The basis's polynomials, interval by interval.
pub(crate) struct Piecewise {
    /// The left knot of each interval of nonzero length, increasing.
    breaks: Vec<f64>,
    /// Per interval, per column, the `order` Taylor coefficients at its left knot (the constant first).
    coef: Vec<f64>,
    columns: usize,
    order: usize,
}

impl Piecewise {
    /// The polynomials of the basis `map(B(x))` on the knot sequence `knots` (boundary knots `order` times):
    /// `map` takes a full row of the B-splines (`knots.len() − order` values) to the basis's `columns` values,
    /// and must be linear (it is applied to the derivatives too).
    pub(crate) fn new(
        knots: &[f64],
        order: usize,
        columns: usize,
        map: impl Fn(&[f64]) -> Vec<f64>,
    ) -> Piecewise {
        let ncoef = knots.len() - order;
        let mut pw = Piecewise {
            breaks: Vec::new(),
            coef: Vec::new(),
            columns,
            order,
        };
        let mut values = vec![0.0; order];
        let mut row = vec![0.0; ncoef];
        let mut taylor = vec![0.0; columns * order];
        // Interval c is [t_{c−1}, t_c), c = order..=ncoef (the last one closed at the right boundary).
        for c in order..=ncoef {
            let t = knots[c - 1];
            if knots[c] <= t {
                continue;
            }
            let mut factorial = 1.0;
            for d in 0..order {
                if d > 0 {
                    factorial *= d as f64;
                }
                nonzero_basis(knots, order, c, t, d, &mut values);
                row.iter_mut().for_each(|v| *v = 0.0);
                row[c - order..c].copy_from_slice(&values);
                for (j, v) in map(&row).into_iter().enumerate() {
                    taylor[j * order + d] = v / factorial;
                }
            }
            pw.breaks.push(t);
            pw.coef.extend_from_slice(&taylor);
        }
        pw
    }

    /// The basis at `x` (within the boundary knots) into `out` (`columns` values).
    #[inline]
    pub(crate) fn eval(&self, x: f64, out: &mut [f64]) {
        // The interval of x: the last left knot ≤ x (x on the right boundary: the last interval), the rule of
        // the recursion's `cursor`.
        let i = self.breaks.partition_point(|&t| t <= x).saturating_sub(1);
        let u = x - self.breaks[i];
        let block = &self.coef[i * self.columns * self.order..][..self.columns * self.order];
        for (o, p) in out.iter_mut().zip(block.chunks_exact(self.order)) {
            *o = p.iter().rev().fold(0.0, |acc, &a| acc * u + a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::splines::design::spline_design;

    #[test]
    fn the_polynomials_give_the_recursions_values() {
        // Repeated interior knots (a zero-length interval) and points on knots and on both boundaries.
        let knots = [0.0, 0.0, 0.0, 0.0, 1.0, 2.5, 2.5, 4.0, 4.0, 4.0, 4.0];
        let x = [0.0, 0.3, 1.0, 2.0, 2.5, 3.2, 3.99, 4.0];
        let pw = Piecewise::new(&knots, 4, 7, |row| row.to_vec());
        let want = spline_design(&knots, &x, 4, 0).unwrap();
        let mut out = vec![0.0; 7];
        for (r, &xi) in x.iter().enumerate() {
            pw.eval(xi, &mut out);
            for (j, col) in want.iter().enumerate() {
                assert!(
                    (out[j] - col[r]).abs() < 1e-14,
                    "x {xi}, column {j}: {} vs {}",
                    out[j],
                    col[r]
                );
            }
        }
    }
}
