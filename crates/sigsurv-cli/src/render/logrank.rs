//! The output of `sigsurv logrank`: R's `print(survdiff(...))` as a text table (with the pairwise comparisons
//! when asked), the JSON of docs/cli.md (also embedded by `analyze`) and the groups as CSV.

use crate::args::{LogrankArgs, OutputFormat, PAdjustArg};
use crate::input::{Factor, SurvInput};
use crate::output::json_text;
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig, TextTable};
use serde_json::{json, Value};
use sigsurv_core::logrank::{LogRank, PairwiseLogRank};

/// Said when no analysed row has an event: the test is undefined (R's survdiff: df = -1, p = NA).
pub(crate) const NO_EVENTS_NOTE: &str =
    "no events in the analysed rows: the log-rank test is undefined, p = NA (as R's survdiff)";

/// The test in the chosen format.
pub(crate) fn render(
    a: &LogrankArgs,
    input: &SurvInput,
    groups: &Factor,
    strata: Option<&Factor>,
    test: &LogRank,
    pairs: Option<&[PairwiseLogRank]>,
    format: OutputFormat,
) -> String {
    match format {
        OutputFormat::Json => json_text(&to_json(a, input, groups, strata, test, pairs)),
        OutputFormat::Csv => to_csv(groups, test),
        OutputFormat::Table => to_table(a, groups, test, pairs, input.table.n_dropped),
    }
}

fn p_adjust_name(p: PAdjustArg) -> &'static str {
    match p {
        PAdjustArg::Holm => "holm",
        PAdjustArg::Bh => "bh",
        PAdjustArg::Bonferroni => "bonferroni",
        PAdjustArg::None => "none",
    }
}

/// The `logrank` JSON (also embedded by `analyze`).
pub(crate) fn to_json(
    a: &LogrankArgs,
    input: &SurvInput,
    groups: &Factor,
    strata: Option<&Factor>,
    t: &LogRank,
    pairs: Option<&[PairwiseLogRank]>,
) -> Value {
    let g: Vec<Value> = groups
        .levels
        .iter()
        .enumerate()
        .map(|(i, name)| json!({"group": name, "n": t.n[i], "observed": t.observed[i], "expected": t.expected[i]}))
        .collect();
    let mut v = json!({
        "analysis": "logrank",
        "chisq": t.chisq,
        "df": t.df,
        "p_value": t.p_value,
        "rho": t.rho,
        "groups": g,
        "n_dropped": input.table.n_dropped,
        "n_read": input.table.n_read,
        "by": a.by,
        "strata": strata.map(|s| json!({"columns": a.strata, "levels": s.levels})),
        "event_coding": input.coding.describe(),
        "variance": t.variance,
    });
    if let Some(pairs) = pairs {
        v["p_adjust"] = json!(p_adjust_name(a.p_adjust));
        v["pairwise"] = pairs
            .iter()
            .map(|p| {
                json!({
                    "group_a": groups.levels[p.group_a],
                    "group_b": groups.levels[p.group_b],
                    "chisq": p.chisq,
                    "p_value": p.p_value,
                    "p_adjusted": p.p_adjusted,
                })
            })
            .collect();
    }
    v
}

fn to_csv(groups: &Factor, t: &LogRank) -> String {
    let mut out = CsvOut::new(&[
        "group", "n", "observed", "expected", "chisq", "df", "p_value", "rho",
    ]);
    for (i, name) in groups.levels.iter().enumerate() {
        out.line([
            name.clone(),
            t.n[i].to_string(),
            num(t.observed[i]),
            num(t.expected[i]),
            num(t.chisq),
            t.df.to_string(),
            num(t.p_value),
            num(t.rho),
        ]);
    }
    out.finish()
}

fn to_table(
    a: &LogrankArgs,
    groups: &Factor,
    t: &LogRank,
    pairs: Option<&[PairwiseLogRank]>,
    dropped: usize,
) -> String {
    let k = groups.levels.len();
    let mut s = String::new();
    if a.rho != 0.0 {
        s.push_str(&format!("G-rho test, rho = {}\n\n", sig(a.rho, 4)));
    }
    let mut tab = TextTable::new(&["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"]);
    for (i, name) in groups.levels.iter().enumerate() {
        let (o, e, v) = (t.observed[i], t.expected[i], t.variance[i * k + i]);
        tab.row(vec![
            format!("{}={name}", a.by),
            t.n[i].to_string(),
            sig(o, 5),
            sig(e, 5),
            sig((o - e).powi(2) / e, 3),
            sig((o - e).powi(2) / v, 3),
        ]);
    }
    s.push_str(&tab.render());
    if !a.strata.is_empty() {
        s.push_str(&format!("(stratified by {})\n", a.strata.join(", ")));
    }
    s.push_str(&format!(
        "\n Chisq= {}  on {} degrees of freedom, p= {}\n",
        sig(t.chisq, 4),
        t.df,
        pval(t.p_value)
    ));
    if let Some(pairs) = pairs {
        s.push_str(&format!(
            "\nPairwise comparisons (p adjusted: {})\n",
            p_adjust_name(a.p_adjust)
        ));
        let mut tab = TextTable::new(&["", "Chisq", "p", "p adjusted"]);
        for p in pairs {
            tab.row(vec![
                format!(
                    "{} vs {}",
                    groups.levels[p.group_a], groups.levels[p.group_b]
                ),
                sig(p.chisq, 4),
                pval(p.p_value),
                pval(p.p_adjusted),
            ]);
        }
        s.push_str(&tab.render());
    }
    if dropped > 0 {
        s.push_str(&format!(
            "\n{dropped} observations deleted due to missingness\n"
        ));
    }
    s
}
