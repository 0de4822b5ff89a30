//! Two Kaplan-Meier curves compared at fixed times against R (fixtures/km/make_difference.R): the difference in
//! S(t) with its standard error, interval and z-test, and the log(-log) chi-square test.

mod common;

use common::{check, json, nums, strings, Csv};
use serde_json::Value;
use sigsurv_core::km::general::robust_by_default;
use sigsurv_core::km::{kaplan_meier_general, survival_difference, KmData, KmOptions};

const REL: f64 = 1e-9;

fn run_case(case: &Value) {
    let name = case["name"].as_str().unwrap();
    let csv = Csv::read(case["file"].as_str().unwrap());
    let levels = strings(&case["levels"]);
    let event_value = case["event_value"].as_f64().unwrap();
    let (tc, sc, gc) = (
        csv.str(case["time"].as_str().unwrap()),
        csv.str(case["status"].as_str().unwrap()),
        csv.str(case["group"].as_str().unwrap()),
    );
    let wc = case["weights"].as_str().map(|w| csv.str(w));
    let (mut time, mut event, mut group, mut weight) = (vec![], vec![], vec![], vec![]);
    for i in 0..csv.n_rows {
        let cells = [Some(&tc[i]), Some(&sc[i]), Some(&gc[i]), wc.map(|w| &w[i])];
        if cells.iter().flatten().any(|v| *v == "NA" || v.is_empty()) {
            continue;
        }
        time.push(tc[i].parse::<f64>().unwrap());
        event.push(sc[i].parse::<f64>().unwrap() == event_value);
        group.push(levels.iter().position(|l| *l == gc[i]).unwrap() as u32);
        if let Some(w) = wc {
            weight.push(w[i].parse::<f64>().unwrap());
        }
    }
    let weights = wc.is_some().then_some(weight.as_slice());
    let data = KmData {
        weight: weights,
        robust: robust_by_default(weights, false),
        ..KmData::new(&time, &event)
    };
    let curves = kaplan_meier_general(&data, &group, levels.len(), &KmOptions::default()).unwrap();
    let times = nums(&case["times"]);
    let level = case["level"].as_f64().unwrap();
    for r in case["rows"].as_array().unwrap() {
        let k = levels
            .iter()
            .position(|l| l == r["group"].as_str().unwrap())
            .unwrap();
        let d = survival_difference(&curves[k], &curves[0], &times, level).unwrap();
        let what = format!("{name} {} vs {}", levels[k], levels[0]);
        let field =
            |f: fn(&sigsurv_core::SurvivalDifference) -> f64| d.iter().map(f).collect::<Vec<_>>();
        check(&format!("{what} surv"), &field(|x| x.surv), &r["surv"], REL);
        check(
            &format!("{what} surv_reference"),
            &field(|x| x.surv_reference),
            &r["surv_reference"],
            REL,
        );
        check(
            &format!("{what} difference"),
            &field(|x| x.difference),
            &r["difference"],
            REL,
        );
        check(
            &format!("{what} std_err"),
            &field(|x| x.std_err),
            &r["std_err"],
            REL,
        );
        check(
            &format!("{what} lower"),
            &field(|x| x.lower),
            &r["lower"],
            REL,
        );
        check(
            &format!("{what} upper"),
            &field(|x| x.upper),
            &r["upper"],
            REL,
        );
        check(
            &format!("{what} p"),
            &field(|x| x.p_value),
            &r["p_value"],
            REL,
        );
        check(
            &format!("{what} chisq"),
            &field(|x| x.chisq_cloglog),
            &r["chisq_cloglog"],
            REL,
        );
        check(
            &format!("{what} p cloglog"),
            &field(|x| x.p_value_cloglog),
            &r["p_value_cloglog"],
            REL,
        );
    }
}

#[test]
fn differences_at_fixed_times_match_r() {
    let cases = json("km/km_difference.json");
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        run_case(case);
    }
}

#[test]
fn a_time_after_a_curve_ends_or_a_bad_level_is_an_error() {
    let t = [1.0, 2.0, 3.0, 4.0];
    let e = [true, false, true, true];
    let c = sigsurv_core::kaplan_meier(&t, &e, &KmOptions::default()).unwrap();
    assert!(survival_difference(&c, &c, &[10.0], 0.95).is_err());
    assert!(survival_difference(&c, &c, &[f64::NAN], 0.95).is_err());
    assert!(survival_difference(&c, &c, &[2.0], 1.0).is_err());
    // Before the first event S = 1: the difference is 0 and the log(-log) test undefined.
    let d = survival_difference(&c, &c, &[0.5], 0.95).unwrap()[0];
    assert_eq!(d.difference, 0.0);
    assert!(d.chisq_cloglog.is_nan() && d.p_value_cloglog.is_nan());
}
