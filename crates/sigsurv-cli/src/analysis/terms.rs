//! The survival columns and the model terms of an analysis: the covariates parsed as a model formula, and the
//! clinical columns they use.

use super::columns::{GROUP, SCORE};
use super::inputs::Inputs;
use super::spec::AnalysisSpec;
use crate::failure::{CliResult, Failure};
use crate::model::frame::parse;

/// The survival columns and the model terms of an analysis, resolved against its inputs.
pub(super) struct Terms {
    pub time: String,
    pub event: String,
    /// The covariates' right-hand side, if any.
    pub covariates: Option<String>,
    /// The clinical columns the covariates use.
    pub cov_columns: Vec<String>,
}

impl Terms {
    pub fn new(spec: &AnalysisSpec, inputs: &Inputs) -> CliResult<Terms> {
        let (time_col, event_col) = (inputs.time.as_str(), inputs.event.as_str());
        // Columns of the clinical table the models use.
        let covariates = spec
            .model
            .covariates
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let cov_columns: Vec<String> = match covariates {
            Some(c) => parse(&format!("Surv({time_col}, {event_col}) ~ {c}"))
                .map_err(|f| covariates_failure(f, spec))?
                .columns()
                .into_iter()
                .filter(|x| x != time_col && x != event_col)
                .collect(),
            None => Vec::new(),
        };
        for c in cov_columns.iter().chain(&spec.model.strata) {
            if c == SCORE || c == GROUP {
                return Err(Failure::input(format!(
                    "the clinical column \"{c}\" clashes with the \"{c}\" column sigsurv adds; rename it in the table"
                )));
            }
        }
        Ok(Terms {
            time: inputs.time.clone(),
            event: inputs.event.clone(),
            covariates: covariates.map(str::to_string),
            cov_columns,
        })
    }
}

/// A covariates error names where the covariates came from: `--covariates` or the analysis file's `[model]`
/// table (the formula it quotes is the one sigsurv built around them).
fn covariates_failure(mut f: Failure, spec: &AnalysisSpec) -> Failure {
    let (origin, example) = match &spec.file {
        Some(file) => (
            format!("covariates in the [model] table of {}", file.display()),
            "e.g. covariates = \"age + factor(grade) + er\"",
        ),
        None => (
            "--covariates".to_string(),
            "e.g. --covariates \"age + factor(grade) + er\"",
        ),
    };
    if let Some(rest) = f.message.strip_prefix("invalid --formula ") {
        f.message = format!("invalid {origin}: in the model formula {rest}");
    }
    f.hints = vec![example.to_string()];
    f
}
