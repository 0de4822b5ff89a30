//! `sigsurv cox` on the edge cases of R survival's own test suite (book examples, weights, infinite and collinear
//! coefficients, null models, exhausted iterations, strata without events), each against the coxph result that
//! fixtures/rsuite/make_cox_cases.R recorded. The whole path runs: formula parsing, the model frame, R's defaults
//! (the robust variance for non-integer weights), the fit and the JSON.

mod common;

use common::{fixture, root, sigsurv, stderr, stdout};
use serde_json::Value;

const TOL: f64 = 1e-6;

fn close(what: &str, got: &Value, want: &Value) {
    match (got.as_f64(), want.as_f64()) {
        (Some(g), Some(w)) => {
            let scale = w.abs().max(1e-12);
            assert!(
                (g - w).abs() <= TOL * scale || (g - w).abs() < 1e-12,
                "{what}: sigsurv {g} vs R {w}"
            );
        }
        (None, None) => {}
        _ => panic!("{what}: sigsurv {got} vs R {want}"),
    }
}

/// jsonlite writes a length-one vector as a scalar.
fn vector(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("fixtures/rsuite/cox_cases.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn run(case: &Value) -> Value {
    let file = fixture(case["file"].as_str().unwrap());
    let mut args = vec![
        "cox".to_string(),
        file,
        "--formula".into(),
        case["formula"].as_str().unwrap().into(),
        "--ties".into(),
        case["ties"].as_str().unwrap().into(),
        "--format".into(),
        "json".into(),
        "--quiet".into(),
    ];
    if let Some(w) = case["weights"].as_str() {
        args.extend(["--weights".into(), w.into()]);
    }
    if let Some(it) = case["iter_max"].as_u64() {
        args.extend(["--iter-max".into(), it.to_string()]);
    }
    if case["robust"] == Value::Bool(false) {
        args.push("--no-robust".into());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = sigsurv(&refs);
    assert!(o.status.success(), "{}: {}", case["name"], stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn every_case_agrees_with_coxph() {
    let cases = cases();
    assert!(cases.len() >= 22);
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let r = &case["r"];
        let got = run(case);
        assert_eq!(got["n"], r["n"], "{name}: n");
        // Every warning R gives, sigsurv gives too (sigsurv's wording may add the term's name).
        let ours: Vec<String> = vector(&got["warnings"])
            .iter()
            .filter_map(|w| w.as_str().map(str::to_string))
            .collect();
        for w in vector(&r["warnings"]) {
            let w = w.as_str().unwrap();
            let key: Vec<&str> = w.trim_end_matches('.').split_whitespace().collect();
            let key = key[key.len().saturating_sub(3)..].join(" ");
            assert!(
                ours.iter().any(|o| o.contains(&key)),
                "{name}: R warns {w:?}; sigsurv {ours:?}"
            );
        }
        assert_eq!(got["n_events"], r["nevent"], "{name}: events");
        if r["null_model"] == Value::Bool(true) {
            assert_eq!(got["terms"].as_array().unwrap().len(), 0, "{name}");
            close(&format!("{name} loglik"), &got["loglik"], &r["loglik"]);
            close(
                &format!("{name} loglik_null"),
                &got["loglik_null"],
                &r["loglik"],
            );
            assert_eq!(got["iterations"], 0, "{name}: iterations");
            continue;
        }
        assert_eq!(got["robust"], r["robust"], "{name}: robust");
        assert_eq!(got["iterations"], r["iter"], "{name}: iterations");
        let loglik = r["loglik"].as_array().unwrap();
        close(
            &format!("{name} loglik_null"),
            &got["loglik_null"],
            &loglik[0],
        );
        close(&format!("{name} loglik"), &got["loglik"], &loglik[1]);
        // Out of iterations on right-censored data, R's coxfit6 inverts the information matrix without factoring
        // it first, so its variance there is not a variance; sigsurv inverts the factored matrix at the same β
        // (docs/methods/cox.md). Coefficients, log-likelihoods and the score test are compared as usual.
        let iter_max = case["iter_max"].as_u64().unwrap_or(20);
        let exhausted = r["iter"].as_u64().unwrap() > iter_max;
        if !exhausted {
            close(
                &format!("{name} wald"),
                &got["wald"]["statistic"],
                &r["wald"],
            );
        }
        close(
            &format!("{name} score"),
            &got["score"]["statistic"],
            &r["score"],
        );
        if !r["rscore"].is_null() {
            close(
                &format!("{name} robust score"),
                &got["robust_score"]["statistic"],
                &r["rscore"],
            );
        }
        close(
            &format!("{name} concordance"),
            &got["concordance"]["c"],
            &r["concordance"],
        );
        let terms = got["terms"].as_array().unwrap();
        let coef = vector(&r["coef"]);
        let (se, robust_se, p) = (vector(&r["se"]), vector(&r["robust_se"]), vector(&r["p"]));
        assert_eq!(terms.len(), coef.len(), "{name}: terms");
        for (j, t) in terms.iter().enumerate() {
            let what = format!("{name} {}", t["term"]);
            close(&format!("{what} coef"), &t["coef"], &coef[j]);
            if exhausted {
                continue;
            }
            close(&format!("{what} se"), &t["se"], &se[j]);
            if r["robust"] == Value::Bool(true) {
                close(&format!("{what} robust se"), &t["robust_se"], &robust_se[j]);
            }
            close(&format!("{what} p"), &t["p_value"], &p[j]);
        }
    }
}

#[test]
fn non_integer_weights_say_why_the_variance_is_robust() {
    let o = sigsurv(&[
        "cox",
        &fixture("rsuite/lung_edges.csv"),
        "--formula",
        "Surv(time, status) ~ age + sex",
        "--weights",
        "fw",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("robust se"), "{}", stdout(&o));
    assert!(stderr(&o).contains("not whole numbers"), "{}", stderr(&o));
    let o = sigsurv(&[
        "cox",
        &fixture("rsuite/lung_edges.csv"),
        "--formula",
        "Surv(time, status) ~ age + sex",
        "--weights",
        "iw",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("robust se"), "{}", stdout(&o));
}

#[test]
fn null_model_prints_as_r() {
    let o = sigsurv(&[
        "cox",
        &fixture("rsuite/lung_edges.csv"),
        "--formula",
        "Surv(time, status) ~ 1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Null model"), "{out}");
    assert!(out.contains("log likelihood= -749.9098"), "{out}");
}

#[test]
fn one_row_strata_are_not_estimable_and_never_print_negative_zero() {
    // strata(id) with every id once: no event has anyone else at risk, so the partial likelihood is flat at 0.
    // R reports coef 0 with se 0 (after iter.max + 1 iterations); sigsurv reports NA and says why.
    let o = sigsurv(&[
        "cox",
        &fixture("rsuite/lung_edges.csv"),
        "--formula",
        "Surv(time, status) ~ age + strata(id)",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("-0"), "{out}");
    assert!(out.contains("not estimable"), "{out}");
    let o = sigsurv(&[
        "cox",
        &fixture("rsuite/lung_edges.csv"),
        "--formula",
        "Surv(time, status) ~ age + strata(id)",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["terms"][0]["coef"].is_null());
    assert_eq!(v["wald"]["statistic"].as_f64(), Some(0.0));
    assert!(!stdout(&o).contains("-0.0"));
}

#[test]
fn residuals_of_one_coefficient_are_keyed_by_its_name() {
    for kind in ["score", "dfbeta", "schoenfeld"] {
        let o = sigsurv(&[
            "cox",
            &fixture("rsuite/book1.csv"),
            "--formula",
            "Surv(time, status) ~ x",
            "--residuals",
            kind,
            "--format",
            "json",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(v["values"]["x"].is_array(), "{kind}: {v}");
    }
    let o = sigsurv(&[
        "cox",
        &fixture("rsuite/book1.csv"),
        "--formula",
        "Surv(time, status) ~ x",
        "--residuals",
        "martingale",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v["values"]["martingale"].is_array(), "{v}");
}

#[test]
fn more_coefficients_than_events_never_report_a_zero_standard_error() {
    // 10 covariates, 3 events: R reports huge standard errors and p near 1 (numbers that depend on rounding);
    // sigsurv the same kind of answer, the aliased term as NA, and warnings.
    let mut args = vec![
        "cox".to_string(),
        fixture("rsuite/wide.csv"),
        "--formula".into(),
        "Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10".into(),
        "--format".into(),
        "json".into(),
    ];
    let o = sigsurv(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    for t in v["terms"].as_array().unwrap() {
        if let Some(se) = t["se"].as_f64() {
            assert!(se > 1.0, "{t}");
            assert!(t["p_value"].as_f64().unwrap() > 0.5, "{t}");
        }
    }
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("only 3 events"), "{warnings}");
    args.truncate(4);
    let o = sigsurv(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(stdout(&o).contains("only 3 events"));
}

#[test]
fn a_single_cluster_is_flagged() {
    let o = sigsurv(&[
        "cox",
        &fixture("rsuite/lung_edges.csv"),
        "--formula",
        "Surv(time, status) ~ age + sex + cluster(one)",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(
        v["warnings"].to_string().contains("single cluster"),
        "{}",
        v["warnings"]
    );
}
