//! `score --weights FILE`: each sample's score is the sum of weight x expression over a weighted gene set (the
//! linear predictor of the penalized Cox model `sigsurv coxnet` wrote). Every gene of a scored set must be in the
//! matrix: a missing gene would change the score's meaning, so it is an error, not a note.

use crate::args::{ExpressionArgs, OutputArgs};
use crate::failure::{CliResult, Failure};
use crate::signature::{collapsed_genes, list, Scored};
use sigsurv_core::score::weighted_scores;
use sigsurv_io::expression::ExpressionMatrix;
use sigsurv_io::genes::{match_sets, symbol_key};
use sigsurv_io::gmt::GeneSet;
use sigsurv_io::weighted_sets::read_weighted_sets;
use std::collections::HashMap;

/// Scores the weighted sets of `a.weights` (those named by `--set`, else every set with genes).
pub fn score_weighted(
    mut matrix: ExpressionMatrix,
    a: &ExpressionArgs,
    out: &OutputArgs,
) -> CliResult<Scored> {
    let Some(path) = &a.weights else {
        return Err(Failure::input(
            "--method weighted scores the sets of a weights file: add --weights FILE",
        )
        .hint("`sigsurv coxnet --out DIR` writes DIR/signature.wgmt"));
    };
    let all = read_weighted_sets(path)?;
    let chosen: Vec<_> = if a.sets.is_empty() {
        let (with, without): (Vec<_>, Vec<_>) = all.into_iter().partition(|s| !s.genes.is_empty());
        if !without.is_empty() {
            let names: Vec<String> = without.iter().map(|s| s.name.clone()).collect();
            out.note(&format!(
                "weighted set(s) without genes, not scored: {}",
                list(&names)
            ));
        }
        with
    } else {
        let mut chosen = Vec::new();
        for name in &a.sets {
            let Some(set) = all.iter().find(|s| &s.name == name) else {
                let names: Vec<String> = all.iter().map(|s| s.name.clone()).collect();
                return Err(Failure::input(format!(
                    "no weighted set \"{name}\" in {}",
                    path.display()
                ))
                .hint(format!("its sets: {}", list(&names))));
            };
            if set.genes.is_empty() {
                return Err(Failure::input(format!(
                    "weighted set \"{name}\" ({}) has no genes: the penalized model kept none",
                    set.source
                ))
                .hint("score another set (e.g. coxnet_lambda_min), or fit with a smaller lambda"));
            }
            chosen.push(set.clone());
        }
        chosen
    };
    if chosen.is_empty() {
        return Err(Failure::input(format!(
            "{}: no weighted set with genes to score",
            path.display()
        )));
    }
    let missing = matrix.drop_missing();
    let sets: Vec<GeneSet> = chosen
        .iter()
        .map(|s| GeneSet {
            name: s.name.clone(),
            description: s.description.clone(),
            genes: s.genes.iter().map(|(g, _)| g.clone()).collect(),
            source: s.source.clone(),
        })
        .collect();
    let matches = match_sets(&matrix, &sets)?;
    let mut rows = Vec::with_capacity(sets.len());
    for ((set, m), weighted) in sets.iter().zip(&matches).zip(&chosen) {
        if !m.missing.is_empty() {
            return Err(Failure::input(format!(
                "weighted set {}: {} of its {} genes are not in {} (or have missing values): {}",
                set.name,
                m.missing.len(),
                set.genes.len(),
                matrix.path.display(),
                list(&m.missing)
            ))
            .hint("a weighted score needs every gene of its set; check --gene-column and --samples-in-rows"));
        }
        let weight: HashMap<String, f64> = weighted
            .genes
            .iter()
            .map(|(g, w)| (symbol_key(g), *w))
            .collect();
        rows.push(
            m.rows
                .iter()
                .zip(&m.used)
                .map(|(&r, g)| (r, weight[&symbol_key(g)]))
                .collect::<Vec<_>>(),
        );
    }
    let scores = weighted_scores(&matrix.values, matrix.n_genes(), matrix.n_samples(), &rows)
        .map_err(|e| Failure::input(format!("cannot score {}: {e}", matrix.path.display())))?;
    let collapsed = matches
        .iter()
        .map(|m| collapsed_genes(&matrix, m))
        .collect();
    Ok(Scored {
        samples: matrix.samples.clone(),
        dropped_constant: vec![Vec::new(); sets.len()],
        gene_stats: vec![Vec::new(); sets.len()],
        sets,
        matches,
        scores,
        method_name: "weighted",
        missing,
        collapsed,
    })
}
