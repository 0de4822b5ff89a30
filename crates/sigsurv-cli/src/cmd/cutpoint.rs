//! `sigsurv cutpoint`: the maximally selected log-rank statistic over cut-points of a continuous score, as
//! R's `maxstat.test(..., smethod = "LogRank", pmethod = "Lau94")`, with a permutation p-value.

use crate::args::{CutpointArgs, OutputFormat};
use crate::failure::{CliResult, Failure};
use crate::input::SurvInput;
use crate::output::json_text;
use crate::progress::{Phase, Step};
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig};
use serde_json::{json, Value};
use sigsurv_core::cutpoint::{maxstat_logrank, Cutpoint, CutpointOptions};

/// Why the naive p-value is not the answer; printed in every format.
pub(crate) const BIAS_NOTE: &str =
    "the log-rank p-value at a cut chosen to maximise the difference is biased \
     (too small); report p_value (Lausen-Schumacher adjusted) or the permutation p-value";

pub fn run(a: &CutpointArgs) -> CliResult<()> {
    if !(0.0 < a.min_prop && a.min_prop < a.max_prop && a.max_prop < 1.0) {
        return Err(Failure::input(format!(
            "--min-prop {} and --max-prop {} must satisfy 0 < min-prop < max-prop < 1",
            a.min_prop, a.max_prop
        )));
    }
    let input = SurvInput::read(&a.data, &[a.score.as_str()], &a.output)?;
    let score = input.table.numeric(&a.score)?;
    let opts = CutpointOptions {
        min_prop: a.min_prop,
        max_prop: a.max_prop,
        permutations: a.permutations,
        seed: a.seed,
    };
    let cut = {
        let step = match a.permutations {
            0 => "scanning cut-points".to_string(),
            n => format!("scanning cut-points and {n} permutations"),
        };
        let _step = Step::start(Phase::Compute, step, a.output.quiet);
        maxstat_logrank(&input.time, &input.event, &score, &opts)
            .map_err(|e| input.core_failure(e))?
    };
    let text = match a.output.resolved_format() {
        OutputFormat::Json => json_text(&to_json(a, &input, &cut)),
        OutputFormat::Csv => to_csv(&cut),
        OutputFormat::Table => to_table(a, &cut),
    };
    a.output.emit(&text)
}

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
