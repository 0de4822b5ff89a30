//! `sigsurv cutpoint`: the maximally selected log-rank statistic over cut-points of a continuous score, as
//! R's `maxstat.test(..., smethod = "LogRank", pmethod = "Lau94")`, with a permutation p-value.

use crate::args::CutpointArgs;
use crate::failure::{CliResult, Failure};
use crate::input::SurvInput;
use crate::progress::{Phase, Step};
use crate::render;
use sigsurv_core::cutpoint::{maxstat_logrank, CutpointOptions};

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
    let text = render::cutpoint::render(a, &input, &cut, a.output.resolved_format());
    a.output.emit(&text)
}
