//! The figures of a `sigsurv coxnet` run, drawn from its `path.json` and `cv.json`: the coefficient path (each
//! term's coefficient against log(lambda), as glmnet's `plot(fit, xvar = "lambda")`) and the cross-validation
//! curve (the measure with its one-standard-error bars and dashed lines at lambda.min and lambda.1se, as
//! `plot(cv.glmnet(...))`). `coxnet --out` writes both; `plot coxnet-path` and `plot coxnet-cv` redraw them.

use serde_json::Value;
use sigsurv_plot::{points_svg, PlotError, PointSeries, PointsOptions};
use std::collections::HashMap;

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

/// One line per term that is ever nonzero, in the order the terms entered; `None` when none ever is.
pub(crate) fn path_svg(path: &Value, opts: &PointsOptions) -> Result<Option<String>, PlotError> {
    let log_lambda: Vec<f64> = numbers(&path["lambda"]).iter().map(|l| l.ln()).collect();
    let steps = path["coefficients"].as_array().cloned().unwrap_or_default();
    let k = steps.len().min(log_lambda.len());
    // One pass over the nonzero coefficients: each term's row of the path, zero where it is not in the model.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for (l, step) in steps[..k].iter().enumerate() {
        for c in step.as_array().into_iter().flatten() {
            let Some(term) = c["term"].as_str() else {
                continue;
            };
            let t = *index.entry(term).or_insert_with(|| {
                rows.push(vec![0.0; k]);
                rows.len() - 1
            });
            rows[t][l] = c["coef"].as_f64().unwrap_or(0.0);
        }
    }
    if rows.is_empty() {
        return Ok(None);
    }
    let series: Vec<PointSeries> = rows
        .into_iter()
        .map(|y| PointSeries {
            name: String::new(),
            x: log_lambda[..k].to_vec(),
            y,
            lower: vec![None; k],
            upper: vec![None; k],
            joined: true,
            line_only: true,
        })
        .collect();
    let opts = PointsOptions {
        hline: Some(0.0),
        ..opts.clone()
    };
    points_svg(&series, &opts).map(Some)
}

/// The CV curve with its bars and the two chosen lambdas; `None` when the file holds no curve.
pub(crate) fn cv_svg(cv: &Value, opts: &PointsOptions) -> Result<Option<String>, PlotError> {
    let lambda = numbers(&cv["lambda"]);
    let cvm = numbers(&cv["cvm"]);
    if lambda.is_empty() || cvm.len() != lambda.len() {
        return Ok(None);
    }
    let limit = |key: &str| -> Vec<Option<f64>> {
        let v = numbers(&cv[key]);
        (0..lambda.len())
            .map(|k| v.get(k).copied().filter(|x| x.is_finite()))
            .collect()
    };
    let series = PointSeries {
        name: String::new(),
        x: lambda.iter().map(|l| l.ln()).collect(),
        y: cvm,
        lower: limit("cvlo"),
        upper: limit("cvup"),
        joined: false,
        line_only: false,
    };
    let chosen = ["lambda_min", "lambda_1se"]
        .iter()
        .filter_map(|k| cv[*k].as_f64())
        .map(f64::ln)
        .collect();
    let opts = PointsOptions {
        vlines: chosen,
        ..opts.clone()
    };
    points_svg(&[series], &opts).map(Some)
}

/// The y-axis label of a CV curve: glmnet's names of its measures.
pub(crate) fn cv_ylab(cv: &Value) -> &'static str {
    match cv["measure"].as_str() {
        Some("C") => "C-index",
        _ => "Partial likelihood deviance",
    }
}
