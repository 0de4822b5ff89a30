//! survdiff (G-rho, stratified, k groups, zero expected) and survminer-style pairwise tests against R.
//! References: fixtures/logrank/logrank.json, written by fixtures/logrank/make_reference.R from the CSVs.

mod common;

use common::{assert_all_close, assert_close, json, nums, Csv};
use serde_json::Value;
use sigsurv_core::logrank::{pairwise_survdiff, survdiff, LogRankOptions};
use sigsurv_core::padjust::PAdjust;

const REL: f64 = 1e-9;

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        Value::String(s) => vec![s.clone()],
        other => panic!("not strings: {other}"),
    }
}

struct Data {
    time: Vec<f64>,
    event: Vec<bool>,
    group: Vec<u32>,
    strata: Option<Vec<u32>>,
    n_groups: usize,
}

fn load(case: &Value) -> Data {
    let csv = Csv::read(case["file"].as_str().unwrap());
    let t = csv.str(case["time"].as_str().unwrap());
    let s = csv.str(case["status"].as_str().unwrap());
    let g = csv.str(case["group"].as_str().unwrap());
    let st = case["strata"].as_str().map(|c| csv.str(c));
    let ev_value = case["event_value"].as_f64().unwrap();
    let levels = strings(&case["levels"]);
    let slevels = if case["strata_levels"].is_null() {
        vec![]
    } else {
        strings(&case["strata_levels"])
    };
    let mut d = Data {
        time: vec![],
        event: vec![],
        group: vec![],
        strata: st.map(|_| vec![]),
        n_groups: levels.len(),
    };
    for i in 0..csv.n_rows {
        let used = [Some(&t[i]), Some(&s[i]), Some(&g[i]), st.map(|x| &x[i])];
        if used.iter().flatten().any(|v| *v == "NA" || v.is_empty()) {
            continue;
        }
        d.time.push(t[i].parse().unwrap());
        d.event.push(s[i].parse::<f64>().unwrap() == ev_value);
        d.group
            .push(levels.iter().position(|l| *l == g[i]).unwrap() as u32);
        if let (Some(out), Some(x)) = (d.strata.as_mut(), st) {
            // Strata codes in reverse level order: any labels must work, R's numbering must not matter.
            let k = slevels.iter().position(|l| *l == x[i]).unwrap();
            out.push((slevels.len() - 1 - k) as u32 * 7 + 3);
        }
    }
    d
}

fn run_case(name: &str) -> usize {
    let refs = json("logrank/logrank.json");
    let case = refs["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap();
    let d = load(case);
    let mut n = 0;
    for test in case["tests"].as_array().unwrap() {
        let rho = test["rho"].as_f64().unwrap();
        let what = format!("{name} rho={rho}");
        let opts = LogRankOptions { rho, timefix: true };
        let r = survdiff(
            &d.time,
            &d.event,
            &d.group,
            d.n_groups,
            d.strata.as_deref(),
            &opts,
        )
        .unwrap();
        let n_r: Vec<f64> = r.n.iter().map(|&x| x as f64).collect();
        assert_all_close(&format!("{what} n"), &n_r, &nums(&test["n"]), 0.0);
        assert_all_close(
            &format!("{what} observed"),
            &r.observed,
            &nums(&test["observed"]),
            REL,
        );
        assert_all_close(
            &format!("{what} expected"),
            &r.expected,
            &nums(&test["expected"]),
            REL,
        );
        assert_all_close(
            &format!("{what} variance"),
            &r.variance,
            &nums(&test["variance"]),
            REL,
        );
        assert_close(
            &format!("{what} chisq"),
            r.chisq,
            test["chisq"].as_f64().unwrap(),
            REL,
        );
        assert_eq!(r.df as f64, test["df"].as_f64().unwrap(), "{what} df");
        assert_close(
            &format!("{what} p"),
            r.p_value,
            test["p_value"].as_f64().unwrap(),
            REL,
        );
        let sum_oe: f64 = r.observed.iter().zip(&r.expected).map(|(o, e)| o - e).sum();
        assert!(
            sum_oe.abs() < 1e-9 * r.observed.iter().sum::<f64>().max(1.0),
            "{what}: sum(O-E) = {sum_oe}"
        );
        n += 1;
        let adjusted = &test["pairwise_adjusted"];
        let Some(adjusted) = adjusted.as_object() else {
            continue;
        };
        let raw = nums(&test["pairwise_p"]);
        let pairs = test["pairs"].as_array().unwrap();
        for (method, want) in adjusted {
            let m = PAdjust::parse(method).unwrap();
            let got = pairwise_survdiff(
                &d.time,
                &d.event,
                &d.group,
                d.n_groups,
                d.strata.as_deref(),
                &opts,
                m,
            )
            .unwrap();
            assert_eq!(got.len(), pairs.len(), "{what}: number of pairs");
            for (k, (g, p)) in got.iter().zip(pairs).enumerate() {
                assert_eq!(g.group_a as f64, p["a"].as_f64().unwrap());
                assert_eq!(g.group_b as f64, p["b"].as_f64().unwrap());
                assert_close(
                    &format!("{what} pair {k} chisq"),
                    g.chisq,
                    p["chisq"].as_f64().unwrap(),
                    REL,
                );
                assert_close(&format!("{what} pair {k} p"), g.p_value, raw[k], REL);
            }
            let adj: Vec<f64> = got.iter().map(|g| g.p_adjusted).collect();
            assert_all_close(&format!("{what} pairwise {method}"), &adj, &nums(want), REL);
        }
    }
    n
}

#[test]
fn lung_by_sex_rho_0_and_1() {
    assert_eq!(run_case("lung_sex"), 2);
}

#[test]
fn lung_by_sex_stratified_by_ecog() {
    assert_eq!(run_case("lung_sex_strata_ecog"), 2);
}

#[test]
fn lung_by_ecog_four_groups_pairwise() {
    assert_eq!(run_case("lung_ecog"), 2);
}

#[test]
fn rotterdam_hormon_stratified_by_menopause() {
    assert_eq!(run_case("rotterdam_hormon_strata_meno"), 2);
}

#[test]
fn rotterdam_grade_rho_0_1_and_half() {
    assert_eq!(run_case("rotterdam_grade"), 3);
}

#[test]
fn veteran_four_cell_types_pairwise() {
    assert_eq!(run_case("veteran_celltype"), 2);
}

#[test]
fn veteran_cell_types_stratified_by_treatment() {
    assert_eq!(run_case("veteran_celltype_strata_trt"), 2);
}

#[test]
fn gbsg2_by_hormone_therapy() {
    assert_eq!(run_case("gbsg2_horTh"), 2);
}

#[test]
fn gbsg2_by_grade_stratified_by_menopause() {
    assert_eq!(run_case("gbsg2_tgrade_strata_meno"), 2);
}

#[test]
fn aml_by_maintenance() {
    assert_eq!(run_case("aml_x"), 2);
}

/// A group censored before the first event has expected 0: it leaves the statistic and the df.
#[test]
fn group_with_zero_expected() {
    assert_eq!(run_case("hand_zero_expected"), 2);
    assert_eq!(run_case("hand_zero_expected_strata"), 2);
}

#[test]
fn tail_p_value_keeps_precision() {
    // Two groups that separate completely: a tiny p-value must come out positive and finite.
    let n = 400;
    let time: Vec<f64> = (0..n).map(|i| i as f64 + 1.0).collect();
    let event = vec![true; n];
    let group: Vec<u32> = (0..n).map(|i| u32::from(i >= n / 2)).collect();
    let r = survdiff(&time, &event, &group, 2, None, &LogRankOptions::default()).unwrap();
    assert!(r.p_value > 0.0 && r.p_value < 1e-40, "{}", r.p_value);
    assert_close(
        "tail p",
        r.p_value,
        sigsurv_core::pvalue::chisq_sf(r.chisq, 1.0),
        1e-15,
    );
}
