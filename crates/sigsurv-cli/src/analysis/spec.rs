//! The analysis file (`sigsurv run analysis.toml`): everything `sigsurv analyze` takes, declared and versioned.
//!
//! ```toml
//! version = 1
//!
//! [data]
//! clinical = "clinical.csv"          # paths are relative to this file
//! expression = "expression.csv"
//! samples_in_rows = true
//! id = "sample_id"
//!
//! [signature]
//! set = "IL1"
//! method = "mean-z"
//!
//! [survival]
//! time = "os_months"
//! event = "os_event"
//! time_unit = "months"               # optional: the figures' time axis
//!
//! [groups]
//! split = "median"
//!
//! [model]
//! covariates = "age + factor(grade) + er"
//!
//! [output]
//! dir = "results"
//! ```
//! Unknown keys are errors (a typo must not silently fall back to a default).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The analysis file format version this sigsurv writes and reads.
pub const SPEC_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSpec {
    pub version: u32,
    pub data: DataSpec,
    #[serde(default)]
    pub signature: SignatureSpec,
    pub survival: SurvivalSpec,
    #[serde(default)]
    pub groups: GroupsSpec,
    #[serde(default)]
    pub model: ModelSpec,
    #[serde(default, skip_serializing_if = "SubgroupsSpec::is_empty")]
    pub subgroups: SubgroupsSpec,
    #[serde(default, skip_serializing_if = "ValidationSpec::is_empty")]
    pub validation: ValidationSpec,
    pub output: OutputSpec,
    /// The analysis file this was read from (none when `analyze` built it from flags): messages name it.
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    /// The clinical table (one row per sample).
    pub clinical: Option<PathBuf>,
    /// The expression matrix.
    pub expression: Option<PathBuf>,
    /// cBioPortal study folders (instead of clinical + expression): `study = "dir"` or, one cohort per study,
    /// `study = ["a", "b"]`.
    #[serde(default, with = "one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub study: Vec<PathBuf>,
    /// The clinical column naming each patient's cohort: each cohort is analysed on its own, then pooled.
    pub cohort: Option<String>,
    /// Go on when a cohort has no complete row (it is then left out, with a warning) instead of stopping.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_missing_cohorts: bool,
    #[serde(default)]
    pub samples_in_rows: bool,
    #[serde(default = "default_collapse")]
    pub collapse: String,
    pub gene_column: Option<String>,
    /// log2(x + 1) of the expression values before scoring (RNA-seq counts, RSEM).
    #[serde(default)]
    pub log2: bool,
    /// The clinical column with the sample ids (default: sample_id, SAMPLE_ID, sample, id, ID, or the first).
    pub id: Option<String>,
    /// Rows of the clinical table to keep (SQL condition).
    #[serde(rename = "where")]
    pub filter: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SignatureSpec {
    pub gene_sets: Option<PathBuf>,
    #[serde(default = "default_set")]
    pub set: String,
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default = "default_min_genes")]
    pub min_genes: usize,
}

impl Default for SignatureSpec {
    fn default() -> Self {
        SignatureSpec {
            gene_sets: None,
            set: default_set(),
            method: default_method(),
            min_genes: default_min_genes(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct SurvivalSpec {
    pub time: String,
    pub event: String,
    pub event_value: Option<String>,
    /// A disease-specific endpoint: the event column holds several causes and this one is analysed (cumulative
    /// incidence and Gray's test instead of Kaplan-Meier and log-rank; cause-specific Cox and Fine-Gray models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// With `cause`: the value of the event column meaning censored (default: 0 for numbers; censored, censor,
    /// alive or living for text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub censor_value: Option<String>,
    /// Unit of the time column, for the figures' time axis ("months" gives "Time (months)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_unit: Option<String>,
    /// Convert the time column on reading, "FROM:TO" (e.g. "days:years"); time_points are then in TO units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_scale: Option<String>,
    /// Times at which to report each group's survival (the "survival at 1, 5, 10 years" table), in the time
    /// column's unit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_points: Vec<f64>,
}

impl SurvivalSpec {
    /// The event column's value that is an event for the Kaplan-Meier-type and Cox analyses: the cause of a
    /// disease-specific endpoint (the other causes then count as censored: the cause-specific hazard), else
    /// `event_value`.
    pub fn event_flag(&self) -> Option<&str> {
        self.cause.as_deref().or(self.event_value.as_deref())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GroupsSpec {
    /// median | tertiles | quartiles | quantiles:P,.. | cut:V,.. | optimal
    #[serde(default = "default_split")]
    pub split: String,
    /// For `optimal`: the allowed range of the low group's share (maxstat's minprop / maxprop).
    #[serde(default = "default_min_prop")]
    pub min_prop: f64,
    #[serde(default = "default_max_prop")]
    pub max_prop: f64,
    /// For `optimal`: permutations for a permutation p-value of the selected cut (0: none), and their seed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub permutations: usize,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn default_seed() -> u64 {
    1
}

impl Default for GroupsSpec {
    fn default() -> Self {
        GroupsSpec {
            split: default_split(),
            min_prop: default_min_prop(),
            max_prop: default_max_prop(),
            permutations: 0,
            seed: default_seed(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Right-hand side terms added to both Cox models, in the formula language of `sigsurv cox`.
    pub covariates: Option<String>,
    #[serde(default)]
    pub strata: Vec<String>,
    #[serde(default = "default_ties")]
    pub ties: String,
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec {
            covariates: None,
            strata: Vec::new(),
            ties: default_ties(),
        }
    }
}

/// A validation run: the training cohort's cut-points and score SD applied unchanged.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ValidationSpec {
    /// The `summary.json` of the training analysis.
    pub train_summary: Option<PathBuf>,
    /// `"self"` (default: each gene standardised within this cohort) or `"train"` (by the training cohort's gene
    /// means and SDs; mean-z only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standardise: Option<String>,
}

/// Whose gene means and SDs standardise a validation cohort's mean-z score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standardise {
    /// The cohort's own (the score is relative to the validation cohort).
    OwnCohort,
    /// The training cohort's (the training score, frozen).
    Train,
}

impl ValidationSpec {
    pub fn is_empty(&self) -> bool {
        self.train_summary.is_none() && self.standardise.is_none()
    }

    /// `standardise`, checked.
    pub fn standardise(&self) -> Result<Standardise, crate::failure::Failure> {
        match self.standardise.as_deref().map(str::trim) {
            None | Some("self") => Ok(Standardise::OwnCohort),
            Some("train") => Ok(Standardise::Train),
            Some(other) => Err(crate::failure::Failure::input(format!(
                "standardise = \"{other}\": expected \"self\" or \"train\""
            ))),
        }
    }
}

/// The score's hazard ratio within the levels of clinical variables, with the interaction test of each.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct SubgroupsSpec {
    /// Columns (`"er"`) or conditions (`"age >= 50"`).
    #[serde(default)]
    pub by: Vec<String>,
}

impl SubgroupsSpec {
    pub fn is_empty(&self) -> bool {
        self.by.is_empty()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    pub dir: PathBuf,
}

fn default_collapse() -> String {
    "mean".into()
}
fn default_set() -> String {
    "IL1".into()
}
fn default_method() -> String {
    "mean-z".into()
}
fn default_min_genes() -> usize {
    3
}
fn default_split() -> String {
    "median".into()
}
fn default_min_prop() -> f64 {
    0.1
}
fn default_max_prop() -> f64 {
    0.9
}
fn default_ties() -> String {
    "efron".into()
}

/// `study = "dir"` (the original form) or `study = ["a", "b"]`; written back as a string when there is one.
mod one_or_many {
    use serde::de::{Deserializer, SeqAccess, Visitor};
    use serde::{Serialize, Serializer};
    use std::path::PathBuf;

    pub fn serialize<S: Serializer>(v: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
        match v {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PathBuf>, D::Error> {
        struct Paths;
        impl<'de> Visitor<'de> for Paths {
            type Value = Vec<PathBuf>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a folder path or a list of folder paths")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(vec![PathBuf::from(v)])
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(p) = seq.next_element::<String>()? {
                    v.push(PathBuf::from(p));
                }
                Ok(v)
            }
        }
        d.deserialize_any(Paths)
    }
}

impl AnalysisSpec {
    /// Parses an analysis file; errors say which key and where.
    pub fn parse(text: &str) -> Result<AnalysisSpec, String> {
        let spec: AnalysisSpec =
            toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        if spec.version != SPEC_VERSION {
            return Err(format!(
                "version = {} is not supported (this sigsurv reads version {SPEC_VERSION})",
                spec.version
            ));
        }
        Ok(spec)
    }

    /// Makes every relative path relative to `base` (the analysis file's folder) instead.
    pub fn rebase(&mut self, base: &Path) {
        let fix = |p: &mut Option<PathBuf>| {
            if let Some(path) = p {
                if path.is_relative() {
                    *path = base.join(&*path);
                }
            }
        };
        fix(&mut self.data.clinical);
        fix(&mut self.data.expression);
        for dir in &mut self.data.study {
            if dir.is_relative() {
                *dir = base.join(&*dir);
            }
        }
        fix(&mut self.signature.gene_sets);
        fix(&mut self.validation.train_summary);
        if self.output.dir.is_relative() {
            self.output.dir = base.join(&self.output.dir);
        }
    }

    /// The file as written into the output folder: absolute paths (without `..`: the files' real locations
    /// when they exist), every default spelt out.
    pub fn resolved_text(&self) -> String {
        let mut s = self.clone();
        let abs = |path: &mut PathBuf| {
            if let Ok(a) = std::fs::canonicalize(&*path).or_else(|_| std::path::absolute(&*path)) {
                *path = a;
            }
        };
        let data = &mut s.data;
        data.clinical
            .iter_mut()
            .chain(data.expression.iter_mut())
            .chain(data.study.iter_mut())
            .chain(s.signature.gene_sets.iter_mut())
            .chain(s.validation.train_summary.iter_mut())
            .chain(std::iter::once(&mut s.output.dir))
            .for_each(abs);
        format!(
            "# Written by sigsurv {} as run; rerun with: sigsurv run <this file>\n{}",
            env!("CARGO_PKG_VERSION"),
            toml::to_string(&s).expect("the spec always serialises")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_file_gets_defaults() {
        let s = AnalysisSpec::parse(
            "version = 1\n[data]\nclinical = \"c.csv\"\nexpression = \"e.csv\"\n[survival]\ntime = \"t\"\nevent = \"e\"\n[output]\ndir = \"out\"\n",
        )
        .unwrap();
        assert_eq!(s.signature.set, "IL1");
        assert_eq!(s.groups.split, "median");
        assert_eq!(s.model.ties, "efron");
        let again = AnalysisSpec::parse(s.resolved_text().split_once('\n').unwrap().1).unwrap();
        assert_eq!(again.signature, s.signature);
    }

    #[test]
    fn study_is_a_path_or_a_list() {
        let file = |study: &str| {
            format!("version = 1\n[data]\nstudy = {study}\n[survival]\ntime = \"\"\nevent = \"\"\n[output]\ndir = \"o\"\n")
        };
        let one = AnalysisSpec::parse(&file("\"brca\"")).unwrap();
        assert_eq!(one.data.study, vec![PathBuf::from("brca")]);
        let text = one.resolved_text();
        assert!(
            text.contains("study = \""),
            "one study is written as a string: {text}"
        );
        let two = AnalysisSpec::parse(&file("[\"a\", \"b\"]")).unwrap();
        assert_eq!(two.data.study, vec![PathBuf::from("a"), PathBuf::from("b")]);
        let again = AnalysisSpec::parse(two.resolved_text().split_once('\n').unwrap().1).unwrap();
        assert_eq!(again.data.study.len(), 2);
        let err = AnalysisSpec::parse(&file("3")).unwrap_err();
        assert!(
            err.contains("a folder path or a list of folder paths"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_says_which_and_where() {
        let err = AnalysisSpec::parse(
            "version = 1\n[data]\nclinical = \"c.csv\"\nexpresion = \"e.csv\"\n",
        )
        .unwrap_err();
        assert!(
            err.contains("unknown field `expresion`") && err.contains("line 4"),
            "{err}"
        );
    }
}
