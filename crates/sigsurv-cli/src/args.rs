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

/// Where the data come from and which rows to use.
#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    /// Table to read: .csv, .tsv/.txt, .parquet, .arrow/.ipc/.feather
    pub data: PathBuf,
    /// Column with the follow-up time (numeric, >= 0)
    #[arg(long)]
    pub time: String,
    /// Column with the event status: 0/1, true/false, R's 1/2, cBioPortal "0:LIVING"/"1:DECEASED"
    #[arg(long)]
    pub event: String,
    /// Value of the event column that marks an event (for any other coding)
    #[arg(long, value_name = "VALUE")]
    pub event_value: Option<String>,
    /// Keep only rows matching this SQL condition, e.g. "age >= 50 AND er = 1"
    #[arg(long = "where", value_name = "EXPR")]
    pub filter: Option<String>,
    /// Field delimiter of a text table (default: from the extension)
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<char>,
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
