//! Weighted gene sets (`.wgmt`, written by `sigsurv coxnet`): GMT lines whose genes carry a weight,
//! `name<TAB>description<TAB>GENE=weight<TAB>...`. Lines starting with `#` are comments. A set may have no genes
//! (a penalized model that kept none); the score of such a set is refused by the caller, not here.

use crate::error::{IoError, Result};
use crate::gene_symbol::symbol_key;
use std::collections::HashSet;
use std::path::Path;

/// One weighted gene set.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedSet {
    pub name: String,
    pub description: String,
    /// Genes as written and their weights, in file order.
    pub genes: Vec<(String, f64)>,
    /// `file:line`.
    pub source: String,
}

/// Reads every set of a weighted gene-set file.
///
/// # Errors
/// [`IoError::Open`] if unreadable; [`IoError::GeneSets`] naming the line for a line without a tab, an empty or
/// repeated set name, a gene field without `=weight`, a weight that is not a finite number, or a gene listed
/// twice in a set; a file without sets.
pub fn read_weighted_sets(path: &Path) -> Result<Vec<WeightedSet>> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    parse_weighted_sets(path, &text)
}

/// Parses weighted gene-set text (`path` is used in messages).
pub fn parse_weighted_sets(path: &Path, text: &str) -> Result<Vec<WeightedSet>> {
    let err = |line: usize, message: String| IoError::GeneSets {
        path: path.to_path_buf(),
        line: Some(line as u64),
        message,
    };
    let mut sets: Vec<WeightedSet> = Vec::new();
    for (i, raw) in text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .lines()
        .enumerate()
    {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields = line.split('\t');
        let name = fields.next().unwrap_or("").trim().to_string();
        let Some(description) = fields.next() else {
            return Err(err(
                line_no,
                "no tab: expected name<TAB>description<TAB>GENE=weight...".into(),
            ));
        };
        if name.is_empty() {
            return Err(err(line_no, "empty set name".into()));
        }
        if let Some(prev) = sets.iter().find(|s| s.name == name) {
            return Err(err(
                line_no,
                format!(
                    "set \"{name}\" is defined twice ({} and line {line_no})",
                    prev.source
                ),
            ));
        }
        let mut seen = HashSet::new();
        let mut genes = Vec::new();
        for field in fields.map(str::trim).filter(|f| !f.is_empty()) {
            let Some((gene, weight)) = field.rsplit_once('=') else {
                return Err(err(
                    line_no,
                    format!("gene field \"{field}\" has no weight: write GENE=weight"),
                ));
            };
            let w: f64 = weight
                .trim()
                .parse()
                .ok()
                .filter(|w: &f64| w.is_finite())
                .ok_or_else(|| {
                    err(
                        line_no,
                        format!("gene {gene}: weight \"{weight}\" is not a finite number"),
                    )
                })?;
            if !seen.insert(symbol_key(gene.trim())) {
                return Err(err(
                    line_no,
                    format!("gene {gene} is listed twice in set \"{name}\""),
                ));
            }
            genes.push((gene.trim().to_string(), w));
        }
        sets.push(WeightedSet {
            name,
            description: description.trim().to_string(),
            genes,
            source: format!("{}:{line_no}", path.display()),
        });
    }
    if sets.is_empty() {
        return Err(IoError::GeneSets {
            path: path.to_path_buf(),
            line: None,
            message: "no weighted gene sets".into(),
        });
    }
    Ok(sets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_weights_comments_and_empty_sets() {
        let text = "# a comment\ncoxnet_lambda_min\tlambda=0.1\tIL1B=0.5\tMYD88=-0.25\ncoxnet_lambda_1se\tlambda=0.2\t\n";
        let sets = parse_weighted_sets(Path::new("w.wgmt"), text).unwrap();
        assert_eq!(sets.len(), 2);
        assert_eq!(
            sets[0].genes,
            vec![("IL1B".to_string(), 0.5), ("MYD88".to_string(), -0.25)]
        );
        assert!(sets[1].genes.is_empty());
        assert_eq!(sets[0].source, "w.wgmt:2");
    }

    #[test]
    fn a_gene_without_weight_names_its_line() {
        let e = parse_weighted_sets(Path::new("w.wgmt"), "s\td\tIL1B\n").unwrap_err();
        assert!(e.to_string().contains("IL1B"), "{e}");
        let e = parse_weighted_sets(Path::new("w.wgmt"), "s\td\tIL1B=x\n").unwrap_err();
        assert!(e.to_string().contains("not a finite number"), "{e}");
    }
}
