//! Shared helpers for the golden tests: fixture paths, a small CSV reader, and element-wise comparison
//! against R references with messages that name the quantity and the index that differ.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::PathBuf;

/// `fixtures/<rel>` at the workspace root.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

/// A CSV fixture read as strings, column by column ("NA" and "" stay as they are).
pub struct Csv {
    pub columns: HashMap<String, Vec<String>>,
    pub n_rows: usize,
}

impl Csv {
    pub fn read(rel: &str) -> Csv {
        let path = fixture(rel);
        let mut rdr =
            csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
        let mut columns: HashMap<String, Vec<String>> =
            headers.iter().map(|h| (h.clone(), Vec::new())).collect();
        let mut n_rows = 0;
        for rec in rdr.records() {
            let rec = rec.unwrap();
            for (h, v) in headers.iter().zip(rec.iter()) {
                columns.get_mut(h).unwrap().push(v.to_string());
            }
            n_rows += 1;
        }
        Csv { columns, n_rows }
    }

    pub fn str(&self, name: &str) -> &[String] {
        self.columns
            .get(name)
            .unwrap_or_else(|| panic!("no column {name}"))
    }

    /// A numeric column; "NA"/"" become NaN.
    pub fn f64(&self, name: &str) -> Vec<f64> {
        self.str(name)
            .iter()
            .map(|s| {
                if s == "NA" || s.is_empty() {
                    f64::NAN
                } else {
                    s.parse().unwrap_or_else(|_| panic!("{name}: {s}"))
                }
            })
            .collect()
    }
}

/// Reads a JSON reference written by an R script next to the fixture.
pub fn json(rel: &str) -> serde_json::Value {
    let path = fixture(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A JSON array of numbers (null -> NaN). A scalar is read as a one-element array (jsonlite's auto_unbox).
pub fn nums(v: &serde_json::Value) -> Vec<f64> {
    match v {
        serde_json::Value::Array(a) => a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect(),
        other => vec![other.as_f64().unwrap_or(f64::NAN)],
    }
}

/// Relative closeness with an absolute floor for values near zero; NaN equals NaN (R's NA).
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a == b {
        return true;
    }
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-300) || (a - b).abs() <= rel * 1e-3
}

pub fn assert_close(what: &str, ours: f64, r: f64, rel: f64) {
    assert!(
        close(ours, r, rel),
        "{what}: ours {ours:e}, R {r:e}, rel err {:e}",
        ((ours - r) / r).abs()
    );
}

pub fn assert_all_close(what: &str, ours: &[f64], r: &[f64], rel: f64) {
    assert_eq!(
        ours.len(),
        r.len(),
        "{what}: length ours {} vs R {}",
        ours.len(),
        r.len()
    );
    for (i, (a, b)) in ours.iter().zip(r).enumerate() {
        assert!(
            close(*a, *b, rel),
            "{what}[{i}]: ours {a:e}, R {b:e}, rel err {:e}",
            ((a - b) / b).abs()
        );
    }
}

/// Option<f64> -> f64 with None as NaN, for comparing against R's NA.
pub fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

pub mod km_curve;

/// A JSON string or array of strings (jsonlite unboxes one-element vectors).
pub fn strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        serde_json::Value::String(s) => vec![s.clone()],
        other => panic!("not strings: {other}"),
    }
}

/// R's values (null = NA, NaN or ±Inf: jsonlite writes all of them as null; ours is then not finite) against
/// ours, element by element.
pub fn check(what: &str, ours: &[f64], r: &serde_json::Value, rel: f64) {
    let r = if r.is_null() {
        vec![f64::NAN; ours.len()]
    } else {
        nums(r)
    };
    assert_eq!(
        ours.len(),
        r.len(),
        "{what}: length ours {} vs R {}",
        ours.len(),
        r.len()
    );
    for (i, (&a, &b)) in ours.iter().zip(&r).enumerate() {
        let ok = if b.is_nan() {
            !a.is_finite()
        } else {
            close(a, b, rel)
        };
        assert!(ok, "{what}[{i}]: ours {a:e}, R {b:e}");
    }
}

/// Options as numbers, `None` as NaN (R's NA).
pub fn opts_f64(v: &[Option<f64>]) -> Vec<f64> {
    v.iter().map(|x| x.unwrap_or(f64::NAN)).collect()
}

/// Counts as numbers.
pub fn as_f(v: &[usize]) -> Vec<f64> {
    v.iter().map(|&x| x as f64).collect()
}
