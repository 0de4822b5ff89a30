//! Property test of the natural spline basis's fast evaluation (one cubic per knot interval and column): on any
//! covariate, any number of knots (tied quantiles included) and new values inside and beyond the boundary knots,
//! it gives the values of the formula row by row (`basis_by_recursion`) to rounding.

use proptest::prelude::*;
use sigsurv_core::splines::NaturalSplineBasis;

fn covariate() -> impl Strategy<Value = Vec<f64>> {
    // Rounded to tenths so that quantiles tie and interior knots repeat.
    prop::collection::vec((-500i32..1500).prop_map(|v| f64::from(v) / 10.0), 2..80)
        .prop_filter("a range", |x| x.iter().any(|&v| v != x[0]))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_fast_basis_is_the_recursions(
        x in covariate(),
        df in 1usize..7,
        intercept in any::<bool>(),
        spread in 0.5f64..2.0,
    ) {
        let (b, _) = NaturalSplineBasis::new(&x, Some(df), None, intercept, None).unwrap();
        let [lo, hi] = b.boundary;
        let mut at = x.clone();
        at.extend([lo, hi, lo - spread * (hi - lo), hi + spread * (hi - lo), f64::NAN]);
        at.extend(b.knots.iter().copied());
        let fast = b.basis(&at).unwrap();
        let slow = b.basis_by_recursion(&at).unwrap();
        prop_assert_eq!(fast.len(), slow.len());
        for (a, r) in fast.iter().zip(&slow) {
            for (&u, &v) in a.iter().zip(r) {
                let scale = 1.0f64.max(v.abs());
                prop_assert!((u.is_nan() && v.is_nan()) || (u - v).abs() <= 1e-12 * scale, "{} vs {}", u, v);
            }
        }
    }
}
