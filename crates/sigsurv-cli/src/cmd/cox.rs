//! `sigsurv cox`: Cox regression from an R formula, as `summary(coxph(...))`, with `cox.zph` and residuals.

use crate::args::CoxArgs;
use crate::core_options::{residual_type, ties, zph_transform};
use crate::failure::{CliResult, Failure};
use crate::input::core_failure;
use crate::model::cox::{fit_table, RobustRequest};
use crate::model::cox_predict::predict;
use crate::model::frame::{parse_for_table, read_model_table};
use crate::output::keep_until_exit;
use crate::progress::{Phase, Step};
use crate::render;
use sigsurv_core::cox::{cox_residuals, cox_zph, CoxOptions};
use sigsurv_core::formula::Response;

pub fn run(a: &CoxArgs) -> CliResult<()> {
    crate::core_options::check_conf_level(a.conf_level)?;
    if !(a.eps > 0.0 && a.eps < 1.0) {
        return Err(Failure::input(format!(
            "--eps {} must be a small positive number (R's default 1e-9)",
            a.eps
        )));
    }
    let mut formula = parse_for_table(&a.formula, &a.data)?;
    let table = read_model_table(&a.data, &formula, a.weights.as_deref(), &a.output)?;
    crate::model::frame::place_spline_knots(&a.data, &mut formula, &a.output, Some(&table))?;
    // A cause-specific model: the events of the cause, every other cause censored.
    let event_value = match &a.cause {
        Some(cause) => {
            let column = match &formula.response {
                Response::Right { event, .. } | Response::Counting { event, .. } => event.as_str(),
            };
            let coding = crate::causes::decode_causes(&table, column, a.censor_value.as_deref())?;
            coding.cause_code(column, cause)?;
            let others: Vec<&str> = coding
                .causes
                .iter()
                .map(String::as_str)
                .filter(|c| c != cause)
                .collect();
            if !others.is_empty() {
                a.output.note(&format!(
                    "cause-specific hazard of {cause}: events of {} are censored, as are the rows with {}",
                    others.join(", "),
                    coding.censor_value
                ));
            }
            Some(cause.clone())
        }
        None => a.data.event_value.clone(),
    };
    let opts = CoxOptions {
        ties: ties(a.ties),
        iter_max: a.iter_max,
        eps: a.eps,
        conf_level: a.conf_level,
        ..CoxOptions::default()
    };
    let model = {
        let _step = Step::start(Phase::Compute, "fitting the Cox model", a.output.quiet);
        fit_table(
            &a.formula,
            &formula,
            table,
            a.weights.as_deref(),
            event_value.as_deref(),
            &opts,
            a.predict.is_some() || a.save_model.is_some(),
            if a.robust {
                RobustRequest::On
            } else if a.no_robust {
                RobustRequest::Off
            } else {
                RobustRequest::Auto
            },
        )?
    };
    if model.fit.penalized.is_some() {
        let asked = [
            (a.residuals.is_some(), "--residuals"),
            (a.zph, "--zph"),
            (a.predict.is_some(), "--predict"),
        ];
        if let Some((_, flag)) = asked.iter().find(|(on, _)| *on) {
            return Err(Failure::input(format!(
                "{flag} with a pspline() term is not supported yet"
            ))
            .hint("fit the model without the flag, or use ns(x, df = k) for the spline"));
        }
    }
    for note in &model.notes {
        a.output.note(note);
    }
    for w in &model.fit.warnings {
        a.output.warn(w);
    }
    if let Some(path) = &a.save_model {
        let saved = crate::model::saved::SavedCox::of(
            &model,
            &formula,
            &a.data.data,
            ties(a.ties).as_str(),
        )?;
        sigsurv_io::write_atomic(path, crate::output::json_text(&saved).as_bytes())?;
        a.output
            .note(&format!("wrote the model to {}", path.display()));
    }
    let format = a.output.resolved_format();
    if let Some(kind) = a.residuals {
        let res = cox_residuals(&model.fit, &model.data(), residual_type(kind))
            .map_err(|e| core_failure(&model.table, e))?;
        return a
            .output
            .emit(&render::cox_residuals::render(&model, &res, format));
    }
    if let Some(profiles) = &a.predict {
        let predicted = predict(&model, profiles, a.conf_level)?;
        let text = render::cox_predict::render(&model, &predicted, a.conf_level, format);
        return a.output.emit(&text);
    }
    let zph = if a.zph {
        Some(
            cox_zph(
                &model.fit,
                &model.data(),
                &model.design.term_of,
                &model.design.terms,
                zph_transform(a.zph_transform),
            )
            .map_err(|e| core_failure(&model.table, e))?,
        )
    } else {
        None
    };
    let text = render::cox::render(&model, zph.as_ref(), format);
    let written = a.output.emit(&text);
    keep_until_exit(model);
    written
}
