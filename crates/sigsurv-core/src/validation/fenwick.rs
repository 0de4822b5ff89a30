//! A Fenwick (binary indexed) tree of weights over marker ranks: add a weight at a rank and read the total
//! below a rank in O(log m). The concordance and AUC passes keep the weight of the rows seen so far in one.

/// Weights at ranks `0..m` with prefix sums; the weight at each rank is also kept on its own for ties.
#[derive(Clone, Debug)]
pub(crate) struct Fenwick {
    tree: Vec<f64>,
    at: Vec<f64>,
    total: f64,
}

impl Fenwick {
    pub(crate) fn new(m: usize) -> Fenwick {
        Fenwick {
            tree: vec![0.0; m + 1],
            at: vec![0.0; m],
            total: 0.0,
        }
    }

    pub(crate) fn add(&mut self, rank: usize, w: f64) {
        self.at[rank] += w;
        self.total += w;
        let mut i = rank + 1;
        while i < self.tree.len() {
            self.tree[i] += w;
            i += i & i.wrapping_neg();
        }
    }

    /// Total weight at ranks below `rank`.
    pub(crate) fn below(&self, rank: usize) -> f64 {
        let mut sum = 0.0;
        let mut i = rank;
        while i > 0 {
            sum += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }

    /// Weights (below, at, above) `rank`.
    pub(crate) fn split(&self, rank: usize) -> (f64, f64, f64) {
        let below = self.below(rank);
        let at = self.at[rank];
        (below, at, self.total - below - at)
    }
}

#[cfg(test)]
mod tests {
    use super::Fenwick;

    #[test]
    fn splits_weights_around_a_rank() {
        let mut f = Fenwick::new(5);
        for (r, w) in [(0, 1.0), (2, 2.0), (2, 0.5), (4, 3.0)] {
            f.add(r, w);
        }
        assert_eq!(f.split(2), (1.0, 2.5, 3.0));
        assert_eq!(f.split(0), (0.0, 1.0, 5.5));
        assert_eq!(f.split(4), (3.5, 3.0, 0.0));
    }
}
