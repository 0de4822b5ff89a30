//! A small generalised Cholesky factorisation `A = L D L'` (unit lower-triangular `L`, diagonal `D`) that
//! tolerates singular and indefinite matrices the way survreg's Newton-Raphson needs it.
//!
//! A pivot that is not finite or below `eps` marks its column as redundant: the column of `L` is zeroed and
//! solves and inverses give 0 in that position. `eps` is the tolerance itself when the diagonal has no negative
//! entry, else the tolerance times the most negative diagonal entry; a pivot below `-8 eps` flags the matrix as
//! not non-negative definite (the caller then falls back to another step).
//!
//! # Reference
//! Golub & Van Loan, *Matrix Computations*, 4th ed., 4.1 (LDL'); the tolerance rule is that of the
//! `survival` package's `cholesky3` (Therneau).

/// The factorisation of a symmetric `n x n` matrix (row-major, only the lower triangle is read).
#[derive(Clone, Debug)]
pub struct Ldl {
    n: usize,
    /// Row-major: `L` below the diagonal, `D` on it (0 for a redundant column).
    a: Vec<f64>,
    /// Number of non-redundant pivots.
    pub rank: usize,
    /// False when a pivot was clearly negative.
    pub nonneg: bool,
}

impl Ldl {
    /// Factors the symmetric matrix `mat` (`n x n`, row-major) with singularity tolerance `toler`.
    pub fn new(mat: &[f64], n: usize, toler: f64) -> Ldl {
        debug_assert_eq!(mat.len(), n * n);
        let mut a = mat.to_vec();
        let min_diag = (0..n).map(|i| a[i * n + i]).fold(0.0, f64::min);
        let eps = if min_diag == 0.0 {
            toler
        } else {
            toler * min_diag
        };
        let mut rank = 0;
        let mut nonneg = true;
        for i in 0..n {
            let pivot = a[i * n + i];
            if !pivot.is_finite() || pivot < eps {
                for j in i..n {
                    a[j * n + i] = 0.0;
                }
                if pivot < -8.0 * eps {
                    nonneg = false;
                }
                continue;
            }
            rank += 1;
            for j in i + 1..n {
                let t = a[j * n + i] / pivot;
                a[j * n + i] = t;
                a[j * n + j] -= t * t * pivot;
                for k in j + 1..n {
                    a[k * n + j] -= t * a[k * n + i];
                }
            }
        }
        Ldl { n, a, rank, nonneg }
    }

    /// The first column found redundant (zero pivot), if any.
    pub fn first_redundant(&self) -> Option<usize> {
        (0..self.n).find(|&i| self.a[i * self.n + i] == 0.0)
    }

    /// Solves `A x = b` in place; redundant positions get 0.
    pub fn solve(&self, b: &mut [f64]) {
        let n = self.n;
        let a = &self.a;
        for i in 0..n {
            let mut s = b[i];
            for k in 0..i {
                s -= a[i * n + k] * b[k];
            }
            b[i] = s;
        }
        for i in 0..n {
            let d = a[i * n + i];
            b[i] = if d == 0.0 { 0.0 } else { b[i] / d };
        }
        for i in (0..n).rev() {
            let mut s = b[i];
            for k in i + 1..n {
                s -= a[k * n + i] * b[k];
            }
            b[i] = s;
        }
    }

    /// The (generalised) inverse, row-major and symmetric; rows and columns of redundant positions are 0.
    pub fn inverse(&self) -> Vec<f64> {
        let n = self.n;
        let mut inv = vec![0.0; n * n];
        let mut col = vec![0.0; n];
        for j in 0..n {
            col.iter_mut().for_each(|c| *c = 0.0);
            col[j] = 1.0;
            self.solve(&mut col);
            for i in 0..n {
                inv[i * n + j] = col[i];
            }
        }
        // Symmetrise away the last-bit asymmetry of the two triangular solves.
        for i in 0..n {
            for j in 0..i {
                let m = 0.5 * (inv[i * n + j] + inv[j * n + i]);
                inv[i * n + j] = m;
                inv[j * n + i] = m;
            }
        }
        inv
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts_a_positive_definite_matrix() {
        let m = [4.0, 2.0, 0.6, 2.0, 2.0, 0.5, 0.6, 0.5, 3.0];
        let f = Ldl::new(&m, 3, 1e-10);
        assert!(f.nonneg && f.rank == 3);
        let inv = f.inverse();
        for i in 0..3 {
            for j in 0..3 {
                let e: f64 = (0..3).map(|k| m[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((e - if i == j { 1.0 } else { 0.0 }).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn flags_singular_and_indefinite() {
        let singular = [1.0, 1.0, 1.0, 1.0];
        let f = Ldl::new(&singular, 2, 1e-10);
        assert_eq!(f.rank, 1);
        assert!(f.nonneg);
        let indefinite = [1.0, 0.0, 0.0, -1.0];
        assert!(!Ldl::new(&indefinite, 2, 1e-10).nonneg);
    }
}
