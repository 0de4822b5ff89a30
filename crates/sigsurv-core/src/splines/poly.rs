//! Orthogonal polynomials of a covariate, as R's `poly(x, degree)`.

use crate::error::{CoreError, Result};

/// Orthogonal polynomials fixed on the training data: R's `attr(poly(x, degree), "coefs")` (`alpha`, `norm2`),
/// the three-term recurrence that rebuilds them on new rows.
#[derive(Clone, Debug, PartialEq)]
pub struct OrthoPolyBasis {
    pub degree: usize,
    /// α_1 … α_degree.
    pub alpha: Vec<f64>,
    /// R's `norm2`: 1, n, ‖P_1‖², …, ‖P_degree‖² (degree + 2 values).
    pub norm2: Vec<f64>,
}

impl OrthoPolyBasis {
    /// Fits the polynomials on `x`.
    ///
    /// # Formula
    /// P_0 = 1, P_1 = x − α_1, P_{j+1} = (x − α_{j+1}) P_j − (‖P_j‖² / ‖P_{j−1}‖²) P_{j−1}, with
    /// α_{j+1} = Σ x P_j² / Σ P_j² (the Stieltjes procedure: P_j is x^j minus its projection on the lower powers,
    /// what R computes by a QR of the centred powers); the columns are P_j / ‖P_j‖, j = 1 … degree.
    ///
    /// # R equivalent
    /// `poly(x, degree)` (not `raw = TRUE`).
    ///
    /// # Errors
    /// [`CoreError::InvalidArgument`] for degree 0, a missing value (R: "missing values are not allowed in
    /// 'poly'"), or a degree not below the number of distinct values.
    ///
    /// # Examples
    /// `poly(x, 2)` of the maintained arm's times in R's `aml` data: the first row is −0.218591635738425,
    /// 0.416983061373843 (R 4.2, `fixtures/doctests/make_reference.R`).
    /// ```
    /// use sigsurv_core::splines::OrthoPolyBasis;
    /// let x = [9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0];
    /// let p = OrthoPolyBasis::new(&x, 2)?.basis(&x);
    /// let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
    /// assert!(close(p[0][0], -0.218591635738425) && close(p[1][0], 0.416983061373843));
    /// # Ok::<(), sigsurv_core::CoreError>(())
    /// ```
    #[doc(alias = "poly")]
    pub fn new(x: &[f64], degree: usize) -> Result<OrthoPolyBasis> {
        if degree == 0 {
            return Err(CoreError::InvalidArgument(
                "poly(): 'degree' must be at least 1".into(),
            ));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(CoreError::InvalidArgument(
                "poly(): missing values are not allowed".into(),
            ));
        }
        let mut distinct = x.to_vec();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        if degree >= distinct.len() {
            return Err(CoreError::InvalidArgument(format!(
                "poly(): 'degree' ({degree}) must be less than the number of unique points ({})",
                distinct.len()
            )));
        }
        let n = x.len() as f64;
        let mut alpha = Vec::with_capacity(degree);
        let mut norm2 = vec![1.0, n];
        let (mut prev, mut cur) = (vec![0.0; x.len()], vec![1.0; x.len()]);
        for j in 0..degree {
            let a = x.iter().zip(&cur).map(|(xi, p)| xi * p * p).sum::<f64>() / norm2[j + 1];
            alpha.push(a);
            let ratio = norm2[j + 1] / norm2[j];
            let next: Vec<f64> = (0..x.len())
                .map(|i| (x[i] - a) * cur[i] - if j > 0 { ratio * prev[i] } else { 0.0 })
                .collect();
            norm2.push(next.iter().map(|v| v * v).sum());
            prev = std::mem::replace(&mut cur, next);
        }
        Ok(OrthoPolyBasis {
            degree,
            alpha,
            norm2,
        })
    }

    /// The `degree` columns at `x` (NaN rows for NaN `x`), by the recurrence with the training `alpha`, `norm2`.
    ///
    /// # R equivalent
    /// `predict(poly(x, degree), newx)`, i.e. `poly(newx, degree, coefs = attr(..., "coefs"))`.
    pub fn basis(&self, x: &[f64]) -> Vec<Vec<f64>> {
        let mut out = Vec::with_capacity(self.degree);
        let mut prev = vec![1.0; x.len()];
        let mut cur: Vec<f64> = x.iter().map(|&xi| xi - self.alpha[0]).collect();
        for j in 1..=self.degree {
            if j > 1 {
                let ratio = self.norm2[j] / self.norm2[j - 1];
                let next: Vec<f64> = (0..x.len())
                    .map(|i| (x[i] - self.alpha[j - 1]) * cur[i] - ratio * prev[i])
                    .collect();
                prev = std::mem::replace(&mut cur, next);
            }
            let scale = self.norm2[j + 1].sqrt();
            out.push(cur.iter().map(|v| v / scale).collect());
        }
        out
    }
}
