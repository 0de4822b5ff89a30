//! Matching a gene set against the rows of an expression matrix, by symbol key and through the alias table
//! ([`crate::gene_symbol`]) on either side: a set that says `IL8` finds a `CXCL8` row and a set that says
//! `CXCL8` finds an `IL8` row.

use crate::error::{IoError, Result};
use crate::expression::ExpressionMatrix;
use crate::gene_set::GeneSet;
pub use crate::gene_symbol::{canonical_key, current_symbol, symbol_key, ALIASES};
use std::collections::HashMap;

/// Which rows of a matrix a gene set uses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SetMatch {
    /// Distinct matrix rows, in the order of the set's genes.
    pub rows: Vec<usize>,
    /// The set's genes (as written in the set) that were found, parallel to `rows`.
    pub used: Vec<String>,
    /// The set's genes found in no row.
    pub missing: Vec<String>,
    /// `(set gene, matrix gene)` pairs matched through the alias table, e.g. `("CXCL8", "IL8")`.
    pub via_alias: Vec<(String, String)>,
    /// Set genes that resolved to a row already used by an earlier gene of the set (`IL8` and `CXCL8` both listed).
    pub repeated: Vec<String>,
    /// `(matrix gene used, matrix gene not used)`: rows that are the same gene through the alias table as a row
    /// the set uses (a matrix with both `CXCL8` and `IL8` rows scores one of them).
    pub shadowed: Vec<(String, String)>,
}

impl SetMatch {
    /// How many of the set's genes were found.
    pub fn n_used(&self) -> usize {
        self.rows.len()
    }
}

/// An index from symbol keys to matrix rows, for matching many sets against one matrix.
#[derive(Clone, Debug)]
pub struct GeneIndex {
    direct: HashMap<String, usize>,
    canonical: HashMap<String, usize>,
    /// Rows whose canonical symbol another row shares, by that symbol (rarely any).
    same_gene: HashMap<String, Vec<usize>>,
}

impl GeneIndex {
    /// Indexes the row identifiers. Rows are already unique by key (the reader collapses duplicates); if two keys
    /// share a canonical symbol (a file with both `IL8` and `CXCL8` rows), the row named by the current symbol wins,
    /// else the first.
    pub fn new(genes: &[String]) -> GeneIndex {
        let mut direct = HashMap::with_capacity(genes.len());
        for (i, g) in genes.iter().enumerate() {
            direct.entry(symbol_key(g)).or_insert(i);
        }
        let mut canonical: HashMap<String, usize> = HashMap::new();
        let mut same_gene: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, g) in genes.iter().enumerate() {
            let key = symbol_key(g);
            let canon = canonical_key(g);
            if let Some(&j) = canonical.get(&canon) {
                same_gene
                    .entry(canon.clone())
                    .or_insert_with(|| vec![j])
                    .push(i);
            }
            let is_current = key == canon;
            match canonical.get(&canon) {
                Some(&j) if is_current && symbol_key(&genes[j]) != canon => {
                    canonical.insert(canon, i);
                }
                Some(_) => {}
                None => {
                    canonical.insert(canon, i);
                }
            }
        }
        GeneIndex {
            direct,
            canonical,
            same_gene,
        }
    }

    /// The other rows that are the same gene as `row` through the alias table.
    fn others_of_gene<'a>(
        &'a self,
        genes: &[String],
        row: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        self.same_gene
            .get(&canonical_key(&genes[row]))
            .into_iter()
            .flatten()
            .copied()
            .filter(move |&r| r != row)
    }

    /// The row for a symbol: the same symbol (any case) first, then the same current symbol through the alias table.
    /// The flag says whether the alias table was needed.
    pub fn find(&self, symbol: &str) -> Option<(usize, bool)> {
        if let Some(&r) = self.direct.get(&symbol_key(symbol)) {
            return Some((r, false));
        }
        self.canonical
            .get(&canonical_key(symbol))
            .map(|&r| (r, true))
    }
}

/// Matches a set's genes to the matrix rows (case-insensitive, then through the alias table).
///
/// Genes not found are listed in `missing`; a set with no gene present gives an empty `rows` (the caller reports
/// it, or use [`match_sets`]). Never fails.
pub fn match_set(matrix: &ExpressionMatrix, set: &GeneSet) -> SetMatch {
    match_genes(&GeneIndex::new(&matrix.genes), &matrix.genes, &set.genes)
}

/// Matches every set, failing on the first set with no gene in the matrix (the usual cause is a wrong identifier
/// column or orientation, which the error's hints show). Sets with some genes missing are returned as they are:
/// the caller reports `missing`.
///
/// # Errors
/// [`IoError::NoGenesMatched`] naming the set, its size and a few of the matrix's identifiers.
pub fn match_sets(matrix: &ExpressionMatrix, sets: &[GeneSet]) -> Result<Vec<SetMatch>> {
    let index = GeneIndex::new(&matrix.genes);
    sets.iter()
        .map(|set| {
            let m = match_genes(&index, &matrix.genes, &set.genes);
            if m.rows.is_empty() {
                Err(IoError::NoGenesMatched {
                    path: matrix.path.clone(),
                    set: set.name.clone(),
                    n_genes: set.genes.len(),
                    examples: matrix.genes.iter().take(5).cloned().collect(),
                })
            } else {
                Ok(m)
            }
        })
        .collect()
}

/// [`match_set`] with a prebuilt index (`genes` are the matrix's row identifiers).
pub fn match_genes(index: &GeneIndex, genes: &[String], set_genes: &[String]) -> SetMatch {
    let mut m = SetMatch::default();
    for g in set_genes {
        match index.find(g) {
            Some((row, aliased)) => {
                if m.rows.contains(&row) {
                    m.repeated.push(g.clone());
                    continue;
                }
                if aliased {
                    m.via_alias.push((g.clone(), genes[row].clone()));
                }
                m.rows.push(row);
                m.used.push(g.clone());
            }
            None => m.missing.push(g.clone()),
        }
    }
    for &row in &m.rows {
        for other in index.others_of_gene(genes, row) {
            if !m.rows.contains(&other) {
                m.shadowed.push((genes[row].clone(), genes[other].clone()));
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_both_ways() {
        assert_eq!(current_symbol("IL8"), Some("CXCL8"));
        assert_eq!(current_symbol("il1r3"), Some("IL1RAP"));
        assert_eq!(current_symbol("CIAS1"), Some("NLRP3"));
        assert_eq!(current_symbol("NALP3"), Some("NLRP3"));
        assert_eq!(current_symbol("IFNB2"), Some("IL6"));
        assert_eq!(current_symbol("IL1BC"), Some("CASP1"));
        // Ambiguous names are deliberately absent.
        assert_eq!(current_symbol("COX2"), None);
        assert_eq!(current_symbol("ICE"), None);
        assert_eq!(current_symbol("IL1"), None);
        assert_eq!(canonical_key(" cxcl8 "), "CXCL8");
    }

    #[test]
    fn every_alias_target_is_a_current_symbol_and_no_alias_is_a_target() {
        let targets: Vec<&str> = ALIASES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').nth(1))
            .collect();
        assert!(targets.len() > 100);
        for t in &targets {
            assert_eq!(current_symbol(t), None, "{t} is both a target and an alias");
        }
    }

    #[test]
    fn a_row_that_is_the_same_gene_as_a_used_row_is_reported() {
        let genes: Vec<String> = ["IL8", "CXCL8", "TLR4", "IL1B"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let idx = GeneIndex::new(&genes);
        let set = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let m = match_genes(&idx, &genes, &set(&["CXCL8", "TLR4"]));
        assert_eq!(m.shadowed, vec![("CXCL8".to_string(), "IL8".to_string())]);
        let m = match_genes(&idx, &genes, &set(&["IL8", "CXCL8", "IL1B"]));
        assert!(
            m.shadowed.is_empty(),
            "both rows are used: {:?}",
            m.shadowed
        );
        let m = match_genes(&idx, &genes, &set(&["TLR4"]));
        assert!(m.shadowed.is_empty());
    }

    #[test]
    fn current_symbol_row_wins_over_alias_row() {
        let genes: Vec<String> = ["IL8", "CXCL8", "TLR4"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let idx = GeneIndex::new(&genes);
        assert_eq!(idx.find("CXCL8"), Some((1, false)));
        assert_eq!(idx.find("IL8"), Some((0, false)));
        assert_eq!(idx.find("GCP1"), Some((1, true)));
        let m = match_genes(
            &idx,
            &genes,
            &["tlr4".into(), "IL-8X".into(), "GCP1".into()],
        );
        assert_eq!(m.rows, vec![2, 1]);
        assert_eq!(m.missing, vec!["IL-8X".to_string()]);
        assert_eq!(m.via_alias, vec![("GCP1".to_string(), "CXCL8".to_string())]);
    }
}
