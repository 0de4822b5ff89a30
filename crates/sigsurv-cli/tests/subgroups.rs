//! `analyze --subgroups`: the score's hazard ratio within subgroups and the interaction tests, against R's
//! coxph on subsets and anova of nested models (fixtures/gse1992/make_subgroups.R).

mod common;
use common::*;

fn close(what: &str, ours: &Value, r: &Value) {
    close_json(what, ours, r, REL);
}

const REL: f64 = 1e-7;

use serde_json::Value;

#[test]
fn subgroup_hazard_ratios_and_interactions_match_r() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = sigsurv(&[
        "analyze",
        "--clinical",
        &fixture("gse1992/clinical.csv"),
        "--expression",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--set",
        "IL1",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--covariates",
        "age + factor(grade)",
        "--subgroups",
        "er, grade, age >= 50",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = read_json(&out.join("summary.json"));
    let text = std::fs::read_to_string(root().join("fixtures/gse1992/subgroups.json")).unwrap();
    let r: Value = serde_json::from_str(&text).unwrap();
    let subs = s["subgroups"].as_array().unwrap();
    assert_eq!(subs.len(), 3);
    for (ours, key, levels) in [
        (&subs[0], "er", vec!["0", "1"]),
        (&subs[1], "grade", vec!["1", "2", "3"]),
        (&subs[2], "age50", vec!["age < 50", "age >= 50"]),
    ] {
        let rr = &r[key];
        for (k, level) in levels.iter().enumerate() {
            let (a, b) = (&ours["levels"][k], &rr["levels"][k]);
            assert_eq!(a["level"], *level, "{key}");
            assert_eq!(a["n"], b["n"], "{key} {level} n");
            assert_eq!(a["n_events"], b["n_events"], "{key} {level} events");
            for f in ["coef", "se", "lower", "upper", "p_value"] {
                close(&format!("{key} {level} {f}"), &a[f], &b[f]);
            }
        }
        for f in ["chisq", "df", "p_value"] {
            close(
                &format!("{key} interaction {f}"),
                &ours["interaction"][f],
                &rr["interaction"][f],
            );
        }
    }
    // A level without events is there, marked, not dropped.
    assert_eq!(
        subs[1]["levels"][0]["note"],
        "not estimable: no event in this level"
    );
    assert_eq!(subs[2]["subgroup"], "age >= 50");
    // The text names each subgroup with its interaction p.
    let text = stdout(&o);
    assert!(text.contains("interaction p = 0.97"), "{text}");
    assert!(out.join("forest_subgroups.svg").exists());
}

#[test]
fn a_bad_subgroup_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "analyze",
        "--clinical",
        &fixture("gse1992/clinical.csv"),
        "--expression",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--time",
        "os_months",
        "--event",
        "os_event",
        "--out",
        dir.path().to_str().unwrap(),
        "--subgroups",
    ];
    for (sub, msg) in [
        ("age >= old", "\"old\" is not a number"),
        ("nosuchcolumn", "nosuchcolumn"),
        ("subtype_ssp > 3", "is not numeric"),
    ] {
        let mut args = base.to_vec();
        args.push(sub);
        let o = sigsurv(&args);
        assert_eq!(o.status.code(), Some(2), "{sub}");
        assert!(stderr(&o).contains(msg), "{sub}: {}", stderr(&o));
    }
}
