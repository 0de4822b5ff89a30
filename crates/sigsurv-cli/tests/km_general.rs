//! `sigsurv km` with case weights, delayed entry, clusters and conf.lower, through the binary, against R's
//! survfit (fixtures/km/km_weighted.json, written by fixtures/km/make_weighted.R); and its input errors.

mod common;
use common::*;

use serde_json::Value;
use std::path::Path;

fn ok_json(args: &[&str]) -> Value {
    let o = sigsurv(args);
    assert!(o.status.success(), "failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON on stdout")
}

fn fails_with(args: &[&str], needles: &[&str]) -> String {
    let o = sigsurv(args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "exit code; stderr: {err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
    assert!(o.stdout.is_empty(), "nothing on stdout when failing");
    err
}

fn temp_csv(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// R's curves of one case and conf type.
fn r_curves(case: &str, conf_type: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("fixtures/km/km_weighted.json")).unwrap();
    let refs: Value = serde_json::from_str(&text).unwrap();
    let case = refs["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == case)
        .unwrap()
        .clone();
    case["fits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["conf_type"] == conf_type)
        .unwrap()["curves"]
        .as_array()
        .unwrap()
        .clone()
}

fn nums(v: &Value) -> Vec<f64> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect(),
        other => vec![other.as_f64().unwrap_or(f64::NAN)],
    }
}

fn assert_close(what: &str, ours: &[f64], r: &[f64]) {
    assert_eq!(ours.len(), r.len(), "{what}: lengths");
    for (i, (&a, &b)) in ours.iter().zip(r).enumerate() {
        let ok = if b.is_nan() {
            a.is_nan()
        } else {
            a == b || ((a - b) / b).abs() < 1e-9
        };
        assert!(ok, "{what}[{i}]: ours {a}, R {b}");
    }
}

/// The JSON of a km run against R's curves: counts, estimate, standard error, limits, median, RMST.
fn check_groups(v: &Value, r: &[Value], rmst: bool) {
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), r.len());
    for (g, rc) in groups.iter().zip(r) {
        assert_eq!(g["group"], rc["level"]);
        assert_eq!(g["n"], rc["n"]);
        assert_close("n_events", &nums(&g["n_events"]), &nums(&rc["events"]));
        let t = &g["table"];
        for (ours, theirs) in [
            ("time", "time"),
            ("n_risk", "n_risk"),
            ("n_event", "n_event"),
            ("n_censor", "n_censor"),
            ("surv", "surv"),
            ("std_err", "std_err"),
            ("lower", "lower"),
            ("upper", "upper"),
            ("cumhaz", "cumhaz"),
        ] {
            assert_close(ours, &nums(&t[ours]), &nums(&rc[theirs]));
        }
        for (ours, theirs) in [
            ("median", "median"),
            ("median_lower", "median_lcl"),
            ("median_upper", "median_ucl"),
        ] {
            assert_close(ours, &nums(&g[ours]), &nums(&rc[theirs]));
        }
        if rmst {
            assert_close("rmst", &nums(&g["rmst"]), &nums(&rc["rmean"]));
            assert_close("rmst_se", &nums(&g["rmst_se"]), &nums(&rc["rmean_se"]));
        }
    }
}

fn lung_weights() -> String {
    fixture("km/lung_weights.csv")
}

#[test]
fn fractional_weights_use_the_robust_variance() {
    let f = lung_weights();
    let v = ok_json(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--weights",
        "w_frac",
        "--rmst",
        "500",
        "--format",
        "json",
    ]);
    assert_eq!(v["variance"], "robust");
    assert_eq!(v["weights"], "w_frac");
    assert_eq!(v["n_dropped"], 1, "the row with ph.karno NA");
    check_groups(&v, &r_curves("lung_wfrac", "log"), true);
    // Row counts sit next to the weighted ones.
    let g = &v["groups"][0];
    assert_eq!(g["n_event_rows"], 164);
    assert_eq!(g["table"]["n_risk_rows"][0], 227);
}

#[test]
fn no_robust_gives_greenwood_on_weighted_counts() {
    let f = lung_weights();
    let v = ok_json(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--weights",
        "w_frac",
        "--by",
        "sex",
        "--no-robust",
        "--conf-type",
        "plain",
        "--rmst",
        "365",
        "--format",
        "json",
    ]);
    assert_eq!(v["variance"], "greenwood");
    check_groups(&v, &r_curves("lung_wfrac_greenwood", "plain"), true);
}

#[test]
fn whole_number_weights_keep_greenwood() {
    let f = lung_weights();
    let v = ok_json(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--weights",
        "w_int",
        "--by",
        "sex",
        "--conf-type",
        "logit",
        "--rmst",
        "365",
        "--format",
        "json",
    ]);
    assert_eq!(v["variance"], "greenwood");
    check_groups(&v, &r_curves("lung_wint_by_sex", "logit"), true);
}

#[test]
fn cluster_by_id_alias() {
    let f = lung_weights();
    let v = ok_json(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--id",
        "inst",
        "--by",
        "sex",
        "--conf-type",
        "log-log",
        "--format",
        "json",
    ]);
    assert_eq!(v["variance"], "robust");
    assert_eq!(v["cluster"], "inst");
    check_groups(&v, &r_curves("lung_cluster_inst", "log-log"), false);
}

#[test]
fn delayed_entry_on_the_age_scale() {
    let f = fixture("channing/channing.csv");
    for (flag, ct) in [("--entry", "log"), ("--start", "arcsin")] {
        let v = ok_json(&[
            "km",
            &f,
            "--time",
            "age",
            "--event",
            "death",
            flag,
            "ageentry",
            "--where",
            "ageentry < age",
            "--conf-type",
            ct,
            "--rmst",
            "1100",
            "--format",
            "json",
        ]);
        assert_eq!(v["entry"], "ageentry");
        assert_eq!(v["variance"], "greenwood");
        check_groups(&v, &r_curves("channing_age", ct), true);
    }
}

#[test]
fn delayed_entry_counting_process_by_group() {
    let f = fixture("heart/heart.csv");
    let v = ok_json(&[
        "km",
        &f,
        "--time",
        "stop",
        "--event",
        "event",
        "--entry",
        "start",
        "--by",
        "transplant",
        "--rmst",
        "500",
        "--format",
        "json",
    ]);
    check_groups(&v, &r_curves("heart_entry_by_transplant", "log"), true);
}

#[test]
fn conf_lower_modified_and_peto() {
    let lung = fixture("lung/lung.csv");
    let v = ok_json(&[
        "km",
        &lung,
        "--time",
        "time",
        "--event",
        "status",
        "--by",
        "sex",
        "--conf-lower",
        "modified",
        "--format",
        "json",
    ]);
    assert_eq!(v["conf_lower"], "modified");
    check_groups(&v, &r_curves("lung_modified_by_sex", "log"), false);
    let hand = fixture("km/hand.csv");
    let v = ok_json(&[
        "km",
        &hand,
        "--time",
        "time",
        "--event",
        "status",
        "--by",
        "grp",
        "--conf-lower",
        "peto",
        "--conf-type",
        "log-log",
        "--format",
        "json",
    ]);
    check_groups(&v, &r_curves("hand_peto", "log-log"), false);
}

/// Three rows, no ties: S = 2/3 at 1, 1/3 at 2. Peto's lower limit at 2 uses sqrt((1 − S)/n) = sqrt((2/3)/2)
/// on the log scale: exp(log(1/3) − 1.959964 · 0.5773503) = 0.107 (hand calculation).
#[test]
fn peto_lower_limit_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let f = temp_csv(dir.path(), "three.csv", "time,status\n1,1\n2,1\n3,0\n");
    let v = ok_json(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--conf-lower",
        "peto",
        "--format",
        "json",
    ]);
    let lower = nums(&v["groups"][0]["table"]["lower"]);
    let z = 1.959_963_984_540_054f64;
    let want = ((1.0f64 / 3.0).ln() - z * (1.0f64 / 3.0).sqrt()).exp();
    assert!((lower[1] - want).abs() < 1e-12, "{} vs {want}", lower[1]);
    let want0 = ((2.0f64 / 3.0).ln() - z * (1.0f64 / 9.0).sqrt()).exp();
    assert!((lower[0] - want0).abs() < 1e-12);
}

#[test]
fn bad_weights_entries_and_combinations_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = temp_csv(
        dir.path(),
        "bad.csv",
        "time,status,w,start,id\n5,1,1,0,a\n8,0,-2,1,b\n9,1,0.5,9,c\n",
    );
    fails_with(
        &[
            "km",
            &f,
            "--time",
            "time",
            "--event",
            "status",
            "--weights",
            "w",
        ],
        &[
            "invalid weight -2",
            "column \"w\"",
            "line 3",
            "bad.csv",
            ">= 0",
        ],
    );
    fails_with(
        &[
            "km", &f, "--time", "time", "--event", "status", "--entry", "start",
        ],
        &[
            "entry time 9",
            "column \"start\"",
            "exit time 9",
            "line 4",
            "--where \"start < time\"",
        ],
    );
    fails_with(
        &[
            "km", &f, "--time", "time", "--event", "status", "--entry", "start", "--robust",
        ],
        &["id or cluster option required"],
    );
    fails_with(
        &[
            "logrank", &f, "--time", "time", "--event", "status", "--by", "id", "--entry", "start",
        ],
        &["survdiff not defined for counting process data"],
    );
    let text = temp_csv(dir.path(), "text.csv", "time,status,w\n5,1,one\n8,0,2\n");
    fails_with(
        &[
            "km",
            &text,
            "--time",
            "time",
            "--event",
            "status",
            "--weights",
            "w",
        ],
        &["\"one\"", "w"],
    );
}

/// Missing weights or entries drop the row and are counted, as any other used column.
#[test]
fn missing_weights_and_entries_are_dropped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let f = temp_csv(
        dir.path(),
        "na.csv",
        "time,status,w,start\n5,1,1.5,0\n8,0,NA,1\n9,1,2,NA\n12,1,1,2\n",
    );
    let o = sigsurv(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--weights",
        "w",
        "--entry",
        "start",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("w: 1, start: 1"), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["n_dropped"], 2);
    assert_eq!(v["groups"][0]["n"], 2);
    // Rows (0, 5] weight 1.5 and (2, 12] weight 1: at 5 both at risk, S = 1 − 1.5/2.5.
    let surv = nums(&v["groups"][0]["table"]["surv"]);
    assert!((surv[0] - 0.4).abs() < 1e-15);
    assert_eq!(surv[1], 0.0);
}

#[test]
fn csv_and_table_show_weighted_counts() {
    let f = lung_weights();
    let o = sigsurv(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--weights",
        "w_frac",
        "--format",
        "csv",
    ]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.starts_with("group,time,n_risk,n_event,n_censor,surv,std_err,lower,upper,cumhaz\n"));
    assert!(out.contains("\nall,5,232.5,1.25,0,"), "{out}");
    let o = sigsurv(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--weights",
        "w_frac",
        "--cluster",
        "inst",
    ]);
    let out = stdout(&o);
    assert!(
        out.contains("weights w_frac; robust variance, cluster inst"),
        "{out}"
    );
    assert!(out.contains("  226  164.25  "), "{out}");
}

#[test]
fn robust_flags_follow_r() {
    let f = lung_weights();
    // robust = TRUE without weights or cluster: each row its own cluster.
    let v = ok_json(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--robust",
        "--conf-type",
        "plain",
        "--rmst",
        "500",
        "--format",
        "json",
    ]);
    assert_eq!(v["variance"], "robust");
    check_groups(&v, &r_curves("lung_robust_rows", "plain"), true);
    // robust = FALSE with a cluster: the cluster is ignored, with a note (R warns).
    let o = sigsurv(&[
        "km",
        &f,
        "--time",
        "time",
        "--event",
        "status",
        "--cluster",
        "inst",
        "--no-robust",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--cluster inst ignored with --no-robust"),
        "{}",
        stderr(&o)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["variance"], "greenwood");
    assert_eq!(v["cluster"], Value::Null);
    fails_with(
        &[
            "km",
            &f,
            "--time",
            "time",
            "--event",
            "status",
            "--robust",
            "--no-robust",
        ],
        &["cannot be used with"],
    );
}
