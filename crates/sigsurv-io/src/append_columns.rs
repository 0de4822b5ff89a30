//! A delimited table with columns added, matched on an id column: `sigsurv score --clinical` writes the clinical
//! table with each patient's scores, so that `cox`, `km` and `cutpoint` can read them. Every line and cell of the
//! input is kept byte for byte (numbers are not reformatted, quoting is kept); only the new cells are added.

use crate::error::{IoError, Result};
use crate::format::Format;
use std::collections::HashMap;
use std::path::Path;

/// The table at `path` with the columns `names` appended; `values[id]` holds the new cells of the row whose
/// `id_column` cell is `id` (quotes removed), `NA` for a row without values. Returns the new text and the number
/// of rows that got values.
///
/// # Errors
/// [`IoError::Open`] for an unreadable file; [`IoError::NotText`]-style refusals for a table that is not delimited
/// text (Parquet, Arrow: convert it or use the score file); [`IoError::UnknownColumn`] for a missing id column;
/// [`IoError::DuplicateColumns`] when a new column's name is already in the header.
pub fn append_columns(
    path: &Path,
    delimiter: Option<u8>,
    id_column: &str,
    names: &[String],
    values: &HashMap<String, Vec<String>>,
) -> Result<(String, usize)> {
    let sep = match Format::detect(path, delimiter)? {
        Format::Delimited(sep) => sep,
        _ => {
            return Err(IoError::Open {
                path: path.to_path_buf(),
                reason: "adding score columns needs a delimited text table (CSV or TSV); write this one as CSV \
                         first"
                    .into(),
            })
        }
    };
    crate::format::check_is_text(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| IoError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut lines = text.lines();
    let header_line = lines.next().unwrap_or("");
    let header: Vec<String> = split_fields(header_line, sep)
        .into_iter()
        .map(|f| unquote(f).to_string())
        .collect();
    let Some(id_at) = header.iter().position(|h| h == id_column) else {
        return Err(IoError::UnknownColumn {
            path: path.to_path_buf(),
            column: id_column.to_string(),
            available: header,
        });
    };
    let clashes: Vec<(String, Vec<usize>)> = names
        .iter()
        .filter_map(|n| {
            let at: Vec<usize> = header
                .iter()
                .enumerate()
                .filter(|(_, h)| *h == n)
                .map(|(i, _)| i + 1)
                .collect();
            (!at.is_empty()).then(|| (n.clone(), at))
        })
        .collect();
    if !clashes.is_empty() {
        return Err(IoError::DuplicateColumns {
            path: path.to_path_buf(),
            names: clashes,
        });
    }
    let sep_char = sep as char;
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    out.push_str(header_line.trim_end_matches('\r'));
    for n in names {
        out.push(sep_char);
        out.push_str(&quote_if_needed(n, sep_char));
    }
    out.push('\n');
    let missing = vec!["NA".to_string(); names.len()];
    let mut matched = 0;
    for line in lines {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let fields = split_fields(line, sep);
        let id = fields.get(id_at).map(|f| unquote(f)).unwrap_or("");
        let cells = match values.get(id) {
            Some(v) => {
                matched += 1;
                v
            }
            None => &missing,
        };
        out.push_str(line);
        for c in cells {
            out.push(sep_char);
            out.push_str(c);
        }
        out.push('\n');
    }
    Ok((out, matched))
}

/// The fields of one line, separated by `sep` outside double quotes (quotes kept).
fn split_fields(line: &str, sep: u8) -> Vec<&str> {
    let mut fields = Vec::new();
    let (mut start, mut in_quotes) = (0, false);
    for (i, b) in line.bytes().enumerate() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if b == sep && !in_quotes {
            fields.push(&line[start..i]);
            start = i + 1;
        }
    }
    fields.push(&line[start..]);
    fields
}

fn unquote(field: &str) -> &str {
    let f = field.trim();
    f.strip_prefix('"')
        .and_then(|f| f.strip_suffix('"'))
        .unwrap_or(f)
}

fn quote_if_needed(name: &str, sep: char) -> String {
    if name.contains(sep) || name.contains('"') {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_kept_as_written_and_unmatched_rows_get_na() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("clin.csv");
        std::fs::write(
            &p,
            "id,\"age, years\",note\n\"a\",50.10,\"x, y\"\nb,1e3,\nc,,z\n",
        )
        .unwrap();
        let values: HashMap<String, Vec<String>> = [
            ("a".to_string(), vec!["0.5".to_string()]),
            ("c".to_string(), vec!["-1".to_string()]),
        ]
        .into();
        let (text, matched) =
            append_columns(&p, None, "id", &["IL1".to_string()], &values).unwrap();
        assert_eq!(matched, 2);
        assert_eq!(
            text,
            "id,\"age, years\",note,IL1\n\"a\",50.10,\"x, y\",0.5\nb,1e3,,NA\nc,,z,-1\n"
        );
        let err = append_columns(&p, None, "id", &["note".to_string()], &values).unwrap_err();
        assert!(matches!(err, IoError::DuplicateColumns { .. }));
        let err = append_columns(&p, None, "sample", &["IL1".to_string()], &values).unwrap_err();
        assert!(matches!(err, IoError::UnknownColumn { .. }));
    }
}
