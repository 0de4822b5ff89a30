//! The command line: one struct per subcommand. The `///` comments are the `--help` text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "sigsurv",
    version,
    about = "Survival analysis that agrees with R: Kaplan-Meier, log-rank, Cox, gene-signature scores",
    long_about = "Survival analysis that agrees with R's survival package to a relative 1e-6.\n\n\
                  Reads CSV/TSV, Parquet and Arrow IPC tables; writes human tables, JSON or CSV.",
    after_help = "Example:\n  sigsurv km fixtures/GBSG2/GBSG2.csv --time time --event cens --by horTh\n  \
                  sigsurv logrank fixtures/GBSG2/GBSG2.csv --time time --event cens --by horTh\n\n\
                  Exit codes: 0 success, 2 bad input, 1 internal failure."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Number of worker threads (default: RAYON_NUM_THREADS, else one per core); results do not depend on it
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Print the seconds spent loading, computing and writing on standard error (also SIGSURV_TIMINGS=1)
    #[arg(long, global = true)]
    pub timings: bool,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Kaplan-Meier survival curves with Greenwood CIs, medians and RMST (R: survfit)
    #[command(
        after_help = "Example:\n  sigsurv km fixtures/GBSG2/GBSG2.csv --time time --event cens --by horTh --format json"
    )]
    Km(KmArgs),
    /// Log-rank and G-rho tests between groups, optionally stratified (R: survdiff)
    #[command(
        after_help = "Example:\n  sigsurv logrank fixtures/GBSG2/GBSG2.csv --time time --event cens --by tgrade --pairwise"
    )]
    Logrank(LogrankArgs),
    /// Cox proportional-hazards regression from an R formula (R: coxph, cox.zph, residuals.coxph)
    #[command(
        after_help = "Example:\n  sigsurv cox fixtures/GBSG2/GBSG2.csv --formula \"Surv(time, cens) ~ horTh + age + factor(tgrade) + pnodes\" --zph"
    )]
    Cox(CoxArgs),
    /// Parametric accelerated-failure-time models: Weibull, exponential, log-normal, log-logistic (R: survreg)
    #[command(
        after_help = "Example:\n  sigsurv aft fixtures/lung/lung.csv --formula \"Surv(time, status) ~ age + sex + factor(ph.ecog)\" --dist weibull"
    )]
    Aft(AftArgs),
    /// Optimal cut-point of a continuous score: maximally selected log-rank statistic (R: maxstat.test)
    #[command(
        after_help = "Example:\n  sigsurv cutpoint fixtures/GBSG2/GBSG2.csv --time time --event cens --score pnodes --permutations 1000 --seed 1"
    )]
    Cutpoint(CutpointArgs),
    /// Signature scores per sample from an expression matrix and gene sets (mean-z, GSVA zscore/ssGSEA, singscore)
    #[command(
        after_help = "Example:\n  sigsurv score fixtures/gse1992/expression.csv --samples-in-rows --set IL1 --method mean-z --format csv"
    )]
    Score(ScoreArgs),
    /// Score a signature, split the cohort, and compare survival (KM, log-rank, Cox) in one command
    #[command(
        after_help = "Example:\n  sigsurv analyze --clinical fixtures/gse1992/clinical.csv --expression fixtures/gse1992/expression.csv \\\n    --samples-in-rows --set IL1 --method mean-z --split median --time rfs_months --event rfs_event \\\n    --covariates \"age + factor(grade)\" --out results/\n\nSeveral cohorts (each scored and split on its own, then a Cox model stratified by cohort):\n  sigsurv analyze --study brca_a/ --study brca_b/ --log2 --set IL1 --out results/\n  sigsurv analyze --clinical clinical.csv --expression expression.csv --cohort site --time os --event dead --out results/"
    )]
    Analyze(Box<AnalyzeArgs>),
    /// Run an analysis declared in a file (TOML); the resolved file is written next to the results
    #[command(after_help = "Example:\n  sigsurv run examples/il1_gse1992/analysis.toml")]
    Run(RunArgs),
    /// Run an analysis file and compare its results with expected numbers; exit 0 only when all agree
    #[command(
        after_help = "Example:\n  sigsurv check examples/il1_gse1992/analysis.toml --expected examples/il1_gse1992/expected.toml\n\nExit codes: 0 all agree, 3 some disagree, 2 bad input, 1 internal failure."
    )]
    Check(CheckArgs),
    /// Write a synthetic cohort with a known truth (Weibull baseline, score, groups, covariates, cohorts)
    #[command(after_help = "Example:\n  sigsurv simulate --n 100000 --seed 1 -o cohort.parquet")]
    Simulate(SimulateArgs),
    /// Figures: Kaplan-Meier curves with a risk table, forest plots (SVG or PNG)
    Plot(crate::args_plot::PlotArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Example:\n  sigsurv completions bash > /etc/bash_completion.d/sigsurv"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Where the data come from and which rows to use: a table, its survival time and event columns.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// Column with the follow-up time (numeric, >= 0)
    #[arg(long)]
    pub time: String,
    /// Column with the event status: 0/1, true/false, R's 1/2, cBioPortal "0:LIVING"/"1:DECEASED"
    #[arg(long)]
    pub event: String,
    #[command(flatten)]
    pub source: TableArgs,
}

/// Where and how results are written.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format (default: from the -o extension, else table)
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Write the result to FILE (atomically) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No notes on standard error
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfTypeArg {
    Log,
    #[value(name = "log-log")]
    LogLog,
    Plain,
    Logit,
    Arcsin,
    None,
}

#[derive(Args, Debug)]
pub struct KmArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Column whose values define the groups (one curve per value)
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    /// Confidence-interval transform, as R's conf.type
    #[arg(long, value_enum, default_value = "log")]
    pub conf_type: ConfTypeArg,
    /// Confidence level of the intervals
    #[arg(long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Restricted mean survival time up to TAU, with its standard error (R: print(fit, rmean = TAU))
    #[arg(long, value_name = "TAU")]
    pub rmst: Option<f64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum PAdjustArg {
    Holm,
    Bh,
    Bonferroni,
    None,
}

#[derive(Args, Debug)]
pub struct LogrankArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Column whose values define the groups compared
    #[arg(long, value_name = "COL")]
    pub by: String,
    /// Stratify by this column (repeat for several; each combination is one stratum)
    #[arg(long, value_name = "COL")]
    pub strata: Vec<String>,
    /// G-rho weight exponent: 0 log-rank, 1 Peto-Peto (weights S(t-)^rho)
    #[arg(long, default_value_t = 0.0)]
    pub rho: f64,
    /// Also test every pair of groups
    #[arg(long)]
    pub pairwise: bool,
    /// Multiplicity adjustment of the pairwise p-values (R: p.adjust; BH as survminer::pairwise_survdiff)
    #[arg(long, value_enum, default_value = "bh", requires = "pairwise")]
    pub p_adjust: PAdjustArg,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Number of patients (rows)
    #[arg(long, default_value_t = 1000)]
    pub n: usize,
    /// Random seed: the same seed gives the same file, whatever the number of threads
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of groups (column "group": g1..gk)
    #[arg(long, default_value_t = 3)]
    pub groups: usize,
    /// Hazard ratio between successive groups
    #[arg(long, default_value_t = 1.35)]
    pub group_hr: f64,
    /// Hazard ratio per unit (one SD) of the continuous column "score"
    #[arg(long, default_value_t = 1.5)]
    pub hr: f64,
    /// Number of N(0,1) covariates x1..xp (log-HR alternating -0.1, +0.1)
    #[arg(long, default_value_t = 10)]
    pub covariates: usize,
    /// Number of cohorts (column "cohort": c1..cK), each with its own baseline, for stratified analyses
    #[arg(long, default_value_t = 4)]
    pub cohorts: usize,
    /// Weibull shape of the baseline hazard
    #[arg(long, default_value_t = 1.2)]
    pub shape: f64,
    /// Baseline median survival of cohort c1, in days
    #[arg(long, default_value_t = 1825.0)]
    pub median_days: f64,
    /// Random censoring: exponential with this mean time in days (0 = none)
    #[arg(long, default_value_t = 3650.0)]
    pub censoring: f64,
    /// Administrative end of follow-up, in days
    #[arg(long, default_value_t = 3650.0)]
    pub follow_up: f64,
    /// Output file: .parquet, .csv, .tsv or .arrow
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

/// Which table to read and which of its rows to use (the time and event columns come from a formula or from
/// [`DataArgs`]).
#[derive(Args, Debug, Clone)]
pub struct TableArgs {
    /// Table to read: .csv, .tsv/.txt, .parquet, .arrow/.ipc/.feather
    pub data: PathBuf,
    /// Value of the event column that marks an event (for codings other than 0/1, true/false, 1/2, cBioPortal)
    #[arg(long, value_name = "VALUE")]
    pub event_value: Option<String>,
    /// Keep only rows matching this SQL-style condition (docs/cli.md), e.g. "age >= 50 AND er = 1"
    #[arg(long = "where", value_name = "EXPR")]
    pub filter: Option<String>,
    /// Field delimiter of a text table (default: from the extension)
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<char>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TiesArg {
    Efron,
    Breslow,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZphTransformArg {
    Km,
    Identity,
    Rank,
    Log,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResidualArg {
    Martingale,
    Deviance,
    Schoenfeld,
    Score,
    Dfbeta,
}

#[derive(Args, Debug)]
pub struct CoxArgs {
    #[command(flatten)]
    pub data: TableArgs,
    /// Model formula as in R: "Surv(time, event) ~ x + factor(g, ref = \"B\") + strata(s) + cluster(id) + log(y)";
    /// counting-process data as Surv(start, stop, event)
    #[arg(long, short = 'f')]
    pub formula: String,
    /// Method for tied event times
    #[arg(long, value_enum, default_value = "efron")]
    pub ties: TiesArg,
    /// Robust (sandwich) standard errors; implied by cluster() in the formula
    #[arg(long)]
    pub robust: bool,
    /// Column of case weights (> 0)
    #[arg(long, value_name = "COL")]
    pub weights: Option<String>,
    /// Confidence level of the hazard-ratio intervals
    #[arg(long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Also test proportional hazards (R: cox.zph)
    #[arg(long)]
    pub zph: bool,
    /// Time transform of the proportional-hazards test
    #[arg(long, value_enum, default_value = "km")]
    pub zph_transform: ZphTransformArg,
    /// Write residuals of this type instead of the fit summary (CSV unless --format json)
    #[arg(long, value_enum)]
    pub residuals: Option<ResidualArg>,
    /// Predicted survival curves instead of the summary: "mean" (at the covariate means, R's default curve) or a
    /// table of covariate profiles (one row each, with the formula's covariate columns); CSV unless --format json
    #[arg(long, value_name = "FILE|mean", conflicts_with = "residuals")]
    pub predict: Option<String>,
    /// Newton-Raphson iteration limit (R: coxph.control(iter.max))
    #[arg(long, default_value_t = 20)]
    pub iter_max: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct CutpointArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Continuous column to cut (e.g. a signature score)
    #[arg(long, value_name = "COL")]
    pub score: String,
    /// Smallest fraction of patients in the low group
    #[arg(long, default_value_t = 0.1)]
    pub min_prop: f64,
    /// Largest fraction of patients in the low group
    #[arg(long, default_value_t = 0.9)]
    pub max_prop: f64,
    /// Number of permutations for a permutation p-value (0: none)
    #[arg(long, default_value_t = 0)]
    pub permutations: usize,
    /// Seed of the permutations (the same seed gives the same p-value on any number of threads)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub output: OutputArgs,
}

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
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CollapseArg {
    Mean,
    #[value(name = "max-mean")]
    MaxMean,
    First,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoreMethodArg {
    #[value(name = "mean-z")]
    MeanZ,
    Zscore,
    Ssgsea,
    Singscore,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// Expression matrix: .csv, .tsv/.txt, .gct, .parquet (genes x samples unless --samples-in-rows)
    pub expression: PathBuf,
    #[command(flatten)]
    pub expr: ExpressionArgs,
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
    #[arg(long, default_value_t = 0.1)]
    pub min_prop: f64,
    #[arg(long, default_value_t = 0.9)]
    pub max_prop: f64,
    /// Survival time column of the clinical table (default with --study: OS_MONTHS, else DFS/RFS)
    #[arg(long, value_name = "COL")]
    pub time: Option<String>,
    /// Event column of the clinical table
    #[arg(long, value_name = "COL")]
    pub event: Option<String>,
    /// Value of the event column that marks an event
    #[arg(long, value_name = "VALUE")]
    pub event_value: Option<String>,
    /// Unit of the time column, for the figures' time axis: "months" gives "Time (months)"
    #[arg(long, value_name = "UNIT")]
    pub time_unit: Option<String>,
    /// Covariates of both Cox models, in the formula language: "age + factor(grade) + er"
    #[arg(long, value_name = "TERMS")]
    pub covariates: Option<String>,
    /// Stratify the log-rank test and the Cox models by this column (repeatable)
    #[arg(long, value_name = "COL")]
    pub strata: Vec<String>,
    /// Method for tied event times in the Cox models
    #[arg(long, value_enum, default_value = "efron")]
    pub ties: TiesArg,
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
    /// Expected numbers with tolerances (TOML; see docs/check.md)
    #[arg(long, value_name = "FILE")]
    pub expected: PathBuf,
    /// Write the comparison as JSON to FILE too
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// No notes on standard error
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DistArg {
    Weibull,
    Exponential,
    Lognormal,
    Loglogistic,
}

#[derive(Args, Debug)]
pub struct AftArgs {
    #[command(flatten)]
    pub data: TableArgs,
    /// Model formula as in R: "Surv(time, event) ~ age + factor(stage)" (no strata or cluster terms)
    #[arg(long, short = 'f')]
    pub formula: String,
    /// Distribution of the survival time
    #[arg(long, value_enum, default_value = "weibull")]
    pub dist: DistArg,
    /// Column of case weights (> 0)
    #[arg(long, value_name = "COL")]
    pub weights: Option<String>,
    /// Confidence level of the intervals
    #[arg(long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Predicted quantiles of the survival time for covariate profiles in FILE (R: predict(type = "quantile"))
    #[arg(long, value_name = "FILE")]
    pub predict: Option<PathBuf>,
    /// Probabilities of the predicted quantiles
    #[arg(long, value_delimiter = ',', default_value = "0.1,0.5,0.9")]
    pub quantiles: Vec<f64>,
    #[command(flatten)]
    pub output: OutputArgs,
}
