//! # sigsurv-core
//!
//! The numerics of sigsurv on plain slices: no I/O, no data frames. Every estimator follows R's `survival`
//! package (and GSVA / maxstat where named) to a relative 1e-6; each function's docs give the formula, its
//! reference and the R call it reproduces. `docs/methods.md` collects them.
//!
//! Inputs are `&[f64]` / `&[bool]` / group codes (`&[u32]`, 0-based); outputs are plain result structs.
//! Errors carry row indices into the given slices ([`CoreError`]); callers map them to file lines.

pub mod error;
pub mod pvalue;
pub mod scan;
#[cfg(test)]
mod test_rng;
pub mod timefix;

// Kaplan-Meier and log-rank (issue 2)
pub mod confint;
pub mod km;
pub mod logrank;
pub mod padjust;

// Cox regression (issue 3)
pub mod aft;
pub mod cox;
pub mod design;
pub mod factor_codes;
pub mod formula;

// Signatures and cut-points (issue 4)
pub mod cutpoint;
pub mod score;
pub mod split;

// Synthetic cohorts with a known truth (issue 6)
pub mod simulate;

pub use error::{CoreError, Result};
