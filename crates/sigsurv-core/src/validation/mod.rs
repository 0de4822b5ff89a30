//! Validation of a prognostic marker or model in a cohort: discrimination (Harrell's and Uno's concordance,
//! the time-dependent AUC), prediction error (the Brier score, its null model and integral) and restricted
//! mean survival time between groups. `docs/methods/validation_metrics.md` collects the formulas and the R
//! function each one reproduces.

pub mod brier;
mod censoring_km;
mod censoring_weights;
mod cohort_checks;
pub mod concordance;
mod concordance_pairwise;
mod concordance_sweep;
mod concordance_tally;
mod concordance_tree;
mod concordance_types;
mod fenwick;
pub mod integrated_brier;
pub mod rmst;
mod time_auc;
pub mod time_dependent_auc;
mod time_dependent_auc_reference;
mod time_dependent_auc_sweep;
mod time_weight;

pub use brier::{brier_score, TimeBrier};
pub use concordance::{
    concordance, concordance_by, concordance_pairwise, concordances, Concordance, ConcordanceData,
    ConcordanceOptions, PairCounting, TimeWeight,
};
pub use integrated_brier::integrated_brier;
pub use rmst::{
    rmst_by_group, rmst_default_tau, RmstContrast, RmstContrasts, RmstGroup, RmstGroups,
};
pub use time_dependent_auc::{time_dependent_auc, time_dependent_auc_reference, TimeAuc};
