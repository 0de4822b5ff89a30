//! Arguments of the survival commands: `km`, `logrank`, `cox`, `aft`, `cutpoint`.

use super::shared::{ConfTypeArg, DataArgs, OutputArgs, TableArgs};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct KmArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Column whose values define the groups (one curve per value)
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    /// The groups' order, comma-separated (default R's factor order: numbers ascending, text sorted), e.g.
    /// low,mid,high; as R's factor(x, levels = )
    #[arg(long, value_name = "L1,L2,...", value_delimiter = ',', requires = "by")]
    pub levels: Vec<String>,
    /// Confidence-interval transform, as R's conf.type
    #[arg(long, value_enum, default_value = "log")]
    pub conf_type: ConfTypeArg,
    /// Confidence level of the intervals
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Restricted mean survival time up to TAU, with its standard error (R: print(fit, rmean = TAU))
    #[arg(allow_negative_numbers = true, long, value_name = "TAU")]
    pub rmst: Option<f64>,
    /// The curves at these times instead of at every time: n at risk, events since the previous time,
    /// survival, std.err and limits per group (R: summary(fit, times = c(T1, T2, ...)))
    #[arg(
        allow_negative_numbers = true,
        long,
        value_delimiter = ',',
        value_name = "T1,T2,..."
    )]
    pub times: Vec<f64>,
    #[command(flatten)]
    pub design: KmDesignArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `km` inputs beyond time and event: case weights, delayed entry, clusters and the variance.
#[derive(Args, Debug, Clone, Default)]
pub struct KmDesignArgs {
    /// Column of case weights (>= 0): weighted counts, as survfit(weights = )
    #[arg(long, value_name = "COL")]
    pub weights: Option<String>,
    /// Column of entry times (delayed entry, left truncation): at risk from entry to exit, as
    /// Surv(entry, time, event)
    #[arg(long, value_name = "COL", visible_alias = "start")]
    pub entry: Option<String>,
    /// Column whose rows form one independent unit for the robust variance (R: survfit(cluster = ))
    #[arg(long, value_name = "COL", visible_alias = "id")]
    pub cluster: Option<String>,
    /// Robust (infinitesimal jackknife) variance; R's default when a weight is not a whole number or a cluster
    /// is given
    #[arg(long, conflicts_with = "no_robust")]
    pub robust: bool,
    /// Greenwood variance even with fractional weights or a cluster (R: robust = FALSE)
    #[arg(long)]
    pub no_robust: bool,
    /// Standard error of the lower confidence limit, as R's conf.lower
    #[arg(long, value_enum, default_value = "usual")]
    pub conf_lower: ConfLowerArg,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ConfLowerArg {
    #[default]
    Usual,
    Modified,
    Peto,
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
    /// The groups' order, comma-separated (default R's factor order: numbers ascending, text sorted), e.g.
    /// low,mid,high; as R's factor(x, levels = )
    #[arg(long, value_name = "L1,L2,...", value_delimiter = ',', requires = "by")]
    pub levels: Vec<String>,
    /// Stratify by this column (repeat for several; each combination is one stratum)
    #[arg(long, value_name = "COL")]
    pub strata: Vec<String>,
    /// G-rho weight exponent: 0 log-rank, 1 Peto-Peto (weights S(t-)^rho)
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.0)]
    pub rho: f64,
    /// Also test every pair of groups
    #[arg(long)]
    pub pairwise: bool,
    /// Multiplicity adjustment of the pairwise p-values (R: p.adjust; BH as survminer::pairwise_survdiff)
    #[arg(long, value_enum, default_value = "bh", requires = "pairwise")]
    pub p_adjust: PAdjustArg,
    /// Entry times (delayed entry) are refused, as R's survdiff refuses counting-process data
    #[arg(long, value_name = "COL", visible_alias = "start", hide = true)]
    pub entry: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CifVarianceArg {
    /// The infinitesimal jackknife, as survfit's multi-state curves
    Survfit,
    /// Aalen's variance, as cmprsk's cuminc (no confidence limits)
    Cuminc,
}

#[derive(Args, Debug)]
pub struct CifArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The value of the event column meaning censored (default: 0 for numbers; censored, censor, alive or
    /// living for text)
    #[arg(long, value_name = "V")]
    pub censor_value: Option<String>,
    /// Column whose values define the groups (Gray's test between them)
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    /// Stratify Gray's test by this column (cmprsk's strata)
    #[arg(long, value_name = "COL")]
    pub strata: Option<String>,
    /// The curves at these times (R: summary(fit, times = c(T1, T2, ...)))
    #[arg(
        allow_negative_numbers = true,
        long,
        value_delimiter = ',',
        value_name = "T1,T2,..."
    )]
    pub times: Vec<f64>,
    /// Confidence interval transformation (survfit's conf.type)
    #[arg(long, value_enum, default_value = "log")]
    pub conf_type: ConfTypeArg,
    /// Confidence level of the intervals
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Variance of the cumulative incidence
    #[arg(long, value_enum, default_value = "survfit")]
    pub variance: CifVarianceArg,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct FinegrayArgs {
    #[command(flatten)]
    pub data: TableArgs,
    /// Model formula as in R, the event column holding the causes: "Surv(time, status) ~ x + factor(g)"
    #[arg(long, short = 'f')]
    pub formula: String,
    /// The cause whose cumulative incidence is modelled (crr's failcode)
    #[arg(long, value_name = "C")]
    pub cause: String,
    /// The value of the event column meaning censored (default: 0 for numbers; censored, censor, alive or
    /// living for text)
    #[arg(long, value_name = "V")]
    pub censor_value: Option<String>,
    /// Confidence level of the intervals
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Largest number of Newton steps (crr's maxiter)
    #[arg(long, default_value_t = 10)]
    pub iter_max: usize,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Column of the risk marker, a larger value meaning higher risk (e.g. a frozen model's linear predictor)
    #[arg(
        long,
        value_name = "COL",
        required_unless_present = "model",
        conflicts_with = "model"
    )]
    pub marker: Option<String>,
    /// A model saved by `sigsurv cox --save-model`: its linear predictor is the marker, and its predicted
    /// survival at --times gives the Brier score, IPA and calibration
    #[arg(long, value_name = "FILE", conflicts_with = "predicted")]
    pub model: Option<PathBuf>,
    /// Columns of predicted survival at times, COL=TIME,...: "surv_1y=365.25,surv_5y=1826.25" (Brier score,
    /// IPA, integrated Brier score and the calibration table at those times)
    #[arg(long, value_name = "COL=TIME,...", value_delimiter = ',')]
    pub predicted: Vec<String>,
    /// Times of the time-dependent AUC (with --predicted: the predictions' times are used)
    #[arg(
        allow_negative_numbers = true,
        long,
        value_delimiter = ',',
        value_name = "T1,T2,..."
    )]
    pub times: Vec<f64>,
    /// Truncation time of Uno's C (R: concordance(ymax = )) and upper limit of the integrated Brier score
    #[arg(allow_negative_numbers = true, long, value_name = "X")]
    pub tau: Option<f64>,
    /// Risk groups of the calibration table (marker quantiles)
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub calibration_groups: usize,
    /// Confidence level of the intervals
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Also write a self-contained HTML report of the validation to FILE: the metrics' tables, the AUC and
    /// calibration figures, and the Kaplan-Meier curves of the marker's risk groups (split at its median)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct PredictArgs {
    /// The new rows: a table with the model's covariate columns
    pub newdata: PathBuf,
    /// The model written by `sigsurv cox ... --save-model FILE`
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Predicted survival at these times for each row (R: summary(survfit(fit, newdata), times))
    #[arg(
        allow_negative_numbers = true,
        long,
        value_delimiter = ',',
        value_name = "T1,T2,..."
    )]
    pub times: Vec<f64>,
    /// A column of the new rows copied to the output to name them (default: id, sample_id, pid if present)
    #[arg(long, value_name = "COL")]
    pub id: Option<String>,
    /// Keep only rows matching this SQL condition
    #[arg(long = "where", value_name = "EXPR")]
    pub filter: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnovaModelArg {
    Cox,
    Aft,
}

#[derive(Args, Debug)]
pub struct AnovaArgs {
    #[command(flatten)]
    pub data: TableArgs,
    /// A model formula; repeat for each nested model, smallest or largest first (R: anova(fit1, fit2, ...))
    #[arg(long, short = 'f', required = true, num_args = 1)]
    pub formula: Vec<String>,
    /// The kind of model compared: Cox (coxph) or parametric AFT (survreg, with --dist)
    #[arg(long, value_enum, default_value = "cox")]
    pub model: AnovaModelArg,
    /// Distribution of the AFT models
    #[arg(long, value_enum, default_value = "weibull")]
    pub dist: DistArg,
    /// Method for tied event times
    #[arg(long, value_enum, default_value = "efron")]
    pub ties: TiesArg,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct RmstArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Column whose values define the groups compared
    #[arg(long, value_name = "COL")]
    pub by: String,
    /// The groups' order, comma-separated (default R's factor order: numbers ascending, text sorted), e.g.
    /// low,mid,high; as R's factor(x, levels = )
    #[arg(long, value_name = "L1,L2,...", value_delimiter = ',', requires = "by")]
    pub levels: Vec<String>,
    /// Truncation time (default: survRM2's rule, the largest time every group allows)
    #[arg(allow_negative_numbers = true, long, value_name = "X")]
    pub tau: Option<f64>,
    /// The group the others are compared with (default: the first level)
    #[arg(long, value_name = "LEVEL")]
    pub reference: Option<String>,
    /// Confidence level of the intervals
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.95)]
    pub conf_level: f64,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TiesArg {
    Efron,
    Breslow,
    /// The exact partial likelihood (right-censored data without weights; slow for large ties)
    Exact,
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
    /// dfbeta in standard-error units
    Dfbetas,
    /// Scaled Schoenfeld residuals, as cox.zph uses them
    Scaledsch,
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
    /// The cause-specific hazard of cause C when the event column holds several causes: events of the other
    /// causes are censored (see `sigsurv finegray`/`cif` for the cumulative incidence)
    #[arg(long, value_name = "C", conflicts_with = "event_value")]
    pub cause: Option<String>,
    /// With --cause: the value of the event column meaning censored (default: 0 for numbers; censored,
    /// censor, alive or living for text)
    #[arg(long, value_name = "V", requires = "cause")]
    pub censor_value: Option<String>,
    /// Robust (sandwich) standard errors; implied by cluster() in the formula and, as in R, by case weights that
    /// are not whole numbers
    #[arg(long, conflicts_with = "no_robust")]
    pub robust: bool,
    /// Model-based standard errors only, even with non-integer weights or cluster() (R: robust = FALSE; a
    /// cluster() term is then ignored, with R's warning)
    #[arg(long)]
    pub no_robust: bool,
    /// Column of case weights (> 0)
    #[arg(long, value_name = "COL")]
    pub weights: Option<String>,
    /// Confidence level of the hazard-ratio intervals
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.95)]
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
    /// Also write the fitted model to FILE (JSON) for `sigsurv predict` on new data
    #[arg(long, value_name = "FILE")]
    pub save_model: Option<PathBuf>,
    /// Newton-Raphson iteration limit (R: coxph.control(iter.max))
    #[arg(long, default_value_t = 20)]
    pub iter_max: usize,
    /// Convergence: stop when the relative change of the log partial likelihood is at most EPS (R:
    /// coxph.control(eps))
    #[arg(long, default_value_t = 1e-9, value_name = "EPS")]
    pub eps: f64,
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
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.1)]
    pub min_prop: f64,
    /// Largest fraction of patients in the low group
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.9)]
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
    #[arg(allow_negative_numbers = true, long, default_value_t = 0.95)]
    pub conf_level: f64,
    /// Predicted quantiles of the survival time for covariate profiles in FILE (R: predict(type = "quantile"))
    #[arg(long, value_name = "FILE")]
    pub predict: Option<PathBuf>,
    /// Probabilities of the predicted quantiles
    #[arg(
        allow_negative_numbers = true,
        long,
        value_delimiter = ',',
        default_value = "0.1,0.5,0.9"
    )]
    pub quantiles: Vec<f64>,
    #[command(flatten)]
    pub output: OutputArgs,
}
