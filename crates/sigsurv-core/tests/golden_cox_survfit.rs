//! Cox survival curves against R's survfit.coxph (fixtures/cox/make_survfit.R -> cox_survfit.json):
//! the default curve at fit$means and curves for newdata profiles (R's model matrix of newdata), for
//! Efron and Breslow ties, strata (with and without strata in newdata), weights with a robust variance,
//! factors, a collinear term and counting-process data.

mod common;
mod cox_support;

use common::{assert_all_close, nums};
use cox_support::{for_each_path, load, reference};
use serde_json::Value;
use sigsurv_core::cox::{cox_survfit, CoxCurve, NewData};

const REL: f64 = 1e-10;

fn check_curve(what: &str, ours: &CoxCurve, r: &Value) {
    let opt = |v: &[Option<f64>]| v.iter().map(|x| x.unwrap_or(f64::NAN)).collect::<Vec<_>>();
    assert_all_close(&format!("{what}: time"), &ours.time, &nums(&r["time"]), 0.0);
    assert_all_close(
        &format!("{what}: n_risk"),
        &ours.n_risk,
        &nums(&r["n_risk"]),
        1e-12,
    );
    assert_all_close(
        &format!("{what}: n_event"),
        &ours.n_event,
        &nums(&r["n_event"]),
        1e-12,
    );
    assert_all_close(
        &format!("{what}: n_censor"),
        &ours.n_censor,
        &nums(&r["n_censor"]),
        1e-12,
    );
    assert_all_close(&format!("{what}: surv"), &ours.surv, &nums(&r["surv"]), REL);
    assert_all_close(
        &format!("{what}: cumhaz"),
        &ours.cumhaz,
        &nums(&r["cumhaz"]),
        REL,
    );
    assert_all_close(
        &format!("{what}: std_err"),
        &ours.std_err,
        &nums(&r["std_err"]),
        REL,
    );
    assert_all_close(
        &format!("{what}: lower"),
        &opt(&ours.lower),
        &nums(&r["lower"]),
        REL,
    );
    assert_all_close(
        &format!("{what}: upper"),
        &opt(&ours.upper),
        &nums(&r["upper"]),
        REL,
    );
}

fn check(name: &str, case: &Value) {
    let c = load(case);
    let fit = c.fit();
    let data = c.data();
    let p = data.p;
    let newx = nums(&case["newx"]);
    let n_new = case["n_new"].as_u64().unwrap() as usize;
    // R's 1-based strata levels -> our 0-based codes.
    let newstrata: Option<Vec<u32>> = case["newstrata"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_u64().unwrap() as u32 - 1).collect());
    assert_eq!(newx.len(), n_new * p, "{name}: newx");
    let mut curves = cox_survfit(&fit, &data, None, 0.95).unwrap();
    let nd = NewData {
        n: n_new,
        x: &newx,
        strata: newstrata.as_deref(),
    };
    curves.extend(cox_survfit(&fit, &data, Some(&nd), 0.95).unwrap());
    let r = case["r"]["curves"].as_array().unwrap();
    assert_eq!(curves.len(), r.len(), "{name}: number of curves");
    for (ours, rc) in curves.iter().zip(r) {
        let stratum = rc["stratum"].as_u64().unwrap();
        let profile = rc["profile"].as_u64().unwrap();
        assert_eq!(
            ours.stratum.map_or(0, |s| s as u64 + 1),
            stratum,
            "{name}: stratum"
        );
        assert_eq!(
            ours.profile.map_or(0, |i| i as u64 + 1),
            profile,
            "{name}: profile"
        );
        check_curve(
            &format!("{name} stratum {stratum} profile {profile}"),
            ours,
            rc,
        );
    }
}

#[test]
fn survfit_matches_r() {
    let refs = reference("cox/cox_survfit.json");
    let mut n = 0;
    for (name, case) in refs.as_object().unwrap() {
        if name == "meta" {
            continue;
        }
        for_each_path(|path| check(&format!("{name} [{path}]"), case));
        n += 1;
    }
    assert_eq!(n, 10);
}

#[test]
fn survfit_rejects_bad_profiles() {
    let refs = reference("cox/cox_survfit.json");
    let plain = load(&refs["lung_efron"]);
    let fit = plain.fit();
    let data = plain.data();
    let short = NewData {
        n: 2,
        x: &[60.0, 1.0],
        strata: None,
    };
    assert!(cox_survfit(&fit, &data, Some(&short), 0.95).is_err());
    let nan = NewData {
        n: 1,
        x: &[60.0, f64::NAN, 1.0],
        strata: None,
    };
    assert!(cox_survfit(&fit, &data, Some(&nan), 0.95).is_err());
    let strata = NewData {
        n: 1,
        x: &[60.0, 1.0, 1.0],
        strata: Some(&[0]),
    };
    assert!(cox_survfit(&fit, &data, Some(&strata), 0.95).is_err());
    assert!(cox_survfit(&fit, &data, None, 1.0).is_err());
    let st = load(&refs["lung_strata"]);
    let (sfit, sdata) = (st.fit(), st.data());
    let unknown = NewData {
        n: 1,
        x: &[60.0, 1.0],
        strata: Some(&[7]),
    };
    assert!(cox_survfit(&sfit, &sdata, Some(&unknown), 0.95).is_err());
}

#[test]
fn survival_is_monotone_and_limits_bracket_it() {
    let refs = reference("cox/cox_survfit.json");
    let c = load(&refs["heart_counting"]);
    let (fit, data) = (c.fit(), c.data());
    for curve in cox_survfit(&fit, &data, None, 0.9).unwrap() {
        for w in curve.surv.windows(2) {
            assert!(w[1] <= w[0]);
        }
        for i in 0..curve.surv.len() {
            let (lo, hi) = (curve.lower[i].unwrap(), curve.upper[i].unwrap());
            assert!(lo <= curve.surv[i] && curve.surv[i] <= hi && hi <= 1.0);
        }
    }
}
