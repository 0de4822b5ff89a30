//! `sigsurv rmst` through the binary against survRM2::rmst2's formulas in R (fixtures/validation/
//! make_reference.R, fixtures/common/rmst2_reference.R).

mod common;
use common::*;

fn close(what: &str, ours: &Value, r: &Value) {
    close_json(what, ours, r, REL);
}

const REL: f64 = 1e-9;

use serde_json::Value;

fn reference(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join("fixtures/validation/reference.json")).unwrap();
    let all: Value = serde_json::from_str(&text).unwrap();
    all["rmst"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("case {name}"))
        .clone()
}

fn rmst(args: &[&str]) -> Value {
    let mut all = vec!["rmst"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = sigsurv(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn check_case(v: &Value, r: &Value) {
    close("tau", &v["tau"], &r["tau"]);
    for (k, arm) in ["arm0", "arm1"].iter().enumerate() {
        let g = &v["groups"][k];
        for key in [
            "rmst",
            "se",
            "lower",
            "upper",
            "rmtl",
            "rmtl_lower",
            "rmtl_upper",
        ] {
            close(&format!("{arm} {key}"), &g[key], &r[arm][key]);
        }
    }
    let c = &v["contrasts"][0];
    let keys = [
        ("difference", ["difference", "lower", "upper", "p_value"]),
        (
            "ratio",
            ["ratio", "ratio_lower", "ratio_upper", "ratio_p_value"],
        ),
        (
            "rmtl_ratio",
            [
                "rmtl_ratio",
                "rmtl_ratio_lower",
                "rmtl_ratio_upper",
                "rmtl_ratio_p_value",
            ],
        ),
    ];
    for (rkey, ours) in keys {
        for (i, key) in ours.iter().enumerate() {
            close(key, &c[key], &r[rkey][i]);
        }
    }
}

#[test]
fn veteran_and_lung_match_rmst2() {
    let vet = fixture("veteran/veteran.csv");
    let v = rmst(&[&vet, "--time", "time", "--event", "status", "--by", "trt"]);
    assert_eq!(v["analysis"], "rmst");
    assert_eq!(v["contrasts"][0]["contrast"], "2 - 1");
    assert_eq!(v["tau_given"], false);
    check_case(&v, &reference("veteran_trt"));
    let v = rmst(&[
        &vet, "--time", "time", "--event", "status", "--by", "trt", "--tau", "365",
    ]);
    check_case(&v, &reference("veteran_trt_tau_365"));
    let lung = fixture("lung/lung.csv");
    let v = rmst(&[&lung, "--time", "time", "--event", "status", "--by", "sex"]);
    check_case(&v, &reference("lung_sex"));
}

#[test]
fn a_reference_group_and_three_groups() {
    let vet = fixture("veteran/veteran.csv");
    let v = rmst(&[
        &vet,
        "--time",
        "time",
        "--event",
        "status",
        "--by",
        "celltype",
        "--tau",
        "200",
        "--reference",
        "squamous",
    ]);
    let c: Vec<&str> = v["contrasts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["contrast"].as_str().unwrap())
        .collect();
    assert_eq!(
        c,
        [
            "adeno - squamous",
            "large - squamous",
            "smallcell - squamous"
        ]
    );
    // Each contrast is the two groups' RMSTs apart.
    let rmst_of = |name: &str| {
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["group"] == name)
            .unwrap()["rmst"]
            .as_f64()
            .unwrap()
    };
    let d = v["contrasts"][0]["difference"].as_f64().unwrap();
    assert!((d - (rmst_of("adeno") - rmst_of("squamous"))).abs() < 1e-12);
}

#[test]
fn bad_tau_reference_and_single_group_are_errors() {
    let vet = fixture("veteran/veteran.csv");
    let base = [
        "rmst", &vet, "--time", "time", "--event", "status", "--by", "trt",
    ];
    let run = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend_from_slice(extra);
        sigsurv(&a)
    };
    let o = run(&["--tau", "5000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--tau 5000 is after 999"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--reference", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("its values: 1, 2"), "{}", stderr(&o));
    let o = run(&["--tau", "-1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--tau -1 is not a positive number"),
        "{}",
        stderr(&o)
    );
    let o = run(&["--where", "trt == 1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("only one value"), "{}", stderr(&o));
}
