//! bs(), ns(), poly() and splineDesign() against R's splines and stats, on real covariates: the knots they place,
//! the basis on the training values, and predict() on new values inside and outside the boundary knots.
//! References: fixtures/splines/splines.json, written by fixtures/splines/make_reference.R.

mod common;

use common::{close, json, nums, Csv};
use serde_json::Value;
use sigsurv_core::splines::{spline_design, BSplineBasis, NaturalSplineBasis, OrthoPolyBasis};

const REL: f64 = 1e-10;

fn check_columns(what: &str, ours: &[Vec<f64>], r: &Value) {
    let r = r.as_array().unwrap();
    assert_eq!(ours.len(), r.len(), "{what}: columns");
    for (j, (a, b)) in ours.iter().zip(r).enumerate() {
        let b = nums(b);
        assert_eq!(a.len(), b.len(), "{what}: rows of column {j}");
        for (i, (&x, &y)) in a.iter().zip(&b).enumerate() {
            assert!(close(x, y, REL), "{what}[{i}, {j}]: ours {x:e}, R {y:e}");
        }
    }
}

/// Two evaluations of one basis: equal to a few units of rounding of the basis's scale (its values are at most 1
/// in size, so an absolute bound).
fn same_to_rounding(what: &str, fast: &[Vec<f64>], reference: &[Vec<f64>]) {
    assert_eq!(fast.len(), reference.len(), "{what}: columns");
    for (j, (a, b)) in fast.iter().zip(reference).enumerate() {
        for (i, (&x, &y)) in a.iter().zip(b).enumerate() {
            let scale = 1.0f64.max(y.abs());
            assert!(
                (x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-13 * scale,
                "{what}[{i}, {j}]: fast {x:e}, recursion {y:e}"
            );
        }
    }
}

fn check_values(what: &str, ours: &[f64], r: &Value) {
    let r = nums(r);
    assert_eq!(ours.len(), r.len(), "{what}: length");
    for (i, (&x, &y)) in ours.iter().zip(&r).enumerate() {
        assert!(close(x, y, REL), "{what}[{i}]: ours {x:e}, R {y:e}");
    }
}

fn opt_usize(v: &Value) -> Option<usize> {
    v.as_array()
        .and_then(|a| a.first())
        .and_then(Value::as_f64)
        .map(|x| x as usize)
}

fn opt_vec(v: &Value) -> Option<Vec<f64>> {
    v.as_array().filter(|a| !a.is_empty()).map(|_| nums(v))
}

fn boundary(v: &Value) -> Option<[f64; 2]> {
    opt_vec(v).map(|b| [b[0], b[1]])
}

#[test]
fn every_basis_agrees_with_r() {
    let refs = json("splines/splines.json");
    let cases = refs["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 15);
    for case in cases {
        let name = case["name"][0].as_str().unwrap();
        let x =
            Csv::read(case["file"][0].as_str().unwrap()).f64(case["column"][0].as_str().unwrap());
        let newx = nums(&case["newx"]);
        let intercept = case["intercept"][0].as_bool().unwrap();
        let (train, predicted) = match case["kind"][0].as_str().unwrap() {
            "ns" => {
                let (b, _) = NaturalSplineBasis::new(
                    &x,
                    opt_usize(&case["df"]),
                    opt_vec(&case["knots_given"]),
                    intercept,
                    boundary(&case["boundary_given"]),
                )
                .unwrap();
                check_values(&format!("{name} knots"), &b.knots, &case["knots"]);
                check_values(&format!("{name} boundary"), &b.boundary, &case["boundary"]);
                let train = b.basis(&x).unwrap();
                assert_eq!(train.len(), b.n_columns(), "{name}");
                let predicted = b.basis(&newx).unwrap();
                // The fast evaluation against the formula row by row, on the training and the new rows.
                same_to_rounding(
                    &format!("{name} basis"),
                    &train,
                    &b.basis_by_recursion(&x).unwrap(),
                );
                let reference = b.basis_by_recursion(&newx).unwrap();
                same_to_rounding(&format!("{name} predicted"), &predicted, &reference);
                (train, predicted)
            }
            "bs" => {
                let (b, _) = BSplineBasis::new(
                    &x,
                    opt_usize(&case["df"]),
                    opt_vec(&case["knots_given"]),
                    opt_usize(&case["degree"]).unwrap_or(3),
                    intercept,
                    boundary(&case["boundary_given"]),
                )
                .unwrap();
                check_values(&format!("{name} knots"), &b.knots, &case["knots"]);
                check_values(&format!("{name} boundary"), &b.boundary, &case["boundary"]);
                let train = b.basis(&x).unwrap();
                assert_eq!(train.len(), b.n_columns(), "{name}");
                let predicted = b.basis(&newx).unwrap();
                // The fast evaluation against the formula row by row, on the training and the new rows.
                same_to_rounding(
                    &format!("{name} basis"),
                    &train,
                    &b.basis_by_recursion(&x).unwrap(),
                );
                let reference = b.basis_by_recursion(&newx).unwrap();
                same_to_rounding(&format!("{name} predicted"), &predicted, &reference);
                (train, predicted)
            }
            "poly" => {
                let b = OrthoPolyBasis::new(&x, opt_usize(&case["degree"]).unwrap()).unwrap();
                check_values(&format!("{name} alpha"), &b.alpha, &case["alpha"]);
                check_values(&format!("{name} norm2"), &b.norm2, &case["norm2"]);
                (b.basis(&x), b.basis(&newx))
            }
            other => panic!("kind {other}"),
        };
        check_columns(&format!("{name} basis"), &train, &case["basis"]);
        check_columns(&format!("{name} predicted"), &predicted, &case["predicted"]);
    }
}

#[test]
fn spline_design_and_its_derivatives_agree_with_r() {
    let refs = json("splines/splines.json");
    let d = &refs["design"];
    let (knots, x) = (nums(&d["knots"]), nums(&d["x"]));
    for fit in d["fits"].as_array().unwrap() {
        let deriv = fit["deriv"][0].as_f64().unwrap() as usize;
        let ours = spline_design(&knots, &x, 4, deriv).unwrap();
        check_columns(
            &format!("splineDesign derivs = {deriv}"),
            &ours,
            &fit["columns"],
        );
    }
}

#[test]
fn bad_bases_are_errors_not_panics() {
    assert!(OrthoPolyBasis::new(&[1.0, 2.0, 2.0], 2).is_err());
    assert!(OrthoPolyBasis::new(&[1.0, f64::NAN, 3.0], 1).is_err());
    assert!(NaturalSplineBasis::new(&[f64::NAN, f64::NAN], Some(3), None, false, None).is_err());
    assert!(BSplineBasis::new(&[1.0, 2.0], Some(3), None, 0, false, None).is_err());
    let (b, warning) =
        BSplineBasis::new(&[1.0, 2.0, 3.0, 4.0], Some(1), None, 3, false, None).unwrap();
    assert_eq!(b.n_columns(), 3);
    assert!(warning.unwrap().contains("'df' was too small; have used 3"));
    assert!(spline_design(&[0.0, 1.0], &[0.5], 4, 0).is_err());
}
