//! The output of `sigsurv aft`: R's `summary(survreg(...))` as a text table, the JSON of docs/cli.md and the
//! coefficients as CSV; and the predicted quantiles of `--predict`.

use crate::args::{AftArgs, OutputFormat};
use crate::output::json_text;
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig, TextTable};
use serde_json::{json, Value};
use sigsurv_core::aft::{AftFit, AftTerm};

/// The fit in the chosen format.
pub(crate) fn render(a: &AftArgs, f: &AftFit, n_dropped: usize, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json_text(&to_json(a, f, n_dropped)),
        OutputFormat::Csv => to_csv(f),
        OutputFormat::Table => to_table(a, f, n_dropped),
    }
}

/// The predicted quantiles (one row per profile) as JSON, or as CSV for any other format.
pub(crate) fn render_predicted(
    a: &AftArgs,
    f: &AftFit,
    rows: &[(String, Vec<f64>)],
    format: OutputFormat,
) -> String {
    match format {
        OutputFormat::Json => json_text(&json!({
            "analysis": "aft_predict",
            "dist": f.dist.name(),
            "quantiles": a.quantiles,
            "profiles": rows.iter().map(|(l, q)| json!({"profile": l, "time": q})).collect::<Vec<_>>(),
        })),
        _ => {
            let mut out = CsvOut::new(&["profile", "p", "time"]);
            for (l, q) in rows {
                for (p, t) in a.quantiles.iter().zip(q) {
                    out.line([l.clone(), num(*p), num(*t)]);
                }
            }
            out.finish()
        }
    }
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
