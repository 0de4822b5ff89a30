//! The HTML report `sigsurv coxnet --out DIR` writes as `report.html`: what was analysed, the penalty and its
//! cross-validation, the coefficient path and CV curve, the genes selected at lambda.min and lambda.1se, and how
//! to score the weighted signature. The numbers are those of the folder's JSON (rounded for reading, exact in
//! `data-value`).

use crate::render::coxnet_run::{measure_name, CoxnetRun};
use crate::render::text::sig;
use sigsurv_report::{Block, Cell, Figure, Report, Section, Table};
use std::path::Path;

fn number(x: f64, digits: usize) -> Cell {
    Cell::num(sig(x, digits), x)
}

/// Up to ten names, then how many more.
fn listed(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
    match names.len() {
        0 => "none".to_string(),
        n if n <= 10 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 10),
    }
}

/// The report of `run`; the figures are the SVGs of `path.svg` and `cv.svg` (`None` when not drawn).
pub(crate) fn report(
    run: &CoxnetRun,
    dir: &Path,
    path_figure: Option<String>,
    cv_figure: Option<String>,
    has_model: bool,
) -> Report {
    let cv = &run.cv;
    let path = &cv.path;
    let n_genes = run.names.len() - run.n_unpenalized;
    let unpenalized = &run.names[..run.n_unpenalized];
    let mut data = vec![
        (
            "Clinical table".to_string(),
            Cell::text(run.clinical.display().to_string()),
        ),
        (
            "Expression matrix".to_string(),
            Cell::text(run.expression.display().to_string()),
        ),
        (
            "Response".to_string(),
            Cell::text(format!("Surv({}, {})", run.time, run.event)),
        ),
        ("Samples analysed".to_string(), Cell::count(run.n)),
        ("Events".to_string(), Cell::count(run.n_events)),
        (
            "Clinical rows read".to_string(),
            Cell::count(run.n_clinical_read),
        ),
        (
            "Clinical rows dropped (missing time, event, id or fold)".to_string(),
            Cell::count(run.n_dropped),
        ),
        (
            "Clinical rows without an expression sample".to_string(),
            Cell::count(run.n_without_expression),
        ),
        (
            "Genes offered".to_string(),
            Cell::text(if run.genes == "all" {
                "every gene of the matrix".to_string()
            } else {
                format!("gene set {}", run.genes)
            }),
        ),
        ("Genes in the fit".to_string(), Cell::count(n_genes)),
    ];
    for (what, genes) in [
        ("missing in an analysed sample", &run.genes_missing),
        ("constant over the analysed samples", &run.genes_constant),
    ] {
        if !genes.is_empty() {
            data.push((
                format!("Genes left out: {what} ({})", genes.len()),
                Cell::text(listed(genes)),
            ));
        }
    }
    let mut sections = vec![Section {
        id: "data".into(),
        heading: "Data".into(),
        blocks: vec![Block::Facts(data)],
    }];

    let lambda_range = match (path.lambda.first(), path.lambda.last()) {
        (Some(first), Some(last)) => format!(
            "{} from {} to {}",
            path.lambda.len(),
            sig(*first, 4),
            sig(*last, 4)
        ),
        _ => "none".to_string(),
    };
    let mut model = vec![Block::Facts(vec![
        (
            "Penalty".to_string(),
            Cell::text(format!(
                "alpha = {} ({})",
                sig(run.alpha, 6),
                if run.alpha == 1.0 {
                    "lasso"
                } else {
                    "elastic net"
                }
            )),
        ),
        (
            "Unpenalized covariates".to_string(),
            Cell::text(if unpenalized.is_empty() {
                "none".to_string()
            } else {
                unpenalized.join(", ")
            }),
        ),
        ("Ties".to_string(), Cell::text(run.ties.as_str())),
        (
            "Standardized genes".to_string(),
            Cell::text(if run.standardize { "yes" } else { "no" }),
        ),
        ("Lambdas".to_string(), Cell::text(lambda_range)),
        ("Null deviance".to_string(), number(path.null_deviance, 6)),
        (
            "Cross-validation".to_string(),
            Cell::text(format!(
                "{} folds, {}",
                cv.cvraw.len(),
                match cv.measure {
                    sigsurv_core::CvMeasure::Deviance =>
                        "partial-likelihood deviance (grouped, as cv.glmnet)",
                    sigsurv_core::CvMeasure::C => "Harrell's C of each fold",
                }
            )),
        ),
    ])];
    if let Some(why) = &path.truncated {
        model.push(Block::Note(format!(
            "The path is shorter than asked: {why}."
        )));
    }
    sections.push(Section {
        id: "model".into(),
        heading: "Penalized Cox model".into(),
        blocks: model,
    });

    let mut path_blocks = Vec::new();
    match path_figure {
        Some(svg) => path_blocks.push(Block::Figure(Figure {
            svg,
            caption: "Each term's coefficient (original scale) against log(lambda), as glmnet's plot(fit, xvar = \
                      \"lambda\"); dashed: 0."
                .into(),
            class: "coxnet-path".into(),
        })),
        None => path_blocks.push(Block::Note(
            "No coefficient is nonzero at any lambda: there is no path to draw.".into(),
        )),
    }
    sections.push(Section {
        id: "path".into(),
        heading: "Coefficient path".into(),
        blocks: path_blocks,
    });

    let mut cv_blocks = vec![Block::Table(Table {
        caption: Some(format!(
            "cv.glmnet's choices ({})",
            measure_name(cv.measure)
        )),
        header: ["", "lambda", "index", "cvm", "cvsd", "nonzero"]
            .map(String::from)
            .to_vec(),
        rows: [("lambda.min", cv.index_min), ("lambda.1se", cv.index_1se)]
            .iter()
            .map(|(label, k)| {
                vec![
                    Cell::text(*label),
                    number(path.lambda[*k], 6),
                    Cell::count(k + 1),
                    number(cv.cvm[*k], 6),
                    number(cv.cvsd[*k], 4),
                    Cell::count(path.df[*k]),
                ]
            })
            .collect(),
        footnote: Some(
            "lambda.min has the best cvm; lambda.1se is the largest lambda within one cvsd of it."
                .into(),
        ),
    })];
    if let Some(svg) = cv_figure {
        cv_blocks.push(Block::Figure(Figure {
            svg,
            caption: "The cross-validated measure against log(lambda) with cvm ± cvsd; dashed: lambda.min and \
                      lambda.1se, as plot(cv.glmnet(...))."
                .into(),
            class: "coxnet-cv".into(),
        }));
    }
    sections.push(Section {
        id: "cv".into(),
        heading: "Cross-validation".into(),
        blocks: cv_blocks,
    });

    let selected = run.selected();
    let coefficient = |k: usize, j: usize| {
        let b = path.beta[k][j];
        if b == 0.0 {
            Cell::text("·")
        } else {
            number(b, 6)
        }
    };
    let genes_block = if selected.is_empty() {
        Block::Note("No coefficient is nonzero at lambda.min or lambda.1se.".into())
    } else {
        Block::Table(Table {
            caption: Some(
                "Nonzero coefficients (log hazard ratio per unit, original scale)".into(),
            ),
            header: ["term", "", "lambda.min", "lambda.1se"]
                .map(String::from)
                .to_vec(),
            rows: selected
                .iter()
                .map(|&j| {
                    vec![
                        Cell::text(run.names[j].clone()),
                        Cell::text(if j < run.n_unpenalized {
                            "unpenalized"
                        } else {
                            "gene"
                        }),
                        coefficient(cv.index_min, j),
                        coefficient(cv.index_1se, j),
                    ]
                })
                .collect(),
            footnote: Some("·: zero at that lambda.".into()),
        })
    };
    sections.push(Section {
        id: "coefficients".into(),
        heading: "Selected genes".into(),
        blocks: vec![genes_block],
    });

    let has_genes = |k: usize| (run.n_unpenalized..run.names.len()).any(|j| path.beta[k][j] != 0.0);
    let mut signature = vec![Block::Text(
        "signature.wgmt holds the weighted gene sets coxnet_lambda_min and coxnet_lambda_1se (the genes' \
         coefficients; the unpenalized covariates are named in the description, not scored). A sample's score \
         is the penalized model's linear predictor on the genes:"
            .into(),
    )];
    match [("1se", cv.index_1se), ("min", cv.index_min)]
        .into_iter()
        .find(|(_, k)| has_genes(*k))
    {
        Some((label, _)) => signature.push(Block::Code(format!(
            "sigsurv score {}{} --weights {} --set coxnet_lambda_{label}",
            run.expression.display(),
            if run.samples_in_rows {
                " --samples-in-rows"
            } else {
                ""
            },
            dir.join("signature.wgmt").display()
        ))),
        None => signature.push(Block::Note(
            "No gene has a nonzero coefficient at lambda.min or lambda.1se: both sets are empty."
                .into(),
        )),
    }
    signature.push(Block::Text(if has_model {
        format!(
            "model.json is the model at lambda.{} as a saved Cox model, for sigsurv predict and validate --model.",
            run.model_lambda
        )
    } else {
        format!(
            "No model.json was written at lambda.{} (the run's notes say why).",
            run.model_lambda
        )
    }));
    sections.push(Section {
        id: "signature".into(),
        heading: "Weighted signature".into(),
        blocks: signature,
    });

    Report {
        title: "Elastic-net Cox".into(),
        subtitle: Some(format!(
            "sigsurv {} · {} genes · Surv({}, {})",
            env!("CARGO_PKG_VERSION"),
            n_genes,
            run.time,
            run.event
        )),
        sections,
    }
}
