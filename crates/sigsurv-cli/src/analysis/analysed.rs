//! What one analysis of a set of patients produced: the summary, its text, and the per-patient results and
//! fits that the files, the report and the pooled cohorts use.

use crate::model::cox::CoxModel;
use crate::model::km::GroupFit;
use serde_json::Value;
use sigsurv_io::Table;

/// One analysis of a set of patients: its `summary.json` value, human summary and per-patient results.
pub(super) struct Analysed {
    pub summary: Value,
    pub text: String,
    /// The analysed patients' sample ids, raw scores, and groups, in the clinical table's order.
    pub samples: Vec<String>,
    pub raw_score: Vec<f64>,
    pub sd: f64,
    pub group_labels: Vec<String>,
    /// The analysed rows of the clinical table with the columns `score` (per SD) and `group` added.
    pub table: Table,
    /// What the report draws: the KM curves by group and both Cox models.
    pub fits: Vec<GroupFit>,
    pub cox_score: CoxModel,
    pub cox_groups: CoxModel,
}
