//! `sigsurv validate` through the binary: a GBSG2 Cox model frozen and applied to Rotterdam
//! (fixtures/validation), against survival::concordance, riskRegression::Score (make_reference.R) and coxph /
//! survfit (make_cli_reference.R).

mod common;
use common::*;

fn close(what: &str, ours: &Value, r: &Value) {
    close_json(what, ours, r, REL);
}

const REL: f64 = 1e-8;

use serde_json::Value;

fn json_file(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(rel)).unwrap()).unwrap()
}

#[test]
fn rotterdam_validation_matches_r() {
    let o = sigsurv(&[
        "validate",
        &fixture("validation/rotterdam_validation.csv"),
        "--time",
        "time",
        "--event",
        "event",
        "--marker",
        "lp",
        "--predicted",
        "surv_1y=365.25,surv_3y=1095.75,surv_5y=1826.25",
        "--tau",
        "1826.25",
        "--calibration-groups",
        "4",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = json_file("fixtures/validation/reference.json");
    let conc = |name: &str| {
        r["concordance"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    let (h, u) = (conc("rotterdam_harrell"), conc("rotterdam_uno_5y"));
    close(
        "harrell c",
        &v["concordance"]["harrell"]["c"],
        &h["concordance"],
    );
    close(
        "harrell se",
        &v["concordance"]["harrell"]["se"],
        &Value::from(h["var"].as_f64().unwrap().sqrt()),
    );
    close("uno c", &v["concordance"]["uno"]["c"], &u["concordance"]);
    close(
        "uno se",
        &v["concordance"]["uno"]["se"],
        &Value::from(u["var"].as_f64().unwrap().sqrt()),
    );
    assert_eq!(v["concordance"]["uno"]["tau"], 1826.25);
    let s = &r["score"][0];
    assert_eq!(s["name"], "rotterdam");
    let rows = v["times"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for (k, row) in rows.iter().enumerate() {
        for (ours, theirs) in [
            ("auc", "auc"),
            ("auc_se", "auc_se"),
            ("auc_lower", "auc_lower"),
            ("auc_upper", "auc_upper"),
            ("brier", "brier"),
            ("brier_se", "brier_se"),
            ("brier_lower", "brier_lower"),
            ("brier_upper", "brier_upper"),
            ("brier_null", "null_brier"),
            ("ipa", "ipa"),
        ] {
            close(&format!("{ours} at {k}"), &row[ours], &s[theirs][k]);
        }
        if k > 0 {
            close(&format!("ibs at {k}"), &row["ibs"], &s["ibs"][k]);
        }
    }
    close("ibs", &v["ibs"], &s["ibs"][2]);
    let c = json_file("fixtures/validation/cli_reference.json");
    close("slope", &v["calibration"]["slope"], &c["slope"]);
    close("slope se", &v["calibration"]["slope_se"], &c["slope_se"]);
    let groups = v["calibration"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 12);
    for (g, rg) in groups.iter().zip(c["groups"].as_array().unwrap()) {
        assert_eq!(g["n"], rg["n"]);
        for key in ["predicted", "observed", "observed_lower", "observed_upper"] {
            close(key, &g[key], &rg[key]);
        }
    }
}

#[test]
fn a_marker_alone_gives_concordance_and_auc() {
    let o = sigsurv(&[
        "validate",
        &fixture("validation/rotterdam_validation.csv"),
        "--time",
        "time",
        "--event",
        "event",
        "--marker",
        "lp",
        "--times",
        "1826.25,365.25,1095.75",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let s = &json_file("fixtures/validation/reference.json")["score"][0];
    for k in 0..3 {
        close("auc", &v["times"][k]["auc"], &s["auc"][k]);
        assert!(v["times"][k].get("brier").is_none());
    }
    assert!(v["ibs"].is_null());
    let o = sigsurv(&[
        "validate",
        &fixture("validation/rotterdam_validation.csv"),
        "--time",
        "time",
        "--event",
        "event",
        "--marker",
        "lp",
        "--predicted",
        "surv_1y",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected COLUMN=TIME"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn auc_and_calibration_figures_draw_the_validation_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("v.json");
    let o = sigsurv(&[
        "validate",
        &fixture("validation/rotterdam_validation.csv"),
        "--time",
        "time",
        "--event",
        "event",
        "--marker",
        "lp",
        "--predicted",
        "surv_1y=365.25,surv_5y=1826.25",
        "--calibration-groups",
        "5",
        "--format",
        "json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&json);
    let points = |svg: &str| -> Vec<(f64, f64)> {
        svg.split("class=\"points-point\"")
            .skip(1)
            .map(|s| {
                let attr = |name: &str| -> f64 {
                    let i = s.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                    s[i..].split('"').next().unwrap().parse().unwrap()
                };
                (attr("data-x"), attr("data-y"))
            })
            .collect()
    };
    for (kind, file) in [("auc", "auc.svg"), ("calibration", "cal.pdf")] {
        let out = dir.path().join(file);
        let o = sigsurv(&[
            "plot",
            kind,
            json.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        assert!(out.exists());
    }
    let svg_path = dir.path().join("cal.svg");
    sigsurv(&[
        "plot",
        "calibration",
        json.to_str().unwrap(),
        "-o",
        svg_path.to_str().unwrap(),
    ]);
    let drawn = points(&std::fs::read_to_string(&svg_path).unwrap());
    let groups = v["calibration"]["groups"].as_array().unwrap();
    assert_eq!(drawn.len(), groups.len());
    for g in groups {
        let (x, y) = (
            g["predicted"].as_f64().unwrap(),
            g["observed"].as_f64().unwrap(),
        );
        assert!(
            drawn.iter().any(|(a, b)| a == &x && b == &y),
            "point {x}, {y}"
        );
    }
    let auc = points(&std::fs::read_to_string(dir.path().join("auc.svg")).unwrap());
    let auc_json: Vec<(f64, f64)> = v["times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["time"].as_f64().unwrap(), r["auc"].as_f64().unwrap()))
        .collect();
    assert_eq!(auc, auc_json);
    let o = sigsurv(&[
        "plot",
        "auc",
        &fixture("validation/reference.json"),
        "-o",
        dir.path().join("x.svg").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not the JSON of `sigsurv validate`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_report_shows_the_metrics_figures_and_risk_groups() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("validation.html");
    let o = sigsurv(&[
        "validate",
        &fixture("validation/rotterdam_validation.csv"),
        "--time",
        "time",
        "--event",
        "event",
        "--marker",
        "lp",
        "--predicted",
        "surv_1y=365.25,surv_3y=1095.75,surv_5y=1826.25",
        "--calibration-groups",
        "4",
        "--format",
        "json",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let html = std::fs::read_to_string(&report).unwrap();
    // The concordance table holds the JSON's numbers exactly.
    let conc = data_values(section(&html, "concordance"));
    for key in ["harrell", "uno"] {
        let c = v["concordance"][key]["c"].as_f64().unwrap();
        assert!(conc.contains(&c), "{key} C {c} not in {conc:?}");
    }
    let times = data_values(section(&html, "times"));
    for r in v["times"].as_array().unwrap() {
        for k in ["auc", "brier", "ipa"] {
            assert!(times.contains(&r[k].as_f64().unwrap()), "{k}");
        }
    }
    for (id, class) in [
        ("times", "auc"),
        ("calibration", "calibration"),
        ("km", "km"),
    ] {
        let s = section(&html, id);
        assert!(s.contains("<svg") && s.contains(class), "section {id}");
    }
    assert!(section(&html, "km").contains("Log-rank p"));
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
}
