//! cBioPortal study folders: clinical merge, expression file choice, survival columns, and the generated study.

use sigsurv_io::cbioportal::rank_expression_file;
use sigsurv_io::{
    decode_event, match_set, read_cbioportal_study, read_expression, read_table, resolve_sets,
    EventCoding, IoError, TableSpec,
};
use std::path::{Path, PathBuf};

fn study_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cbioportal_study")
}

const HEAD: &str = "#a\tb\n#a\tb\n#STRING\tSTRING\n#1\t1\n";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn generated_study_reads_and_merges() {
    let s = read_cbioportal_study(&study_dir()).unwrap();
    assert_eq!(s.rows.len(), 200);
    assert_eq!(s.n_patients, 200);
    assert_eq!(
        s.columns,
        [
            "SAMPLE_ID",
            "PATIENT_ID",
            "CANCER_TYPE",
            "ER_STATUS",
            "AGE",
            "SEX",
            "OS_MONTHS",
            "OS_STATUS",
            "DFS_MONTHS",
            "DFS_STATUS"
        ]
    );
    assert_eq!(
        s.rows[1][..2],
        ["SYN-002-01".to_string(), "SYN-002".to_string()]
    );
    assert_eq!(s.column("OS_STATUS").unwrap()[1], "1:DECEASED");
    assert!(s.samples_without_patient.is_empty());
    assert!(s.patients_with_several_samples.is_empty());
    let os = s.default_survival().unwrap();
    assert_eq!(
        (os.endpoint.as_str(), os.time.as_str(), os.status.as_str()),
        ("OS", "OS_MONTHS", "OS_STATUS")
    );
    assert_eq!(s.survival.len(), 2);
    assert_eq!(s.survival[1].endpoint, "DFS");
    // The raw RSEM file, not the z-scores.
    assert_eq!(
        s.expression.as_ref().unwrap().file_name().unwrap(),
        "data_mrna_seq_v2_rsem.txt"
    );
    assert!(!s.expression_is_zscore);
    assert_eq!(s.expression_candidates.len(), 2);

    // The merged TSV goes through the ordinary table reader: the patient without OS is dropped.
    let dir = tempfile::tempdir().unwrap();
    let clin = dir.path().join("clinical.tsv");
    s.write_clinical_tsv(&clin).unwrap();
    let t = read_table(
        &TableSpec {
            path: clin,
            ..Default::default()
        },
        &["SAMPLE_ID", "OS_MONTHS", "OS_STATUS"],
    )
    .unwrap();
    assert_eq!((t.n(), t.n_dropped), (199, 1));
    let (events, coding) = decode_event(t.get("OS_STATUS"), None, &t.path, "OS_STATUS").unwrap();
    assert_eq!(coding, EventCoding::CbioPortal);
    assert_eq!(events.iter().filter(|&&e| e).count(), 138); // truth.json: os_events

    // Expression: 50 genes, Entrez fallback for TP53, IL8 found for the set's CXCL8.
    let mut m = read_expression(&s.expression_spec().unwrap()).unwrap();
    assert_eq!((m.n_genes(), m.n_samples()), (50, 200));
    assert_eq!(m.n_entrez_fallback, 1);
    assert!(m.genes.contains(&"7157".to_string()));
    let il1 = resolve_sets(None, &[]).unwrap();
    let hit = match_set(&m, &il1[0]);
    assert_eq!(hit.rows.len(), 27);
    assert_eq!(
        hit.via_alias,
        vec![("CXCL8".to_string(), "IL8".to_string())]
    );
    let r = m.drop_missing();
    assert_eq!(r.genes_dropped, vec!["GAPDH"]);
    assert_eq!(m.samples[0], t.get("SAMPLE_ID").label(0));
}

#[test]
fn merge_rules_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "data_clinical_sample.txt",
        &format!(
            "{HEAD}PATIENT_ID\tSAMPLE_ID\tAGE\nP1\tS1a\t50\nP1\tS1b\t51\nP9\tS9\t60\nP2\tS2\r\n"
        ),
    );
    write(
        d,
        "data_clinical_patient.txt",
        &format!("{HEAD}PATIENT_ID\tAGE\tRFS_MONTHS\tRFS_STATUS\nP1\t49\t10\t1:Recurred\nP2\t70\t5\t0:DiseaseFree\n"),
    );
    write(
        d,
        "data_mrna_seq_v2_rsem_zscores_ref_diploid_samples.txt",
        "Hugo_Symbol\tS1a\nA\t1\n",
    );
    let s = read_cbioportal_study(d).unwrap();
    assert_eq!(
        s.columns,
        [
            "SAMPLE_ID",
            "PATIENT_ID",
            "AGE",
            "AGE_PATIENT",
            "RFS_MONTHS",
            "RFS_STATUS"
        ]
    );
    assert_eq!(s.rows[1], ["S1b", "P1", "51", "49", "10", "1:Recurred"]);
    assert_eq!(s.rows[2], ["S9", "P9", "60", "", "", ""]);
    assert_eq!(s.rows[3], ["S2", "P2", "", "70", "5", "0:DiseaseFree"]); // short row padded
    assert_eq!(s.samples_without_patient, ["S9"]);
    assert_eq!(s.patients_with_several_samples, ["P1"]);
    assert_eq!(s.default_survival().unwrap().endpoint, "RFS");
    // Only a z-score file: chosen, and flagged.
    assert!(s.expression_is_zscore);

    write(
        d,
        "data_clinical_sample.txt",
        &format!("{HEAD}PATIENT_ID\tSAMPLE_ID\nP1\tS1\nP2\tS1\n"),
    );
    let e = read_cbioportal_study(d).unwrap_err();
    assert!(matches!(e, IoError::Study { .. }));
    assert!(
        e.to_string().contains("SAMPLE_ID \"S1\" occurs twice"),
        "{e}"
    );

    write(
        d,
        "data_clinical_sample.txt",
        &format!("{HEAD}PATIENT_ID\tSAMPLE_ID\nP1\tS1\tx\n"),
    );
    let e = read_cbioportal_study(d).unwrap_err();
    assert!(
        e.to_string().contains("at line 6: expected 2 fields"),
        "{e}"
    );

    std::fs::remove_file(d.join("data_clinical_sample.txt")).unwrap();
    let e = read_cbioportal_study(d).unwrap_err();
    assert!(
        e.to_string().ends_with("no data_clinical_sample.txt"),
        "{e}"
    );
    let e = read_cbioportal_study(&d.join("nope")).unwrap_err();
    assert!(matches!(e, IoError::Open { .. }));
}

#[test]
fn expression_file_preference() {
    let mut names = [
        "data_mrna_seq_v2_rsem_zscores_ref_all_samples.txt",
        "data_mrna_agilent_microarray.txt",
        "data_mrna_seq_v2_rsem_normal_samples.txt",
        "data_mrna_seq_tpm.txt",
        "data_mrna_seq_v2_rsem.txt",
        "data_RNA_Seq_v2_expression_median.txt",
        "data_mutations.txt",
        "data_clinical_sample.txt",
    ];
    names.sort_by_key(|n| rank_expression_file(n).unwrap_or(u32::MAX));
    assert_eq!(
        &names[..6],
        [
            "data_mrna_seq_v2_rsem.txt",
            "data_RNA_Seq_v2_expression_median.txt",
            "data_mrna_seq_tpm.txt",
            "data_mrna_agilent_microarray.txt",
            "data_mrna_seq_v2_rsem_normal_samples.txt",
            "data_mrna_seq_v2_rsem_zscores_ref_all_samples.txt",
        ]
    );
    assert_eq!(rank_expression_file("data_mutations.txt"), None);
}
