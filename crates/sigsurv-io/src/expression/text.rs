//! Delimited text (CSV, TSV, GCT): a parallel reader made for numeric matrices.
//!
//! The header (and GCT's two preamble lines) is read first and decides the layout. The data lines are then split
//! into line-aligned byte ranges that rayon parses independently: a first pass counts each range's rows, so every
//! range writes its values straight into its own slice of one `f64` buffer (file order), with no per-cell
//! allocation. Samples-in-rows files are transposed once, in cache-sized blocks, at the end. The values do not
//! depend on the number of threads (each cell is parsed on its own), and errors name the first bad line of the file.
//!
//! polars' CSV reader pays a per-column cost that dominates with 20,000 columns; this one does not, and it reads the
//! tall orientation about as fast.
//!
//! Rules: fields are separated by `sep` and may be double-quoted (a quoted field cannot span lines); blank lines are
//! skipped; a line with a different number of fields than the header is an error; a value is trimmed and unquoted,
//! then read as a number, and the missing-value spellings (`crate::missing`, any case) and empty cells read as
//! `NaN`.

use super::read::{
    is_expression_missing, is_missing_identifier, malformed, open_err, plan_columns,
    read_header_lines, Header, Plan, Raw,
};
use super::ExpressionSpec;
use super::Layout;
use crate::error::{IoError, Result};
use crate::format::Format;
use rayon::prelude::*;
use std::ops::Range;
use std::path::Path;

/// What a column of the file is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The `j`-th value column.
    Value(usize),
    Id,
    /// cBioPortal's Entrez column, used when the symbol is missing.
    Fallback,
    Skip,
}

/// Everything a chunk needs to parse its lines and to word an error.
struct Ctx<'a> {
    path: &'a Path,
    header: &'a [String],
    plan: &'a Plan,
    roles: Vec<Role>,
    value_names: Vec<String>,
    sep: u8,
}

/// A chunk's row identifiers.
struct ChunkIds {
    ids: Vec<String>,
    n_fallback: usize,
}

pub(super) fn read_delimited(spec: &ExpressionSpec, sep: u8) -> Result<Raw> {
    let path = &spec.path;
    let bytes = std::fs::read(path).map_err(|e| open_err(path, e.to_string()))?;
    let (header, plan, data_start, header_lines, gct_rows) = read_header(spec, sep, &bytes)?;
    let data = &bytes[data_start..];

    let roles: Vec<Role> = {
        let mut roles = vec![Role::Skip; header.len()];
        for (j, &c) in plan.values.iter().enumerate() {
            roles[c] = Role::Value(j);
        }
        if let Some(c) = plan.fallback {
            roles[c] = Role::Fallback;
        }
        roles[plan.id] = Role::Id;
        roles
    };
    let ctx = Ctx {
        path,
        header: &header,
        plan: &plan,
        roles,
        value_names: plan.values.iter().map(|&c| header[c].clone()).collect(),
        sep,
    };

    // Pass 1: rows and lines of each range, so that each range knows where its rows go.
    let chunks = line_aligned_chunks(data);
    let counts: Vec<(usize, u64)> = chunks
        .par_iter()
        .map(|r| count_rows(&data[r.clone()]))
        .collect();
    let n_rows: usize = counts.iter().map(|c| c.0).sum();
    let n_cols = plan.values.len();
    let mut values = vec![0.0; n_rows * n_cols];
    let mut slices = Vec::with_capacity(chunks.len());
    let mut first_lines = Vec::with_capacity(chunks.len());
    let (mut rest, mut line) = (values.as_mut_slice(), header_lines + 1);
    for &(rows, lines) in &counts {
        let (mine, tail) = rest.split_at_mut(rows * n_cols);
        slices.push(mine);
        first_lines.push(line);
        rest = tail;
        line += lines;
    }

    // Pass 2: parse. The first error in file order wins, whatever finished first.
    let results: Vec<Result<ChunkIds>> = chunks
        .into_par_iter()
        .zip(slices)
        .zip(first_lines)
        .map(|((range, out), first_line)| parse_chunk(&ctx, &data[range], first_line, out))
        .collect();
    let mut ids = Vec::with_capacity(n_rows);
    let mut n_entrez_fallback = 0;
    for r in results {
        let r = r?;
        ids.extend(r.ids);
        n_entrez_fallback += r.n_fallback;
    }
    if let Some(rows) = gct_rows {
        if rows != n_rows {
            return Err(malformed(
                path,
                Some(2),
                format!("the GCT dimensions line says {rows} rows but the file has {n_rows}"),
            ));
        }
    }
    drop(bytes);
    if plan.layout == Layout::SamplesInRows {
        values = transpose(&values, n_rows, n_cols);
    }
    Ok(Raw {
        format: Format::Delimited(sep),
        layout: plan.layout,
        ids,
        value_names: ctx.value_names,
        values,
        n_entrez_fallback,
    })
}

/// Header names, plan, byte offset of the first data line, number of lines before it, GCT's row count.
#[allow(clippy::type_complexity)]
fn read_header(
    spec: &ExpressionSpec,
    sep: u8,
    bytes: &[u8],
) -> Result<(Vec<String>, Plan, usize, u64, Option<usize>)> {
    let path = &spec.path;
    let mut at = 0;
    let mut next_line = || -> Option<String> {
        if at >= bytes.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let s = String::from_utf8_lossy(&bytes[at..end]);
        at = (end + 1).min(bytes.len());
        Some(s.trim_end_matches(['\n', '\r']).to_string())
    };
    let Header {
        names: header,
        is_gct,
        gct_dims,
        lines: header_lines,
    } = read_header_lines(path, sep, || Ok(next_line()))?;
    let data_start = {
        let mut a = 0;
        for _ in 0..header_lines {
            a = memchr::memchr(b'\n', &bytes[a..]).map_or(bytes.len(), |i| a + i + 1);
        }
        a
    };
    let plan = plan_columns(spec, &header, is_gct)?;
    if let (Some((_, cols)), Layout::Gct) = (gct_dims, plan.layout) {
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
    }
    Ok((
        header,
        plan,
        data_start,
        header_lines,
        gct_dims.map(|d| d.0),
    ))
}

/// Byte ranges of `data` that start at a line start and end after a newline (or at the end): a few per thread,
/// at least 1 MiB each.
fn line_aligned_chunks(data: &[u8]) -> Vec<Range<usize>> {
    let target = (data.len() / (8 * rayon::current_num_threads())).max(1 << 20);
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let guess = (start + target).min(data.len());
        let end = match memchr::memchr(b'\n', &data[guess..]) {
            Some(i) => guess + i + 1,
            None => data.len(),
        };
        chunks.push(start..end);
        start = end;
    }
    chunks
}

/// The lines of a chunk, each without its newline and carriage return.
fn lines(chunk: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = chunk.strip_suffix(b"\n").unwrap_or(chunk);
    let mut lines = body.split(|&b| b == b'\n');
    if chunk.is_empty() {
        // `split` of an empty slice yields one empty line; an empty chunk has none.
        lines.next();
    }
    lines.map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Data rows (non-blank lines) and lines of a chunk.
fn count_rows(chunk: &[u8]) -> (usize, u64) {
    let (mut rows, mut n) = (0, 0);
    for line in lines(chunk) {
        n += 1;
        if !is_blank(line) {
            rows += 1;
        }
    }
    (rows, n)
}

/// Parses a chunk's rows into `out` (row-major, `plan.values.len()` values per row); `first_line` is the 1-based
/// line number of its first line.
fn parse_chunk(ctx: &Ctx, chunk: &[u8], first_line: u64, out: &mut [f64]) -> Result<ChunkIds> {
    let n_cols = ctx.value_names.len();
    let n_fields = ctx.header.len();
    let mut ids = Vec::with_capacity(out.len() / n_cols.max(1));
    let mut n_fallback = 0;
    let mut rows = out.chunks_mut(n_cols.max(1));
    for (k, line) in lines(chunk).enumerate() {
        if is_blank(line) {
            continue;
        }
        let line_no = first_line + k as u64;
        let row = if n_cols > 0 {
            rows.next().expect("pass 1 counted this row")
        } else {
            &mut []
        };
        let (mut id, mut fallback, mut bad) = (None, None, None);
        let mut n = 0;
        for field in Fields::new(line, ctx.sep) {
            match ctx.roles.get(n) {
                Some(&Role::Value(j)) => match parse_value(field) {
                    Some(v) if !v.is_infinite() => row[j] = v,
                    other => {
                        if bad.is_none() {
                            bad = Some((j, other, field));
                        }
                    }
                },
                Some(Role::Id) => id = text(field),
                Some(Role::Fallback) => fallback = text(field),
                Some(Role::Skip) | None => {}
            }
            n += 1;
        }
        if n != n_fields {
            return Err(malformed(
                ctx.path,
                Some(line_no),
                format!("expected {n_fields} fields as in the header, found {n}"),
            ));
        }
        let id = match (id, fallback) {
            (Some(id), _) => id,
            (None, Some(fb)) => {
                n_fallback += 1;
                fb
            }
            (None, None) => {
                let what = if ctx.plan.layout == Layout::SamplesInRows {
                    "sample id"
                } else {
                    "gene identifier"
                };
                return Err(malformed(
                    ctx.path,
                    Some(line_no),
                    format!("missing {what} in column \"{}\"", ctx.header[ctx.plan.id]),
                ));
            }
        };
        if let Some((j, value, field)) = bad {
            let name = &ctx.value_names[j];
            let (gene, sample) = if ctx.plan.layout == Layout::SamplesInRows {
                (name.clone(), id)
            } else {
                (id, name.clone())
            };
            return Err(match value {
                Some(v) => IoError::InvalidValue {
                    path: ctx.path.to_path_buf(),
                    column: name.clone(),
                    location: format!("line {line_no} (gene \"{gene}\", sample \"{sample}\")"),
                    value: v.to_string(),
                    what: "infinite expression value".into(),
                },
                None => IoError::NonNumericExpression {
                    path: ctx.path.to_path_buf(),
                    gene,
                    sample,
                    location: format!("line {line_no}"),
                    value: String::from_utf8_lossy(unquote(field)).into_owned(),
                },
            });
        }
        ids.push(id);
    }
    Ok(ChunkIds { ids, n_fallback })
}

/// The raw fields of a line: split at `sep` outside double quotes (quotes are kept; see [`unquote`]).
struct Fields<'a> {
    line: &'a [u8],
    at: usize,
    done: bool,
    sep: u8,
}

impl<'a> Fields<'a> {
    fn new(line: &'a [u8], sep: u8) -> Self {
        Fields {
            line,
            at: 0,
            done: false,
            sep,
        }
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.done {
            return None;
        }
        let start = self.at;
        let mut i = start;
        let mut quoted = false;
        loop {
            match memchr::memchr2(self.sep, b'"', &self.line[i..]) {
                None => {
                    self.done = true;
                    return Some(&self.line[start..]);
                }
                Some(o) if self.line[i + o] == b'"' => {
                    quoted = !quoted;
                    i += o + 1;
                }
                Some(o) if quoted => i += o + 1,
                Some(o) => {
                    self.at = i + o + 1;
                    return Some(&self.line[start..i + o]);
                }
            }
        }
    }
}

/// Trimmed, with surrounding double quotes removed, trimmed again (as the polars path trims text cells).
fn unquote(field: &[u8]) -> &[u8] {
    let t = field.trim_ascii();
    let mut t = t;
    while let [b'"', rest @ ..] = t {
        t = rest;
    }
    while let [rest @ .., b'"'] = t {
        t = rest;
    }
    t.trim_ascii()
}

/// A cell's value: `Some(NaN)` for an empty cell or a missing-value spelling, `None` for text that is not a number.
fn parse_value(field: &[u8]) -> Option<f64> {
    let t = unquote(field);
    if t.is_empty() {
        return Some(f64::NAN);
    }
    if let Ok(v) = fast_float2::parse::<f64, _>(t) {
        return Some(v);
    }
    // Whatever Rust's own parser accepts too (both round correctly, so they agree where both accept).
    let s = std::str::from_utf8(t).ok()?;
    if let Ok(v) = s.parse::<f64>() {
        return Some(v);
    }
    is_expression_missing(s).then_some(f64::NAN)
}

/// An identifier: unquoted (`""` read as `"`) and trimmed; `None` when empty, `NA` (any case) or a missing-value
/// spelling.
fn text(field: &[u8]) -> Option<String> {
    let t = unquote(field);
    let s = String::from_utf8_lossy(t);
    let s = if s.contains("\"\"") {
        s.replace("\"\"", "\"")
    } else {
        s.into_owned()
    };
    (!is_missing_identifier(&s)).then_some(s)
}

/// `src` is `rows × cols` row-major; returns `cols × rows` row-major. Blocked, so that both sides stream through
/// the cache; parallel over bands of output rows.
fn transpose(src: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    const B: usize = 32;
    let mut out = vec![0.0; rows * cols];
    if rows == 0 || cols == 0 {
        return out;
    }
    out.par_chunks_mut(rows * B)
        .enumerate()
        .for_each(|(b, band)| {
            let j0 = b * B;
            let width = band.len() / rows;
            for r0 in (0..rows).step_by(B) {
                for r in r0..(r0 + B).min(rows) {
                    let from = &src[r * cols + j0..r * cols + j0 + width];
                    for (k, &v) in from.iter().enumerate() {
                        band[k * rows + r] = v;
                    }
                }
            }
        });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_respect_quotes() {
        let f: Vec<&[u8]> = Fields::new(b"a,\"b,c\",,\"d\"\"e\"", b',').collect();
        assert_eq!(f, vec![&b"a"[..], b"\"b,c\"", b"", b"\"d\"\"e\""]);
        assert_eq!(text(f[3]).as_deref(), Some("d\"e"));
        assert_eq!(Fields::new(b"", b',').count(), 1);
    }

    #[test]
    fn values_and_missing_spellings() {
        assert_eq!(parse_value(b" 1.5 "), Some(1.5));
        assert_eq!(parse_value(b"\"-2e3\""), Some(-2000.0));
        assert_eq!(parse_value(b"+.5"), Some(0.5));
        for na in [
            "",
            "NA",
            "na",
            "N/A",
            "#N/A",
            "NULL",
            "nan",
            "NaN",
            "[Not Available]",
            "[not available]",
        ] {
            assert!(parse_value(na.as_bytes()).unwrap().is_nan(), "{na}");
        }
        assert_eq!(parse_value(b"inf"), Some(f64::INFINITY));
        assert_eq!(parse_value(b"high"), None);
        assert_eq!(parse_value(b"1.5x"), None);
        assert_eq!(text(b" NA "), None);
        assert_eq!(text(b"NULL"), None);
        assert_eq!(text(b" \"TP53\" ").as_deref(), Some("TP53"));
    }

    #[test]
    fn chunks_cover_whole_lines() {
        let data = b"a\nbb\r\n\nccc\nd";
        assert_eq!(line_aligned_chunks(data), vec![0..data.len()]);
        assert_eq!(count_rows(data), (4, 5));
        assert_eq!(count_rows(b""), (0, 0));
        assert_eq!(count_rows(b"x\n"), (1, 1));
    }

    #[test]
    fn blocked_transpose() {
        let (rows, cols) = (37, 70);
        let src: Vec<f64> = (0..rows * cols).map(|i| i as f64).collect();
        let t = transpose(&src, rows, cols);
        for r in 0..rows {
            for c in 0..cols {
                assert_eq!(t[c * rows + r], src[r * cols + c]);
            }
        }
        assert!(transpose(&[], 0, 5).is_empty());
    }
}
