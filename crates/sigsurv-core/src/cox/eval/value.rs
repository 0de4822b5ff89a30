//! The value of one evaluation of the partial likelihood: ℓ(β), its gradient and its information matrix.

/// ℓ(β), U(β) and the information matrix (packed lower triangle, `i * (i + 1) / 2 + j`).
#[derive(Debug, Clone)]
pub(crate) struct Eval {
    pub loglik: f64,
    pub u: Vec<f64>,
    pub imat: Vec<f64>,
    /// The largest η (unshifted) of the rows used: R's fitters exponentiate η as it is, so their evaluation
    /// overflows once this passes ln(f64::MAX), and the Newton iteration treats such a point as R does.
    pub max_eta: f64,
}

impl Eval {
    pub(super) fn zero(p: usize) -> Eval {
        Eval {
            loglik: 0.0,
            u: vec![0.0; p],
            imat: vec![0.0; p * (p + 1) / 2],
            max_eta: f64::NEG_INFINITY,
        }
    }

    /// The information matrix as a full row-major p × p matrix.
    pub fn imat_full(&self, p: usize) -> Vec<f64> {
        let mut m = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..=i {
                let v = self.imat[i * (i + 1) / 2 + j];
                m[i * p + j] = v;
                m[j * p + i] = v;
            }
        }
        m
    }
}
