//! Read-speed check on a large generated matrix (ignored by default; needs the file).
//!
//! ```text
//! python3 bench/gen_expression.py 2000 20000 /tmp/expr_genes_rows.csv
//! python3 bench/gen_expression.py 2000 20000 /tmp/expr_samples_rows.csv --samples-in-rows
//! SIGSURV_BENCH_DIR=/tmp cargo test --release -p sigsurv-io --test bench_expression -- --ignored --nocapture
//! ```

use sigsurv_io::{read_expression, ExpressionSpec};
use std::path::Path;
use std::time::Instant;

/// Writes `csv` (genes in rows) as Parquet once, with polars' own reader, so the Parquet path can be timed too.
fn parquet_copy(csv: &Path) -> std::path::PathBuf {
    use polars::prelude::*;
    let out = csv.with_extension("parquet");
    if !out.exists() {
        let mut df = LazyCsvReader::new(PlRefPath::new(csv.to_string_lossy().as_ref()))
            .with_has_header(true)
            .finish()
            .unwrap()
            .collect()
            .unwrap();
        ParquetWriter::new(std::fs::File::create(&out).unwrap())
            .finish(&mut df)
            .unwrap();
    }
    out
}

#[test]
#[ignore]
fn read_2000_by_20000() {
    let dir = std::env::var("SIGSURV_BENCH_DIR").unwrap_or_else(|_| "/tmp".into());
    let genes_rows = Path::new(&dir).join("expr_genes_rows.csv");
    let mut files = vec![
        (genes_rows.clone(), false),
        (Path::new(&dir).join("expr_samples_rows.csv"), true),
    ];
    if genes_rows.exists() {
        files.push((parquet_copy(&genes_rows), false));
    }
    for (path, samples_in_rows) in files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        if !path.exists() {
            eprintln!("skipping {}: not generated", path.display());
            continue;
        }
        for run in 0..3 {
            let t = Instant::now();
            let m = read_expression(&ExpressionSpec {
                path: path.clone(),
                samples_in_rows,
                ..Default::default()
            })
            .unwrap();
            eprintln!(
                "{file} run {run}: {} genes x {} samples in {:.2} s",
                m.n_genes(),
                m.n_samples(),
                t.elapsed().as_secs_f64()
            );
        }
    }
}
