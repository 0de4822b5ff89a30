//! Gene sets shipped with sigsurv.
//!
//! `IL1`: the 27-gene IL-1/TLR inflammatory panel that motivated the project. It is this project's panel, not a
//! published gene list: it collects the genes that Dinarello's commentary (Cancer Research 2018;78:5200) names in the
//! IL1 signature of Wu et al. (Cancer Research 2018;78:5243) — IL1B, IL1A, IL1R1, IL1R2, IL1R3 (= IL1RAP), the
//! kinases MYD88 and SYK, the Toll-like receptors — completed with the rest of the pathway: the antagonist IL1RN,
//! IRAK1-4, all ten TLRs, the inflammasome (CASP1, NLRP3) and three IL-1-induced effectors (IL6, CXCL8, PTGS2).
//! Current HGNC symbols; the alias table matches older names (IL8, IL1R3, CIAS1, ...). See docs/expression.md.

use crate::gene_set::GeneSet;

/// The genes of the built-in `IL1` set, in the panel's order.
pub const IL1_GENES: [&str; 27] = [
    "IL1B", "IL1A", "IL1R1", "IL1R2", "IL1RAP", "IL1RN", "MYD88", "SYK", "IRAK1", "IRAK2", "IRAK3",
    "IRAK4", "TLR1", "TLR2", "TLR3", "TLR4", "TLR5", "TLR6", "TLR7", "TLR8", "TLR9", "TLR10",
    "CASP1", "NLRP3", "IL6", "CXCL8", "PTGS2",
];

/// The built-in `IL1` set.
pub fn il1() -> GeneSet {
    GeneSet {
        name: "IL1".into(),
        description: "IL-1/TLR inflammatory panel (27 genes; see docs/expression.md)".into(),
        genes: IL1_GENES.iter().map(|g| g.to_string()).collect(),
        source: "built-in".into(),
    }
}

/// Every built-in set.
pub fn all() -> Vec<GeneSet> {
    vec![il1()]
}
