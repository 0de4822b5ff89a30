//! The arguments several commands share: the data table and its survival columns, where results go, the
//! confidence-interval transform.

use clap::{Args, ValueEnum};
use std::path::PathBuf;

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
    /// What the notes and warnings are about when a run has several parts (e.g. "cohort A"); set by sigsurv.
    #[arg(skip)]
    pub context: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
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
    /// Convert the time columns from one unit to another on reading, e.g. days:years (a year is 365.25 days, a
    /// month a twelfth of it, a week 7 days); every time given on the command line is then in the second unit
    #[arg(long, value_name = "FROM:TO", value_parser = crate::time_scale::parse_time_scale)]
    pub time_scale: Option<crate::time_scale::TimeScale>,
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
