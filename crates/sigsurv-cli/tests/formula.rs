//! Model formulas with interactions through `sigsurv cox`, against R's coxph (fixtures/formula/make_reference.R):
//! coefficients, standard errors and log likelihoods in R's column order, and R's marginality rule.

mod common;
use common::*;

use serde_json::Value;

fn reference() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("fixtures/formula/reference.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn close(what: &str, a: f64, b: f64) {
    assert!(
        (a - b).abs() <= 1e-7 * b.abs().max(1e-8),
        "{what}: ours {a}, R {b}"
    );
}

#[test]
fn interactions_match_coxph() {
    for r in reference() {
        let name = r["name"].as_str().unwrap();
        let o = sigsurv(&[
            "cox",
            &fixture(r["file"].as_str().unwrap()),
            "--formula",
            r["formula"].as_str().unwrap(),
            "--format",
            "json",
            "-q",
        ]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        let terms = v["terms"].as_array().unwrap();
        let r_names = r["coef_names"].as_array().unwrap();
        assert_eq!(terms.len(), r_names.len(), "{name}: columns");
        assert_eq!(v["n"], r["n"], "{name}");
        for (i, t) in terms.iter().enumerate() {
            // R writes a level straight after the variable (horThyes); sigsurv puts "=" between them.
            let ours = t["term"].as_str().unwrap().replace('=', "");
            // (coxph keeps the "=" of a stratum's label: strata(sex)sex=1:ph.ecog.)
            let theirs = r_names[i]
                .as_str()
                .unwrap()
                .replace("factor(trt)", "trt")
                .replace('=', "");
            assert_eq!(ours, theirs, "{name}: column {i}");
            close(
                &format!("{name} coef {i}"),
                t["coef"].as_f64().unwrap(),
                r["coef"][i].as_f64().unwrap(),
            );
            // vcov() of a cluster() fit is the robust variance.
            let se = t
                .get("robust_se")
                .and_then(Value::as_f64)
                .or(t["se"].as_f64())
                .unwrap();
            close(&format!("{name} se {i}"), se, r["se"][i].as_f64().unwrap());
        }
        close(
            &format!("{name} loglik"),
            v["loglik"].as_f64().unwrap(),
            r["loglik"][1].as_f64().unwrap(),
        );
    }
}

#[test]
fn term_names_follow_the_naming_rule() {
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ horTh * tgrade - tgrade",
        "--format",
        "json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "horTh=yes",
            "horTh=no:tgrade=II",
            "horTh=yes:tgrade=II",
            "horTh=no:tgrade=III",
            "horTh=yes:tgrade=III"
        ]
    );
    // Removing an absent term is silent; a stratum cannot be in an interaction.
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ age - pnodes",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ age:cluster(horTh)",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cluster(horTh) cannot be part of an interaction"),
        "{}",
        stderr(&o)
    );
    let o = sigsurv(&[
        "aft",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ age:strata(horTh)",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("strata(a):x) is a Cox-model term"),
        "{}",
        stderr(&o)
    );
    let o = sigsurv(&[
        "cox",
        &fixture("GBSG2/GBSG2.csv"),
        "--formula",
        "Surv(time, cens) ~ (age + pnodes)^x",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("whole number"), "{}", stderr(&o));
}

#[test]
fn aft_interactions_match_survreg() {
    let text = std::fs::read_to_string(root().join("fixtures/formula/aft_reference.json")).unwrap();
    let r: Value = serde_json::from_str(&text).unwrap();
    let o = sigsurv(&[
        "aft",
        &fixture("lung/lung.csv"),
        "--formula",
        r["formula"].as_str().unwrap(),
        "--dist",
        "weibull",
        "--format",
        "json",
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let terms = v["terms"].as_array().unwrap();
    assert_eq!(terms.len(), r["coef"].as_array().unwrap().len());
    assert_eq!(terms[4]["term"], "age:ph.ecog=1");
    for (i, t) in terms.iter().enumerate() {
        close(
            &format!("coef {i}"),
            t["coef"].as_f64().unwrap(),
            r["coef"][i].as_f64().unwrap(),
        );
    }
    close(
        "loglik",
        v["loglik"].as_f64().unwrap(),
        r["loglik"][1].as_f64().unwrap(),
    );
    close(
        "scale",
        v["scale"].as_f64().unwrap(),
        r["scale"].as_f64().unwrap(),
    );
}

/// Runs `sigsurv anova` on lung with the formulas of the R reference `file` (and `extra` flags), checks every
/// model's log likelihood and df and every test against it, and returns the JSON.
fn anova_matches(file: &str, extra: &[&str]) -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/formula").join(file)).unwrap();
    let r: Value = serde_json::from_str(&text).unwrap();
    let lung = fixture("lung/lung.csv");
    let mut args = vec!["anova", lung.as_str()];
    for f in r["formulas"].as_array().unwrap() {
        args.extend_from_slice(&["--formula", f.as_str().unwrap()]);
    }
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--format", "json", "-q"]);
    let o = sigsurv(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["analysis"], "anova");
    assert_eq!(v["n"], r["n"]);
    assert_eq!(v["n_dropped"], 1);
    for (k, m) in v["models"].as_array().unwrap().iter().enumerate() {
        let loglik = m["loglik"].as_f64().unwrap();
        close("loglik", loglik, r["loglik"][k].as_f64().unwrap());
        assert_eq!(m["df"], r["df"][k]);
    }
    for (k, t) in v["tests"].as_array().unwrap().iter().enumerate() {
        close(
            "chisq",
            t["chisq"].as_f64().unwrap(),
            r["chisq"][k].as_f64().unwrap(),
        );
        assert_eq!(t["df"], r["test_df"][k]);
        close(
            "p",
            t["p_value"].as_f64().unwrap(),
            r["p_value"][k].as_f64().unwrap(),
        );
    }
    v
}

#[test]
fn anova_of_nested_aft_models_matches_survreg() {
    let v = anova_matches("anova_aft.json", &["--model", "aft", "--dist", "weibull"]);
    assert_eq!(v["model"], "aft");
}

#[test]
fn anova_of_nested_models_matches_r() {
    let v = anova_matches("anova.json", &[]);
    assert_eq!(v["model"], "cox");
    let o = sigsurv(&[
        "anova",
        &fixture("lung/lung.csv"),
        "-f",
        "Surv(time, status) ~ age",
        "-f",
        "Surv(time, status) ~ sex",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("are not nested"), "{}", stderr(&o));
}

#[test]
fn transforms_and_spline_bases_match_coxph() {
    let text = std::fs::read_to_string(root().join("fixtures/formula/transforms.json")).unwrap();
    let cases: Value = serde_json::from_str(&text).unwrap();
    for r in cases.as_array().unwrap() {
        let formula = r["formula"].as_str().unwrap();
        let o = sigsurv(&[
            "cox",
            &fixture(r["file"].as_str().unwrap()),
            "--formula",
            formula,
            "--format",
            "json",
            "-q",
        ]);
        assert!(o.status.success(), "{formula}: {}", stderr(&o));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["n"], r["n"], "{formula}");
        let terms = v["terms"].as_array().unwrap();
        assert_eq!(
            terms.len(),
            r["coef"].as_array().unwrap().len(),
            "{formula}"
        );
        for (i, t) in terms.iter().enumerate() {
            // R's names exactly, but for "=" between a factor and its level.
            let plain = |n: &str| {
                n.replace(" = ", " @ ")
                    .replace('=', "")
                    .replace(" @ ", " = ")
            };
            assert_eq!(
                plain(t["term"].as_str().unwrap()),
                r["coef_names"][i].as_str().unwrap(),
                "{formula}"
            );
            close(
                &format!("{formula} coef {i}"),
                t["coef"].as_f64().unwrap(),
                r["coef"][i].as_f64().unwrap(),
            );
            close(
                &format!("{formula} se {i}"),
                t["se"].as_f64().unwrap(),
                r["se"][i].as_f64().unwrap(),
            );
        }
        close(
            &format!("{formula} loglik"),
            v["loglik"].as_f64().unwrap(),
            r["loglik"][1].as_f64().unwrap(),
        );
    }
    // Functions that are not supported are named; a text column in an expression is an error.
    for (f, msg) in [
        (
            "Surv(time, cens) ~ pspline(age, df = 30, nterm = 10)",
            "nterm = 10 is too small",
        ),
        ("Surv(time, cens) ~ tt(age)", "unsupported function tt()"),
        (
            "Surv(time, cens) ~ ns(age, df = 0)",
            "df must be a whole number",
        ),
        ("Surv(time, cens) ~ I(horTh / 2)", "column horTh is text"),
    ] {
        let o = sigsurv(&["cox", &fixture("GBSG2/GBSG2.csv"), "--formula", f]);
        assert_eq!(o.status.code(), Some(2), "{f}");
        assert!(stderr(&o).contains(msg), "{f}: {}", stderr(&o));
    }
}
