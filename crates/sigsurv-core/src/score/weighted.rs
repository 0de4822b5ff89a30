//! A weighted gene-set score: `sum_g w_g x_gs` per sample, the linear predictor of a penalized Cox model on
//! its genes (glmnet's `predict(fit, newx)`: the expression as it is, not centred).

use crate::error::{CoreError, Result};

/// Scores of weighted sets, `scores[set][sample]`; each set is `(gene row, weight)` pairs. `expr` is row-major
/// genes × samples, as [`super::score_sets`].
///
/// ```
/// use sigsurv_core::score::weighted_scores;
/// // two genes x three samples; the set weights gene 0 by 2 and gene 1 by -1
/// let expr = [1.0, 2.0, 3.0, 0.5, 0.0, -1.0];
/// let s = weighted_scores(&expr, 2, 3, &[vec![(0, 2.0), (1, -1.0)]])?;
/// assert_eq!(s[0], vec![1.5, 4.0, 7.0]);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
pub fn weighted_scores(
    expr: &[f64],
    n_genes: usize,
    n_samples: usize,
    sets: &[Vec<(usize, f64)>],
) -> Result<Vec<Vec<f64>>> {
    if expr.len() != n_genes * n_samples {
        return Err(CoreError::LengthMismatch {
            what: "expression matrix",
            got: expr.len(),
            expected: n_genes * n_samples,
        });
    }
    sets.iter()
        .enumerate()
        .map(|(set, genes)| {
            if genes.is_empty() {
                return Err(CoreError::GeneSet {
                    set,
                    message: "no genes to score".to_string(),
                });
            }
            let mut score = vec![0.0; n_samples];
            for &(g, w) in genes {
                if g >= n_genes {
                    return Err(CoreError::GeneSet {
                        set,
                        message: format!("gene row {g} is outside the matrix ({n_genes} genes)"),
                    });
                }
                for (s, x) in score
                    .iter_mut()
                    .zip(&expr[g * n_samples..(g + 1) * n_samples])
                {
                    *s += w * x;
                }
            }
            Ok(score)
        })
        .collect()
}
