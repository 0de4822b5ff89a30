//! `--threads`: the JSON of km, logrank and cox is byte-for-byte the same on one thread and on four, on a
//! simulated cohort large enough (200,000 rows) for the parallel paths to split the work.

use std::path::Path;
use std::process::Command;

fn sigsurv(args: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_sigsurv"))
        .args(args)
        .output()
        .expect("binary runs");
    assert!(
        o.status.success(),
        "sigsurv {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

fn same_on_1_and_4_threads(args: &[&str]) {
    let with = |n: &str| {
        let mut v = vec!["--threads", n];
        v.extend_from_slice(args);
        sigsurv(&v)
    };
    let one = with("1");
    let four = with("4");
    assert!(!one.is_empty());
    assert!(
        one == four,
        "sigsurv {}: output differs between --threads 1 and --threads 4",
        args.join(" ")
    );
}

fn cohort(dir: &Path) -> String {
    let path = dir.join("cohort.parquet");
    let p = path.to_str().unwrap().to_string();
    sigsurv(&[
        "simulate",
        "--n",
        "200000",
        "--seed",
        "11",
        "--covariates",
        "10",
        "-o",
        &p,
    ]);
    p
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    let data = cohort(dir.path());
    let surv = ["--time", "time", "--event", "event"];
    let mut km = vec!["km", data.as_str()];
    km.extend(surv);
    km.extend(["--by", "group", "--format", "json"]);
    same_on_1_and_4_threads(&km);

    let mut lr = vec!["logrank", data.as_str()];
    lr.extend(surv);
    lr.extend(["--by", "group", "--strata", "cohort", "--format", "json"]);
    same_on_1_and_4_threads(&lr);

    let formula = "Surv(time, event) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + group + strata(cohort)";
    for ties in ["efron", "breslow"] {
        same_on_1_and_4_threads(&[
            "cox",
            &data,
            "--formula",
            formula,
            "--ties",
            ties,
            "--format",
            "json",
        ]);
    }
}

#[test]
fn threads_must_be_positive() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_sigsurv"))
        .args(["--threads", "0", "simulate", "--n", "10", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(!out.exists());
}

#[test]
fn timings_go_to_standard_error_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("c.csv");
    let d = data.to_str().unwrap();
    sigsurv(&["simulate", "--n", "2000", "--covariates", "1", "-o", d]);
    let plain = Command::new(env!("CARGO_BIN_EXE_sigsurv"))
        .args([
            "km", d, "--time", "time", "--event", "event", "--format", "json",
        ])
        .output()
        .unwrap();
    let timed = Command::new(env!("CARGO_BIN_EXE_sigsurv"))
        .args([
            "--timings",
            "km",
            d,
            "--time",
            "time",
            "--event",
            "event",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(plain.stdout, timed.stdout);
    assert!(plain.stderr.is_empty(), "no spinner when stderr is a pipe");
    let err = String::from_utf8(timed.stderr).unwrap();
    let line = err.lines().last().unwrap();
    assert!(line.starts_with("timings: load="), "{err}");
    for key in ["compute=", "write=", "total="] {
        assert!(line.contains(key), "{line}");
    }
}
