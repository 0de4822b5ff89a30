//! An analysis from expression + clinical data to survival results, for `analyze`, `run` and `check`: one cohort
//! (the tables joined on the sample id, then `analyse`) or several (`cohorts`), and the files written. The
//! inputs are resolved in `inputs`, the tables joined in `join`, and the printed summary written by
//! `summary_text`.

use super::analyse::analyse;
use super::analysed::Analysed;
use super::inputs::Inputs;
use super::join::{default_id, join, JoinReport};
use super::outcome::Outcome;
use super::report::{write_report, ReportInputs};
use super::spec::AnalysisSpec;
use super::terms::Terms;
use crate::args::OutputArgs;
use crate::failure::{CliResult, Failure};
use crate::render::csv::{num, CsvOut};
use sigsurv_io::append_columns::append_columns;
use std::collections::HashMap;

pub fn run_analysis(spec: &AnalysisSpec, out: &OutputArgs) -> CliResult<Outcome> {
    if super::cohorts::requested(spec) {
        return super::cohorts::run_cohorts(spec, out);
    }
    let inputs = Inputs::resolve(spec)?;
    let terms = Terms::new(spec, &inputs)?;
    let joined = join(spec, &terms, &inputs, &[], out)?;
    let report = JoinReport::of(&joined);
    let Analysed {
        summary,
        text,
        samples,
        raw_score,
        sd,
        group_labels,
        fits,
        cox_score,
        cox_groups,
        ..
    } = analyse(
        spec,
        &terms,
        &joined,
        &(0..joined.rows.len()).collect::<Vec<_>>(),
        &report,
        out,
    )
    .map_err(|e| inputs.relabel(e))?;

    // Outputs.
    let dir = &spec.output.dir;
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::input(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut scores_csv = CsvOut::new(&["sample", "score", "score_per_sd", "group"]);
    for (r, sample) in samples.iter().enumerate() {
        scores_csv.line([
            sample.clone(),
            num(raw_score[r]),
            num(raw_score[r] / sd),
            group_labels[r].clone(),
        ]);
    }
    let mut files = vec![dir.join("summary.json"), dir.join("scores.csv")];
    sigsurv_io::write_atomic(&files[0], crate::output::json_text(&summary).as_bytes())?;
    sigsurv_io::write_atomic(&files[1], scores_csv.finish().as_bytes())?;
    // The clinical table with the score and group added, for analyses the command does not do (delimited text
    // only; a clinical table of another kind, or one with these columns already, gets a note instead).
    let id = match &spec.data.id {
        Some(id) => id.clone(),
        None => default_id(&inputs.clinical).map_err(|e| inputs.relabel(e))?,
    };
    let added: HashMap<String, Vec<String>> = samples
        .iter()
        .enumerate()
        .map(|(r, s)| {
            (
                s.clone(),
                vec![
                    num(raw_score[r]),
                    num(raw_score[r] / sd),
                    group_labels[r].clone(),
                ],
            )
        })
        .collect();
    let columns = ["score", "score_per_sd", "group"].map(String::from);
    match append_columns(&inputs.clinical, None, &id, &columns, &added) {
        Ok((text, _)) => {
            let path = dir.join("data.csv");
            sigsurv_io::write_atomic(&path, text.as_bytes())?;
            files.push(path);
        }
        Err(e) => out.note(&format!(
            "data.csv (the clinical table with the scores) not written: {e}"
        )),
    }
    let report = ReportInputs {
        spec,
        summary: &summary,
        fits: &fits,
        scores: &raw_score,
        cox_score: &cox_score,
        cox_groups: &cox_groups,
    };
    files.extend(write_report(&report, out)?);
    Ok(Outcome {
        summary,
        text,
        files,
    })
}
