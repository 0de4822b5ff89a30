//! The command line: one struct per subcommand (per group of commands in `survival`, `signature`, `simulate`
//! and `plot`); the arguments they share are in `shared`. The `///` comments are the `--help` text.

mod coxnet;
mod plot;
mod shared;
mod signature;
mod simulate;
mod survival;

pub use coxnet::{CoxnetArgs, CoxnetTiesArg, CvMeasureArg, ModelLambdaArg};
pub use plot::{
    FigureArgs, FunArg, PlotArgs, PlotCifArgs, PlotForestArgs, PlotJsonArgs, PlotKind, PlotKmArgs,
};
pub use shared::{ConfTypeArg, DataArgs, OutputArgs, OutputFormat, TableArgs};
pub use signature::{
    AnalyzeArgs, CheckArgs, CollapseArg, ExpressionArgs, RunArgs, ScoreArgs, ScoreMethodArg,
};
pub use simulate::SimulateArgs;
pub use survival::{
    AftArgs, AnovaArgs, AnovaModelArg, CifArgs, CifVarianceArg, ConfLowerArg, CoxArgs,
    CutpointArgs, DistArg, FinegrayArgs, KmArgs, LogrankArgs, PAdjustArg, PredictArgs, ResidualArg,
    RmstArgs, TiesArg, ValidateArgs, ZphTransformArg,
};

use clap::{Parser, Subcommand};

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
    /// Likelihood-ratio tests between nested Cox models fitted on the same rows (R: anova(fit1, fit2, ...))
    #[command(
        after_help = "Example:\n  sigsurv anova fixtures/lung/lung.csv --formula \"Surv(time, status) ~ age\" --formula \"Surv(time, status) ~ age * sex\""
    )]
    Anova(AnovaArgs),
    /// Cumulative incidence of competing causes with Gray's test between groups (R: survfit multi-state, cmprsk::cuminc)
    #[command(
        after_help = "Example:\n  sigsurv cif fixtures/competing/mgus2_cr.csv --time etime --event status --by sex --times 60,120,240"
    )]
    Cif(CifArgs),
    /// Fine-Gray regression of the subdistribution hazard of one cause (R: cmprsk::crr)
    #[command(
        after_help = "Example:\n  sigsurv finegray fixtures/competing/mgus2_cr.csv --formula \"Surv(etime, status) ~ sex + agegrp\" --cause pcm"
    )]
    Finegray(FinegrayArgs),
    /// Linear predictor, risk and survival of new rows from a saved Cox model (R: predict.coxph, survfit.coxph)
    #[command(
        after_help = "Example:\n  sigsurv cox fixtures/GBSG2/GBSG2.csv --formula \"Surv(time, cens) ~ age + horTh + pnodes\" --save-model model.json\n  sigsurv predict fixtures/validation/rotterdam_as_gbsg2.csv --model model.json --times 365.25,1826.25"
    )]
    Predict(PredictArgs),
    /// Validation of a risk marker or frozen model in a cohort: Harrell's and Uno's C, time-dependent AUC, Brier
    /// score and IPA, calibration (R: concordance, riskRegression::Score)
    #[command(
        after_help = "Example:\n  sigsurv validate fixtures/validation/rotterdam_validation.csv --time time --event event --marker lp \\\n    --predicted surv_1y=365.25,surv_3y=1095.75,surv_5y=1826.25 --tau 1826.25"
    )]
    Validate(ValidateArgs),
    /// Restricted mean survival time per group and its difference and ratio between groups (R: survRM2::rmst2)
    #[command(
        after_help = "Example:\n  sigsurv rmst fixtures/veteran/veteran.csv --time time --event status --by trt --tau 365"
    )]
    Rmst(RmstArgs),
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
    /// Elastic-net Cox regression on the genes of an expression matrix, cross-validated (R: glmnet, cv.glmnet)
    #[command(
        after_help = "Example:\n  sigsurv coxnet --clinical fixtures/gse1992/clinical.csv --expression fixtures/gse1992/expression_il1.csv \\\n    --samples-in-rows --time os_months --event os_event --unpenalized age --nfolds 5 --seed 1"
    )]
    Coxnet(Box<CoxnetArgs>),
    /// Score a signature, split the cohort, and compare survival (KM, log-rank, Cox) in one command
    #[command(
        after_help = "Example:\n  sigsurv analyze --clinical fixtures/gse1992/clinical.csv --expression fixtures/gse1992/expression.csv \\\n    --samples-in-rows --set IL1 --method mean-z --split median --time rfs_months --event rfs_event \\\n    --covariates \"age + factor(grade)\" --out results/\n\nSeveral cohorts (each scored and split on its own, then a Cox model stratified by cohort):\n  sigsurv analyze --study fixtures/cbioportal_study/halves/syn_a --study fixtures/cbioportal_study/halves/syn_b \\\n    --log2 --set IL1 --out results_studies/\n  sigsurv analyze --clinical fixtures/gse1992/clinical.csv --expression fixtures/gse1992/expression.csv \\\n    --samples-in-rows --cohort er --time os_months --event os_event --out results_er/"
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
    Plot(PlotArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Example (then source sigsurv.bash from your ~/.bashrc, or copy it to /etc/bash_completion.d/):\n  \
                      sigsurv completions bash > sigsurv.bash"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}
