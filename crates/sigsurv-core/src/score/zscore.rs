//! Per-gene standardisation across samples, then a mean (`mean-z`) or GSVA's combined z-score (`zscore`).

use rayon::prelude::*;

use crate::error::{CoreError, Result};

/// Genes whose standard deviation across samples is below this are "constant": GSVA 1.46 drops them
/// (`.filterFeatures`: `sdGenes < 1e-10`) before the z-score methods.
pub const CONSTANT_SD: f64 = 1e-10;

/// How the z-scores of a set's genes are combined in a sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Combine {
    /// `Σ z / k` (mean-z).
    Mean,
    /// `Σ z / √k` (GSVA's `combinez`, Lee et al. 2008).
    SumOverSqrtK,
}

/// `scores[set][sample]`; input already validated by the caller.
pub(super) fn score(
    expr: &[f64],
    n_genes: usize,
    n_samples: usize,
    sets: &[Vec<usize>],
    combine: Combine,
) -> Result<Vec<Vec<f64>>> {
    if n_samples < 2 {
        return Err(CoreError::InvalidArgument(format!(
            "{} needs at least 2 samples to standardise genes (got {n_samples})",
            if combine == Combine::Mean {
                "mean-z"
            } else {
                "zscore"
            }
        )));
    }
    // Standardise only the genes some set uses: z[g] is None for unused or constant genes.
    let mut used = vec![false; n_genes];
    for &g in sets.iter().flatten() {
        used[g] = true;
    }
    let z: Vec<Option<Vec<f64>>> = (0..n_genes)
        .into_par_iter()
        .map(|g| {
            used[g]
                .then(|| standardise(&expr[g * n_samples..(g + 1) * n_samples]))
                .flatten()
        })
        .collect();

    sets.iter()
        .enumerate()
        .map(|(si, set)| {
            let rows: Vec<&[f64]> = set.iter().filter_map(|&g| z[g].as_deref()).collect();
            if rows.is_empty() {
                return Err(CoreError::GeneSet {
                    set: si,
                    message: format!(
                        "all {} genes have constant expression (sd < {CONSTANT_SD:e}) and are dropped",
                        set.len()
                    ),
                });
            }
            let k = rows.len() as f64;
            let scale = match combine {
                Combine::Mean => k,
                Combine::SumOverSqrtK => k.sqrt(),
            };
            // Sum in set order, sample by sample, as R's colMeans / sum do.
            Ok((0..n_samples).map(|s| rows.iter().map(|r| r[s]).sum::<f64>() / scale).collect())
        })
        .collect()
}

/// A gene's mean and standard deviation (n − 1) across samples, as R's `mean()` and `sd()`: the centre and scale
/// `mean-z` standardises it by.
pub fn gene_mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let unit = power_of_two_unit(x);
    let mean = x.iter().map(|v| v / unit).sum::<f64>() / n;
    let ss = x.iter().map(|v| (v / unit - mean).powi(2)).sum::<f64>();
    (mean * unit, (ss / (n - 1.0)).sqrt() * unit)
}

/// `mean-z` with each gene standardised by a given centre and scale (another cohort's [`gene_mean_sd`]) instead of
/// its own: `Σ_g (x_g − m_g) / s_g / k` per sample, R's `rowMeans(scale(X, center = m, scale = s))` over the
/// genes `rows` (rows of `expr`, genes × `n_samples`, row-major).
///
/// ```
/// use sigsurv_core::score::{gene_mean_sd, mean_z_frozen, score_sets, ScoreMethod};
/// let expr = [1.0, 2.0, 4.0, 7.0, /* gene 2 */ 0.5, 0.1, 0.9, 0.2];
/// let stats = [gene_mean_sd(&expr[..4]), gene_mean_sd(&expr[4..])];
/// // With the cohort's own means and SDs it is the cohort's own mean-z score.
/// let own = score_sets(&expr, 2, 4, &[vec![0, 1]], ScoreMethod::MeanZ)?;
/// let frozen = mean_z_frozen(&expr, 4, &[0, 1], &stats);
/// for (a, b) in own[0].iter().zip(&frozen) {
///     assert!((a - b).abs() < 1e-14);
/// }
/// // R: rowMeans(scale(cbind(c(1, 2, 4, 7), c(0.5, 0.1, 0.9, 0.2)), center = c(3, 0.3), scale = c(2, 0.4)))[1]
/// let other = mean_z_frozen(&expr, 4, &[0, 1], &[(3.0, 2.0), (0.3, 0.4)]);
/// assert!((other[0] - (-0.25)).abs() < 1e-15);
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
pub fn mean_z_frozen(
    expr: &[f64],
    n_samples: usize,
    rows: &[usize],
    stats: &[(f64, f64)],
) -> Vec<f64> {
    let k = rows.len() as f64;
    (0..n_samples)
        .map(|s| {
            rows.iter()
                .zip(stats)
                .map(|(&g, &(m, sd))| (expr[g * n_samples + s] - m) / sd)
                .sum::<f64>()
                / k
        })
        .collect()
}

/// Whether a gene's values are constant in the sense of [`CONSTANT_SD`] (such genes are dropped by `mean-z` and
/// `zscore`).
pub fn is_constant(x: &[f64]) -> bool {
    standardise(x).is_none()
}

/// `(x − mean) / sd` with sd on `n − 1` (R's `scale()`); `None` when the gene is constant (`sd < 1e-10`).
///
/// The z-scores do not depend on the unit of `x`, so a gene with huge values (1e160, whose squares overflow, or
/// 1e308, whose sum does) is standardised in a unit of a power of two near its largest value: the scaling is
/// exact, so ordinary values give the same bits as without it.
fn standardise(x: &[f64]) -> Option<Vec<f64>> {
    let n = x.len() as f64;
    let unit = power_of_two_unit(x);
    let mean = x.iter().map(|v| v / unit).sum::<f64>() / n;
    let centred: Vec<f64> = x.iter().map(|v| v / unit - mean).collect();
    let sd = (centred.iter().map(|c| c * c).sum::<f64>() / (n - 1.0)).sqrt();
    // The constant-gene rule is on the data's own scale (an infinite product is a gene that varies).
    if sd.is_nan() || sd * unit < CONSTANT_SD {
        return None;
    }
    Some(centred.into_iter().map(|c| c / sd).collect())
}

/// 1, or for values beyond 2^400 (about 2.6e120, where sums of squares over many samples could overflow) the
/// power of two at their largest magnitude.
fn power_of_two_unit(x: &[f64]) -> f64 {
    let max = x.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if max <= 2f64.powi(400) || !max.is_finite() {
        return 1.0;
    }
    2f64.powi(max.log2().floor() as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed() {
        // Two genes x 3 samples: g0 = (1, 2, 3) -> z = (-1, 0, 1); g1 = (2, 4, 9): mean 5, sd sqrt(13).
        let expr = [1.0, 2.0, 3.0, 2.0, 4.0, 9.0];
        let s = 13f64.sqrt();
        let z1 = [-3.0 / s, -1.0 / s, 4.0 / s];
        let mean = score(&expr, 2, 3, &[vec![0, 1]], Combine::Mean).unwrap();
        let comb = score(&expr, 2, 3, &[vec![0, 1]], Combine::SumOverSqrtK).unwrap();
        for (j, z0) in [-1.0, 0.0, 1.0].iter().enumerate() {
            assert!((mean[0][j] - (z0 + z1[j]) / 2.0).abs() < 1e-15);
            assert!((comb[0][j] - (z0 + z1[j]) / 2f64.sqrt()).abs() < 1e-15);
        }
    }

    #[test]
    fn constant_genes_are_dropped() {
        let expr = [1.0, 2.0, 3.0, 5.0, 5.0, 5.0];
        let with = score(&expr, 2, 3, &[vec![0, 1]], Combine::Mean).unwrap();
        let without = score(&expr, 2, 3, &[vec![0]], Combine::Mean).unwrap();
        assert_eq!(with, without);
        assert!(score(&expr, 2, 3, &[vec![1]], Combine::Mean).is_err());
        assert!(score(&expr[..2], 2, 1, &[vec![0]], Combine::Mean).is_err());
    }
}
