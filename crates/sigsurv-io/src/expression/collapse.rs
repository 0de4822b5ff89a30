//! Merging rows that share a gene identifier (compared trimmed and case-insensitively).

use crate::gene_symbol::symbol_key;
use std::collections::HashMap;

/// How rows with the same gene identifier become one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Collapse {
    /// Per-sample mean of the rows' non-missing values (`NaN` if all are missing), as limma's `avereps`.
    /// The default: it uses every probe, does not depend on row order, and is what limma users get.
    #[default]
    Mean,
    /// The row with the highest mean across samples (missing values ignored; ties: the first row), as WGCNA's
    /// `collapseRows(method = "MaxMean")`.
    MaxMean,
    /// The first row in file order.
    First,
}

impl Collapse {
    /// `mean`, `max-mean` (also `maxmean`, `max_mean`) or `first`.
    pub fn parse(s: &str) -> Option<Collapse> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mean" => Some(Collapse::Mean),
            "max-mean" | "maxmean" | "max_mean" => Some(Collapse::MaxMean),
            "first" => Some(Collapse::First),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Collapse::Mean => "mean",
            Collapse::MaxMean => "max-mean",
            Collapse::First => "first",
        }
    }
}

pub(super) struct Collapsed {
    pub genes: Vec<String>,
    pub values: Vec<f64>,
    pub n_removed: usize,
    pub duplicated: Vec<(String, usize)>,
}

/// `values` is row-major `genes.len() × ns`. Output rows keep the order of each identifier's first row.
pub(super) fn collapse(
    genes: Vec<String>,
    values: Vec<f64>,
    ns: usize,
    rule: Collapse,
) -> Collapsed {
    let mut group_of: HashMap<String, usize> = HashMap::with_capacity(genes.len());
    let mut groups: Vec<Vec<usize>> = Vec::with_capacity(genes.len());
    for (i, g) in genes.iter().enumerate() {
        let next = groups.len();
        let gi = *group_of.entry(symbol_key(g)).or_insert(next);
        if gi == next {
            groups.push(vec![i]);
        } else {
            groups[gi].push(i);
        }
    }
    if groups.len() == genes.len() {
        return Collapsed {
            genes,
            values,
            n_removed: 0,
            duplicated: Vec::new(),
        };
    }
    let row = |i: usize| &values[i * ns..(i + 1) * ns];
    let mut out = Vec::with_capacity(groups.len() * ns);
    let mut names = Vec::with_capacity(groups.len());
    let mut duplicated = Vec::new();
    for rows in &groups {
        names.push(genes[rows[0]].clone());
        if rows.len() == 1 {
            out.extend_from_slice(row(rows[0]));
            continue;
        }
        duplicated.push((genes[rows[0]].clone(), rows.len()));
        match rule {
            Collapse::First => out.extend_from_slice(row(rows[0])),
            Collapse::MaxMean => {
                let mut best = rows[0];
                let mut best_mean = f64::NAN;
                for &r in rows {
                    let m = nan_mean(row(r).iter().copied());
                    // NaN (all missing) never beats a real mean; strict ">" keeps the first of ties.
                    if !m.is_nan() && (best_mean.is_nan() || m > best_mean) {
                        best = r;
                        best_mean = m;
                    }
                }
                out.extend_from_slice(row(best));
            }
            Collapse::Mean => {
                for s in 0..ns {
                    out.push(nan_mean(rows.iter().map(|&r| values[r * ns + s])));
                }
            }
        }
    }
    Collapsed {
        n_removed: genes.len() - names.len(),
        genes: names,
        values: out,
        duplicated,
    }
}

/// Mean of the non-NaN values; NaN when there are none.
fn nan_mean(it: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut n) = (0.0, 0usize);
    for v in it.filter(|v| !v.is_nan()) {
        sum += v;
        n += 1;
    }
    if n == 0 {
        f64::NAN
    } else {
        sum / n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rules() {
        let genes = names(&["A", "B", "a", "C", "A"]);
        let nan = f64::NAN;
        #[rustfmt::skip]
        let values = vec![
            1.0, 2.0,
            5.0, 5.0,
            3.0, nan,
            0.0, 0.0,
            8.0, 0.0,
        ];
        let m = collapse(genes.clone(), values.clone(), 2, Collapse::Mean);
        assert_eq!(m.genes, names(&["A", "B", "C"]));
        assert_eq!(m.values, vec![4.0, 1.0, 5.0, 5.0, 0.0, 0.0]);
        assert_eq!(m.n_removed, 2);
        assert_eq!(m.duplicated, vec![("A".to_string(), 3)]);
        let mm = collapse(genes.clone(), values.clone(), 2, Collapse::MaxMean);
        // Means 1.5, 3 (NaN ignored), 4: the last "A" row.
        assert_eq!(&mm.values[..2], &[8.0, 0.0]);
        let f = collapse(genes, values, 2, Collapse::First);
        assert_eq!(&f.values[..2], &[1.0, 2.0]);
    }
}
