//! Single-sample signature scores: one number per (gene set, sample) from a genes × samples expression matrix.
//!
//! Four methods, each reproducing its R reference to ~1e-12 on real data:
//! - [`ScoreMethod::MeanZ`]: mean over the set of each gene's z-score across samples (the "simple" score);
//! - [`ScoreMethod::ZScore`]: GSVA's combined z-score (Lee et al. 2008), `sum(z) / sqrt(k)`;
//! - [`ScoreMethod::Ssgsea`]: GSVA's single-sample GSEA (Barbie et al. 2009), range-normalised;
//! - [`ScoreMethod::Singscore`]: singscore's rank score for an up-set (Foroutan et al. 2018).
//!
//! Layout: `expr` is row-major genes × samples (the value of gene `g` in sample `s` is `expr[g * n_samples + s]`),
//! and gene sets are row indices already matched by the caller. Missing values are the caller's business.

mod rank;
mod singscore;
mod ssgsea;
mod weighted;
mod zscore;

pub use weighted::weighted_scores;
pub use zscore::CONSTANT_SD;
pub use zscore::{gene_mean_sd, is_constant, mean_z_frozen};

use std::fmt;

use rayon::prelude::*;

use crate::error::{CoreError, Result};

/// ssGSEA's rank weight exponent, GSVA's `tau = 0.25` default for `method = "ssgsea"`.
pub const SSGSEA_ALPHA: f64 = 0.25;

/// How a gene set is turned into one score per sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScoreMethod {
    /// Mean of per-gene z-scores (`"mean-z"`).
    MeanZ,
    /// GSVA combined z-score, `sum(z) / sqrt(k)` (`"zscore"`).
    ZScore,
    /// GSVA ssGSEA with `alpha = 0.25` and range normalisation (`"ssgsea"`).
    Ssgsea,
    /// singscore up-set score, centred (`"singscore"`).
    Singscore,
}

impl ScoreMethod {
    /// All methods, in the order of their documentation.
    pub const ALL: [ScoreMethod; 4] = [
        ScoreMethod::MeanZ,
        ScoreMethod::ZScore,
        ScoreMethod::Ssgsea,
        ScoreMethod::Singscore,
    ];

    /// The command-line name: `"mean-z"`, `"zscore"`, `"ssgsea"` or `"singscore"`.
    pub fn name(self) -> &'static str {
        match self {
            ScoreMethod::MeanZ => "mean-z",
            ScoreMethod::ZScore => "zscore",
            ScoreMethod::Ssgsea => "ssgsea",
            ScoreMethod::Singscore => "singscore",
        }
    }

    /// Parses a name given by [`ScoreMethod::name`] (case-insensitive; `mean_z`/`meanz` accepted too).
    pub fn parse(s: &str) -> Result<ScoreMethod> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mean-z" | "mean_z" | "meanz" => Ok(ScoreMethod::MeanZ),
            "zscore" | "z-score" => Ok(ScoreMethod::ZScore),
            "ssgsea" => Ok(ScoreMethod::Ssgsea),
            "singscore" => Ok(ScoreMethod::Singscore),
            other => Err(CoreError::InvalidArgument(format!(
                "unknown score method '{other}' (expected one of: mean-z, zscore, ssgsea, singscore)"
            ))),
        }
    }
}

impl ScoreMethod {
    /// Whether the method drops constant genes ([`CONSTANT_SD`]) from the sets, as GSVA does for `zscore`.
    pub fn drops_constant_genes(self) -> bool {
        matches!(self, ScoreMethod::MeanZ | ScoreMethod::ZScore)
    }
}

impl fmt::Display for ScoreMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for ScoreMethod {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self> {
        ScoreMethod::parse(s)
    }
}

/// Scores every gene set in every sample.
///
/// `expr` is genes × samples, row-major (`expr[g * n_samples + s]`), all finite. `sets[i]` holds the row indices of
/// set `i`'s genes (distinct, each `< n_genes`). Returns `scores[set][sample]`.
///
/// # Formula
/// With `z_gs = (x_gs − mean_g) / sd_g` (sd with `n − 1`, as R's `scale()`) and a set `G` of size `k`:
/// ```text
/// mean-z     S_s = (1/k) Σ_{g∈G} z_gs
/// zscore     S_s = Σ_{g∈G} z_gs / √k
/// ssgsea     E_s = Σ_{g∈G} r_gs^α (n − p_gs + 1) / Σ_{g∈G} r_gs^α  −  (n(n+1)/2 − Σ_{g∈G} (n − p_gs + 1)) / (n − k)
///            S_s = E_s / (max E − min E)            (range over all sets × samples)
/// singscore  S_s = (mean_{g∈G} q_gs − (k+1)/2) / (n − k) − 1/2
/// ```
/// ssGSEA: `r_gs` is the ascending average rank of gene g in sample s **truncated to an integer** (GSVA stores the
/// ranks in an integer matrix), `p_gs` its 1-based position when genes are sorted by `r` decreasing (ties keep row
/// order, as R's stable `order`), `α = 0.25`. singscore: `q_gs` is the ascending rank with ties given the minimum.
///
/// Genes with `sd < 1e-10` ([`CONSTANT_SD`]) are removed from the sets for `mean-z` and `zscore` (GSVA drops them);
/// `ssgsea` and `singscore` rank all `n_genes` rows, constant or not, as GSVA and singscore do.
///
/// # Reference
/// Lee E, et al. (2008) PLoS Comput Biol 4:e1000217 (combined z-score). Barbie DA, et al. (2009) Nature
/// 462:108–112 (ssGSEA). Hänzelmann S, et al. (2013) BMC Bioinformatics 14:7 (GSVA). Foroutan M, et al. (2018)
/// BMC Bioinformatics 19:404 (singscore).
///
/// # R equivalent
/// `gsva(expr, sets, method = "zscore")` and `gsva(expr, sets, method = "ssgsea")` (GSVA 1.46 defaults: `tau =
/// 0.25`, `ssgsea.norm = TRUE`); `colMeans(t(scale(t(expr[set, ]))))` for mean-z;
/// `simpleScore(rankGenes(expr), upSet = set, centerScore = TRUE)$TotalScore` for singscore.
/// Differences from R: a set left with no genes (all constant) is an error here; GSVA silently drops it.
/// R's integer arithmetic limits do not apply.
///
/// # Errors
/// [`CoreError::LengthMismatch`] if `expr.len() != n_genes * n_samples`; [`CoreError::Empty`] with no genes or
/// samples; [`CoreError::NonFinite`] (row = gene index) for a NaN/infinite value; [`CoreError::GeneSet`]
/// (naming the set) for an empty set, an out-of-range or repeated index, a set that covers every gene (ssgsea,
/// singscore) or has only constant genes (mean-z, zscore); [`CoreError::InvalidArgument`] for fewer than 2 samples
/// for the z-score methods;
/// [`CoreError::Numerical`] when all ssGSEA scores are equal (the range normalisation divides by zero).
///
/// # Examples
/// ssGSEA of three IL-1 genes among eight, in the first four tumours of GEO GSE1992 (`fixtures/gse1992`):
/// GSVA 1.46's `gsva(X, list(set = c("IL1B", "IL1R1", "MYD88")), method = "ssgsea")` gives the scores below
/// (R 4.2, `fixtures/doctests/make_reference.R`).
/// ```
/// use sigsurv_core::{score_sets, ScoreMethod};
/// #[rustfmt::skip]
/// let expr = [ // genes x samples, row-major
///     -1.2402,   -1.2326,   -0.1784,   0.2286,    // IL1B
///     -2.30152,  -2.07567,  -2.27319,  -2.11162,  // IL1A
///     0.396,     0.592,     0.337,     0.464,     // IL1R1
///     0.570778,  0.795611,  0.4735,    0.401,     // IL1R2
///     -0.901,    -0.580937, -1.08031,  -0.364469, // IL1RAP
///     -0.283571, 0.935,     -0.151429, 1.33071,   // IL1RN
///     0.314,     0.644,     0.22,      0.371,     // MYD88
///     1.446,     2.557,     0.843,     2.408,     // SYK
/// ];
/// let scores = score_sets(&expr, 8, 4, &[vec![0, 2, 6]], ScoreMethod::Ssgsea)?;
/// let from_gsva = [-0.0453191729161712, -0.773366677813547, 0.226633322186453, -0.11304368074884];
/// for (got, want) in scores[0].iter().zip(from_gsva) {
///     assert!((got - want).abs() <= 1e-9 * want.abs());
/// }
/// # Ok::<(), sigsurv_core::CoreError>(())
/// ```
#[doc(
    alias = "gsva",
    alias = "ssgsea",
    alias = "singscore",
    alias = "simpleScore"
)]
pub fn score_sets(
    expr: &[f64],
    n_genes: usize,
    n_samples: usize,
    sets: &[Vec<usize>],
    method: ScoreMethod,
) -> Result<Vec<Vec<f64>>> {
    check_input(expr, n_genes, n_samples, sets)?;
    match method {
        ScoreMethod::MeanZ => zscore::score(expr, n_genes, n_samples, sets, zscore::Combine::Mean),
        ScoreMethod::ZScore => zscore::score(
            expr,
            n_genes,
            n_samples,
            sets,
            zscore::Combine::SumOverSqrtK,
        ),
        ScoreMethod::Ssgsea => ssgsea::score(expr, n_genes, n_samples, sets, SSGSEA_ALPHA),
        ScoreMethod::Singscore => singscore::score(expr, n_genes, n_samples, sets),
    }
}

fn check_input(expr: &[f64], n_genes: usize, n_samples: usize, sets: &[Vec<usize>]) -> Result<()> {
    let expected = n_genes.checked_mul(n_samples).ok_or_else(|| {
        CoreError::InvalidArgument(format!("matrix size {n_genes} x {n_samples} overflows"))
    })?;
    if expr.len() != expected {
        return Err(CoreError::LengthMismatch {
            what: "expression matrix",
            got: expr.len(),
            expected,
        });
    }
    if n_genes == 0 || n_samples == 0 {
        return Err(CoreError::Empty);
    }
    if let Some(i) = expr.iter().position(|v| !v.is_finite()) {
        return Err(CoreError::NonFinite {
            what: format!("expression (sample column {})", i % n_samples),
            row: i / n_samples,
            value: expr[i],
        });
    }
    let mut seen = vec![usize::MAX; n_genes];
    for (si, set) in sets.iter().enumerate() {
        if set.is_empty() {
            return Err(CoreError::GeneSet {
                set: si,
                message: "it has no genes".into(),
            });
        }
        for &g in set {
            if g >= n_genes {
                return Err(CoreError::GeneSet {
                    set: si,
                    message: format!("row index {g} is out of range (matrix has {n_genes} genes)"),
                });
            }
            if seen[g] == si {
                return Err(CoreError::GeneSet {
                    set: si,
                    message: format!("row index {g} appears twice"),
                });
            }
            seen[g] = si;
        }
    }
    Ok(())
}

/// Samples gathered into contiguous columns at a time: eight `f64` are one cache line of a matrix row.
const BLOCK: usize = 8;

/// Runs `per_sample(scratch, column, out)` for every sample in parallel and returns `out[set][sample]`.
///
/// `column` is the sample's expression over all genes and `out` its `n_sets` results. Samples are taken in blocks of
/// [`BLOCK`], gathered from the row-major matrix one cache line per gene; each worker keeps its column and scratch
/// buffers (`init`) from block to block. Every sample's result depends on that sample only and lands in its own
/// slot, so the output does not depend on the number of threads.
fn by_sample<S, I, F>(
    expr: &[f64],
    n_genes: usize,
    n_samples: usize,
    n_sets: usize,
    init: I,
    per_sample: F,
) -> Vec<Vec<f64>>
where
    I: Fn() -> S + Sync,
    F: Fn(&mut S, &[f64], &mut [f64]) + Sync,
{
    let mut flat = vec![0.0; n_samples * n_sets];
    if n_sets > 0 {
        flat.par_chunks_mut(BLOCK * n_sets)
            .enumerate()
            .for_each_init(
                || (Vec::new(), init()),
                |(columns, scratch), (b, out)| {
                    let s0 = b * BLOCK;
                    let width = out.len() / n_sets;
                    columns.resize(width * n_genes, 0.0);
                    for g in 0..n_genes {
                        let row = &expr[g * n_samples + s0..g * n_samples + s0 + width];
                        for (k, &v) in row.iter().enumerate() {
                            columns[k * n_genes + g] = v;
                        }
                    }
                    for (k, out) in out.chunks_mut(n_sets).enumerate() {
                        per_sample(scratch, &columns[k * n_genes..(k + 1) * n_genes], out);
                    }
                },
            );
    }
    (0..n_sets)
        .map(|i| (0..n_samples).map(|s| flat[s * n_sets + i]).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for m in ScoreMethod::ALL {
            assert_eq!(ScoreMethod::parse(m.name()).unwrap(), m);
        }
        assert!(ScoreMethod::parse("gsva").is_err());
    }

    #[test]
    fn bad_input_is_an_error() {
        let expr = [1.0, 2.0, 3.0, 4.0, 5.0, 7.0];
        let m = ScoreMethod::MeanZ;
        assert!(matches!(
            score_sets(&expr, 2, 2, &[vec![0]], m),
            Err(CoreError::LengthMismatch { .. })
        ));
        assert!(score_sets(&expr, 3, 2, &[vec![]], m).is_err());
        assert!(score_sets(&expr, 3, 2, &[vec![3]], m).is_err());
        assert!(score_sets(&expr, 3, 2, &[vec![1, 1]], m).is_err());
        let mut nan = expr;
        nan[3] = f64::NAN;
        assert!(matches!(
            score_sets(&nan, 3, 2, &[vec![0]], m),
            Err(CoreError::NonFinite { row: 1, .. })
        ));
        assert!(matches!(
            score_sets(&[], 0, 0, &[], m),
            Err(CoreError::Empty)
        ));
    }
}
