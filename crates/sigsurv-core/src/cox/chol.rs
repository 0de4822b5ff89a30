//! Generalised Cholesky `A = L D Lᵀ` (unit lower-triangular `L`, diagonal `D`) that tolerates
//! singular, symmetric non-negative definite matrices, with the pivot rule of R survival's `cholesky2`:
//! a pivot below `toler · max(diag(A))` (or non-finite) is declared redundant, set to zero, and its column
//! is ignored in solves and zeroed in the inverse. This is how `coxph` drops collinear covariates
//! (`toler.chol = .Machine$double.eps^0.75`). nalgebra's Cholesky rejects singular matrices, so the
//! factorisation is written out here (p is small: the number of covariates).
#![allow(clippy::needless_range_loop)] // index loops mirror the matrix formulas

/// A symmetric p × p matrix factored as `L D Lᵀ`, stored row-major in one buffer.
#[derive(Debug, Clone)]
pub(crate) struct Ldl {
    p: usize,
    /// Strict lower triangle holds `L`, the diagonal holds `D` (0 for a redundant column).
    m: Vec<f64>,
    /// Rank, negative if a pivot was clearly negative (matrix not non-negative definite).
    pub rank: i64,
}

impl Ldl {
    /// Factors the symmetric matrix `a` (row-major p × p; only the lower triangle is read).
    pub fn new(a: &[f64], p: usize, toler: f64) -> Ldl {
        let mut m = a.to_vec();
        for i in 0..p {
            for j in 0..i {
                m[j * p + i] = m[i * p + j];
            }
        }
        let mut eps = 0.0f64;
        for i in 0..p {
            if m[i * p + i] > eps {
                eps = m[i * p + i];
            }
        }
        eps = if eps == 0.0 { toler } else { eps * toler };
        let mut rank = 0i64;
        let mut nonneg = true;
        for i in 0..p {
            let pivot = m[i * p + i];
            if !pivot.is_finite() || pivot < eps {
                m[i * p + i] = 0.0;
                if pivot < -8.0 * eps {
                    nonneg = false;
                }
                continue;
            }
            rank += 1;
            for j in (i + 1)..p {
                let t = m[j * p + i] / pivot;
                m[j * p + i] = t;
                m[j * p + j] -= t * t * pivot;
                for k in (j + 1)..p {
                    m[k * p + j] -= t * m[k * p + i];
                }
            }
        }
        Ldl {
            p,
            m,
            rank: if nonneg { rank } else { -rank },
        }
    }

    /// True when column `i` was declared redundant.
    pub fn is_singular(&self, i: usize) -> bool {
        self.m[i * self.p + i] == 0.0
    }

    /// Solves `A b = y` in place; redundant columns get `b = 0` (a generalised inverse).
    pub fn solve(&self, y: &mut [f64]) {
        let p = self.p;
        for i in 0..p {
            let mut t = y[i];
            for j in 0..i {
                t -= y[j] * self.m[i * p + j];
            }
            y[i] = t;
        }
        for i in (0..p).rev() {
            let d = self.m[i * p + i];
            if d == 0.0 {
                y[i] = 0.0;
            } else {
                let mut t = y[i] / d;
                for j in (i + 1)..p {
                    t -= y[j] * self.m[j * p + i];
                }
                y[i] = t;
            }
        }
    }

    /// The generalised inverse (row-major p × p, symmetric), with zero rows and columns for redundant
    /// columns, as R's `chinv2`.
    pub fn inverse(&self) -> Vec<f64> {
        let p = self.p;
        let mut out = vec![0.0; p * p];
        let mut e = vec![0.0; p];
        for c in 0..p {
            if self.is_singular(c) {
                continue;
            }
            e.iter_mut().for_each(|v| *v = 0.0);
            e[c] = 1.0;
            self.solve(&mut e);
            for r in 0..p {
                out[r * p + c] = e[r];
            }
        }
        // Symmetrise against round-off (the two triangles agree to ~1e-16 relative).
        for i in 0..p {
            for j in 0..i {
                let v = 0.5 * (out[i * p + j] + out[j * p + i]);
                out[i * p + j] = v;
                out[j * p + i] = v;
            }
        }
        out
    }

    /// `yᵀ A⁻ y` for the generalised inverse (the quadratic form of score and Wald tests).
    pub fn quad_form(&self, y: &[f64]) -> f64 {
        let mut b = y.to_vec();
        self.solve(&mut b);
        y.iter().zip(&b).map(|(a, b)| a * b).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverts_spd() {
        let a = [4.0, 2.0, 2.0, 3.0];
        let l = Ldl::new(&a, 2, 1e-12);
        assert_eq!(l.rank, 2);
        let inv = l.inverse();
        let det = 4.0 * 3.0 - 4.0;
        let want = [3.0 / det, -2.0 / det, -2.0 / det, 4.0 / det];
        for (x, y) in inv.iter().zip(want) {
            assert!((x - y).abs() < 1e-14);
        }
    }

    #[test]
    fn drops_collinear_column() {
        // Column 2 = 2 * column 1.
        let a = [1.0, 2.0, 2.0, 4.0];
        let l = Ldl::new(&a, 2, 1.818989e-12);
        assert_eq!(l.rank, 1);
        assert!(l.is_singular(1));
        let inv = l.inverse();
        assert_eq!(inv, vec![1.0, 0.0, 0.0, 0.0]);
    }
}
