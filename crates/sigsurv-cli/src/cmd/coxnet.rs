//! `sigsurv coxnet`: the elastic-net Cox path of survival on the genes of an expression matrix (and unpenalized
//! clinical covariates), cross-validated as `cv.glmnet`.

use crate::analysis::join::{default_id, match_samples, SampleMatch};
use crate::args::{CoxnetArgs, CvMeasureArg, ExpressionArgs, ModelLambdaArg, ScoreMethodArg};
use crate::failure::{CliResult, Failure};
use crate::input::{read_columns, read_times};
use crate::model::coxnet_model::{coxnet_model, CoxnetModelInputs};
use crate::model::frame::{model_frame, parse};
use crate::progress::{Phase, Step};
use crate::render::coxnet as render;
use crate::render::coxnet_run::CoxnetRun;
use crate::signature::read_matrix;
use sigsurv_core::{coxnet_fold_ids, cv_coxnet, CoxnetOptions, CvMeasure};
use sigsurv_io::genes::match_sets;
use sigsurv_io::gmt::resolve_sets;
use sigsurv_io::{decode_event_column, ColumnValues, TableSpec};

pub fn run(a: &CoxnetArgs) -> CliResult<()> {
    if !(a.alpha > 0.0 && a.alpha <= 1.0) {
        return Err(
            Failure::input(format!("--alpha {}: it must be in (0, 1]", a.alpha))
                .hint("1 is the lasso; 0.5 mixes lasso and ridge penalties equally"),
        );
    }
    if a.foldid.is_none() && a.nfolds < 3 {
        return Err(Failure::input(format!(
            "--nfolds {}: at least 3 folds are needed",
            a.nfolds
        ))
        .hint("10 folds are usual (cv.glmnet's default)"));
    }
    let id_col = match &a.id {
        Some(id) => id.clone(),
        None => default_id(&a.clinical)?,
    };
    let formula_text = a
        .unpenalized
        .as_ref()
        .map(|terms| format!("Surv({}, {}) ~ {terms}", a.time, a.event));
    let formula = formula_text.as_deref().map(parse).transpose()?;
    let mut wanted: Vec<String> = vec![id_col.clone(), a.time.clone(), a.event.clone()];
    if let Some(f) = &formula {
        wanted.extend(f.columns());
    }
    wanted.extend(a.foldid.iter().cloned());
    wanted.extend(a.weights.iter().cloned());
    let mut unique = Vec::new();
    for c in wanted {
        if !unique.contains(&c) {
            unique.push(c);
        }
    }
    let spec = TableSpec {
        path: a.clinical.clone(),
        delimiter: None,
        filter: None,
    };
    let refs: Vec<&str> = unique.iter().map(String::as_str).collect();
    // Read quietly: a missing unpenalized covariate is an error, not a dropped row.
    let quiet = crate::args::OutputArgs {
        quiet: true,
        ..a.output.clone()
    };
    let table = read_columns(&spec, &refs, &quiet)?;
    if let Some(f) = &formula {
        let columns = f.columns();
        if let Some((c, n)) = table
            .missing_by_column
            .iter()
            .find(|(c, n)| *n > 0 && columns.contains(c) && *c != a.time && *c != a.event)
        {
            return Err(Failure::input(format!(
                "unpenalized covariate \"{c}\" is missing in {n} row(s) of {}",
                a.clinical.display()
            ))
            .hint("glmnet needs every covariate of every sample: impute it, or leave it out of --unpenalized"));
        }
    }
    if table.n_dropped > 0 {
        a.output.note(&format!(
            "dropped {} of {} clinical rows with a missing time, event, id or fold",
            table.n_dropped, table.n_read
        ));
    }
    let (time, event, clinical_x, clinical_names) = match (&formula, &formula_text) {
        (Some(f), Some(text)) => {
            let frame = model_frame(text, f, &table, a.event_value.as_deref())?;
            crate::model::frame::refuse_penalized(&frame.design, "coxnet --unpenalized")?;
            let names = frame.design.names.clone();
            (frame.stop, frame.event, frame.design.x, names)
        }
        _ => {
            let time = read_times(&table, &a.time)?;
            let (event, _) = decode_event_column(&table, &a.event, a.event_value.as_deref())?;
            (time, event, Vec::new(), Vec::new())
        }
    };
    let n_clinical = table.n();
    let ids: Vec<String> = (0..n_clinical)
        .map(|i| table.get(&id_col).label(i))
        .collect();

    let matrix = {
        let _step = Step::start(
            Phase::Load,
            format!("reading {}", a.expression.display()),
            a.output.quiet,
        );
        read_matrix(&a.expression, &expression_args(a))?
    };
    let SampleMatch {
        rows,
        cols,
        only_clinical,
        only_expression,
    } = match_samples(&ids, &id_col, &table, &matrix)?;
    if !only_expression.is_empty() {
        a.output.note(&format!(
            "{} expression sample(s) have no clinical row and are left out",
            only_expression.len()
        ));
    }
    if !only_clinical.is_empty() {
        a.output.note(&format!(
            "{} clinical row(s) have no expression sample and are left out",
            only_clinical.len()
        ));
    }
    let n = rows.len();

    // The genes offered: all, or one set's.
    let gene_rows: Vec<usize> = if a.genes == "all" {
        (0..matrix.n_genes()).collect()
    } else {
        let sets = resolve_sets(a.gene_sets.as_deref(), std::slice::from_ref(&a.genes))?;
        let m = match_sets(&matrix, &sets)?.remove(0);
        if !m.missing.is_empty() {
            a.output.note(&format!(
                "gene set {}: {} of {} genes not in the matrix",
                a.genes,
                m.missing.len(),
                sets[0].genes.len()
            ));
        }
        m.rows
    };
    let mut genes_missing = Vec::new();
    let mut genes_constant = Vec::new();
    let mut gene_names = Vec::new();
    let mut x = clinical_x_rows(&clinical_x, n_clinical, clinical_names.len(), &rows);
    for &g in &gene_rows {
        let values: Vec<f64> = cols.iter().map(|&s| matrix.value(g, s)).collect();
        if values.iter().any(|v| v.is_nan()) {
            genes_missing.push(matrix.genes[g].clone());
        } else if values.iter().all(|v| *v == values[0]) {
            genes_constant.push(matrix.genes[g].clone());
        } else {
            gene_names.push(matrix.genes[g].clone());
            x.extend(values);
        }
    }
    // The design holds what the fit needs: the matrix read from the file goes before the folds' copies come.
    drop(matrix);
    if !genes_missing.is_empty() {
        a.output.note(&format!(
            "{} gene(s) with a missing value in the analysed samples are left out",
            genes_missing.len()
        ));
    }
    if !genes_constant.is_empty() {
        a.output.note(&format!(
            "{} gene(s) with the same value in every analysed sample are left out (as glmnet)",
            genes_constant.len()
        ));
    }
    if gene_names.is_empty() {
        return Err(Failure::input(format!(
            "no gene of {} varies across the {n} analysed samples",
            a.expression.display()
        )));
    }
    let time: Vec<f64> = rows.iter().map(|&i| time[i]).collect();
    let event: Vec<bool> = rows.iter().map(|&i| event[i]).collect();
    let n_events = event.iter().filter(|e| **e).count();
    let mut names = clinical_names.clone();
    names.extend(gene_names.iter().cloned());
    let p = names.len();
    let penalty: Vec<f64> = (0..p)
        .map(|j| if j < clinical_names.len() { 0.0 } else { 1.0 })
        .collect();

    let foldid = match &a.foldid {
        Some(col) => {
            let values = match table.get(col) {
                ColumnValues::Numeric(v) => v.clone(),
                _ => {
                    return Err(Failure::input(format!(
                        "--foldid column \"{col}\" of {} is not numeric",
                        a.clinical.display()
                    ))
                    .hint("it holds each sample's fold number, 1 to K"))
                }
            };
            let mut ids = Vec::with_capacity(n);
            for &i in &rows {
                let v = values[i];
                if !(v >= 1.0 && v.fract() == 0.0 && v <= 1e6) {
                    return Err(Failure::input(format!(
                        "--foldid column \"{col}\" has {v} at {}: folds are whole numbers from 1",
                        table.location(i)
                    )));
                }
                ids.push(v as usize);
            }
            ids
        }
        None => coxnet_fold_ids(n, a.nfolds, a.seed),
    };
    let weights = match &a.weights {
        Some(col) => Some(case_weights(&table, col, &rows, &a.clinical)?),
        None => None,
    };
    let options = CoxnetOptions {
        alpha: a.alpha,
        nlambda: a.nlambda,
        lambda_min_ratio: a.lambda_min_ratio,
        lambda: (!a.lambda.is_empty()).then(|| a.lambda.clone()),
        standardize: a.standardize,
        thresh: a.thresh,
        dfmax: a.dfmax,
        pmax: a.pmax,
        ties: crate::core_options::coxnet_ties(a.ties),
        ..CoxnetOptions::default()
    };
    let measure = match a.cv_measure {
        CvMeasureArg::Deviance => CvMeasure::Deviance,
        CvMeasureArg::C => CvMeasure::C,
    };
    let cv = {
        let _step = Step::start(
            Phase::Compute,
            "fitting the path and its folds".to_string(),
            a.output.quiet,
        );
        cv_coxnet(
            &time,
            &event,
            &x,
            p,
            weights.as_deref(),
            Some(&penalty),
            &options,
            &foldid,
            measure,
        )
        .map_err(|e| Failure::input(format!("coxnet on {} samples: {e}", n)))?
    };
    if let Some(why) = &cv.path.truncated {
        a.output.warn(why);
    }
    let run = CoxnetRun {
        clinical: a.clinical.clone(),
        expression: a.expression.clone(),
        samples_in_rows: a.samples_in_rows,
        time: a.time.clone(),
        event: a.event.clone(),
        genes: a.genes.clone(),
        standardize: a.standardize,
        model_lambda: lambda_name(a.model_lambda),
        n,
        n_events,
        n_clinical_read: table.n_read,
        n_dropped: table.n_dropped,
        n_without_expression: only_clinical.len(),
        names,
        n_unpenalized: clinical_names.len(),
        genes_missing,
        genes_constant,
        alpha: a.alpha,
        ties: options.ties,
        foldid,
        cv,
        sample_ids: rows.iter().map(|&i| ids[i].clone()).collect(),
    };
    if let Some(dir) = &a.out {
        let index = match a.model_lambda {
            ModelLambdaArg::OneSe => run.cv.index_1se,
            ModelLambdaArg::Min => run.cv.index_min,
        };
        let model = coxnet_model(&CoxnetModelInputs {
            clinical: &table,
            clinical_path: &a.clinical,
            rows: &rows,
            time_column: &a.time,
            event_column: &a.event,
            event_value: a.event_value.as_deref(),
            unpenalized: a.unpenalized.as_deref(),
            names: &run.names,
            n_unpenalized: run.n_unpenalized,
            x: &x,
            beta: &run.cv.path.beta[index],
            weights: weights.as_deref(),
        })?;
        render::write_folder(&run, dir, model.as_ref().ok())?;
        a.output.note(&format!(
            "wrote path.json, cv.json, coefficients.csv, signature.wgmt{}, the figures path.svg and cv.svg, and report.html to {}",
            if model.is_ok() { ", model.json" } else { "" },
            dir.display()
        ));
        if let Err(why) = model {
            a.output.note(&format!(
                "no model.json at lambda.{}: {why}",
                lambda_name(a.model_lambda)
            ));
        }
    }
    a.output
        .emit(&render::summary(&run, a.output.resolved_format()))
}

fn lambda_name(l: ModelLambdaArg) -> &'static str {
    match l {
        ModelLambdaArg::OneSe => "1se",
        ModelLambdaArg::Min => "min",
    }
}

/// The `--weights` column at the joined rows: numbers >= 0, not all 0 (glmnet's weights).
fn case_weights(
    table: &sigsurv_io::Table,
    col: &str,
    rows: &[usize],
    path: &std::path::Path,
) -> CliResult<Vec<f64>> {
    let ColumnValues::Numeric(values) = table.get(col) else {
        return Err(Failure::input(format!(
            "--weights column \"{col}\" of {} is not numeric",
            path.display()
        ))
        .hint("it holds each sample's case weight, a number >= 0"));
    };
    let mut weights = Vec::with_capacity(rows.len());
    for &i in rows {
        let v = values[i];
        if !(v.is_finite() && v >= 0.0) {
            return Err(Failure::input(format!(
                "--weights column \"{col}\" has {v} at {}: case weights are numbers >= 0",
                table.location(i)
            )));
        }
        weights.push(v);
    }
    if weights.iter().all(|w| *w == 0.0) {
        return Err(Failure::input(format!(
            "--weights column \"{col}\" is 0 for every analysed sample"
        )));
    }
    Ok(weights)
}

/// The unpenalized design's columns restricted to the joined rows (column-major).
fn clinical_x_rows(x: &[f64], n: usize, p: usize, rows: &[usize]) -> Vec<f64> {
    (0..p)
        .flat_map(|j| rows.iter().map(move |&i| x[j * n + i]))
        .collect()
}

fn expression_args(a: &CoxnetArgs) -> ExpressionArgs {
    ExpressionArgs {
        samples_in_rows: a.samples_in_rows,
        collapse: a.collapse,
        gene_column: a.gene_column.clone(),
        gene_sets: a.gene_sets.clone(),
        sets: Vec::new(),
        method: ScoreMethodArg::MeanZ,
        min_genes: 1,
        weights: None,
    }
}
