//! `sigsurv aft`: parametric accelerated-failure-time models, as R's `survreg`.

use super::cox::{model_frame, parse, read_model_table, ModelFrame};
use crate::args::{AftArgs, DistArg, OutputFormat};
use crate::failure::{CliResult, Failure};
use crate::input::core_failure;
use crate::output::json_text;
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig, TextTable};
use serde_json::{json, Value};
use sigsurv_core::aft::{
    aft_fit, aft_fit_stratified, AftDist, AftFit, AftOptions, AftStrata, AftTerm,
};
use sigsurv_core::formula::{Formula, Term};
use sigsurv_io::{ColumnValues, Table, TextColumn};

pub fn run(a: &AftArgs) -> CliResult<()> {
    if !(a.conf_level > 0.0 && a.conf_level < 1.0) {
        return Err(Failure::input(format!(
            "--conf-level {} is not between 0 and 1",
            a.conf_level
        )));
    }
    if let Some(p) = a.quantiles.iter().find(|p| !(**p > 0.0 && **p < 1.0)) {
        return Err(Failure::input(format!(
            "--quantiles: {p} is not a probability in (0, 1)"
        )));
    }
    let formula = parse(&a.formula)?;
    if formula.terms.iter().any(|t| matches!(t, Term::Cluster(_))) {
        return Err(Failure::input(
            "cluster() terms are not supported by sigsurv aft (survreg's robust variance is not implemented)",
        ));
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
    let ModelFrame {
        stop,
        event,
        design,
        ..
    } = model_frame(&a.formula, &formula, &table, a.data.event_value.as_deref())?;
    let weights = match &a.weights {
        Some(w) => Some(table.numeric(w)?),
        None => None,
    };
    let dist = match a.dist {
        DistArg::Weibull => AftDist::Weibull,
        DistArg::Exponential => AftDist::Exponential,
        DistArg::Lognormal => AftDist::LogNormal,
        DistArg::Loglogistic => AftDist::LogLogistic,
    };
    let opts = AftOptions {
        dist,
        conf_level: a.conf_level,
        ..AftOptions::default()
    };
    let labels = design
        .strata
        .as_ref()
        .map(|codes| strata_names(&formula, &table, codes, &design.strata_labels));
    let fit = match (&design.strata, &labels) {
        (Some(codes), Some(labels)) => aft_fit_stratified(
            &stop,
            &event,
            &design.x,
            design.p(),
            &design.names,
            weights.as_deref(),
            AftStrata { codes, labels },
            &opts,
        ),
        _ => aft_fit(
            &stop,
            &event,
            &design.x,
            design.p(),
            &design.names,
            weights.as_deref(),
            &opts,
        ),
    }
    .map_err(|e| core_failure(&table, e))?;
    for w in &fit.warnings {
        a.output.warn(w);
    }
    let format = a.output.resolved_format();
    if let Some(path) = &a.predict {
        let (x, labels) =
            crate::profiles::encode_profiles(&design, &table, &path.display().to_string())?;
        let p = design.p();
        let mut rows = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let q = fit
                .quantiles(&x[i * p..(i + 1) * p], &a.quantiles)
                .map_err(|e| Failure::input(e.to_string()))?;
            rows.push((label.clone(), q));
        }
        let text = match format {
            OutputFormat::Json => json_text(&json!({
                "analysis": "aft_predict",
                "dist": dist.name(),
                "quantiles": a.quantiles,
                "profiles": rows.iter().map(|(l, q)| json!({"profile": l, "time": q})).collect::<Vec<_>>(),
            })),
            _ => {
                let mut out = CsvOut::new(&["profile", "p", "time"]);
                for (l, q) in &rows {
                    for (p, t) in a.quantiles.iter().zip(q) {
                        out.line([l.clone(), num(*p), num(*t)]);
                    }
                }
                out.finish()
            }
        };
        return a.output.emit(&text);
    }
    let text = match format {
        OutputFormat::Json => json_text(&to_json(a, &fit, table.n_dropped)),
        OutputFormat::Csv => to_csv(&fit),
        OutputFormat::Table => to_table(a, &fit, table.n_dropped),
    };
    a.output.emit(&text)
}

/// R's names of the strata (`names(fit$scale)`, the scale rows of `summary(fit)`): `sex=1` as the design labels
/// them, or the levels alone (`adeno`, or `a, 1` for two columns) when every strata column is text, as R's
/// `strata()` labels factors and character columns.
fn strata_names(formula: &Formula, table: &Table, codes: &[u32], labels: &[String]) -> Vec<String> {
    let text_columns: Option<Vec<&TextColumn>> = formula
        .terms
        .iter()
        .filter_map(|t| match t {
            Term::Strata(c) => Some(match table.get(c) {
                ColumnValues::Text(v) => Some(v),
                _ => None,
            }),
            _ => None,
        })
        .collect();
    let Some(columns) = text_columns else {
        return labels.to_vec();
    };
    (0..labels.len())
        .map(|h| match codes.iter().position(|&c| c as usize == h) {
            Some(row) => columns
                .iter()
                .map(|v| v.get(row))
                .collect::<Vec<_>>()
                .join(", "),
            None => labels[h].clone(),
        })
        .collect()
}

fn term_json(t: &AftTerm) -> Value {
    json!({"term": t.term, "coef": t.coef, "se": t.se, "z": t.z, "p_value": t.p_value, "lower": t.lower, "upper": t.upper})
}

/// The log-scale rows after the coefficients: `Log(scale)`, or one per stratum named by its label.
fn scale_rows(f: &AftFit) -> impl Iterator<Item = &AftTerm> {
    f.log_scale
        .iter()
        .chain(f.strata.iter().map(|s| &s.log_scale))
}

fn to_json(a: &AftArgs, f: &AftFit, n_dropped: usize) -> Value {
    json!({
        "analysis": "aft",
        "formula": a.formula,
        "dist": f.dist.name(),
        "n": f.n,
        "n_events": f.n_events,
        "n_dropped": n_dropped,
        "converged": f.converged,
        "iterations": f.iterations,
        "loglik": f.loglik,
        "loglik_null": f.loglik_null,
        "scale": f.scale,
        "log_scale": f.log_scale.as_ref().map(|t| json!({"coef": t.coef, "se": t.se})),
        "strata": (!f.strata.is_empty()).then(|| f.strata.iter().map(|s| json!({
            "stratum": s.stratum,
            "scale": s.scale,
            "log_scale": term_json(&s.log_scale),
        })).collect::<Vec<_>>()),
        "lrt": f.lrt.as_ref().map(|t| json!({"statistic": t.statistic, "df": t.df, "p_value": t.p_value})),
        "terms": f.terms.iter().map(term_json).collect::<Vec<_>>(),
        "weibull_ph": f.weibull_ph(a.conf_level).map(|v| v.iter().map(term_json).collect::<Vec<_>>()),
        "warnings": f.warnings,
    })
}

fn to_csv(f: &AftFit) -> String {
    let mut out = CsvOut::new(&["term", "coef", "se", "z", "p_value", "lower", "upper"]);
    for t in f.terms.iter().chain(scale_rows(f)) {
        out.line([
            t.term.clone(),
            num(t.coef),
            num(t.se),
            num(t.z),
            num(t.p_value),
            num(t.lower),
            num(t.upper),
        ]);
    }
    out.finish()
}

fn to_table(a: &AftArgs, f: &AftFit, n_dropped: usize) -> String {
    let mut s = format!(
        "Call: survreg({}, dist = \"{}\")\n\n",
        a.formula,
        f.dist.name()
    );
    let mut t = TextTable::new(&["", "Value", "Std. Error", "z", "p"]);
    for term in f.terms.iter().chain(scale_rows(f)) {
        t.row(vec![
            term.term.clone(),
            sig(term.coef, 5),
            sig(term.se, 5),
            format!("{:.2}", term.z),
            pval(term.p_value),
        ]);
    }
    s.push_str(&t.render());
    if f.strata.is_empty() {
        s.push_str(&format!("\nScale= {}\n", sig(f.scale, 4)));
    } else {
        // R prints the named vector fit$scale.
        let mut scales = TextTable::new(&["", "Scale"]);
        for st in &f.strata {
            scales.row(vec![st.stratum.clone(), sig(st.scale, 4)]);
        }
        s.push('\n');
        s.push_str(&scales.render());
    }
    s.push_str(&format!("\n{} distribution\n", f.dist.name()));
    s.push_str(&format!(
        "Loglik(model)= {}   Loglik(intercept only)= {}\n",
        sig(f.loglik, 6),
        sig(f.loglik_null, 6)
    ));
    if let Some(l) = &f.lrt {
        s.push_str(&format!(
            "\tChisq= {} on {} degrees of freedom, p= {}\n",
            sig(l.statistic, 4),
            l.df,
            pval(l.p_value)
        ));
    }
    s.push_str(&format!(
        "Number of Newton-Raphson Iterations: {}\nn= {}",
        f.iterations, f.n
    ));
    if n_dropped > 0 {
        s.push_str(&format!(
            " ({n_dropped} observations deleted due to missingness)"
        ));
    }
    s.push('\n');
    if let Some(ph) = f.weibull_ph(a.conf_level) {
        s.push_str(
            "\nProportional-hazards coefficients (-coef / scale), as a Cox model reports them:\n",
        );
        let mut t = TextTable::new(&["", "coef", "exp(coef)", "se", "p"]);
        for term in &ph {
            t.row(vec![
                term.term.clone(),
                sig(term.coef, 5),
                sig(term.coef.exp(), 5),
                sig(term.se, 5),
                pval(term.p_value),
            ]);
        }
        s.push_str(&t.render());
    }
    s
}
