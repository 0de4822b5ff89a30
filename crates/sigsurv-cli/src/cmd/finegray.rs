//! `sigsurv finegray`: Fine-Gray regression of one cause's subdistribution hazard, as cmprsk's `crr`, with the
//! design built from the formula as `cox` builds it.

use crate::args::FinegrayArgs;
use crate::failure::CliResult;
use crate::model::fine_gray::fit_fine_gray;
use crate::model::frame::{parse_for_table, read_model_table};
use crate::render;
use sigsurv_core::competing::FineGrayOptions;

pub fn run(a: &FinegrayArgs) -> CliResult<()> {
    crate::core_options::check_conf_level(a.conf_level)?;
    let mut formula = parse_for_table(&a.formula, &a.data)?;
    let table = read_model_table(&a.data, &formula, None, &a.output)?;
    crate::model::frame::place_spline_knots(&a.data, &mut formula, &a.output, Some(&table))?;
    let opts = FineGrayOptions {
        max_iter: a.iter_max,
        conf_level: a.conf_level,
        ..FineGrayOptions::default()
    };
    let (coding, fit) = fit_fine_gray(
        &a.formula,
        &formula,
        &table,
        &a.cause,
        a.censor_value.as_deref(),
        &opts,
    )?;
    if !fit.converged {
        a.output.warn(&format!(
            "the Fine-Gray fit did not converge in {} Newton steps (crr's maxiter); raise --iter-max",
            a.iter_max
        ));
    }
    let text = render::finegray::render(a, &table, &coding, &fit, a.output.resolved_format());
    a.output.emit(&text)
}
