//! cBioPortal study folders (the `cbioportal.org/datahub` layout): clinical data merged per sample, the expression
//! file located, and the survival columns recognised.
//!
//! Clinical files are tab-separated with metadata lines starting with `#` (cBioPortal writes four: display names,
//! descriptions, data types, priorities) before the column names. Sample rows (`data_clinical_sample.txt`) are merged
//! with their patient's row (`data_clinical_patient.txt`) on `PATIENT_ID`, so the result has one row per `SAMPLE_ID`
//! — the identifier the expression file's columns use.
//!
//! The merged table is kept as text, as written, and handed to the caller as a TSV file
//! ([`CbioStudy::write_clinical_tsv`]): the regular table reader then applies `--where`, event decoding (`0:LIVING` /
//! `1:DECEASED`) and missing-value handling (`[Not Available]`) exactly as for any other clinical file.

use crate::error::{IoError, Result};
use crate::expression::ExpressionSpec;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Survival endpoints looked for, in order of preference: `<E>_MONTHS` with `<E>_STATUS`.
pub const ENDPOINTS: [&str; 6] = ["OS", "DFS", "RFS", "PFS", "DSS", "DMFS"];

/// The time and status columns of one endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurvivalColumns {
    /// `OS`, `DFS`, `RFS`, ...
    pub endpoint: String,
    /// `<E>_MONTHS`.
    pub time: String,
    /// `<E>_STATUS` (cBioPortal codes such as `0:LIVING`/`1:DECEASED`, which the event decoder reads).
    pub status: String,
}

/// A study folder, read.
#[derive(Clone, Debug)]
pub struct CbioStudy {
    pub dir: PathBuf,
    /// Merged clinical columns: `SAMPLE_ID`, `PATIENT_ID`, the other sample columns, then the patient columns (a
    /// patient column whose name is also a sample column gets the suffix `_PATIENT`).
    pub columns: Vec<String>,
    /// One row per sample, text as in the files (`""` where the patient row is absent).
    pub rows: Vec<Vec<String>>,
    /// Rows of the patient file (0 without one).
    pub n_patients: usize,
    /// Samples whose `PATIENT_ID` is not in the patient file.
    pub samples_without_patient: Vec<String>,
    /// Patients with more than one sample: their survival appears once per sample (the caller should warn).
    pub patients_with_several_samples: Vec<String>,
    /// The expression file chosen (see [`rank_expression_file`]).
    pub expression: Option<PathBuf>,
    /// Every expression-like file found, best first.
    pub expression_candidates: Vec<PathBuf>,
    /// The chosen file holds z-scores (no other expression file was present).
    pub expression_is_zscore: bool,
    /// Endpoints with both columns present, in [`ENDPOINTS`] order (OS first when present).
    pub survival: Vec<SurvivalColumns>,
}

impl CbioStudy {
    /// The endpoint used when none is named: the first of `survival` (OS, else DFS, RFS, ...).
    pub fn default_survival(&self) -> Option<&SurvivalColumns> {
        self.survival.first()
    }

    /// The values of a merged column, or `None` if there is no such column.
    pub fn column(&self, name: &str) -> Option<Vec<&str>> {
        let c = self.columns.iter().position(|n| n == name)?;
        Some(self.rows.iter().map(|r| r[c].as_str()).collect())
    }

    /// A spec for reading the chosen expression file (cBioPortal layout: genes in rows, `Hugo_Symbol`).
    pub fn expression_spec(&self) -> Option<ExpressionSpec> {
        self.expression.as_ref().map(|p| ExpressionSpec {
            path: p.clone(),
            delimiter: Some(b'\t'),
            ..ExpressionSpec::default()
        })
    }

    /// Writes the merged clinical table as TSV (atomically), for [`crate::read_table`].
    pub fn write_clinical_tsv(&self, path: &Path) -> Result<()> {
        let mut out = String::new();
        out.push_str(&self.columns.join("\t"));
        out.push('\n');
        for r in &self.rows {
            out.push_str(&r.join("\t"));
            out.push('\n');
        }
        crate::write::write_atomic(path, out.as_bytes())
    }
}

/// Reads a cBioPortal study folder.
///
/// # Errors
/// [`IoError::Open`] if `dir` is not a folder; [`IoError::Study`] without a sample clinical file
/// (`data_clinical_sample.txt`, or the legacy combined `data_clinical.txt`), or without `SAMPLE_ID`/`PATIENT_ID`
/// columns, or with a repeated `SAMPLE_ID` (or `PATIENT_ID` in the patient file); [`IoError::Malformed`] for a line
/// with more fields than the header.
pub fn read_cbioportal_study(dir: &Path) -> Result<CbioStudy> {
    if !dir.is_dir() {
        return Err(IoError::Open {
            path: dir.to_path_buf(),
            reason: "not a folder (expected a cBioPortal study folder)".into(),
        });
    }
    let study_err = |message: String| IoError::Study {
        dir: dir.to_path_buf(),
        message,
    };
    let sample_path = ["data_clinical_sample.txt", "data_clinical.txt"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
        .ok_or_else(|| study_err("no data_clinical_sample.txt".into()))?;
    let samples = read_clinical(&sample_path)?;
    let s_sample = samples.column("SAMPLE_ID").ok_or_else(|| {
        study_err(format!(
            "no SAMPLE_ID column in {}",
            file_name(&sample_path)
        ))
    })?;
    let s_patient = samples.column("PATIENT_ID");

    let patient_path = dir.join("data_clinical_patient.txt");
    let patients = if patient_path.is_file() {
        Some(read_clinical(&patient_path)?)
    } else {
        None
    };

    let mut columns = vec!["SAMPLE_ID".to_string(), "PATIENT_ID".to_string()];
    columns.extend(
        samples
            .header
            .iter()
            .filter(|h| *h != "SAMPLE_ID" && *h != "PATIENT_ID")
            .cloned(),
    );
    let mut patient_cols: Vec<usize> = Vec::new();
    let mut patient_index: HashMap<&str, usize> = HashMap::new();
    if let Some(p) = &patients {
        let pid = p.column("PATIENT_ID").ok_or_else(|| {
            study_err(format!(
                "no PATIENT_ID column in {}",
                file_name(&patient_path)
            ))
        })?;
        if s_patient.is_none() {
            return Err(study_err(format!(
                "no PATIENT_ID column in {} to join the patient file on",
                file_name(&sample_path)
            )));
        }
        for (i, row) in p.rows.iter().enumerate() {
            if patient_index.insert(row[pid].as_str(), i).is_some() {
                return Err(study_err(format!(
                    "PATIENT_ID \"{}\" occurs twice in {}",
                    row[pid],
                    file_name(&patient_path)
                )));
            }
        }
        for (c, h) in p.header.iter().enumerate() {
            if c == pid {
                continue;
            }
            patient_cols.push(c);
            columns.push(if columns.contains(h) {
                format!("{h}_PATIENT")
            } else {
                h.clone()
            });
        }
    }
    let sample_other: Vec<usize> = (0..samples.header.len())
        .filter(|&c| Some(c) != Some(s_sample) && Some(c) != s_patient)
        .collect();

    let mut rows = Vec::with_capacity(samples.rows.len());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut per_patient: HashMap<&str, usize> = HashMap::new();
    let mut samples_without_patient = Vec::new();
    for r in &samples.rows {
        let sid = r[s_sample].as_str();
        if seen.insert(sid, 1).is_some() {
            return Err(study_err(format!(
                "SAMPLE_ID \"{sid}\" occurs twice in {}",
                file_name(&sample_path)
            )));
        }
        let pid = s_patient.map(|c| r[c].as_str()).unwrap_or("");
        *per_patient.entry(pid).or_insert(0) += 1;
        let mut row = vec![sid.to_string(), pid.to_string()];
        row.extend(sample_other.iter().map(|&c| r[c].clone()));
        if let Some(p) = &patients {
            match patient_index.get(pid) {
                Some(&pi) => row.extend(patient_cols.iter().map(|&c| p.rows[pi][c].clone())),
                None => {
                    samples_without_patient.push(sid.to_string());
                    row.extend(patient_cols.iter().map(|_| String::new()));
                }
            }
        }
        rows.push(row);
    }
    let mut patients_with_several_samples: Vec<String> = per_patient
        .iter()
        .filter(|(p, n)| **n > 1 && !p.is_empty())
        .map(|(p, _)| p.to_string())
        .collect();
    patients_with_several_samples.sort();

    let survival = ENDPOINTS
        .iter()
        .filter_map(|e| {
            let time = format!("{e}_MONTHS");
            let status = format!("{e}_STATUS");
            (columns.contains(&time) && columns.contains(&status)).then(|| SurvivalColumns {
                endpoint: e.to_string(),
                time,
                status,
            })
        })
        .collect();

    let mut candidates: Vec<(u32, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| IoError::Open {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter_map(|p| rank_expression_file(&file_name(&p)).map(|r| (r, p)))
        .collect();
    candidates.sort();
    let expression = candidates.first().map(|(_, p)| p.clone());
    let expression_is_zscore = expression
        .as_ref()
        .is_some_and(|p| is_zscore(&file_name(p)));

    Ok(CbioStudy {
        dir: dir.to_path_buf(),
        columns,
        rows,
        n_patients: patients.map_or(0, |p| p.rows.len()),
        samples_without_patient,
        patients_with_several_samples,
        expression,
        expression_candidates: candidates.into_iter().map(|(_, p)| p).collect(),
        expression_is_zscore,
        survival,
    })
}

/// How good a file name is as the study's expression matrix (lower is better), `None` if it is not one.
///
/// Raw (non-z-score) values come first: RNA-seq RSEM (`data_mrna_seq_v2_rsem.txt`), other RNA-seq (TPM, FPKM,
/// RPKM), microarrays (`data_mrna_agilent_microarray.txt`, ...), legacy names (`data_RNA_Seq_v2_expression_median.txt`,
/// `data_expression_median.txt`); then files of normal samples; z-score files (`*zscores*`) last, since a z-score
/// against a reference population is not what GSVA-type scores expect as input.
pub fn rank_expression_file(name: &str) -> Option<u32> {
    let n = name.to_ascii_lowercase();
    if !n.ends_with(".txt")
        || !(n.starts_with("data_mrna")
            || n.starts_with("data_rna_seq")
            || n.starts_with("data_expression"))
    {
        return None;
    }
    let base = if n == "data_mrna_seq_v2_rsem.txt" {
        0
    } else if n.contains("seq") && n.contains("rsem")
        || n.starts_with("data_rna_seq_v2_expression_median")
    {
        1
    } else if n.contains("seq") && n.contains("tpm") {
        2
    } else if n.contains("seq") {
        3
    } else if n.contains("microarray") || n.starts_with("data_expression") {
        4
    } else {
        5
    };
    let normal = if n.contains("normal") { 10 } else { 0 };
    let z = if is_zscore(&n) { 100 } else { 0 };
    Some(base + normal + z)
}

fn is_zscore(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("zscore") || n.contains("z_score") || n.contains("z-score")
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A clinical file: header and rows of text.
struct Clinical {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Clinical {
    fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// Reads a cBioPortal clinical file: `#` lines skipped, then the header, then rows (short rows padded with `""`).
fn read_clinical(path: &Path) -> Result<Clinical> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() || (header.is_none() && line.starts_with('#')) {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(|f| f.trim().to_string()).collect();
        match &header {
            None => header = Some(fields),
            Some(h) => {
                if fields.len() > h.len() {
                    return Err(IoError::Malformed {
                        path: path.to_path_buf(),
                        line: Some(i as u64 + 1),
                        message: format!(
                            "expected {} fields as in the header, found {}",
                            h.len(),
                            fields.len()
                        ),
                    });
                }
                let mut fields = fields;
                fields.resize(h.len(), String::new());
                rows.push(fields);
            }
        }
    }
    let header = header.ok_or_else(|| IoError::Empty {
        path: path.to_path_buf(),
        reason: "(no header line after the # lines)".into(),
    })?;
    Ok(Clinical { header, rows })
}
