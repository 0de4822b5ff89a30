//! A Fenwick (binary indexed) tree of weights over marker ranks: add a weight at a rank and read the total
//! below a rank in O(log m). The concordance passes keep the weight of the rows seen so far in one.

/// Weights at ranks `0..m` with prefix sums, `N` weights per rank kept side by side (one traversal serves
/// all of them); the weights at each rank are also kept on their own for ties.
#[derive(Clone, Debug)]
pub(crate) struct Fenwick<const N: usize = 1> {
    tree: Vec<[f64; N]>,
    at: Vec<[f64; N]>,
    total: [f64; N],
}

// Index loops over the N kinds: the same k reads several arrays.
#[allow(clippy::needless_range_loop)]
impl<const N: usize> Fenwick<N> {
    pub(crate) fn new(m: usize) -> Fenwick<N> {
        Fenwick {
            tree: vec![[0.0; N]; m + 1],
            at: vec![[0.0; N]; m],
            total: [0.0; N],
        }
    }

    /// Adds `w` (one weight per kind) at `rank`.
    pub(crate) fn add_all(&mut self, rank: usize, w: [f64; N]) {
        for k in 0..N {
            self.at[rank][k] += w[k];
            self.total[k] += w[k];
        }
        let mut i = rank + 1;
        while i < self.tree.len() {
            for k in 0..N {
                self.tree[i][k] += w[k];
            }
            i += i & i.wrapping_neg();
        }
    }

    /// Weights (below, at, above) `rank`, per kind.
    pub(crate) fn split_all(&self, rank: usize) -> ([f64; N], [f64; N], [f64; N]) {
        let mut below = [0.0; N];
        let mut i = rank;
        while i > 0 {
            for k in 0..N {
                below[k] += self.tree[i][k];
            }
            i -= i & i.wrapping_neg();
        }
        let at = self.at[rank];
        let mut above = [0.0; N];
        for k in 0..N {
            above[k] = self.total[k] - below[k] - at[k];
        }
        (below, at, above)
    }
}

impl Fenwick<1> {
    pub(crate) fn add(&mut self, rank: usize, w: f64) {
        self.add_all(rank, [w]);
    }

    /// Weights (below, at, above) `rank`.
    pub(crate) fn split(&self, rank: usize) -> (f64, f64, f64) {
        let (below, at, above) = self.split_all(rank);
        (below[0], at[0], above[0])
    }
}

#[cfg(test)]
mod tests {
    use super::Fenwick;

    #[test]
    fn splits_weights_around_a_rank() {
        let mut f: Fenwick = Fenwick::new(5);
        for (r, w) in [(0, 1.0), (2, 2.0), (2, 0.5), (4, 3.0)] {
            f.add(r, w);
        }
        assert_eq!(f.split(2), (1.0, 2.5, 3.0));
        assert_eq!(f.split(0), (0.0, 1.0, 5.5));
        assert_eq!(f.split(4), (3.5, 3.0, 0.0));
    }

    #[test]
    fn keeps_kinds_apart() {
        let mut f: Fenwick<2> = Fenwick::new(4);
        f.add_all(1, [1.0, 10.0]);
        f.add_all(3, [2.0, 0.0]);
        assert_eq!(f.split_all(1), ([0.0, 0.0], [1.0, 10.0], [2.0, 0.0]));
        assert_eq!(f.split_all(2), ([1.0, 10.0], [0.0, 0.0], [2.0, 0.0]));
    }
}
