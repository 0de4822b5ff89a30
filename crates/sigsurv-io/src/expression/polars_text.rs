//! The polars CSV path that [`super::text`] replaced, kept for tests: the new reader must give the same values.
//!
//! Delimited text is read without polars' header handling (`has_header = false`, the header lines skipped) and with
//! an explicit schema over synthetic column names. If the Float64 pass fails, the file is read again as text to
//! name the offending cell.

use super::read::{
    frame_to_raw, malformed, open_err, plan_columns, polars_err, read_header_lines, split_fields,
    Header, Plan, Raw,
};
use super::{ExpressionSpec, Layout};
use crate::error::Result;
use crate::format::Format;
use crate::missing::expression_missing_tokens;
use polars::prelude::*;
use std::io::BufRead;
use std::path::Path;

/// Reads delimited text the polars way.
pub(super) fn read_raw_polars(spec: &ExpressionSpec, sep: u8) -> Result<Raw> {
    let (df, header, plan, first_data_line) = read_delimited(spec, sep)?;
    frame_to_raw(
        spec,
        Format::Delimited(sep),
        &df,
        &header,
        &plan,
        first_data_line,
    )
}

/// Reads delimited text: returns the frame, the header names, the plan and the 1-based line of the first data row.
fn read_delimited(spec: &ExpressionSpec, sep: u8) -> Result<(DataFrame, Vec<String>, Plan, u64)> {
    let path = &spec.path;
    let file = std::fs::File::open(path).map_err(|e| open_err(path, e.to_string()))?;
    let mut reader = std::io::BufReader::new(file);
    let next_line = || -> Result<Option<String>> {
        let mut buf = Vec::new();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| open_err(path, e.to_string()))?;
        if n == 0 {
            return Ok(None);
        }
        let s = String::from_utf8_lossy(&buf);
        Ok(Some(s.trim_end_matches(['\n', '\r']).to_string()))
    };
    let Header {
        names: header,
        is_gct,
        gct_dims,
        lines: header_line_no,
    } = read_header_lines(path, sep, next_line)?;
    let plan = plan_columns(spec, &header, is_gct)?;
    if let (Some((rows, cols)), Layout::Gct) = (gct_dims, plan.layout) {
        if cols != plan.values.len() {
            return Err(malformed(
                path,
                Some(2),
                format!(
                    "the GCT dimensions line says {cols} samples but the header has {}",
                    plan.values.len()
                ),
            ));
        }
        let _ = rows; // checked after reading
    }

    let text_cols: Vec<usize> = (0..header.len())
        .filter(|c| !plan.values.contains(c))
        .collect();
    let scan = |all_text: bool| -> PolarsResult<DataFrame> {
        let schema: Schema = (0..header.len())
            .map(|i| {
                let dtype = if all_text || text_cols.contains(&i) {
                    DataType::String
                } else {
                    DataType::Float64
                };
                Field::new(format!("c{i}").into(), dtype)
            })
            .collect();
        LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
            .with_has_header(false)
            .with_skip_lines(header_line_no as usize)
            .with_separator(sep)
            .with_comment_prefix(None)
            .with_schema(Some(Arc::new(schema)))
            .with_null_values(Some(NullValues::AllColumns(
                expression_missing_tokens().map(|s| s.into()).collect(),
            )))
            .finish()?
            .collect()
    };
    let df = match scan(false) {
        Ok(df) => df,
        // A non-numeric cell (or a ragged line): read as text to find it.
        Err(_) => scan(true).map_err(|e| {
            match first_ragged_line(path, sep, header_line_no, header.len()) {
                Some((line, message)) => malformed(path, Some(line), message),
                None => polars_err(path, e),
            }
        })?,
    };
    if let Some((rows, _)) = gct_dims {
        if rows != df.height() {
            return Err(malformed(
                path,
                Some(2),
                format!(
                    "the GCT dimensions line says {rows} rows but the file has {}",
                    df.height()
                ),
            ));
        }
    }
    Ok((df, header, plan, header_line_no + 1))
}

/// The first data line (after `skip` header lines) whose field count is not `expected`.
fn first_ragged_line(path: &Path, sep: u8, skip: u64, expected: usize) -> Option<(u64, String)> {
    let file = std::fs::File::open(path).ok()?;
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line_no = i as u64 + 1;
        let line = line.ok()?;
        if line_no <= skip || line.trim().is_empty() {
            continue;
        }
        let n = split_fields(&line, sep).len();
        if n != expected {
            return Some((
                line_no,
                format!("expected {expected} fields as in the header, found {n}"),
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    //! The parallel text reader against this polars reader: same identifiers, names, layout and bit-identical
    //! values (NaN where missing) on every text fixture, in both orientations, and the same kind of error on bad
    //! files.
    use super::*;
    use crate::expression::read::read_raw;
    use std::io::Write;
    use std::path::PathBuf;

    fn fixture(rel: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(rel)
    }

    fn sep_of(spec: &ExpressionSpec) -> u8 {
        match Format::detect(&spec.path, spec.delimiter).unwrap() {
            Format::Delimited(sep) => sep,
            f => panic!("{f:?}"),
        }
    }

    fn assert_same(spec: &ExpressionSpec) {
        let new = read_raw(spec).unwrap();
        let old = read_raw_polars(spec, sep_of(spec)).unwrap();
        let what = spec.path.display();
        assert_eq!(new.layout, old.layout, "{what}");
        assert_eq!(new.ids, old.ids, "{what}");
        assert_eq!(new.value_names, old.value_names, "{what}");
        assert_eq!(new.n_entrez_fallback, old.n_entrez_fallback, "{what}");
        assert_eq!(new.values.len(), old.values.len(), "{what}");
        for (i, (a, b)) in new.values.iter().zip(&old.values).enumerate() {
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{what}: value {i}: {a} vs {b}"
            );
        }
    }

    #[test]
    fn same_values_as_polars_on_every_text_fixture() {
        let cases: &[(&str, bool)] = &[
            ("expression/genes_rows.csv", false),
            ("expression/genes_rows_rstyle.tsv", false),
            ("expression/samples_rows.csv", true),
            ("expression/cbio_mrna.txt", false),
            ("expression/example.gct", false),
            ("gse1992/expression.csv", true),
            ("gse1992/expression_il1.csv", true),
            ("cbioportal_study/data_mrna_seq_v2_rsem.txt", false),
            (
                "cbioportal_study/data_mrna_seq_v2_rsem_zscores_ref_all_samples.txt",
                false,
            ),
        ];
        for &(rel, samples_in_rows) in cases {
            let spec = ExpressionSpec {
                path: fixture(rel),
                samples_in_rows,
                ..Default::default()
            };
            assert_same(&spec);
        }
        // The wide fixture read the other way round (genes in rows: 1 "gene" per sample) still agrees.
        assert_same(&ExpressionSpec {
            path: fixture("gse1992/expression_il1.csv"),
            ..Default::default()
        });
    }

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::File::create(&p)
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        p
    }

    #[test]
    fn quoting_missing_values_blank_lines_and_crlf_agree() {
        let dir = tempfile::tempdir().unwrap();
        let text = "\u{feff}\"gene\",\"S 1\",S2,S3\r\n\"IL1B\", 1.5 ,NA,\"2e-3\"\r\nTLR4,,nan,-0\r\nMYD88,1e300,N/A,7\r\n";
        let p = write(&dir, "q.csv", text);
        assert_same(&ExpressionSpec {
            path: p.clone(),
            ..Default::default()
        });
        // Blank lines are skipped (polars read one as a row without an identifier, an error).
        let blank = write(&dir, "b.csv", &text.replace("TLR4", "\r\n  \nTLR4"));
        let raw = read_raw(&ExpressionSpec {
            path: blank,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(raw.ids, vec!["IL1B", "TLR4", "MYD88"]);
        assert_eq!(raw.value_names, vec!["S 1", "S2", "S3"]);
        assert_eq!(raw.values[2], 2e-3);
        assert!(raw.values[3].is_nan() && raw.values[4].is_nan());
        // No trailing newline, samples in rows, tabs.
        let p = write(&dir, "t.tsv", "id\tA\tB\nP1\t1\t2\nP2\t3\t4");
        let spec = ExpressionSpec {
            path: p,
            samples_in_rows: true,
            ..Default::default()
        };
        assert_same(&spec);
        assert_eq!(read_raw(&spec).unwrap().values, vec![1.0, 3.0, 2.0, 4.0]);
    }

    /// Many chunks: a file larger than the 1 MiB minimum chunk, both orientations.
    #[test]
    fn large_file_agrees_across_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let (rows, cols) = (300, 700);
        let mut text = String::from("id");
        for c in 0..cols {
            text.push_str(&format!(",C{c}"));
        }
        text.push('\n');
        let mut x: u64 = 12345;
        for r in 0..rows {
            text.push_str(&format!("R{r}"));
            for _ in 0..cols {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(&format!(
                    ",{:.6e}",
                    (x >> 11) as f64 / (1u64 << 53) as f64 * 20.0 - 3.0
                ));
            }
            text.push('\n');
        }
        assert!(text.len() > 2 << 20);
        let p = write(&dir, "big.csv", &text);
        for samples_in_rows in [false, true] {
            assert_same(&ExpressionSpec {
                path: p.clone(),
                samples_in_rows,
                ..Default::default()
            });
        }
    }

    /// Bad files give the same kind of error from both readers, with the line.
    #[test]
    fn errors_name_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            (
                "ragged_short.csv",
                "gene,S1,S2\nA,1,2\nB,3\nC,4,5\n",
                "line 3",
                false,
            ),
            (
                "ragged_long.csv",
                "gene,S1,S2\nA,1,2\nB,3,4\nC,4,5,6\n",
                "line 4",
                false,
            ),
            (
                "text.csv",
                "gene,S1,S2\nA,1,2\nB,3,high\n",
                "\"high\" for gene \"B\", sample \"S2\" at line 3",
                false,
            ),
            (
                "text_rows.csv",
                "id,G1,G2\nP1,1,2\nP2,x,4\n",
                "\"x\" for gene \"G1\", sample \"P2\" at line 3",
                true,
            ),
            (
                "inf.csv",
                "gene,S1,S2\nA,1,2\nB,-inf,4\n",
                "line 3 (gene \"B\", sample \"S1\")",
                false,
            ),
            (
                "noid.csv",
                "gene,S1,S2\nA,1,2\n,3,4\n",
                "at line 3: missing gene identifier",
                false,
            ),
        ];
        for (name, text, want, samples_in_rows) in cases {
            let spec = ExpressionSpec {
                path: write(&dir, name, text),
                samples_in_rows,
                ..Default::default()
            };
            let new = read_raw(&spec)
                .err()
                .unwrap_or_else(|| panic!("{name} read"));
            assert!(new.to_string().contains(want), "{name}: {new}");
            if name == "ragged_short.csv" {
                // polars filled the missing fields with nulls; a short line is an error now, as documented.
                continue;
            }
            let old = read_raw_polars(&spec, b',')
                .err()
                .unwrap_or_else(|| panic!("{name} read by polars"));
            assert_eq!(
                std::mem::discriminant(&new),
                std::mem::discriminant(&old),
                "{name}: {new} / {old}"
            );
        }
    }
}
