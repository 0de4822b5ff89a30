//! The Householder QR of a tall matrix as R's default `qr()` computes it (LINPACK `dqrdc2`, no pivoting needed for
//! a full-rank matrix), and `qr.qty`: the natural spline basis is `B · Q` without Q's first columns, and the columns
//! of Q beyond the matrix's own span depend on how the reflections are built, so they are built as R builds them.

/// The reflections of a QR decomposition: reflection l maps column l onto (…, −‖x‖ sign(x_ll), 0, …).
pub(crate) struct Householder {
    /// Reflection vectors u_l (entries l.. of column l; u_l[l] = 1 + x_ll / ν_l), LINPACK's `qr` and `qraux`.
    vectors: Vec<Vec<f64>>,
}

impl Householder {
    /// Decomposes the `n × p` matrix given as `p` columns (n ≥ p). A zero column gives no reflection.
    pub(crate) fn new(mut columns: Vec<Vec<f64>>) -> Householder {
        let p = columns.len();
        let mut vectors = Vec::with_capacity(p);
        for l in 0..p {
            let (done, rest) = columns.split_at_mut(l + 1);
            let x = &mut done[l];
            let norm = x[l..].iter().map(|v| v * v).sum::<f64>().sqrt();
            if norm == 0.0 {
                vectors.push(Vec::new());
                continue;
            }
            let norm = if x[l] != 0.0 {
                norm.copysign(x[l])
            } else {
                norm
            };
            let scale = 1.0 / norm;
            x[l..].iter_mut().for_each(|v| *v *= scale);
            x[l] += 1.0;
            for y in rest.iter_mut() {
                let t = -dot(&x[l..], &y[l..]) / x[l];
                y[l..]
                    .iter_mut()
                    .zip(&x[l..])
                    .for_each(|(yi, ui)| *yi += t * ui);
            }
            let mut u = vec![0.0; x.len()];
            u[l..].copy_from_slice(&x[l..]);
            vectors.push(u);
        }
        Householder { vectors }
    }

    /// Qᵀ y (R's `qr.qty`), in place.
    pub(crate) fn qty(&self, y: &mut [f64]) {
        for (l, u) in self.vectors.iter().enumerate() {
            if u.is_empty() {
                continue;
            }
            let t = -dot(&u[l..], &y[l..]) / u[l];
            y[l..]
                .iter_mut()
                .zip(&u[l..])
                .for_each(|(yi, ui)| *yi += t * ui);
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qty_maps_the_columns_onto_the_triangle_and_keeps_lengths() {
        let cols = vec![vec![3.0, 4.0, 0.0], vec![1.0, 2.0, 2.0]];
        let h = Householder::new(cols.clone());
        let mut a = cols[0].clone();
        h.qty(&mut a);
        assert!((a[0] + 5.0).abs() < 1e-14 && a[1].abs() < 1e-14 && a[2].abs() < 1e-14);
        let mut b = cols[1].clone();
        h.qty(&mut b);
        assert!(b[2].abs() < 1e-14);
        assert!((b.iter().map(|v| v * v).sum::<f64>() - 9.0).abs() < 1e-13);
    }
}
