//! `sigsurv score`: signature scores per sample.

use crate::analysis::join::default_id;
use crate::args::{OutputFormat, ScoreArgs, ScoreMethodArg};
use crate::failure::{CliResult, Failure};
use crate::progress::{Phase, Step};
use crate::render;
use crate::render::csv::num;
use crate::signature::Scored;
use crate::signature::{read_matrix, score};
use crate::weighted_signature::score_weighted;
use sigsurv_io::append_columns::append_columns;
use std::collections::HashMap;
use std::path::Path;

pub fn run(a: &ScoreArgs) -> CliResult<()> {
    let matrix = {
        let reading = format!("reading {}", a.expression.display());
        let _step = Step::start(Phase::Load, reading, a.output.quiet);
        read_matrix(&a.expression, &a.expr)?
    };
    let weighted = a.expr.weights.is_some() || a.expr.method == ScoreMethodArg::Weighted;
    let s = if weighted {
        score_weighted(matrix, &a.expr, &a.output)?
    } else {
        score(matrix, None, &a.expr, &a.output)?
    };
    let text = match &a.clinical {
        Some(clinical) => with_clinical(a, clinical, &s)?,
        None => render::score::render(&s, a.output.resolved_format()),
    };
    a.output.emit(&text)
}

/// The clinical table with a score column per set appended, matched on the id column.
fn with_clinical(a: &ScoreArgs, clinical: &Path, s: &Scored) -> CliResult<String> {
    if a.output.format.is_some_and(|f| f != OutputFormat::Csv) {
        return Err(Failure::input(
            "--clinical writes the clinical table with the scores added, as delimited text: leave out --format",
        ));
    }
    let id = match &a.id {
        Some(id) => id.clone(),
        None => default_id(clinical)?,
    };
    let names: Vec<String> = s.sets.iter().map(|set| set.name.clone()).collect();
    let values: HashMap<String, Vec<String>> = s
        .samples
        .iter()
        .enumerate()
        .map(|(j, sample)| {
            (
                sample.clone(),
                s.scores.iter().map(|sc| num(sc[j])).collect(),
            )
        })
        .collect();
    let (text, matched) = append_columns(clinical, None, &id, &names, &values)?;
    if matched == 0 {
        return Err(Failure::input(format!(
            "no id of column \"{id}\" in {} matches a sample of {}",
            clinical.display(),
            a.expression.display()
        ))
        .hint("choose the id column with --id, or check --samples-in-rows"));
    }
    a.output.note(&format!(
        "{matched} clinical row(s) got their scores; {} sample(s) of the expression matrix",
        s.samples.len()
    ));
    Ok(text)
}
