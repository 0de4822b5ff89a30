//! Every reader takes every missing-value token of `sigsurv_io::missing` as missing: the table reader (numeric
//! and text columns, with and without spaces around the token) and the expression-matrix reader.

use sigsurv_io::missing::{expression_missing_tokens, MISSING_TOKENS, NAN_TOKENS};
use sigsurv_io::{read_expression, read_table, ColumnValues, ExpressionSpec, TableSpec};
use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn tables_drop_rows_holding_a_missing_token() {
    let dir = tempfile::tempdir().unwrap();
    for token in MISSING_TOKENS {
        for cell in [token.to_string(), format!(" {token} ")] {
            let text = format!("time,grade,arm\n1,2,a\n2,{cell},b\n3,4,{cell}\n5,6,c\n");
            let path = write(dir.path(), "cohort.csv", &text);
            let spec = TableSpec {
                path,
                ..TableSpec::default()
            };
            let t = read_table(&spec, &["time", "grade", "arm"]).unwrap();
            assert_eq!((t.n_read, t.n_dropped), (4, 2), "token {cell:?}");
            assert_eq!(
                t.get("time"),
                &ColumnValues::Numeric(vec![1.0, 5.0]),
                "token {cell:?}"
            );
            assert_eq!(
                t.get("grade"),
                &ColumnValues::Numeric(vec![2.0, 6.0]),
                "token {cell:?}"
            );
            assert_eq!(
                t.get("arm").label(0) + &t.get("arm").label(1),
                "ac",
                "token {cell:?}"
            );
        }
    }
}

/// `NaN` (R's spelling, one of `NAN_TOKENS`) is a number in a table, not a missing value: a NaN time is then
/// an error naming the line.
#[test]
fn tables_read_nan_as_a_number() {
    assert!(NAN_TOKENS.contains(&"NaN"));
    let dir = tempfile::tempdir().unwrap();
    let spec = TableSpec {
        path: write(dir.path(), "cohort.csv", "x\n1\nNaN\n"),
        ..TableSpec::default()
    };
    let t = read_table(&spec, &["x"]).unwrap();
    assert_eq!(t.n_dropped, 0);
    match t.get("x") {
        ColumnValues::Numeric(v) => assert!(v[0] == 1.0 && v[1].is_nan(), "{v:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn expression_matrices_read_every_token_as_missing() {
    let dir = tempfile::tempdir().unwrap();
    for token in expression_missing_tokens() {
        for cell in [
            token.to_string(),
            format!(" {token} "),
            token.to_ascii_lowercase(),
        ] {
            for (name, sep) in [("m.csv", ','), ("m.tsv", '\t')] {
                let text = format!("gene{sep}s1{sep}s2\nA{sep}1{sep}{cell}\nB{sep}{cell}{sep}3\n");
                let path = write(dir.path(), name, &text);
                let m = read_expression(&ExpressionSpec {
                    path,
                    ..ExpressionSpec::default()
                })
                .unwrap_or_else(|e| panic!("token {cell:?} in {name}: {e}"));
                assert_eq!(m.genes, ["A", "B"], "token {cell:?} in {name}");
                let v = &m.values;
                assert!(
                    v[0] == 1.0 && v[1].is_nan() && v[2].is_nan() && v[3] == 3.0,
                    "token {cell:?} in {name}: {v:?}"
                );
            }
        }
    }
}
