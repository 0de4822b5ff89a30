//! Arguments of the signature commands: `score`, `analyze`, `run`, `check`.

use super::shared::OutputArgs;
use super::survival::TiesArg;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Where the expression matrix comes from and how it is laid out.
#[derive(Args, Debug, Clone)]
pub struct ExpressionArgs {
    /// Samples in rows and genes in columns (default: genes in rows, samples in columns; cBioPortal and GCT files
    /// are recognised)
    #[arg(long)]
    pub samples_in_rows: bool,
    /// How rows with the same gene identifier are merged
    #[arg(long, value_enum, default_value = "mean")]
    pub collapse: CollapseArg,
    /// The identifier column (genes in rows: the gene column; samples in rows: the sample column)
    #[arg(long, value_name = "COL")]
    pub gene_column: Option<String>,
    /// Gene sets in GMT format (MSigDB); without it the built-in sets (IL1) are available
    #[arg(long, value_name = "GMT")]
    pub gene_sets: Option<PathBuf>,
    /// Gene set(s) to score (repeatable); default: every set of the GMT file, or the built-in IL1 set
    #[arg(long = "set", value_name = "NAME")]
    pub sets: Vec<String>,
    /// Scoring method
    #[arg(long, value_enum, default_value = "mean-z")]
    pub method: ScoreMethodArg,
    /// Smallest number of a set's genes that must be present in the matrix
    #[arg(long, default_value_t = 3)]
    pub min_genes: usize,
    /// Weighted gene sets (the signature.wgmt of `sigsurv coxnet`): each sample's score is the sum of weight x
    /// expression over the set's genes (implies --method weighted)
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollapseArg {
    Mean,
    #[value(name = "max-mean")]
    MaxMean,
    First,
}

impl CollapseArg {
    /// The value as written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            CollapseArg::Mean => "mean",
            CollapseArg::MaxMean => "max-mean",
            CollapseArg::First => "first",
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoreMethodArg {
    #[value(name = "mean-z")]
    MeanZ,
    Zscore,
    Ssgsea,
    Singscore,
    /// The sum of weight x expression of a weighted gene set (--weights)
    Weighted,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// Expression matrix: .csv, .tsv/.txt, .gct, .parquet (genes x samples unless --samples-in-rows)
    pub expression: PathBuf,
    #[command(flatten)]
    pub expr: ExpressionArgs,
    /// Write this clinical table (CSV/TSV) with one column per gene set added, each patient's score (NA for a
    /// patient without an expression sample), instead of the scores alone
    #[arg(long, value_name = "FILE")]
    pub clinical: Option<PathBuf>,
    /// With --clinical: the column holding the sample ids (default: sample_id, SAMPLE_ID, sample, id, ID, or the
    /// first)
    #[arg(long, value_name = "COL", requires = "clinical")]
    pub id: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Clinical table, one row per sample (CSV/TSV/Parquet/IPC)
    #[arg(long, value_name = "FILE")]
    pub clinical: Option<PathBuf>,
    /// Expression matrix (genes x samples unless --samples-in-rows)
    #[arg(long, value_name = "FILE")]
    pub expression: Option<PathBuf>,
    /// A cBioPortal study folder: clinical and expression files, and OS/DFS/RFS columns by default; repeat it to
    /// analyse several studies side by side (one cohort each, named by its folder) with a pooled stratified Cox
    #[arg(long, value_name = "DIR")]
    pub study: Vec<PathBuf>,
    /// Clinical column naming each patient's cohort: each cohort is scored, split and modelled on its own, then
    /// pooled in Cox models stratified by cohort
    #[arg(long, value_name = "COL")]
    pub cohort: Option<String>,
    /// With --cohort: go on when a cohort has no row with every column the models use, leaving it out with a
    /// warning (by default that is an error naming the cohort)
    #[arg(long, requires = "cohort")]
    pub allow_missing_cohorts: bool,
    /// Samples in rows and genes in columns
    #[arg(long)]
    pub samples_in_rows: bool,
    /// How rows with the same gene identifier are merged
    #[arg(long, value_enum, default_value = "mean")]
    pub collapse: CollapseArg,
    /// The identifier column of the expression matrix
    #[arg(long, value_name = "COL")]
    pub gene_column: Option<String>,
    /// Transform expression values to log2(x + 1) before scoring (RNA-seq counts, RSEM)
    #[arg(long)]
    pub log2: bool,
    /// Gene sets in GMT format (default: the built-in sets)
    #[arg(long, value_name = "GMT")]
    pub gene_sets: Option<PathBuf>,
    /// The gene set scored
    #[arg(long, default_value = "IL1")]
    pub set: String,
    /// Scoring method
    #[arg(long, value_enum, default_value = "mean-z")]
    pub method: ScoreMethodArg,
    /// Smallest number of the set's genes that must be present
    #[arg(long, default_value_t = 3)]
    pub min_genes: usize,
    /// How the score splits patients: median, tertiles, quartiles, quantiles:P,.., cut:V,.., optimal
    #[arg(long, default_value = "median")]
    pub split: String,
    /// For --split optimal: smallest and largest share of patients in the low group
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.1)]
    pub min_prop: f64,
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.9)]
    pub max_prop: f64,
    /// For --split optimal: permutations for a permutation p-value of the selected cut-point (0: none), as
    /// `sigsurv cutpoint --permutations`
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub permutations: usize,
    /// Seed of the permutations (the same seed gives the same p-value on any number of threads)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Survival time column of the clinical table (default with --study: OS_MONTHS, else DFS/RFS)
    #[arg(long, value_name = "COL")]
    pub time: Option<String>,
    /// Event column of the clinical table
    #[arg(long, value_name = "COL")]
    pub event: Option<String>,
    /// Value of the event column that marks an event
    #[arg(long, value_name = "VALUE", conflicts_with = "cause")]
    pub event_value: Option<String>,
    /// A disease-specific endpoint: the event column holds several causes and this one is analysed
    /// (cumulative incidence and Gray's test; cause-specific Cox and Fine-Gray models)
    #[arg(long, value_name = "C")]
    pub cause: Option<String>,
    /// With --cause: the value of the event column meaning censored (default: 0 for numbers; censored,
    /// censor, alive or living for text)
    #[arg(long, value_name = "V", requires = "cause")]
    pub censor_value: Option<String>,
    /// Unit of the time column, for the figures' time axis: "months" gives "Time (months)"
    #[arg(long, value_name = "UNIT")]
    pub time_unit: Option<String>,
    /// Report each group's survival at these times (comma-separated, the time column's unit), as R's
    /// summary(fit, times = c(...)); analysis files: time_points = (a list) in the survival table
    #[arg(
        allow_negative_numbers = true,
        long,
        value_delimiter = ',',
        value_name = "T1,T2,..."
    )]
    pub time_points: Vec<f64>,
    /// Convert the time column on reading, FROM:TO such as days:years (analysis files: time_scale under
    /// the survival table); --time-points are then in TO units
    #[arg(long, value_name = "FROM:TO")]
    pub time_scale: Option<String>,
    /// Covariates of both Cox models, in the formula language: "age + factor(grade) + er"
    #[arg(long, value_name = "TERMS")]
    pub covariates: Option<String>,
    /// Stratify the log-rank test and the Cox models by this column (repeatable)
    #[arg(long, value_name = "COL")]
    pub strata: Vec<String>,
    /// Method for tied event times in the Cox models
    #[arg(long, value_enum, default_value = "efron")]
    pub ties: TiesArg,
    /// Validate a training analysis: its summary.json's cut-points split this cohort and its score SD scales
    /// the score (analysis files: train_summary in the validation table)
    #[arg(long, value_name = "FILE")]
    pub train_summary: Option<PathBuf>,
    /// In a validation run, whose gene means and SDs standardise the mean-z score: self (this cohort's, the
    /// default) or train (the training cohort's, from --train-summary: the training score frozen)
    #[arg(long, value_name = "self|train", requires = "train_summary")]
    pub standardise: Option<String>,
    /// The score's hazard ratio within each level of these columns or conditions, with an interaction test:
    /// "er, grade, age >= 50" (analysis files: a by list in the subgroups table)
    #[arg(long, value_name = "LIST")]
    pub subgroups: Option<String>,
    /// The clinical column with the sample ids (default: sample_id, SAMPLE_ID, sample, id, ID, or the first column)
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Keep only clinical rows matching this SQL condition
    #[arg(long = "where", value_name = "EXPR")]
    pub filter: Option<String>,
    /// Output folder (created if needed)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// No notes on standard error
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The analysis file (TOML)
    pub file: PathBuf,
    /// No notes on standard error
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The analysis file (TOML)
    pub file: PathBuf,
    /// Expected numbers with tolerances (TOML; see docs/analysis.md)
    #[arg(long, value_name = "FILE")]
    pub expected: PathBuf,
    /// Write the comparison as JSON to FILE too
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print the analysis' results above the comparison (by default only their first line and the files written)
    #[arg(short, long)]
    pub verbose: bool,
    /// No notes on standard error
    #[arg(short, long)]
    pub quiet: bool,
}
