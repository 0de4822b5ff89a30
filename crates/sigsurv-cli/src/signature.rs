//! The signature pipeline shared by `score` and `analyze`: read the expression matrix, keep the samples asked
//! for, drop genes with missing values (GSVA refuses them), match the gene sets (case-insensitive, with aliases),
//! and score each set.

use crate::args::{CollapseArg, ExpressionArgs, OutputArgs, ScoreMethodArg};
use crate::failure::{CliResult, Failure};
use sigsurv_core::score::{score_sets, ScoreMethod};
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
    pub method: ScoreMethod,
    pub missing: MissingReport,
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

pub fn method(m: ScoreMethodArg) -> ScoreMethod {
    match m {
        ScoreMethodArg::MeanZ => ScoreMethod::MeanZ,
        ScoreMethodArg::Zscore => ScoreMethod::ZScore,
        ScoreMethodArg::Ssgsea => ScoreMethod::Ssgsea,
        ScoreMethodArg::Singscore => ScoreMethod::Singscore,
    }
}

/// Scores `matrix` (restricted to `keep`, sample column indices, when given) for the sets of `a`.
pub fn score(
    mut matrix: ExpressionMatrix,
    keep: Option<&[usize]>,
    a: &ExpressionArgs,
    out: &OutputArgs,
) -> CliResult<Scored> {
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
    let matches = match_sets(&matrix, &sets)?;
    for (set, m) in sets.iter().zip(&matches) {
        if m.rows.len() < a.min_genes {
            return Err(Failure::input(format!(
                "gene set {} has {} of its {} genes in {} (fewer than --min-genes {})",
                set.name,
                m.rows.len(),
                set.genes.len(),
                matrix.path.display(),
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
    let method = method(a.method);
    let scores = score_sets(
        &matrix.values,
        matrix.n_genes(),
        matrix.n_samples(),
        &rows,
        method,
    )
    .map_err(|e| Failure::input(format!("cannot score {}: {e}", matrix.path.display())))?;
    Ok(Scored {
        samples: matrix.samples.clone(),
        sets,
        matches,
        scores,
        method,
        missing,
    })
}

/// At most 20 names, then how many more.
fn list(names: &[String]) -> String {
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
