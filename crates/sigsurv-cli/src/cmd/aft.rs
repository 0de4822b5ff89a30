//! `sigsurv aft`: parametric accelerated-failure-time models, as R's `survreg`.

use crate::args::{AftArgs, DistArg};
use crate::core_options::aft_dist;
use crate::failure::{CliResult, Failure};
use crate::model::aft::fit_aft;
use crate::model::frame::{parse_for_table, read_model_table};
use crate::render;
use sigsurv_core::aft::AftOptions;
use sigsurv_core::formula::Term;

pub fn run(a: &AftArgs) -> CliResult<()> {
    crate::core_options::check_conf_level(a.conf_level)?;
    if let Some(p) = a.quantiles.iter().find(|p| !(**p > 0.0 && **p < 1.0)) {
        return Err(Failure::input(format!(
            "--quantiles: {p} is not a probability in (0, 1)"
        )));
    }
    let mut formula = parse_for_table(&a.formula, &a.data)?;
    if formula.terms.iter().any(|t| matches!(t, Term::Cluster(_))) {
        return Err(Failure::input(
            "cluster() terms are not supported by sigsurv aft (survreg's robust variance is not implemented)",
        ));
    }
    if formula.terms.iter().any(
        |t| matches!(t, Term::Interaction(vs) if vs.iter().any(|v| matches!(v, Term::Strata(_)))),
    ) {
        return Err(Failure::input(
            "strata() inside an interaction (strata(a):x) is a Cox-model term; sigsurv aft does not take it",
        )
        .hint("use factor(a):x for a coefficient of x per level of a"));
    }
    let stratified = formula.terms.iter().any(|t| matches!(t, Term::Strata(_)));
    if stratified && a.predict.is_some() {
        return Err(Failure::input(
            "--predict is not available for a model with strata(): each stratum has its own scale",
        )
        .hint("fit the model without strata() to predict, or fit each stratum separately"));
    }
    if stratified && matches!(a.dist, DistArg::Exponential) {
        return Err(Failure::input(
            "strata() give each stratum its own scale, but the exponential distribution fixes the scale at 1",
        )
        .hint("use --dist weibull for one Weibull scale per stratum"));
    }
    if matches!(
        formula.response,
        sigsurv_core::formula::Response::Counting { .. }
    ) {
        return Err(Failure::input("sigsurv aft takes right-censored data, Surv(time, event), not Surv(start, stop, event)"));
    }
    let table = read_model_table(&a.data, &formula, a.weights.as_deref(), &a.output)?;
    crate::model::frame::place_spline_knots(&a.data, &mut formula, &a.output, Some(&table))?;
    let opts = AftOptions {
        dist: aft_dist(a.dist),
        conf_level: a.conf_level,
        ..AftOptions::default()
    };
    let model = fit_aft(
        &a.formula,
        &formula,
        table,
        a.weights.as_deref(),
        a.data.event_value.as_deref(),
        &opts,
    )?;
    let fit = &model.fit;
    for w in &fit.warnings {
        a.output.warn(w);
    }
    let format = a.output.resolved_format();
    if let Some(path) = &a.predict {
        let rows = model.predict(&path.display().to_string(), &a.quantiles)?;
        return a
            .output
            .emit(&render::aft::render_predicted(a, fit, &rows, format));
    }
    let text = render::aft::render(a, fit, model.table.n_dropped, format);
    a.output.emit(&text)
}
