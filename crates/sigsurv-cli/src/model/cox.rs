//! A fitted Cox model with what is needed to report it, and the fit itself: the model frame of a table and R's
//! rule for when the variance is robust.

use super::frame::{model_frame, ModelFrame};
use crate::failure::{CliResult, Failure};
use crate::input::core_failure;
use sigsurv_core::cox::{cox_ph, cox_ph_penalized, CoxData, CoxFit, CoxOptions, TermTest};
use sigsurv_core::design::Design;
use sigsurv_core::formula::Formula;
use sigsurv_io::{EventCoding, Table};

/// A fitted model with everything needed to report it.
pub(crate) struct CoxModel {
    pub formula_text: String,
    /// The parsed formula, its spline knots placed (what predictions rebuild the design from).
    pub formula: Formula,
    pub table: Table,
    pub design: Design,
    pub start: Option<Vec<f64>>,
    pub stop: Vec<f64>,
    pub event: Vec<bool>,
    pub weights: Option<Vec<f64>>,
    pub coding: EventCoding,
    pub fit: CoxFit,
    /// The joint Wald test of each term with several columns (a factor, ...).
    pub term_tests: Vec<TermTest>,
    /// How the fit was set up where R decides for the user (e.g. the robust variance for non-integer weights).
    pub notes: Vec<String>,
}

/// What the user asked of the robust variance; [`RobustRequest::Auto`] is R's default (`robust` missing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RobustRequest {
    /// R's rule: robust when there is a cluster() term or when some weight is not a whole number.
    Auto,
    On,
    /// Model-based variance only; a cluster() term is ignored, as R's `robust = FALSE`.
    Off,
}

impl CoxModel {
    /// The model's response, design and weights as the core's Cox functions take them.
    pub fn data(&self) -> CoxData<'_> {
        CoxData::from_design(
            &self.design,
            self.start.as_deref(),
            &self.stop,
            &self.event,
            self.weights.as_deref(),
        )
    }
}

/// Fits the formula on a table that holds its columns (missing rows already dropped). The model keeps the
/// table's columns (predictions check profile levels against them).
pub(crate) fn fit_on_table(
    formula_text: &str,
    formula: &Formula,
    table: Table,
    weights: Option<&str>,
    event_value: Option<&str>,
    opts: &CoxOptions,
) -> CliResult<CoxModel> {
    fit_table(
        formula_text,
        formula,
        table,
        weights,
        event_value,
        opts,
        true,
        RobustRequest::Auto,
    )
}

/// [`fit_on_table`] with the variance `robust` asks for; with `keep_columns` false the table's columns are freed
/// once the design holds the model's copy (the fit then needs no more memory than the design, its sorted copy and
/// the response).
#[allow(clippy::too_many_arguments)] // the model frame's inputs, each used once
pub(crate) fn fit_table(
    formula_text: &str,
    formula: &Formula,
    mut table: Table,
    weights: Option<&str>,
    event_value: Option<&str>,
    opts: &CoxOptions,
    keep_columns: bool,
    robust: RobustRequest,
) -> CliResult<CoxModel> {
    let ModelFrame {
        start,
        stop,
        event,
        coding,
        mut design,
    } = model_frame(formula_text, formula, &table, event_value)?;
    let weights = match weights {
        Some(w) => Some(table.numeric(w)?),
        None => None,
    };
    let mut opts = opts.clone();
    let mut notes = Vec::new();
    match robust {
        RobustRequest::On => opts.robust = true,
        RobustRequest::Off => {
            opts.robust = false;
            if design.cluster.take().is_some() {
                notes.push(
                    "cluster specified with robust=FALSE, cluster ignored (R's warning)".into(),
                );
            }
        }
        RobustRequest::Auto => {
            // coxph: `robust` defaults to TRUE when any weight is not a whole number.
            let fractional = weights
                .as_deref()
                .is_some_and(|w| w.iter().any(|&v| v != v.floor()));
            if fractional && !design.penalized.is_empty() {
                return Err(Failure::input(
                    "the weights are not whole numbers, which makes R's coxph variance robust (sandwich), and a \
                     robust variance with pspline() is not supported",
                )
                .hint("add --no-robust for the model-based variance (R: coxph(..., robust = FALSE))"));
            }
            if fractional && !opts.robust {
                opts.robust = true;
                notes.push(
                    "the weights are not whole numbers, so the variance is robust (sandwich), as R's coxph \
                     chooses; --no-robust gives the model-based one"
                        .into(),
                );
                if start.is_some() && design.cluster.is_none() {
                    // R: with the robust variance implied rather than asked for, each row is its own cluster.
                    design.cluster = Some((0..stop.len() as u32).collect());
                }
            }
        }
    }
    let opts = &opts;
    if !keep_columns {
        table.columns = Vec::new();
        // Hand the table's freed pages back before the fit allocates its sorted copy (see sigsurv_io::memory).
        sigsurv_io::memory::release_freed();
    }
    let data = CoxData::from_design(&design, start.as_deref(), &stop, &event, weights.as_deref());
    let fit = if design.penalized.is_empty() {
        cox_ph(&data, opts)
    } else {
        cox_ph_penalized(
            &data,
            &design.penalized,
            &design.term_of,
            &design.terms,
            opts,
        )
    }
    .map_err(|e| core_failure(&table, e))?;
    // A penalized spline's own tests (linear, non-linear) take the place of its joint Wald test.
    let term_tests = fit
        .term_tests(&design.term_of, &design.terms)
        .map_err(|e| core_failure(&table, e))?
        .into_iter()
        .filter(|t| {
            !design
                .penalized
                .iter()
                .any(|p| design.terms[p.term] == t.term)
        })
        .collect();
    Ok(CoxModel {
        formula_text: formula_text.to_string(),
        formula: formula.clone(),
        table,
        design,
        start,
        stop,
        event,
        weights,
        coding,
        fit,
        term_tests,
        notes,
    })
}
