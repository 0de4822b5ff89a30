//! The output of `sigsurv coxnet`: the summary (lambda_min and lambda_1se with their coefficients) as a table or
//! JSON, and the folder files: `path.json`, `cv.json`, `coefficients.csv` and the weighted gene set
//! `signature.wgmt` (format in docs/cli.md), the figures `path.svg` and `cv.svg`, and `report.html`.

use crate::args::OutputFormat;
use crate::failure::{CliResult, Failure};
use crate::model::saved::SavedCox;
use crate::output::json_text;
use crate::render::coxnet_figures::{cv_svg, cv_ylab, path_svg};
use crate::render::coxnet_run::{measure_name, CoxnetRun};
use crate::render::csv::{num, CsvOut};
use crate::render::text::{sig, TextTable};
use serde_json::{json, Value};
use sigsurv_plot::{PlotError, PointsOptions};
use sigsurv_report::render_html;
use std::path::Path;

/// Nonzero coefficients at path index `k`: `[{"term", "coef", "unpenalized"}]`.
fn nonzero(run: &CoxnetRun, k: usize) -> Vec<Value> {
    run.cv.path.beta[k]
        .iter()
        .enumerate()
        .filter(|(_, b)| **b != 0.0)
        .map(
            |(j, b)| json!({"term": run.names[j], "coef": b, "unpenalized": j < run.n_unpenalized}),
        )
        .collect()
}

fn summary_json(run: &CoxnetRun) -> Value {
    let cv = &run.cv;
    let at = |k: usize| {
        json!({
            "lambda": cv.path.lambda[k],
            "index": k + 1,
            "cvm": cv.cvm[k],
            "cvsd": cv.cvsd[k],
            "df": cv.path.df[k],
            "coefficients": nonzero(run, k),
        })
    };
    json!({
        "analysis": "coxnet",
        "n": run.n,
        "n_events": run.n_events,
        "n_clinical_read": run.n_clinical_read,
        "n_dropped": run.n_dropped,
        "n_without_expression": run.n_without_expression,
        "n_genes": run.names.len() - run.n_unpenalized,
        "genes_dropped": {"missing": run.genes_missing, "constant": run.genes_constant},
        "unpenalized": run.names[..run.n_unpenalized],
        "alpha": run.alpha,
        "ties": run.ties.as_str(),
        "measure": measure_name(cv.measure),
        "nfolds": cv.cvraw.len(),
        "n_lambda": cv.path.lambda.len(),
        "truncated": cv.path.truncated,
        "lambda_min": at(cv.index_min),
        "lambda_1se": at(cv.index_1se),
    })
}

/// The summary in the chosen format (CSV: the coefficients at lambda_min and lambda_1se).
pub(crate) fn summary(run: &CoxnetRun, format: OutputFormat) -> String {
    match format {
        OutputFormat::Json => json_text(&summary_json(run)),
        OutputFormat::Csv => coefficients_csv(run),
        OutputFormat::Table => table(run),
    }
}

fn table(run: &CoxnetRun) -> String {
    let cv = &run.cv;
    let mut out = format!(
        "Elastic-net Cox (alpha = {}, {} ties), n = {}, events = {}, {} genes{}\n{} lambdas, {}-fold \
         cross-validation ({})\n\n",
        run.alpha,
        run.ties.as_str(),
        run.n,
        run.n_events,
        run.names.len() - run.n_unpenalized,
        if run.n_unpenalized > 0 {
            format!(" + unpenalized {}", run.names[..run.n_unpenalized].join(", "))
        } else {
            String::new()
        },
        cv.path.lambda.len(),
        cv.cvraw.len(),
        measure_name(cv.measure)
    );
    for (label, k) in [("lambda.min", cv.index_min), ("lambda.1se", cv.index_1se)] {
        out.push_str(&format!(
            "{label} = {} (index {}): cvm {} (se {}), {} nonzero\n",
            sig(cv.path.lambda[k], 6),
            k + 1,
            sig(cv.cvm[k], 6),
            sig(cv.cvsd[k], 4),
            cv.path.df[k]
        ));
    }
    let mut t = TextTable::new(&["term", "lambda.min", "lambda.1se"]);
    for j in run.selected() {
        let (a, b) = (cv.path.beta[cv.index_min][j], cv.path.beta[cv.index_1se][j]);
        let cell = |v: f64| if v == 0.0 { ".".to_string() } else { sig(v, 6) };
        t.row(vec![run.names[j].clone(), cell(a), cell(b)]);
    }
    out.push('\n');
    out.push_str(&t.render());
    out
}

/// `term,lambda_min,lambda_1se`: every coefficient nonzero at either.
fn coefficients_csv(run: &CoxnetRun) -> String {
    let cv = &run.cv;
    let mut csv = CsvOut::new(&["term", "lambda_min", "lambda_1se"]);
    for j in run.selected() {
        let (a, b) = (cv.path.beta[cv.index_min][j], cv.path.beta[cv.index_1se][j]);
        csv.line([run.names[j].clone(), num(a), num(b)]);
    }
    csv.finish()
}

fn path_json(run: &CoxnetRun) -> Value {
    let p = &run.cv.path;
    json!({
        "analysis": "coxnet_path",
        "terms": run.names,
        "unpenalized": run.names[..run.n_unpenalized],
        "alpha": run.alpha,
        "ties": run.ties.as_str(),
        "null_deviance": p.null_deviance,
        "truncated": p.truncated,
        "lambda": p.lambda,
        "df": p.df,
        "dev_ratio": p.dev_ratio,
        "coefficients": (0..p.lambda.len()).map(|k| nonzero(run, k)).collect::<Vec<_>>(),
    })
}

fn cv_json(run: &CoxnetRun) -> Value {
    let cv = &run.cv;
    let cvup: Vec<f64> = cv.cvm.iter().zip(&cv.cvsd).map(|(m, s)| m + s).collect();
    let cvlo: Vec<f64> = cv.cvm.iter().zip(&cv.cvsd).map(|(m, s)| m - s).collect();
    json!({
        "analysis": "coxnet_cv",
        "measure": measure_name(cv.measure),
        "nfolds": cv.cvraw.len(),
        "samples": run.sample_ids,
        "foldid": run.foldid,
        "lambda": cv.path.lambda,
        "cvm": cv.cvm,
        "cvsd": cv.cvsd,
        "cvup": cvup,
        "cvlo": cvlo,
        "nzero": cv.path.df,
        "lambda_min": cv.lambda_min,
        "lambda_1se": cv.lambda_1se,
        "index_min": cv.index_min + 1,
        "index_1se": cv.index_1se + 1,
    })
}

/// The weighted gene sets: one line per penalty choice, `name<TAB>description<TAB>GENE=weight...`, genes only
/// (the unpenalized clinical terms are named in the description, not scored).
fn signature_wgmt(run: &CoxnetRun) -> String {
    let cv = &run.cv;
    let mut out = String::from(
        "# sigsurv weighted gene sets: name, description, then GENE=weight (the penalized Cox coefficient);\n\
         # score = sum of weight x expression (sigsurv score --method weighted --weights FILE)\n",
    );
    for (label, k) in [("lambda_min", cv.index_min), ("lambda_1se", cv.index_1se)] {
        let genes: Vec<String> = (run.n_unpenalized..run.names.len())
            .filter(|&j| cv.path.beta[k][j] != 0.0)
            .map(|j| format!("{}={}", run.names[j], cv.path.beta[k][j]))
            .collect();
        let adjusted = if run.n_unpenalized > 0 {
            format!(
                "; adjusted for {}",
                run.names[..run.n_unpenalized].join(", ")
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "coxnet_{label}\tlambda={}; alpha={}{adjusted}\t{}\n",
            cv.path.lambda[k],
            run.alpha,
            genes.join("\t")
        ));
    }
    out
}

/// Writes the folder's files, each atomically: the four results and the figures of the path and the CV curve
/// (`path.svg`, absent when no coefficient is ever nonzero, and `cv.svg`).
pub(crate) fn write_folder(run: &CoxnetRun, dir: &Path, model: Option<&SavedCox>) -> CliResult<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::input(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        ))
    })?;
    let path = path_json(run);
    let cv = cv_json(run);
    sigsurv_io::write_atomic(&dir.join("path.json"), json_text(&path).as_bytes())?;
    sigsurv_io::write_atomic(&dir.join("cv.json"), json_text(&cv).as_bytes())?;
    let figure = |ylab: &str| PointsOptions {
        xlab: "log(lambda)".to_string(),
        ylab: ylab.to_string(),
        ..PointsOptions::default()
    };
    let drawn = |svg: Result<Option<String>, PlotError>| {
        svg.map_err(|e| Failure::internal(format!("drawing a coxnet figure: {e}")))
    };
    let path_figure = drawn(path_svg(&path, &figure("Coefficient")))?;
    if let Some(svg) = &path_figure {
        sigsurv_io::write_atomic(&dir.join("path.svg"), svg.as_bytes())?;
    }
    let cv_figure = drawn(cv_svg(&cv, &figure(cv_ylab(&cv))))?;
    if let Some(svg) = &cv_figure {
        sigsurv_io::write_atomic(&dir.join("cv.svg"), svg.as_bytes())?;
    }
    sigsurv_io::write_atomic(
        &dir.join("coefficients.csv"),
        coefficients_csv(run).as_bytes(),
    )?;
    sigsurv_io::write_atomic(&dir.join("signature.wgmt"), signature_wgmt(run).as_bytes())?;
    if let Some(model) = model {
        sigsurv_io::write_atomic(&dir.join("model.json"), json_text(model).as_bytes())?;
    }
    let report =
        crate::render::coxnet_report::report(run, dir, path_figure, cv_figure, model.is_some());
    sigsurv_io::write_atomic(&dir.join("report.html"), render_html(&report).as_bytes())?;
    Ok(())
}
