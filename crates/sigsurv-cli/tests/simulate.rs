//! `sigsurv simulate`: files in each format, reproducible for a seed, readable by the analysis commands.

mod common;
use common::*;

#[test]
fn writes_each_format_reproducibly() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["csv", "parquet", "arrow"] {
        let a = dir.path().join(format!("a.{ext}"));
        let b = dir.path().join(format!("b.{ext}"));
        for p in [&a, &b] {
            let o = sigsurv(&[
                "simulate",
                "--n",
                "500",
                "--seed",
                "7",
                "--covariates",
                "2",
                "-o",
                p.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        if ext == "csv" {
            assert_eq!(
                std::fs::read(&a).unwrap(),
                std::fs::read(&b).unwrap(),
                "same seed, same file"
            );
            let text = std::fs::read_to_string(&a).unwrap();
            assert!(
                text.starts_with("id,time,event,group,cohort,score,x1,x2\n"),
                "{}",
                &text[..60]
            );
            assert_eq!(text.lines().count(), 501);
        }
        let o = sigsurv(&[
            "km",
            a.to_str().unwrap(),
            "--time",
            "time",
            "--event",
            "event",
            "--by",
            "group",
            "--format",
            "json",
        ]);
        assert!(
            o.status.success(),
            "{ext}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["groups"].as_array().unwrap().len(), 3);
    }
}

#[test]
fn rejects_bad_parameters() {
    let o = sigsurv(&[
        "simulate",
        "--n",
        "10",
        "--hr=-1",
        "-o",
        "/tmp/never-written.csv",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--hr -1 must be a positive number"));
}
