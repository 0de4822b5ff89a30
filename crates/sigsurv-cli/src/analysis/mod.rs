//! Analyses in one command (`sigsurv analyze`), from a file (`sigsurv run`), checked against expected numbers
//! (`sigsurv check`).

pub mod cohorts;
pub mod expect;
pub(crate) mod figures;
mod inputs;
mod join;
pub mod pipeline;
pub mod report;
mod report_cohorts;
pub mod spec;
mod summary_text;
