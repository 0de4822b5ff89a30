//! Property tests of the spline bases' fast evaluation (one polynomial per knot interval and column), `ns()` and
//! `bs()`: on any covariate, any number of knots (tied quantiles included), any degree, and new values inside and
//! beyond the boundary knots, it gives the values of the formula row by row (`basis_by_recursion`) to rounding.

use proptest::prelude::*;
use sigsurv_core::splines::{BSplineBasis, NaturalSplineBasis};

fn covariate() -> impl Strategy<Value = Vec<f64>> {
    // Rounded to tenths so that quantiles tie and interior knots repeat.
    prop::collection::vec((-500i32..1500).prop_map(|v| f64::from(v) / 10.0), 2..80)
        .prop_filter("a range", |x| x.iter().any(|&v| v != x[0]))
}

/// The covariate, both boundary knots, a point beyond each (`spread` ranges out), a missing value and the knots.
fn points(x: &[f64], [lo, hi]: [f64; 2], knots: &[f64], spread: f64) -> Vec<f64> {
    let mut at = x.to_vec();
    at.extend([
        lo,
        hi,
        lo - spread * (hi - lo),
        hi + spread * (hi - lo),
        f64::NAN,
    ]);
    at.extend(knots.iter().copied());
    at
}

/// The two evaluations' columns equal to `tol` of the values' scale (NaN where the other is NaN).
fn same(fast: &[Vec<f64>], slow: &[Vec<f64>], tol: f64) -> Result<(), TestCaseError> {
    prop_assert_eq!(fast.len(), slow.len());
    for (a, r) in fast.iter().zip(slow) {
        for (&u, &v) in a.iter().zip(r) {
            let scale = 1.0f64.max(v.abs());
            prop_assert!(
                (u.is_nan() && v.is_nan()) || (u - v).abs() <= tol * scale,
                "{} vs {}",
                u,
                v
            );
        }
    }
    Ok(())
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
        let at = points(&x, b.boundary, &b.knots, spread);
        same(&b.basis(&at).unwrap(), &b.basis_by_recursion(&at).unwrap(), 1e-12)?;
    }

    #[test]
    fn the_fast_bs_basis_is_rs_formula(
        x in covariate(),
        df in 1usize..8,
        degree in 1usize..5,
        intercept in any::<bool>(),
        spread in 0.5f64..2.0,
    ) {
        let df = df.max(degree + usize::from(intercept));
        let (b, _) = BSplineBasis::new(&x, Some(df), None, degree, intercept, None).unwrap();
        let at = points(&x, b.boundary, &b.knots, spread);
        same(&b.basis(&at).unwrap(), &b.basis_by_recursion(&at).unwrap(), 1e-11)?;
    }
}
