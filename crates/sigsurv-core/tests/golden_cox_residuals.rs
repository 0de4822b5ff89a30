//! Residuals of Cox fits against R's residuals.coxph (fixtures/cox/make_residuals.R -> cox_residuals.json).

mod common;
mod cox_support;

use common::{assert_all_close, nums};
use cox_support::{for_each_path, load, reference};
use sigsurv_core::cox::{cox_residuals, ResidualType};

const REL: f64 = 1e-7;

/// R's matrices are column-major n × p; ours row-major.
fn col_major(values: &[f64], ncol: usize) -> Vec<f64> {
    let n = values.len() / ncol.max(1);
    (0..ncol)
        .flat_map(|j| (0..n).map(move |i| values[i * ncol + j]))
        .collect()
}

/// Case `name` through every evaluation path.
fn check(name: &str) {
    for_each_path(|path| check_path(name, &format!("{name} [{path}]")));
}

/// Case `name`, its messages labelled `label`.
fn check_path(name: &str, label: &str) {
    let all = reference("cox/cox_residuals.json");
    let case = &all["cases"][name];
    let c = load(case);
    let fit = c.fit();
    let d = c.data();
    let p = d.p;
    let what = |s: &str| format!("{label}: {s}");
    let m = cox_residuals(&fit, &d, ResidualType::Martingale).unwrap();
    assert_all_close(
        &what("martingale"),
        &m.values,
        &nums(&case["martingale"]),
        REL,
    );
    let dev = cox_residuals(&fit, &d, ResidualType::Deviance).unwrap();
    assert_all_close(
        &what("deviance"),
        &dev.values,
        &nums(&case["deviance"]),
        REL,
    );
    let s = cox_residuals(&fit, &d, ResidualType::Score).unwrap();
    assert_all_close(
        &what("score"),
        &col_major(&s.values, p),
        &nums(&case["score"]),
        REL,
    );
    let b = cox_residuals(&fit, &d, ResidualType::Dfbeta).unwrap();
    assert_all_close(
        &what("dfbeta"),
        &col_major(&b.values, p),
        &nums(&case["dfbeta"]),
        REL,
    );
    let bs = cox_residuals(&fit, &d, ResidualType::Dfbetas).unwrap();
    assert_all_close(
        &what("dfbetas"),
        &col_major(&bs.values, p),
        &nums(&case["dfbetas"]),
        REL,
    );
    let scaled = cox_residuals(&fit, &d, ResidualType::ScaledSchoenfeld).unwrap();
    assert_all_close(
        &what("scaledsch"),
        &col_major(&scaled.values, p),
        &nums(&case["scaledsch"]),
        REL,
    );
    let sch = cox_residuals(&fit, &d, ResidualType::Schoenfeld).unwrap();
    assert_all_close(
        &what("schoenfeld time"),
        &sch.times,
        &nums(&case["schoenfeld_time"]),
        1e-12,
    );
    assert_all_close(
        &what("schoenfeld"),
        &col_major(&sch.values, p),
        &nums(&case["schoenfeld"]),
        REL,
    );
}

#[test]
fn heart_cluster_uses_the_model_based_variance() {
    check("heart_cluster");
}

#[test]
fn lung_efron() {
    check("lung_efron");
}

#[test]
fn lung_breslow_strata() {
    check("lung_breslow_strata");
}

#[test]
fn veteran_factor() {
    check("veteran_factor");
}

#[test]
fn ovarian_weights() {
    check("ovarian_weights");
}

#[test]
fn heart_efron() {
    check("heart_efron");
}

#[test]
fn heart_breslow() {
    check("heart_breslow");
}
