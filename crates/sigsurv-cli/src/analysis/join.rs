//! Joining the clinical table to the expression matrix on the sample id, and what the join reports.

use super::inputs::{expression_args, Inputs};
use super::preview::preview;
use super::spec::AnalysisSpec;
use super::terms::Terms;
use crate::args::{DataArgs, ExpressionArgs, OutputArgs, TableArgs};
use crate::failure::{CliResult, Failure};
use crate::input::read_columns;
use crate::progress::{Phase, Step};
use crate::signature::read_matrix;
use sigsurv_io::{ColumnValues, ExpressionMatrix, FileRows, Table};
use std::collections::HashMap;
use std::path::Path;

/// The clinical table joined to the expression matrix on the sample id.
pub(super) struct Joined {
    pub data: DataArgs,
    /// The clinical columns read (id, survival, covariates, strata and any extra), complete rows only.
    pub clinical: Table,
    /// The sample id of every clinical row.
    pub ids: Vec<String>,
    /// Clinical rows with an expression sample, and that sample's column in `matrix`.
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
    pub matrix: ExpressionMatrix,
    pub expr_args: ExpressionArgs,
    pub only_clinical: Vec<String>,
    pub only_expression: Vec<String>,
}

/// Reads the clinical columns (and `extra` ones) and the expression matrix, and joins them on the sample id.
pub(super) fn join(
    spec: &AnalysisSpec,
    terms: &Terms,
    inputs: &Inputs,
    extra: &[&str],
    out: &OutputArgs,
) -> CliResult<Joined> {
    let sv = &spec.survival;
    let (time_col, event_col) = (terms.time.as_str(), terms.event.as_str());
    let data = DataArgs {
        source: TableArgs {
            data: inputs.clinical.clone(),
            event_value: sv.event_flag().map(str::to_string),
            filter: spec.data.filter.clone(),
            delimiter: None,
            time_scale: sv
                .time_scale
                .as_deref()
                .map(crate::time_scale::parse_time_scale)
                .transpose()
                .map_err(|e| {
                    Failure::input(format!(
                        "time_scale = \"{}\": {e}",
                        sv.time_scale.as_deref().unwrap_or("")
                    ))
                })?,
        },
        time: time_col.to_string(),
        event: event_col.to_string(),
    };
    let id_col = match &spec.data.id {
        Some(id) => id.clone(),
        None => default_id(&inputs.clinical).map_err(|e| inputs.relabel(e))?,
    };
    let mut wanted: Vec<&str> = vec![id_col.as_str(), time_col, event_col];
    for c in terms
        .cov_columns
        .iter()
        .chain(&spec.model.strata)
        .map(String::as_str)
        .chain(extra.iter().copied())
    {
        if !wanted.contains(&c) {
            wanted.push(c);
        }
    }
    let mut clinical =
        read_columns(&data.source.table_spec(), &wanted, out).map_err(|e| inputs.relabel(e))?;
    if let Some(scale) = &data.source.time_scale {
        scale.apply(&mut clinical, &[time_col]);
    }

    // Join on the sample id.
    let expr_args = expression_args(spec)?;
    let mut matrix = {
        let reading = format!("reading {}", inputs.expression.display());
        let _step = Step::start(Phase::Load, reading, out.quiet);
        read_matrix(&inputs.expression, &expr_args)?
    };
    if spec.data.log2 {
        matrix
            .values
            .iter_mut()
            .for_each(|v| *v = (*v + 1.0).log2());
    }
    let ids: Vec<String> = (0..clinical.n())
        .map(|i| clinical.get(&id_col).label(i))
        .collect();
    let SampleMatch {
        rows,
        cols,
        only_clinical,
        only_expression,
    } = match_samples(&ids, &id_col, &clinical, &matrix)?;
    if !only_clinical.is_empty() {
        out.note(&format!(
            "{} clinical row(s) have no expression sample and are left out: {}",
            only_clinical.len(),
            preview(&only_clinical)
        ));
    }
    if !only_expression.is_empty() {
        out.note(&format!(
            "{} expression sample(s) have no clinical row (after filters) and are left out: {}",
            only_expression.len(),
            preview(&only_expression)
        ));
    }
    Ok(Joined {
        data,
        clinical,
        ids,
        rows,
        cols,
        matrix,
        expr_args,
        only_clinical,
        only_expression,
    })
}

/// Clinical rows matched to expression samples on the id.
pub(crate) struct SampleMatch {
    /// Clinical rows with an expression sample (in clinical order), and that sample's column in the matrix.
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
    /// Clinical ids without a sample, and samples without a clinical row.
    pub only_clinical: Vec<String>,
    pub only_expression: Vec<String>,
}

/// Matches each clinical row's id (`ids`, of column `id_col` of `clinical`) to the matrix's samples. A repeated
/// clinical id, and no match at all, are errors (the second shows examples of both sides).
pub(crate) fn match_samples(
    ids: &[String],
    id_col: &str,
    clinical: &Table,
    matrix: &ExpressionMatrix,
) -> CliResult<SampleMatch> {
    let sample_index: HashMap<&str, usize> = matrix
        .samples
        .iter()
        .enumerate()
        .map(|(j, s)| (s.as_str(), j))
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut cols = Vec::new();
    let mut only_clinical = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if let Some(first) = seen.insert(id.as_str(), i) {
            return Err(Failure::input(format!(
                "sample id \"{id}\" occurs twice in column \"{id_col}\" of {} ({} and {})",
                clinical.path.display(),
                clinical.location(first),
                clinical.location(i)
            ))
            .hint("one clinical row per expression sample is expected"));
        }
        match sample_index.get(id.as_str()) {
            Some(&j) => {
                rows.push(i);
                cols.push(j);
            }
            None => only_clinical.push(id.clone()),
        }
    }
    let only_expression: Vec<String> = matrix
        .samples
        .iter()
        .filter(|s| !seen.contains_key(s.as_str()))
        .cloned()
        .collect();
    if rows.is_empty() {
        return Err(Failure::input(format!(
            "no id of column \"{id_col}\" in {} matches a sample of {}",
            clinical.path.display(),
            matrix.path.display()
        ))
        .hint(format!("clinical ids look like: {}", preview(ids)))
        .hint(format!(
            "expression samples look like: {}",
            preview(&matrix.samples)
        ))
        .hint("choose the id column with --id, or check --samples-in-rows"));
    }
    Ok(SampleMatch {
        rows,
        cols,
        only_clinical,
        only_expression,
    })
}

/// What `summary.json` says about the join; `None` where a shared clinical table makes a count meaningless for a
/// cohort of it.
pub(super) struct JoinReport {
    pub n_clinical_read: Option<usize>,
    pub n_dropped: Option<usize>,
    pub only_clinical: Vec<String>,
    pub only_expression: Vec<String>,
}

impl JoinReport {
    pub fn of(j: &Joined) -> JoinReport {
        JoinReport {
            n_clinical_read: Some(j.clinical.n_read),
            n_dropped: Some(j.clinical.n_dropped),
            only_clinical: j.only_clinical.clone(),
            only_expression: j.only_expression.clone(),
        }
    }
}

/// The sample-id column when none is named: a usual name, else the first column.
pub(crate) fn default_id(path: &Path) -> CliResult<String> {
    let spec = sigsurv_io::TableSpec {
        path: path.to_path_buf(),
        delimiter: None,
        filter: None,
    };
    let names = sigsurv_io::table::column_names(&spec)?;
    for c in ["sample_id", "SAMPLE_ID", "sample", "Sample", "id", "ID"] {
        if names.iter().any(|n| n == c) {
            return Ok(c.to_string());
        }
    }
    names
        .into_iter()
        .next()
        .ok_or_else(|| Failure::input(format!("{} has no columns", path.display())))
}

/// The rows `keep` of a table, in that order.
pub(super) fn subset(t: &Table, keep: &[usize]) -> Table {
    let pick = |c: &ColumnValues| match c {
        ColumnValues::Numeric(v) => ColumnValues::Numeric(keep.iter().map(|&i| v[i]).collect()),
        ColumnValues::Text(v) => ColumnValues::Text(v.select(keep)),
        ColumnValues::Bool(v) => ColumnValues::Bool(keep.iter().map(|&i| v[i]).collect()),
    };
    Table {
        path: t.path.clone(),
        format: t.format,
        n_read: t.n_read,
        n_dropped: t.n_dropped,
        missing_by_column: t.missing_by_column.clone(),
        rows: FileRows::Listed(keep.iter().map(|&i| t.rows.get(i)).collect()),
        columns: t
            .columns
            .iter()
            .map(|(n, c)| (n.clone(), pick(c)))
            .collect(),
    }
}
