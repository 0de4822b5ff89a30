//! A column has the same factor levels, in the same order, wherever it is a factor: the groups of `km --by`
//! and the coefficients of `cox ~ factor(x)` (every level but the first, the baseline) come from one coding
//! (`sigsurv_core::factor`). Numbers sort numerically and print as R prints them, `-0` and `0` are one level,
//! text sorts as R's `sort()`, and a missing value is no level.

mod common;
use common::{sigsurv, stderr, stdout};
use serde_json::Value;

/// Three rows per level (events and censorings), one missing row, written in scrambled order.
fn cohort(cells: &[&str]) -> String {
    let mut csv = String::from("time,status,x\n");
    let mut t = 0;
    for round in 0..3 {
        for (i, cell) in cells.iter().enumerate() {
            t += 1;
            let status = (i + round) % 2;
            csv.push_str(&format!("{t},{status},{cell}\n"));
        }
    }
    csv.push_str(&format!("{},1,NA\n", t + 1));
    csv
}

fn json(args: &[&str]) -> Value {
    let o = sigsurv(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// The levels of `x` as `km --by x` lists them, and the levels of the coefficients of `cox ~ factor(x)`.
fn km_and_cox_levels(csv: &str) -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cohort.csv");
    std::fs::write(&path, csv).unwrap();
    let path = path.display().to_string();
    let km = json(&[
        "km", &path, "--time", "time", "--event", "status", "--by", "x", "--format", "json",
    ]);
    let km_levels = km["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap().to_string())
        .collect();
    let cox = json(&[
        "cox",
        &path,
        "--formula",
        "Surv(time, status) ~ factor(x)",
        "--format",
        "json",
    ]);
    let cox_levels = cox["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let term = t["term"].as_str().unwrap();
            term.strip_prefix("x=").unwrap().to_string()
        })
        .collect();
    (km_levels, cox_levels)
}

#[test]
fn numbers_have_one_order_and_one_label() {
    let (km, cox) = km_and_cox_levels(&cohort(&["10", "-0", "2", "1e5", "0", "0.1", "2.5", "-1"]));
    assert_eq!(km, ["-1", "0", "0.1", "2", "2.5", "10", "100000"]);
    assert_eq!(cox, km[1..]);
}

#[test]
fn text_has_one_order() {
    let (km, cox) = km_and_cox_levels(&cohort(&[
        "b", "A", "a", "20-50", "<=20", "x_y", "1e5", "0.1",
    ]));
    assert_eq!(km, ["<=20", "0.1", "1e5", "20-50", "a", "A", "b", "x_y"]);
    assert_eq!(cox, km[1..]);
}
