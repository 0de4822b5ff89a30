//! Analyses in one command (`sigsurv analyze`), from a file (`sigsurv run`), checked against expected numbers
//! (`sigsurv check`).

mod analyse;
mod analysed;
mod cohort;
mod cohort_rows;
pub mod cohorts;
mod columns;
mod endpoint;
pub mod expect;
pub(crate) mod figures;
mod heterogeneity;
mod inputs;
pub(crate) mod join;
mod models;
pub mod outcome;
pub mod pipeline;
mod pooled;
mod preview;
pub mod report;
mod report_cohorts;
pub mod spec;
pub(crate) mod subgroups;
mod summary_text;
mod terms;
