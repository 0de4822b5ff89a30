//! The paths and survival columns of an analysis, after a cBioPortal study's defaults are applied.

use super::spec::AnalysisSpec;
use crate::args::{CollapseArg, ExpressionArgs, ScoreMethodArg};
use crate::failure::{CliResult, Failure};
use std::path::{Path, PathBuf};

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

pub(super) fn expression_args(spec: &AnalysisSpec) -> CliResult<ExpressionArgs> {
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
        "weighted" => {
            return Err(Failure::input(
                "method = \"weighted\": an analysis scores unweighted gene sets (mean-z, zscore, ssgsea or singscore)",
            )
            .hint("score a weighted set with `sigsurv score --weights FILE --clinical TABLE` and analyse its column"))
        }
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
        weights: None,
    })
}
