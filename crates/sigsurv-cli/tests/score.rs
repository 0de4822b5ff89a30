//! `sigsurv score` end to end: the GSE1992 expression fixture scored for the GO IL-1/TLR sets, against GSVA 1.46
//! and R's mean z-score (fixtures/gse1992/make_scores.R).

mod common;
use common::*;

use serde_json::Value;

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn scores_match_gsva_and_mean_z() {
    let expr = root().join("fixtures/gse1992/expression.csv");
    let gmt = root().join("fixtures/genesets/go_il1_tlr.gmt");
    let r: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/gse1992/scores.json")).unwrap(),
    )
    .unwrap();
    for (method, key) in [
        ("mean-z", "mean_z"),
        ("zscore", "zscore"),
        ("ssgsea", "ssgsea"),
        ("singscore", "singscore"),
    ] {
        let o = sigsurv(&[
            "score",
            expr.to_str().unwrap(),
            "--samples-in-rows",
            "--gene-sets",
            gmt.to_str().unwrap(),
            "--method",
            method,
            "--format",
            "json",
            "-q",
        ]);
        assert!(
            o.status.success(),
            "{method}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["analysis"], "score");
        assert_eq!(v["method"], method);
        assert_eq!(v["samples"], r["samples"]);
        for (i, name) in r["set_names"].as_array().unwrap().iter().enumerate() {
            let ours = nums(&v["scores"][name.as_str().unwrap()]);
            let theirs = nums(&r[key][i]);
            for (j, (a, b)) in ours.iter().zip(&theirs).enumerate() {
                assert!(
                    (a - b).abs() <= 1e-9 * b.abs().max(1e-3),
                    "{method} {name} sample {j}: ours {a}, R {b}"
                );
            }
        }
        assert!(!v["genes_missing"]["GO:0070498"]
            .as_array()
            .unwrap()
            .is_empty());
    }
}

#[test]
fn builtin_il1_set_and_errors() {
    let expr = root().join("fixtures/gse1992/expression.csv");
    let o = sigsurv(&[
        "score",
        expr.to_str().unwrap(),
        "--samples-in-rows",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("sample,IL1\nBR00-0504,"), "{text}");
    assert_eq!(text.lines().count(), 125);
    // Genes in rows by mistake: no gene of the set is found.
    let o = sigsurv(&["score", expr.to_str().unwrap(), "--set", "IL1"]);
    assert_eq!(o.status.code(), Some(2));
    let o = sigsurv(&[
        "score",
        expr.to_str().unwrap(),
        "--samples-in-rows",
        "--set",
        "IL-1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("IL-1") && err.contains("IL1"), "{err}");
    let o = sigsurv(&[
        "score",
        expr.to_str().unwrap(),
        "--samples-in-rows",
        "--min-genes",
        "30",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("fewer than --min-genes 30"));
}
