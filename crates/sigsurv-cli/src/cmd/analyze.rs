//! `sigsurv analyze` (flags) and `sigsurv run` (an analysis file): the one-command signature analysis.

use crate::analysis::outcome::Outcome;
use crate::analysis::pipeline::run_analysis;
use crate::analysis::spec::{
    AnalysisSpec, DataSpec, GroupsSpec, ModelSpec, OutputSpec, SignatureSpec, SubgroupsSpec,
    SurvivalSpec, ValidationSpec, SPEC_VERSION,
};
use crate::args::{AnalyzeArgs, CollapseArg, OutputArgs, RunArgs, ScoreMethodArg};
use crate::failure::{CliResult, Failure};
use std::path::Path;

pub fn run(a: &AnalyzeArgs) -> CliResult<()> {
    let spec = AnalysisSpec {
        version: SPEC_VERSION,
        data: DataSpec {
            clinical: a.clinical.clone(),
            expression: a.expression.clone(),
            study: a.study.clone(),
            cohort: a.cohort.clone(),
            allow_missing_cohorts: a.allow_missing_cohorts,
            samples_in_rows: a.samples_in_rows,
            collapse: match a.collapse {
                CollapseArg::Mean => "mean",
                CollapseArg::MaxMean => "max-mean",
                CollapseArg::First => "first",
            }
            .into(),
            gene_column: a.gene_column.clone(),
            log2: a.log2,
            id: a.id.clone(),
            filter: a.filter.clone(),
        },
        signature: SignatureSpec {
            gene_sets: a.gene_sets.clone(),
            set: a.set.clone(),
            method: match a.method {
                ScoreMethodArg::MeanZ => "mean-z",
                ScoreMethodArg::Zscore => "zscore",
                ScoreMethodArg::Ssgsea => "ssgsea",
                ScoreMethodArg::Singscore => "singscore",
                ScoreMethodArg::Weighted => "weighted",
            }
            .into(),
            min_genes: a.min_genes,
        },
        survival: SurvivalSpec {
            time: a.time.clone().unwrap_or_default(),
            event: a.event.clone().unwrap_or_default(),
            event_value: a.event_value.clone(),
            cause: a.cause.clone(),
            censor_value: a.censor_value.clone(),
            time_unit: a.time_unit.clone(),
            time_points: a.time_points.clone(),
            time_scale: a.time_scale.clone(),
        },
        groups: GroupsSpec {
            split: a.split.clone(),
            min_prop: a.min_prop,
            max_prop: a.max_prop,
            permutations: a.permutations,
            seed: a.seed,
        },
        model: ModelSpec {
            covariates: a.covariates.clone(),
            strata: a.strata.clone(),
            ties: crate::core_options::ties(a.ties).as_str().into(),
        },
        subgroups: SubgroupsSpec {
            by: a
                .subgroups
                .as_deref()
                .map(crate::analysis::subgroups::parse_list)
                .unwrap_or_default(),
        },
        validation: ValidationSpec {
            train_summary: a.train_summary.clone(),
            standardise: a.standardise.clone(),
        },
        output: OutputSpec { dir: a.out.clone() },
        file: None,
    };
    execute(&spec, a.quiet, true).map(|_| ())
}

pub fn run_file(a: &RunArgs) -> CliResult<()> {
    let spec = load(&a.file)?;
    execute(&spec, a.quiet, true).map(|_| ())
}

/// Reads an analysis file, with its relative paths taken from the file's folder.
pub(crate) fn load(file: &Path) -> CliResult<AnalysisSpec> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Failure::input(format!(
            "cannot read the analysis file {}: {e}",
            file.display()
        ))
    })?;
    let mut spec = AnalysisSpec::parse(&text).map_err(|e| {
        Failure::input(format!(
            "invalid analysis file {}: {}",
            file.display(),
            e.replace('\n', "\n  ")
        ))
        .hint("the keys are documented in docs/analysis.md")
    })?;
    spec.rebase(file.parent().unwrap_or(Path::new(".")));
    spec.file = Some(file.to_path_buf());
    Ok(spec)
}

/// Runs the analysis, writes the resolved analysis file beside the results and prints the summary.
/// Runs the analysis and writes its files; prints its results (`full`) or only their first line and the files
/// written (what `check` shows above its table).
pub(crate) fn execute(spec: &AnalysisSpec, quiet: bool, full: bool) -> CliResult<Outcome> {
    let out = OutputArgs {
        format: None,
        output: None,
        quiet,
        context: None,
    };
    crate::run_files::guard_analysis(spec)?;
    let outcome = run_analysis(spec, &out)?;
    let resolved = spec.output.dir.join("analysis.toml");
    sigsurv_io::write_atomic(&resolved, spec.resolved_text().as_bytes())?;
    let mut text = if full {
        outcome.text.clone()
    } else {
        format!("{}\n", outcome.text.lines().next().unwrap_or_default())
    };
    text.push_str(&format!("\nwrote {}", resolved.display()));
    for f in &outcome.files {
        text.push_str(&format!(", {}", f.display()));
    }
    text.push('\n');
    out.emit(&text)?;
    Ok(outcome)
}
