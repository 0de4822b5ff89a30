//! The `plot` command line: `plot km` and `plot forest`. The `///` comments are the `--help` text.

use super::shared::{ConfTypeArg, DataArgs};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct PlotArgs {
    #[command(subcommand)]
    pub kind: PlotKind,
}

#[derive(Subcommand, Debug)]
pub enum PlotKind {
    /// Kaplan-Meier curves with a number-at-risk table, as SVG or PNG (R: survminer::ggsurvplot)
    #[command(
        after_help = "Examples:\n  sigsurv plot km fixtures/GBSG2/GBSG2.csv --time time --event cens --by horTh \
                      --ci --time-unit days -o km.png\n  \
                      sigsurv plot km fixtures/GBSG2/GBSG2.csv --time time --event cens --by horTh \
                      --breaks 365 --xmax 2555 --overlay examples/gbsg2_published_km.csv -o km.svg"
    )]
    Km(Box<PlotKmArgs>),
    /// Forest plot of hazard ratios from the JSON of `sigsurv cox --format json` or of a multi-cohort analysis
    #[command(
        after_help = "Example:\n  sigsurv cox fixtures/GBSG2/GBSG2.csv --formula \"Surv(time, cens) ~ horTh + age + pnodes\" \
                      --format json -o cox.json\n  sigsurv plot forest cox.json -o forest.svg"
    )]
    Forest(Box<PlotForestArgs>),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunArg {
    /// Survival probability S(t)
    Surv,
    /// Cumulative event probability 1 - S(t)
    Event,
}

/// Size and resolution of the figure.
#[derive(Args, Debug, Clone)]
pub struct FigureArgs {
    /// Figure file: .svg or .png
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Title above the figure
    #[arg(long)]
    pub title: Option<String>,
    /// x-axis title
    #[arg(long)]
    pub xlab: Option<String>,
    /// Width in px (1/96 inch)
    #[arg(allow_negative_numbers = true, long)]
    pub width: Option<f64>,
    /// Height in px (1/96 inch)
    #[arg(allow_negative_numbers = true, long)]
    pub height: Option<f64>,
    /// Resolution of a PNG (pixels = px x dpi / 96)
    #[arg(allow_negative_numbers = true, long, default_value_t = 300.0)]
    pub dpi: f64,
    /// Base font size in px
    #[arg(allow_negative_numbers = true, long, default_value_t = 13.0)]
    pub font_size: f64,
    /// No notes on standard error
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct PlotKmArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Column whose values define the groups (one curve per value)
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    #[command(flatten)]
    pub figure: FigureArgs,
    /// Draw the pointwise confidence bands
    #[arg(long)]
    pub ci: bool,
    /// Dashed lines at S = 0.5 to each group's median
    #[arg(long)]
    pub median_lines: bool,
    /// Distance between x-axis breaks, also the risk-table times (default: about 5 breaks)
    #[arg(allow_negative_numbers = true, long, value_name = "B")]
    pub breaks: Option<f64>,
    /// End of the x axis (default: the last time)
    #[arg(allow_negative_numbers = true, long, value_name = "X")]
    pub xmax: Option<f64>,
    /// Unit of time for the x-axis title, e.g. months: "Time (months)"
    #[arg(long, value_name = "UNIT")]
    pub time_unit: Option<String>,
    /// y-axis title
    #[arg(long)]
    pub ylab: Option<String>,
    /// What the y axis shows
    #[arg(long, value_enum, default_value = "surv")]
    pub fun: FunArg,
    /// Confidence-interval transform of the bands, as R's conf.type
    #[arg(long, value_enum, default_value = "log")]
    pub conf_type: ConfTypeArg,
    /// Confidence level of the bands
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Digitised published curves to draw dashed: a table with columns time, survival (0-1) and group
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,
    /// Line colours, comma-separated #rrggbb (default: Okabe-Ito, colour-blind safe)
    #[arg(long, value_delimiter = ',', value_name = "COLOURS")]
    pub palette: Vec<String>,
    /// Leave out the number-at-risk table
    #[arg(long)]
    pub no_risk_table: bool,
    /// Leave out the censoring marks
    #[arg(long)]
    pub no_censor_marks: bool,
    /// Leave out the log-rank p-value (shown when there are two or more groups)
    #[arg(long)]
    pub no_pvalue: bool,
}

#[derive(Args, Debug)]
pub struct PlotForestArgs {
    /// JSON from `sigsurv cox --format json` (terms[].term, exp_coef, lower, upper, p_value), or the
    /// summary.json of `sigsurv analyze` (one cohort: both Cox models' terms; several: one term per cohort)
    pub json: PathBuf,
    #[command(flatten)]
    pub figure: FigureArgs,
    /// Header of the label column, e.g. Term or Cohort
    #[arg(long, default_value = "")]
    pub label_header: String,
    /// Range of the hazard-ratio axis, e.g. 0.25,4 (intervals beyond end in arrows)
    #[arg(
        allow_negative_numbers = true,
        long,
        value_delimiter = ',',
        value_name = "LO,HI"
    )]
    pub xlim: Vec<f64>,
    /// With the summary.json of a multi-cohort analysis: the Cox term drawn per cohort and pooled
    /// (score, or group=<level> such as group=high)
    // The text is the --help text (clap), so the angle brackets stay; rustdoc would read them as HTML.
    #[allow(rustdoc::invalid_html_tags)]
    #[arg(long, default_value = "score", value_name = "TERM")]
    pub term: String,
    /// Draw only these rows (comma-separated labels as the figure shows them: terms of a cox JSON, e.g.
    /// horTh=yes,age; or cohorts), in the order given
    #[arg(long, value_delimiter = ',', value_name = "LABEL,...")]
    pub terms: Vec<String>,
}
