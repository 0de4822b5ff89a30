//! Arguments of `sigsurv coxnet`: the elastic-net Cox path on an expression matrix, cross-validated.

use super::shared::OutputArgs;
use super::signature::CollapseArg;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct CoxnetArgs {
    /// Clinical table, one row per sample (CSV/TSV/Parquet/IPC)
    #[arg(long, value_name = "FILE")]
    pub clinical: PathBuf,
    /// Expression matrix (genes x samples unless --samples-in-rows)
    #[arg(long, value_name = "FILE")]
    pub expression: PathBuf,
    /// The clinical column holding the sample ids (default: sample_id, SAMPLE_ID, sample, id, ID, or the first)
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Survival time column
    #[arg(long, value_name = "COL")]
    pub time: String,
    /// Event column (1/0, true/false, 2/1, or cBioPortal's "1:DECEASED"; see --event-value)
    #[arg(long, value_name = "COL")]
    pub event: String,
    /// Value of the event column that marks an event (for other codings)
    #[arg(long, value_name = "VALUE")]
    pub event_value: Option<String>,
    /// Samples in rows and genes in columns
    #[arg(long)]
    pub samples_in_rows: bool,
    /// How rows with the same gene identifier are merged
    #[arg(long, value_enum, default_value = "mean")]
    pub collapse: CollapseArg,
    /// The identifier column of the expression matrix
    #[arg(long, value_name = "COL")]
    pub gene_column: Option<String>,
    /// The genes offered to the model: `all` (every gene of the matrix) or the name of a gene set (of
    /// --gene-sets, or built in: IL1)
    #[arg(long, value_name = "SET|all", default_value = "all")]
    pub genes: String,
    /// Gene sets in GMT format for --genes
    #[arg(long, value_name = "GMT")]
    pub gene_sets: Option<PathBuf>,
    /// Clinical covariates entered unpenalized (penalty factor 0), as the right-hand side of a formula, e.g.
    /// "age + factor(grade)"; a row missing one of them is an error
    #[arg(long, value_name = "TERMS")]
    pub unpenalized: Option<String>,
    /// Elastic-net mixing in (0, 1]: 1 is the lasso, smaller values add a ridge penalty
    #[arg(long, default_value_t = 1.0)]
    pub alpha: f64,
    /// Number of lambdas of the default sequence
    #[arg(long, default_value_t = 100)]
    pub nlambda: usize,
    /// Smallest lambda as a fraction of the largest (default: 0.01 with fewer samples than variables, else 1e-4)
    #[arg(long, value_name = "R")]
    pub lambda_min_ratio: Option<f64>,
    /// Comma-separated lambdas instead of the default sequence
    #[arg(long, value_name = "L1,L2,...", value_delimiter = ',')]
    pub lambda: Vec<f64>,
    /// Standardize the genes for the penalty (coefficients are reported on the original scale)
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, value_name = "true|false")]
    pub standardize: bool,
    /// Tied event times: breslow (glmnet's) or efron (survival's coxph default; glmnet has no Efron)
    #[arg(long, value_enum, default_value = "breslow")]
    pub ties: CoxnetTiesArg,
    /// Coordinate-descent tolerance (glmnet's thresh); each point with at most 300 active coefficients is then
    /// refined to the exact optimum
    #[arg(long, default_value_t = 1e-7)]
    pub thresh: f64,
    /// Stop the path after the first lambda (from the 5th) with more nonzero coefficients than this (glmnet's
    /// dfmax; default sequence only)
    #[arg(long, value_name = "N")]
    pub dfmax: Option<usize>,
    /// Stop the path before the lambda at which more variables than this have ever been nonzero (glmnet's pmax;
    /// default min(2 dfmax + 20, variables) with --dfmax, else no limit)
    #[arg(long, value_name = "N")]
    pub pmax: Option<usize>,
    /// Number of cross-validation folds
    #[arg(long, default_value_t = 10, conflicts_with = "foldid")]
    pub nfolds: usize,
    /// Clinical column of case weights (numbers >= 0, as glmnet's weights): each sample's weight in the partial
    /// likelihood, the standardization and the cross-validation
    #[arg(long, value_name = "COL")]
    pub weights: Option<String>,
    /// Clinical column with each sample's fold (integers 1..K, as cv.glmnet's foldid)
    #[arg(long, value_name = "COL")]
    pub foldid: Option<String>,
    /// Seed of the fold assignment (without --foldid)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Cross-validation measure
    #[arg(long, value_enum, default_value = "deviance")]
    pub cv_measure: CvMeasureArg,
    /// The lambda of the model saved in the --out folder (model.json, for predict and validate --model):
    /// cv.glmnet's lambda.1se (the default of its predict) or lambda.min
    #[arg(long, value_enum, default_value = "1se", value_name = "1se|min")]
    pub model_lambda: ModelLambdaArg,
    /// Folder for path.json, cv.json, coefficients.csv, signature.wgmt, model.json (the model at
    /// --model-lambda, for predict and validate --model) and the figures path.svg and cv.svg (written atomically)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// The lambda of the saved model.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelLambdaArg {
    #[value(name = "1se")]
    OneSe,
    Min,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CvMeasureArg {
    Deviance,
    #[value(name = "C")]
    C,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoxnetTiesArg {
    Breslow,
    Efron,
}
