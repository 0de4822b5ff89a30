//! Kaplan-Meier with case weights, delayed entry, the robust variance and conf.lower against R's survfit.
//! References: fixtures/km/km_weighted.json, written by fixtures/km/make_weighted.R from the CSV fixtures.

mod common;

use common::{as_f, check, fixture, json, km_curve, nums, opts_f64, strings, Csv};
use serde_json::Value;
use sigsurv_core::confint::ConfType;
use sigsurv_core::km::general::{kaplan_meier_general_direct_variance, robust_by_default};
use sigsurv_core::km::{kaplan_meier_general, ConfLower, KmAtTime, KmCurve, KmData, KmOptions};

const REL: f64 = 1e-9;

/// One case's columns after R's na.omit (and, for `positive_intervals`, only rows with entry < exit).
struct Case {
    time: Vec<f64>,
    event: Vec<bool>,
    entry: Option<Vec<f64>>,
    weight: Option<Vec<f64>>,
    cluster: Option<Vec<u32>>,
    group: Vec<u32>,
    levels: Vec<String>,
}

fn load(case: &Value) -> Case {
    let csv = Csv::read(case["file"].as_str().unwrap());
    let col = |key: &str| case[key].as_str().map(|c| csv.str(c));
    let (t, s) = (col("time").unwrap(), col("status").unwrap());
    let (g, e, w, cl) = (col("group"), col("entry"), col("weights"), col("cluster"));
    let ev_value = case["event_value"].as_f64().unwrap();
    let levels = strings(&case["levels"]);
    let positive = case["positive_intervals"].as_bool().unwrap();
    let mut out = Case {
        time: vec![],
        event: vec![],
        entry: e.map(|_| vec![]),
        weight: w.map(|_| vec![]),
        cluster: cl.map(|_| vec![]),
        group: vec![],
        levels: levels.clone(),
    };
    let mut cluster_codes: Vec<String> = Vec::new();
    for i in 0..csv.n_rows {
        let used = [
            Some(&t[i]),
            Some(&s[i]),
            g.map(|v| &v[i]),
            e.map(|v| &v[i]),
            w.map(|v| &v[i]),
            cl.map(|v| &v[i]),
        ];
        if used.iter().flatten().any(|v| *v == "NA" || v.is_empty()) {
            continue;
        }
        let time: f64 = t[i].parse().unwrap();
        if let Some(e) = e {
            let entry: f64 = e[i].parse().unwrap();
            if positive && entry >= time {
                continue;
            }
            out.entry.as_mut().unwrap().push(entry);
        }
        out.time.push(time);
        out.event.push(s[i].parse::<f64>().unwrap() == ev_value);
        if let Some(w) = w {
            out.weight.as_mut().unwrap().push(w[i].parse().unwrap());
        }
        if let Some(cl) = cl {
            let code = match cluster_codes.iter().position(|c| *c == cl[i]) {
                Some(p) => p,
                None => {
                    cluster_codes.push(cl[i].clone());
                    cluster_codes.len() - 1
                }
            };
            out.cluster.as_mut().unwrap().push(code as u32);
        }
        out.group.push(match g {
            Some(g) => levels.iter().position(|l| *l == g[i]).unwrap() as u32,
            None => 0,
        });
    }
    out
}

fn check_curve(what: &str, c: &KmCurve, r: &Value, probs: &[f64], tau: f64, at_times: &[f64]) {
    assert_eq!(c.n as f64, r["n"].as_f64().unwrap(), "{what}: n");
    check(&format!("{what} time"), &c.time, &r["time"], 0.0);
    // R's n.risk etc. are weighted; its unweighted fit at the same times gives the row counts.
    let (risk, events, censor) = match &c.weighted {
        Some(w) => (w.n_risk.clone(), w.n_event.clone(), w.n_censor.clone()),
        None => (as_f(&c.n_risk), as_f(&c.n_event), as_f(&c.n_censor)),
    };
    check(&format!("{what} n_risk"), &risk, &r["n_risk"], REL);
    check(&format!("{what} n_event"), &events, &r["n_event"], REL);
    check(&format!("{what} n_censor"), &censor, &r["n_censor"], REL);
    let counts = &r["counts"];
    check(
        &format!("{what} rows at risk"),
        &as_f(&c.n_risk),
        &counts["n_risk"],
        0.0,
    );
    check(
        &format!("{what} event rows"),
        &as_f(&c.n_event),
        &counts["n_event"],
        0.0,
    );
    check(
        &format!("{what} censored rows"),
        &as_f(&c.n_censor),
        &counts["n_censor"],
        0.0,
    );
    check(
        &format!("{what} events"),
        &[c.total_events()],
        &r["events"],
        REL,
    );
    check(&format!("{what} surv"), &c.surv, &r["surv"], REL);
    // survfit's own std.err: se(S) for a robust fit, se(-log S) otherwise.
    let raw = if c.robust { &c.std_err } else { &c.log_se };
    check(
        &format!("{what} survfit std.err"),
        raw,
        &r["survfit_std_err"],
        REL,
    );
    km_curve::check_estimates(what, c, r, probs, tau, REL);
    check_at_times(what, c, &r["at"], at_times);
}

/// `summary(fit, times =)`: every row R gives, and the requested times after the last one listed as omitted.
fn check_at_times(what: &str, c: &KmCurve, r: &Value, times: &[f64]) {
    let at = c.at_times(times);
    let col = |f: fn(&KmAtTime) -> f64| at.rows.iter().map(f).collect::<Vec<f64>>();
    let what = format!("{what} at times");
    check(&format!("{what}: time"), &col(|a| a.time), &r["time"], 0.0);
    check(
        &format!("{what}: n.risk"),
        &col(|a| a.n_risk),
        &r["n_risk"],
        REL,
    );
    check(
        &format!("{what}: n.event"),
        &col(|a| a.n_event),
        &r["n_event"],
        REL,
    );
    check(
        &format!("{what}: n.censor"),
        &col(|a| a.n_censor),
        &r["n_censor"],
        REL,
    );
    check(&format!("{what}: surv"), &col(|a| a.surv), &r["surv"], REL);
    check(
        &format!("{what}: std.err"),
        &col(|a| a.std_err),
        &r["std_err"],
        REL,
    );
    check(
        &format!("{what}: cumhaz"),
        &col(|a| a.cumhaz),
        &r["cumhaz"],
        REL,
    );
    if c.conf_type == ConfType::None {
        assert!(at
            .rows
            .iter()
            .all(|a| a.lower.is_none() && a.upper.is_none()));
    } else {
        let lower: Vec<Option<f64>> = at.rows.iter().map(|a| a.lower).collect();
        let upper: Vec<Option<f64>> = at.rows.iter().map(|a| a.upper).collect();
        check(
            &format!("{what}: lower"),
            &opts_f64(&lower),
            &r["lower"],
            REL,
        );
        check(
            &format!("{what}: upper"),
            &opts_f64(&upper),
            &r["upper"],
            REL,
        );
    }
    let last = *c.time.last().unwrap();
    assert_eq!(at.rows.len() + at.omitted.len(), times.len(), "{what}");
    assert!(
        at.omitted.iter().all(|&t| t > last),
        "{what}: omitted {:?}",
        at.omitted
    );
}

fn conf_lower(name: &str) -> ConfLower {
    match name {
        "usual" => ConfLower::Usual,
        "peto" => ConfLower::Peto,
        "modified" => ConfLower::Modified,
        other => panic!("conf.lower {other}"),
    }
}

fn run_case(name: &str) -> usize {
    let refs = json("km/km_weighted.json");
    let case = refs["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("case {name}"));
    let d = load(case);
    let probs = nums(&case["probs"]);
    let tau = case["tau"].as_f64().unwrap();
    let at_times = nums(&case["at_times"]);
    // R's robust = NULL means its default rule.
    let robust = case["robust"]
        .as_bool()
        .unwrap_or_else(|| robust_by_default(d.weight.as_deref(), d.cluster.is_some()));
    let data = KmData {
        entry: d.entry.as_deref(),
        weight: d.weight.as_deref(),
        cluster: d.cluster.as_deref(),
        robust,
        ..KmData::new(&d.time, &d.event)
    };
    let mut n_checked = 0;
    for fit in case["fits"].as_array().unwrap() {
        assert_eq!(
            fit["logse"].as_bool().unwrap(),
            !robust,
            "{name}: R's variance rule"
        );
        let ct = ConfType::parse(fit["conf_type"].as_str().unwrap()).unwrap();
        let opts = KmOptions {
            conf_type: ct,
            conf_lower: conf_lower(case["conf_lower"].as_str().unwrap()),
            ..KmOptions::default()
        };
        let curves = kaplan_meier_general(&data, &d.group, d.levels.len(), &opts).unwrap();
        // The robust variance's bookkeeping against the direct cluster-by-cluster update.
        let direct =
            kaplan_meier_general_direct_variance(&data, &d.group, d.levels.len(), &opts).unwrap();
        for (a, b) in curves.iter().zip(&direct) {
            for (x, y) in a
                .std_err
                .iter()
                .zip(&b.std_err)
                .chain(a.cumhaz_se.iter().zip(&b.cumhaz_se))
            {
                let ok = x == y || (x.is_nan() && y.is_nan()) || common::close(*x, *y, 1e-11);
                assert!(ok, "{name}: tracked {x:e}, direct {y:e}");
            }
        }
        let rc = fit["curves"].as_array().unwrap();
        assert_eq!(curves.len(), rc.len());
        for (k, (c, r)) in curves.iter().zip(rc).enumerate() {
            assert_eq!(r["level"].as_str().unwrap(), d.levels[k]);
            check_curve(
                &format!("{name} [{}] {}", ct.name(), d.levels[k]),
                c,
                r,
                &probs,
                tau,
                &at_times,
            );
            n_checked += 1;
        }
    }
    n_checked
}

#[test]
fn lung_fractional_weights_robust_every_conf_type() {
    assert_eq!(run_case("lung_wfrac"), 6);
}

#[test]
fn lung_fractional_weights_by_sex() {
    assert_eq!(run_case("lung_wfrac_by_sex"), 4);
}

#[test]
fn lung_fractional_weights_greenwood() {
    assert_eq!(run_case("lung_wfrac_greenwood"), 4);
}

#[test]
fn lung_whole_number_weights_greenwood() {
    assert_eq!(run_case("lung_wint_by_sex"), 6);
}

#[test]
fn lung_cluster_institution() {
    assert_eq!(run_case("lung_cluster_inst"), 6);
}

#[test]
fn lung_weights_and_cluster() {
    assert_eq!(run_case("lung_wfrac_cluster_inst"), 1);
}

#[test]
fn lung_robust_each_row_a_cluster() {
    assert_eq!(run_case("lung_robust_rows"), 2);
}

#[test]
fn heart_delayed_entry_by_transplant() {
    assert_eq!(run_case("heart_entry_by_transplant"), 6);
}

#[test]
fn heart_delayed_entry_cluster_id() {
    assert_eq!(run_case("heart_entry_cluster_id"), 2);
}

#[test]
fn channing_age_scale_every_conf_type() {
    assert_eq!(run_case("channing_age"), 6);
}

#[test]
fn channing_age_scale_by_gender() {
    assert_eq!(run_case("channing_age_by_gender"), 4);
}

#[test]
fn hand_conf_lower_modified_and_peto() {
    assert_eq!(run_case("hand_modified"), 30);
    assert_eq!(run_case("hand_peto"), 30);
}

#[test]
fn lung_conf_lower_modified_and_peto() {
    assert_eq!(run_case("lung_modified_by_sex"), 6);
    assert_eq!(run_case("lung_peto"), 2);
}

#[test]
fn conf_lower_with_entry_and_robust() {
    assert_eq!(run_case("channing_age_peto"), 1);
    assert_eq!(run_case("lung_wfrac_modified"), 2);
}

#[test]
fn fixture_files_exist() {
    assert!(fixture("km/make_weighted.R").exists());
}
