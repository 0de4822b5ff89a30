//! One analysis from expression + clinical data to survival results: join the tables on the sample id, score the
//! signature over the analysed patients, split them, and compare the groups (KM, log-rank) and the score (Cox),
//! adjusted for covariates. Shared by `analyze`, `run` and `check`.

use super::report::{write_report, ReportInputs};
use super::spec::AnalysisSpec;
use crate::args::{
    CollapseArg, ConfTypeArg, DataArgs, ExpressionArgs, KmArgs, LogrankArgs, OutputArgs,
    PAdjustArg, ScoreMethodArg, TableArgs,
};
use crate::cmd::cox::{fit_on_table, parse, to_json as cox_json, CoxModel};
use crate::cmd::cutpoint::BIAS_NOTE;
use crate::cmd::km::{to_json as km_json, GroupFit};
use crate::cmd::logrank::to_json as logrank_json;
use crate::failure::{CliResult, Failure};
use crate::input::{read_columns, read_times, Factor, SurvInput};
use crate::progress::{Phase, Step};
use crate::render::csv::{num, CsvOut};
use crate::render::text::{pval, sig, sig_opt};
use crate::signature::{read_matrix, score};
use serde_json::{json, Value};
use sigsurv_core::cox::{CoxOptions, Ties};
use sigsurv_core::cutpoint::{maxstat_logrank, CutpointOptions};
use sigsurv_core::km::{kaplan_meier_by, KmOptions};
use sigsurv_core::logrank::{survdiff, LogRankOptions};
use sigsurv_core::split::{split_scores, Split};
use sigsurv_io::{decode_event, ColumnValues, ExpressionMatrix, FileRows, Table};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What an analysis produced: the `summary.json` value, the human summary, and the files written.
pub struct Outcome {
    pub summary: Value,
    pub text: String,
    pub files: Vec<PathBuf>,
}

/// Column names sigsurv adds to the analysed table; a clinical column of the same name would be ambiguous.
pub(super) const SCORE: &str = "score";
pub(super) const GROUP: &str = "group";

pub fn run_analysis(spec: &AnalysisSpec, out: &OutputArgs) -> CliResult<Outcome> {
    if super::cohorts::requested(spec) {
        return super::cohorts::run_cohorts(spec, out);
    }
    let inputs = Inputs::resolve(spec)?;
    let terms = Terms::new(spec, &inputs)?;
    let joined = join(spec, &terms, &inputs, &[], out)?;
    let report = JoinReport::of(&joined);
    let Analysed {
        summary,
        text,
        samples,
        raw_score,
        sd,
        group_labels,
        fits,
        cox_score,
        cox_groups,
        ..
    } = analyse(
        spec,
        &terms,
        &joined,
        &(0..joined.rows.len()).collect::<Vec<_>>(),
        &report,
        out,
    )
    .map_err(|e| inputs.relabel(e))?;

    // Outputs.
    let dir = &spec.output.dir;
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::input(format!(
            "cannot create the output folder {}: {e}",
            dir.display()
        ))
    })?;
    let mut scores_csv = CsvOut::new(&["sample", "score", "score_per_sd", "group"]);
    for (r, sample) in samples.iter().enumerate() {
        scores_csv.line([
            sample.clone(),
            num(raw_score[r]),
            num(raw_score[r] / sd),
            group_labels[r].clone(),
        ]);
    }
    let mut files = vec![dir.join("summary.json"), dir.join("scores.csv")];
    sigsurv_io::write_atomic(&files[0], crate::output::json_text(&summary).as_bytes())?;
    sigsurv_io::write_atomic(&files[1], scores_csv.finish().as_bytes())?;
    let report = ReportInputs {
        spec,
        summary: &summary,
        fits: &fits,
        scores: &raw_score,
        cox_score: &cox_score,
        cox_groups: &cox_groups,
    };
    files.extend(write_report(&report, out)?);
    Ok(Outcome {
        summary,
        text,
        files,
    })
}

/// The survival columns and the model terms of an analysis, resolved against its inputs.
pub(super) struct Terms {
    pub time: String,
    pub event: String,
    /// The covariates' right-hand side, if any.
    pub covariates: Option<String>,
    /// The clinical columns the covariates use.
    pub cov_columns: Vec<String>,
}

impl Terms {
    pub fn new(spec: &AnalysisSpec, inputs: &Inputs) -> CliResult<Terms> {
        let (time_col, event_col) = (inputs.time.as_str(), inputs.event.as_str());
        // Columns of the clinical table the models use.
        let covariates = spec
            .model
            .covariates
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        let cov_columns: Vec<String> = match covariates {
            Some(c) => parse(&format!("Surv({time_col}, {event_col}) ~ {c}"))?
                .columns()
                .into_iter()
                .filter(|x| x != time_col && x != event_col)
                .collect(),
            None => Vec::new(),
        };
        for c in cov_columns.iter().chain(&spec.model.strata) {
            if c == SCORE || c == GROUP {
                return Err(Failure::input(format!(
                    "the clinical column \"{c}\" clashes with the \"{c}\" column sigsurv adds; rename it in the table"
                )));
            }
        }
        Ok(Terms {
            time: inputs.time.clone(),
            event: inputs.event.clone(),
            covariates: covariates.map(str::to_string),
            cov_columns,
        })
    }
}

/// The clinical table joined to the expression matrix on the sample id.
pub(super) struct Joined {
    pub data: DataArgs,
    /// The clinical columns read (id, survival, covariates, strata and any extra), complete rows only.
    pub clinical: Table,
    /// The sample id of every clinical row.
    pub ids: Vec<String>,
    /// Clinical rows with an expression sample, and that sample's column in `matrix`.
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
    pub matrix: ExpressionMatrix,
    pub expr_args: ExpressionArgs,
    pub only_clinical: Vec<String>,
    pub only_expression: Vec<String>,
}

/// Reads the clinical columns (and `extra` ones) and the expression matrix, and joins them on the sample id.
pub(super) fn join(
    spec: &AnalysisSpec,
    terms: &Terms,
    inputs: &Inputs,
    extra: &[&str],
    out: &OutputArgs,
) -> CliResult<Joined> {
    let sv = &spec.survival;
    let (time_col, event_col) = (terms.time.as_str(), terms.event.as_str());
    let data = DataArgs {
        source: TableArgs {
            data: inputs.clinical.clone(),
            event_value: sv.event_value.clone(),
            filter: spec.data.filter.clone(),
            delimiter: None,
        },
        time: time_col.to_string(),
        event: event_col.to_string(),
    };
    let id_col = match &spec.data.id {
        Some(id) => id.clone(),
        None => default_id(&inputs.clinical).map_err(|e| inputs.relabel(e))?,
    };
    let mut wanted: Vec<&str> = vec![id_col.as_str(), time_col, event_col];
    for c in terms
        .cov_columns
        .iter()
        .chain(&spec.model.strata)
        .map(String::as_str)
        .chain(extra.iter().copied())
    {
        if !wanted.contains(&c) {
            wanted.push(c);
        }
    }
    let clinical =
        read_columns(&data.source.table_spec(), &wanted, out).map_err(|e| inputs.relabel(e))?;

    // Join on the sample id.
    let expr_args = expression_args(spec)?;
    let mut matrix = {
        let reading = format!("reading {}", inputs.expression.display());
        let _step = Step::start(Phase::Load, reading, out.quiet);
        read_matrix(&inputs.expression, &expr_args)?
    };
    if spec.data.log2 {
        matrix
            .values
            .iter_mut()
            .for_each(|v| *v = (*v + 1.0).log2());
    }
    let ids: Vec<String> = (0..clinical.n())
        .map(|i| clinical.get(&id_col).label(i))
        .collect();
    let sample_index: HashMap<&str, usize> = matrix
        .samples
        .iter()
        .enumerate()
        .map(|(j, s)| (s.as_str(), j))
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut rows = Vec::new();
    let mut cols = Vec::new();
    let mut only_clinical = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if let Some(first) = seen.insert(id.as_str(), i) {
            return Err(Failure::input(format!(
                "sample id \"{id}\" occurs twice in column \"{id_col}\" of {} ({} and {})",
                clinical.path.display(),
                clinical.location(first),
                clinical.location(i)
            ))
            .hint("one clinical row per expression sample is expected"));
        }
        match sample_index.get(id.as_str()) {
            Some(&j) => {
                rows.push(i);
                cols.push(j);
            }
            None => only_clinical.push(id.clone()),
        }
    }
    let only_expression: Vec<String> = matrix
        .samples
        .iter()
        .filter(|s| !seen.contains_key(s.as_str()))
        .cloned()
        .collect();
    if rows.is_empty() {
        return Err(Failure::input(format!(
            "no id of column \"{id_col}\" in {} matches a sample of {}",
            clinical.path.display(),
            matrix.path.display()
        ))
        .hint(format!("clinical ids look like: {}", preview(&ids)))
        .hint(format!(
            "expression samples look like: {}",
            preview(&matrix.samples)
        ))
        .hint("choose the id column with --id, or check --samples-in-rows"));
    }
    if !only_clinical.is_empty() {
        out.note(&format!(
            "{} clinical row(s) have no expression sample and are left out: {}",
            only_clinical.len(),
            preview(&only_clinical)
        ));
    }
    if !only_expression.is_empty() {
        out.note(&format!(
            "{} expression sample(s) have no clinical row (after filters) and are left out: {}",
            only_expression.len(),
            preview(&only_expression)
        ));
    }
    Ok(Joined {
        data,
        clinical,
        ids,
        rows,
        cols,
        matrix,
        expr_args,
        only_clinical,
        only_expression,
    })
}

/// What `summary.json` says about the join; `None` where a shared clinical table makes a count meaningless for a
/// cohort of it.
pub(super) struct JoinReport {
    pub n_clinical_read: Option<usize>,
    pub n_dropped: Option<usize>,
    pub only_clinical: Vec<String>,
    pub only_expression: Vec<String>,
}

impl JoinReport {
    pub fn of(j: &Joined) -> JoinReport {
        JoinReport {
            n_clinical_read: Some(j.clinical.n_read),
            n_dropped: Some(j.clinical.n_dropped),
            only_clinical: j.only_clinical.clone(),
            only_expression: j.only_expression.clone(),
        }
    }
}

/// One analysis of a set of patients: its `summary.json` value, human summary and per-patient results.
pub(super) struct Analysed {
    pub summary: Value,
    pub text: String,
    /// The analysed patients' sample ids, raw scores, and groups, in the clinical table's order.
    pub samples: Vec<String>,
    pub raw_score: Vec<f64>,
    pub sd: f64,
    pub group_labels: Vec<String>,
    /// The analysed rows of the clinical table with the columns `score` (per SD) and `group` added.
    pub table: Table,
    /// What the report draws: the KM curves by group and both Cox models.
    pub fits: Vec<GroupFit>,
    pub cox_score: CoxModel,
    pub cox_groups: CoxModel,
}

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

    // Score the analysed patients only: z-scores, ranks and ssGSEA's normalisation are relative to them.
    let scored = score(matrix, None, expr_args, out)?;
    let set_name = scored.sets[0].name.clone();
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
    let (event, coding) = decode_event(
        table.get(event_col),
        sv.event_value.as_deref(),
        &table.path,
        event_col,
    )?;

    // Groups.
    let (split, cut) = if spec.groups.split.trim().eq_ignore_ascii_case("optimal") {
        let opts = CutpointOptions {
            min_prop: spec.groups.min_prop,
            max_prop: spec.groups.max_prop,
            ..CutpointOptions::default()
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

    let sd = sample_sd(&raw_score);
    if sd.is_nan() || sd <= 0.0 {
        return Err(Failure::input(format!(
            "the {set_name} score is constant over the analysed patients"
        )));
    }
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
    let km_args = KmArgs {
        data: data.clone(),
        by: Some(GROUP.into()),
        conf_type: ConfTypeArg::Log,
        conf_level: 0.95,
        rmst: None,
        output: out.clone(),
    };
    let km = km_json(&km_args, &input, &fits);
    let logrank = logrank_by_group(data, &input, &group_factor, &spec.model.strata, out)?;

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
        "method": scored.method.name(),
        "genes_used": m.used,
        "genes_missing": m.missing,
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
    if let Some(c) = &cut {
        summary["cutpoint"] = json!({
            "analysis": "cutpoint", "cutpoint": c.cutpoint, "statistic": c.statistic, "p_value": c.p_value,
            "p_value_permutation": c.p_value_permutation, "n_low": c.n_low, "n_high": c.n_high,
            "naive_p_value": c.naive_p_value, "note": BIAS_NOTE,
        });
    }
    let text = human_summary(
        &summary,
        &cox_score,
        &cox_groups,
        covariates,
        &spec.model.strata,
    );
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

/// The log-rank test of `groups`, stratified by the `strata` columns of `input`, as the logrank JSON.
pub(super) fn logrank_by_group(
    data: &DataArgs,
    input: &SurvInput,
    groups: &Factor,
    strata: &[String],
    out: &OutputArgs,
) -> CliResult<Value> {
    let strata_factor = input.combined_factor(strata);
    let lr = survdiff(
        &input.time,
        &input.event,
        &groups.codes,
        groups.levels.len(),
        strata_factor.as_ref().map(|s| s.codes.as_slice()),
        &LogRankOptions::default(),
    )
    .map_err(|e| Failure::input(format!("log-rank test: {e}")))?;
    let lr_args = LogrankArgs {
        data: data.clone(),
        by: GROUP.into(),
        strata: strata.to_vec(),
        rho: 0.0,
        pairwise: false,
        p_adjust: PAdjustArg::Bh,
        output: out.clone(),
    };
    Ok(logrank_json(
        &lr_args,
        input,
        groups,
        strata_factor.as_ref(),
        &lr,
        None,
    ))
}

/// The Cox model term of the groups, against the lowest group.
pub(super) fn groups_term(reference: &str) -> String {
    format!("factor({GROUP}, ref = \"{reference}\")")
}

/// Fits `Surv(time, event) ~ rhs + covariates + strata(s) for s in strata` on `table`; warnings go to stderr.
pub(super) fn fit_cox(
    spec: &AnalysisSpec,
    terms: &Terms,
    table: &Table,
    rhs: &str,
    strata: &[String],
    out: &OutputArgs,
) -> CliResult<CoxModel> {
    let ties = match spec.model.ties.as_str() {
        "efron" => Ties::Efron,
        "breslow" => Ties::Breslow,
        other => {
            return Err(Failure::input(format!(
                "ties = \"{other}\": expected efron or breslow"
            )))
        }
    };
    let cox_opts = CoxOptions {
        ties,
        ..CoxOptions::default()
    };
    let rhs_extra: String = terms
        .covariates
        .as_deref()
        .map(|c| format!(" + {c}"))
        .into_iter()
        .chain(strata.iter().map(|s| format!(" + strata({s})")))
        .collect();
    let text = format!("Surv({}, {}) ~ {rhs}{rhs_extra}", terms.time, terms.event);
    let formula = parse(&text)?;
    let model = fit_on_table(
        &text,
        &formula,
        table.clone(),
        None,
        spec.survival.event_value.as_deref(),
        &cox_opts,
    )?;
    for w in &model.fit.warnings {
        out.warn(&format!("{text}: {w}"));
    }
    Ok(model)
}

/// Paths and survival columns after applying a cBioPortal study's defaults.
pub(super) struct Inputs {
    /// The clinical table, or the study folder.
    source: PathBuf,
    pub clinical: PathBuf,
    pub expression: PathBuf,
    pub time: String,
    pub event: String,
    /// Keeps a study's merged clinical table alive while it is read.
    _study_table: Option<tempfile::TempDir>,
}

impl Inputs {
    /// Names a study's clinical files, not the temporary table merged from them, in a failure's message.
    pub fn relabel(&self, mut e: Failure) -> Failure {
        if let Some(tmp) = &self._study_table {
            let path = self.clinical.display().to_string();
            let dir = tmp.path().display().to_string();
            let label = format!("the clinical files of {}", self.source.display());
            e.message = e.message.replace(&path, &label).replace(&dir, &label);
            for h in &mut e.hints {
                *h = h.replace(&path, &label);
            }
        }
        e
    }
}

impl Inputs {
    pub fn resolve(spec: &AnalysisSpec) -> CliResult<Inputs> {
        let sv = &spec.survival;
        if let Some(dir) = spec.data.study.first() {
            return Inputs::study(spec, dir);
        }
        let clinical = spec.data.clinical.clone().ok_or_else(|| {
            Failure::input("no clinical table: give --clinical FILE (or --study DIR)")
        })?;
        let expression = spec.data.expression.clone().ok_or_else(|| {
            Failure::input("no expression matrix: give --expression FILE (or --study DIR)")
        })?;
        if sv.time.is_empty() || sv.event.is_empty() {
            return Err(Failure::input(
                "give the survival columns with --time COL --event COL",
            ));
        }
        Ok(Inputs {
            source: clinical.clone(),
            clinical,
            expression,
            time: sv.time.clone(),
            event: sv.event.clone(),
            _study_table: None,
        })
    }

    /// The inputs of a cBioPortal study folder: its merged clinical table (written to a temporary TSV), its
    /// expression file, and its default endpoint unless --time/--event are given.
    pub fn study(spec: &AnalysisSpec, dir: &Path) -> CliResult<Inputs> {
        let sv = &spec.survival;
        let study = sigsurv_io::read_cbioportal_study(dir)?;
        let tmp = tempfile::tempdir()
            .map_err(|e| Failure::input(format!("cannot create a temporary folder: {e}")))?;
        let clinical = tmp.path().join("clinical.tsv");
        let mut text = study.columns.join("\t");
        text.push('\n');
        for r in &study.rows {
            text.push_str(&r.join("\t"));
            text.push('\n');
        }
        sigsurv_io::write_atomic(&clinical, text.as_bytes())?;
        let expression = match (&spec.data.expression, &study.expression) {
            (Some(e), _) => e.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => {
                return Err(Failure::input(format!(
                    "no expression file (data_mrna*.txt) in {}",
                    dir.display()
                )))
            }
        };
        let default = study.default_survival();
        let pick = |given: &str, dflt: Option<&String>, what: &str| -> CliResult<String> {
            if !given.is_empty() {
                return Ok(given.to_string());
            }
            dflt.cloned().ok_or_else(|| {
                Failure::input(format!(
                    "no {what} column given and none of OS/DFS/RFS_MONTHS/_STATUS in {}",
                    dir.display()
                ))
            })
        };
        Ok(Inputs {
            source: dir.to_path_buf(),
            clinical,
            expression,
            time: pick(&sv.time, default.map(|d| &d.time), "time")?,
            event: pick(&sv.event, default.map(|d| &d.status), "event")?,
            _study_table: Some(tmp),
        })
    }
}

fn expression_args(spec: &AnalysisSpec) -> CliResult<ExpressionArgs> {
    let collapse = match spec.data.collapse.as_str() {
        "mean" => CollapseArg::Mean,
        "max-mean" => CollapseArg::MaxMean,
        "first" => CollapseArg::First,
        other => {
            return Err(Failure::input(format!(
                "collapse = \"{other}\": expected mean, max-mean or first"
            )))
        }
    };
    let method = match spec.signature.method.as_str() {
        "mean-z" => ScoreMethodArg::MeanZ,
        "zscore" => ScoreMethodArg::Zscore,
        "ssgsea" => ScoreMethodArg::Ssgsea,
        "singscore" => ScoreMethodArg::Singscore,
        other => {
            return Err(Failure::input(format!(
                "method = \"{other}\": expected mean-z, zscore, ssgsea or singscore"
            )))
        }
    };
    Ok(ExpressionArgs {
        samples_in_rows: spec.data.samples_in_rows,
        collapse,
        gene_column: spec.data.gene_column.clone(),
        gene_sets: spec.signature.gene_sets.clone(),
        sets: vec![spec.signature.set.clone()],
        method,
        min_genes: spec.signature.min_genes,
    })
}

/// The sample-id column when none is named: a usual name, else the first column.
fn default_id(path: &Path) -> CliResult<String> {
    let spec = sigsurv_io::TableSpec {
        path: path.to_path_buf(),
        delimiter: None,
        filter: None,
    };
    let names = sigsurv_io::table::column_names(&spec)?;
    for c in ["sample_id", "SAMPLE_ID", "sample", "Sample", "id", "ID"] {
        if names.iter().any(|n| n == c) {
            return Ok(c.to_string());
        }
    }
    names
        .into_iter()
        .next()
        .ok_or_else(|| Failure::input(format!("{} has no columns", path.display())))
}

/// The rows `keep` of a table, in that order.
pub(super) fn subset(t: &Table, keep: &[usize]) -> Table {
    let pick = |c: &ColumnValues| match c {
        ColumnValues::Numeric(v) => ColumnValues::Numeric(keep.iter().map(|&i| v[i]).collect()),
        ColumnValues::Text(v) => ColumnValues::Text(v.select(keep)),
        ColumnValues::Bool(v) => ColumnValues::Bool(keep.iter().map(|&i| v[i]).collect()),
    };
    Table {
        path: t.path.clone(),
        format: t.format,
        n_read: t.n_read,
        n_dropped: t.n_dropped,
        missing_by_column: t.missing_by_column.clone(),
        rows: FileRows::Listed(keep.iter().map(|&i| t.rows.get(i)).collect()),
        columns: t
            .columns
            .iter()
            .map(|(n, c)| (n.clone(), pick(c)))
            .collect(),
    }
}

/// Standard deviation with n - 1, as R's `sd()`.
fn sample_sd(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
}

/// The first few names, for messages.
pub(super) fn preview(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    if names.len() > 5 {
        format!("{}, ... ({} in all)", shown.join(", "), names.len())
    } else {
        shown.join(", ")
    }
}

fn human_summary(
    s: &Value,
    cox_score: &CoxModel,
    cox_groups: &CoxModel,
    cov: Option<&str>,
    strata: &[String],
) -> String {
    let mut t = format!(
        "{} signature ({} of {} genes, {}) in {} patients with {} events\n",
        s["set"].as_str().unwrap_or(""),
        s["genes_used"].as_array().map_or(0, Vec::len),
        s["genes_used"].as_array().map_or(0, Vec::len)
            + s["genes_missing"].as_array().map_or(0, Vec::len),
        s["method"].as_str().unwrap_or(""),
        s["n"],
        s["n_events"]
    );
    let cuts: Vec<String> = s["cutpoints"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| sig(c.as_f64().unwrap_or(f64::NAN), 4))
                .collect()
        })
        .unwrap_or_default();
    t.push_str(&format!(
        "split: {} (cut-points {})\n\n",
        s["split"].as_str().unwrap_or(""),
        cuts.join(", ")
    ));
    t.push_str("group        n  events   median (95% CI)\n");
    for g in s["km"]["groups"].as_array().into_iter().flatten() {
        let f = |k: &str| g[k].as_f64();
        t.push_str(&format!(
            "{:<8} {:>5} {:>7}   {} ({} - {})\n",
            g["group"].as_str().unwrap_or(""),
            g["n"].to_string(),
            g["n_events"].to_string(),
            sig_opt(f("median"), 4),
            sig_opt(f("median_lower"), 4),
            sig_opt(f("median_upper"), 4)
        ));
    }
    t.push_str(&format!(
        "\nlog-rank: chisq = {} on {} df, p = {}\n",
        sig(s["logrank"]["chisq"].as_f64().unwrap_or(f64::NAN), 4),
        s["logrank"]["df"],
        pval(s["logrank"]["p_value"].as_f64().unwrap_or(f64::NAN))
    ));
    if let Some(c) = s.get("cutpoint") {
        t.push_str(&format!(
            "optimal cut-point: adjusted p (Lau94) = {}; the log-rank p above is biased by the search\n",
            pval(c["p_value"].as_f64().unwrap_or(f64::NAN))
        ));
    }
    let adj = match (cov, strata.is_empty()) {
        (None, true) => String::new(),
        (c, _) => {
            let mut parts: Vec<String> = c
                .map(|c| vec![format!("adjusted for {c}")])
                .unwrap_or_default();
            if !strata.is_empty() {
                parts.push(format!("stratified by {}", strata.join(", ")));
            }
            format!(" ({})", parts.join(", "))
        }
    };
    t.push_str(&format!("\nCox{adj}:\n"));
    t.push_str(&hazard_ratio_lines(
        cox_score,
        cox_groups,
        "per SD of the score",
    ));
    t
}

/// One line per `score` / `group=...` term of the two Cox models: HR (CI), p.
pub(super) fn hazard_ratio_lines(
    cox_score: &CoxModel,
    cox_groups: &CoxModel,
    score_note: &str,
) -> String {
    let mut t = String::new();
    for (model, prefix) in [(cox_score, SCORE), (cox_groups, GROUP)] {
        for term in model
            .fit
            .terms
            .iter()
            .filter(|x| x.term.starts_with(prefix))
        {
            t.push_str(&format!(
                "  {:<12} HR {} ({} - {}), p = {}{}\n",
                term.term,
                sig_opt(term.exp_coef, 3),
                sig_opt(term.lower, 3),
                sig_opt(term.upper, 3),
                term.p_value.map_or("NA".into(), pval),
                if term.term == SCORE {
                    format!("   {score_note}")
                } else {
                    String::new()
                }
            ));
        }
    }
    t
}
