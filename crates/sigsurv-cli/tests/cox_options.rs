//! `cox` through the binary: `--ties exact`, `--eps`, the joint Wald test of multi-column terms and the
//! dfbetas / scaledsch residuals, against the R references of fixtures/cox.

mod common;
use common::*;

use serde_json::Value;

fn ok_json(args: &[&str]) -> Value {
    let o = sigsurv(args);
    assert!(o.status.success(), "failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON on stdout")
}

fn close(what: &str, ours: f64, r: f64, rel: f64) {
    assert!(
        ours == r || ((ours - r) / r).abs() <= rel,
        "{what}: ours {ours}, R {r}"
    );
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

#[test]
fn exact_ties_match_r() {
    let r = &read_json(&root().join("fixtures/cox/cox_exact.json"))["cases"]["veteran"];
    let v = ok_json(&[
        "cox",
        &fixture("veteran/veteran.csv"),
        "--formula",
        "Surv(time, status) ~ trt + karno + age",
        "--ties",
        "exact",
        "--format",
        "json",
    ]);
    assert_eq!(v["ties"], "exact");
    assert_eq!(v["iterations"].as_f64(), r["iter"].as_f64());
    let coef: Vec<f64> = v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["coef"].as_f64().unwrap())
        .collect();
    for (i, (a, b)) in coef.iter().zip(nums(&r["coef"])).enumerate() {
        close(&format!("coef {i}"), *a, b, 1e-8);
    }
    close(
        "loglik",
        v["loglik"].as_f64().unwrap(),
        nums(&r["loglik"])[1],
        1e-12,
    );
    // R's refusals, as exit-2 errors.
    let o = sigsurv(&[
        "cox",
        &fixture("veteran/veteran.csv"),
        "--formula",
        "Surv(time, status) ~ trt",
        "--ties",
        "exact",
        "--residuals",
        "schoenfeld",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("schoenfeld residuals are not available for the exact method"));
}

#[test]
fn term_tests_match_r() {
    let r = &read_json(&root().join("fixtures/cox/cox_term_tests.json"))["cases"]["gbsg2"];
    let v = ok_json(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ horTh + age + factor(tgrade) + menostat",
        "--format",
        "json",
    ]);
    let t = v["term_tests"].as_array().unwrap();
    assert_eq!(t.len(), 1, "only factor(tgrade) has several columns");
    assert_eq!(t[0]["term"], "factor(tgrade)");
    assert_eq!(t[0]["df"], 2);
    let rt = &r["tests"][0]["r"];
    close(
        "chisq",
        t[0]["chisq"].as_f64().unwrap(),
        rt["chisq"].as_f64().unwrap(),
        1e-7,
    );
    close(
        "p",
        t[0]["p_value"].as_f64().unwrap(),
        rt["p"].as_f64().unwrap(),
        1e-6,
    );
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ horTh + age + factor(tgrade) + menostat",
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("Joint Wald test of each term with several columns:"),
        "{text}"
    );
    assert!(text.contains("factor(tgrade)  18.09   2"), "{text}");
    // No multi-column term: an empty list, no table.
    let v = ok_json(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ age",
        "--format",
        "json",
    ]);
    assert_eq!(v["term_tests"], serde_json::json!([]));
}

#[test]
fn dfbetas_and_scaled_schoenfeld_residuals_match_r() {
    let r = &read_json(&root().join("fixtures/cox/cox_residuals.json"))["cases"]["lung_efron"];
    for (kind, key) in [("dfbetas", "dfbetas"), ("scaledsch", "scaledsch")] {
        let v = ok_json(&[
            "cox",
            &fixture("lung/lung.csv"),
            "--formula",
            "Surv(time, status) ~ age + sex + ph.ecog",
            "--residuals",
            kind,
            "--format",
            "json",
        ]);
        assert_eq!(v["type"], kind);
        // R's matrix is column-major; ours one object per coefficient.
        let ours: Vec<f64> = ["age", "sex", "ph.ecog"]
            .iter()
            .flat_map(|c| nums(&v["values"][c]))
            .collect();
        let want = nums(&r[key]);
        assert_eq!(ours.len(), want.len(), "{kind}");
        for (i, (a, b)) in ours.iter().zip(&want).enumerate() {
            close(&format!("{kind}[{i}]"), *a, *b, 1e-7);
        }
        if kind == "scaledsch" {
            assert_eq!(
                v["time"].as_array().unwrap().len(),
                want.len() / 3,
                "one row per event"
            );
        }
    }
}

#[test]
fn eps_is_r_s_convergence_criterion() {
    let loose = ok_json(&[
        "cox",
        &fixture("lung/lung.csv"),
        "--formula",
        "Surv(time, status) ~ age + sex",
        "--eps",
        "1e-2",
        "--format",
        "json",
    ]);
    let tight = ok_json(&[
        "cox",
        &fixture("lung/lung.csv"),
        "--formula",
        "Surv(time, status) ~ age + sex",
        "--format",
        "json",
    ]);
    assert!(loose["iterations"].as_u64() < tight["iterations"].as_u64());
    let o = sigsurv(&[
        "cox",
        &fixture("lung/lung.csv"),
        "--formula",
        "Surv(time, status) ~ age",
        "--eps",
        "-1",
    ]);
    assert_eq!(o.status.code(), Some(2));
}
