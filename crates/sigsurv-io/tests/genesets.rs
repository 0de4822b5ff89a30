//! GMT parsing, set lookup, the built-in IL1 set and symbol/alias matching.

use sigsurv_io::genes::{canonical_key, current_symbol};
use sigsurv_io::{
    match_set, match_sets, read_expression, read_gmt, resolve_sets, ExpressionSpec, GeneSet,
    IoError,
};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn gmt(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("sets.gmt");
    std::fs::write(&p, text).unwrap();
    p
}

fn set(name: &str, genes: &[&str]) -> GeneSet {
    GeneSet {
        name: name.into(),
        description: String::new(),
        genes: genes.iter().map(|g| g.to_string()).collect(),
        source: "test".into(),
    }
}

#[test]
fn reads_the_committed_gmt() {
    let sets = read_gmt(&fixture("genesets/go_il1_tlr.gmt")).unwrap();
    let names: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "IL1_PANEL",
            "GO:0070498",
            "GO:0071347",
            "GO:0002224",
            "GO:0032612"
        ]
    );
    let sizes: Vec<usize> = sets.iter().map(|s| s.genes.len()).collect();
    assert_eq!(sizes, [27, 30, 111, 123, 130]);
    assert_eq!(
        sets[1].description,
        "interleukin-1-mediated signaling pathway"
    );
    assert!(sets[0].source.ends_with("go_il1_tlr.gmt:1"));
    // The file's IL1_PANEL is the built-in IL1 set.
    let builtin = resolve_sets(None, &["IL1".into()]).unwrap();
    assert_eq!(builtin[0].genes, sets[0].genes);
}

#[test]
fn gmt_blank_lines_crlf_trailing_tabs_and_repeated_genes() {
    let dir = tempfile::tempdir().unwrap();
    let p = gmt(
        dir.path(),
        "\u{feff}A\tdesc a\tIL1B\tTLR4\t\r\n\n  \nB\t\tCXCL8\til1b\tIL1B\t\t\n",
    );
    let sets = read_gmt(&p).unwrap();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].genes, vec!["IL1B", "TLR4"]);
    assert_eq!(sets[1].description, "");
    assert_eq!(sets[1].genes, vec!["CXCL8", "il1b"]);
    assert!(sets[1].source.ends_with(":4"));
}

#[test]
fn gmt_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "A\td\tX\nB\td\tY\n\nA\td\tZ\n",
            "at line 4: set \"A\" is defined twice (lines 1 and 4)",
        ),
        ("A\td\tX\nB only a name\n", "at line 2: no tab"),
        (
            "A\td\tX\nB\tdescription\t\t\n",
            "at line 2: set \"B\" has no genes",
        ),
        ("\td\tX\n", "at line 1: empty set name"),
        ("\n\n", ": no gene sets"),
    ];
    for (text, want) in cases {
        let p = gmt(dir.path(), text);
        let e = read_gmt(&p).unwrap_err();
        assert!(matches!(e, IoError::GeneSets { .. }));
        let msg = e.to_string();
        assert!(msg.starts_with("malformed gene set file "), "{msg}");
        assert!(msg.contains(want), "{msg} lacks {want}");
    }
    let e = read_gmt(&dir.path().join("absent.gmt")).unwrap_err();
    assert!(matches!(e, IoError::Open { .. }));
}

#[test]
fn resolve_sets_by_name_builtin_and_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let p = gmt(
        dir.path(),
        "HALLMARK_INFLAMMATORY_RESPONSE\td\tIL1B\nIL1\tshadows the built-in\tTLR4\n",
    );
    // No names: every set of the file; no file: the built-in IL1.
    assert_eq!(resolve_sets(Some(&p), &[]).unwrap().len(), 2);
    let d = resolve_sets(None, &[]).unwrap();
    assert_eq!(
        (d[0].name.as_str(), d[0].genes.len(), d[0].source.as_str()),
        ("IL1", 27, "built-in")
    );
    // A GMT set shadows the built-in of the same name; case-insensitive lookup; repeats returned once.
    let s = resolve_sets(
        Some(&p),
        &[
            "il1".into(),
            "hallmark_inflammatory_response".into(),
            "IL1".into(),
        ],
    )
    .unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0].genes, vec!["TLR4"]);
    // Unknown: lists the sets and suggests the closest.
    let e = resolve_sets(Some(&p), &["HALLMARK_INFLAMATORY_RESPONSE".into()]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("unknown gene set \"HALLMARK_INFLAMATORY_RESPONSE\" (looked in "),
        "{e}"
    );
    let hints = e.hints();
    assert_eq!(
        hints[0],
        "available sets: HALLMARK_INFLAMMATORY_RESPONSE, IL1"
    );
    assert_eq!(hints[1], "did you mean \"HALLMARK_INFLAMMATORY_RESPONSE\"?");
    let e = resolve_sets(None, &["IL-1".into()]).unwrap_err();
    assert!(e.to_string().contains("pass --gmt FILE"), "{e}");
    assert!(e.hints().iter().any(|h| h == "did you mean \"IL1\"?"));
}

#[test]
fn aliases_match_in_both_directions() {
    // genes_rows.csv has IL8 (old symbol); the set says CXCL8.
    let m = read_expression(&ExpressionSpec {
        path: fixture("expression/genes_rows.csv"),
        ..Default::default()
    })
    .unwrap();
    let hit = match_set(&m, &set("s", &["CXCL8", "il1b", "Tlr4", "IL1R3", "NOPE"]));
    assert_eq!(hit.used, vec!["CXCL8", "il1b", "Tlr4"]);
    assert_eq!(hit.rows, vec![1, 0, 2]);
    assert_eq!(hit.missing, vec!["IL1R3", "NOPE"]);
    assert_eq!(
        hit.via_alias,
        vec![("CXCL8".to_string(), "IL8".to_string())]
    );
    // Both names of one gene in a set use its row once.
    let hit = match_set(&m, &set("s", &["IL8", "CXCL8"]));
    assert_eq!(
        (hit.rows.clone(), hit.repeated.clone()),
        (vec![1], vec!["CXCL8".to_string()])
    );
    // The set says an old name, the matrix the current one.
    let g = read_expression(&ExpressionSpec {
        path: fixture("expression/example.gct"),
        ..Default::default()
    })
    .unwrap();
    let hit = match_set(&g, &set("s", &["IL8"]));
    assert_eq!(hit.rows, vec![1]);
    assert_eq!(current_symbol("IL1R3"), Some("IL1RAP"));
    assert_eq!(canonical_key("nalp3"), "NLRP3");
}

#[test]
fn a_set_with_no_gene_present_is_reported() {
    let m = read_expression(&ExpressionSpec {
        path: fixture("expression/cbio_mrna.txt"),
        ..Default::default()
    })
    .unwrap();
    let empty = set("TLRS", &["TLR1", "TLR2"]);
    let hit = match_set(&m, &empty);
    assert!(hit.rows.is_empty());
    assert_eq!(hit.missing.len(), 2);
    let e = match_sets(&m, &[set("ok", &["IL1RAP"]), empty]).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("none of the 2 genes of set \"TLRS\" is in "),
        "{e}"
    );
    assert!(
        e.hints()[0].contains("IL1B, 7157, 3576, IL1RAP"),
        "{:?}",
        e.hints()
    );
    let ok = match_sets(&m, &[set("ok", &["IL1R3", "IL1B"])]).unwrap();
    assert_eq!(ok[0].rows, vec![3, 0]);
}
