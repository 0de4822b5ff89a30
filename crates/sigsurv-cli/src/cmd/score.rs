//! `sigsurv score`: signature scores per sample.

use crate::args::ScoreArgs;
use crate::failure::CliResult;
use crate::progress::{Phase, Step};
use crate::render;
use crate::signature::{read_matrix, score};

pub fn run(a: &ScoreArgs) -> CliResult<()> {
    let matrix = {
        let reading = format!("reading {}", a.expression.display());
        let _step = Step::start(Phase::Load, reading, a.output.quiet);
        read_matrix(&a.expression, &a.expr)?
    };
    let s = score(matrix, None, &a.expr, &a.output)?;
    let text = render::score::render(&s, a.output.resolved_format());
    a.output.emit(&text)
}
