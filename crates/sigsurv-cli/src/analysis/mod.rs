//! Analyses in one command (`sigsurv analyze`), from a file (`sigsurv run`), checked against expected numbers
//! (`sigsurv check`).

pub mod cohorts;
pub mod expect;
mod figures;
pub mod pipeline;
pub mod report;
pub mod spec;
