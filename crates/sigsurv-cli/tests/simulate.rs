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

#[test]
fn competing_causes_add_a_cause_column_the_competing_commands_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cr.csv");
    let p = path.to_str().unwrap();
    let o = sigsurv(&[
        "simulate",
        "--n",
        "3000",
        "--causes",
        "2",
        "--covariates",
        "2",
        "-o",
        p,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("id,time,event,cause,group,"),
        "{}",
        &text[..60]
    );
    // cause is 0 exactly where event is 0; cause 1 is about twice as frequent as cause 2.
    let (mut one, mut two) = (0usize, 0usize);
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[2] == "0", f[3] == "0", "{line}");
        match f[3] {
            "1" => one += 1,
            "2" => two += 1,
            _ => {}
        }
    }
    let share = one as f64 / (one + two) as f64;
    assert!((share - 2.0 / 3.0).abs() < 0.04, "{share}");
    let o = sigsurv(&[
        "cif", p, "--time", "time", "--event", "cause", "--by", "group", "--format", "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cif: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(cif["causes"], serde_json::json!(["1", "2"]));
    let o = sigsurv(&["simulate", "--causes", "1", "-o", p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--causes 1 is a single cause"),
        "{}",
        stderr(&o)
    );
}
