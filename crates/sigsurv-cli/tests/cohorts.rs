//! `sigsurv analyze` on cBioPortal studies and several cohorts, end to end, against R
//! (fixtures/cbioportal_study/make_cohorts_reference.R) and the study's known truth (truth.json).

mod common;
use common::*;

use serde_json::Value;
use std::path::Path;

fn study(rel: &str) -> String {
    root()
        .join("fixtures/cbioportal_study")
        .join(rel)
        .display()
        .to_string()
}

fn reference() -> Value {
    read_json(&root().join("fixtures/cbioportal_study/cohorts_reference.json"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn close(what: &str, ours: &Value, r: &Value, tol: f64) {
    let (a, b) = (f(ours), f(r));
    assert!(
        a == b || ((a - b) / b).abs() < tol,
        "{what}: ours {a}, R {b} (relative difference {:e})",
        ((a - b) / b).abs()
    );
}

/// Runs `sigsurv analyze` with `args` writing to `dir`; returns summary.json and the standard output.
fn analyze(dir: &Path, args: &[&str]) -> (Value, String) {
    let out = dir.display().to_string();
    let mut all = vec!["analyze", "--out", &out, "-q"];
    all.extend_from_slice(args);
    let o = sigsurv(&all);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        read_json(&dir.join("summary.json")),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

/// A term of a cox JSON by name.
fn term<'a>(cox: &'a Value, name: &str) -> &'a Value {
    cox["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == name)
        .unwrap_or_else(|| panic!("no term {name} in {cox}"))
}

/// R's term names (score_sd, grouphigh) as sigsurv's (score, group=high).
fn our_term(r: &str) -> String {
    match r {
        "score_sd" => "score".into(),
        g if g.starts_with("group") => g.replacen("group", "group=", 1),
        other => other.into(),
    }
}

/// Both Cox models of a summary (a cohort's or the pooled one) against R's coefficients and standard errors.
fn cox_models_match(what: &str, s: &Value, r: &Value, tol: f64) {
    for (model, key) in [("cox_score", "score"), ("cox_groups", "groups")] {
        let names: Vec<Value> = match &r[format!("{key}_terms")] {
            Value::Array(a) => a.clone(),
            one => vec![one.clone()],
        };
        let pick = |k: &str, i: usize| match &r[format!("{key}_{k}")] {
            Value::Array(a) => a[i].clone(),
            one => one.clone(),
        };
        for (i, name) in names.iter().enumerate() {
            let t = term(&s[model], &our_term(name.as_str().unwrap()));
            close(
                &format!("{what} {model} {name} coef"),
                &t["coef"],
                &pick("coef", i),
                tol,
            );
            close(
                &format!("{what} {model} {name} se"),
                &t["se"],
                &pick("se", i),
                tol,
            );
        }
    }
}

/// One cohort's summary (or a single analysis) against R.
fn cohort_matches(what: &str, s: &Value, r: &Value) {
    assert_eq!(s["n"], r["n"], "{what} n");
    assert_eq!(s["n_events"], r["n_events"], "{what} events");
    assert_eq!(s["genes_used"].as_array().unwrap().len(), 27, "{what}");
    close(
        &format!("{what} score sd"),
        &s["score_sd"],
        &r["score_sd"],
        1e-9,
    );
    close(
        &format!("{what} cut"),
        &s["cutpoints"][0],
        &r["cutpoint"],
        1e-9,
    );
    for g in 0..2 {
        assert_eq!(s["groups"][g]["n"], r["counts"][g], "{what} group sizes");
    }
    close(
        &format!("{what} log-rank"),
        &s["logrank"]["chisq"],
        &r["logrank_chisq"],
        1e-9,
    );
    close(
        &format!("{what} log-rank p"),
        &s["logrank"]["p_value"],
        &r["logrank_p"],
        1e-9,
    );
    cox_models_match(what, s, r, 1e-9);
}

#[test]
fn study_recovers_the_known_il1_effect() {
    let dir = tempfile::tempdir().unwrap();
    let (s, text) = analyze(
        dir.path(),
        &[
            "--study",
            &study(""),
            "--log2",
            "--set",
            "IL1",
            "--method",
            "mean-z",
        ],
    );
    let r = reference();
    // The endpoint defaults to OS; SYN-017 (OS not available) is dropped; CXCL8 is matched under its old symbol IL8.
    assert!(
        s.get("cohorts").is_none(),
        "one cohort keeps the single-analysis keys"
    );
    assert_eq!(s["n_dropped"], 1);
    assert!(s["genes_missing"].as_array().unwrap().is_empty());
    cohort_matches("study", &s, &r["single"]);
    assert!(text.contains("log-rank: chisq"), "{text}");

    // The study's truth: R's fit of truth.json uses log2(RSEM) without the + 1 and z-scores over all 200 samples
    // (sigsurv: log2(RSEM + 1), z over the 199 analysed patients), so the per-unit coefficients agree to 0.2%, not
    // 1e-6; cohorts_reference.json recomputes truth.json's number from the files to show they are read alike.
    let truth = read_json(&root().join("fixtures/cbioportal_study/truth.json"));
    close(
        "truth.json's fit, recomputed by make_cohorts_reference.R",
        &r["truth_definition"]["coef"],
        &truth["cox_os_meanz_log2"]["coef"],
        1e-12,
    );
    let score = term(&s["cox_score"], "score");
    let per_unit = f(&score["coef"]) / f(&s["score_sd"]);
    let truth_coef = f(&truth["cox_os_meanz_log2"]["coef"]);
    assert!(
        ((per_unit - truth_coef) / truth_coef).abs() < 2e-3,
        "per unit of score: ours {per_unit}, truth.json {truth_coef}"
    );
    // The true effect, 0.7 per SD of the latent IL-1 activity (the score per SD is that activity plus a little
    // noise), lies in the 95% interval of the hazard ratio per SD of the score.
    let beta = f(&truth["beta_os"]);
    let (lo, hi) = (f(&score["lower"]).ln(), f(&score["upper"]).ln());
    assert!(lo < beta && beta < hi, "true {beta} outside ({lo}, {hi})");
}

#[test]
fn two_studies_are_analysed_side_by_side_and_pooled_as_r_does() {
    let dir = tempfile::tempdir().unwrap();
    let (s, text) = analyze(
        dir.path(),
        &[
            "--study",
            &study("halves/syn_a"),
            "--study",
            &study("halves/syn_b"),
            "--log2",
            "--covariates",
            "AGE",
        ],
    );
    let r = &reference()["halves_age"];
    assert_eq!(s["n_cohorts"], 2);
    assert_eq!(s["cohort_column"], Value::Null);
    for (i, name) in ["syn_a", "syn_b"].into_iter().enumerate() {
        let c = &s["cohorts"][i];
        assert_eq!(c["cohort"], name);
        assert!(c["study"].as_str().unwrap().ends_with(name));
        cohort_matches(name, c, &r["cohorts"][i]);
    }
    let p = &s["pooled"];
    assert_eq!(p["strata"], serde_json::json!(["cohort"]));
    assert_eq!(p["n"], r["pooled"]["n"]);
    assert_eq!(s["n"], r["pooled"]["n"]);
    assert_eq!(p["n_events"], r["pooled"]["n_events"]);
    cox_models_match("pooled", p, &r["pooled"], 1e-9);
    close(
        "pooled log-rank",
        &p["logrank"]["chisq"],
        &r["pooled"]["logrank_chisq"],
        1e-9,
    );
    // Heterogeneity of the per-cohort score HRs, as metafor's rma(method = "DL").
    let (h, rh) = (&p["heterogeneity"], &r["pooled"]["heterogeneity"]);
    assert_eq!(h["term"], "score");
    assert_eq!(h["q_df"], 1);
    close("Q", &h["q"], &rh["q"], 1e-9);
    close("Q p", &h["q_p_value"], &rh["q_p"], 1e-9);
    close("I2", &h["i2"], &rh["i2"], 1e-9);
    close("tau2", &h["tau2"], &rh["tau2"], 1e-9);
    close(
        "random HR",
        &h["random_effects"]["hr"],
        &rh["random_hr"],
        1e-9,
    );
    close(
        "random lower",
        &h["random_effects"]["lower"],
        &rh["random_lower"],
        1e-9,
    );
    close(
        "random upper",
        &h["random_effects"]["upper"],
        &rh["random_upper"],
        1e-9,
    );
    assert!(
        text.contains("heterogeneity of the score HR: Q = "),
        "{text}"
    );
    let formula = p["cox_score"]["formula"].as_str().unwrap();
    assert!(
        formula.ends_with("~ score + AGE + strata(cohort)"),
        "{formula}"
    );
    assert!(
        text.contains("== cohort syn_b ==") && text.contains("== pooled"),
        "{text}"
    );
    let scores = std::fs::read_to_string(dir.path().join("scores.csv")).unwrap();
    assert!(scores.starts_with("cohort,sample,score,score_per_sd,group\n"));
    assert_eq!(scores.lines().count(), 1 + 199);
    assert!(scores
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("syn_a,SYN-001-01,"));
}

#[test]
fn a_cohort_column_splits_one_study() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = analyze(
        dir.path(),
        &["--study", &study(""), "--log2", "--cohort", "ER_STATUS"],
    );
    let r = &reference()["er"];
    assert_eq!(s["cohort_column"], "ER_STATUS");
    assert_eq!(
        s["n_dropped"], 1,
        "the shared clinical table's counts are at the top"
    );
    for (i, name) in ["Negative", "Positive"].into_iter().enumerate() {
        let c = &s["cohorts"][i];
        assert_eq!(c["cohort"], name);
        assert_eq!(c["n_clinical_read"], Value::Null);
        cohort_matches(name, c, &r["cohorts"][i]);
    }
    let p = &s["pooled"];
    assert_eq!(p["strata"], serde_json::json!(["ER_STATUS"]));
    cox_models_match("pooled", p, &r["pooled"], 1e-9);
    close(
        "pooled log-rank",
        &p["logrank"]["chisq"],
        &r["pooled"]["logrank_chisq"],
        1e-9,
    );
}

#[test]
fn analysis_files_take_a_study_or_a_list_of_studies() {
    let dir = tempfile::tempdir().unwrap();
    let base = study("");
    let file = |name: &str, studies: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "version = 1\n[data]\nstudy = {studies}\nlog2 = true\n\n[survival]\ntime = \"OS_MONTHS\"\nevent = \"OS_STATUS\"\n\n[output]\ndir = \"out_{name}\"\n"
            ),
        )
        .unwrap();
        path
    };
    // The original form: one folder as a string.
    let one = file("one.toml", &format!("\"{base}\""));
    let o = sigsurv(&["run", one.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = read_json(&dir.path().join("out_one.toml/summary.json"));
    close(
        "score coef",
        &term(&s["cox_score"], "score")["coef"],
        &reference()["single"]["score_coef"],
        1e-9,
    );
    // A list: one cohort per study; the resolved file reruns to the same numbers.
    let two = file(
        "two.toml",
        &format!(
            "[\"{}\", \"{}\"]",
            study("halves/syn_a"),
            study("halves/syn_b")
        ),
    );
    let o = sigsurv(&["run", two.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = dir.path().join("out_two.toml");
    let first = read_json(&out.join("summary.json"));
    assert_eq!(first["n_cohorts"], 2);
    let resolved = std::fs::read_to_string(out.join("analysis.toml")).unwrap();
    assert!(resolved.contains("study = ["), "{resolved}");
    let o = sigsurv(&["run", out.join("analysis.toml").to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read_json(&out.join("summary.json")), first);
    // A check path into a cohort.
    let expected = dir.path().join("expected.toml");
    std::fs::write(
        &expected,
        "[[expect]]\npath = \"cohorts[cohort=syn_b].cox_score.terms[term=score].exp_coef\"\nmin = 1.5\n\n\
         [[expect]]\npath = \"pooled.cox_groups.terms[term=group=high].exp_coef\"\nmin = 2\n\n\
         [[curve]]\ncohort = \"syn_a\"\ngroup = \"low\"\ntime = 0\nsurv = 1\n",
    )
    .unwrap();
    let o = sigsurv(&[
        "check",
        two.to_str().unwrap(),
        "--expected",
        expected.to_str().unwrap(),
        "-q",
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("3 of 3 checks agree"), "{text}");
}

fn fails(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display().to_string();
    let mut all = vec!["analyze", "--out", &out];
    all.extend_from_slice(args);
    let o = sigsurv(&all);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    err
}

#[test]
fn bad_cohort_inputs_say_what_is_wrong() {
    let base = study("");
    // A misspelt cohort column.
    let err = fails(&["--study", &base, "--log2", "--cohort", "ER_STATU"]);
    assert!(
        err.contains("ER_STATU") && err.contains("did you mean \"ER_STATUS\""),
        "{err}"
    );
    // A cohort with one patient: it cannot be scored or split on its own.
    let dir = tempfile::tempdir().unwrap();
    let clinical = dir.path().join("clinical.csv");
    let text = std::fs::read_to_string(root().join("fixtures/gse1992/clinical.csv")).unwrap();
    let mut lines = text.lines();
    let mut csv = format!("{},site\n", lines.next().unwrap());
    let rows: Vec<&str> = lines.collect();
    for (i, l) in rows.iter().enumerate() {
        let site = if i + 1 == rows.len() { "tiny" } else { "main" };
        csv.push_str(&format!("{l},{site}\n"));
    }
    std::fs::write(&clinical, csv).unwrap();
    let err = fails(&[
        "--clinical",
        clinical.to_str().unwrap(),
        "--expression",
        &root()
            .join("fixtures/gse1992/expression.csv")
            .display()
            .to_string(),
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--cohort",
        "site",
    ]);
    assert!(err.contains("cohort \"tiny\" (1 patient)"), "{err}");
    assert!(err.contains("--where"), "{err}");
    // The cohort column used as a covariate too.
    let err = fails(&[
        "--study",
        &base,
        "--log2",
        "--cohort",
        "ER_STATUS",
        "--covariates",
        "AGE + ER_STATUS",
    ]);
    assert!(err.contains("also a covariate"), "{err}");
    // Two studies of the same name, and --cohort with several studies.
    let err = fails(&["--study", &base, "--study", &format!("{base}/")]);
    assert!(err.contains("two studies are named"), "{err}");
    let err = fails(&[
        "--study",
        &study("halves/syn_a"),
        "--study",
        &study("halves/syn_b"),
        "--cohort",
        "ER_STATUS",
    ]);
    assert!(err.contains("not both"), "{err}");
}

/// GSE1992's clinical table with a cohort column (alternate rows A and B) and, in cohort B, no age at all.
fn clinical_without_age_in_b(dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(fixture("gse1992/clinical.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let age = header.iter().position(|c| *c == "age").unwrap();
    let mut out = format!("{},cohort\n", header.join(","));
    for (i, line) in lines.enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        let cohort = if i % 2 == 0 { "A" } else { "B" };
        if cohort == "B" {
            cells[age] = "NA".into();
        }
        out.push_str(&format!("{},{cohort}\n", cells.join(",")));
    }
    let p = dir.join("clinical.csv");
    std::fs::write(&p, out).unwrap();
    p.display().to_string()
}

#[test]
fn a_cohort_without_complete_rows_is_an_error_or_a_loud_warning() {
    let dir = tempfile::tempdir().unwrap();
    let clinical = clinical_without_age_in_b(dir.path());
    let out = dir.path().join("out");
    let expression = fixture("gse1992/expression.csv");
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "analyze",
            "--clinical",
            &clinical,
            "--expression",
            &expression,
            "--samples-in-rows",
            "--set",
            "IL1",
            "--time",
            "rfs_months",
            "--event",
            "rfs_event",
            "--cohort",
            "cohort",
            "--covariates",
            "age + factor(grade)",
            "--out",
            out.to_str().unwrap(),
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<String>>();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let run = |a: Vec<String>| sigsurv(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let o = run(args(&[]));
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "cohort \"B\" of column \"cohort\" has no row with every column the models use"
        ),
        "{err}"
    );
    assert!(
        err.contains("62 row(s) read, 0 complete (missing per column: age: 62"),
        "{err}"
    );
    assert!(!out.join("summary.json").exists());

    let o = run(args(&["--allow-missing-cohorts"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("WARNING: cohort(s) B left out"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("warning: cohort \"B\" of column \"cohort\" is left out"));
    let s = read_json(&out.join("summary.json"));
    assert_eq!(s["cohorts_left_out"], serde_json::json!(["B"]));
    let rows = s["rows_by_cohort"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["cohort"], "B");
    assert_eq!(rows[1]["n_read"], 62);
    assert_eq!(rows[1]["n_complete"], 0);
    assert_eq!(rows[1]["missing_by_column"]["age"], 62);
    assert_eq!(rows[0]["n_dropped"], rows[0]["missing_by_column"]["grade"]);
    assert_eq!(s["n_cohorts"], 1);
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Warning: cohort(s) B left out of this analysis"));
}
