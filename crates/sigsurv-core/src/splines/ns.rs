//! The natural cubic spline basis of a covariate, as R's `splines::ns()`: cubic B-splines constrained to be
//! linear beyond the boundary knots.

use super::bs::no_values;
use super::design::{basis_row, row_chunks, spline_design, ROWS};
use super::householder::Householder;
use super::knots::{interior_knots, knot_sequence, range};
use crate::error::Result;
use rayon::prelude::*;

/// A natural spline basis fixed on the training data (interior and boundary knots, intercept), as R's
/// `makepredictcall` keeps it for new rows.
#[derive(Clone, Debug, PartialEq)]
pub struct NaturalSplineBasis {
    /// Interior knots.
    pub knots: Vec<f64>,
    pub boundary: [f64; 2],
    pub intercept: bool,
}

impl NaturalSplineBasis {
    /// Sets up `ns(x, df =, knots =, intercept =, Boundary.knots =)` on the training values `x` (NaN = missing,
    /// ignored): with `df` and no `knots`, df − 1 − intercept interior knots at quantiles of `x`; boundary knots
    /// at the range of `x` (or 7/8 and 9/8 of a single value) unless given. Returns R's warning when `df` was
    /// too small.
    ///
    /// # R equivalent
    /// `splines::ns(x, df, knots, intercept, Boundary.knots)` and its attributes.
    ///
    /// # Errors
    /// [`crate::CoreError::InvalidArgument`] when there is no finite value to place knots on.
    ///
    /// # Examples
    /// `ns(x, df = 2)` of the maintained arm's times in R's `aml` data puts its knot at the median, 28, and
    /// its fifth row (x = 23) is 0.192989786920991, −0.0995940670450369 (R 4.2, `fixtures/doctests/make_reference.R`).
    /// ```
    /// use sigsurv_core::splines::NaturalSplineBasis;
    /// let x = [9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0];
    /// let (ns, _) = NaturalSplineBasis::new(&x, Some(2), None, false, None)?;
    /// assert_eq!(ns.knots, [28.0]);
    /// let b = ns.basis(&x)?;
    /// let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
    /// assert!(close(b[0][4], 0.192989786920991) && close(b[1][4], -0.0995940670450369));
    /// # Ok::<(), sigsurv_core::CoreError>(())
    /// ```
    #[doc(alias = "ns")]
    pub fn new(
        x: &[f64],
        df: Option<usize>,
        knots: Option<Vec<f64>>,
        intercept: bool,
        boundary: Option<[f64; 2]>,
    ) -> Result<(NaturalSplineBasis, Option<String>)> {
        let boundary = match boundary {
            Some([a, b]) => [a.min(b), a.max(b)],
            None => {
                let finite: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
                if finite.len() == 1 {
                    [finite[0] * 7.0 / 8.0, finite[0] * 9.0 / 8.0]
                } else {
                    range(x).map_err(|_| no_values("ns"))?
                }
            }
        };
        let wanted = df.map(|df| df as i64 - 1 - i64::from(intercept));
        let least = 1 + usize::from(intercept);
        let (knots, warning) = interior_knots("ns", x, knots, wanted, least, boundary)?;
        Ok((
            NaturalSplineBasis {
                knots,
                boundary,
                intercept,
            },
            warning,
        ))
    }

    /// Number of basis columns: interior knots + 1 + intercept.
    pub fn n_columns(&self) -> usize {
        self.knots.len() + 1 + usize::from(self.intercept)
    }

    /// The basis at `x` (NaN rows for NaN `x`); linear beyond the boundary knots (value and slope of the cubic
    /// basis at the boundary).
    ///
    /// # Formula
    /// B = the cubic B-spline basis on the knots (boundary knots four times); C = its second derivatives at the
    /// two boundary knots (2 × m); without intercept the first column of both is dropped; with Q the Householder
    /// QR factor of Cᵀ (as R's `qr`), the basis is B·Q without Q's first two columns: the combinations whose
    /// second derivative vanishes at both ends.
    ///
    /// # R equivalent
    /// `predict(ns(...), newx)`, i.e. `ns(newx, knots, Boundary.knots, intercept)`.
    pub fn basis(&self, x: &[f64]) -> Result<Vec<Vec<f64>>> {
        let [lo, hi] = self.boundary;
        let all_knots = knot_sequence(self.boundary, &self.knots, 4);
        // Beyond a boundary knot the B-splines continue as their tangent lines there.
        let tangent = |pivot: f64| -> Result<(Vec<f64>, Vec<f64>)> {
            let first = |cols: Vec<Vec<f64>>| cols.into_iter().map(|c| c[0]).collect::<Vec<f64>>();
            Ok((
                first(spline_design(&all_knots, &[pivot], 4, 0)?),
                first(spline_design(&all_knots, &[pivot], 4, 1)?),
            ))
        };
        let (below, above) = (tangent(lo)?, tangent(hi)?);
        let mut constraint = spline_design(&all_knots, &[lo, hi], 4, 2)?;
        let skip = usize::from(!self.intercept);
        if !self.intercept {
            constraint.remove(0);
        }
        // Cᵀ as columns: one column per boundary, one row per basis function.
        let m = constraint.len();
        let ct: Vec<Vec<f64>> = (0..2)
            .map(|r| constraint.iter().map(|col| col[r]).collect())
            .collect();
        let qr = Householder::new(ct);
        let mut out = vec![vec![0.0; x.len()]; m - 2];
        // Rows in parallel chunks, each writing its rows of every column: the B-spline row, then Qᵀ, with no
        // matrix of the B-splines in between.
        row_chunks(&mut out)
            .into_par_iter()
            .enumerate()
            .for_each(|(k, mut cols)| {
                let mut full = vec![0.0; m + skip];
                let mut values = [0.0; 4];
                let first = k * ROWS;
                for r in 0..cols.first().map_or(0, |c| c.len()) {
                    let xi = x[first + r];
                    if xi.is_nan() {
                        cols.iter_mut().for_each(|c| c[r] = f64::NAN);
                        continue;
                    }
                    if xi < lo || xi > hi {
                        let (pivot, (value, slope)) =
                            if xi < lo { (lo, &below) } else { (hi, &above) };
                        for ((f, v), s) in full.iter_mut().zip(value).zip(slope) {
                            *f = v + (xi - pivot) * s;
                        }
                    } else {
                        basis_row(&all_knots, 4, xi, &mut values, &mut full);
                    }
                    let row = &mut full[skip..];
                    qr.qty(row);
                    for (col, &v) in cols.iter_mut().zip(&row[2..]) {
                        col[r] = v;
                    }
                }
            });
        Ok(out)
    }
}
