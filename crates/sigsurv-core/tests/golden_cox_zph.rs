//! cox.zph tables against R (fixtures/cox/make_zph.R -> cox_zph.json), for every transform.

mod common;
mod cox_support;

use common::{assert_all_close, nums};
use cox_support::{for_each_path, load, reference};
use sigsurv_core::cox::{cox_zph, ZphTransform};

/// Case `name` through every evaluation path.
fn check(name: &str) {
    for_each_path(|path| check_path(name, &format!("{name} [{path}]")));
}

/// Case `name`, its messages labelled `what`.
fn check_path(name: &str, what: &str) {
    let all = reference("cox/cox_zph.json");
    let case = &all["cases"][name];
    let c = load(case);
    let fit = c.fit();
    for (tr_label, tr) in [
        ("km", ZphTransform::Km),
        ("identity", ZphTransform::Identity),
        ("rank", ZphTransform::Rank),
        ("log", ZphTransform::Log),
    ] {
        let z = cox_zph(&fit, &c.data(), &c.design.term_of, &c.design.terms, tr).unwrap();
        let r = &case["zph"][tr_label];
        let mut chisq: Vec<f64> = z.terms.iter().map(|t| t.chisq).collect();
        let mut df: Vec<f64> = z.terms.iter().map(|t| t.df as f64).collect();
        let mut p: Vec<f64> = z.terms.iter().map(|t| t.p_value).collect();
        chisq.push(z.global.chisq);
        df.push(z.global.df as f64);
        p.push(z.global.p_value);
        assert_all_close(
            &format!("{what} {tr_label} chisq"),
            &chisq,
            &nums(&r["chisq"]),
            1e-7,
        );
        assert_all_close(&format!("{what} {tr_label} df"), &df, &nums(&r["df"]), 0.0);
        assert_all_close(&format!("{what} {tr_label} p"), &p, &nums(&r["p"]), 1e-6);
    }
}

#[test]
fn lung_efron() {
    check("lung_efron");
}

#[test]
fn veteran_factor_is_one_term() {
    check("veteran_factor");
}

#[test]
fn gbsg2_breslow_strata() {
    check("GBSG2_breslow_strata");
}

#[test]
fn ovarian_weights() {
    check("ovarian_weights");
}

#[test]
fn heart_counting_process() {
    check("heart_efron");
}
