//! Property tests of the P-spline basis and penalty (`pspline()`): with the dropped first function the B-splines
//! sum to one at every x inside the boundary; outside, every function continues as a straight line; the penalty
//! is symmetric, non-negative definite and vanishes on straight lines of the coefficients (the second
//! differences of a linear sequence are zero), so that an infinite penalty leaves a linear effect; and a fit
//! with a fixed theta does not depend on the order of the rows.

use proptest::prelude::*;
use sigsurv_core::cox::{cox_ph_penalized, CoxData, CoxOptions, PenalizedTerm, Smoothing};
use sigsurv_core::splines::{spline_design, PSplineBasis};

fn covariate() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-50.0f64..150.0, 2..60).prop_filter("a range", |x| {
        let (lo, hi) = x
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        hi - lo > 1e-3
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_rows_sum_to_one_less_the_dropped_function(x in covariate(), nterm in 3usize..16, degree in 1usize..4) {
        let b = PSplineBasis::new(&x, nterm, degree, None).unwrap();
        let cols = b.basis(&x).unwrap();
        prop_assert_eq!(cols.len(), nterm + degree - 1);
        // The whole B-spline design on the same knots: its first function is the one the model leaves out.
        let [lo, hi] = b.boundary;
        let dx = (hi - lo) / nterm as f64;
        let d = degree as i64;
        let knots: Vec<f64> = (-d..nterm as i64).map(|k| lo + dx * k as f64)
            .chain((0..=d).map(|k| hi + dx * k as f64)).collect();
        let full = spline_design(&knots, &x, degree + 1, 0).unwrap();
        for (i, _) in x.iter().enumerate() {
            let s: f64 = cols.iter().map(|c| c[i]).sum::<f64>() + full[0][i];
            prop_assert!((s - 1.0).abs() < 1e-12, "row {}: {}", i, s);
            prop_assert!(cols.iter().all(|c| c[i] >= -1e-14));
        }
    }

    #[test]
    fn outside_the_boundary_the_basis_is_linear(x in covariate(), nterm in 3usize..12, d1 in 0.1f64..30.0, d2 in 0.1f64..30.0) {
        let b = PSplineBasis::new(&x, nterm, 3, None).unwrap();
        let [lo, hi] = b.boundary;
        for (edge, dir) in [(lo, -1.0), (hi, 1.0)] {
            let pts = [edge, edge + dir * d1, edge + dir * (d1 + d2)];
            let cols = b.basis(&pts).unwrap();
            for c in &cols {
                // Equal slopes over the two steps.
                let s1 = (c[1] - c[0]) / d1;
                let s2 = (c[2] - c[1]) / d2;
                prop_assert!((s1 - s2).abs() <= 1e-9 * (1.0 + s1.abs()), "{} vs {}", s1, s2);
            }
        }
    }

    #[test]
    fn the_penalty_is_psd_and_zero_on_linear_coefficients(nterm in 3usize..16, degree in 1usize..4, s in -5.0f64..5.0, v in prop::collection::vec(-3.0f64..3.0, 20)) {
        let b = PSplineBasis::new(&[0.0, 1.0], nterm, degree, None).unwrap();
        let k = b.n_columns();
        let p = b.penalty();
        for i in 0..k {
            for j in 0..k {
                prop_assert_eq!(p[i * k + j], p[j * k + i]);
            }
        }
        let quad = |c: &[f64]| -> f64 {
            (0..k).map(|i| c[i] * (0..k).map(|j| p[i * k + j] * c[j]).sum::<f64>()).sum()
        };
        // The model's coefficients are those of functions 2.. with the first one's at 0: a line through 0 there.
        let line: Vec<f64> = (1..=k).map(|i| s * i as f64).collect();
        prop_assert!(quad(&line).abs() < 1e-9 * (1.0 + s * s) * k as f64);
        let any: Vec<f64> = v.iter().copied().cycle().take(k).collect();
        prop_assert!(quad(&any) >= -1e-12);
    }
}

#[test]
fn a_fixed_theta_fit_does_not_depend_on_the_row_order() {
    let n = 60;
    let x: Vec<f64> = (0..n)
        .map(|i| ((i * 37) % 50) as f64 + 0.5 * (i % 3) as f64)
        .collect();
    let time: Vec<f64> = (0..n)
        .map(|i| 1.0 + ((i * 17) % 23) as f64 + 0.1 * x[i])
        .collect();
    let event: Vec<bool> = (0..n).map(|i| i % 5 != 0).collect();
    let fit = |order: &[usize]| {
        let (x, time, event): (Vec<f64>, Vec<f64>, Vec<bool>) = (
            order.iter().map(|&i| x[i]).collect(),
            order.iter().map(|&i| time[i]).collect(),
            order.iter().map(|&i| event[i]).collect(),
        );
        let basis = PSplineBasis::new(&x, 6, 3, None).unwrap();
        let k = basis.n_columns();
        let design = basis.basis(&x).unwrap().concat();
        let names: Vec<String> = (0..k).map(|j| format!("ps(x){}", j + 3)).collect();
        let data = CoxData::new(&time, &event, &design, &names);
        let term = PenalizedTerm {
            term: 0,
            columns: 0..k,
            penalty: basis.penalty(),
            centres: basis.centres(),
            smoothing: Smoothing::Theta(0.7),
        };
        cox_ph_penalized(
            &data,
            &[term],
            &vec![0; k],
            &["pspline(x)".into()],
            &CoxOptions::default(),
        )
        .unwrap()
    };
    let forward: Vec<usize> = (0..n).collect();
    let backward: Vec<usize> = (0..n).rev().collect();
    let (a, b) = (fit(&forward), fit(&backward));
    for (u, v) in a.coef.iter().zip(&b.coef) {
        assert!((u - v).abs() < 1e-9 * (1.0 + u.abs()), "{u} vs {v}");
    }
    assert!((a.loglik - b.loglik).abs() < 1e-9 * a.loglik.abs());
}
