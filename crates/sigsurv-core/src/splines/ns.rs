//! The natural cubic spline basis of a covariate, as R's `splines::ns()`: cubic B-splines constrained to be
//! linear beyond the boundary knots.

use super::bs::no_values;
use super::design::{basis_row, fill_rows, spline_design};
use super::householder::Householder;
use super::knots::{interior_knots, knot_sequence, range};
use super::piecewise::Piecewise;
use crate::error::Result;

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
                let mut finite = x.iter().copied().filter(|v| v.is_finite());
                match (finite.next(), finite.next()) {
                    (Some(only), None) => [only * 7.0 / 8.0, only * 9.0 / 8.0],
                    _ => range(x).map_err(|_| no_values("ns"))?,
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
    ///
    /// The rows are evaluated as one cubic per knot interval and column (`piecewise.rs`);
    /// `basis_by_recursion` is the formula row by row, the reference they are tested
    /// against.
    pub fn basis(&self, x: &[f64]) -> Result<Vec<Vec<f64>>> {
        let parts = self.parts()?;
        let m = parts.qr_columns;
        let map = |row: &[f64]| parts.map(row);
        let inside = Piecewise::new(&parts.knots, 4, m - 2, map);
        // Beyond the boundary knots each column is its tangent line there.
        let (below, above) = (map(&parts.below.0), map(&parts.above.0));
        let (below_slope, above_slope) = (map(&parts.below.1), map(&parts.above.1));
        let [lo, hi] = self.boundary;
        let mut out = vec![vec![0.0; x.len()]; m - 2];
        fill_rows(
            &mut out,
            x,
            || (),
            |_, xi, row| {
                if xi < lo || xi > hi {
                    let (pivot, value, slope) = if xi < lo {
                        (lo, &below, &below_slope)
                    } else {
                        (hi, &above, &above_slope)
                    };
                    for ((o, v), s) in row.iter_mut().zip(value).zip(slope) {
                        *o = v + (xi - pivot) * s;
                    }
                } else {
                    inside.eval(xi, row);
                }
            },
        );
        Ok(out)
    }

    /// [`NaturalSplineBasis::basis`] by the formula row by row: the Cox-de Boor recursion for each row's
    /// B-splines, then Qᵀ. The reference the fast evaluation is tested against; hidden, not a second API.
    #[doc(hidden)]
    pub fn basis_by_recursion(&self, x: &[f64]) -> Result<Vec<Vec<f64>>> {
        let parts = self.parts()?;
        let [lo, hi] = self.boundary;
        let (below, above) = (&parts.below, &parts.above);
        let m = parts.qr_columns;
        let skip = parts.skip;
        let mut out = vec![vec![0.0; x.len()]; m - 2];
        // Each row: the B-spline row, then Qᵀ, with no matrix of the B-splines in between.
        let scratch = || (vec![0.0; m + skip], [0.0; 4]);
        fill_rows(&mut out, x, scratch, |(full, values), xi, row| {
            if xi < lo || xi > hi {
                let (pivot, (value, slope)) = if xi < lo { (lo, below) } else { (hi, above) };
                for ((f, v), s) in full.iter_mut().zip(value).zip(slope) {
                    *f = v + (xi - pivot) * s;
                }
            } else {
                basis_row(&parts.knots, 4, xi, values, full);
            }
            let kept = &mut full[skip..];
            parts.qr.qty(kept);
            row.copy_from_slice(&kept[2..]);
        });
        Ok(out)
    }

    /// What both evaluations of the basis start from.
    fn parts(&self) -> Result<Parts> {
        let [lo, hi] = self.boundary;
        let knots = knot_sequence(self.boundary, &self.knots, 4);
        // Beyond a boundary knot the B-splines continue as their tangent lines there.
        let tangent = |pivot: f64| -> Result<(Vec<f64>, Vec<f64>)> {
            let first = |cols: Vec<Vec<f64>>| cols.into_iter().map(|c| c[0]).collect::<Vec<f64>>();
            Ok((
                first(spline_design(&knots, &[pivot], 4, 0)?),
                first(spline_design(&knots, &[pivot], 4, 1)?),
            ))
        };
        let (below, above) = (tangent(lo)?, tangent(hi)?);
        let mut constraint = spline_design(&knots, &[lo, hi], 4, 2)?;
        let skip = usize::from(!self.intercept);
        if !self.intercept {
            constraint.remove(0);
        }
        // Cᵀ as columns: one column per boundary, one row per basis function.
        let qr_columns = constraint.len();
        let ct: Vec<Vec<f64>> = (0..2)
            .map(|r| constraint.iter().map(|col| col[r]).collect())
            .collect();
        Ok(Parts {
            knots,
            below,
            above,
            qr: Householder::new(ct),
            skip,
            qr_columns,
        })
    }
}

/// The pieces of a natural spline basis: the knot sequence, the B-splines' value and slope at each boundary knot,
/// and the QR of the constraint.
struct Parts {
    knots: Vec<f64>,
    below: (Vec<f64>, Vec<f64>),
    above: (Vec<f64>, Vec<f64>),
    qr: Householder,
    /// 1 when the first B-spline is dropped (no intercept).
    skip: usize,
    /// The B-splines kept (the rows of Cᵀ).
    qr_columns: usize,
}

impl Parts {
    /// A full row of the B-splines to the basis's columns: the first dropped without intercept, Qᵀ, the first
    /// two entries dropped.
    fn map(&self, full: &[f64]) -> Vec<f64> {
        let mut row = full[self.skip..].to_vec();
        self.qr.qty(&mut row);
        row.split_off(2)
    }
}
