//! A finished `sigsurv coxnet` run: what was analysed and the cross-validated path, as the summary, the folder's
//! files and the report present it.

use sigsurv_core::cox::Ties;
use sigsurv_core::{CoxnetCv, CvMeasure};
use std::path::PathBuf;

/// A finished `coxnet` run: what was analysed and the cross-validated path.
pub(crate) struct CoxnetRun {
    /// The inputs as given: the clinical table, the expression matrix, the response columns, the genes offered
    /// (`all` or a set's name).
    pub clinical: PathBuf,
    pub expression: PathBuf,
    pub samples_in_rows: bool,
    pub time: String,
    pub event: String,
    pub genes: String,
    pub standardize: bool,
    /// The lambda of `model.json`: "1se" or "min".
    pub model_lambda: &'static str,
    pub n: usize,
    pub n_events: usize,
    pub n_clinical_read: usize,
    pub n_dropped: usize,
    pub n_without_expression: usize,
    /// Coefficient names: the unpenalized design columns first, then the genes.
    pub names: Vec<String>,
    pub n_unpenalized: usize,
    pub genes_missing: Vec<String>,
    pub genes_constant: Vec<String>,
    pub alpha: f64,
    pub ties: Ties,
    pub foldid: Vec<usize>,
    pub sample_ids: Vec<String>,
    pub cv: CoxnetCv,
}

impl CoxnetRun {
    /// The columns whose coefficient is nonzero at lambda_min or lambda_1se, in the fit's order.
    pub fn selected(&self) -> Vec<usize> {
        let cv = &self.cv;
        (0..self.names.len())
            .filter(|&j| {
                cv.path.beta[cv.index_min][j] != 0.0 || cv.path.beta[cv.index_1se][j] != 0.0
            })
            .collect()
    }
}

/// The measure's name in the JSON and the text.
pub(crate) fn measure_name(m: CvMeasure) -> &'static str {
    match m {
        CvMeasure::Deviance => "deviance",
        CvMeasure::C => "C",
    }
}
