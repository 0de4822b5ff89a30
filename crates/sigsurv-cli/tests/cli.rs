//! Runs the `sigsurv` binary: every output format, numbers against R on the quick-start data, and every
//! bad-input error with its message and exit code.

mod common;
use common::*;

use serde_json::Value;
use std::path::Path;

fn gbsg2() -> String {
    root()
        .join("fixtures/GBSG2/GBSG2.csv")
        .display()
        .to_string()
}

fn ok_json(args: &[&str]) -> Value {
    let o = sigsurv(args);
    assert!(o.status.success(), "failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON on stdout")
}

fn reference() -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/GBSG2/cli_reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn assert_rel(what: &str, ours: f64, r: f64) {
    if r.is_nan() {
        assert!(ours.is_nan(), "{what}: ours {ours}, R NA");
        return;
    }
    assert!(
        ((ours - r) / r).abs() < 1e-9 || ours == r,
        "{what}: ours {ours}, R {r}"
    );
}

/// Writes a small CSV into a temporary directory and returns its path.
fn temp_csv(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn fails_with(args: &[&str], code: i32, needles: &[&str]) -> String {
    let o = sigsurv(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(code), "exit code; stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    assert!(o.stdout.is_empty(), "nothing on stdout when failing");
    err
}

#[test]
fn km_json_matches_r_on_gbsg2() {
    let g = gbsg2();
    let v = ok_json(&[
        "km", &g, "--time", "time", "--event", "cens", "--by", "horTh", "--rmst", "2000",
        "--format", "json",
    ]);
    let r = reference();
    assert_eq!(v["analysis"], "km");
    assert_eq!(v["conf_type"], "log");
    assert_eq!(v["n_dropped"], 0);
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let mut times = Vec::new();
    let mut surv = Vec::new();
    let mut lower = Vec::new();
    for (i, g) in groups.iter().enumerate() {
        assert_eq!(g["group"], r["km"]["groups"][i]);
        assert_eq!(g["n"], r["km"]["n"][i]);
        assert_eq!(g["n_events"], r["km"]["n_events"][i]);
        for key in ["median", "median_lower", "median_upper"] {
            assert_rel(key, num(&g[key]), num(&r["km"][key][i]));
        }
        assert_rel("rmst", num(&g["rmst"]), num(&r["km"]["rmst_2000"][i]));
        assert_rel(
            "rmst_se",
            num(&g["rmst_se"]),
            num(&r["km"]["rmst_2000_se"][i]),
        );
        times.extend(g["table"]["time"].as_array().unwrap().iter().map(num));
        surv.extend(g["table"]["surv"].as_array().unwrap().iter().map(num));
        lower.extend(g["table"]["lower"].as_array().unwrap().iter().map(num));
    }
    let rt: Vec<f64> = r["km"]["time"]
        .as_array()
        .unwrap()
        .iter()
        .map(num)
        .collect();
    assert_eq!(
        times, rt,
        "one row per distinct event or censoring time, as summary(fit, censored = TRUE)"
    );
    for (i, (a, b)) in surv
        .iter()
        .zip(r["km"]["surv"].as_array().unwrap())
        .enumerate()
    {
        assert_rel(&format!("surv[{i}]"), *a, num(b));
    }
    for (i, (a, b)) in lower
        .iter()
        .zip(r["km"]["lower"].as_array().unwrap())
        .enumerate()
    {
        assert_rel(&format!("lower[{i}]"), *a, num(b));
    }
}

#[test]
fn logrank_json_matches_r_on_gbsg2() {
    let g = gbsg2();
    let v = ok_json(&[
        "logrank", &g, "--time", "time", "--event", "cens", "--by", "horTh", "--format", "json",
    ]);
    let r = reference();
    assert_eq!(v["analysis"], "logrank");
    assert_rel("chisq", num(&v["chisq"]), num(&r["logrank"]["chisq"]));
    assert_rel("p_value", num(&v["p_value"]), num(&r["logrank"]["p_value"]));
    assert_eq!(v["df"], 1);
    assert_eq!(v["rho"], 0.0);
    for i in 0..2 {
        assert_rel(
            "observed",
            num(&v["groups"][i]["observed"]),
            num(&r["logrank"]["observed"][i]),
        );
        assert_rel(
            "expected",
            num(&v["groups"][i]["expected"]),
            num(&r["logrank"]["expected"][i]),
        );
        assert_eq!(v["groups"][i]["n"], r["logrank"]["n"][i]);
    }
}

#[test]
fn table_and_csv_formats() {
    let g = gbsg2();
    let o = sigsurv(&[
        "km", &g, "--time", "time", "--event", "cens", "--by", "horTh",
    ]);
    assert!(o.status.success());
    let t = stdout(&o);
    assert!(
        t.contains("horTh=no") && t.contains("0.95LCL") && t.contains("n.risk"),
        "{t}"
    );
    let o = sigsurv(&[
        "km", &g, "--time", "time", "--event", "cens", "--format", "csv",
    ]);
    let c = stdout(&o);
    assert!(
        c.starts_with("group,time,n_risk,n_event,n_censor,surv,std_err,lower,upper,cumhaz\n"),
        "{c}"
    );
    assert!(c.lines().nth(1).unwrap().starts_with("all,"));
    let o = sigsurv(&[
        "logrank",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "tgrade",
        "--pairwise",
    ]);
    let t = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        t.contains("Chisq=") && t.contains("Pairwise comparisons") && t.contains("I vs II"),
        "{t}"
    );
    let o = sigsurv(&[
        "logrank", &g, "--time", "time", "--event", "cens", "--by", "horTh", "--format", "csv",
    ]);
    assert!(stdout(&o).starts_with("group,n,observed,expected,chisq,df,p_value,rho\n"));
}

#[test]
fn output_file_is_written_and_format_follows_extension() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("km.json");
    let o = sigsurv(&[
        "km",
        &gbsg2(),
        "--time",
        "time",
        "--event",
        "cens",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["groups"][0]["group"], "all");
}

#[test]
fn where_filters_rows() {
    let v = ok_json(&[
        "km",
        &gbsg2(),
        "--time",
        "time",
        "--event",
        "cens",
        "--where",
        "age >= 50 AND horTh = 'yes'",
        "--format",
        "json",
    ]);
    let n = v["groups"][0]["n"].as_u64().unwrap();
    assert!(n > 100 && n < 246, "{n}");
}

#[test]
fn where_grammar_matches_r_subset_count() {
    // Every form of the grammar at once: BETWEEN, IN, quoting, NOT, <>, mixed-case keywords, parentheses.
    // R 4.2.2 on the same CSV:
    //   d <- read.csv("fixtures/GBSG2/GBSG2.csv")
    //   s <- subset(d, ((age >= 40 & age <= 60) | tgrade %in% c("III")) & horTh == "no" &
    //                  !(pnodes > 10) & menostat != "Pre")
    //   nrow(s)    # 120
    //   sum(s$cens) # 58
    let v = ok_json(&[
        "km",
        &gbsg2(),
        "--time",
        "time",
        "--event",
        "cens",
        "--where",
        "(age between 40 AND 60 Or \"tgrade\" IN ('III')) AND `horTh` == 'no' AND NOT pnodes > 10 AND menostat <> 'Pre'",
        "--format",
        "json",
    ]);
    assert_eq!(v["groups"][0]["n"], 120);
    assert_eq!(v["groups"][0]["n_events"], 58);
}

#[test]
fn where_errors_point_at_the_problem() {
    let err = fails_with(
        &[
            "km",
            &gbsg2(),
            "--time",
            "time",
            "--event",
            "cens",
            "--where",
            "agee >= 50",
        ],
        2,
        &[
            "invalid --where expression \"agee >= 50\": column \"agee\" not found",
            "did you mean \"age\"?",
            "available columns: horTh, age, menostat",
        ],
    );
    assert!(err.contains("\n  agee >= 50\n  ^^^^\n"), "{err}");
    let err = fails_with(
        &[
            "km",
            &gbsg2(),
            "--time",
            "time",
            "--event",
            "cens",
            "--where",
            "age >= AND horTh = 'no'",
        ],
        2,
        &["expected a column or a value, found AND"],
    );
    assert!(
        err.contains("\n  age >= AND horTh = 'no'\n         ^^^\n"),
        "{err}"
    );
    fails_with(
        &[
            "km",
            &gbsg2(),
            "--time",
            "time",
            "--event",
            "cens",
            "--where",
            "horTh = 1",
        ],
        2,
        &[
            "column \"horTh\" is text (str), but 1 is a number",
            "text values go in single quotes: horTh = '1'",
        ],
    );
}

#[test]
fn missing_file() {
    fails_with(
        &["km", "no/such.csv", "--time", "t", "--event", "e"],
        2,
        &["cannot read no/such.csv", "no such file"],
    );
}

#[test]
fn unknown_column_suggests_close_names() {
    fails_with(
        &["km", &gbsg2(), "--time", "tiem", "--event", "cens"],
        2,
        &[
            "column \"tiem\" not found",
            "available columns: horTh, age",
            "did you mean \"time\"?",
        ],
    );
}

/// polars panics on a float16 or union column even when it is not read: an input error, not a crash.
#[test]
fn unreadable_column_types_are_input_errors() {
    for (file, kind) in [("float16.parquet", "Float16"), ("union.arrow", "Union")] {
        let path = fixture(&format!("unreadable/{file}"));
        let err = fails_with(
            &[
                "km", &path, "--time", "time", "--event", "event", "--by", "group",
            ],
            2,
            &[
                file,
                "the reader failed",
                kind,
                "polars cannot hold",
                "convert it",
            ],
        );
        assert!(
            !err.contains("panicked") && !err.contains("internal failure"),
            "{err}"
        );
    }
}

#[test]
fn non_numeric_time() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_csv(dir.path(), "d.csv", "time,status\n1,1\n2,0\nabc,1\n");
    fails_with(
        &["km", &p, "--time", "time", "--event", "status"],
        2,
        &["non-numeric value \"abc\"", "line 4"],
    );
}

#[test]
fn negative_time() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_csv(dir.path(), "d.csv", "time,status\n1,1\n-3.5,0\n4,1\n");
    fails_with(
        &["km", &p, "--time", "time", "--event", "status"],
        2,
        &["negative time -3.5", "line 3"],
    );
}

#[test]
fn event_with_three_values() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_csv(dir.path(), "d.csv", "time,status\n1,0\n2,1\n3,2\n");
    fails_with(
        &["km", &p, "--time", "time", "--event", "status"],
        2,
        &["has 3 distinct values: 0, 1, 2", "--event-value"],
    );
}

#[test]
fn empty_after_where() {
    fails_with(
        &[
            "km",
            &gbsg2(),
            "--time",
            "time",
            "--event",
            "cens",
            "--where",
            "age > 200",
        ],
        2,
        &["no rows left", "after --where \"age > 200\""],
    );
}

#[test]
fn group_with_one_row_warns_and_still_runs() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_csv(
        dir.path(),
        "d.csv",
        "time,status,g\n1,1,a\n2,0,a\n3,1,a\n4,1,b\n",
    );
    let o = sigsurv(&["km", &p, "--time", "time", "--event", "status", "--by", "g"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("group g=b has only one row"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn malformed_csv_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_csv(dir.path(), "d.csv", "time,status\n1,1\n2,0,7,8\n3,1\n");
    fails_with(
        &["km", &p, "--time", "time", "--event", "status"],
        2,
        &["line 3"],
    );
}

#[test]
fn unwritable_output_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("missing-dir").join("out.json");
    fails_with(
        &[
            "km",
            &gbsg2(),
            "--time",
            "time",
            "--event",
            "cens",
            "-o",
            target.to_str().unwrap(),
        ],
        2,
        &["cannot write"],
    );
    assert!(!target.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing half-written"
    );
}

#[test]
fn dropped_rows_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = temp_csv(dir.path(), "d.csv", "time,status\n1,1\nNA,0\n3,\n4,1\n");
    let o = sigsurv(&[
        "km", &p, "--time", "time", "--event", "status", "--format", "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("dropped 2 of 4 rows"), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["n_dropped"], 2);
}

#[test]
fn help_version_and_completions() {
    let o = sigsurv(&["--help"]);
    assert!(stdout(&o).contains("Example:"));
    for sub in ["km", "logrank"] {
        let o = sigsurv(&[sub, "--help"]);
        assert!(
            stdout(&o).contains("Example:"),
            "{sub} --help has an example"
        );
    }
    let o = sigsurv(&["--version"]);
    assert!(stdout(&o).starts_with("sigsurv "));
    let o = sigsurv(&["completions", "bash"]);
    assert!(o.status.success() && stdout(&o).contains("sigsurv"));
}

#[test]
fn usage_error_exits_2() {
    let o = sigsurv(&["km"]);
    assert_eq!(o.status.code(), Some(2));
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().map(num).collect())
        .unwrap_or_else(|| vec![num(v)])
}

#[test]
fn cox_json_matches_r_on_gbsg2() {
    let v = ok_json(&[
        "cox",
        &gbsg2(),
        "--formula",
        "Surv(time, cens) ~ horTh + age + menostat + tsize + factor(tgrade) + pnodes + progrec + estrec",
        "--zph",
        "--format",
        "json",
    ]);
    let r = &reference()["cox"];
    assert_eq!(v["analysis"], "cox");
    assert_eq!(v["n"], 686);
    assert_eq!(v["n_events"], 299);
    assert_eq!(v["ties"], "efron");
    assert_eq!(v["converged"], true);
    let terms = v["terms"].as_array().unwrap();
    let names: Vec<&str> = terms.iter().map(|t| t["term"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "horTh=yes",
            "age",
            "menostat=Pre",
            "tsize",
            "tgrade=II",
            "tgrade=III",
            "pnodes",
            "progrec",
            "estrec"
        ]
    );
    for (key, rkey) in [
        ("coef", "coef"),
        ("se", "se"),
        ("p_value", "p"),
        ("lower", "lower"),
        ("upper", "upper"),
    ] {
        for (i, t) in terms.iter().enumerate() {
            assert_rel_tol(
                &format!("{key}[{i}]"),
                num(&t[key]),
                nums(&r[rkey])[i],
                1e-6,
            );
        }
    }
    assert!(terms.iter().all(|t| t["robust_se"].is_null()));
    assert_rel_tol(
        "loglik_null",
        num(&v["loglik_null"]),
        nums(&r["loglik"])[0],
        1e-9,
    );
    assert_rel_tol("loglik", num(&v["loglik"]), nums(&r["loglik"])[1], 1e-9);
    for (key, rkey) in [("lrt", "lrt"), ("wald", "wald"), ("score", "score")] {
        assert_rel_tol(key, num(&v[key]["statistic"]), nums(&r[rkey])[0], 1e-6);
        assert_eq!(v[key]["df"].as_f64().unwrap(), nums(&r[rkey])[1]);
        assert_rel_tol(key, num(&v[key]["p_value"]), nums(&r[rkey])[2], 1e-6);
    }
    assert_rel_tol(
        "c",
        num(&v["concordance"]["c"]),
        nums(&r["concordance"])[0],
        1e-9,
    );
    assert_rel_tol(
        "c se",
        num(&v["concordance"]["se"]),
        nums(&r["concordance"])[1],
        1e-6,
    );
    let zph = v["zph"].as_array().unwrap();
    assert_eq!(zph.len(), 9, "8 terms (tgrade is one) + GLOBAL");
    assert_eq!(zph[4]["term"], "factor(tgrade)", "R's row name");
    assert_eq!(zph[4]["df"], 2);
    assert_eq!(zph[8]["term"], "GLOBAL");
    for (i, z) in zph.iter().enumerate() {
        assert_rel_tol(
            "zph chisq",
            num(&z["chisq"]),
            nums(&r["zph_chisq"])[i],
            1e-6,
        );
        assert_rel_tol("zph p", num(&z["p_value"]), nums(&r["zph_p"])[i], 1e-6);
    }
}

#[test]
fn cox_breslow_reference_level_and_robust() {
    let v = ok_json(&[
        "cox",
        &gbsg2(),
        "-f",
        "Surv(time, cens) ~ horTh + factor(tgrade, ref = \"II\") + pnodes",
        "--ties",
        "breslow",
        "--robust",
        "--format",
        "json",
    ]);
    let r = &reference()["cox_breslow_robust"];
    let terms = v["terms"].as_array().unwrap();
    assert_eq!(terms[1]["term"], "tgrade=I");
    assert_eq!(terms[2]["term"], "tgrade=III");
    for (i, t) in terms.iter().enumerate() {
        assert_rel_tol("coef", num(&t["coef"]), nums(&r["coef"])[i], 1e-6);
        assert_rel_tol(
            "robust_se",
            num(&t["robust_se"]),
            nums(&r["robust_se"])[i],
            1e-6,
        );
        assert_rel_tol(
            "lower (from the robust se)",
            num(&t["lower"]),
            nums(&r["lower"])[i],
            1e-6,
        );
        assert_rel_tol("upper", num(&t["upper"]), nums(&r["upper"])[i], 1e-6);
    }
    assert_rel_tol(
        "robust wald",
        num(&v["wald"]["statistic"]),
        nums(&r["wald"])[0],
        1e-6,
    );
    assert_rel_tol(
        "robust score",
        num(&v["robust_score"]["statistic"]),
        nums(&r["robust_score"])[0],
        1e-6,
    );
}

#[test]
fn cox_table_csv_and_residuals() {
    let g = gbsg2();
    let o = sigsurv(&["cox", &g, "-f", "Surv(time, cens) ~ horTh + pnodes"]);
    let t = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        t.contains("exp(coef)")
            && t.contains("Concordance=")
            && t.contains("Likelihood ratio test"),
        "{t}"
    );
    let o = sigsurv(&[
        "cox",
        &g,
        "-f",
        "Surv(time, cens) ~ horTh + pnodes",
        "--format",
        "csv",
    ]);
    assert!(
        stdout(&o).starts_with("term,coef,exp_coef,se,robust_se,z,p_value,lower,upper\nhorTh=yes,")
    );
    let o = sigsurv(&[
        "cox",
        &g,
        "-f",
        "Surv(time, cens) ~ horTh + pnodes",
        "--residuals",
        "martingale",
    ]);
    let csv = stdout(&o);
    assert!(csv.starts_with("row,martingale\n1,"), "{csv}");
    assert_eq!(csv.lines().count(), 687);
    let o = sigsurv(&[
        "cox",
        &g,
        "-f",
        "Surv(time, cens) ~ horTh + pnodes",
        "--residuals",
        "schoenfeld",
    ]);
    let csv = stdout(&o);
    assert!(csv.starts_with("row,time,horTh=yes,pnodes\n"), "{csv}");
    assert_eq!(csv.lines().count(), 300, "one row per event");
}

#[test]
fn cox_bad_formula_and_column() {
    fails_with(
        &["cox", &gbsg2(), "-f", "time ~ age"],
        2,
        &["invalid --formula"],
    );
    fails_with(
        &["cox", &gbsg2(), "-f", "Surv(time, cens) ~ agee"],
        2,
        &["column \"agee\" not found", "did you mean \"age\"?"],
    );
}

#[test]
fn cutpoint_matches_maxstat() {
    let v = ok_json(&[
        "cutpoint",
        &gbsg2(),
        "--time",
        "time",
        "--event",
        "cens",
        "--score",
        "pnodes",
        "--permutations",
        "100",
        "--seed",
        "3",
        "--format",
        "json",
    ]);
    let r = &reference()["cutpoint"];
    assert_eq!(v["analysis"], "cutpoint");
    assert_eq!(num(&v["cutpoint"]), num(&r["cutpoint"]));
    assert_rel_tol(
        "statistic",
        num(&v["statistic"]),
        num(&r["statistic"]),
        1e-9,
    );
    // maxstat's own Lau94 arithmetic loses ~0.3% at this M; ours evaluates the normal tail directly.
    assert_rel_tol("p_value", num(&v["p_value"]), num(&r["p_value"]), 1e-2);
    assert_eq!(
        v["n_low"].as_u64().unwrap() + v["n_high"].as_u64().unwrap(),
        686
    );
    let p1 = num(&v["p_value_permutation"]);
    assert!(p1 > 0.0 && p1 <= 1.0);
    let again = ok_json(&[
        "cutpoint",
        &gbsg2(),
        "--time",
        "time",
        "--event",
        "cens",
        "--score",
        "pnodes",
        "--permutations",
        "100",
        "--seed",
        "3",
        "--format",
        "json",
    ]);
    assert_eq!(
        again["p_value_permutation"], v["p_value_permutation"],
        "seeded: reproducible"
    );
}

fn assert_rel_tol(what: &str, ours: f64, r: f64, tol: f64) {
    assert!(
        ours == r || ((ours - r) / r).abs() < tol,
        "{what}: ours {ours}, R {r}"
    );
}

#[test]
fn cox_predict_matches_survfit_coxph() {
    let dir = tempfile::tempdir().unwrap();
    let prof = temp_csv(
        dir.path(),
        "p.csv",
        "id,age,sex,ph.ecog\nold,70,1,2\nyoung,50,2,0\n",
    );
    let lung = root().join("fixtures/lung/lung.csv").display().to_string();
    let f = "Surv(time, status) ~ age + sex + ph.ecog";
    let v = ok_json(&[
        "cox",
        &lung,
        "-f",
        f,
        "--predict",
        &prof,
        "--format",
        "json",
        "-q",
    ]);
    let r = &reference()["cox_predict"];
    let curves = v["curves"].as_array().unwrap();
    assert_eq!(curves.len(), 2);
    assert_eq!(curves[0]["profile"], "old");
    let t = &curves[0]["table"];
    assert_eq!(nums(&t["time"]), nums(&r["time"]));
    for (key, rkey) in [("surv", "surv_old"), ("lower", "lower_old")] {
        for (i, (a, b)) in nums(&t[key]).iter().zip(nums(&r[rkey])).enumerate() {
            assert_rel_tol(&format!("{key}[{i}]"), *a, b, 1e-8);
        }
    }
    for (i, (a, b)) in nums(&curves[1]["table"]["std_err"])
        .iter()
        .zip(nums(&r["std_err_young"]))
        .enumerate()
    {
        assert_rel_tol(&format!("std_err[{i}]"), *a, b, 1e-8);
    }
    let m = ok_json(&[
        "cox",
        &lung,
        "-f",
        f,
        "--predict",
        "mean",
        "--format",
        "json",
        "-q",
    ]);
    for (i, (a, b)) in nums(&m["curves"][0]["table"]["surv"])
        .iter()
        .zip(nums(&r["surv_mean"]))
        .enumerate()
    {
        assert_rel_tol(&format!("mean surv[{i}]"), *a, b, 1e-8);
    }
    let bad = temp_csv(dir.path(), "b.csv", "age,sex\n70,1\n");
    fails_with(
        &["cox", &lung, "-f", f, "--predict", &bad],
        2,
        &["column \"ph.ecog\" not found"],
    );
}

#[test]
fn aft_matches_survreg() {
    let lung = root().join("fixtures/lung/lung.csv").display().to_string();
    let f = "Surv(time, status) ~ age + sex + factor(ph.ecog)";
    let v = ok_json(&[
        "aft",
        &lung,
        "-f",
        f,
        "--dist",
        "loglogistic",
        "--format",
        "json",
        "-q",
    ]);
    let r = &reference()["aft"];
    assert_eq!(v["analysis"], "aft");
    assert_eq!(v["dist"], "loglogistic");
    let terms = v["terms"].as_array().unwrap();
    assert_eq!(terms[0]["term"], "(Intercept)");
    assert_eq!(terms[3]["term"], "ph.ecog=1");
    let rse = nums(&r["se"]);
    for (i, t) in terms.iter().enumerate() {
        assert_rel_tol("coef", num(&t["coef"]), nums(&r["coef"])[i], 1e-6);
        assert_rel_tol("se", num(&t["se"]), rse[i], 1e-6);
    }
    assert_rel_tol(
        "log-scale se",
        num(&v["log_scale"]["se"]),
        rse[terms.len()],
        1e-6,
    );
    assert_rel_tol("scale", num(&v["scale"]), num(&r["scale"]), 1e-6);
    assert_rel_tol("loglik", num(&v["loglik"]), nums(&r["loglik"])[1], 1e-9);
    assert_rel_tol(
        "loglik_null",
        num(&v["loglik_null"]),
        nums(&r["loglik"])[0],
        1e-9,
    );
    assert_rel_tol("lrt", num(&v["lrt"]["statistic"]), num(&r["chisq"]), 1e-6);
    assert!(
        v["weibull_ph"].is_null(),
        "PH coefficients only for Weibull/exponential"
    );
    let dir = tempfile::tempdir().unwrap();
    let prof = temp_csv(dir.path(), "p.csv", "age,sex,ph.ecog\n70,1,2\n");
    let o = sigsurv(&[
        "aft",
        &lung,
        "-f",
        f,
        "--dist",
        "loglogistic",
        "--predict",
        &prof,
        "-q",
    ]);
    let csv = stdout(&o);
    assert!(csv.starts_with("profile,p,time\n1,0.1,"), "{csv}");
    let q: Vec<f64> = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    for (a, b) in q.iter().zip(nums(&r["q"])) {
        assert_rel_tol("quantile", *a, b, 1e-6);
    }
    fails_with(
        &[
            "aft",
            &lung,
            "-f",
            "Surv(time, status) ~ age + cluster(inst)",
        ],
        2,
        &["not supported"],
    );
}

#[test]
fn km_times_matches_r_summary_at_times() {
    let r = &reference()["km_at"];
    let g = gbsg2();
    let v = ok_json(&[
        "km",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "horTh",
        "--times",
        "3000,0,365,1825,2500",
        "--format",
        "json",
    ]);
    assert_eq!(v["times"].as_array().unwrap().len(), 5);
    let at = v["at"].as_array().unwrap();
    let strata: Vec<&str> = r["strata"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(
        at.len(),
        strata.len(),
        "3000 is after both groups' last times"
    );
    for (i, row) in at.iter().enumerate() {
        assert_eq!(row["group"], strata[i]);
        assert_eq!(row["time"].as_f64(), r["time"][i].as_f64());
        for (key, rkey) in [
            ("n_risk", "n_risk"),
            ("n_event", "n_event"),
            ("n_censor", "n_censor"),
        ] {
            assert_eq!(
                row[key].as_u64(),
                r[rkey][i].as_u64(),
                "{key}[{i}] is an integer count"
            );
        }
        for (key, rkey) in [
            ("survival", "surv"),
            ("std_err", "std_err"),
            ("lower", "lower"),
            ("upper", "upper"),
        ] {
            assert_rel(&format!("{key}[{i}]"), num(&row[key]), num(&r[rkey][i]));
        }
    }
    let omitted = v["at_omitted"].as_array().unwrap();
    assert_eq!(omitted.len(), 2);
    assert!(omitted.iter().all(|o| o["time"] == 3000.0));

    // The text table says what was left out; CSV has the same rows.
    let o = sigsurv(&[
        "km", &g, "--time", "time", "--event", "cens", "--by", "horTh", "--times", "365,3000",
    ]);
    assert!(o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("--times 3000 after the last time of horTh=no (2563): left out"),
        "{err}"
    );
    assert!(
        stdout(&o).contains("horTh=yes\ntime  n.risk"),
        "{}",
        stdout(&o)
    );
    let o = sigsurv(&[
        "km", &g, "--time", "time", "--event", "cens", "--times", "365", "--format", "csv", "-q",
    ]);
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        "group,time,n_risk,n_event,n_censor,survival,std_err,lower,upper"
    );
    assert!(stderr(&o).is_empty());
    fails_with(
        &[
            "km", &g, "--time", "time", "--event", "cens", "--times", "1,inf",
        ],
        2,
        &["--times inf"],
    );
}

#[test]
fn time_scale_converts_times_on_reading() {
    let g = gbsg2();
    let years = ok_json(&[
        "km",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "horTh",
        "--time-scale",
        "days:years",
        "--times",
        "1,5",
        "--format",
        "json",
        "-q",
    ]);
    let days = ok_json(&[
        "km",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "horTh",
        "--times",
        "365.25,1826.25",
        "--format",
        "json",
        "-q",
    ]);
    let (a, b) = (
        years["at"].as_array().unwrap(),
        days["at"].as_array().unwrap(),
    );
    assert_eq!(a.len(), 4);
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x["survival"], y["survival"]);
        assert_eq!(x["n_risk"], y["n_risk"]);
        assert_rel("time", num(&x["time"]) * 365.25, num(&y["time"]));
    }
    // Cox coefficients do not depend on the time unit; the median does, by the factor.
    let cox = |extra: &[&str]| {
        let mut args = vec![
            "cox",
            g.as_str(),
            "--formula",
            "Surv(time, cens) ~ horTh + age",
            "--format",
            "json",
            "-q",
        ];
        args.extend_from_slice(extra);
        ok_json(&args)
    };
    assert_eq!(
        cox(&["--time-scale", "days:months"])["terms"],
        cox(&[])["terms"]
    );
    let m = |v: &Value| num(&v["groups"][0]["median"]);
    assert_rel("median", m(&years) * 365.25, m(&days));
    fails_with(
        &[
            "km",
            &g,
            "--time",
            "time",
            "--event",
            "cens",
            "--time-scale",
            "days:fortnights",
        ],
        2,
        &["fortnights"],
    );
}

#[test]
fn every_json_document_starts_with_its_schema_version() {
    let g = gbsg2();
    let runs: [&[&str]; 3] = [
        &[
            "km", &g, "--time", "time", "--event", "cens", "--format", "json",
        ],
        &[
            "logrank", &g, "--time", "time", "--event", "cens", "--by", "horTh", "--format", "json",
        ],
        &[
            "cox",
            &g,
            "--formula",
            "Surv(time, cens) ~ age + horTh",
            "--format",
            "json",
        ],
    ];
    for args in runs {
        let o = sigsurv(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(
            stdout(&o).starts_with("{\n  \"schema_version\": 1,\n"),
            "{args:?}: {}",
            &stdout(&o)[..60]
        );
    }
}

#[test]
fn km_times_by_group_gives_the_difference_in_survival_as_r() {
    let g = gbsg2();
    let v = ok_json(&[
        "km",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "horTh",
        "--times",
        "365,730,1825",
        "--format",
        "json",
    ]);
    let text = std::fs::read_to_string(root().join("fixtures/km/km_difference.json")).unwrap();
    let refs: Value = serde_json::from_str(&text).unwrap();
    let r = &refs[0]["rows"][0];
    let d = v["differences"].as_array().unwrap();
    assert_eq!(d.len(), 3);
    for (i, row) in d.iter().enumerate() {
        assert_eq!(row["group"], "yes");
        assert_eq!(row["reference"], "no");
        for key in [
            "difference",
            "std_err",
            "lower",
            "upper",
            "p_value",
            "chisq_cloglog",
            "p_value_cloglog",
        ] {
            assert_rel(key, num(&row[key]), num(&r[key][i]));
        }
        assert_rel("survival", num(&row["survival"]), num(&r["surv"][i]));
    }
    // Without --by there is nothing to compare.
    let v = ok_json(&[
        "km", &g, "--time", "time", "--event", "cens", "--times", "365", "--format", "json",
    ]);
    assert!(v.get("differences").is_none());
}

#[test]
fn levels_put_the_groups_in_the_users_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.csv");
    std::fs::write(
        &path,
        "time,status,group\n1,1,low\n2,1,mid\n3,0,high\n4,1,low\n5,1,mid\n6,1,high\n7,0,low\n8,1,high\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let v = ok_json(&[
        "km", p, "--time", "time", "--event", "status", "--by", "group", "--format", "json",
    ]);
    let names = |v: &Value| -> Vec<String> {
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["group"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&v), ["high", "low", "mid"], "R's default: sorted");
    let v = ok_json(&[
        "km",
        p,
        "--time",
        "time",
        "--event",
        "status",
        "--by",
        "group",
        "--levels",
        "low,mid,high",
        "--format",
        "json",
    ]);
    assert_eq!(names(&v), ["low", "mid", "high"]);
    let v = ok_json(&[
        "logrank",
        p,
        "--time",
        "time",
        "--event",
        "status",
        "--by",
        "group",
        "--levels",
        "low,mid,high",
        "--format",
        "json",
    ]);
    let lr: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(lr, ["low", "mid", "high"]);
    let o = sigsurv(&[
        "km", p, "--time", "time", "--event", "status", "--by", "group", "--levels", "low,high",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("its values: high, low, mid"),
        "{}",
        stderr(&o)
    );
}
