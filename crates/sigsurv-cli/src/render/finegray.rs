//! The output of `sigsurv finegray`: `summary(crr(...))` as a table, the JSON of docs/cli.md (the keys of
//! `cox` where they mean the same), and CSV (one line per term).

use crate::args::{FinegrayArgs, OutputFormat};
use crate::causes::CauseCoding;
use crate::output::json_text;
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig, TextTable};
use serde_json::{json, Value};
use sigsurv_core::competing::FineGrayFit;
use sigsurv_io::Table;

pub(crate) fn render(
    a: &FinegrayArgs,
    table: &Table,
    coding: &CauseCoding,
    fit: &FineGrayFit,
    format: OutputFormat,
) -> String {
    match format {
        OutputFormat::Json => json_text(&to_json(a, table, coding, fit)),
        OutputFormat::Csv => to_csv(fit),
        OutputFormat::Table => to_table(a, table, coding, fit),
    }
}

pub(crate) fn to_json(
    a: &FinegrayArgs,
    table: &Table,
    coding: &CauseCoding,
    fit: &FineGrayFit,
) -> Value {
    json!({
        "analysis": "finegray",
        "formula": a.formula,
        "cause": a.cause,
        "causes": coding.causes,
        "censor_value": coding.censor_value,
        "n": fit.n,
        "n_dropped": table.n_dropped,
        "n_events": fit.n_events,
        "n_competing": fit.n_competing,
        "loglik": fit.loglik,
        "loglik_null": fit.loglik_null,
        "converged": fit.converged,
        "iterations": fit.iterations,
        "conf_level": a.conf_level,
        "variance": "sandwich",
        "terms": fit.terms.iter().map(|t| json!({
            "term": t.name, "coef": t.coef, "exp_coef": t.exp_coef, "se": t.se, "se_naive": t.se_naive,
            "z": t.z, "p_value": t.p_value, "lower": t.lower, "upper": t.upper,
        })).collect::<Vec<_>>(),
    })
}

fn to_csv(fit: &FineGrayFit) -> String {
    let mut out = CsvOut::new(&[
        "term", "coef", "exp_coef", "se", "se_naive", "z", "p_value", "lower", "upper",
    ]);
    for t in &fit.terms {
        out.line([
            t.name.clone(),
            num(t.coef),
            num(t.exp_coef),
            num(t.se),
            num(t.se_naive),
            num(t.z),
            num(t.p_value),
            num(t.lower),
            num(t.upper),
        ]);
    }
    out.finish()
}

fn to_table(a: &FinegrayArgs, table: &Table, coding: &CauseCoding, fit: &FineGrayFit) -> String {
    let mut s = format!(
        "Fine-Gray model of the subdistribution hazard of {} (competing: {}; censored: {})\n{}\n\n  n= {}{}, events of {}= {}, competing events= {}\n\n",
        a.cause,
        coding
            .causes
            .iter()
            .filter(|c| **c != a.cause)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
        coding.censor_value,
        a.formula,
        fit.n,
        if table.n_dropped > 0 {
            format!(" ({} dropped for missing values)", table.n_dropped)
        } else {
            String::new()
        },
        a.cause,
        fit.n_events,
        fit.n_competing
    );
    let ci = format!("{}% CI", sig(a.conf_level * 100.0, 4));
    let mut t = TextTable::new(&["", "coef", "exp(coef)", "se(coef)", "z", "p-value", &ci]);
    t.text_columns = vec![0];
    for term in &fit.terms {
        t.row(vec![
            term.name.clone(),
            sig(term.coef, 5),
            sig(term.exp_coef, 5),
            sig(term.se, 5),
            sig(term.z, 3),
            pval(term.p_value),
            format!("{} to {}", sig(term.lower, 4), sig(term.upper, 4)),
        ]);
    }
    s.push_str(&t.render());
    s.push_str(&format!(
        "\nLog pseudo-likelihood: {} (null {}); standard errors: sandwich (crr's var)\n",
        sig(fit.loglik, 8),
        sig(fit.loglik_null, 8)
    ));
    s
}
