//! Inputs that would take hours or terabytes are refused at once with a clear message (exit 2): a grouping
//! column with thousands of levels in the log-rank test, a factor with thousands of levels in a model.

mod common;

use common::{sigsurv, stderr, stdout};
use std::fmt::Write;

/// 6,000 rows, each with its own level of `lvl` (an identifier by mistake), and a two-level `arm`.
fn many_levels() -> tempfile::NamedTempFile {
    let mut text = String::from("time,status,lvl,arm\n");
    for i in 0..6000u32 {
        let _ = writeln!(
            text,
            "{},{},L{i},{}",
            1 + (i * 7919) % 900,
            i % 3 % 2,
            i % 2
        );
    }
    let f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(f.path(), text).unwrap();
    f
}

#[test]
fn logrank_refuses_thousands_of_groups() {
    let f = many_levels();
    let path = f.path().to_str().unwrap();
    let o = sigsurv(&[
        "logrank", path, "--time", "time", "--event", "status", "--by", "lvl",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("6000 groups") && err.contains("at most 1000"),
        "{err}"
    );
    // One warning line for the single-row groups, not six thousand.
    assert!(
        err.lines().filter(|l| l.contains("only one row")).count() <= 1,
        "{err}"
    );
}

#[test]
fn cox_refuses_a_factor_with_thousands_of_levels() {
    let f = many_levels();
    let path = f.path().to_str().unwrap();
    let o = sigsurv(&["cox", path, "--formula", "Surv(time, status) ~ arm + lvl"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("5999 coefficients") || err.contains("6000 coefficients"),
        "{err}"
    );
    assert!(err.contains("strata("), "{err}");
    // As a stratum the same column is fine.
    let o = sigsurv(&[
        "cox",
        path,
        "--formula",
        "Surv(time, status) ~ arm + strata(lvl)",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}
