//! Property tests: scores are equivariant to the order of samples, splits partition the data with ties at a cut
//! going low, quantiles are ordered, and the selected cut-point does not depend on the order of the rows.

use proptest::prelude::*;
use sigsurv_core::cutpoint::{maxstat_logrank, CutpointOptions};
use sigsurv_core::score::{score_sets, ScoreMethod};
use sigsurv_core::split::{quantile_type7, split_scores, Split};

/// A genes x samples matrix with many ties (values on a coarse grid), some sets, and a shuffled sample order.
fn matrix_case() -> impl Strategy<Value = (usize, usize, Vec<f64>, Vec<Vec<usize>>, Vec<usize>)> {
    (3usize..14, 2usize..9).prop_flat_map(|(ng, ns)| {
        let values = prop::collection::vec((-8i32..8).prop_map(|v| f64::from(v) / 4.0), ng * ns);
        let sets = prop::collection::vec(
            prop::sample::subsequence((0..ng).collect::<Vec<_>>(), 1..ng),
            1..4,
        );
        let perm = Just((0..ns).collect::<Vec<_>>()).prop_shuffle();
        (Just(ng), Just(ns), values, sets, perm)
    })
}

fn sample_permuted(expr: &[f64], ng: usize, ns: usize, perm: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; expr.len()];
    for g in 0..ng {
        for (s, &from) in perm.iter().enumerate() {
            out[g * ns + s] = expr[g * ns + from];
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn scores_are_sample_order_equivariant((ng, ns, expr, sets, perm) in matrix_case()) {
        let shuffled = sample_permuted(&expr, ng, ns, &perm);
        for method in ScoreMethod::ALL {
            let a = score_sets(&expr, ng, ns, &sets, method);
            let b = score_sets(&shuffled, ng, ns, &sets, method);
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    for (ra, rb) in a.iter().zip(&b) {
                        for (s, &from) in perm.iter().enumerate() {
                            prop_assert!((rb[s] - ra[from]).abs() <= 1e-12 * (1.0 + ra[from].abs()),
                                "{method}: sample {from} scored {} before, {} after shuffling", ra[from], rb[s]);
                        }
                    }
                }
                // Errors (all-constant set, equal ssgsea scores) must not depend on the order either.
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "{method}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn singscore_is_single_sample((ng, ns, expr, sets, _perm) in matrix_case()) {
        // A sample's singscore does not depend on the other samples.
        let all = score_sets(&expr, ng, ns, &sets, ScoreMethod::Singscore).unwrap();
        let first: Vec<f64> = (0..ng).map(|g| expr[g * ns]).collect();
        let alone = score_sets(&first, ng, 1, &sets, ScoreMethod::Singscore).unwrap();
        for (a, b) in all.iter().zip(&alone) {
            prop_assert_eq!(a[0], b[0]);
        }
    }

    #[test]
    fn splits_partition_with_ties_low(
        x in prop::collection::vec((-20i32..20).prop_map(|v| f64::from(v) / 2.0), 1..60),
        which in 0usize..4,
    ) {
        let split = [Split::Median, Split::Tertiles, Split::Quartiles, Split::Quantiles(vec![0.1, 0.9])][which].clone();
        if let Ok(g) = split_scores(&x, &split) {
            prop_assert_eq!(g.counts.iter().sum::<usize>(), x.len());
            prop_assert_eq!(g.counts.len(), g.names.len());
            prop_assert!(g.counts.iter().all(|&c| c > 0));
            for (&v, &k) in x.iter().zip(&g.group) {
                let k = k as usize;
                if k > 0 { prop_assert!(v > g.cutpoints[k - 1]); }
                if k < g.cutpoints.len() { prop_assert!(v <= g.cutpoints[k]); }
            }
        }
        // A value equal to a user cut goes low.
        let c = x[0];
        if let Ok(g) = split_scores(&x, &Split::Cuts(vec![c])) {
            prop_assert_eq!(g.group[0], 0);
        }
    }

    #[test]
    fn quantiles_are_ordered_and_bounded(
        x in prop::collection::vec(-1e3f64..1e3, 1..50),
        mut probs in prop::collection::vec(0.0f64..=1.0, 1..8),
    ) {
        probs.sort_by(f64::total_cmp);
        let q = quantile_type7(&x, &probs).unwrap();
        let (lo, hi) = x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        prop_assert!(q.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(q.iter().all(|&v| v >= lo && v <= hi));
    }

    #[test]
    fn cutpoint_ignores_row_order(
        rows in prop::collection::vec(((1i32..30), any::<bool>(), (0i32..15)), 12..60),
        perm_seed in any::<u64>(),
    ) {
        let time: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
        let event: Vec<bool> = rows.iter().map(|r| r.1).collect();
        let x: Vec<f64> = rows.iter().map(|r| f64::from(r.2)).collect();
        // A fixed pseudo-random reordering of the rows.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|&i| (i as u64 ^ perm_seed).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let pick = |v: &[f64]| order.iter().map(|&i| v[i]).collect::<Vec<_>>();
        let event2: Vec<bool> = order.iter().map(|&i| event[i]).collect();
        let o = CutpointOptions::default();
        match (maxstat_logrank(&time, &event, &x, &o), maxstat_logrank(&pick(&time), &event2, &pick(&x), &o)) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.candidates.len(), b.candidates.len());
                for (ca, cb) in a.candidates.iter().zip(&b.candidates) {
                    prop_assert_eq!(ca.0, cb.0);
                    prop_assert!((ca.1 - cb.1).abs() <= 1e-9 * (1.0 + ca.1));
                }
                prop_assert!((a.statistic - b.statistic).abs() <= 1e-9 * (1.0 + a.statistic));
                prop_assert!(a.n_low + a.n_high == rows.len());
                prop_assert!((0.0..=1.0).contains(&a.p_value));
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
        }
    }
}
