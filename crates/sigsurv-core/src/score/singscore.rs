//! singscore for an up-regulated set (Foroutan et al. 2018): the mean within-sample rank of the set's genes,
//! scaled to [0, 1] by its theoretical bounds and centred at 0.

use super::by_sample;
use super::rank::Ranker;
use crate::error::{CoreError, Result};

pub(super) fn score(
    expr: &[f64],
    n_genes: usize,
    n_samples: usize,
    sets: &[Vec<usize>],
) -> Result<Vec<Vec<f64>>> {
    if let Some(si) = sets.iter().position(|s| s.len() == n_genes) {
        return Err(CoreError::GeneSet {
            set: si,
            message: "it contains every gene: singscore's bounds coincide (n - k = 0)".into(),
        });
    }
    let n = n_genes as f64;
    Ok(by_sample(
        expr,
        n_genes,
        n_samples,
        sets.len(),
        <(Ranker, Vec<f64>)>::default,
        |(ranker, rank), column, out| {
            min_ranks(column, ranker, rank);
            for (set, out) in sets.iter().zip(out) {
                let k = set.len() as f64;
                let mean = set.iter().map(|&g| rank[g]).sum::<f64>() / k;
                // singscore's calcBounds (known direction) and centerScore = TRUE (offset -0.5).
                let low = (k + 1.0) / 2.0;
                let high = (2.0 * n - k + 1.0) / 2.0;
                *out = (mean - low) / (high - low) - 0.5;
            }
        },
    ))
}

/// Ascending ranks with ties given their smallest rank (R's `rank(ties.method = "min")`, singscore's default).
/// Written into `rank`.
fn min_ranks(column: &[f64], ranker: &mut Ranker, rank: &mut Vec<f64>) {
    let order = ranker.order(column);
    rank.resize(column.len(), 0.0);
    let mut first = 0;
    for (i, &g) in order.iter().enumerate() {
        if i > 0 && column[g as usize] != column[order[i - 1] as usize] {
            first = i;
        }
        rank[g as usize] = (first + 1) as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singscore_package_example() {
        // singscore's tests/testthat/test-scoring.R: expression (1, 2, 5, 5), upSet = genes 3 and 4,
        // centerScore = TRUE -> TotalScore 0.25.
        let s = score(&[1.0, 2.0, 5.0, 5.0], 4, 1, &[vec![2, 3]]).unwrap();
        assert_eq!(s, vec![vec![0.25]]);
    }

    #[test]
    fn min_ranks_match_r() {
        // R: rank(c(3, 1, 3, 2, 1), ties.method = "min") -> 4 1 4 3 1
        let mut rank = Vec::new();
        min_ranks(
            &[3.0, 1.0, 3.0, 2.0, 1.0],
            &mut Ranker::default(),
            &mut rank,
        );
        assert_eq!(rank, vec![4.0, 1.0, 4.0, 3.0, 1.0]);
    }
}
