//! Kaplan-Meier curves, confidence limits, medians, quantiles, RMST and risk sets against R's survival.
//! References: fixtures/km/km.json, written by fixtures/km/make_reference.R from the CSV fixtures. Every case
//! also checks the fast path against the general reference implementation (`kaplan_meier_general`).

mod common;

use common::{as_f, check, fixture, json, km_curve, nums, opts_f64, strings, Csv};
use serde_json::Value;
use sigsurv_core::confint::ConfType;
use sigsurv_core::km::{
    kaplan_meier, kaplan_meier_by, kaplan_meier_general, KmCurve, KmData, KmOptions,
};

const REL: f64 = 1e-9;

struct Case {
    time: Vec<f64>,
    event: Vec<bool>,
    group: Vec<u32>,
    levels: Vec<String>,
}

/// Reads the case's CSV, drops rows with NA in a used column (R's na.omit) and codes the groups by R's levels.
fn load(case: &Value) -> Case {
    let csv = Csv::read(case["file"].as_str().unwrap());
    let tcol = case["time"].as_str().unwrap();
    let scol = case["status"].as_str().unwrap();
    let gcol = case["group"].as_str();
    let ev_value = case["event_value"].as_f64().unwrap();
    let levels = strings(&case["levels"]);
    let (t, s) = (csv.str(tcol), csv.str(scol));
    let g = gcol.map(|c| csv.str(c));
    let mut out = Case {
        time: vec![],
        event: vec![],
        group: vec![],
        levels: levels.clone(),
    };
    for i in 0..csv.n_rows {
        let used = [Some(&t[i]), Some(&s[i]), g.map(|g| &g[i])];
        if used.iter().flatten().any(|v| *v == "NA" || v.is_empty()) {
            continue;
        }
        out.time.push(t[i].parse().unwrap());
        out.event.push(s[i].parse::<f64>().unwrap() == ev_value);
        out.group.push(match g {
            Some(g) => levels
                .iter()
                .position(|l| *l == g[i])
                .unwrap_or_else(|| panic!("level {}", g[i])) as u32,
            None => 0,
        });
    }
    out
}

fn check_curve(what: &str, c: &KmCurve, r: &Value, probs: &[f64], tau: f64, at_times: &[f64]) {
    assert_eq!(c.n as f64, r["n"].as_f64().unwrap(), "{what}: n");
    check(&format!("{what} time"), &c.time, &r["time"], 0.0);
    check(
        &format!("{what} n_risk"),
        &as_f(&c.n_risk),
        &r["n_risk"],
        0.0,
    );
    check(
        &format!("{what} n_event"),
        &as_f(&c.n_event),
        &r["n_event"],
        0.0,
    );
    check(
        &format!("{what} n_censor"),
        &as_f(&c.n_censor),
        &r["n_censor"],
        0.0,
    );
    check(&format!("{what} surv"), &c.surv, &r["surv"], REL);
    check(&format!("{what} log_se"), &c.log_se, &r["log_se"], REL);
    km_curve::check_estimates(what, c, r, probs, tau, REL);
    let s_at: Vec<f64> = at_times.iter().map(|&t| c.surv_at(t)).collect();
    let n_at: Vec<f64> = at_times.iter().map(|&t| c.n_risk_at(t) as f64).collect();
    check(&format!("{what} surv at times"), &s_at, &r["at_surv"], REL);
    check(
        &format!("{what} n.risk at times"),
        &n_at,
        &r["at_n_risk"],
        0.0,
    );
}

fn run_case(name: &str) -> usize {
    let refs = json("km/km.json");
    let case = refs["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap();
    let data = load(case);
    let probs = nums(&case["probs"]);
    let tau = case["tau"].as_f64().unwrap();
    let at_times = nums(&case["at_times"]);
    let mut n_checked = 0;
    for fit in case["fits"].as_array().unwrap() {
        let ct = ConfType::parse(fit["conf_type"].as_str().unwrap()).unwrap();
        let opts = KmOptions {
            conf_type: ct,
            ..KmOptions::default()
        };
        let curves = kaplan_meier_by(
            &data.time,
            &data.event,
            &data.group,
            data.levels.len(),
            &opts,
        )
        .unwrap();
        same_as_general(name, &data, &curves, &opts);
        let rc = fit["curves"].as_array().unwrap();
        assert_eq!(curves.len(), rc.len());
        for (k, (c, r)) in curves.iter().zip(rc).enumerate() {
            assert_eq!(r["level"].as_str().unwrap(), data.levels[k]);
            check_curve(
                &format!("{name} [{}] {}", ct.name(), data.levels[k]),
                c,
                r,
                &probs,
                tau,
                &at_times,
            );
            n_checked += 1;
        }
        if data.levels.len() == 1 {
            // The ungrouped entry point gives the same curve.
            let one = kaplan_meier(&data.time, &data.event, &opts).unwrap();
            assert_eq!(one.surv, curves[0].surv);
            assert_eq!(one.time, curves[0].time);
        }
    }
    n_checked
}

/// The fast path (`kaplan_meier_by`) against the general reference implementation on the same data.
fn same_as_general(name: &str, data: &Case, fast: &[KmCurve], opts: &KmOptions) {
    let general = kaplan_meier_general(
        &KmData::new(&data.time, &data.event),
        &data.group,
        data.levels.len(),
        opts,
    )
    .unwrap();
    let close = |what: &str, a: &[f64], b: &[f64]| {
        assert_eq!(a.len(), b.len(), "{name} {what}");
        for (x, y) in a.iter().zip(b) {
            let ok = (x.is_nan() && y.is_nan()) || x == y || common::close(*x, *y, 1e-12);
            assert!(ok, "{name} {what}: fast {x:e}, general {y:e}");
        }
    };
    for (f, g) in fast.iter().zip(&general) {
        assert_eq!((f.n, f.n_events), (g.n, g.n_events), "{name}");
        assert_eq!(f.time, g.time, "{name}");
        assert_eq!(f.n_risk, g.n_risk, "{name}");
        assert_eq!(f.n_event, g.n_event, "{name}");
        assert_eq!(f.n_censor, g.n_censor, "{name}");
        close("surv", &f.surv, &g.surv);
        close("log_se", &f.log_se, &g.log_se);
        close("std_err", &f.std_err, &g.std_err);
        close("cumhaz", &f.cumhaz, &g.cumhaz);
        close("cumhaz_se", &f.cumhaz_se, &g.cumhaz_se);
        close("lower", &opts_f64(&f.lower), &opts_f64(&g.lower));
        close("upper", &opts_f64(&f.upper), &opts_f64(&g.upper));
    }
}

#[test]
fn lung_every_conf_type() {
    assert_eq!(run_case("lung"), 6);
}

#[test]
fn aml_by_group_every_conf_type_drops_to_zero() {
    assert_eq!(run_case("aml_by_x"), 12);
}

#[test]
fn lung_by_sex() {
    assert_eq!(run_case("lung_by_sex"), 4);
}

#[test]
fn gbsg2_by_hormone_therapy() {
    assert_eq!(run_case("gbsg2_by_horTh"), 4);
}

#[test]
fn veteran_by_treatment() {
    assert_eq!(run_case("veteran_by_trt"), 4);
}

#[test]
fn veteran_by_cell_type() {
    assert_eq!(run_case("veteran_by_celltype"), 4);
}

#[test]
fn rotterdam_heavy_ties() {
    assert_eq!(run_case("rotterdam_recur"), 2);
}

#[test]
fn rotterdam_by_hormon() {
    assert_eq!(run_case("rotterdam_recur_by_hormon"), 2);
}

/// Flat at exactly 0.5 (midpoint rule), flat at 0.5 to the end, never reaching 0.5, all censored, zero times
/// and a near-tie merged by timefix.
#[test]
fn hand_edge_cases_every_conf_type() {
    assert_eq!(run_case("hand_by_grp"), 30);
}

#[test]
fn fixture_files_exist() {
    assert!(fixture("km/make_reference.R").exists());
}
