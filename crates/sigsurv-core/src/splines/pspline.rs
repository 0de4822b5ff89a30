//! The penalized-spline basis of a covariate, as R survival's `pspline()`: cubic B-splines on equally spaced
//! knots with a second-difference penalty on their coefficients (Eilers and Marx's P-spline).

use super::design::spline_design;
use super::knots::range;
use crate::error::{CoreError, Result};

/// A P-spline basis fixed on the training data: what survival's `makepredictcall.pspline` keeps (the boundary
/// knots, the number of intervals and the degree), so that new rows get the same basis.
#[derive(Clone, Debug, PartialEq)]
pub struct PSplineBasis {
    pub boundary: [f64; 2],
    /// Number of equal intervals between the boundary knots (R's `nterm`).
    pub nterm: usize,
    pub degree: usize,
    /// The whole knot sequence: `degree` knots beyond each boundary, spaced as the intervals.
    knots: Vec<f64>,
}

/// R's `round()`: halves go to the even neighbour (IEC 60559), so `nterm = 2.5 * df` is 8 for df 3, 12 for df 5.
pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

impl PSplineBasis {
    /// Sets up `pspline(x, nterm =, degree =, Boundary.knots =)` on the training values `x` (NaN = missing,
    /// ignored): boundary knots at the range of `x` unless given, `nterm` intervals between them.
    ///
    /// # R equivalent
    /// The basis part of `survival::pspline(x, df, nterm = 2.5 * df, degree = 3, Boundary.knots = range(x))`.
    ///
    /// # Errors
    /// [`CoreError::InvalidArgument`] for fewer than 3 intervals, degree 0, boundary knots out of order, or no
    /// finite value.
    #[doc(alias = "pspline")]
    pub fn new(
        x: &[f64],
        nterm: usize,
        degree: usize,
        boundary: Option<[f64; 2]>,
    ) -> Result<PSplineBasis> {
        if nterm < 3 {
            return Err(CoreError::InvalidArgument(
                "pspline(): too few basis functions (nterm must be at least 3)".into(),
            ));
        }
        if degree == 0 {
            return Err(CoreError::InvalidArgument(
                "pspline(): degree must be >= 1".into(),
            ));
        }
        let boundary =
            match boundary {
                Some([a, b]) if a < b && a.is_finite() && b.is_finite() => [a, b],
                Some(_) => return Err(CoreError::InvalidArgument(
                    "pspline(): invalid Boundary.knots (two finite numbers, the first the smaller)"
                        .into(),
                )),
                None => range(x).map_err(|_| {
                    CoreError::InvalidArgument(
                        "pspline(): no finite value to place the knots on".into(),
                    )
                })?,
            };
        if boundary[0] >= boundary[1] {
            return Err(CoreError::InvalidArgument(format!(
                "pspline(): the covariate takes the single value {}: a spline needs a range",
                boundary[0]
            )));
        }
        // knots <- c(lo + dx * ((-degree):(nterm - 1)), hi + dx * (0:degree))
        let [lo, hi] = boundary;
        let dx = (hi - lo) / nterm as f64;
        let d = degree as i64;
        let knots = (-d..nterm as i64)
            .map(|k| lo + dx * k as f64)
            .chain((0..=d).map(|k| hi + dx * k as f64))
            .collect();
        Ok(PSplineBasis {
            boundary,
            nterm,
            degree,
            knots,
        })
    }

    /// Number of basis columns in the model: `nterm + degree`, less the first (R's `intercept = FALSE`).
    pub fn n_columns(&self) -> usize {
        self.nterm + self.degree - 1
    }

    /// The basis at `x` (its columns, NaN rows for NaN `x`), without the first B-spline (a Cox model has no
    /// intercept). Outside the boundary knots each function continues as its tangent line at the boundary, as
    /// R's `pspline` does there.
    ///
    /// # R equivalent
    /// `pspline(x, ...)` (the matrix, its first column dropped), and `predict` on new rows.
    pub fn basis(&self, x: &[f64]) -> Result<Vec<Vec<f64>>> {
        let order = self.degree + 1;
        let [lo, hi] = self.boundary;
        let inside: Vec<f64> = x
            .iter()
            .map(|&v| if (lo..=hi).contains(&v) { v } else { lo })
            .collect();
        let mut columns = spline_design(&self.knots, &inside, order, 0)?;
        if x.iter().any(|v| !(lo..=hi).contains(v)) {
            let at = |b: f64, deriv| spline_design(&self.knots, &[b], order, deriv);
            let (lo_value, lo_slope, hi_value, hi_slope) =
                (at(lo, 0)?, at(lo, 1)?, at(hi, 0)?, at(hi, 1)?);
            for (row, &v) in x.iter().enumerate() {
                let (value, slope, b) = if v < lo {
                    (&lo_value, &lo_slope, lo)
                } else if v > hi {
                    (&hi_value, &hi_slope, hi)
                } else if v.is_nan() {
                    columns.iter_mut().for_each(|c| c[row] = f64::NAN);
                    continue;
                } else {
                    continue;
                };
                for (j, col) in columns.iter_mut().enumerate() {
                    col[row] = value[j][0] + (v - b) * slope[j][0];
                }
            }
        }
        columns.remove(0);
        Ok(columns)
    }

    /// The penalty matrix of the model's columns (row-major, `n_columns()` square): `Dᵀ D` for the second
    /// differences D of all `nterm + degree` coefficients, the first row and column dropped.
    pub fn penalty(&self) -> Vec<f64> {
        let m = self.nterm + self.degree;
        // Row r of D is e_r − 2 e_(r+1) + e_(r+2).
        let mut full = vec![0.0; m * m];
        for r in 0..m.saturating_sub(2) {
            let d = [(r, 1.0), (r + 1, -2.0), (r + 2, 1.0)];
            for &(i, a) in &d {
                for &(j, b) in &d {
                    full[i * m + j] += a * b;
                }
            }
        }
        let k = m - 1;
        let mut out = vec![0.0; k * k];
        for i in 0..k {
            for j in 0..k {
                out[i * k + j] = full[(i + 1) * m + j + 1];
            }
        }
        out
    }

    /// Where each model column's B-spline sits on the covariate's scale (R's `cbase`, the x of the linear trend
    /// test): `knots[2:nvar] + (lo − knots[1])`.
    pub fn centres(&self) -> Vec<f64> {
        let shift = self.boundary[0] - self.knots[0];
        self.knots[1..self.nterm + self.degree]
            .iter()
            .map(|t| t + shift)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_halves_to_even_as_r() {
        assert_eq!(round_half_even(7.5), 8.0);
        assert_eq!(round_half_even(12.5), 12.0);
        assert_eq!(round_half_even(10.0), 10.0);
        assert_eq!(round_half_even(6.25), 6.0);
    }

    #[test]
    fn basis_rows_sum_to_one_but_the_dropped_function() {
        let x: Vec<f64> = (0..50).map(|i| 39.0 + i as f64 * 43.0 / 49.0).collect();
        let b = PSplineBasis::new(&x, 10, 3, None).unwrap();
        assert_eq!(b.n_columns(), 12);
        let cols = b.basis(&x).unwrap();
        let full = spline_design(&b.knots, &x, 4, 0).unwrap();
        for i in 0..x.len() {
            let s: f64 = cols.iter().map(|c| c[i]).sum();
            assert!((s + full[0][i] - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn penalty_is_second_differences() {
        let b = PSplineBasis::new(&[0.0, 1.0], 3, 3, None).unwrap();
        let p = b.penalty();
        // m = 6 coefficients: Dᵀ D has 1, 5, 6, 6, 5, 1 on the diagonal; the first is dropped.
        let k = 5;
        let diag: Vec<f64> = (0..k).map(|i| p[i * k + i]).collect();
        assert_eq!(diag, vec![5.0, 6.0, 6.0, 5.0, 1.0]);
        assert_eq!(p[1], -4.0);
        assert_eq!(p[2], 1.0);
    }

    #[test]
    fn outside_the_boundary_is_the_tangent_line() {
        let b = PSplineBasis::new(&[], 4, 3, Some([0.0, 4.0])).unwrap();
        let edge = b.basis(&[0.0, 1e-6]).unwrap();
        let out = b.basis(&[-1.0]).unwrap();
        for c in 0..edge.len() {
            let slope = (edge[c][1] - edge[c][0]) / 1e-6;
            assert!((out[c][0] - (edge[c][0] - slope)).abs() < 1e-5);
        }
    }
}
