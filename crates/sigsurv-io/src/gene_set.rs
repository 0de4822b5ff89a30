//! A gene set, whatever it was read from (a GMT file, the built-in sets): the type every reader of sets hands
//! out and the matching against an expression matrix takes in.

/// A named list of genes.
#[derive(Clone, Debug, PartialEq)]
pub struct GeneSet {
    pub name: String,
    pub description: String,
    /// Genes as written, duplicates (same symbol in any case) removed, first spelling kept.
    pub genes: Vec<String>,
    /// Where the set came from: the GMT path and line (`sets.gmt:12`) or `built-in`.
    pub source: String,
}
