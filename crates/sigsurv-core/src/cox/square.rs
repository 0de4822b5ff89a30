//! Row-major p × p matrices as the Cox fits keep them (variances, information): a principal block, and the
//! two-sided diagonal scaling that takes them from the standardized covariates back to the original ones.

/// Rows and columns `idx` of the row-major p × p matrix `m`, row-major (`idx.len()` squared entries).
pub(crate) fn principal_block(m: &[f64], p: usize, idx: &[usize]) -> Vec<f64> {
    idx.iter()
        .flat_map(|&i| idx.iter().map(move |&j| m[i * p + j]))
        .collect()
}

/// `diag(s) m diag(s)`: entry (i, j) of the row-major `m` times `s_i s_j`.
pub(crate) fn scaled_both_sides(m: &[f64], s: &[f64]) -> Vec<f64> {
    let p = s.len();
    (0..p * p).map(|ij| m[ij] * s[ij / p] * s[ij % p]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_scaling_pick_and_scale_the_right_entries() {
        // m_ij = 10 i + j
        let m: Vec<f64> = (0..9).map(|ij| (10 * (ij / 3) + ij % 3) as f64).collect();
        assert_eq!(principal_block(&m, 3, &[0, 2]), vec![0.0, 2.0, 20.0, 22.0]);
        assert_eq!(principal_block(&m, 3, &[]), Vec::<f64>::new());
        let scaled = scaled_both_sides(&m, &[1.0, 2.0, 3.0]);
        assert_eq!(scaled[5], 12.0 * 2.0 * 3.0);
        assert_eq!(scaled[7], 21.0 * 3.0 * 2.0);
    }
}
