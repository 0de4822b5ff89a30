//! The natural cubic spline basis of a covariate, as R's `splines::ns()`: cubic B-splines constrained to be
//! linear beyond the boundary knots.

use super::bs::no_values;
use super::design::spline_design;
use super::householder::Householder;
use super::knots::{basis_inside, interior_knots, knot_sequence, range};
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
        let mut b = basis_inside(&all_knots, 4, self.boundary, x)?;
        for pivot in [lo, hi] {
            let rows: Vec<usize> = (0..x.len())
                .filter(|&i| if pivot == lo { x[i] < lo } else { x[i] > hi })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let value = spline_design(&all_knots, &[pivot], 4, 0)?;
            let slope = spline_design(&all_knots, &[pivot], 4, 1)?;
            for &i in &rows {
                for (col, (v, s)) in b.iter_mut().zip(value.iter().zip(&slope)) {
                    col[i] = v[0] + (x[i] - pivot) * s[0];
                }
            }
        }
        let mut constraint = spline_design(&all_knots, &[lo, hi], 4, 2)?;
        if !self.intercept {
            b.remove(0);
            constraint.remove(0);
        }
        // Cᵀ as columns: one column per boundary, one row per basis function.
        let m = b.len();
        let ct: Vec<Vec<f64>> = (0..2)
            .map(|r| constraint.iter().map(|col| col[r]).collect())
            .collect();
        let qr = Householder::new(ct);
        let mut out = vec![vec![0.0; x.len()]; m - 2];
        let mut row = vec![0.0; m];
        for i in 0..x.len() {
            if x[i].is_nan() {
                out.iter_mut().for_each(|c| c[i] = f64::NAN);
                continue;
            }
            for (r, col) in row.iter_mut().zip(&b) {
                *r = col[i];
            }
            qr.qty(&mut row);
            for (col, &v) in out.iter_mut().zip(&row[2..]) {
                col[i] = v;
            }
        }
        Ok(out)
    }
}
