//! The signature pipeline shared by `score` and `analyze`: read the expression matrix, keep the samples asked
//! for, drop genes with missing values (GSVA refuses them), match the gene sets (case-insensitive, with aliases),
//! and score each set.

use crate::args::{CollapseArg, ExpressionArgs, OutputArgs, ScoreMethodArg};
use crate::failure::{CliResult, Failure};
use sigsurv_core::score::{gene_mean_sd, is_constant, mean_z_frozen, score_sets, ScoreMethod};
use sigsurv_core::CoreError;
use sigsurv_io::expression::{
    read_expression, Collapse, ExpressionMatrix, ExpressionSpec, MissingReport,
};
use sigsurv_io::genes::{match_sets, SetMatch};
use sigsurv_io::gmt::{resolve_sets, GeneSet};
use std::path::Path;

/// Scores of every set for every kept sample.
pub struct Scored {
    pub samples: Vec<String>,
    pub sets: Vec<GeneSet>,
    pub matches: Vec<SetMatch>,
    /// `scores[set][sample]`
    pub scores: Vec<Vec<f64>>,
    /// The method's command-line name (`mean-z`, ..., `weighted`).
    pub method_name: &'static str,
    pub missing: MissingReport,
    /// Per set, its genes dropped for constant expression (`mean-z`, `zscore`), as written in the set; they are
    /// not in `matches[i].used`.
    pub dropped_constant: Vec<Vec<String>>,
    /// Per set, its genes whose several matrix rows (the same identifier) were collapsed into one: the matrix's
    /// spelling and the number of rows.
    pub collapsed: Vec<Vec<(String, usize)>>,
    /// Per set, for `mean-z` and `zscore` when asked ([`score_with`]): each used gene (the matrix's spelling), its
    /// mean and standard deviation over the scored samples (what a validation cohort standardised as this one
    /// needs).
    pub gene_stats: Vec<Vec<GeneStat>>,
}

/// A gene's centre and scale in the cohort it was standardised in.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneStat {
    pub gene: String,
    pub mean: f64,
    pub sd: f64,
}

/// The genes of a match that had several rows in the matrix, collapsed by the reader.
pub(crate) fn collapsed_genes(matrix: &ExpressionMatrix, m: &SetMatch) -> Vec<(String, usize)> {
    if matrix.duplicated.is_empty() {
        return Vec::new();
    }
    m.rows
        .iter()
        .filter_map(|&r| {
            let key = sigsurv_io::genes::symbol_key(&matrix.genes[r]);
            matrix
                .duplicated
                .iter()
                .find(|(g, _)| sigsurv_io::genes::symbol_key(g) == key)
                .cloned()
        })
        .collect()
}

pub fn read_matrix(path: &Path, a: &ExpressionArgs) -> CliResult<ExpressionMatrix> {
    let spec = ExpressionSpec {
        path: path.to_path_buf(),
        delimiter: None,
        samples_in_rows: a.samples_in_rows,
        collapse: match a.collapse {
            CollapseArg::Mean => Collapse::Mean,
            CollapseArg::MaxMean => Collapse::MaxMean,
            CollapseArg::First => Collapse::First,
        },
        gene_column: a.gene_column.clone(),
    };
    Ok(read_expression(&spec)?)
}

/// The core method of an unweighted score; `None` for `weighted` (scored from a weights file instead).
pub fn method(m: ScoreMethodArg) -> Option<ScoreMethod> {
    match m {
        ScoreMethodArg::MeanZ => Some(ScoreMethod::MeanZ),
        ScoreMethodArg::Zscore => Some(ScoreMethod::ZScore),
        ScoreMethodArg::Ssgsea => Some(ScoreMethod::Ssgsea),
        ScoreMethodArg::Singscore => Some(ScoreMethod::Singscore),
        ScoreMethodArg::Weighted => None,
    }
}

/// Scores `matrix` (restricted to `keep`, sample column indices, when given) for the sets of `a`.
pub fn score(
    matrix: ExpressionMatrix,
    keep: Option<&[usize]>,
    a: &ExpressionArgs,
    out: &OutputArgs,
) -> CliResult<Scored> {
    score_with(matrix, keep, a, out, None, false)
}

/// [`score`], with `mean-z`'s genes standardised by `frozen` (another cohort's gene means and SDs) instead of
/// their own: every gene of `frozen` must be in the matrix, and only those genes are scored. With
/// `gene_stats`, each used gene's mean and SD over the scored samples is kept (`Scored::gene_stats`; empty
/// otherwise, so that scoring many sets does not standardise every gene twice).
pub fn score_with(
    mut matrix: ExpressionMatrix,
    keep: Option<&[usize]>,
    a: &ExpressionArgs,
    out: &OutputArgs,
    frozen: Option<&[GeneStat]>,
    gene_stats: bool,
) -> CliResult<Scored> {
    let Some(method) = method(a.method) else {
        return Err(Failure::input(
            "--method weighted scores the sets of a weights file: add --weights FILE",
        )
        .hint("`sigsurv coxnet --out DIR` writes DIR/signature.wgmt"));
    };
    let sets = resolve_sets(a.gene_sets.as_deref(), &a.sets)?;
    if let Some(cols) = keep {
        matrix = matrix.select_samples(cols);
    }
    let missing = matrix.drop_missing();
    if missing.n_missing > 0 {
        out.note(&format!(
            "{} missing expression values: dropped {} sample(s) with no value and {} gene(s) with a missing value \
             (GSVA refuses missing values; see docs/expression.md)",
            missing.n_missing,
            missing.samples_dropped.len(),
            missing.genes_dropped.len()
        ));
    }
    if matrix.n_samples() < 2 {
        return Err(Failure::input(format!(
            "{}: {} sample(s) left to score; scores need at least 2",
            matrix.path.display(),
            matrix.n_samples()
        )));
    }
    let mut matches = match_sets(&matrix, &sets)?;
    let dropped_constant: Vec<Vec<String>> = matches
        .iter_mut()
        .map(|m| drop_constant_genes(&matrix, m, method))
        .collect();
    let collapsed: Vec<Vec<(String, usize)>> = matches
        .iter()
        .map(|m| collapsed_genes(&matrix, m))
        .collect();
    for (((set, m), constant), collapsed) in sets
        .iter()
        .zip(&matches)
        .zip(&dropped_constant)
        .zip(&collapsed)
    {
        if !collapsed.is_empty() {
            let genes: Vec<String> = collapsed
                .iter()
                .map(|(g, n)| format!("{g} ({n} rows)"))
                .collect();
            out.note(&format!(
                "gene set {}: {} gene(s) with several rows in {}, collapsed into one by {} (--collapse): {}",
                set.name,
                collapsed.len(),
                matrix.path.display(),
                a.collapse.name(),
                list(&genes)
            ));
        }
        if !m.shadowed.is_empty() {
            let pairs: Vec<String> = m
                .shadowed
                .iter()
                .map(|(used, other)| format!("{used} (not {other})"))
                .collect();
            out.note(&format!(
                "gene set {}: {} gene(s) have a second row under another symbol of the same gene; the row \
                 named by the current symbol is scored: {}",
                set.name,
                pairs.len(),
                list(&pairs)
            ));
        }
        if !constant.is_empty() {
            out.note(&format!(
                "gene set {}: {} of {} genes dropped for constant expression (sd < {:e}, as GSVA): {}",
                set.name,
                constant.len(),
                set.genes.len(),
                sigsurv_core::score::CONSTANT_SD,
                list(constant)
            ));
        }
        if m.rows.is_empty() && !constant.is_empty() {
            return Err(Failure::input(format!(
                "gene set {}: all {} of its genes in {} have constant expression, nothing to score with {}",
                set.name,
                constant.len(),
                matrix.path.display(),
                method.name()
            ))
            .hint(format!("constant genes: {}", list(constant)))
            .hint("a rank method (--method ssgsea or singscore) uses them; or check the samples kept"));
        }
        if m.rows.len() < a.min_genes {
            return Err(Failure::input(format!(
                "gene set {} has {} of its {} genes in {}{} (fewer than --min-genes {})",
                set.name,
                m.rows.len(),
                set.genes.len(),
                matrix.path.display(),
                if constant.is_empty() {
                    String::new()
                } else {
                    format!(" with varying expression ({} constant)", constant.len())
                },
                a.min_genes
            ))
            .hint(format!("missing: {}", m.missing.join(", ")))
            .hint("check the gene identifier column (--gene-column) and the orientation (--samples-in-rows)"));
        }
        if !m.missing.is_empty() {
            out.note(&format!(
                "gene set {}: {} of {} genes not in the matrix: {}",
                set.name,
                m.missing.len(),
                set.genes.len(),
                list(&m.missing)
            ));
        }
    }
    let rows: Vec<Vec<usize>> = matches.iter().map(|m| m.rows.clone()).collect();
    let n = matrix.n_samples();
    let gene_stats: Vec<Vec<GeneStat>> = rows
        .iter()
        .map(|set_rows| {
            if !gene_stats || !matches!(method, ScoreMethod::MeanZ | ScoreMethod::ZScore) {
                return Vec::new();
            }
            set_rows
                .iter()
                .map(|&g| {
                    let (mean, sd) = gene_mean_sd(&matrix.values[g * n..(g + 1) * n]);
                    GeneStat {
                        gene: matrix.genes[g].clone(),
                        mean,
                        sd,
                    }
                })
                .collect()
        })
        .collect();
    let scores = match frozen {
        Some(frozen) => frozen_scores(&matrix, &rows, frozen)?,
        None => score_sets(
            &matrix.values,
            matrix.n_genes(),
            matrix.n_samples(),
            &rows,
            method,
        )
        .map_err(|e| {
            let what = match e {
                CoreError::GeneSet { set, message } => {
                    format!("gene set {}: {message}", sets[set].name)
                }
                other => other.to_string(),
            };
            Failure::input(format!("cannot score {}: {what}", matrix.path.display()))
        })?,
    };
    Ok(Scored {
        samples: matrix.samples.clone(),
        sets,
        matches,
        scores,
        method_name: method.name(),
        missing,
        dropped_constant,
        collapsed,
        gene_stats,
    })
}

/// Every set's `mean-z` score with the genes of `frozen`, each standardised by its frozen mean and SD. A frozen
/// gene missing from the matrix is an error: the score would not be the training cohort's.
fn frozen_scores(
    matrix: &ExpressionMatrix,
    rows: &[Vec<usize>],
    frozen: &[GeneStat],
) -> CliResult<Vec<Vec<f64>>> {
    let key = sigsurv_io::genes::symbol_key;
    rows.iter()
        .map(|set_rows| {
            let mut picked = Vec::with_capacity(frozen.len());
            let mut missing = Vec::new();
            for f in frozen {
                match set_rows
                    .iter()
                    .find(|&&g| key(&matrix.genes[g]) == key(&f.gene))
                {
                    Some(&g) => picked.push(g),
                    None => missing.push(f.gene.clone()),
                }
            }
            if !missing.is_empty() {
                return Err(Failure::input(format!(
                    "--standardise train: {} gene(s) of the training score are not scored in {}: {}",
                    missing.len(),
                    matrix.path.display(),
                    list(&missing)
                ))
                .hint("the frozen score needs every training gene; use --standardise self to standardise within this cohort"));
            }
            let stats: Vec<(f64, f64)> = frozen.iter().map(|f| (f.mean, f.sd)).collect();
            Ok(mean_z_frozen(&matrix.values, matrix.n_samples(), &picked, &stats))
        })
        .collect()
}

/// Takes a set's constant genes out of its match when `method` drops them (they would be reported as used but
/// contribute nothing), and returns them.
fn drop_constant_genes(
    matrix: &ExpressionMatrix,
    m: &mut SetMatch,
    method: ScoreMethod,
) -> Vec<String> {
    if !method.drops_constant_genes() {
        return Vec::new();
    }
    let n = matrix.n_samples();
    let constant: Vec<bool> = m
        .rows
        .iter()
        .map(|&g| is_constant(&matrix.values[g * n..(g + 1) * n]))
        .collect();
    if !constant.contains(&true) {
        return Vec::new();
    }
    let mut dropped = Vec::new();
    let (mut rows, mut used) = (Vec::new(), Vec::new());
    for ((row, gene), c) in m.rows.iter().zip(&m.used).zip(constant) {
        if c {
            dropped.push(gene.clone());
        } else {
            rows.push(*row);
            used.push(gene.clone());
        }
    }
    m.rows = rows;
    m.used = used;
    dropped
}

/// At most 20 names, then how many more.
pub(crate) fn list(names: &[String]) -> String {
    if names.len() <= 20 {
        names.join(", ")
    } else {
        format!(
            "{}, ... ({} more)",
            names[..20].join(", "),
            names.len() - 20
        )
    }
}
