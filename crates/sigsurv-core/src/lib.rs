//! # sigsurv-core
//!
//! The numerics of sigsurv on plain slices: no I/O, no data frames. Every estimator follows R's `survival`
//! package (and GSVA / maxstat where named) to a relative 1e-6; each function's docs give the formula, its
//! reference and the R call it reproduces, and its example checks a value computed by R on the same data.
//! `docs/methods/` collects the formulas.
//!
//! Inputs are `&[f64]` / `&[bool]` / group codes (`&[u32]`, 0-based); outputs are plain result structs.
//! Errors carry row indices into the given slices ([`CoreError`]); callers map them to file lines.
//!
//! ## From R
//!
//! The estimators are re-exported here; searching the docs for the R name finds them.
//!
//! | R | sigsurv-core |
//! |---|---|
//! | `survfit(Surv(time, status) ~ 1)`, `~ group` | [`kaplan_meier`], [`kaplan_meier_by`]; weights, delayed entry and the robust variance: [`kaplan_meier_general`] |
//! | `summary(fit)$table` (median), `quantile(fit)`, `print(fit, rmean =)` | [`KmCurve::median`], [`KmCurve::quantile`], [`KmCurve::rmst`] |
//! | `summary(fit, times =)` | [`KmCurve::at_times`] |
//! | `survfit(Surv(time, factor(status)) ~ group)` (competing risks), `summary(fit, times =)` | [`aalen_johansen()`], [`aalen_johansen_by`], [`CifCurve::at`] |
//! | cmprsk's `cuminc(time, cause, group, strata, rho)`: estimates and variances, Gray's test (`$Tests`) | [`cuminc()`], [`CumincCurve::at`] (`timepoints`), [`gray_test`] |
//! | cmprsk's `crr(time, cause, cov1, failcode)` (Fine-Gray) | [`fine_gray()`] |
//! | `survdiff(Surv(time, status) ~ group, rho =)` | [`survdiff`], [`pairwise_survdiff`] |
//! | `coxph(Surv(time, status) ~ x)` | [`cox_ph`] on a [`CoxData`]; [`parse_formula`] and [`build_design`] make the model matrix |
//! | `cox.zph(fit)` | [`cox_zph`] |
//! | `residuals(fit, type =)` for a `coxph` fit | [`cox_residuals`] |
//! | `survfit(fit, newdata)` for a `coxph` fit | [`cox_survfit`] |
//! | `survreg(Surv(time, status) ~ x, dist =)` | [`aft_fit`], [`aft_fit_stratified`], [`aft_fit_with_offset`]; predictions on [`AftFit`] |
//! | GSVA's `gsva(method = "ssgsea" \| "zscore")`, singscore's `simpleScore` | [`score_sets`] with a [`ScoreMethod`] |
//! | maxstat's `maxstat.test(smethod = "LogRank")`, survminer's `surv_cutpoint` | [`maxstat_logrank`] |
//! | `concordance(Surv(time, status) ~ x, reverse = TRUE, timewt = "n" \| "n/G2", ymax =)` | [`concordance()`] |
//! | riskRegression's `Score(..., metrics = "auc", cens.model = "km", se.fit = TRUE)` | [`time_dependent_auc()`] |
//! | riskRegression's `Score(..., metrics = "brier", null.model = TRUE, summary = c("ipa", "ibs"))` | [`brier_score`], [`integrated_brier()`] |
//! | survRM2's `rmst2(time, status, arm, tau)` | [`rmst_by_group`], [`RmstGroups::contrast`] |
//! | glmnet's `glmnet(x, Surv(time, status), family = "cox")$lambda` | [`coxnet_lambda_sequence`], [`coxnet_lambda_max`] |
//! | `p.adjust(p, method)` | [`p_adjust`] |
//! | metafor's `rma(yi, sei, method = "DL" \| "FE")` | [`meta_analysis`] |
//! | `splines::ns(x, df)`, `splines::bs(x, df, degree)`, `poly(x, degree)`, `splineDesign` | [`splines::NaturalSplineBasis`], [`splines::BSplineBasis`], [`splines::OrthoPolyBasis`], [`splines::spline_design`] |
//! | `quantile(x, type = 7)`, `cut(x, quantile(x, ...))` | [`quantile_type7`], [`split_scores`] |
//!
//! ## Example
//!
//! A Cox model of the first example of Therneau & Grambsch (2000), its predicted survival curve at `x = 0`
//! and R's values for it (R 4.2 / survival 3.5-3: `survfit(coxph(Surv(time, status) ~ x, ties = "breslow"),
//! newdata = data.frame(x = 0))`; `fixtures/doctests/make_reference.R`):
//!
//! ```
//! use sigsurv_core::{cox_ph, cox_survfit, CoxData, CoxOptions, NewData, Ties};
//!
//! let time = [9.0, 1.0, 1.0, 6.0, 6.0, 8.0];
//! let status = [true, true, false, true, true, false];
//! let x = [0.0, 1.0, 1.0, 1.0, 0.0, 0.0];
//! let names = ["x".to_string()];
//! let data = CoxData::new(&time, &status, &x, &names);
//! let fit = cox_ph(&data, &CoxOptions { ties: Ties::Breslow, ..CoxOptions::default() })?;
//! assert!((fit.coef[0] - 1.47528491482887).abs() < 1e-9);
//!
//! let profile = NewData { n: 1, x: &[0.0], strata: None };
//! let curve = &cox_survfit(&fit, &data, Some(&profile), 0.95)?[0];
//! assert_eq!(curve.time, [1.0, 6.0, 8.0, 9.0]);
//! let from_r = [0.93983881933649, 0.716531310573769, 0.716531310573769, 0.263597138115719];
//! for (got, want) in curve.surv.iter().zip(from_r) {
//!     assert!((got - want).abs() <= 1e-9 * want);
//! }
//! # Ok::<(), sigsurv_core::CoreError>(())
//! ```

pub mod error;
pub mod pvalue;
// Parallel passes over long columns; public only because the CLI checks its columns with them.
#[doc(hidden)]
pub mod scan;
#[cfg(test)]
mod test_rng;
pub mod timefix;
// Floats as integer sort keys, and their sort: shared by every pass that sorts rows.
mod sort_key;

// Survival curves and tests between groups: Kaplan-Meier, its confidence limits, the log-rank family and the
// adjustment of their p-values.
pub mod confint;
// Elastic-net Cox regression as glmnet.
pub mod coxnet;
pub mod km;
pub mod logrank;
pub mod padjust;

// Competing risks: cumulative incidence of each cause, Gray's test, Fine-Gray regression.
pub mod competing;

// Regression models: formulas and their model matrix, Cox proportional hazards, parametric AFT models.
pub mod aft;
pub mod cox;
pub mod design;
pub mod factor;
// Arithmetic on columns in a formula (I(), log(), pmin(), ...), parsed, evaluated and named as R does.
pub mod expr;
pub mod formula;
// Spline and polynomial bases of a covariate (ns, bs, poly), fixed on the training data.
pub mod splines;

// Pooling per-cohort estimates: heterogeneity (Q, I², τ²) and fixed- and random-effects estimates.
pub mod meta;

// Gene-signature scores and cutting a score into groups (data-driven cut-points, quantile splits).
pub mod cutpoint;
pub mod score;
pub mod split;

// Validating a marker or model in a cohort: concordance, time-dependent AUC, Brier score, restricted mean
// survival time.
pub mod validation;

// Synthetic cohorts with a known truth, for checking the estimators.
pub mod simulate;

pub use aft::{
    aft_fit, aft_fit_stratified, aft_fit_with_offset, AftDist, AftFit, AftOptions, AftStrata,
};
pub use competing::{
    aalen_johansen, aalen_johansen_by, cuminc, fine_gray, gray_test, CauseIncidence, CifAt,
    CifCurve, CifOptions, CompetingData, CumincCurve, FineGrayFit, FineGrayOptions, FineGrayTerm,
    GrayTest, StateProbability,
};
pub use confint::ConfType;
pub use cox::{
    cox_ph, cox_residuals, cox_survfit, cox_zph, CoxCurve, CoxData, CoxFit, CoxOptions, NewData,
    ResidualType, Residuals, Ties, Zph, ZphTransform,
};
#[doc(alias = "coxnet.deviance")]
pub use coxnet::coxnet_deviance;
pub use coxnet::coxnet_fold_ids;
#[doc(alias = "glmnet")]
#[doc(alias = "lambda")]
pub use coxnet::coxnet_lambda_sequence;
pub use coxnet::{coxnet_lambda_max, default_lambda_min_ratio};
#[doc(alias = "glmnet")]
pub use coxnet::{coxnet_path, CoxnetOptions, CoxnetPath};
#[doc(alias = "cv.glmnet")]
pub use coxnet::{cv_coxnet, CoxnetCv, CvMeasure};
pub use cutpoint::{maxstat_logrank, Cutpoint, CutpointOptions};
pub use design::{build_design, ColumnData, Design};
pub use error::{CoreError, Result};
pub use formula::{parse_formula, Formula};
pub use km::{
    kaplan_meier, kaplan_meier_by, kaplan_meier_general, survival_difference, KmCurve, KmData,
    KmOptions, SurvivalDifference,
};
pub use logrank::{pairwise_survdiff, survdiff, LogRank, LogRankOptions, PairwiseLogRank};
pub use meta::{meta_analysis, MetaAnalysis, Pooled};
pub use padjust::{p_adjust, PAdjust};
pub use score::{score_sets, ScoreMethod};
pub use simulate::{simulate_cohort, SimulatedCohort, SimulationSpec};
pub use split::{quantile_type7, split_scores, Grouping, Split};
pub use validation::{
    brier_score, concordance, concordance_by, concordance_pairwise, concordances, integrated_brier,
    rmst_by_group, rmst_default_tau, time_dependent_auc, time_dependent_auc_reference, Concordance,
    ConcordanceData, ConcordanceOptions, PairCounting, RmstContrast, RmstContrasts, RmstGroup,
    RmstGroups, TimeAuc, TimeBrier, TimeWeight,
};
