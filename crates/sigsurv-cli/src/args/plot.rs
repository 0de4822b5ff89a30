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
    /// Cumulative incidence curves of one cause per group, with bands, numbers at risk and Gray's p
    #[command(
        after_help = "Example:\n  sigsurv plot cif fixtures/competing/mgus2_cr.csv --time etime --event status --by sex \
                      --cause pcm --ci -o cif.svg"
    )]
    Cif(Box<PlotCifArgs>),
    /// Time-dependent AUC with its confidence band, from the JSON of `sigsurv validate`
    #[command(
        after_help = "Example:\n  sigsurv validate fixtures/validation/rotterdam_validation.csv --time time --event event --marker lp \\\n    --times 365.25,1095.75,1826.25 --format json -o validation.json\n  sigsurv plot auc validation.json -o auc.svg"
    )]
    Auc(Box<PlotJsonArgs>),
    /// Calibration: observed (Kaplan-Meier) against predicted survival by risk group, from `sigsurv validate`
    #[command(
        after_help = "Example:\n  sigsurv validate fixtures/validation/rotterdam_validation.csv --time time --event event --marker lp \\\n    --predicted surv_5y=1826.25 --format json -o validation.json\n  sigsurv plot calibration validation.json -o calibration.svg"
    )]
    Calibration(Box<PlotJsonArgs>),
    /// The coefficient path of `sigsurv coxnet`: each term's coefficient against log(lambda), from its path.json
    #[command(
        name = "coxnet-path",
        after_help = "Example:\n  sigsurv coxnet --clinical fixtures/gse1992/clinical.csv --expression fixtures/gse1992/expression_il1.csv \\\n    --samples-in-rows --time os_months --event os_event --nfolds 5 --out coxnet\n  sigsurv plot coxnet-path coxnet/path.json -o path.png"
    )]
    CoxnetPath(Box<PlotJsonArgs>),
    /// The cross-validation curve of `sigsurv coxnet` with lambda.min and lambda.1se, from its cv.json
    #[command(
        name = "coxnet-cv",
        after_help = "Example:\n  sigsurv coxnet --clinical fixtures/gse1992/clinical.csv --expression fixtures/gse1992/expression_il1.csv \\\n    --samples-in-rows --time os_months --event os_event --nfolds 5 --out coxnet\n  sigsurv plot coxnet-cv coxnet/cv.json -o cv.png"
    )]
    CoxnetCv(Box<PlotJsonArgs>),
}

#[derive(Args, Debug)]
pub struct PlotJsonArgs {
    /// The JSON file: of `sigsurv validate --format json` (auc, calibration), or coxnet's path.json or cv.json
    pub json: PathBuf,
    #[command(flatten)]
    pub figure: FigureArgs,
    /// Line colours, comma-separated #rrggbb
    #[arg(long, value_delimiter = ',', value_name = "COLOURS")]
    pub palette: Vec<String>,
}

#[derive(Args, Debug)]
pub struct PlotCifArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The value of the event column meaning censored (default: 0 for numbers; censored, censor, alive or
    /// living for text)
    #[arg(long, value_name = "V")]
    pub censor_value: Option<String>,
    /// The cause drawn (default: the first cause)
    #[arg(long, value_name = "C")]
    pub cause: Option<String>,
    /// Column whose values define the groups (one curve per value)
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    #[command(flatten)]
    pub figure: FigureArgs,
    /// Draw the pointwise confidence bands (survfit's infinitesimal-jackknife variance)
    #[arg(long)]
    pub ci: bool,
    /// Confidence-interval transform of the bands, as survfit's conf.type
    #[arg(long, value_enum, default_value = "log")]
    pub conf_type: ConfTypeArg,
    /// Distance between x-axis breaks, also the risk-table times
    #[arg(allow_negative_numbers = true, long, value_name = "B")]
    pub breaks: Option<f64>,
    /// End of the x axis (default: the last time)
    #[arg(allow_negative_numbers = true, long, value_name = "X")]
    pub xmax: Option<f64>,
    /// Unit of time for the x-axis title
    #[arg(long, value_name = "UNIT")]
    pub time_unit: Option<String>,
    /// Line colours, comma-separated #rrggbb
    #[arg(long, value_delimiter = ',', value_name = "COLOURS")]
    pub palette: Vec<String>,
    /// Leave out Gray's p-value
    #[arg(long)]
    pub no_pvalue: bool,
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
    /// Figure file: .svg, .png or .pdf (vector, fonts embedded)
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// Title above the figure
    #[arg(long)]
    pub title: Option<String>,
    /// x-axis title
    #[arg(long)]
    pub xlab: Option<String>,
    /// Width: 85mm, 3.3in, 250pt or px (a bare number is px, 1/96 inch)
    #[arg(allow_negative_numbers = true, long, value_parser = parse_length)]
    pub width: Option<f64>,
    /// Height, in the units of --width
    #[arg(allow_negative_numbers = true, long, value_parser = parse_length)]
    pub height: Option<f64>,
    /// Journal column width: single (85 mm) or double (180 mm); the height keeps the figure's proportions
    /// unless --height is given
    #[arg(long, value_enum, conflicts_with = "width")]
    pub size: Option<SizePreset>,
    /// Resolution of a PNG (pixels = px x dpi / 96)
    #[arg(allow_negative_numbers = true, long, default_value_t = 300.0)]
    pub dpi: f64,
    /// Base font size: 9pt, or px (a bare number, 1/96 inch)
    #[arg(allow_negative_numbers = true, long, default_value = "13", value_parser = parse_length)]
    pub font_size: f64,
    /// No notes on standard error
    #[arg(short, long)]
    pub quiet: bool,
}

impl FigureArgs {
    /// The width in px: `--size`, else `--width`, else `default`.
    pub fn width_px(&self, default: f64) -> f64 {
        self.size
            .map(SizePreset::width_px)
            .or(self.width)
            .unwrap_or(default)
    }

    /// The height in px: `--height`, else the default height scaled with the width a `--size` preset set
    /// (the figure keeps its proportions), else `default_height`.
    pub fn height_px(&self, default_width: f64, default_height: f64) -> f64 {
        match (self.height, self.size) {
            (Some(h), _) => h,
            (None, Some(s)) => default_height * s.width_px() / default_width,
            (None, None) => default_height,
        }
    }
}

/// A journal's column width.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizePreset {
    /// 85 mm
    Single,
    /// 180 mm
    Double,
}

impl SizePreset {
    /// The width in px.
    pub fn width_px(self) -> f64 {
        let mm = match self {
            SizePreset::Single => 85.0,
            SizePreset::Double => 180.0,
        };
        mm / 25.4 * 96.0
    }
}

/// A length with its unit — `mm`, `cm`, `in`, `pt` or `px` — or a bare number of px, in px (1/96 inch, the
/// SVG's user unit).
pub fn parse_length(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (number, per_unit) = [
        ("mm", 96.0 / 25.4),
        ("cm", 96.0 / 2.54),
        ("in", 96.0),
        ("pt", 96.0 / 72.0),
        ("px", 1.0),
    ]
    .iter()
    .find_map(|(u, f)| t.strip_suffix(u).map(|n| (n.trim(), *f)))
    .unwrap_or((t, 1.0));
    match number.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v * per_unit),
        _ => Err(format!(
            "\"{s}\" is not a positive length (e.g. 85mm, 3.3in, 9pt, or a number of px)"
        )),
    }
}

#[derive(Args, Debug)]
pub struct PlotKmArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Column whose values define the groups (one curve per value)
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    /// The groups' order, comma-separated (default R's factor order: numbers ascending, text sorted), e.g.
    /// low,mid,high; as R's factor(x, levels = )
    #[arg(long, value_name = "L1,L2,...", value_delimiter = ',', requires = "by")]
    pub levels: Vec<String>,
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
    /// Title of the legend (default: the --by column)
    #[arg(long, value_name = "TEXT")]
    pub legend_title: Option<String>,
    /// Names of the groups in the legend and risk table, comma-separated in the groups' order (R's factor
    /// order of --by): "No hormone therapy,Hormone therapy"
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub labels: Vec<String>,
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
