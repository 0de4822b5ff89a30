//! Runs `sigsurv aft` for the intercept-only model (`~ 1`), strata (one scale per stratum) and a fit with a
//! step-halving, against R's survreg (fixtures/aft/make_strata.R → fixtures/aft/strata.json).

mod common;
use common::*;

use serde_json::Value;

fn ok_json(args: &[&str]) -> Value {
    let o = sigsurv(args);
    assert!(o.status.success(), "failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON on stdout")
}

fn fails_with(args: &[&str], needles: &[&str]) {
    let o = sigsurv(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "exit code; stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    assert!(o.stdout.is_empty(), "nothing on stdout when failing");
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().map(num).collect())
        .unwrap_or_else(|| vec![num(v)])
}

fn close(what: &str, ours: f64, r: f64) {
    assert!(
        ours == r || ((ours - r) / r).abs() < 1e-8,
        "{what}: ours {ours}, R {r}"
    );
}

/// The R case with this name and distribution (maxiter at its default).
fn reference(name: &str, dist: &str) -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/aft/strata.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    all["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name && c["dist"] == dist && c["maxiter"] == 30)
        .unwrap_or_else(|| panic!("no case {name} {dist}"))
        .clone()
}

/// Compares a JSON fit with R's: every summary-table row (coefficients, then the log scales), scales, both
/// log-likelihoods, the LR test and the iteration count.
fn matches_r(v: &Value, r: &Value) {
    let mut rows: Vec<&Value> = v["terms"].as_array().unwrap().iter().collect();
    if !v["log_scale"].is_null() {
        rows.push(&v["log_scale"]);
    }
    let strata = v["strata"].as_array().cloned().unwrap_or_default();
    rows.extend(strata.iter().map(|s| &s["log_scale"]));
    let (coef, se) = (nums(&r["coef"]), nums(&r["se"]));
    assert_eq!(rows.len(), coef.len(), "rows");
    for (i, row) in rows.iter().enumerate() {
        close(&format!("coef {i}"), num(&row["coef"]), coef[i]);
        close(&format!("se {i}"), num(&row["se"]), se[i]);
    }
    let scales = nums(&r["scale"]);
    if strata.is_empty() {
        close("scale", num(&v["scale"]), scales[0]);
    } else {
        assert!(v["scale"].is_null() && v["log_scale"].is_null());
        let names: Vec<&str> = r["scale_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        for (i, s) in strata.iter().enumerate() {
            assert_eq!(s["stratum"], names[i]);
            assert_eq!(s["log_scale"]["term"], names[i]);
            close("stratum scale", num(&s["scale"]), scales[i]);
        }
    }
    close("loglik", num(&v["loglik"]), num(&r["loglik"]));
    close(
        "loglik_null",
        num(&v["loglik_null"]),
        num(&r["loglik_null"]),
    );
    assert_eq!(num(&v["iterations"]), num(&r["iter"]), "iterations");
    if num(&r["df"]) == 0.0 {
        assert!(v["lrt"].is_null());
    } else {
        close("chisq", num(&v["lrt"]["statistic"]), num(&r["chisq"]));
        assert_eq!(num(&v["lrt"]["df"]), num(&r["df"]));
    }
}

fn run(data: &str, formula: &str, dist: &str, extra: &[&str]) -> Value {
    let mut args = vec![
        "aft", data, "-f", formula, "--dist", dist, "--format", "json", "-q",
    ];
    args.extend(extra);
    ok_json(&args)
}

#[test]
fn intercept_only_matches_survreg() {
    let lung = fixture("lung/lung.csv");
    for dist in ["weibull", "exponential", "lognormal", "loglogistic"] {
        let v = run(&lung, "Surv(time, status) ~ 1", dist, &[]);
        // R's script drops the rows with a missing ph.ecog; the intercept-only fit here uses all 228.
        assert_eq!(v["n"], 228);
        assert!(v["converged"].as_bool().unwrap());
        let r = reference("lung_null", dist);
        assert_eq!(nums(&r["n"])[0], 227.0);
        // On the same 227 rows the numbers are R's.
        let sub = run(
            &lung,
            "Surv(time, status) ~ 1",
            dist,
            &["--where", "ph.ecog >= 0"],
        );
        assert_eq!(sub["n"], 227);
        matches_r(&sub, &r);
    }
}

#[test]
fn strata_give_each_stratum_its_scale_as_survreg() {
    let lung = fixture("lung/lung.csv");
    for dist in ["weibull", "lognormal", "loglogistic"] {
        for (name, formula) in [
            (
                "lung_age_strata_sex",
                "Surv(time, status) ~ age + strata(sex)",
            ),
            ("lung_strata_sex", "Surv(time, status) ~ strata(sex)"),
        ] {
            let v = run(&lung, formula, dist, &["--where", "ph.ecog >= 0"]);
            assert!(v["weibull_ph"].is_null(), "no common hazard ratio");
            matches_r(&v, &reference(name, dist));
        }
        // Text strata are named by their levels alone, as R's strata() names a character column.
        let vet = fixture("veteran/veteran.csv");
        let v = run(
            &vet,
            "Surv(time, status) ~ trt + karno + strata(celltype)",
            dist,
            &[],
        );
        matches_r(&v, &reference("veteran_strata_celltype", dist));
    }
}

#[test]
fn weighted_strata_match_survreg() {
    // lung with a weight column: 0.5 + 0.25 (i mod 4) over the rows complete in the model's columns (i from 0),
    // as the R script assigns it; other rows get no weight (NA) and are dropped with their missing values.
    let lung = root().join("fixtures/lung/lung.csv");
    let text = std::fs::read_to_string(&lung).unwrap();
    let header = text.lines().next().unwrap();
    let cols: Vec<&str> = header.split(',').map(|c| c.trim_matches('"')).collect();
    let idx = |c: &str| cols.iter().position(|h| *h == c).unwrap();
    let used = ["time", "status", "age", "sex", "ph.ecog"].map(idx);
    let mut i = 0;
    let dir = tempfile::tempdir().unwrap();
    let path = csv_with_columns(&lung, dir.path(), "lung_w.csv", &["w"], |_, line| {
        let f: Vec<&str> = line.split(',').collect();
        Some(vec![if used.iter().all(|&j| f[j] != "NA") {
            i += 1;
            (0.5 + 0.25 * ((i - 1) % 4) as f64).to_string()
        } else {
            "NA".to_string()
        }])
    });
    for dist in ["weibull", "lognormal", "loglogistic"] {
        let v = run(
            &path,
            "Surv(time, status) ~ age + ph.ecog + strata(sex)",
            dist,
            &["--weights", "w"],
        );
        assert_eq!(v["n_dropped"], 1);
        matches_r(&v, &reference("lung_age_ecog_strata_sex_weighted", dist));
    }
}

#[test]
fn iterations_count_as_survreg_with_and_without_halving() {
    let imotor = fixture("imotor/imotor.csv");
    for dist in ["weibull", "exponential", "lognormal", "loglogistic"] {
        let v = run(&imotor, "Surv(time, status) ~ temp", dist, &[]);
        matches_r(&v, &reference("imotor_temp", dist));
    }
}

#[test]
fn strata_text_and_csv_output() {
    let lung = fixture("lung/lung.csv");
    let f = "Surv(time, status) ~ age + strata(sex)";
    let o = sigsurv(&["aft", &lung, "-f", f, "-q"]);
    let text = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    for needle in [
        "sex=1",
        "sex=2",
        "Scale",
        "Number of Newton-Raphson Iterations: 5",
    ] {
        assert!(text.contains(needle), "{needle}:\n{text}");
    }
    let o = sigsurv(&["aft", &lung, "-f", f, "--format", "csv", "-q"]);
    let csv = stdout(&o);
    let terms: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(terms, ["(Intercept)", "age", "sex=1", "sex=2"]);
}

#[test]
fn strata_errors_say_why() {
    let lung = fixture("lung/lung.csv");
    fails_with(
        &[
            "aft",
            &lung,
            "-f",
            "Surv(time, status) ~ age + strata(sex)",
            "--dist",
            "exponential",
        ],
        &["exponential", "fixes the scale"],
    );
    let dir = tempfile::tempdir().unwrap();
    let prof = dir.path().join("p.csv");
    std::fs::write(&prof, "age,sex\n70,1\n").unwrap();
    fails_with(
        &[
            "aft",
            &lung,
            "-f",
            "Surv(time, status) ~ age + strata(sex)",
            "--predict",
            &prof.display().to_string(),
        ],
        &["--predict", "strata()"],
    );
    fails_with(
        &[
            "aft",
            &lung,
            "-f",
            "Surv(time, status) ~ age + cluster(inst)",
        ],
        &["cluster() terms are not supported"],
    );
}
