//! Expression files with random headers and cells: a fixed seed, a bounded number of files, and every outcome
//! a matrix or an error value. A panic inside the reader would surface as "the reader failed" (the panic
//! guard); none may happen on text input.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use sigsurv_io::{read_expression, Collapse, ExpressionSpec};

const HEADER: &[&str] = &[
    "gene",
    "Hugo_Symbol",
    "Entrez_Gene_Id",
    "Name",
    "Description",
    "S1",
    "S2",
    "S1",
    "",
    "\"q,uoted\"",
    "é",
    "#1.2",
    "NA",
    " ",
    "\u{feff}gene",
    "sample_id",
    "IL1B",
    "IL1B",
    "MYD88",
];
const CELL: &[&str] = &[
    "1.5", "-2", "NA", "", "1e308", "-1e308", "nan", "inf", "x", "0", "\"3\"", " 4 ", "1,5",
];

fn file() -> impl Strategy<Value = (String, bool, u8)> {
    let header = prop::collection::vec(prop::sample::select(HEADER), 0..6);
    let rows = prop::collection::vec(
        prop::collection::vec(prop::sample::select(CELL), 0..7),
        0..5,
    );
    let names = prop::collection::vec(prop::sample::select(HEADER), 5);
    (header, rows, names, any::<bool>(), 0u8..3).prop_map(|(h, rows, names, by_rows, ext)| {
        let sep = if ext == 1 { "\t" } else { "," };
        let mut text = h.join(sep);
        text.push('\n');
        for (r, cells) in rows.iter().enumerate() {
            text.push_str(names[r]);
            for c in cells {
                text.push_str(sep);
                text.push_str(c);
            }
            text.push('\n');
        }
        (text, by_rows, ext)
    })
}

#[test]
fn random_expression_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 300,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    runner
        .run(&file(), |(text, samples_in_rows, ext)| {
            let name = ["x.csv", "x.tsv", "x.gct"][ext as usize];
            let path = dir.path().join(name);
            std::fs::write(&path, &text).unwrap();
            let spec = ExpressionSpec {
                path,
                delimiter: None,
                samples_in_rows,
                collapse: Collapse::Mean,
                gene_column: None,
            };
            if let Err(e) = read_expression(&spec) {
                let msg = e.to_string();
                prop_assert!(!msg.contains("the reader failed"), "{msg}\nfor\n{text}");
            }
            Ok(())
        })
        .unwrap();
}
