//! Validation of a prognostic marker or model in a cohort: discrimination (Harrell's and Uno's concordance)
//! and restricted mean survival time between groups. `docs/methods/validation_metrics.md` collects the
//! formulas and the R function each one reproduces.

mod censoring_weights;
pub mod concordance;
mod concordance_pairwise;
mod concordance_tree;
mod fenwick;
pub mod rmst;

pub use concordance::{
    concordance, concordance_pairwise, Concordance, ConcordanceData, ConcordanceOptions, TimeWeight,
};
pub use rmst::{
    rmst_by_group, rmst_default_tau, RmstContrast, RmstContrasts, RmstGroup, RmstGroups,
};
