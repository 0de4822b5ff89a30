//! Analysis files and expected results (`sigsurv run`, `sigsurv check`).

pub mod expect;
