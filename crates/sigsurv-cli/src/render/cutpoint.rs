//! The output of `sigsurv cutpoint`: the selected cut-point as text, the JSON of docs/cli.md and every
//! candidate as CSV; and the cut-point's keys in the `analyze` summary.

use crate::args::{CutpointArgs, OutputFormat};
use crate::input::SurvInput;
use crate::output::json_text;
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig};
use serde_json::{json, Value};
use sigsurv_core::cutpoint::Cutpoint;

/// Why the naive p-value is not the answer; printed in every format.
pub(crate) const BIAS_NOTE: &str =
    "the log-rank p-value at a cut chosen to maximise the difference is biased \
     (too small); report p_value (Lausen-Schumacher adjusted) or the permutation p-value";

/// The scan in the chosen format.
pub(crate) fn render(
    a: &CutpointArgs,
    input: &SurvInput,
    c: &Cutpoint,
    format: OutputFormat,
) -> String {
    match format {
        OutputFormat::Json => json_text(&to_json(a, input, c)),
        OutputFormat::Csv => to_csv(c),
        OutputFormat::Table => to_table(a, c),
    }
}

/// The `cutpoint` JSON.
pub(crate) fn to_json(a: &CutpointArgs, input: &SurvInput, c: &Cutpoint) -> Value {
    json!({
        "analysis": "cutpoint",
        "score": a.score,
        "cutpoint": c.cutpoint,
        "statistic": c.statistic,
        "p_value": c.p_value,
        "p_value_method": "Lau94",
        "p_value_permutation": c.p_value_permutation,
        "permutations": a.permutations,
        "seed": a.seed,
        "n_low": c.n_low,
        "n_high": c.n_high,
        "naive_chisq": c.naive_chisq,
        "naive_p_value": c.naive_p_value,
        "note": BIAS_NOTE,
        "min_prop": a.min_prop,
        "max_prop": a.max_prop,
        "n_dropped": input.table.n_dropped,
        "candidates": c.candidates.iter().map(|(cut, stat)| json!({"cutpoint": cut, "statistic": stat})).collect::<Vec<_>>(),
    })
}

fn to_csv(c: &Cutpoint) -> String {
    let mut out = CsvOut::new(&["cutpoint", "statistic", "selected"]);
    for (cut, stat) in &c.candidates {
        out.line([num(*cut), num(*stat), (*cut == c.cutpoint).to_string()]);
    }
    out.finish()
}

fn to_table(a: &CutpointArgs, c: &Cutpoint) -> String {
    let mut s = format!(
        "Maximally selected log-rank statistic for \"{}\" (maxstat, Lau94)\n\n",
        a.score
    );
    s.push_str(&format!(
        "  cut-point            {}   (low: score <= cut-point)\n",
        sig(c.cutpoint, 6)
    ));
    s.push_str(&format!(
        "  groups               low n = {}, high n = {}\n",
        c.n_low, c.n_high
    ));
    s.push_str(&format!("  M (max. std. stat.)  {}\n", sig(c.statistic, 5)));
    s.push_str(&format!("  adjusted p (Lau94)   {}\n", pval(c.p_value)));
    match c.p_value_permutation {
        Some(p) => s.push_str(&format!(
            "  permutation p        {}   ({} permutations, seed {})\n",
            pval(p),
            a.permutations,
            a.seed
        )),
        None => s.push_str("  permutation p        not computed (use --permutations N)\n"),
    }
    s.push_str(&format!(
        "  naive log-rank       chisq = {}, p = {}   (biased)\n\nnote: {BIAS_NOTE}\n",
        sig(c.naive_chisq, 4),
        pval(c.naive_p_value)
    ));
    s
}

/// The optimal cut-point of an analysis, as the `cutpoint` key of its summary.
pub(crate) fn analysis_json(c: &Cutpoint, permutations: usize, seed: u64) -> Value {
    json!({
        "analysis": "cutpoint", "cutpoint": c.cutpoint, "statistic": c.statistic, "p_value": c.p_value,
        "p_value_method": "Lau94", "p_value_permutation": c.p_value_permutation, "permutations": permutations,
        "seed": seed, "n_low": c.n_low, "n_high": c.n_high, "naive_p_value": c.naive_p_value, "note": BIAS_NOTE,
    })
}
