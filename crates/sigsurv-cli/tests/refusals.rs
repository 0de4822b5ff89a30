//! Inputs that used to give a silently wrong answer with exit 0: each is now either read as R reads it (numbers
//! checked against fixtures/refusals/refusals.json, made by make_reference.R there) or refused with exit 2 and a
//! message that names the problem, with nothing on standard output.

mod common;
use common::*;

use serde_json::Value;
use std::path::Path;

fn reference() -> Value {
    read_json(&root().join("fixtures/refusals/refusals.json"))
}

fn ok_json(args: &[&str]) -> (Value, String) {
    let o = sigsurv(args);
    assert!(o.status.success(), "failed: {}", stderr(&o));
    let v = serde_json::from_slice(&o.stdout).expect("valid JSON on stdout");
    (v, stderr(&o))
}

/// Runs a command that must fail with `code`, checks that standard error names every needle and that nothing
/// was written to standard output; returns standard error.
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

fn temp_file(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn assert_close(what: &str, ours: &[f64], r: &[f64]) {
    assert_eq!(ours.len(), r.len(), "{what}: lengths");
    for (i, (a, b)) in ours.iter().zip(r).enumerate() {
        let ok = a == b || (a.is_nan() && b.is_nan()) || ((a - b) / b).abs() < 1e-9;
        assert!(ok, "{what}[{i}]: ours {a}, R {b}");
    }
}

#[test]
fn numbers_padded_with_spaces_are_numbers() {
    // R: read.csv strips white space around numbers, so " 70 " is 70, not a level of a factor "age"; " NA" is a
    // missing value (R's strip.white = TRUE), and "2172 " and " 1" in the time and event columns are numbers too.
    let r = &reference()["padded_cox"];
    let (v, err) = ok_json(&[
        "cox",
        &fixture("refusals/gbsg2_padded.csv"),
        "-f",
        "Surv(time, cens) ~ age + horTh",
        "--format",
        "json",
    ]);
    assert_eq!(v["n"], r["n"]);
    assert_eq!(v["n_events"], r["nevent"]);
    assert_eq!(v["n_dropped"], r["n_dropped"]);
    let terms = v["terms"].as_array().unwrap();
    let names: Vec<&str> = terms.iter().map(|t| t["term"].as_str().unwrap()).collect();
    assert_eq!(names, ["age", "horTh=yes"], "age is one numeric term");
    let coef: Vec<f64> = terms.iter().map(|t| t["coef"].as_f64().unwrap()).collect();
    let se: Vec<f64> = terms.iter().map(|t| t["se"].as_f64().unwrap()).collect();
    assert_close("coef", &coef, &nums(&r["coef"]));
    assert_close("se", &se, &nums(&r["se"]));
    assert_close(
        "loglik",
        &[
            v["loglik_null"].as_f64().unwrap(),
            v["loglik"].as_f64().unwrap(),
        ],
        &nums(&r["loglik"]),
    );
    assert!(
        err.contains("dropped 1 of 40 rows") && err.contains("age: 1"),
        "{err}"
    );
}

#[test]
fn a_condition_on_a_padded_column_compares_numbers() {
    // " 70 " is the number 70 in --where as in the model: `age > 60` keeps it, and the row whose age is " NA"
    // fails the condition (R: subset on !is.na(age) & age > 60).
    let r = &reference()["padded_where"];
    let (v, _) = ok_json(&[
        "km",
        &fixture("refusals/gbsg2_padded.csv"),
        "--time",
        "time",
        "--event",
        "cens",
        "--where",
        "age > 60",
        "--format",
        "json",
    ]);
    let g = &v["groups"][0];
    assert_eq!(g["n"], r["n"]);
    let table = &g["table"];
    assert_close("time", &nums(&table["time"]), &nums(&r["time"]));
    assert_close("surv", &nums(&table["surv"]), &nums(&r["surv"]));
    // survfit's `std.err` is on the cumulative-hazard scale; ours is of S (R's summary): divide by S.
    let se_log: Vec<f64> = nums(&table["std_err"])
        .iter()
        .zip(nums(&table["surv"]))
        .map(|(se, s)| if s > 0.0 { se / s } else { f64::NAN })
        .collect();
    assert_close("std_err", &se_log, &nums(&r["std_err"]));
}

#[test]
fn duplicate_column_names_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let data = temp_file(
        d.path(),
        "dup.csv",
        "time,status,time,g\n5,1,70,a\n8,0,50,b\n3,1,60,a\n",
    );
    fails_with(
        &["km", &data, "--time", "time", "--event", "status"],
        2,
        &[
            "duplicate column name",
            "dup.csv",
            "\"time\" (columns 1 and 3)",
            "rename the columns",
        ],
    );
    // Even when the repeated name is not among the columns asked for: which one is meant cannot be known.
    fails_with(
        &["km", &data, "--time", "status", "--event", "status"],
        2,
        &["\"time\" (columns 1 and 3)"],
    );
}

#[test]
fn constant_genes_are_reported_as_dropped_not_used() {
    let r = &reference()["huge_expression"];
    let expr = fixture("refusals/huge_expression.csv");
    let gmt = fixture("refusals/huge_sets.gmt");
    for (method, key) in [("mean-z", "mean_z"), ("zscore", "zscore")] {
        let (v, err) = ok_json(&[
            "score",
            &expr,
            "--gene-sets",
            &gmt,
            "--method",
            method,
            "--format",
            "json",
        ]);
        assert_eq!(v["genes_used"]["BIG"], r["genes_used"], "{method}");
        assert_eq!(
            v["genes_dropped_constant"]["BIG"], r["genes_dropped_constant"],
            "{method}"
        );
        // Values near 1e160 (whose squares overflow) and 1e308 (whose sum does) still count, as R's z-scores
        // of the same genes in another unit.
        assert_close(method, &nums(&v["scores"]["BIG"]), &nums(&r[key]));
        assert!(
            err.contains("gene set BIG: 1 of 4 genes dropped for constant expression")
                && err.contains("FLAT"),
            "{err}"
        );
    }
    let o = sigsurv(&["score", &expr, "--gene-sets", &gmt]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("BIG: 3 of 4 genes used (constant expression: FLAT)"),
        "{}",
        stdout(&o)
    );
    // Rank methods rank every gene, constant or not: nothing is dropped.
    let (v, _) = ok_json(&[
        "score",
        &expr,
        "--gene-sets",
        &gmt,
        "--method",
        "ssgsea",
        "--format",
        "json",
    ]);
    assert_eq!(v["genes_used"]["BIG"].as_array().unwrap().len(), 4);
    assert_eq!(v["genes_dropped_constant"]["BIG"], serde_json::json!([]));
}

#[test]
fn a_set_of_constant_genes_is_refused_by_name() {
    let d = tempfile::tempdir().unwrap();
    let gmt = temp_file(d.path(), "flat.gmt", "FLAT_ONLY\tone constant gene\tFLAT\n");
    fails_with(
        &[
            "score",
            &fixture("refusals/huge_expression.csv"),
            "--gene-sets",
            &gmt,
            "--min-genes",
            "1",
        ],
        2,
        &[
            "gene set FLAT_ONLY",
            "constant expression",
            "constant genes: FLAT",
        ],
    );
}

#[test]
fn log_rank_without_events_is_na() {
    // R: survdiff(Surv(time, cens) ~ horTh, subset(GBSG2, cens == 0)) has chisq 0 on -1 df and p NaN.
    let r = &reference()["no_events"];
    let g = fixture("GBSG2/GBSG2.csv");
    let args = [
        "logrank", &g, "--time", "time", "--event", "cens", "--by", "horTh", "--where", "cens = 0",
    ];
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let (v, err) = ok_json(&json_args);
    assert!(r["p_value"].is_null() && v["p_value"].is_null(), "{v}");
    assert_eq!(v["chisq"].as_f64(), r["chisq"].as_f64());
    let n: Vec<f64> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["n"].as_f64().unwrap())
        .collect();
    assert_eq!(n, nums(&r["n"]));
    assert!(err.contains("no events") && err.contains("p = NA"), "{err}");
    let o = sigsurv(&args);
    assert!(stdout(&o).contains("p= NA"), "{}", stdout(&o));

    let d = tempfile::tempdir().unwrap();
    let svg = d.path().join("km.svg");
    let o = sigsurv(&[
        "plot",
        "km",
        &g,
        "--time",
        "time",
        "--event",
        "cens",
        "--by",
        "horTh",
        "--where",
        "cens = 0",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Log-rank p = NA (no events)"), "the label");
    assert!(!text.contains("p = 1.00"));
}

#[test]
fn huge_times_are_not_merged_by_an_overflowing_mean() {
    // R: aeqSurv keeps 1e308, 1.2e308 and 1.7e308 apart (their mean is finite in R's extended precision) and
    // merges 1.000000001e308 into 1e308 (and 7 into 5: both gaps are tiny relative to that mean).
    let r = &reference()["huge_times"];
    let (v, _) = ok_json(&[
        "km",
        &fixture("refusals/huge_times.csv"),
        "--time",
        "time",
        "--event",
        "status",
        "--format",
        "json",
    ]);
    let t = &v["groups"][0]["table"];
    assert_close("time", &nums(&t["time"]), &nums(&r["km_time"]));
    assert_close("surv", &nums(&t["surv"]), &nums(&r["km_surv"]));
    assert_close("n_event", &nums(&t["n_event"]), &nums(&r["km_n_event"]));
}

/// An analysis file for `check` (its expected file is validated before the analysis runs, so these runs never
/// read the data).
fn check_bad_expected(expected: &str, needles: &[&str]) {
    let d = tempfile::tempdir().unwrap();
    let file = temp_file(d.path(), "expected.toml", expected);
    let analysis = root().join("examples/il1_gse1992/analysis.toml");
    fails_with(
        &[
            "check",
            analysis.to_str().unwrap(),
            "--expected",
            &file,
            "-q",
        ],
        2,
        needles,
    );
}

#[test]
fn check_refuses_expected_files_that_check_nothing_or_nonsense() {
    check_bad_expected(
        "[[expect]]\npath = \"logrank.p_value\"\n",
        &[
            "invalid expected-results file",
            "checks nothing",
            "docs/analysis.md",
        ],
    );
    check_bad_expected(
        "[[expect]]\nname = \"HR\"\npath = \"x\"\nvalue = 1.8\nabs_tol = -1\n",
        &["[[expect]] 1 (\"HR\"): abs_tol = -1 must be a finite number >= 0"],
    );
    check_bad_expected(
        "[[expect]]\npath = \"x\"\nmin = 2\nmax = 1\n",
        &["min = 2 is above max = 1"],
    );
    check_bad_expected(
        "[[expect]]\npath = \"x\"\nvalue = nan\n",
        &["value = NaN is not a finite number"],
    );
    check_bad_expected("[[expect]]\nvalue = 1\n", &["missing field `path`"]);
    check_bad_expected(
        "[[curve]]\ntime = -1\nsurv = 0.5\n",
        &["[[curve]] 1: time = -1"],
    );
}

#[test]
fn check_refuses_paths_the_analysis_does_not_have() {
    let d = tempfile::tempdir().unwrap();
    let src = root().join("examples/il1_gse1992");
    let spec = std::fs::read_to_string(src.join("analysis.toml"))
        .unwrap()
        .replace("../../fixtures", &fixture(""));
    let analysis = temp_file(d.path(), "analysis.toml", &spec);
    let expected = temp_file(
        d.path(),
        "expected.toml",
        "[[expect]]\nname = \"log-rank p\"\npath = \"logrank.p_valeu\"\nmax = 0.05\n",
    );
    // The analysis runs (and prints its summary, as every check does) before the paths can be looked up; then
    // the typo is bad input (exit 2), not a disagreement (exit 3), and no check table is printed.
    let o = sigsurv(&["check", &analysis, "--expected", &expected, "-q"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for n in [
        "names a result the analysis does not have",
        "log-rank p: no key \"p_valeu\"",
        "p_value",
    ] {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    assert!(!stdout(&o).contains("checks agree"), "{}", stdout(&o));
}

#[test]
fn compressed_and_binary_files_named_csv_say_what_they_are() {
    let d = tempfile::tempdir().unwrap();
    // gzip's magic bytes, then anything: the reader never gets to see it.
    let gz = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00];
    for name in ["cohort.csv", "cohort.csv.gz"] {
        let p = d.path().join(name);
        std::fs::write(&p, gz).unwrap();
        fails_with(
            &["km", p.to_str().unwrap(), "--time", "t", "--event", "e"],
            2,
            &["it is a gzip-compressed file", "gunzip -k"],
        );
    }
    let p = d.path().join("cohort.csv");
    std::fs::copy(root().join("fixtures/unreadable/float16.parquet"), &p).unwrap();
    let err = fails_with(
        &["km", p.to_str().unwrap(), "--time", "t", "--event", "e"],
        2,
        &["it is a Parquet file", "name it .parquet"],
    );
    assert!(!err.contains("available columns"), "{err}");
    // The expression reader says the same.
    fails_with(
        &["score", p.to_str().unwrap()],
        2,
        &["it is a Parquet file"],
    );
}

#[test]
fn cox_and_aft_errors_name_the_file_line() {
    let d = tempfile::tempdir().unwrap();
    // Line 1 is the header: the bad values are on lines 2, 5 and 6.
    let data = temp_file(
        d.path(),
        "lines.csv",
        "time,status,age,x,w\n5,1,-70,1,1\n8,0,50,2,1\n3,1,60,3,1\n9,1,55,4,0\n4,0,52,Inf,1\n12,1,65,6,1\n",
    );
    let f = "Surv(time, status) ~ log(age)";
    fails_with(
        &["cox", &data, "-f", f],
        2,
        &["log(age) of -70 at line 2 of", "must be > 0"],
    );
    fails_with(
        &["aft", &data, "-f", f],
        2,
        &["log(age) of -70 at line 2 of"],
    );
    let f = "Surv(time, status) ~ x";
    fails_with(
        &["cox", &data, "-f", f],
        2,
        &["non-finite value inf in x at line 6 of"],
    );
    fails_with(
        &["aft", &data, "-f", f],
        2,
        &["non-finite value inf in x at line 6 of"],
    );
    let f = "Surv(time, status) ~ age";
    fails_with(
        &["aft", &data, "-f", f, "--weights", "w"],
        2,
        &["weight 0 at line 5 of", "survreg needs finite weights > 0"],
    );
    fails_with(
        &["cox", &data, "-f", f, "--weights", "w"],
        2,
        &["invalid weight 0 at line 5 of"],
    );
}

#[test]
fn padded_na_is_missing_and_a_nan_event_is_named() {
    let d = tempfile::tempdir().unwrap();
    let data = temp_file(
        d.path(),
        "na.csv",
        "time,status\n5,1\n NA,0\n3,1\n9 ,1\n4,0\n",
    );
    let o = sigsurv(&[
        "km", &data, "--time", "time", "--event", "status", "--format", "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["n_dropped"], 1);
    assert_eq!(v["groups"][0]["n"], 4);
    assert!(stderr(&o).contains("time: 1"), "{}", stderr(&o));

    let data = temp_file(
        d.path(),
        "nan.csv",
        "time,status,g\n5,1,1\n8,0,2\n3,NaN,1\n9,1,2\n",
    );
    for cmd in [
        vec!["km", &data, "--time", "time", "--event", "status"],
        vec!["cox", &data, "-f", "Surv(time, status) ~ g"],
    ] {
        fails_with(
            &cmd,
            2,
            &[
                "event value NaN in column \"status\" at line 4 of",
                "write a missing value as NA",
            ],
        );
    }
}

#[test]
fn the_response_cannot_be_its_own_event_or_a_covariate() {
    let g = fixture("GBSG2/GBSG2.csv");
    fails_with(
        &["cox", &g, "-f", "Surv(time, time) ~ age"],
        2,
        &["column \"time\" is both the time and the event of Surv()"],
    );
    fails_with(
        &["cox", &g, "-f", "Surv(time, cens) ~ age + time"],
        2,
        &["column \"time\" is the time of Surv() and cannot also be a term"],
    );
    fails_with(
        &["aft", &g, "-f", "Surv(time, cens) ~ cens"],
        2,
        &["column \"cens\" is the event of Surv()"],
    );
}

#[test]
fn long_formulas_and_conditions_are_not_echoed_whole() {
    let g = fixture("GBSG2/GBSG2.csv");
    let terms: Vec<String> = (0..3000).map(|i| format!("x{i}")).collect();
    let formula = format!("Surv(time, cens) ~ age + {} -", terms.join(" + "));
    let err = fails_with(
        &["cox", &g, "-f", &formula],
        2,
        &[
            "invalid --formula \"Surv(time, cens) ~ age",
            "characters)",
            "expected a column name at the end",
        ],
    );
    assert!(err.len() < 600, "{err}");
    let cond = format!("{} AND age >> 3", vec!["age > 1"; 3000].join(" AND "));
    let err = fails_with(
        &[
            "km", &g, "--time", "time", "--event", "cens", "--where", &cond,
        ],
        2,
        &[
            "invalid --where expression",
            "(36008 characters)",
            "age >> 3",
        ],
    );
    assert!(err.len() < 1000, "{err}");
}

#[test]
fn gene_sets_are_named_in_scoring_errors() {
    let d = tempfile::tempdir().unwrap();
    let gmt = temp_file(
        d.path(),
        "all.gmt",
        "EVERY_GENE\tall five\tBIG160\tBIG308\tNORMAL\tFLAT\tOTHER\n",
    );
    fails_with(
        &[
            "score",
            &fixture("refusals/huge_expression.csv"),
            "--gene-sets",
            &gmt,
            "--method",
            "ssgsea",
        ],
        2,
        &["gene set EVERY_GENE: it contains every gene"],
    );
}

#[test]
fn negative_numbers_are_values_of_numeric_flags() {
    // Parsed as a number (and then refused for its value), not as an unknown flag "-0".
    let g = fixture("GBSG2/GBSG2.csv");
    fails_with(
        &[
            "cox",
            &g,
            "-f",
            "Surv(time, cens) ~ age",
            "--conf-level",
            "-0.5",
        ],
        2,
        &["--conf-level -0.5 is not between 0 and 1"],
    );
    fails_with(
        &[
            "km",
            &g,
            "--time",
            "time",
            "--event",
            "cens",
            "--conf-level",
            "-0.5",
        ],
        2,
        &["--conf-level -0.5 is not between 0 and 1"],
    );
}

#[test]
fn check_help_points_to_a_doc_that_exists() {
    let o = sigsurv(&["check", "--help"]);
    let help = stdout(&o);
    let doc = help
        .split_whitespace()
        .find(|w| w.starts_with("docs/"))
        .expect("check --help names a doc")
        .trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    assert!(root().join(doc).exists(), "{doc} does not exist");
}
