//! One analysis of a set of patients: the signature scored over them, the patients split into groups, and the
//! groups (KM, log-rank) and the score (Cox) compared, adjusted for covariates; the summary JSON and text.

use super::analysed::Analysed;
use super::columns::{GROUP, SCORE};
use super::endpoint::{analyse_endpoint, causes_of};
use super::join::{subset, JoinReport, Joined};
use super::models::{fit_cox, groups_term, logrank_by_group};
use super::spec::AnalysisSpec;
use super::spec::Standardise;
use super::summary_text::human_summary;
use super::terms::Terms;
use crate::args::{ConfTypeArg, KmArgs, OutputArgs};
use crate::failure::{CliResult, Failure};
use crate::input::{read_times, Factor, SurvInput};
use crate::model::km::GroupFit;
use crate::render::cox::to_json as cox_json;
use crate::render::cutpoint::{analysis_json as cutpoint_json, BIAS_NOTE};
use crate::render::km::to_json as km_json;
use crate::signature::{score_with, GeneStat};
use serde_json::{json, Value};
use sigsurv_core::cutpoint::{maxstat_logrank, CutpointOptions};
use sigsurv_core::km::{kaplan_meier_by, KmOptions};
use sigsurv_core::split::{split_scores, Split};
use sigsurv_io::{decode_event_column, ColumnValues};
use std::collections::HashMap;

/// Scores, splits and models the joined patients `patients` (indices into `joined.rows`): the set is scored over
/// these patients only, split at their quantiles, and compared by KM, log-rank and Cox.
pub(super) fn analyse(
    spec: &AnalysisSpec,
    terms: &Terms,
    joined: &Joined,
    patients: &[usize],
    report: &JoinReport,
    out: &OutputArgs,
) -> CliResult<Analysed> {
    let sv = &spec.survival;
    let (time_col, event_col) = (terms.time.as_str(), terms.event.as_str());
    let covariates = terms.covariates.as_deref();
    let Joined {
        data,
        clinical,
        ids,
        matrix,
        expr_args,
        ..
    } = joined;
    let rows: Vec<usize> = patients.iter().map(|&p| joined.rows[p]).collect();
    let cols: Vec<usize> = patients.iter().map(|&p| joined.cols[p]).collect();
    let matrix = matrix.select_samples(&cols);

    // A validation run reads the training analysis first: its cut-points, score SD and, with `standardise =
    // "train"`, the gene means and SDs the score is standardised by.
    let training = match &spec.validation.train_summary {
        Some(path) => Some(Training::read(path)?),
        None => None,
    };
    let frozen = match (&training, spec.validation.standardise()?) {
        (Some(t), Standardise::Train) => {
            if spec.signature.method != "mean-z" {
                return Err(Failure::input(format!(
                    "standardise = \"train\" applies to the mean-z score only, not {}",
                    spec.signature.method
                ))
                .hint("use --standardise self (each gene standardised within this cohort)"));
            }
            Some(t.gene_stats.clone().ok_or_else(|| {
                Failure::input(format!(
                    "{} has no gene_standardisation (written by sigsurv analyze with mean-z)",
                    t.path.display()
                ))
                .hint("rerun the training analysis with this sigsurv, or use --standardise self")
            })?)
        }
        (None, Standardise::Train) => {
            return Err(Failure::input(
                "--standardise train needs the training analysis: give --train-summary",
            ))
        }
        _ => None,
    };
    // Score the analysed patients only: z-scores, ranks and ssGSEA's normalisation are relative to them (or,
    // frozen, to the training cohort's gene means and SDs).
    let scored = score_with(matrix, None, expr_args, out, frozen.as_deref(), true)?;
    let set_name = scored.sets[0].name.clone();
    if let Some(t) = &training {
        t.check_score(&set_name, scored.method_name)?;
    }
    let by_sample: HashMap<&str, f64> = scored
        .samples
        .iter()
        .map(String::as_str)
        .zip(scored.scores[0].iter().copied())
        .collect();
    let keep: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| by_sample.contains_key(ids[i].as_str()))
        .collect();
    let raw_score: Vec<f64> = keep.iter().map(|&i| by_sample[ids[i].as_str()]).collect();
    let mut table = subset(clinical, &keep);
    let n = table.n();
    let time = read_times(&table, time_col)?;
    // A disease-specific endpoint's causes, checked before its cause is read as the event.
    let causes = causes_of(spec, &table, event_col)?;
    let (event, coding) = decode_event_column(&table, event_col, sv.event_flag())?;

    // Groups: the training analysis' cut-points in a validation run, else this cohort's own split.
    let (split, cut) = if let Some(t) = &training {
        (Split::Cuts(t.cutpoints.clone()), None)
    } else if spec.groups.split.trim().eq_ignore_ascii_case("optimal") {
        let opts = CutpointOptions {
            min_prop: spec.groups.min_prop,
            max_prop: spec.groups.max_prop,
            permutations: spec.groups.permutations,
            seed: spec.groups.seed,
        };
        let c = maxstat_logrank(&time, &event, &raw_score, &opts)
            .map_err(|e| Failure::input(format!("cannot find an optimal cut-point: {e}")))?;
        (Split::Cuts(vec![c.cutpoint]), Some(c))
    } else {
        let s = Split::parse(&spec.groups.split)
            .map_err(|e| Failure::input(format!("invalid split \"{}\": {e}", spec.groups.split)))?;
        (s, None)
    };
    let grouping = split_scores(&raw_score, &split).map_err(|e| {
        Failure::input(format!(
            "cannot split the {set_name} scores ({}): {e}",
            spec.groups.split
        ))
    })?;
    let k = grouping.names.len();

    let own_sd = sample_sd(&raw_score);
    if own_sd.is_nan() || own_sd <= 0.0 {
        return Err(Failure::input(format!(
            "the {set_name} score is constant over the analysed patients"
        )));
    }
    // A validation run scales the score by the training SD, so that its HR per SD is the training model's unit.
    let sd = training.as_ref().map_or(own_sd, |t| t.score_sd);
    table.columns.push((
        SCORE.into(),
        ColumnValues::Numeric(raw_score.iter().map(|s| s / sd).collect()),
    ));
    table.columns.push((
        GROUP.into(),
        ColumnValues::Text(
            grouping
                .group
                .iter()
                .map(|&g| grouping.names[g as usize].as_str())
                .collect(),
        ),
    ));

    // Kaplan-Meier and log-rank by group.
    let km_opts = KmOptions::default();
    let curves = kaplan_meier_by(&time, &event, &grouping.group, k, &km_opts)
        .map_err(|e| Failure::input(format!("Kaplan-Meier: {e}")))?;
    let fits: Vec<GroupFit> = grouping
        .names
        .iter()
        .cloned()
        .zip(curves)
        .map(|(name, curve)| GroupFit { name, curve })
        .collect();
    let group_factor = Factor {
        column: GROUP.into(),
        codes: grouping.group.clone(),
        levels: grouping.names.clone(),
    };
    let input = SurvInput {
        table: table.clone(),
        time: time.clone(),
        event: event.clone(),
        coding,
    };
    // The `km` key is the JSON of `sigsurv km --by group` on these rows: the command's renderer, given the
    // arguments that command would have.
    let km_args = KmArgs {
        data: data.clone(),
        by: Some(GROUP.into()),
        levels: Vec::new(),
        conf_type: ConfTypeArg::Log,
        conf_level: 0.95,
        rmst: None,
        times: spec.survival.time_points.clone(),
        design: Default::default(),
        output: out.clone(),
    };
    // A disease-specific endpoint compares the groups by cumulative incidence and Gray's test instead.
    let competing = match causes {
        Some((coding, cause)) => Some(analyse_endpoint(
            spec,
            terms,
            data,
            &input,
            &group_factor,
            &coding,
            cause,
            out,
        )?),
        None => None,
    };
    let (km, logrank) = match &competing {
        Some(_) => (Value::Null, Value::Null),
        None => (
            km_json(&km_args, &input, &fits),
            logrank_by_group(data, &input, &group_factor, &spec.model.strata, out)?,
        ),
    };

    // Cox models: the score per SD, and the groups against the lowest.
    let cox_score = fit_cox(spec, terms, &table, SCORE, &spec.model.strata, out)?;
    let cox_groups = fit_cox(
        spec,
        terms,
        &table,
        &groups_term(&grouping.names[0]),
        &spec.model.strata,
        out,
    )?;

    let m = &scored.matches[0];
    let mut summary = json!({
        "analysis": "analyze",
        "sigsurv_version": env!("CARGO_PKG_VERSION"),
        "set": set_name,
        "method": scored.method_name,
        "genes_used": m.used,
        "genes_missing": m.missing,
        "genes_dropped_constant": scored.dropped_constant[0],
        "genes_collapsed": scored.collapsed[0].iter().map(|(g, n)| json!({"gene": g, "rows": n})).collect::<Vec<_>>(),
        "genes_shadowed": m.shadowed.iter().map(|(u, o)| json!({"used": u, "not_used": o})).collect::<Vec<_>>(),
        "gene_standardisation": scored.gene_stats[0].iter().map(|g| json!({"gene": g.gene, "mean": g.mean, "sd": g.sd})).collect::<Vec<_>>(),
        "n": n,
        "n_events": event.iter().filter(|e| **e).count(),
        "n_clinical_read": report.n_clinical_read,
        "n_dropped": report.n_dropped,
        "ids_only_in_clinical": report.only_clinical,
        "ids_only_in_expression": report.only_expression,
        "score_sd": sd,
        "split": spec.groups.split,
        "cutpoints": grouping.cutpoints,
        "groups": grouping.names.iter().zip(&grouping.counts).map(|(g, c)| json!({"group": g, "n": c})).collect::<Vec<_>>(),
        "km": km,
        "logrank": logrank,
        "cox_score": cox_json(&cox_score, None),
        "cox_groups": cox_json(&cox_groups, None),
    });
    let fits = match competing {
        Some(c) => {
            let o = summary.as_object_mut().expect("an object");
            o.remove("km");
            o.remove("logrank");
            o.insert("endpoint".into(), c.endpoint);
            o.insert("cif".into(), c.cif);
            o.insert("gray".into(), c.gray);
            o.insert("finegray_score".into(), c.finegray_score);
            o.insert("finegray_groups".into(), c.finegray_groups);
            c.fits
        }
        None => fits,
    };
    if let Some(t) = &training {
        summary["validation"] = json!({
            "train_summary": t.path.display().to_string(),
            "cutpoints": t.cutpoints,
            "score_sd_train": t.score_sd,
            "score_sd_self": own_sd,
            "standardise": if frozen.is_some() { "train" } else { "self" },
            "note": if frozen.is_some() {
                "cut-points, score SD and gene means and SDs of the training analysis, applied unchanged"
            } else {
                "cut-points and score SD of the training analysis, applied unchanged"
            },
        });
        summary["split"] = json!(format!("training cut-points ({})", t.split));
    }
    if !spec.subgroups.is_empty() {
        summary["subgroups"] = super::subgroups::subgroup_analyses(
            spec,
            terms,
            &data.source.table_spec(),
            &table,
            &event,
            out,
        )?;
    }
    if let Some(c) = &cut {
        summary["cutpoint"] = cutpoint_json(c, spec.groups.permutations, spec.groups.seed);
        // Everything computed on the groups of a data-driven cut is biased by the search: say so on each.
        for key in [
            "km",
            "logrank",
            "cif",
            "gray",
            "cox_groups",
            "finegray_groups",
        ] {
            if let Some(o) = summary[key].as_object_mut() {
                o.insert("selection_bias".into(), json!(BIAS_NOTE));
            }
        }
    }
    let mut text = human_summary(
        &summary,
        &cox_score,
        &cox_groups,
        covariates,
        &spec.model.strata,
    );
    if let Some(s) = summary.get("subgroups") {
        text.push_str(&super::subgroups::summary_text(s));
    }
    Ok(Analysed {
        summary,
        text,
        samples: keep.iter().map(|&i| ids[i].clone()).collect(),
        raw_score,
        sd,
        group_labels: grouping
            .group
            .iter()
            .map(|&g| grouping.names[g as usize].clone())
            .collect(),
        table,
        fits,
        cox_score,
        cox_groups,
    })
}

/// What a validation run takes from the training analysis' `summary.json`.
struct Training {
    path: std::path::PathBuf,
    cutpoints: Vec<f64>,
    score_sd: f64,
    split: String,
    /// The gene set and score method it scored (JSON values, as written).
    set: Value,
    method: Value,
    /// The training cohort's gene means and SDs (`gene_standardisation`), when it wrote them.
    gene_stats: Option<Vec<GeneStat>>,
}

impl Training {
    /// Reads the training summary.
    fn read(path: &std::path::Path) -> crate::failure::CliResult<Training> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::input(format!(
                "cannot read the training summary {}: {e}",
                path.display()
            ))
        })?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            Failure::input(format!("{} is not a summary.json: {e}", path.display()))
        })?;
        let bad = |what: &str| {
            Failure::input(format!(
                "{} is not the summary.json of a one-cohort analysis: {what}",
                path.display()
            ))
            .hint("give the summary.json that `sigsurv analyze` wrote for the training cohort")
        };
        if v["analysis"] != "analyze" {
            return Err(bad("its \"analysis\" is not \"analyze\""));
        }
        let cutpoints: Vec<f64> = v["cutpoints"]
            .as_array()
            .ok_or_else(|| bad("no \"cutpoints\""))?
            .iter()
            .map(|c| c.as_f64().ok_or_else(|| bad("a cut-point is not a number")))
            .collect::<Result<_, _>>()?;
        let score_sd = v["score_sd"]
            .as_f64()
            .ok_or_else(|| bad("no \"score_sd\""))?;
        let gene_stats = v["gene_standardisation"]
            .as_array()
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.iter()
                    .map(
                        |g| match (g["gene"].as_str(), g["mean"].as_f64(), g["sd"].as_f64()) {
                            (Some(gene), Some(mean), Some(sd)) if sd > 0.0 => Ok(GeneStat {
                                gene: gene.to_string(),
                                mean,
                                sd,
                            }),
                            _ => Err(bad(&format!(
                                "a gene_standardisation entry is not {{gene, mean, sd > 0}}: {g}"
                            ))),
                        },
                    )
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?;
        Ok(Training {
            path: path.to_path_buf(),
            cutpoints,
            score_sd,
            split: v["split"].as_str().unwrap_or("").to_string(),
            set: v["set"].clone(),
            method: v["method"].clone(),
            gene_stats,
        })
    }

    /// The training analysis must have scored the same set by the same method as this one.
    fn check_score(&self, set: &str, method: &str) -> crate::failure::CliResult<()> {
        for (key, theirs, ours) in [("set", &self.set, set), ("method", &self.method, method)] {
            if theirs.as_str() != Some(ours) {
                return Err(Failure::input(format!(
                    "the training analysis {} scored {key} {theirs}, this one {ours}: the cut-points apply to the same score only",
                    self.path.display(),
                )));
            }
        }
        Ok(())
    }
}

/// Standard deviation with n - 1, as R's `sd()`.
fn sample_sd(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}
