//! A disease-specific `sigsurv analyze` (`--cause`): cumulative incidence, Gray's test, cause-specific Cox and
//! Fine-Gray of the IL1 score on GSE1992's relapse endpoint split into its causes, against R
//! (fixtures/gse1992/make_competing.R); the cohorts pooled with Gray's test stratified by cohort; `check` pinning
//! a point of a cumulative incidence curve.

mod common;
use common::*;

use serde_json::Value;
use std::path::Path;

const TOL: f64 = 1e-6;

fn reference() -> Value {
    read_json(&root().join("fixtures/gse1992/competing.json"))
}

fn analyze(dir: &Path, extra: &[&str]) -> std::process::Output {
    let out = dir.display().to_string();
    let mut args = vec![
        "analyze",
        "--clinical",
        &fixture("gse1992/clinical_competing.csv") as &str,
        "--expression",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--set",
        "IL1",
        "--time",
        "rfs_months",
        "--event",
        "rfs_cause",
        "--cause",
        "Relapse",
        "--out",
        &out,
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    sigsurv(&refs)
}

/// The terms of a model JSON against R's names (R's `grouphigh` is sigsurv's `group=high`).
fn terms_match(what: &str, model: &Value, r: &Value, se_key: &str) {
    let terms = model["terms"].as_array().unwrap();
    let names = r["terms"].as_array().unwrap();
    assert_eq!(terms.len(), names.len(), "{what}: {model}");
    for (k, name) in names.iter().enumerate() {
        let name = name.as_str().unwrap().replace("grouphigh", "group=high");
        let t = terms.iter().find(|t| t["term"] == name.as_str()).unwrap();
        close_json(
            &format!("{what} {name} coef"),
            &t["coef"],
            &r["coef"][k],
            TOL,
        );
        close_json(&format!("{what} {name} se"), &t[se_key], &r["se"][k], TOL);
    }
}

#[test]
fn a_disease_specific_endpoint_matches_r() {
    let dir = tempfile::tempdir().unwrap();
    let o = analyze(
        dir.path(),
        &["--covariates", "age + grade", "--time-points", "12,60,120"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("endpoint: Relapse (34 events; competing: Death without relapse, 3 events; censored: Censored)")
            && text.contains("Gray's test (Relapse): chisq = 0.5984 on 1 df, p = 0.439")
            && text.contains("Cause-specific Cox (adjusted for age + grade)")
            && text.contains("Fine-Gray (adjusted for age + grade)"),
        "{text}"
    );
    let s = read_json(&dir.path().join("summary.json"));
    let r = reference();
    assert_eq!(s["n"], r["n"]);
    assert_eq!(s["n_events"], r["n_relapse"]);
    close_json("cut-point", &s["cutpoints"][0], &r["cutpoints"], TOL);
    assert!(s.get("km").is_none() && s.get("logrank").is_none(), "{s}");
    assert_eq!(s["endpoint"]["cause"], "Relapse");
    assert_eq!(s["endpoint"]["n_competing"], r["n_death"]);
    assert_eq!(s["endpoint"]["censor_value"], "Censored");

    // The cumulative incidence at 12 and 60 months (120 is past both groups' follow-up, as in R).
    let at = s["cif"]["at"].as_array().unwrap();
    let ra = &r["cif_at"];
    for (i, group) in ra["group"].as_array().unwrap().iter().enumerate() {
        let row = |cause: &str| {
            at.iter()
                .find(|x| {
                    x["group"] == *group
                        && x["cause"] == cause
                        && x["time"].as_f64() == ra["time"][i].as_f64()
                })
                .unwrap_or_else(|| panic!("{group} at {} {cause}", ra["time"][i]))
        };
        let rel = row("Relapse");
        assert_eq!(rel["n_risk"], ra["n_risk"][i]);
        for (ours, theirs) in [
            ("estimate", "relapse"),
            ("std_err", "relapse_se"),
            ("lower", "relapse_lower"),
            ("upper", "relapse_upper"),
        ] {
            close_json(&format!("{group} {ours}"), &rel[ours], &ra[theirs][i], TOL);
        }
        let death = row("Death without relapse");
        close_json("death", &death["estimate"], &ra["death"][i], TOL);
        close_json("death se", &death["std_err"], &ra["death_se"][i], TOL);
    }
    assert_eq!(at.len(), 8, "two causes x two groups x two times: {at:?}");

    // Gray's test of both causes, and the one of the analysed cause.
    let gray = s["cif"]["gray"].as_array().unwrap();
    for (k, cause) in r["gray"]["cause"].as_array().unwrap().iter().enumerate() {
        let t = gray.iter().find(|t| t["cause"] == *cause).unwrap();
        close_json("gray", &t["statistic"], &r["gray"]["statistic"][k], TOL);
        close_json("gray p", &t["p_value"], &r["gray"]["p"][k], TOL);
    }
    close_json(
        "gray of the cause",
        &s["gray"]["statistic"],
        &r["gray"]["statistic"][1],
        TOL,
    );

    terms_match(
        "cause-specific score",
        &s["cox_score"],
        &r["cox_score"],
        "se",
    );
    terms_match(
        "cause-specific groups",
        &s["cox_groups"],
        &r["cox_groups"],
        "se",
    );
    terms_match(
        "Fine-Gray score",
        &s["finegray_score"],
        &r["finegray_score"],
        "se",
    );
    terms_match(
        "Fine-Gray groups",
        &s["finegray_groups"],
        &r["finegray_groups"],
        "se",
    );
    close_json(
        "Fine-Gray loglik",
        &s["finegray_score"]["loglik"],
        &r["finegray_score"]["loglik"],
        TOL,
    );

    // The figure is the cumulative incidence, and the report says which tests and models.
    assert!(dir.path().join("cif.svg").exists() && !dir.path().join("km.svg").exists());
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for want in [
        "Cumulative incidence",
        "id=\"gray\"",
        "Cause-specific Cox models",
        "Fine-Gray models",
        "Cumulative incidence of Relapse at fixed times",
    ] {
        assert!(html.contains(want), "report without {want}");
    }
    assert!(!html.contains("Log-rank test"));
}

#[test]
fn cohorts_are_pooled_with_grays_test_stratified_by_cohort() {
    let dir = tempfile::tempdir().unwrap();
    let o = analyze(dir.path(), &["--cohort", "er"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = read_json(&dir.path().join("summary.json"));
    let r = &reference()["by_er"];
    let p = &s["pooled"];
    assert_eq!(p["n"], r["n"]);
    assert!(p.get("logrank").is_none());
    close_json(
        "pooled gray",
        &p["gray"]["statistic"],
        &r["gray_relapse"],
        TOL,
    );
    close_json(
        "pooled gray p",
        &p["gray"]["p_value"],
        &r["gray_relapse_p"],
        TOL,
    );
    let score = &p["cox_score"]["terms"][0];
    close_json("pooled cox", &score["coef"], &r["cox_score_coef"], TOL);
    close_json("pooled cox se", &score["se"], &r["cox_score_se"], TOL);
    for c in s["cohorts"].as_array().unwrap() {
        assert!(c.get("cif").is_some() && c.get("finegray_score").is_some());
    }
    assert!(dir.path().join("cif_0.svg").exists());
}

#[test]
fn check_pins_a_point_of_a_cumulative_incidence_curve() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = analyze(&out, &["--covariates", "age + grade", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The analysis as run, with a cause: check reruns it.
    let spec = out.join("analysis.toml");
    assert!(std::fs::read_to_string(&spec)
        .unwrap()
        .contains("cause = \"Relapse\""));
    let r = reference();
    // F(60) of relapse in the high group, from R; and one that is off.
    let expected = format!(
        "[[curve]]\ngroup = \"high\"\ncause = \"Relapse\"\ntime = 60\nincidence = {}\nrel_tol = 1e-9\n\n\
         [[curve]]\nname = \"off\"\ngroup = \"low\"\ncause = \"Relapse\"\ntime = 12\nincidence = 0.5\nabs_tol = 0.01\n",
        r["cif_at"]["relapse"][3]
    );
    let file = dir.path().join("expected.toml");
    std::fs::write(&file, expected).unwrap();
    let check = |file: &Path| {
        sigsurv(&[
            "check",
            spec.to_str().unwrap(),
            "--expected",
            file.to_str().unwrap(),
            "-q",
        ])
    };
    let o = check(&file);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(3), "{text}{}", stderr(&o));
    let ok_line = text
        .lines()
        .find(|l| l.contains("F[Relapse](60) in high"))
        .unwrap_or_else(|| panic!("{text}"));
    let off_line = text.lines().find(|l| l.contains("off")).unwrap();
    assert!(
        !ok_line.contains("FAIL") && off_line.contains("FAIL"),
        "{text}"
    );

    // incidence without a cause is a problem of the file.
    std::fs::write(&file, "[[curve]]\ntime = 60\nincidence = 0.2\n").unwrap();
    let o = check(&file);
    assert!(
        stderr(&o).contains("give surv = S(t) (a Kaplan-Meier curve), or cause and incidence"),
        "{}",
        stderr(&o)
    );
}
