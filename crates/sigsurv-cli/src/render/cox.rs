//! The output of `sigsurv cox`: R's `summary(coxph(...))` as a text table (with `cox.zph` when asked), the JSON
//! of docs/cli.md (also embedded by `analyze`) and the coefficients as CSV.

use crate::args::OutputFormat;
use crate::model::cox::CoxModel;
use crate::output::json_text;
use crate::render::csv::{num_opt, CsvOut};
use crate::render::text::{fixed, pval, sig, sig_opt, TextTable};
use serde_json::{json, Value};
use sigsurv_core::cox::{CoxFit, EffectiveTest, PenalizedSummary, Test, Zph, ZphTransform};

/// The fit in the chosen format.
pub(crate) fn render(m: &CoxModel, zph: Option<&Zph>, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json_text(&to_json(m, zph)),
        OutputFormat::Csv => to_csv(&m.fit),
        OutputFormat::Table => to_table(m, zph),
    }
}

fn zph_name(t: ZphTransform) -> &'static str {
    match t {
        ZphTransform::Km => "km",
        ZphTransform::Identity => "identity",
        ZphTransform::Rank => "rank",
        ZphTransform::Log => "log",
    }
}

fn test_json(t: &Test) -> Value {
    json!({"statistic": t.statistic, "df": t.df, "p_value": t.p_value})
}

/// The `cox` JSON (also embedded by `analyze`).
pub(crate) fn to_json(m: &CoxModel, zph: Option<&Zph>) -> Value {
    let f = &m.fit;
    let terms: Vec<Value> = f
        .terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut v = json!({
                "term": t.term, "coef": t.coef, "exp_coef": t.exp_coef, "se": t.se, "robust_se": t.robust_se,
                "z": t.z, "p_value": t.p_value, "lower": t.lower, "upper": t.upper,
            });
            if let Some(pen) = &f.penalized {
                v["se2"] = json!(finite(pen.se2[i]));
            }
            v
        })
        .collect();
    let zph_json = zph.map(|z| {
        z.terms
            .iter()
            .chain(std::iter::once(&z.global))
            .map(|t| json!({"term": t.term, "chisq": t.chisq, "df": t.df, "p_value": t.p_value}))
            .collect::<Vec<_>>()
    });
    let mut out = json!({
        "analysis": "cox",
        "formula": m.formula_text,
        "n": f.n,
        "n_events": f.n_events,
        "n_dropped": m.table.n_dropped,
        "n_read": m.table.n_read,
        "ties": f.ties.as_str(),
        "robust": f.robust,
        "converged": f.converged,
        "iterations": f.iterations,
        "terms": terms,
        "loglik_null": f.loglik_null,
        "loglik": f.loglik,
        "term_tests": m.term_tests.iter().map(|t| json!({
            "term": t.term, "chisq": t.test.statistic, "df": t.test.df, "p_value": t.test.p_value,
        })).collect::<Vec<_>>(),
        "lrt": test_json(&f.lrt),
        "wald": test_json(&f.wald),
        "score": test_json(&f.score),
        "robust_score": f.robust_score.as_ref().map(test_json),
        "concordance": {"c": f.concordance.c, "se": f.concordance.se},
        "zph": zph_json,
        "zph_transform": zph.map(|z| zph_name(z.transform)),
        "strata": if m.design.strata.is_some() { json!(m.design.strata_labels) } else { Value::Null },
        "means": f.means,
        "event_coding": m.coding.describe(),
        "warnings": f.warnings,
        "notes": m.notes,
    });
    if let Some(pen) = &f.penalized {
        out["lrt"] = effective_json(&pen.lrt);
        out["wald"] = effective_json(&pen.wald);
        out["score"] = Value::Null;
        out["penalized"] = penalized_json(m, pen);
    }
    out
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn effective_json(t: &EffectiveTest) -> Value {
    json!({"statistic": t.statistic, "df": t.df, "p_value": t.p_value})
}

/// A penalized fit's own results: the effective df of every term, the search for each spline's penalty and its
/// linear / non-linear tests (R's print of a `coxph.penal` fit).
fn penalized_json(m: &CoxModel, pen: &PenalizedSummary) -> Value {
    json!({
        "term_df": m.design.terms.iter().zip(&pen.term_df)
            .map(|(t, df)| json!({"term": t, "df": df})).collect::<Vec<_>>(),
        "outer_iterations": pen.outer_iterations,
        "newton_iterations": pen.newton_iterations,
        "penalty": pen.penalty,
        "splines": pen.splines.iter().map(|s| json!({
            "term": s.term,
            "theta": s.theta,
            "lambda": s.lambda,
            "df": s.df,
            "linear": {
                "coef": s.linear.coef, "se": s.linear.se, "se2": s.linear.se2,
                "chisq": s.linear.chisq, "df": 1, "p_value": s.linear.p_value,
            },
            "nonlinear": {"chisq": s.nonlinear.statistic, "df": s.nonlinear.df, "p_value": s.nonlinear.p_value},
            "search": s.tried.iter().map(|(theta, df)| json!({"theta": theta, "df": df})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn to_csv(f: &CoxFit) -> String {
    let mut out = CsvOut::new(&[
        "term",
        "coef",
        "exp_coef",
        "se",
        "robust_se",
        "z",
        "p_value",
        "lower",
        "upper",
    ]);
    for t in &f.terms {
        out.line([
            t.term.clone(),
            num_opt(t.coef),
            num_opt(t.exp_coef),
            num_opt(t.se),
            num_opt(t.robust_se),
            num_opt(t.z),
            num_opt(t.p_value),
            num_opt(t.lower),
            num_opt(t.upper),
        ]);
    }
    out.finish()
}

/// The joint Wald tests of the terms with several columns, as a table.
fn term_tests_table(m: &CoxModel) -> String {
    let mut tt = TextTable::new(&["", "chisq", "df", "p"]);
    for t in &m.term_tests {
        tt.row(vec![
            t.term.clone(),
            sig(t.test.statistic, 4),
            t.test.df.to_string(),
            pval(t.test.p_value),
        ]);
    }
    tt.render()
}

/// R's first lines: the call, n and events, the rows deleted for missing values.
fn call_header(m: &CoxModel) -> String {
    let f = &m.fit;
    let mut s = format!(
        "Call: coxph({}, ties = \"{}\")\n\n",
        m.formula_text,
        f.ties.as_str()
    );
    s.push_str(&format!("  n= {}, number of events= {}\n", f.n, f.n_events));
    if m.table.n_dropped > 0 {
        s.push_str(&format!(
            "   ({} observations deleted due to missingness)\n",
            m.table.n_dropped
        ));
    }
    s.push('\n');
    s
}

/// R's print of a penalized fit: one row per unpenalized coefficient and two per spline ("linear",
/// "nonlin"), with se2 and chi-square tests on effective df, then the iterations, each term's df and the LR test.
fn penalized_table(m: &CoxModel, pen: &PenalizedSummary) -> String {
    let f = &m.fit;
    let mut s = call_header(m);
    let mut t = TextTable::new(&["", "coef", "se(coef)", "se2", "Chisq", "DF", "p"]);
    let d = &m.design;
    for (term, label) in d.terms.iter().enumerate() {
        if let Some(sp) = pen.splines.iter().find(|sp| &sp.term == label) {
            let l = &sp.linear;
            t.row(vec![
                format!("{label}, linear"),
                sig(l.coef, 5),
                sig(l.se, 5),
                sig(l.se2, 5),
                sig(l.chisq, 5),
                "1.00".into(),
                pval(l.p_value),
            ]);
            t.row(vec![
                format!("{label}, nonlin"),
                String::new(),
                String::new(),
                String::new(),
                sig(sp.nonlinear.statistic, 5),
                fixed(sp.nonlinear.df, 2),
                pval(sp.nonlinear.p_value),
            ]);
            continue;
        }
        for (i, c) in f
            .terms
            .iter()
            .enumerate()
            .filter(|(i, _)| d.term_of[*i] == term)
        {
            let chisq = c.z.map(|z| z * z);
            t.row(vec![
                c.term.clone(),
                sig_opt(c.coef, 5),
                sig_opt(c.se, 5),
                sig_opt(Some(pen.se2[i]).filter(|v| v.is_finite()), 5),
                sig_opt(chisq, 5),
                "1.00".into(),
                c.p_value.map_or("NA".into(), pval),
            ]);
        }
    }
    s.push_str(&t.render());
    s.push_str(&format!(
        "\nIterations: {} outer, {} Newton-Raphson\n",
        pen.outer_iterations, pen.newton_iterations
    ));
    for sp in &pen.splines {
        s.push_str(&format!("     {}: theta= {}\n", sp.term, sig(sp.theta, 3)));
    }
    s.push_str(&format!(
        "Degrees of freedom for terms= {}\n",
        pen.term_df
            .iter()
            .map(|v| fixed(*v, 1))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    s.push_str(&format!(
        "Likelihood ratio test= {}  on {} df,   p={}\n",
        sig(pen.lrt.statistic, 4),
        fixed(pen.lrt.df, 2),
        pval(pen.lrt.p_value)
    ));
    s.push_str(&format!(
        "Concordance= {}  (se = {} )\n",
        sig(f.concordance.c, 3),
        sig(f.concordance.se, 3)
    ));
    if !m.term_tests.is_empty() {
        s.push_str("\nJoint Wald test of each other term with several columns:\n");
        s.push_str(&term_tests_table(m));
    }
    for w in &f.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    for note in &m.notes {
        s.push_str(&format!("note: {note}\n"));
    }
    s
}

/// R's significance stars.
fn stars(p: Option<f64>) -> &'static str {
    match p {
        Some(p) if p < 0.001 => "***",
        Some(p) if p < 0.01 => "**",
        Some(p) if p < 0.05 => "*",
        Some(p) if p < 0.1 => ".",
        _ => "",
    }
}

fn to_table(m: &CoxModel, zph: Option<&Zph>) -> String {
    let f = &m.fit;
    if let Some(pen) = &f.penalized {
        return penalized_table(m, pen);
    }
    let mut s = call_header(m);
    if f.terms.is_empty() {
        // R's print.coxph of a null model.
        s.push_str(&format!(
            "Null model\n  log likelihood= {}\n",
            sig(f.loglik, 7)
        ));
        for w in &f.warnings {
            s.push_str(&format!("warning: {w}\n"));
        }
        for note in &m.notes {
            s.push_str(&format!("note: {note}\n"));
        }
        return s;
    }
    let robust = f.robust;
    let mut headers = vec!["", "coef", "exp(coef)", "se(coef)"];
    if robust {
        headers.push("robust se");
    }
    headers.extend(["z", "Pr(>|z|)", ""]);
    let mut t = TextTable::new(&headers);
    for term in &f.terms {
        let mut row = vec![
            term.term.clone(),
            sig_opt(term.coef, 5),
            sig_opt(term.exp_coef, 5),
            sig_opt(term.se, 5),
        ];
        if robust {
            row.push(sig_opt(term.robust_se, 5));
        }
        row.push(term.z.map_or("NA".into(), |z| fixed(z, 3)));
        row.push(term.p_value.map_or("NA".into(), pval));
        row.push(stars(term.p_value).to_string());
        t.row(row);
    }
    s.push_str(&t.render());
    s.push_str("---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n\n");
    let mut t = TextTable::new(&["", "exp(coef)", "exp(-coef)", "lower .95", "upper .95"]);
    for term in &f.terms {
        t.row(vec![
            term.term.clone(),
            sig_opt(term.exp_coef, 4),
            sig_opt(term.exp_coef.map(|e| 1.0 / e), 4),
            sig_opt(term.lower, 4),
            sig_opt(term.upper, 4),
        ]);
    }
    s.push_str(&t.render());
    if !m.term_tests.is_empty() {
        s.push_str(&format!(
            "\nJoint Wald test of each term with several columns{}:\n",
            if robust { " (robust)" } else { "" }
        ));
        s.push_str(&term_tests_table(m));
    }
    s.push('\n');
    s.push_str(&format!(
        "Concordance= {}  (se = {} )\n",
        sig(f.concordance.c, 3),
        sig(f.concordance.se, 3)
    ));
    let line = |name: &str, t: &Test| {
        format!(
            "{name}= {}  on {} df,   p={}\n",
            sig(t.statistic, 4),
            t.df,
            pval(t.p_value)
        )
    };
    s.push_str(&line("Likelihood ratio test", &f.lrt));
    s.push_str(&line(
        if robust {
            "Wald test (robust)   "
        } else {
            "Wald test            "
        },
        &f.wald,
    ));
    s.push_str(&line("Score (logrank) test ", &f.score));
    if let Some(r) = &f.robust_score {
        s.push_str(&line("Robust score test    ", r));
    }
    if !f.converged {
        s.push_str(&format!(
            "\nwarning: did not converge in {} iterations\n",
            f.iterations
        ));
    }
    for w in &f.warnings {
        s.push_str(&format!("warning: {w}\n"));
    }
    for note in &m.notes {
        s.push_str(&format!("note: {note}\n"));
    }
    if let Some(z) = zph {
        s.push_str(&format!(
            "\nProportional hazards (cox.zph, transform = \"{}\"):\n",
            zph_name(z.transform)
        ));
        let mut t = TextTable::new(&["", "chisq", "df", "p"]);
        for r in z.terms.iter().chain(std::iter::once(&z.global)) {
            t.row(vec![
                r.term.clone(),
                sig(r.chisq, 4),
                r.df.to_string(),
                pval(r.p_value),
            ]);
        }
        s.push_str(&t.render());
    }
    s
}
