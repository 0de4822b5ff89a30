//! Reading expression matrices in every layout, collapsing duplicates, missing values, and the error messages.

use sigsurv_io::{read_expression, Collapse, ExpressionMatrix, ExpressionSpec, IoError, Layout};
use std::path::PathBuf;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn spec(rel: &str) -> ExpressionSpec {
    ExpressionSpec {
        path: fixture(rel),
        ..ExpressionSpec::default()
    }
}

fn row(m: &ExpressionMatrix, gene: &str) -> Vec<f64> {
    let g = m
        .genes
        .iter()
        .position(|x| x == gene)
        .unwrap_or_else(|| panic!("{gene} not in {:?}", m.genes));
    m.row(g).to_vec()
}

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

/// The 6-row example in its three text layouts reads to the same matrix.
#[test]
fn genes_in_rows_csv_tsv_and_samples_in_rows_agree() {
    let csv = read_expression(&spec("expression/genes_rows.csv")).unwrap();
    let tsv = read_expression(&spec("expression/genes_rows_rstyle.tsv")).unwrap();
    let t = read_expression(&ExpressionSpec {
        samples_in_rows: true,
        ..spec("expression/samples_rows.csv")
    })
    .unwrap();
    assert_eq!(csv.layout, Layout::GenesInRows);
    assert_eq!(t.layout, Layout::SamplesInRows);
    for m in [&csv, &tsv, &t] {
        assert_eq!(m.samples, vec!["S1", "S2", "S3", "S4"]);
        assert_eq!(m.genes, vec!["IL1B", "IL8", "TLR4", "GAPDH", "MYD88"]);
        assert_eq!(m.n_duplicates_collapsed, 1);
        assert_eq!(m.duplicated, vec![("IL1B".to_string(), 2)]);
        assert_eq!(row(m, "IL1B"), vec![2.0, 3.0, 4.0, 5.0]); // mean of 1..4 and 3..6
        assert_eq!(row(m, "TLR4"), vec![0.5, -1.0, 2.25, 3.0]);
        assert!(row(m, "MYD88")[1].is_nan());
        assert_eq!(m.value(3, 2), 12.0);
        assert_eq!(m.n_missing(), 1);
    }
    assert!(same(&csv.values, &t.values));
    assert!(same(&csv.values, &tsv.values));
}

#[test]
fn collapse_rules() {
    let read = |c| {
        read_expression(&ExpressionSpec {
            collapse: c,
            ..spec("expression/genes_rows.csv")
        })
        .unwrap()
    };
    assert_eq!(row(&read(Collapse::Mean), "IL1B"), vec![2.0, 3.0, 4.0, 5.0]);
    // Row means 2.5 and 4.5: the lower-case duplicate wins, under the first spelling's name.
    assert_eq!(
        row(&read(Collapse::MaxMean), "IL1B"),
        vec![3.0, 4.0, 5.0, 6.0]
    );
    assert_eq!(
        row(&read(Collapse::First), "IL1B"),
        vec![1.0, 2.0, 3.0, 4.0]
    );
    assert_eq!(Collapse::parse("Max-Mean"), Some(Collapse::MaxMean));
    assert_eq!(Collapse::parse("median"), None);
}

#[test]
fn cbioportal_layout_falls_back_to_entrez() {
    let m = read_expression(&spec("expression/cbio_mrna.txt")).unwrap();
    assert_eq!(m.layout, Layout::Cbioportal);
    assert_eq!(m.samples, vec!["TCGA-01", "TCGA-02", "TCGA-03"]);
    assert_eq!(m.genes, vec!["IL1B", "7157", "3576", "IL1RAP"]);
    assert_eq!(m.n_entrez_fallback, 2);
    assert_eq!(row(&m, "IL1B"), vec![1.5, 2.5, 3.5]);
    // The Entrez column can be chosen as the identifier.
    let e = read_expression(&ExpressionSpec {
        gene_column: Some("Entrez_Gene_Id".into()),
        ..spec("expression/cbio_mrna.txt")
    })
    .unwrap();
    assert_eq!(e.genes, vec!["3553", "7157", "3576", "3556"]);
    assert_eq!(e.samples.len(), 3);
}

#[test]
fn gct_layout() {
    let m = read_expression(&ExpressionSpec {
        collapse: Collapse::MaxMean,
        ..spec("expression/example.gct")
    })
    .unwrap();
    assert_eq!(m.layout, Layout::Gct);
    assert_eq!(m.samples, vec!["A", "B"]);
    assert_eq!(m.genes, vec!["IL1B", "CXCL8"]);
    assert_eq!(row(&m, "IL1B"), vec![5.0, 8.0]);
    let d = read_expression(&ExpressionSpec {
        gene_column: Some("Description".into()),
        ..spec("expression/example.gct")
    })
    .unwrap();
    assert_eq!(d.genes.len(), 3);
    assert_eq!(d.samples, vec!["A", "B"]);
}

#[test]
fn gct_dimensions_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.gct");
    std::fs::write(&p, "#1.2\n5\t2\nName\tDescription\tA\tB\nG1\tna\t1\t2\n").unwrap();
    let e = read_expression(&ExpressionSpec {
        path: p,
        ..Default::default()
    })
    .unwrap_err();
    assert!(
        e.to_string().contains("says 5 rows but the file has 1"),
        "{e}"
    );
}

#[test]
fn parquet_reads_like_csv() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("e.parquet");
    let mut df = df!(
        "gene" => ["IL1B", "TLR4", "il1b"],
        "S1" => [1.0, 2.0, 3.0],
        "S2" => [Some(4i64), None, Some(6)],
    )
    .unwrap();
    ParquetWriter::new(std::fs::File::create(&p).unwrap())
        .finish(&mut df)
        .unwrap();
    let m = read_expression(&ExpressionSpec {
        path: p.clone(),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(m.genes, vec!["IL1B", "TLR4"]);
    assert_eq!(m.samples, vec!["S1", "S2"]);
    assert_eq!(row(&m, "IL1B"), vec![2.0, 5.0]);
    assert!(row(&m, "TLR4")[1].is_nan());

    // A text column that is not numeric names gene, sample and row.
    let p2 = dir.path().join("bad.parquet");
    let mut bad = df!("gene" => ["A", "B"], "S1" => ["1.5", "oops"]).unwrap();
    ParquetWriter::new(std::fs::File::create(&p2).unwrap())
        .finish(&mut bad)
        .unwrap();
    let e = read_expression(&ExpressionSpec {
        path: p2,
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "non-numeric expression value \"oops\" for gene \"B\", sample \"S1\" at row 2 of {}",
            dir.path().join("bad.parquet").display()
        )
    );
}

#[test]
fn non_numeric_cell_names_gene_sample_value_and_line() {
    let s = spec("expression/bad_nonnumeric.csv");
    let e = read_expression(&s).unwrap_err();
    assert!(matches!(e, IoError::NonNumericExpression { .. }));
    assert_eq!(
        e.to_string(),
        format!(
            "non-numeric expression value \"high\" for gene \"TLR4\", sample \"S2\" at line 3 of {}",
            s.path.display()
        )
    );
    assert!(e.hints().iter().any(|h| h.contains("--samples-in-rows")));
}

#[test]
fn non_numeric_cell_with_samples_in_rows() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    std::fs::write(&p, "id,IL1B,TLR4\nP1,1,2\nP2,3,n.d.\n").unwrap();
    let e = read_expression(&ExpressionSpec {
        path: p,
        samples_in_rows: true,
        ..Default::default()
    })
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("\"n.d.\" for gene \"TLR4\", sample \"P2\" at line 3"),
        "{msg}"
    );
}

#[test]
fn duplicate_sample_columns_are_named() {
    let e = read_expression(&spec("expression/bad_duplicate_samples.csv")).unwrap_err();
    match &e {
        IoError::DuplicateSamples { samples, .. } => {
            assert_eq!(samples, &vec!["S2".to_string(), "S1".to_string()])
        }
        other => panic!("unexpected {other}"),
    }
    assert!(
        e.to_string().starts_with("duplicate sample names in "),
        "{e}"
    );
    // Duplicate sample rows with --samples-in-rows too.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("t.csv");
    std::fs::write(&p, "id,IL1B\nP1,1\nP1,3\n").unwrap();
    let e = read_expression(&ExpressionSpec {
        path: p,
        samples_in_rows: true,
        ..Default::default()
    })
    .unwrap_err();
    assert!(
        matches!(e, IoError::DuplicateSamples { ref samples, .. } if samples == &vec!["P1".to_string()])
    );
}

#[test]
fn missing_identifier_ragged_line_and_unknown_gene_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.csv");
    std::fs::write(&p, "gene,S1\nIL1B,1\n,2\n").unwrap();
    let e = read_expression(&ExpressionSpec {
        path: p.clone(),
        ..Default::default()
    })
    .unwrap_err();
    assert!(
        e.to_string().contains("at line 3: missing gene identifier"),
        "{e}"
    );

    std::fs::write(&p, "gene,S1,S2\nIL1B,1,2\nTLR4,1,2,3\n").unwrap();
    let e = read_expression(&ExpressionSpec {
        path: p.clone(),
        ..Default::default()
    })
    .unwrap_err();
    assert!(e.to_string().contains("line 3"), "{e}");

    std::fs::write(&p, "gene,S1\nIL1B,1\n").unwrap();
    let e = read_expression(&ExpressionSpec {
        path: p.clone(),
        gene_column: Some("Gene".into()),
        ..Default::default()
    })
    .unwrap_err();
    assert!(matches!(e, IoError::UnknownColumn { .. }));
    assert!(e
        .hints()
        .iter()
        .any(|h| h.contains("did you mean \"gene\"")));

    std::fs::write(&p, "gene,S1\nIL1B,inf\n").unwrap();
    let e = read_expression(&ExpressionSpec {
        path: p,
        ..Default::default()
    })
    .unwrap_err();
    assert!(e.to_string().contains("infinite expression value"), "{e}");

    let e = read_expression(&ExpressionSpec {
        path: dir.path().join("none.csv"),
        ..Default::default()
    })
    .unwrap_err();
    assert!(matches!(e, IoError::Open { .. }));
}

#[test]
fn missing_values_drop_empty_samples_then_incomplete_genes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.tsv");
    std::fs::write(
        &p,
        "gene\tS1\tS2\tS3\nA\t1\tNA\t2\nB\t1\t\t3\nC\tNA\tNaN\t4\nD\t5\tNA\t6\n",
    )
    .unwrap();
    let mut m = read_expression(&ExpressionSpec {
        path: p,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(m.n_missing(), 5);
    let r = m.drop_missing();
    assert_eq!(r.n_missing, 5);
    assert_eq!(r.samples_dropped, vec!["S2"]);
    assert_eq!(r.genes_dropped, vec!["C"]);
    assert_eq!(m.genes, vec!["A", "B", "D"]);
    assert_eq!(m.samples, vec!["S1", "S3"]);
    assert_eq!(m.values, vec![1.0, 2.0, 1.0, 3.0, 5.0, 6.0]);
    assert_eq!(m.drop_missing(), sigsurv_io::MissingReport::default());
}

#[test]
fn select_samples_reorders_columns() {
    let m = read_expression(&spec("expression/genes_rows.csv")).unwrap();
    let idx = m.sample_index();
    let s = m.select_samples(&[idx["S4"], idx["S1"]]);
    assert_eq!(s.samples, vec!["S4", "S1"]);
    assert_eq!(row(&s, "GAPDH"), vec![13.0, 10.0]);
}

/// The committed GSE1992 subset (samples in rows, 124 × 1,060) reads with the panel intact.
#[test]
fn gse1992_fixture() {
    let m = read_expression(&ExpressionSpec {
        samples_in_rows: true,
        ..spec("gse1992/expression.csv")
    })
    .unwrap();
    assert_eq!(m.n_samples(), 124);
    assert_eq!(m.n_genes(), 1060);
    assert_eq!(m.n_missing(), 0);
    let sets = sigsurv_io::resolve_sets(None, &["IL1".into()]).unwrap();
    let hit = sigsurv_io::match_set(&m, &sets[0]);
    assert_eq!(hit.rows.len(), 27, "missing {:?}", hit.missing);
    let il1 = read_expression(&ExpressionSpec {
        samples_in_rows: true,
        ..spec("gse1992/expression_il1.csv")
    })
    .unwrap();
    for g in ["IL1B", "CXCL8", "PTGS2"] {
        assert_eq!(row(&m, g), row(&il1, g));
    }
}
