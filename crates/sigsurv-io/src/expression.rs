//! Expression matrices: genes × samples, from CSV/TSV, cBioPortal, GCT or Parquet/IPC, in either orientation.
//!
//! Layouts (docs/expression.md has the details):
//! - genes in rows (default): the first column is the gene identifier, every other column a sample;
//! - cBioPortal: leading `Hugo_Symbol` and/or `Entrez_Gene_Id` columns; the symbol is used, the Entrez id when the
//!   symbol is empty or `NA`;
//! - GCT 1.2 (Broad): `#1.2`, a dimensions line, then `Name`, `Description`, samples; `Name` is the identifier;
//! - samples in rows (`samples_in_rows`): the first column is the sample id, every other column a gene.
//!
//! Delimited text is parsed by a parallel reader made for numeric matrices (no per-column cost, so 20,000
//! columns read as fast as 2,000); Parquet and Arrow IPC by polars. Duplicate gene identifiers (compared case-insensitively) are collapsed; missing values stay `NaN` until
//! [`ExpressionMatrix::drop_missing`].

mod collapse;
#[cfg(test)]
mod polars_text;
mod read;
mod text;

use crate::error::{IoError, Result};
use crate::format::Format;
use std::collections::HashMap;
use std::path::PathBuf;

pub use collapse::Collapse;

/// What to read and how.
#[derive(Clone, Debug, Default)]
pub struct ExpressionSpec {
    pub path: PathBuf,
    /// Forces delimited text with this separator (otherwise chosen by extension: `.csv` comma, `.tsv`/`.txt`/`.gct` tab).
    pub delimiter: Option<u8>,
    /// Samples in rows and genes in columns (as sigsurv's GSE1992 fixtures and most clinical exports).
    pub samples_in_rows: bool,
    /// How rows with the same gene identifier are merged.
    pub collapse: Collapse,
    /// The identifier column by name: the gene column (default: `Hugo_Symbol` in cBioPortal files, `Name` in GCT,
    /// else the first column), or with `samples_in_rows` the sample-id column (default: the first).
    pub gene_column: Option<String>,
}

/// How the file was laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    GenesInRows,
    Cbioportal,
    Gct,
    SamplesInRows,
}

/// A genes × samples matrix.
#[derive(Clone, Debug)]
pub struct ExpressionMatrix {
    pub path: PathBuf,
    pub format: Format,
    pub layout: Layout,
    /// Gene identifiers as written in the file (first spelling), after collapsing duplicates.
    pub genes: Vec<String>,
    pub samples: Vec<String>,
    /// Row-major genes × samples: the value of gene `g` in sample `s` is `values[g * samples.len() + s]`;
    /// `NaN` marks a missing value.
    pub values: Vec<f64>,
    /// Rows removed by collapsing (rows read − genes kept).
    pub n_duplicates_collapsed: usize,
    /// The identifiers that occurred more than once, with how many rows each had.
    pub duplicated: Vec<(String, usize)>,
    /// cBioPortal rows whose identifier is the Entrez id because the symbol was missing.
    pub n_entrez_fallback: usize,
}

/// What [`ExpressionMatrix::drop_missing`] removed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MissingReport {
    /// Missing cells before dropping.
    pub n_missing: usize,
    /// Samples with every value missing (removed first).
    pub samples_dropped: Vec<String>,
    /// Genes with a missing value in any remaining sample.
    pub genes_dropped: Vec<String>,
}

impl ExpressionMatrix {
    pub fn n_genes(&self) -> usize {
        self.genes.len()
    }

    pub fn n_samples(&self) -> usize {
        self.samples.len()
    }

    /// Gene `g`'s values across samples.
    pub fn row(&self, g: usize) -> &[f64] {
        let n = self.n_samples();
        &self.values[g * n..(g + 1) * n]
    }

    pub fn value(&self, g: usize, s: usize) -> f64 {
        self.values[g * self.n_samples() + s]
    }

    /// Missing (`NaN`) cells.
    pub fn n_missing(&self) -> usize {
        self.values.iter().filter(|v| v.is_nan()).count()
    }

    /// Sample name → column.
    pub fn sample_index(&self) -> HashMap<&str, usize> {
        self.samples
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect()
    }

    /// The matrix restricted to the given sample columns, in that order (e.g. the samples that have clinical data).
    ///
    /// # Panics
    /// If an index is out of range (indices come from [`Self::sample_index`]).
    pub fn select_samples(&self, columns: &[usize]) -> ExpressionMatrix {
        let n = self.n_samples();
        let mut values = Vec::with_capacity(self.n_genes() * columns.len());
        for g in 0..self.n_genes() {
            let row = &self.values[g * n..(g + 1) * n];
            values.extend(columns.iter().map(|&s| row[s]));
        }
        ExpressionMatrix {
            samples: columns.iter().map(|&s| self.samples[s].clone()).collect(),
            values,
            ..self.clone_without_values()
        }
    }

    fn clone_without_values(&self) -> ExpressionMatrix {
        ExpressionMatrix {
            path: self.path.clone(),
            format: self.format,
            layout: self.layout,
            genes: self.genes.clone(),
            samples: Vec::new(),
            values: Vec::new(),
            n_duplicates_collapsed: self.n_duplicates_collapsed,
            duplicated: self.duplicated.clone(),
            n_entrez_fallback: self.n_entrez_fallback,
        }
    }

    /// Removes missing values the way GSVA users do before calling `gsva()` (which refuses `NA`): first samples
    /// whose every value is missing, then every gene with a missing value in any remaining sample. Scores are
    /// computed on complete genes only, so a gene set loses the dropped genes (reported by the caller).
    ///
    /// Apply it after [`Self::select_samples`]: a gene missing only in samples that are not analysed is kept.
    pub fn drop_missing(&mut self) -> MissingReport {
        let n_missing = self.n_missing();
        let mut report = MissingReport {
            n_missing,
            ..MissingReport::default()
        };
        if n_missing == 0 {
            return report;
        }
        let (ng, ns) = (self.n_genes(), self.n_samples());
        let keep_s: Vec<usize> = (0..ns)
            .filter(|&s| (0..ng).any(|g| !self.values[g * ns + s].is_nan()))
            .collect();
        if keep_s.len() < ns {
            report.samples_dropped = (0..ns)
                .filter(|s| !keep_s.contains(s))
                .map(|s| self.samples[s].clone())
                .collect();
            *self = self.select_samples(&keep_s);
        }
        let ns = self.n_samples();
        let mut genes = Vec::with_capacity(self.n_genes());
        let mut values = Vec::with_capacity(self.values.len());
        for (g, name) in self.genes.iter().enumerate() {
            let row = &self.values[g * ns..(g + 1) * ns];
            if row.iter().any(|v| v.is_nan()) {
                report.genes_dropped.push(name.clone());
            } else {
                genes.push(name.clone());
                values.extend_from_slice(row);
            }
        }
        self.genes = genes;
        self.values = values;
        report
    }
}

/// Reads an expression matrix.
///
/// # Errors
/// [`IoError::Open`], [`IoError::UnknownFormat`]; [`IoError::UnknownColumn`] for a `gene_column` not in the file;
/// [`IoError::DuplicateSamples`] naming repeated sample names; [`IoError::NonNumericExpression`] naming the gene,
/// sample, value and line of the first non-numeric cell; [`IoError::InvalidValue`] for an infinite value;
/// [`IoError::Malformed`] for a missing gene or sample identifier, a ragged line or a GCT whose dimensions line
/// disagrees with its contents; [`IoError::Empty`] for a file without genes or samples.
pub fn read_expression(spec: &ExpressionSpec) -> Result<ExpressionMatrix> {
    let readable = crate::stream_input::readable(&spec.path)?;
    let copy = ExpressionSpec {
        path: readable.clone(),
        ..spec.clone()
    };
    let raw = crate::panic_guard::catch(&copy.path, || read::read_raw(&copy))
        .map_err(|e| e.renamed(&readable, &spec.path))?;
    let (genes, samples, values) = if spec.samples_in_rows {
        (raw.value_names, raw.ids, raw.values)
    } else {
        (raw.ids, raw.value_names, raw.values)
    };
    check_unique_samples(spec, &samples)?;
    if genes.is_empty() || samples.is_empty() {
        return Err(IoError::Empty {
            path: spec.path.clone(),
            reason: format!(
                "(found {} genes and {} samples; for a file with samples in rows pass --samples-in-rows)",
                genes.len(),
                samples.len()
            ),
        });
    }
    let collapsed = collapse::collapse(genes, values, samples.len(), spec.collapse);
    Ok(ExpressionMatrix {
        path: spec.path.clone(),
        format: raw.format,
        layout: raw.layout,
        genes: collapsed.genes,
        samples,
        values: collapsed.values,
        n_duplicates_collapsed: collapsed.n_removed,
        duplicated: collapsed.duplicated,
        n_entrez_fallback: raw.n_entrez_fallback,
    })
}

fn check_unique_samples(spec: &ExpressionSpec, samples: &[String]) -> Result<()> {
    let mut count: HashMap<&str, usize> = HashMap::with_capacity(samples.len());
    let mut repeated = Vec::new();
    for s in samples {
        let c = count.entry(s.as_str()).or_insert(0);
        *c += 1;
        if *c == 2 {
            repeated.push(s.clone());
        }
    }
    if repeated.is_empty() {
        Ok(())
    } else {
        Err(IoError::DuplicateSamples {
            path: spec.path.clone(),
            samples: repeated,
        })
    }
}
