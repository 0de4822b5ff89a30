//! `sigsurv cif` through the binary against R: survival's multi-state survfit (Aalen-Johansen with the
//! infinitesimal-jackknife se), cmprsk's cuminc variance and Gray's test (fixtures/competing/
//! make_cli_reference.R).

mod common;
use common::*;

fn close(what: &str, ours: &Value, r: &Value) {
    close_json(what, ours, r, REL);
}

const REL: f64 = 1e-9;

use serde_json::Value;

fn reference() -> Value {
    let text =
        std::fs::read_to_string(root().join("fixtures/competing/cli_reference.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn close_all(what: &str, ours: &Value, r: &Value) {
    let (a, b) = (ours.as_array().unwrap(), r.as_array().unwrap());
    assert_eq!(a.len(), b.len(), "{what}: length");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        close(&format!("{what}[{i}]"), x, y);
    }
}

fn cif(args: &[&str]) -> Value {
    let mut all = vec!["cif"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = sigsurv(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn check_groups(v: &Value, r: &Value) {
    let at = v["at"].as_array().unwrap();
    for (g, rg) in v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .zip(r["groups"].as_array().unwrap())
    {
        let name = rg["group"].as_str().unwrap();
        assert_eq!(g["group"], name);
        assert_eq!(g["n"], rg["n"]);
        for (c, rc) in g["causes"]
            .as_array()
            .unwrap()
            .iter()
            .zip(rg["causes"].as_array().unwrap())
        {
            let what = format!("{name} {}", rc["cause"]);
            assert_eq!(c["cause"], rc["cause"]);
            assert_eq!(c["n_events"], rc["n_events"], "{what}");
            for key in ["time", "estimate", "std_err", "lower", "upper"] {
                close_all(&format!("{what} {key}"), &c[key], &rc[key]);
            }
            let rows: Vec<&Value> = at
                .iter()
                .filter(|x| x["group"] == name && x["cause"] == rc["cause"])
                .collect();
            let ra = &rc["at"];
            assert_eq!(
                rows.len(),
                ra["time"].as_array().unwrap().len(),
                "{what} at"
            );
            for (i, row) in rows.iter().enumerate() {
                assert_eq!(row["n_risk"], ra["n_risk"][i], "{what} at n_risk");
                for key in ["time", "estimate", "std_err", "lower", "upper"] {
                    close(&format!("{what} at {key}"), &row[key], &ra[key][i]);
                }
            }
        }
    }
}

#[test]
fn mgus2_by_sex_matches_survfit_and_cmprsk() {
    let r = &reference()["mgus2"];
    let data = fixture("competing/mgus2_cr.csv");
    let base = [
        data.as_str(),
        "--time",
        "etime",
        "--event",
        "status",
        "--by",
        "sex",
    ];
    let mut args = base.to_vec();
    args.extend_from_slice(&["--times", "60,120,240"]);
    let v = cif(&args);
    assert_eq!(v["censor_value"], "censored");
    assert_eq!(v["causes"], r["causes"]);
    assert_eq!(v["variance"], "survfit");
    check_groups(&v, r);
    for (g, rg) in v["gray"]
        .as_array()
        .unwrap()
        .iter()
        .zip(r["gray"].as_array().unwrap())
    {
        assert_eq!(g["cause"], rg["cause"]);
        assert_eq!(g["df"], rg["df"]);
        close("gray statistic", &g["statistic"], &rg["statistic"]);
        close("gray p", &g["p_value"], &rg["p_value"]);
    }
    let mut args = base.to_vec();
    args.extend_from_slice(&["--strata", "agegrp"]);
    let v = cif(&args);
    for (g, rg) in v["gray"]
        .as_array()
        .unwrap()
        .iter()
        .zip(r["gray_strata"].as_array().unwrap())
    {
        close("stratified gray", &g["statistic"], &rg["statistic"]);
        close("stratified gray p", &g["p_value"], &rg["p_value"]);
    }
    // cmprsk's variance at the times: R's timepoints() rows are "F death", "M death", "F pcm", "M pcm".
    let mut args = base.to_vec();
    args.extend_from_slice(&["--times", "60,120,240", "--variance", "cuminc"]);
    let v = cif(&args);
    assert_eq!(v["variance"], "cuminc");
    let names: Vec<&str> = r["cuminc_at"]["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    for (i, name) in names.iter().enumerate() {
        let (group, cause) = name.split_once(' ').unwrap();
        let rows: Vec<&Value> = v["at"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["group"] == group && x["cause"] == cause)
            .collect();
        assert_eq!(rows.len(), 3);
        for (j, row) in rows.iter().enumerate() {
            close("cuminc est", &row["estimate"], &r["cuminc_at"]["est"][i][j]);
            let se = r["cuminc_at"]["var"][i][j].as_f64().unwrap().sqrt();
            close("cuminc se", &row["std_err"], &Value::from(se));
            assert!(row["lower"].is_null());
        }
    }
}

#[test]
fn bmt_numeric_causes_with_log_log_limits() {
    let r = &reference()["bmt"];
    let v = cif(&[
        &fixture("competing/bmt_cr.csv"),
        "--time",
        "t2",
        "--event",
        "cause",
        "--by",
        "mtx",
        "--times",
        "100,365",
        "--conf-type",
        "log-log",
    ]);
    assert_eq!(v["censor_value"], "0");
    assert_eq!(v["causes"], r["causes"]);
    check_groups(&v, r);
    for (g, rg) in v["gray"]
        .as_array()
        .unwrap()
        .iter()
        .zip(r["gray"].as_array().unwrap())
    {
        close("gray", &g["statistic"], &rg["statistic"]);
    }
}

#[test]
fn one_cause_is_one_minus_kaplan_meier() {
    let gbsg = fixture("GBSG2/GBSG2.csv");
    let v = cif(&[
        &gbsg, "--time", "time", "--event", "cens", "--times", "365,1825",
    ]);
    let km = {
        let o = sigsurv(&[
            "km", &gbsg, "--time", "time", "--event", "cens", "--times", "365,1825", "--format",
            "json",
        ]);
        serde_json::from_slice::<Value>(&o.stdout).unwrap()
    };
    for i in 0..2 {
        let f = v["at"][i]["estimate"].as_f64().unwrap();
        let s = km["at"][i]["survival"].as_f64().unwrap();
        assert!((f - (1.0 - s)).abs() < 1e-12, "{f} vs 1 - {s}");
        let (a, b) = (
            v["at"][i]["std_err"].as_f64().unwrap(),
            km["at"][i]["std_err"].as_f64().unwrap(),
        );
        assert!((a - b).abs() < 1e-9 * b, "se {a} vs {b}");
    }
}

#[test]
fn the_censoring_value_is_found_or_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cr.csv");
    std::fs::write(&path, "t,status\n1,Died of Disease\n2,Living\n3,Died of Other Causes\n4,Living\n5,Died of Disease\n")
        .unwrap();
    let p = path.to_str().unwrap();
    let v = cif(&[p, "--time", "t", "--event", "status"]);
    assert_eq!(v["censor_value"], "Living");
    assert_eq!(
        v["causes"],
        serde_json::json!(["Died of Disease", "Died of Other Causes"])
    );
    std::fs::write(&path, "t,status\n1,relapse\n2,none\n3,death\n").unwrap();
    let o = sigsurv(&["cif", p, "--time", "t", "--event", "status"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("means censored") && err.contains("--censor-value"),
        "{err}"
    );
    assert!(err.contains("death, none, relapse"), "{err}");
    let v = cif(&[
        p,
        "--time",
        "t",
        "--event",
        "status",
        "--censor-value",
        "none",
    ]);
    assert_eq!(v["causes"], serde_json::json!(["death", "relapse"]));
    let o = sigsurv(&[
        "cif",
        p,
        "--time",
        "t",
        "--event",
        "status",
        "--censor-value",
        "alive",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--censor-value alive is not a value"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn cox_cause_gives_the_cause_specific_hazard() {
    let r = &reference()["mgus2"]["cause_specific"];
    let data = fixture("competing/mgus2_cr.csv");
    let o = sigsurv(&[
        "cox",
        &data,
        "--formula",
        "Surv(etime, status) ~ sex + agegrp",
        "--cause",
        "pcm",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("events of death are censored"),
        "{}",
        stderr(&o)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["n_events"], r["n_events"]);
    for (i, t) in v["terms"].as_array().unwrap().iter().enumerate() {
        close("coef", &t["coef"], &r["coef"][i]);
        close("se", &t["se"], &r["se"][i]);
    }
    close("loglik", &v["loglik"], &r["loglik"][1]);
    let o = sigsurv(&[
        "cox",
        &data,
        "--formula",
        "Surv(etime, status) ~ sex",
        "--cause",
        "relapse",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("its causes: death, pcm (censored: censored)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn finegray_matches_crr() {
    let r = &reference()["mgus2"]["fine_gray"];
    let data = fixture("competing/mgus2_cr.csv");
    let o = sigsurv(&[
        "finegray",
        &data,
        "--formula",
        "Surv(etime, status) ~ sex + agegrp",
        "--cause",
        "pcm",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["analysis"], "finegray");
    assert_eq!(v["n"], r["n"]);
    assert_eq!(v["n_events"], 115);
    assert_eq!(v["n_competing"], 860);
    assert_eq!(v["converged"], true);
    let names: Vec<&str> = v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["term"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["sex=M", "agegrp=young"]);
    for (i, t) in v["terms"].as_array().unwrap().iter().enumerate() {
        for key in ["coef", "se", "se_naive", "p_value", "lower", "upper"] {
            close(&format!("{key} {i}"), &t[key], &r[key][i]);
        }
    }
    close("loglik", &v["loglik"], &r["loglik"]);
    close("loglik_null", &v["loglik_null"], &r["loglik_null"]);
    let o = sigsurv(&[
        "finegray",
        &data,
        "--formula",
        "Surv(etime, status) ~ sex + strata(agegrp)",
        "--cause",
        "pcm",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no strata()"), "{}", stderr(&o));
}

#[test]
fn plot_cif_draws_the_incidence_with_risk_table_and_grays_p() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("cif.svg");
    let o = sigsurv(&[
        "plot",
        "cif",
        &fixture("competing/mgus2_cr.csv"),
        "--time",
        "etime",
        "--event",
        "status",
        "--by",
        "sex",
        "--cause",
        "death",
        "--breaks",
        "60",
        "--ci",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("Cumulative incidence of death"));
    let r = &reference()["mgus2"];
    let gray = r["gray"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["cause"] == "death")
        .unwrap();
    assert!(gray["p_value"].as_f64().unwrap() < 0.001);
    assert!(text.contains("Gray&#39;s test p = 0.00064"), "Gray's p");
    // The numbers at risk at 60 and 120 months are survfit's n.risk there.
    for g in r["groups"].as_array().unwrap() {
        for n in g["causes"][0]["at"]["n_risk"]
            .as_array()
            .unwrap()
            .iter()
            .take(2)
        {
            assert!(text.contains(&format!(">{n}<")), "n at risk {n}");
        }
    }
    let o = sigsurv(&[
        "plot",
        "cif",
        &fixture("competing/mgus2_cr.csv"),
        "--time",
        "etime",
        "--event",
        "status",
        "--cause",
        "relapse",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("its causes: death, pcm"),
        "{}",
        stderr(&o)
    );
}
