//! The joint Wald test of each multi-column term of a Cox model against R (the quadratic form over the term's
//! block of vcov(fit); robust for a cluster() fit). References: fixtures/cox/cox_term_tests.json, written by
//! fixtures/cox/make_term_tests.R.

mod common;
mod cox_support;

use common::{assert_all_close, assert_close, nums};
use cox_support::{load, reference};

fn check(name: &str) {
    let all = reference("cox/cox_term_tests.json");
    let case = &all["cases"][name];
    let c = load(case);
    let fit = c.fit();
    // The same model as R's first.
    assert_all_close(
        &format!("{name}: coef"),
        &fit.coef,
        &nums(&case["coef"]),
        1e-7,
    );
    assert_all_close(&format!("{name}: var"), &fit.var, &nums(&case["var"]), 1e-7);
    let tests = fit.term_tests(&c.design.term_of, &c.design.terms).unwrap();
    let r_tests = case["tests"].as_array().unwrap();
    assert_eq!(
        tests.len(),
        r_tests.len(),
        "{name}: one test per multi-column term"
    );
    for (t, r) in tests.iter().zip(r_tests) {
        assert_eq!(t.term, r["term"].as_str().unwrap());
        assert_eq!(t.test.df as f64, r["r"]["df"].as_f64().unwrap());
        assert_close(
            &format!("{name} {}: chisq", t.term),
            t.test.statistic,
            r["r"]["chisq"].as_f64().unwrap(),
            1e-7,
        );
        assert_close(
            &format!("{name} {}: p", t.term),
            t.test.p_value,
            r["r"]["p"].as_f64().unwrap(),
            1e-6,
        );
    }
}

#[test]
fn a_factor_among_numeric_terms() {
    check("gbsg2");
}

#[test]
fn a_text_column_of_four_levels() {
    check("veteran");
}

#[test]
fn a_robust_fit_uses_the_robust_variance() {
    check("lung_robust");
}
