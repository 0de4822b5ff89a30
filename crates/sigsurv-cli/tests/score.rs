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

#[test]
fn clinical_gets_its_scores_as_a_column_and_cox_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("scored.csv");
    let o = sigsurv(&[
        "score",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--set",
        "IL1",
        "--clinical",
        &fixture("gse1992/clinical.csv"),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let clinical = std::fs::read_to_string(fixture("gse1992/clinical.csv")).unwrap();
    // Every clinical line kept as written, with the score appended.
    for (a, b) in clinical.lines().zip(text.lines()) {
        assert!(b.starts_with(a), "{b}");
    }
    assert!(text.lines().next().unwrap().ends_with(",IL1"));
    // The appended score is `score`'s own.
    let scores = stdout(&sigsurv(&[
        "score",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--set",
        "IL1",
        "--format",
        "csv",
    ]));
    let first = scores.lines().nth(1).unwrap();
    let (sample, value) = first.split_once(',').unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with(&format!("{sample},")))
        .unwrap();
    assert!(row.ends_with(&format!(",{value}")), "{row}");
    let o = sigsurv(&[
        "cox",
        out.to_str().unwrap(),
        "--formula",
        "Surv(rfs_months, rfs_event) ~ IL1 + age",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // --format json makes no sense for a table; a clash with an existing column is refused.
    let o = sigsurv(&[
        "score",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--set",
        "IL1",
        "--clinical",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = sigsurv(&[
        "score",
        &fixture("gse1992/expression.csv"),
        "--samples-in-rows",
        "--set",
        "IL1",
        "--clinical",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("duplicate column name"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn duplicate_rows_and_alias_rows_of_a_scored_gene_are_reported() {
    // Genes in rows: TLR4 twice (collapsed by mean), CXCL8 and its old symbol IL8 (the CXCL8 row is scored).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("expr.csv");
    std::fs::write(
        &path,
        "gene,s1,s2,s3,s4\nTLR4,1,2,3,4\nTLR4,3,4,1,2\nCXCL8,1,3,2,5\nIL8,9,9,8,7\nIL1B,2,1,4,3\n",
    )
    .unwrap();
    let o = sigsurv(&[
        "score",
        path.to_str().unwrap(),
        "--set",
        "IL1",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("1 gene(s) with several rows") && err.contains("TLR4 (2 rows)"),
        "{err}"
    );
    assert!(err.contains("CXCL8 (not IL8)"), "{err}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["genes_collapsed"]["IL1"][0]["gene"], "TLR4");
    assert_eq!(v["genes_collapsed"]["IL1"][0]["rows"], 2);
    assert_eq!(v["genes_shadowed"]["IL1"][0]["used"], "CXCL8");
    assert_eq!(v["genes_shadowed"]["IL1"][0]["not_used"], "IL8");
}
