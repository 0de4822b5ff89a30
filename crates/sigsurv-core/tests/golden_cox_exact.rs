//! The exact partial likelihood (ties = "exact") against R's coxph(..., ties = "exact") (survival's coxexact) on
//! data with few, some and many ties, with strata, and on a fit heading to an infinite coefficient.
//! References: fixtures/cox/cox_exact.json, written by fixtures/cox/make_exact.R.

mod common;

use common::{assert_all_close, assert_close, json, nums, Csv};
use serde_json::Value;
use sigsurv_core::cox::{cox_ph, cox_residuals, CoxData, CoxOptions, ResidualType, Ties};

const REL: f64 = 1e-8;

struct Case {
    time: Vec<f64>,
    event: Vec<bool>,
    x: Vec<f64>,
    names: Vec<String>,
    strata: Option<Vec<u32>>,
}

fn load(case: &Value) -> Case {
    let csv = Csv::read(case["file"].as_str().unwrap());
    let covariates: Vec<String> = case["covariates"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_else(|| vec![case["covariates"].as_str().unwrap().to_string()]);
    let time: Vec<f64> = if case["transform"].as_bool().unwrap() {
        // make_exact.R: months = round(time / 30.44) of GBSG2's days (R rounds half to even).
        csv.f64("time")
            .iter()
            .map(|t| (t / 30.44).round_ties_even())
            .collect()
    } else {
        csv.f64(case["time"].as_str().unwrap())
    };
    let status = csv.f64(case["status"].as_str().unwrap());
    let event_value = status
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::MIN, f64::max);
    let cols: Vec<Vec<f64>> = covariates.iter().map(|c| csv.f64(c)).collect();
    let strata_col = case["strata"].as_str().map(|s| csv.f64(s));
    let keep: Vec<usize> = (0..time.len())
        .filter(|&i| {
            time[i].is_finite()
                && status[i].is_finite()
                && cols.iter().all(|c| c[i].is_finite())
                && strata_col.as_ref().is_none_or(|s| s[i].is_finite())
        })
        .collect();
    let x: Vec<f64> = cols
        .iter()
        .flat_map(|c| keep.iter().map(|&i| c[i]))
        .collect();
    let strata = strata_col.map(|s| {
        let mut levels: Vec<f64> = keep.iter().map(|&i| s[i]).collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        keep.iter()
            .map(|&i| levels.iter().position(|&l| l == s[i]).unwrap() as u32)
            .collect()
    });
    Case {
        time: keep.iter().map(|&i| time[i]).collect(),
        event: keep.iter().map(|&i| status[i] == event_value).collect(),
        x,
        names: covariates,
        strata,
    }
}

/// `var_rel`: a fit heading to an infinite coefficient stops where the information is nearly singular, and its
/// inverse is sensitive to the last bits of the iterations.
fn check(name: &str) {
    check_with(name, REL)
}

fn check_with(name: &str, var_rel: f64) {
    let refs = json("cox/cox_exact.json");
    let r = &refs["cases"][name];
    let c = load(r);
    let mut data = CoxData::new(&c.time, &c.event, &c.x, &c.names);
    if let Some(s) = &c.strata {
        data = data.with_strata(s);
    }
    let opts = CoxOptions {
        ties: Ties::Exact,
        ..CoxOptions::default()
    };
    let fit = cox_ph(&data, &opts).unwrap();
    assert_eq!(fit.n as f64, r["n"].as_f64().unwrap(), "{name}: n");
    assert_eq!(
        fit.n_events as f64,
        r["nevent"].as_f64().unwrap(),
        "{name}: events"
    );
    assert_eq!(
        fit.iterations as f64,
        r["iter"].as_f64().unwrap(),
        "{name}: iterations"
    );
    assert_all_close(&format!("{name}: coef"), &fit.coef, &nums(&r["coef"]), REL);
    assert_all_close(&format!("{name}: var"), &fit.var, &nums(&r["var"]), var_rel);
    assert_all_close(
        &format!("{name}: loglik"),
        &[fit.loglik_null, fit.loglik],
        &nums(&r["loglik"]),
        1e-12,
    );
    assert_close(
        &format!("{name}: score test"),
        fit.score.statistic,
        r["score"].as_f64().unwrap(),
        REL,
    );
    assert_close(
        &format!("{name}: Wald test"),
        fit.wald.statistic,
        r["wald"].as_f64().unwrap(),
        REL,
    );
}

#[test]
fn lung_few_ties() {
    check("lung");
}

#[test]
fn veteran_some_ties() {
    check("veteran");
}

#[test]
fn gbsg2_in_months_many_ties() {
    check("gbsg2_months");
}

#[test]
fn lung_stratified() {
    check("lung_strata");
}

#[test]
fn book_example_heading_to_infinity() {
    check_with("book", 1e-6);
}

#[test]
fn what_the_exact_method_cannot_do_is_refused() {
    let time = [1.0, 2.0, 2.0, 3.0, 4.0];
    let event = [true, true, true, false, true];
    let x = [0.5, 1.0, -1.0, 0.2, 0.0];
    let names = ["x".to_string()];
    let opts = CoxOptions {
        ties: Ties::Exact,
        ..CoxOptions::default()
    };
    let w = [1.0, 2.0, 1.0, 1.0, 1.0];
    let data = CoxData::new(&time, &event, &x, &names);
    let err = cox_ph(&data.with_weights(&w), &opts)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("case weights are not supported for the exact method"),
        "{err}"
    );
    let start = [0.0; 5];
    let err = cox_ph(&data.with_start(&start), &opts)
        .unwrap_err()
        .to_string();
    assert!(err.contains("right-censored data only"), "{err}");
    let fit = cox_ph(&data, &opts).unwrap();
    assert!(cox_residuals(&fit, &data, ResidualType::Martingale).is_ok());
    let err = cox_residuals(&fit, &data, ResidualType::Score)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("score residuals are not available for the exact method"),
        "{err}"
    );
}

#[test]
fn a_tie_too_large_to_sum_over_is_refused_by_its_size() {
    // 1,000,000 rows in ties of 1,000 events: the exact likelihood would sum over C(n, 1000) subsets per time.
    let n = 1_000_000;
    let time: Vec<f64> = (0..n).map(|i| (i / 1000) as f64).collect();
    let event = vec![true; n];
    let x: Vec<f64> = (0..n).map(|i| (i % 7) as f64).collect();
    let names = ["x".to_string()];
    let data = CoxData::new(&time, &event, &x, &names);
    let opts = CoxOptions {
        ties: Ties::Exact,
        ..CoxOptions::default()
    };
    let err = cox_ph(&data, &opts).unwrap_err().to_string();
    assert!(
        err.contains("would take too long") && err.contains("1000 events"),
        "{err}"
    );
    assert!(err.contains("Efron"), "{err}");
}
