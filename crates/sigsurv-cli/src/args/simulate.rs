//! Arguments of `simulate`.

use clap::Args;
use std::path::PathBuf;

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
    #[arg(allow_negative_numbers = true, long, default_value_t = 1.35)]
    pub group_hr: f64,
    /// Hazard ratio per unit (one SD) of the continuous column "score"
    #[arg(allow_negative_numbers = true, long, default_value_t = 1.5)]
    pub hr: f64,
    /// Number of N(0,1) covariates x1..xp (log-HR alternating -0.1, +0.1)
    #[arg(long, default_value_t = 10)]
    pub covariates: usize,
    /// Number of cohorts (column "cohort": c1..cK), each with its own baseline, for stratified analyses
    #[arg(long, default_value_t = 4)]
    pub cohorts: usize,
    /// Weibull shape of the baseline hazard
    #[arg(allow_negative_numbers = true, long, default_value_t = 1.2)]
    pub shape: f64,
    /// Baseline median survival of cohort c1, in days
    #[arg(allow_negative_numbers = true, long, default_value_t = 1825.0)]
    pub median_days: f64,
    /// Random censoring: exponential with this mean time in days (0 = none)
    #[arg(allow_negative_numbers = true, long, default_value_t = 3650.0)]
    pub censoring: f64,
    /// Administrative end of follow-up, in days
    #[arg(allow_negative_numbers = true, long, default_value_t = 3650.0)]
    pub follow_up: f64,
    /// Competing causes of the event (2 or more): adds the column "cause" (0 censored, else 1..K, cause k drawn
    /// with probability proportional to K - k + 1); 0 writes no such column
    #[arg(long, default_value_t = 0, value_name = "K")]
    pub causes: usize,
    /// Output file: .parquet, .csv, .tsv or .arrow
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}
