//! The files a run reads and the outputs it names, known from its arguments before any work: every input is
//! registered with sigsurv-io (whose writes then refuse to replace one), and every named output is checked up
//! front, so that a result that could not be written fails before minutes of reading and computing.
//!
//! An analysis (`analyze`, `run`, `check`) writes fixed names into its output folder; [`guard_analysis`] checks
//! those against its inputs before it starts. The rule for a folder: it may hold inputs, but no file the run
//! writes there may be one of them.

use crate::analysis::spec::AnalysisSpec;
use crate::args::{Command, OutputArgs, PlotKind};
use crate::failure::CliResult;
use sigsurv_io::{check_output, register_input};
use std::path::{Path, PathBuf};

/// The files an analysis always writes into its output folder (more, named after cohorts, may follow).
pub const ANALYSIS_OUTPUTS: [&str; 7] = [
    "summary.json",
    "scores.csv",
    "data.csv",
    "report.html",
    "km.svg",
    "forest.svg",
    "analysis.toml",
];

/// First line of the resolved analysis file sigsurv writes; such a file may be rerun in place (it is rewritten
/// with the same content), as it holds nothing the run does not regenerate.
pub const RESOLVED_MARK: &str = "# Written by sigsurv";

/// Registers the inputs the command line names and checks the outputs it names.
pub fn guard(command: &Command) -> CliResult<()> {
    let (inputs, outputs) = files(command);
    for p in &inputs {
        register_input(p);
    }
    for p in outputs {
        check_output(&p)?;
    }
    Ok(())
}

/// Registers an analysis's data files and checks the files it writes into its output folder.
pub fn guard_analysis(spec: &AnalysisSpec) -> CliResult<()> {
    let d = &spec.data;
    for p in d
        .clinical
        .iter()
        .chain(&d.expression)
        .chain(&spec.signature.gene_sets)
        .chain(&spec.validation.train_summary)
    {
        register_input(p);
    }
    for dir in &d.study {
        register_study(dir);
    }
    let out = &spec.output.dir;
    if out.is_dir() {
        for name in ANALYSIS_OUTPUTS {
            check_output(&out.join(name))?;
        }
    }
    Ok(())
}

/// A cBioPortal study folder's files: its data and meta files (`data_*`, `meta_*`), the files a study reader
/// reads. The folder may still take results.
fn register_study(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("data_") || name.starts_with("meta_") {
            register_input(&e.path());
        }
    }
}

/// An analysis file as an input: protected unless it is a resolved file sigsurv wrote.
fn analysis_file(path: &Path, inputs: &mut Vec<PathBuf>) {
    let written_by_sigsurv = std::fs::read_to_string(path)
        .map(|t| t.starts_with(RESOLVED_MARK))
        .unwrap_or(false);
    if !written_by_sigsurv {
        inputs.push(path.to_path_buf());
    }
}

/// The input files and the output files of `command`'s arguments.
fn files(command: &Command) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    fn output(o: &OutputArgs, outputs: &mut Vec<PathBuf>) {
        if let Some(p) = o.output.as_ref().filter(|p| !crate::output::is_stdout(p)) {
            outputs.push(p.clone());
        }
    }
    match command {
        Command::Km(a) => {
            inputs.push(a.data.source.data.clone());
            output(&a.output, &mut outputs);
        }
        Command::Logrank(a) => {
            inputs.push(a.data.source.data.clone());
            output(&a.output, &mut outputs);
        }
        Command::Finegray(a) => {
            inputs.push(a.data.data.clone());
            output(&a.output, &mut outputs);
        }
        Command::Predict(a) => {
            inputs.push(a.newdata.clone());
            inputs.push(a.model.clone());
            output(&a.output, &mut outputs);
        }
        Command::Validate(a) => {
            inputs.push(a.data.source.data.clone());
            output(&a.output, &mut outputs);
        }
        Command::Anova(a) => {
            inputs.push(a.data.data.clone());
            output(&a.output, &mut outputs);
        }
        Command::Cif(a) => {
            inputs.push(a.data.source.data.clone());
            output(&a.output, &mut outputs);
        }
        Command::Rmst(a) => {
            inputs.push(a.data.source.data.clone());
            output(&a.output, &mut outputs);
        }
        Command::Cutpoint(a) => {
            inputs.push(a.data.source.data.clone());
            output(&a.output, &mut outputs);
        }
        Command::Cox(a) => {
            inputs.push(a.data.data.clone());
            outputs.extend(a.save_model.iter().cloned());
            inputs.extend(a.predict.iter().filter(|p| *p != "mean").map(PathBuf::from));
            output(&a.output, &mut outputs);
        }
        Command::Aft(a) => {
            inputs.push(a.data.data.clone());
            inputs.extend(a.predict.iter().cloned());
            output(&a.output, &mut outputs);
        }
        Command::Score(a) => {
            inputs.push(a.expression.clone());
            inputs.extend(a.expr.gene_sets.iter().cloned());
            inputs.extend(a.expr.weights.iter().cloned());
            output(&a.output, &mut outputs);
        }
        Command::Coxnet(a) => {
            inputs.push(a.clinical.clone());
            inputs.push(a.expression.clone());
            inputs.extend(a.gene_sets.iter().cloned());
            output(&a.output, &mut outputs);
            // A folder that does not exist yet is created by the run.
            if let Some(dir) = a.out.as_ref().filter(|d| d.is_dir()) {
                for name in [
                    "path.json",
                    "cv.json",
                    "coefficients.csv",
                    "signature.wgmt",
                    "path.svg",
                    "cv.svg",
                ] {
                    outputs.push(dir.join(name));
                }
            }
        }
        // The analysis's own files are guarded by guard_analysis once its file is read.
        Command::Analyze(_) => {}
        Command::Run(a) => analysis_file(&a.file, &mut inputs),
        Command::Check(a) => {
            analysis_file(&a.file, &mut inputs);
            inputs.push(a.expected.clone());
            outputs.extend(a.report.iter().cloned());
        }
        Command::Simulate(a) => outputs.push(a.output.clone()),
        Command::Plot(p) => match &p.kind {
            PlotKind::Km(k) => {
                inputs.push(k.data.source.data.clone());
                inputs.extend(k.overlay.iter().cloned());
                outputs.push(k.figure.output.clone());
            }
            PlotKind::Auc(v)
            | PlotKind::Calibration(v)
            | PlotKind::CoxnetPath(v)
            | PlotKind::CoxnetCv(v) => {
                inputs.push(v.json.clone());
                outputs.push(v.figure.output.clone());
            }
            PlotKind::Cif(c) => {
                inputs.push(c.data.source.data.clone());
                outputs.push(c.figure.output.clone());
            }
            PlotKind::Forest(f) => {
                inputs.push(f.json.clone());
                outputs.push(f.figure.output.clone());
            }
        },
        Command::Completions { .. } => {}
    }
    (inputs, outputs)
}
