//! Pooling per-cohort log hazard ratios against metafor's rma (DL and FE).
//! References: fixtures/meta/meta.json, written by fixtures/meta/make_reference.R.

mod common;

use common::{close, json, nums};
use serde_json::Value;
use sigsurv_core::{meta_analysis, CoreError, Pooled};

fn check(what: &str, ours: f64, r: &Value) {
    let r = r.as_f64().unwrap_or(f64::NAN);
    assert!(close(ours, r, 1e-10), "{what}: ours {ours:e}, R {r:e}");
}

fn check_pooled(what: &str, p: &Pooled, r: &Value) {
    check(&format!("{what} estimate"), p.estimate, &r["estimate"]);
    check(&format!("{what} se"), p.se, &r["se"]);
    check(&format!("{what} lower"), p.lower, &r["lower"]);
    check(&format!("{what} upper"), p.upper, &r["upper"]);
    check(&format!("{what} z"), p.z, &r["z"]);
    check(&format!("{what} p"), p.p_value, &r["p"]);
}

#[test]
fn every_case_agrees_with_metafor() {
    let refs = json("meta/meta.json");
    let cases = refs["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let m = meta_analysis(&nums(&case["yi"]), &nums(&case["se"]), 0.95).unwrap();
        assert_eq!(m.q_df as f64, case["q_df"].as_f64().unwrap(), "{name}");
        check(&format!("{name} Q"), m.q, &case["q"]);
        check(&format!("{name} Q p"), m.q_p_value, &case["q_p"]);
        check(&format!("{name} I2"), m.i2, &case["i2"]);
        check(&format!("{name} H2"), m.h2, &case["h2"]);
        check(&format!("{name} tau2"), m.tau2, &case["tau2"]);
        check_pooled(&format!("{name} random"), &m.random, &case["random"]);
        check_pooled(&format!("{name} fixed"), &m.fixed, &case["fixed"]);
    }
}

#[test]
fn one_cohort_has_no_heterogeneity_and_pools_to_itself() {
    let m = meta_analysis(&[0.4], &[0.2], 0.95).unwrap();
    assert!(m.q.is_nan() && m.i2.is_nan() && m.q_p_value.is_nan());
    assert_eq!(m.tau2, 0.0);
    assert!(close(m.fixed.estimate, 0.4, 1e-15) && close(m.random.estimate, 0.4, 1e-15));
    assert!(close(m.fixed.se, 0.2, 1e-15));
}

#[test]
fn bad_inputs_are_typed_errors() {
    assert!(matches!(
        meta_analysis(&[0.1, 0.2], &[0.1], 0.95),
        Err(CoreError::LengthMismatch { .. })
    ));
    for (y, se) in [
        (vec![], vec![]),
        (vec![0.1, f64::NAN], vec![0.1, 0.1]),
        (vec![0.1, 0.2], vec![0.1, 0.0]),
        (vec![0.1, 0.2], vec![0.1, f64::INFINITY]),
    ] {
        assert!(matches!(
            meta_analysis(&y, &se, 0.95),
            Err(CoreError::InvalidArgument(_))
        ));
    }
    assert!(meta_analysis(&[0.1], &[0.1], 1.0).is_err());
}
