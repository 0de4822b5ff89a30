//! Log-rank (Savage) scores of censored times, as `exactRankTests::cscores(Surv, type = "LogRank")` builds them
//! for `maxstat`.

/// `a_i = δ_i − Σ_{j : r_j ≤ r_i} δ_j / (N − r_j + 1)`, where `r_j` is the rank of `t_j` with ties given their
/// **largest** rank (exactRankTests' `irank`), and the sum runs over observations in time order. For untied times
/// this is `δ_i − Σ_{t_j ≤ t_i} δ_j / n_j` (Nelson–Aalen increments, `n_j` at risk); within a block of tied times
/// every member is divided by the same `N − r + 1`, the number at risk after the block's other members.
/// `order` sorts `time` ascending.
pub(super) fn logrank_scores(time: &[f64], event: &[bool], order: &[usize]) -> Vec<f64> {
    let n = time.len();
    let mut scores = vec![0.0; n];
    let mut cum = 0.0;
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && time[order[j + 1]] == time[order[i]] {
            j += 1;
        }
        // Tied block at sorted positions i..=j: its max rank is j + 1, so each event adds 1 / (N - j).
        let at_risk = (n - j) as f64;
        for &o in &order[i..=j] {
            if event[o] {
                cum += 1.0 / at_risk;
            }
        }
        for &o in &order[i..=j] {
            scores[o] = f64::from(u8::from(event[o])) - cum;
        }
        i = j + 1;
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_exact_rank_tests() {
        // R: exactRankTests:::cscores.Surv(Surv(c(1,2,2,3,4,4,5), c(1,1,0,1,0,1,0)))
        let t = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0];
        let e = [true, true, false, true, false, true, false];
        let want = [
            0.85714286,
            0.65714286,
            -0.34285714,
            0.40714286,
            -1.09285714,
            -0.09285714,
            -1.09285714,
        ];
        for (a, b) in logrank_scores(&t, &e, &[0, 1, 2, 3, 4, 5, 6])
            .iter()
            .zip(want)
        {
            assert!((a - b).abs() < 1e-8, "{a} {b}");
        }
    }
}
