//! ssGSEA as GSVA 1.46 computes it (`method = "ssgsea"`): a rank-weighted walk per sample, written in its closed
//! form (GSVA's `.fastRndWalk`), then the whole score matrix divided by its range.

use super::by_sample;
use super::rank::Ranker;
use crate::error::{CoreError, Result};

pub(super) fn score(
    expr: &[f64],
    n_genes: usize,
    n_samples: usize,
    sets: &[Vec<usize>],
    alpha: f64,
) -> Result<Vec<Vec<f64>>> {
    if let Some(si) = sets.iter().position(|s| s.len() == n_genes) {
        return Err(CoreError::GeneSet {
            set: si,
            message: "it contains every gene: ssgsea needs genes outside the set".into(),
        });
    }
    let mut es = by_sample(
        expr,
        n_genes,
        n_samples,
        sets.len(),
        Scratch::default,
        |scratch, column, out| sample_walks(column, sets, alpha, scratch, out),
    );

    // GSVA: es / (range(es)[2] - range(es)[1]), over all sets and samples at once.
    let (lo, hi) = es
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let range = hi - lo;
    if !(range > 0.0 && range.is_finite()) {
        return Err(CoreError::Numerical(
            "ssgsea: all enrichment scores are equal, so the range normalisation is undefined (one set and one sample?)"
                .into(),
        ));
    }
    for v in es.iter_mut().flatten() {
        *v /= range;
    }
    Ok(es)
}

/// Buffers reused from sample to sample by one worker.
#[derive(Default)]
struct Scratch {
    ranker: Ranker,
    rank: Vec<u64>,
    pos: Vec<usize>,
    hits: Vec<(usize, f64)>,
}

/// The unnormalised ssGSEA score of every set in one sample, into `out[set]`.
fn sample_walks(
    column: &[f64],
    sets: &[Vec<usize>],
    alpha: f64,
    sc: &mut Scratch,
    out: &mut [f64],
) {
    let n = column.len();
    ranks_and_positions(column, sc);
    let (rank, pos, hits) = (&sc.rank, &sc.pos, &mut sc.hits);

    let nf = n as f64;
    for (set, out) in sets.iter().zip(out) {
        hits.clear();
        hits.extend(set.iter().map(|&g| (pos[g], (rank[g] as f64).powf(alpha))));
        hits.sort_unstable_by_key(|h| h.0);
        let k = hits.len() as f64;
        let (mut weighted, mut weight, mut steps) = (0.0, 0.0, 0.0);
        for &(p, w) in hits.iter() {
            let step = (n - p + 1) as f64;
            weighted += w * step;
            weight += w;
            steps += step;
        }
        *out = weighted / weight - (nf * (nf + 1.0) / 2.0 - steps) / (nf - k);
    }
}

/// For each gene: its ascending average rank (ties share the mean of their positions) truncated to an integer —
/// GSVA stores `colRanks(ties.method = "average")` in an integer matrix, so 4.5 becomes 4 — and its 1-based
/// position when genes are ordered by that rank decreasing, equal ranks in row order (R's stable `order()`).
/// Written into `sc.rank` and `sc.pos`.
///
/// A tie block at sorted positions i..=j gets ⌊(i + j + 2) / 2⌋ ≥ i + 1, above every rank of the blocks below it,
/// so distinct blocks have distinct ranks: the decreasing order is the blocks from the top, each in row order
/// (which the ascending order already has within a block).
fn ranks_and_positions(column: &[f64], sc: &mut Scratch) {
    let n = column.len();
    let order = sc.ranker.order(column);
    sc.rank.resize(n, 0);
    sc.pos.resize(n, 0);
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && column[order[j + 1] as usize] == column[order[i] as usize] {
            j += 1;
        }
        let r = (i + j + 2) as u64 / 2;
        // Genes above this block: n - 1 - j; this block's genes follow them in row order.
        for (offset, &g) in order[i..=j].iter().enumerate() {
            sc.rank[g as usize] = r;
            sc.pos[g as usize] = n - j + offset;
        }
        i = j + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_ranks_match_r() {
        // R: x <- c(5, 3, 5, 1, 3, 3); R <- rank(x); mode(R) <- "integer"  ->  5 3 5 1 3 3
        let mut sc = Scratch::default();
        ranks_and_positions(&[5.0, 3.0, 5.0, 1.0, 3.0, 3.0], &mut sc);
        assert_eq!(sc.rank, vec![5, 3, 5, 1, 3, 3]);
        // R: order(c(5L, 3L, 5L, 1L, 3L, 3L), decreasing = TRUE) = 1 3 2 5 6 4
        assert_eq!(sc.pos, vec![1, 3, 2, 6, 4, 5]);
        // -0 ties with 0 (R's ==), so both keep row order: x <- c(0, -0, 1); rank -> 1 1 3 (as integers),
        // order(rank, decreasing = TRUE) = 3 1 2.
        ranks_and_positions(&[0.0, -0.0, 1.0], &mut sc);
        assert_eq!(sc.rank, vec![1, 1, 3]);
        assert_eq!(sc.pos, vec![2, 3, 1]);
    }

    #[test]
    fn walk_by_hand() {
        // 4 genes, values (4, 1, 3, 2): ranks r = (4, 1, 3, 2), positions p = (1, 4, 2, 3); set {0, 2}:
        // (4^a * 4 + 3^a * 3) / (4^a + 3^a) - (10 - (4 + 3)) / 2
        let a = 0.25f64;
        let want = (4f64.powf(a) * 4.0 + 3f64.powf(a) * 3.0) / (4f64.powf(a) + 3f64.powf(a)) - 1.5;
        let mut got = [0.0];
        sample_walks(
            &[4.0, 1.0, 3.0, 2.0],
            &[vec![0, 2]],
            a,
            &mut Scratch::default(),
            &mut got,
        );
        assert!((got[0] - want).abs() < 1e-15, "{got:?} {want}");
    }
}
