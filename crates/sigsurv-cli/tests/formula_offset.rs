//! `offset()` terms through `sigsurv cox` and `sigsurv aft`, against R's coxph and survreg
//! (fixtures/formula/make_offset.R): every likelihood path (Efron, Breslow, exact ties, strata, (start, stop]
//! rows, a cluster's robust variance), several offsets adding up, the null model with an offset only, the
//! concordance of the linear predictor with its offset, and martingale residuals.

mod common;
use common::*;

use serde_json::Value;

fn reference() -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/formula/offset.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn close(what: &str, a: f64, b: f64) {
    assert!(
        (a - b).abs() <= 1e-7 * b.abs().max(1e-6),
        "{what}: ours {a}, R {b}"
    );
}

fn json(args: &[&str]) -> Value {
    let o = sigsurv(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn numbers(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap()).collect(),
        x => vec![x.as_f64().unwrap()],
    }
}

#[test]
fn cox_offsets_match_coxph_on_every_path() {
    for r in reference()["cox"].as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        let file = fixture(r["file"].as_str().unwrap());
        let formula = r["formula"].as_str().unwrap();
        let ties = r["ties"].as_str().unwrap();
        let base = [
            "cox",
            &file,
            "--formula",
            formula,
            "--ties",
            ties,
            "--format",
            "json",
            "-q",
        ];
        let v = json(&base);
        assert_eq!(v["n"], r["n"], "{name}");
        assert_eq!(v["n_events"], r["n_events"], "{name}");
        let ll = numbers(&r["loglik"]);
        close(
            &format!("{name} loglik_null"),
            v["loglik_null"].as_f64().unwrap(),
            ll[0],
        );
        close(
            &format!("{name} loglik"),
            v["loglik"].as_f64().unwrap(),
            *ll.last().unwrap(),
        );
        if let Some(coef) = r.get("coef") {
            let terms = v["terms"].as_array().unwrap();
            let (coef, se, var_se) = (numbers(coef), numbers(&r["se"]), numbers(&r["var_se"]));
            assert_eq!(terms.len(), coef.len(), "{name}");
            for (i, t) in terms.iter().enumerate() {
                close(
                    &format!("{name} coef {i}"),
                    t["coef"].as_f64().unwrap(),
                    coef[i],
                );
                close(&format!("{name} se {i}"), t["se"].as_f64().unwrap(), se[i]);
                let robust = t["robust_se"].as_f64().unwrap_or(t["se"].as_f64().unwrap());
                close(&format!("{name} vcov se {i}"), robust, var_se[i]);
            }
            close(
                &format!("{name} score"),
                v["score"]["statistic"].as_f64().unwrap(),
                r["score"].as_f64().unwrap(),
            );
            close(
                &format!("{name} wald"),
                v["wald"]["statistic"].as_f64().unwrap(),
                r["wald"].as_f64().unwrap(),
            );
            let c = numbers(&r["concordance"]);
            close(
                &format!("{name} C"),
                v["concordance"]["c"].as_f64().unwrap(),
                c[0],
            );
            close(
                &format!("{name} C se"),
                v["concordance"]["se"].as_f64().unwrap(),
                c[1],
            );
        }
        let mut args = base.to_vec();
        args.extend(["--residuals", "martingale"]);
        let res = json(&args);
        let ours = numbers(&res["values"]["martingale"]);
        for (i, m) in numbers(&r["martingale_head"]).iter().enumerate() {
            close(&format!("{name} martingale {i}"), ours[i], *m);
        }
    }
}

#[test]
fn aft_offsets_match_survreg() {
    for r in reference()["aft"].as_array().unwrap() {
        let dist = r["dist"].as_str().unwrap();
        let v = json(&[
            "aft",
            &fixture("lung/lung.csv"),
            "--formula",
            r["formula"].as_str().unwrap(),
            "--dist",
            dist,
            "--format",
            "json",
            "-q",
        ]);
        let (coef, se, ll) = (
            numbers(&r["coef"]),
            numbers(&r["se"]),
            numbers(&r["loglik"]),
        );
        for (i, t) in v["terms"].as_array().unwrap().iter().enumerate() {
            close(
                &format!("{dist} coef {i}"),
                t["coef"].as_f64().unwrap(),
                coef[i],
            );
            close(&format!("{dist} se {i}"), t["se"].as_f64().unwrap(), se[i]);
        }
        close(
            &format!("{dist} scale"),
            v["scale"].as_f64().unwrap(),
            r["scale"].as_f64().unwrap(),
        );
        close(
            &format!("{dist} loglik"),
            v["loglik"].as_f64().unwrap(),
            ll[1],
        );
        close(
            &format!("{dist} loglik_null"),
            v["loglik_null"].as_f64().unwrap(),
            ll[0],
        );
    }
}

#[test]
fn an_offset_inside_an_interaction_is_refused_with_the_fix() {
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ horTh * offset(age)",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("write the product inside offset()"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn saving_a_model_with_an_offset_is_refused_not_silently_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.json");
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ horTh + offset(0.01 * age)",
        "--save-model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("offset()"), "{}", stderr(&o));
    assert!(!model.exists());
}
