//! One cohort of a multi-cohort analysis: its name, its study folder, and its own analysis.

use super::analysed::Analysed;
use std::path::PathBuf;

/// One cohort's analysis.
pub(super) struct Cohort {
    pub name: String,
    /// The study folder, when cohorts are studies.
    pub study: Option<PathBuf>,
    pub analysed: Analysed,
}
