//! The estimates of a Kaplan-Meier curve against R's `survfit` / `summary` / `quantile` / `print(rmean)` values
//! as the km fixtures' R scripts write them.

use super::{check, opts_f64};
use serde_json::Value;
use sigsurv_core::confint::ConfType;
use sigsurv_core::km::KmCurve;

/// S(t), std.err, the cumulative hazard and its se, the limits, the median with its limits, the quantiles at
/// `probs` with their limits and the restricted mean up to `tau` with its se.
pub fn check_estimates(what: &str, c: &KmCurve, r: &Value, probs: &[f64], tau: f64, rel: f64) {
    check(&format!("{what} std_err"), &c.std_err, &r["std_err"], rel);
    check(&format!("{what} cumhaz"), &c.cumhaz, &r["cumhaz"], rel);
    check(
        &format!("{what} cumhaz_se"),
        &c.cumhaz_se,
        &r["cumhaz_se"],
        rel,
    );
    if c.conf_type == ConfType::None {
        assert!(c.lower.iter().chain(&c.upper).all(Option::is_none));
    } else {
        check(
            &format!("{what} lower"),
            &opts_f64(&c.lower),
            &r["lower"],
            rel,
        );
        check(
            &format!("{what} upper"),
            &opts_f64(&c.upper),
            &r["upper"],
            rel,
        );
    }
    let m = c.median();
    check(
        &format!("{what} median/LCL/UCL"),
        &opts_f64(&[m.estimate, m.lower, m.upper]),
        &Value::Array(vec![
            r["median"].clone(),
            r["median_lcl"].clone(),
            r["median_ucl"].clone(),
        ]),
        rel,
    );
    let q: Vec<_> = probs.iter().map(|&p| c.quantile(p)).collect();
    check(
        &format!("{what} quantile"),
        &opts_f64(&q.iter().map(|q| q.estimate).collect::<Vec<_>>()),
        &r["quantile"],
        rel,
    );
    if c.conf_type != ConfType::None {
        let lo: Vec<_> = q.iter().map(|q| q.lower).collect();
        let hi: Vec<_> = q.iter().map(|q| q.upper).collect();
        check(
            &format!("{what} quantile lower"),
            &opts_f64(&lo),
            &r["quantile_lower"],
            rel,
        );
        check(
            &format!("{what} quantile upper"),
            &opts_f64(&hi),
            &r["quantile_upper"],
            rel,
        );
    }
    let rm = c.rmst(tau);
    check(&format!("{what} rmean"), &[rm.rmst], &r["rmean"], rel);
    check(&format!("{what} se(rmean)"), &[rm.se], &r["rmean_se"], rel);
}
