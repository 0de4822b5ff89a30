//! `sigsurv anova`: likelihood-ratio tests between nested Cox models, each fitted on the same rows (those with
//! a value in every column any of the models uses), as R's `anova(fit1, fit2, ...)`.

use crate::args::{AnovaArgs, AnovaModelArg, OutputFormat};
use crate::core_options::{aft_dist, ties};
use crate::failure::{CliResult, Failure};
use crate::model::aft::fit_aft;
use crate::model::cox::{fit_table, CoxModel, RobustRequest};
use crate::model::frame::{parse, read_model_table};
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig, TextTable};
use serde_json::json;
use sigsurv_core::aft::AftOptions;
use sigsurv_core::cox::CoxOptions;
use sigsurv_core::formula::Formula;
use sigsurv_core::pvalue::chisq_sf;

pub fn run(a: &AnovaArgs) -> CliResult<()> {
    if a.formula.len() < 2 {
        return Err(Failure::input(
            "anova compares two or more models: give --formula at least twice",
        ));
    }
    let mut formulas: Vec<Formula> = a
        .formula
        .iter()
        .map(|f| parse(f))
        .collect::<CliResult<_>>()?;
    for f in formulas.iter_mut() {
        crate::model::frame::place_spline_knots(&a.data, f, &a.output, None)?;
    }
    if let Some((k, _)) = formulas
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, f)| f.response != formulas[0].response)
    {
        return Err(Failure::input(format!(
            "the models have different responses ({} and {}): anova compares models of one outcome",
            a.formula[0], a.formula[k]
        )));
    }
    // One table for every model: the rows with a value in every column any model uses.
    let all = Formula {
        response: formulas[0].response.clone(),
        terms: formulas.iter().flat_map(|f| f.terms.clone()).collect(),
    };
    let table = read_model_table(&a.data, &all, None, &a.output)?;
    let opts = CoxOptions {
        ties: ties(a.ties),
        // The comparison reads the log likelihoods only.
        concordance: false,
        ..CoxOptions::default()
    };
    let mut models: Vec<Fitted> = Vec::new();
    for (text, f) in a.formula.iter().zip(&formulas) {
        let m = match a.model {
            AnovaModelArg::Cox => {
                let m = fit_table(
                    text,
                    f,
                    table.clone(),
                    None,
                    a.data.event_value.as_deref(),
                    &opts,
                    false,
                    RobustRequest::Auto,
                )?;
                if m.fit.penalized.is_some() {
                    return Err(Failure::input(format!(
                        "{text}: anova of models with a pspline() term is not supported (their df are not whole \
                         numbers)"
                    ))
                    .hint("compare the models with ns(x, df = k) in place of pspline(x, df = k)"));
                }
                Fitted::of_cox(m)
            }
            AnovaModelArg::Aft => {
                let aft_opts = AftOptions {
                    dist: aft_dist(a.dist),
                    ..AftOptions::default()
                };
                let m = fit_aft(
                    text,
                    f,
                    table.clone(),
                    None,
                    a.data.event_value.as_deref(),
                    &aft_opts,
                )?;
                Fitted::of_aft(m)
            }
        };
        for w in &m.warnings {
            a.output.warn(&format!("{text}: {w}"));
        }
        models.push(m);
    }
    // Consecutive models must be nested: one's terms all in the other's.
    for k in 1..models.len() {
        let (s, t) = (&models[k - 1].terms, &models[k].terms);
        let within = |x: &Vec<String>, y: &Vec<String>| x.iter().all(|term| y.contains(term));
        if !within(s, t) && !within(t, s) {
            return Err(Failure::input(format!(
                "models {} and {} are not nested: \"{}\" and \"{}\" each have terms the other lacks",
                k,
                k + 1,
                a.formula[k - 1],
                a.formula[k]
            ))
            .hint("a likelihood-ratio test compares a model with one that adds terms to it"));
        }
    }
    let df = |m: &Fitted| m.df;
    let tests: Vec<(f64, usize, f64)> = (1..models.len())
        .map(|k| {
            let (m0, m1) = (&models[k - 1], &models[k]);
            let chisq = 2.0 * (m1.loglik - m0.loglik).abs();
            let d = df(m1).abs_diff(df(m0));
            (chisq, d, chisq_sf(chisq, d as f64))
        })
        .collect();
    let n = models[0].n;
    let text = match a.output.resolved_format() {
        OutputFormat::Json => crate::output::json_text(&json!({
            "analysis": "anova",
            "n": n,
            "n_dropped": table.n_dropped,
            "model": match a.model { AnovaModelArg::Cox => "cox", AnovaModelArg::Aft => "aft" },
            "dist": matches!(a.model, AnovaModelArg::Aft).then(|| aft_dist(a.dist).name()),
            "ties": matches!(a.model, AnovaModelArg::Cox).then(|| ties(a.ties).as_str()),
            "models": a.formula.iter().zip(&models).map(|(f, m)| json!({
                "formula": f, "loglik": m.loglik, "df": df(m),
            })).collect::<Vec<_>>(),
            "tests": tests.iter().enumerate().map(|(k, (chisq, d, p))| json!({
                "models": [k + 1, k + 2], "chisq": chisq, "df": d, "p_value": p,
            })).collect::<Vec<_>>(),
        })),
        OutputFormat::Csv => {
            let mut out = CsvOut::new(&[
                "model", "formula", "loglik", "df", "chisq", "test_df", "p_value",
            ]);
            for (k, (f, m)) in a.formula.iter().zip(&models).enumerate() {
                let t = k.checked_sub(1).map(|i| tests[i]);
                out.line([
                    (k + 1).to_string(),
                    f.clone(),
                    num(m.loglik),
                    df(m).to_string(),
                    t.map_or(String::new(), |t| num(t.0)),
                    t.map_or(String::new(), |t| t.1.to_string()),
                    t.map_or(String::new(), |t| num(t.2)),
                ]);
            }
            out.finish()
        }
        OutputFormat::Table => {
            let mut s = format!(
                "Analysis of Deviance Table\n Cox model: response is {}\n",
                response_text(&a.formula[0])
            );
            for (k, f) in a.formula.iter().enumerate() {
                s.push_str(&format!(" Model {}: {}\n", k + 1, rhs(f)));
            }
            s.push_str(&format!(
                " n = {n}{}\n\n",
                if table.n_dropped > 0 {
                    format!(
                        " ({} rows with a missing value in a column of any model dropped)",
                        table.n_dropped
                    )
                } else {
                    String::new()
                }
            ));
            let mut t = TextTable::new(&["", "loglik", "Chisq", "Df", "Pr(>|Chi|)"]);
            for (k, m) in models.iter().enumerate() {
                let test = k.checked_sub(1).map(|i| tests[i]);
                t.row(vec![
                    (k + 1).to_string(),
                    sig(m.loglik, 7),
                    test.map_or(String::new(), |t| sig(t.0, 5)),
                    test.map_or(String::new(), |t| t.1.to_string()),
                    test.map_or(String::new(), |t| pval(t.2)),
                ]);
            }
            s.push_str(&t.render());
            s
        }
    };
    a.output.emit(&text)
}

/// What the tests need of a fitted model.
struct Fitted {
    n: usize,
    loglik: f64,
    /// Estimated parameters: the coefficients that are not aliased (Cox), or the coefficients and scales
    /// (survreg's `df`).
    df: usize,
    terms: Vec<String>,
    warnings: Vec<String>,
}

impl Fitted {
    fn of_cox(m: CoxModel) -> Fitted {
        Fitted {
            n: m.fit.n,
            loglik: m.fit.loglik,
            df: m.fit.coef.iter().filter(|c| c.is_finite()).count(),
            terms: m.design.terms.clone(),
            warnings: m.fit.warnings.clone(),
        }
    }

    fn of_aft(m: crate::model::aft::AftModel) -> Fitted {
        let scales = if m.fit.strata.is_empty() {
            usize::from(m.fit.log_scale.is_some())
        } else {
            m.fit.strata.len()
        };
        Fitted {
            n: m.fit.n,
            loglik: m.fit.loglik,
            df: m.fit.terms.len() + scales,
            terms: m.design.terms.clone(),
            warnings: m.fit.warnings.clone(),
        }
    }
}

fn response_text(formula: &str) -> &str {
    formula.split('~').next().unwrap_or("").trim()
}

fn rhs(formula: &str) -> &str {
    formula.split_once('~').map_or("", |(_, r)| r.trim())
}
