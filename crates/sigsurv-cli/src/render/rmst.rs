//! The output of `sigsurv rmst`: `survRM2::rmst2`'s printed tables (RMST and RMTL per group, the contrasts), the
//! JSON of docs/cli.md, and CSV (one line per group).

use crate::args::{OutputFormat, RmstArgs};
use crate::input::SurvInput;
use crate::output::json_text;
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig, TextTable};
use serde_json::{json, Value};
use sigsurv_core::validation::{RmstContrasts, RmstGroups};

/// The result in the chosen format.
pub(crate) fn render(
    a: &RmstArgs,
    input: &SurvInput,
    levels: &[String],
    reference: usize,
    fit: &RmstGroups,
    contrasts: &[(usize, RmstContrasts)],
    format: OutputFormat,
) -> String {
    match format {
        OutputFormat::Json => json_text(&to_json(a, input, levels, reference, fit, contrasts)),
        OutputFormat::Csv => to_csv(levels, fit),
        OutputFormat::Table => to_table(a, input, levels, reference, fit, contrasts),
    }
}

/// "high - low": the contrast's name, group minus reference.
fn contrast_name(levels: &[String], g: usize, reference: usize) -> String {
    format!("{} - {}", levels[g], levels[reference])
}

fn to_json(
    a: &RmstArgs,
    input: &SurvInput,
    levels: &[String],
    reference: usize,
    fit: &RmstGroups,
    contrasts: &[(usize, RmstContrasts)],
) -> Value {
    json!({
        "analysis": "rmst",
        "n": input.time.len(),
        "n_dropped": input.table.n_dropped,
        "by": a.by,
        "reference": levels[reference],
        "tau": fit.tau,
        "tau_given": a.tau.is_some(),
        "default_tau": fit.default_tau,
        "conf_level": fit.conf_level,
        "groups": levels.iter().zip(&fit.groups).map(|(name, g)| json!({
            "group": name, "n": g.n, "rmst": g.rmst, "se": g.se, "lower": g.lower, "upper": g.upper,
            "rmtl": g.rmtl, "rmtl_lower": g.rmtl_lower, "rmtl_upper": g.rmtl_upper,
        })).collect::<Vec<_>>(),
        "contrasts": contrasts.iter().map(|(g, c)| json!({
            "contrast": contrast_name(levels, *g, reference),
            "group": levels[*g],
            "reference": levels[reference],
            "difference": c.difference.estimate, "lower": c.difference.lower, "upper": c.difference.upper,
            "p_value": c.difference.p_value,
            "ratio": c.ratio.estimate, "ratio_lower": c.ratio.lower, "ratio_upper": c.ratio.upper,
            "ratio_p_value": c.ratio.p_value,
            "rmtl_ratio": c.rmtl_ratio.estimate, "rmtl_ratio_lower": c.rmtl_ratio.lower,
            "rmtl_ratio_upper": c.rmtl_ratio.upper, "rmtl_ratio_p_value": c.rmtl_ratio.p_value,
        })).collect::<Vec<_>>(),
    })
}

fn to_csv(levels: &[String], fit: &RmstGroups) -> String {
    let mut out = CsvOut::new(&[
        "group",
        "n",
        "tau",
        "rmst",
        "se",
        "lower",
        "upper",
        "rmtl",
        "rmtl_lower",
        "rmtl_upper",
    ]);
    for (name, g) in levels.iter().zip(&fit.groups) {
        out.line([
            name.clone(),
            g.n.to_string(),
            num(fit.tau),
            num(g.rmst),
            num(g.se),
            num(g.lower),
            num(g.upper),
            num(g.rmtl),
            num(g.rmtl_lower),
            num(g.rmtl_upper),
        ]);
    }
    out.finish()
}

fn to_table(
    a: &RmstArgs,
    input: &SurvInput,
    levels: &[String],
    reference: usize,
    fit: &RmstGroups,
    contrasts: &[(usize, RmstContrasts)],
) -> String {
    let ci = format!("{}% CI", sig(fit.conf_level * 100.0, 4));
    let mut s = format!(
        "Restricted mean survival time up to tau = {}{} ({} rows{})\n\n",
        sig(fit.tau, 6),
        if a.tau.is_some() {
            String::new()
        } else {
            " (the largest time every group allows)".to_string()
        },
        input.time.len(),
        if input.table.n_dropped > 0 {
            format!(", {} dropped for missing values", input.table.n_dropped)
        } else {
            String::new()
        }
    );
    let mut t = TextTable::new(&[&a.by, "n", "RMST", "se", &ci, "RMTL", &ci]);
    t.text_columns = vec![0];
    for (name, g) in levels.iter().zip(&fit.groups) {
        t.row(vec![
            name.clone(),
            g.n.to_string(),
            sig(g.rmst, 5),
            sig(g.se, 4),
            format!("{} to {}", sig(g.lower, 5), sig(g.upper, 5)),
            sig(g.rmtl, 5),
            format!("{} to {}", sig(g.rmtl_lower, 5), sig(g.rmtl_upper, 5)),
        ]);
    }
    s.push_str(&t.render());
    s.push('\n');
    let mut t = TextTable::new(&["contrast", "", "estimate", &ci, "p"]);
    t.text_columns = vec![0, 1];
    for (g, c) in contrasts {
        let name = contrast_name(levels, *g, reference);
        for (what, x) in [
            ("RMST difference", c.difference),
            ("RMST ratio", c.ratio),
            ("RMTL ratio", c.rmtl_ratio),
        ] {
            t.row(vec![
                name.clone(),
                what.into(),
                sig(x.estimate, 5),
                format!("{} to {}", sig(x.lower, 5), sig(x.upper, 5)),
                pval(x.p_value),
            ]);
        }
    }
    s.push_str(&t.render());
    s
}
